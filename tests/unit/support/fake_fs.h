/* An in-memory fake of the host file system (struct km_hostfs) for unit
 * tests: files and directories by full host path, with their data in the
 * node. Tests may inspect the nodes and handles directly. */
#ifndef CLONEMU_FAKE_FS_H
#define CLONEMU_FAKE_FS_H

#include "kernel-model/hostfs.h"
#include "kernel-model/km.h"

#define FAKE_FS_NODES   32
#define FAKE_FS_HANDLES 32

/* The termios flags tcgets reports for handles 0..2 (the rest: ENOTTY). */
#define FAKE_FS_IFLAG 0x00000500u /* ICRNL | IXON */
#define FAKE_FS_OFLAG 0x00000005u /* OPOST | ONLCR */
#define FAKE_FS_CFLAG 0x000000bfu /* B38400 | CS8 | CREAD */
#define FAKE_FS_LFLAG 0x00008a3bu /* ISIG | ICANON | ECHO... */

struct fake_fs_node {
    bool used, dir;
    char path[256];
    char data[3 * 4096]; /* three pages: room for file mappings (test_mm_file) */
    size_t size;
    u32 mode;
};
struct fake_fs_handle {
    bool used;
    int node;
    i64 off; /* file offset, or next node index for readdir */
};

extern struct fake_fs_node fake_fs_nodes[FAKE_FS_NODES];
extern struct fake_fs_handle fake_fs_handles[FAKE_FS_HANDLES];
extern char fake_fs_last_path[512]; /* of the last open or stat */
extern u32 fake_fs_last_mode;       /* of the last mkdir */
extern const struct km_hostfs fake_hostfs;

void fake_fs_reset(void); /* no nodes, no open handles */
/* A new node (dir, or a file holding data); its index. Aborts when full. */
int fake_fs_add(const char *path, bool dir, const char *data, u32 mode);
int fake_fs_find(const char *path); /* index or -1 */
/* fake_boot (support/fake_host.h) with this hostfs as the host file
 * system; the root is "", so guest paths are fake_fs paths. */
struct task *fake_fs_boot(struct km *k, const struct km_abi *abi);

#endif

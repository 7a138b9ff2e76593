/* --read-only: a km_hostfs wrapper that refuses every change to the file
 * system with EROFS, as a read-only mount does (see hostfs_ro.c). */
#ifndef CLONEMU_HOSTFS_RO_H
#define CLONEMU_HOSTFS_RO_H

#include "kernel-model/hostfs.h"

/* Make fs read-only in place: its ops that change the file system are
 * replaced by ones that refuse; the rest (and fs->ctx) stay. Once per
 * process (the original ops are kept in a static). */
void hostfs_read_only(struct km_hostfs *fs);

#endif

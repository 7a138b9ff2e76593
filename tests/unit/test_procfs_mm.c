/* Unit test of /proc/PID/maps (kernel-model/procfs_mm.c) through the
 * x86-64 syscall numbers on a bare model: the exact text of each line
 * (Linux's "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu " and the name at
 * column 73), [heap] and [stack] by address as Linux decides them, a
 * file-backed range (mm_set_file) whose file offset follows mprotect's
 * splits and fork's copy, the exe label, and task/TID/maps; cmdline and
 * environ read from the argv/envp ranges (setproctitle case too), statm's
 * page counts, limits' columns. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-model/files.h"
#include "kernel-model/internal.h"
#include "tests/unit/support/fake_host.h"
#include "tests/unit/support/check.h"

enum {
    NR_READ = 0,
    NR_CLOSE = 3,
    NR_MMAP = 9,
    NR_MPROTECT = 10,
    NR_BRK = 12,
    NR_FORK = 57,
    NR_OPENAT = 257,
};

#define AT_FDCWD ((u64)(i64)-100)
#define BUF      0x10000ULL
#define PATH     0x30000ULL

static struct km K;

static i64 sc(struct task *t, u32 nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
    u64 a[6] = {a0, a1, a2, a3, a4, a5};
    return km_syscall(&K, t, nr, a);
}

/* The whole file (opened by t) into out; "" on error, *rc the open's result. */
static char *slurp(struct task *t, const char *p, char *out, size_t n, i64 *rc)
{
    out[0] = '\0';
    if (mm_write(t->mm, PATH, p, strlen(p) + 1) < 0) abort();
    i64 fd = sc(t, NR_OPENAT, AT_FDCWD, PATH, 0, 0, 0, 0);
    if (rc) *rc = fd;
    if (fd < 0) return out;
    size_t len = 0;
    for (;;) {
        i64 r = sc(t, NR_READ, (u64)fd, BUF, 100, 0, 0, 0); /* small reads */
        if (r <= 0 || len + (size_t)r >= n) break;
        if (mm_read(t->mm, BUF, out + len, (size_t)r) < 0) break;
        len += (size_t)r;
    }
    out[len] = '\0';
    sc(t, NR_CLOSE, (u64)fd, 0, 0, 0, 0, 0);
    return out;
}

/* A named line: the prefix padded with spaces to column 73, then name. */
static const char *named(const char *prefix, const char *name)
{
    static char l[8][256];
    static int i;
    char *s = l[i++ % 8];
    snprintf(s, 256, "%-72s %s\n", prefix, name);
    return s;
}

int main(void)
{
    static char text[8192], want[8192];
    struct task *p = fake_boot(&K, &km_abi_x86_64);
    i64 rc;

    /* the bare mm: two anonymous mappings, nothing named */
    slurp(p, "/proc/self/maps", text, sizeof text, &rc);
    CHECK(rc >= 0, "open maps: %lld", (long long)rc);
    CHECK(strcmp(text, "00010000-00110000 rw-p 00000000 00:00 0 \n"
                       "00200000-00210000 r--p 00000000 00:00 0 \n") == 0,
          "bare maps:\n%s", text);

    /* [stack]: the vma holding start_stack; [heap]: between brk_start and brk */
    p->mm->start_stack = 0x100000;
    p->mm->brk_start = p->mm->brk = 0x300000;
    CHECK(sc(p, NR_BRK, 0x302000, 0, 0, 0, 0, 0) == 0x302000, "brk");
    /* a file range: 3 pages from file offset 0x5000, the middle one read-only */
    CHECK(sc(p, NR_MMAP, 0x40000000, 0x3000, LX_PROT_READ | LX_PROT_WRITE,
             LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED, (u64)-1, 0) == 0x40000000,
          "mmap");
    struct vma_file *vf = vma_file_new("/lib/x.so", false, 0xfe01, 42);
    mm_set_file(p->mm, 0x40000000, 0x40003000, vf, 0x5000);
    vma_file_put(vf);
    CHECK(sc(p, NR_MPROTECT, 0x40001000, 0x1000, LX_PROT_READ, 0, 0, 0) == 0, "mprotect");
    snprintf(want, sizeof want, "%s%s%s%s%s%s",
             named("00010000-00110000 rw-p 00000000 00:00 0", "[stack]"),
             "00200000-00210000 r--p 00000000 00:00 0 \n",
             named("00300000-00302000 rw-p 00000000 00:00 0", "[heap]"),
             named("40000000-40001000 rw-p 00005000 fe:01 42", "/lib/x.so"),
             named("40001000-40002000 r--p 00006000 fe:01 42", "/lib/x.so"),
             named("40002000-40003000 rw-p 00007000 fe:01 42", "/lib/x.so"));
    slurp(p, "/proc/self/maps", text, sizeof text, NULL);
    CHECK(strcmp(text, want) == 0, "maps:\n%s\nwant:\n%s", text, want);

    /* the same through task/TID and thread-self */
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/task/%d/maps", p->tid, p->tid);
    static char other[8192];
    slurp(p, path, other, sizeof other, NULL);
    CHECK(strcmp(other, want) == 0, "task/TID/maps:\n%s", other);
    slurp(p, "/proc/thread-self/maps", other, sizeof other, NULL);
    CHECK(strcmp(other, want) == 0, "thread-self/maps:\n%s", other);

    /* merging back: the file pages join again, one line from offset 0x5000 */
    CHECK(sc(p, NR_MPROTECT, 0x40001000, 0x1000, LX_PROT_READ | LX_PROT_WRITE, 0, 0, 0) == 0,
          "mprotect back");
    slurp(p, "/proc/self/maps", text, sizeof text, NULL);
    CHECK(strstr(text, named("40000000-40003000 rw-p 00005000 fe:01 42", "/lib/x.so")) != NULL,
          "merged:\n%s", text);

    /* fork (before any exe path: the bare model cannot walk one): the
     * child's maps are the parent's, file labels copied */
    i64 child = sc(p, NR_FORK, 0, 0, 0, 0, 0, 0);
    CHECK(child > 0, "fork: %lld", (long long)child);
    snprintf(path, sizeof path, "/proc/%lld/maps", (long long)child);
    slurp(p, path, other, sizeof other, NULL);
    CHECK(strcmp(other, text) == 0, "child maps:\n%s", other);

    /* the exe label names the mm's executable */
    struct task *cur = K.current; /* no path walk: the bare model has no host fs */
    K.current = NULL;
    fs_set_exe(&K, p->mm, "/bin/prog");
    K.current = cur;
    struct vma_file *ef = vma_file_new(NULL, true, 0x801, 7);
    CHECK(sc(p, NR_MMAP, 0x50000000, 0x1000, LX_PROT_READ | LX_PROT_EXEC,
             LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED, (u64)-1, 0) == 0x50000000,
          "mmap exe");
    mm_set_file(p->mm, 0x50000000, 0x50001000, ef, 0);
    vma_file_put(ef);

    slurp(p, "/proc/self/maps", text, sizeof text, NULL);
    CHECK(strstr(text, named("50000000-50001000 r-xp 00000000 08:01 7", "/bin/prog")) != NULL,
          "exe line:\n%s", text);

    /* cmdline / environ: the ranges exec recorded, read from guest memory */
    static const char strs[] = "prog\0-v\0K=v\0E=\0";
    if (mm_write(p->mm, 0x80000, strs, sizeof strs - 1) < 0) abort();
    p->mm->arg_start = 0x80000;
    p->mm->arg_end = p->mm->env_start = 0x80008;
    p->mm->env_end = 0x80010;
    i64 n = 0;
    slurp(p, "/proc/self/cmdline", text, sizeof text, NULL);
    CHECK(memcmp(text, "prog\0-v\0", 9) == 0, "cmdline: %s", text);
    n = sc(p, NR_OPENAT, AT_FDCWD, PATH, 0, 0, 0, 0); /* PATH still holds .../cmdline */
    CHECK(sc(p, NR_READ, (u64)n, BUF, 100, 0, 0, 0) == 8, "cmdline is 8 bytes");
    sc(p, NR_CLOSE, (u64)n, 0, 0, 0, 0, 0);
    slurp(p, "/proc/self/environ", text, sizeof text, NULL);
    CHECK(memcmp(text, "K=v\0E=\0", 8) == 0, "environ: %s", text);
    if (mm_write(p->mm, 0x80007, "X", 1) < 0) abort(); /* setproctitle: argv's last NUL gone */
    slurp(p, "/proc/self/cmdline", text, sizeof text, NULL);
    n = sc(p, NR_OPENAT, AT_FDCWD, PATH, 0, 0, 0, 0);
    CHECK(sc(p, NR_READ, (u64)n, BUF, 100, 0, 0, 0) == 5 && strcmp(text, "prog") == 0,
          "proctitle: the string at arg_start with its NUL");
    sc(p, NR_CLOSE, (u64)n, 0, 0, 0, 0, 0);

    /* statm: 0x100 + 0x10 + 2 (heap) + 3 (x.so) + 1 (exe) pages; data is the
     * private writable ones, shared the file ones, text the exe's code */
    slurp(p, "/proc/self/statm", text, sizeof text, NULL);
    CHECK(strcmp(text, "278 278 4 1 0 261 0\n") == 0, "statm: %s", text);

    /* limits: the header and a line in proc_pid_limits' columns */
    slurp(p, "/proc/self/limits", text, sizeof text, NULL);
    CHECK(
        strncmp(text,
                "Limit                     Soft Limit           Hard Limit           Units     \n"
                "Max cpu time              unlimited            unlimited            seconds   \n",
                158) == 0,
        "limits:\n%s", text);
    CHECK(strstr(text, "\nMax stack size            8388608              unlimited            "
                       "bytes     \n") != NULL &&
              strstr(text,
                     "\nMax nice priority         unlimited            unlimited            \n"),
          "limits lines:\n%s", text);

    fake_shutdown(&K);
    return check_report("test_procfs_mm");
}

/* Unit test of the modelled procfs (kernel-model/procfs.c) through the
 * x86-64 syscall numbers: /proc/self/task listed with getdents64 as
 * threads come and go, /proc/self/status read by the leader and by a
 * thread (Pid/Tgid/PPid/Threads, SigBlk/ShdPnd/SigIgn after the signal
 * syscalls), thread-self, readlink, stat/fstat, lseek, write refusals,
 * /proc/sys/kernel/pid_max, threads-max, tainted and core_pattern. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-model/internal.h"
#include "tests/unit/support/fake_host.h"
#include "tests/unit/support/check.h"

enum {
    NR_READ = 0,
    NR_WRITE = 1,
    NR_CLOSE = 3,
    NR_STAT = 4,
    NR_FSTAT = 5,
    NR_LSTAT = 6,
    NR_LSEEK = 8,
    NR_RT_SIGACTION = 13,
    NR_RT_SIGPROCMASK = 14,
    NR_ACCESS = 21,
    NR_CLONE = 56,
    NR_EXIT = 60,
    NR_KILL = 62,
    NR_READLINK = 89,
    NR_GETDENTS64 = 217,
    NR_OPENAT = 257,
};

#define AT_FDCWD    ((u64)(i64)-100)
#define O_DIRECTORY 0200000
#define BUF         0x10000ULL /* read buffer (64 KiB) */
#define PATH        0x30000ULL /* path strings */
#define ARG         0x31000ULL /* sigsets, sigaction, stat */
#define THREAD_FLAGS                                                                               \
    (LX_CLONE_VM | LX_CLONE_FS | LX_CLONE_FILES | LX_CLONE_SIGHAND | LX_CLONE_THREAD |             \
     LX_CLONE_SYSVSEM)

static struct km K;

static i64 sc(struct task *t, u32 nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4)
{
    u64 a[6] = {a0, a1, a2, a3, a4, 0};
    return km_syscall(&K, t, nr, a);
}

static u64 path(struct task *t, const char *s)
{
    if (mm_write(t->mm, PATH, s, strlen(s) + 1) < 0) abort();
    return PATH;
}

static i64 open_as(struct task *t, const char *p, u64 flags)
{
    return sc(t, NR_OPENAT, AT_FDCWD, path(t, p), flags, 0, 0);
}

/* The whole file (opened by t) into a host string; "" on error. */
static char *slurp(struct task *t, const char *p, char *out, size_t n)
{
    out[0] = '\0';
    i64 fd = open_as(t, p, 0);
    if (fd < 0) return out;
    size_t len = 0;
    for (;;) {
        i64 r = sc(t, NR_READ, (u64)fd, BUF, 100, 0, 0); /* small reads: offsets */
        if (r <= 0 || len + (size_t)r >= n) break;
        if (mm_read(t->mm, BUF, out + len, (size_t)r) < 0) break;
        len += (size_t)r;
    }
    out[len] = '\0';
    sc(t, NR_CLOSE, (u64)fd, 0, 0, 0, 0);
    return out;
}

/* The value after "Key:\t" in a status text, or "" */
static const char *field(const char *text, const char *key, char *out, size_t n)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\n%s:\t", key);
    const char *s = strstr(text, pat);
    if (!s && strncmp(text, pat + 1, strlen(pat + 1)) == 0) s = text - 1;
    out[0] = '\0';
    if (!s) return out;
    s += strlen(pat);
    size_t i = 0;
    while (s[i] && s[i] != '\n' && i + 1 < n) {
        out[i] = s[i];
        i++;
    }
    out[i] = '\0';
    return out;
}

static long field_num(const char *text, const char *key)
{
    char v[64];
    field(text, key, v, sizeof v);
    return v[0] ? strtol(v, NULL, 10) : -1;
}

/* Names of the entries of dir (opened by t), space-separated, with a
 * getdents64 buffer of bufsz bytes; types must all be want_type (except
 * "." / ".."). */
static void list_dir(struct task *t, const char *dir, u64 bufsz, int want_type, char *out, size_t n)
{
    out[0] = '\0';
    i64 fd = open_as(t, dir, O_DIRECTORY);
    CHECK(fd >= 0, "open %s: %lld", dir, (long long)fd);
    if (fd < 0) return;
    for (;;) {
        i64 r = sc(t, NR_GETDENTS64, (u64)fd, BUF, bufsz, 0, 0);
        CHECK(r >= 0, "getdents64 %s: %lld", dir, (long long)r);
        if (r <= 0) break;
        u8 b[4096];
        if (mm_read(t->mm, BUF, b, (size_t)r) < 0) abort();
        for (i64 off = 0; off < r;) {
            u16 reclen = lx_get16(false, b + off + 16);
            const char *name = (const char *)b + off + 19;
            if (want_type >= 0 && strcmp(name, ".") && strcmp(name, ".."))
                CHECK(b[off + 18] == want_type, "%s/%s type %d", dir, name, b[off + 18]);
            size_t l = strlen(out);
            snprintf(out + l, n - l, "%s%s", l ? " " : "", name);
            off += reclen;
        }
    }
    sc(t, NR_CLOSE, (u64)fd, 0, 0, 0, 0);
}

static struct task *new_thread(struct task *p)
{
    i64 tid = sc(p, NR_CLONE, THREAD_FLAGS, 0x20000, 0, 0, 0);
    CHECK(tid > 0, "clone: %lld", (long long)tid);
    return tid > 0 ? km_find_task(&K, (int)tid) : NULL;
}

static void block_usr1(struct task *t)
{
    if (mm_write_u64(t->mm, ARG, LX_SIGBIT(LX_SIGUSR1)) < 0) abort();
    CHECK(sc(t, NR_RT_SIGPROCMASK, 0 /* SIG_BLOCK */, ARG, 0, 8, 0) == 0, "sigprocmask");
}

int main(void)
{
    static char text[8192], want[256], got[256];
    struct task *p = fake_boot(&K, &km_abi_x86_64);
    int pid = p->tid;

    /* the leader alone */
    slurp(p, "/proc/self/status", text, sizeof text);
    CHECK(strncmp(text, "Name:\tmain\nUmask:\t0022\nState:\tR (running)\nTgid:\t", 48) == 0,
          "status head: %.80s", text);
    CHECK(field_num(text, "Tgid") == pid && field_num(text, "Pid") == pid, "Tgid/Pid");
    CHECK(field_num(text, "PPid") == 1, "PPid %ld", field_num(text, "PPid"));
    CHECK(field_num(text, "Threads") == 1, "Threads");
    CHECK(strcmp(field(text, "SigBlk", got, sizeof got), "0000000000000000") == 0, "SigBlk %s",
          got);
    CHECK(strcmp(field(text, "Uid", got, sizeof got), "0\t0\t0\t0") == 0, "Uid %s", got);
    CHECK(strcmp(field(text, "CapBnd", got, sizeof got), "000001ffffffffff") == 0, "CapBnd");

    /* two threads: task/ lists the group in creation order */
    struct task *t1 = new_thread(p), *t2 = new_thread(p);
    if (!t1 || !t2) return 1;
    list_dir(p, "/proc/self/task", 4096, 4 /* DT_DIR */, got, sizeof got);
    snprintf(want, sizeof want, ". .. %d %d %d", pid, t1->tid, t2->tid);
    CHECK(strcmp(got, want) == 0, "task/: '%s' want '%s'", got, want);
    list_dir(p, "/proc/self/task", 24, 4, got, sizeof got); /* one entry per call */
    CHECK(strcmp(got, want) == 0, "task/ (small buffer): '%s'", got);
    snprintf(text, sizeof text, "/proc/%d/task", t1->tid); /* /proc/<tid> works too */
    list_dir(t2, text, 4096, 4, got, sizeof got);
    CHECK(strcmp(got, want) == 0, "/proc/<tid>/task: '%s'", got);

    /* signal state: every thread blocks SIGUSR1, kill() leaves it shared */
    block_usr1(p);
    block_usr1(t1);
    block_usr1(t2);
    u64 act[4] = {LX_SIG_IGN, 0, 0, 0};
    if (mm_write(p->mm, ARG + 64, act, sizeof act) < 0) abort();
    CHECK(sc(p, NR_RT_SIGACTION, LX_SIGUSR2, ARG + 64, 0, 8, 0) == 0, "sigaction");
    CHECK(sc(p, NR_KILL, (u64)pid, LX_SIGUSR1, 0, 0, 0) == 0, "kill");
    slurp(p, "/proc/self/status", text, sizeof text);
    CHECK(field_num(text, "Threads") == 3, "Threads %ld", field_num(text, "Threads"));
    CHECK(strcmp(field(text, "SigBlk", got, sizeof got), "0000000000000200") == 0, "SigBlk %s",
          got);
    CHECK(strcmp(field(text, "ShdPnd", got, sizeof got), "0000000000000200") == 0, "ShdPnd %s",
          got);
    CHECK(strcmp(field(text, "SigPnd", got, sizeof got), "0000000000000000") == 0, "SigPnd %s",
          got);
    CHECK(strcmp(field(text, "SigIgn", got, sizeof got), "0000000000000800") == 0, "SigIgn %s",
          got);
    CHECK(strcmp(field(text, "SigQ", got, sizeof got), "1/63353") == 0, "SigQ %s", got);

    /* a thread sees its own Pid and the group's Tgid, through every spelling */
    const char *spell[3] = {"/proc/self/task/%d/status", "/proc/thread-self/status",
                            "/proc/%d/status"};
    for (int i = 0; i < 3; i++) {
        char pth[64];
        snprintf(pth, sizeof pth, spell[i], t1->tid);
        slurp(t1, pth, text, sizeof text);
        CHECK(field_num(text, "Pid") == t1->tid && field_num(text, "Tgid") == pid,
              "%s: Pid %ld Tgid %ld", pth, field_num(text, "Pid"), field_num(text, "Tgid"));
        CHECK(field_num(text, "PPid") == 1, "%s: PPid", pth);
    }
    slurp(t1, "/proc/self/status", text, sizeof text); /* self = the process */
    CHECK(field_num(text, "Pid") == pid, "self from a thread: Pid %ld", field_num(text, "Pid"));

    /* readlink of self / thread-self, comm */
    i64 n = sc(t1, NR_READLINK, path(t1, "/proc/thread-self"), BUF, 64, 0, 0);
    char link[64] = {0};
    if (n > 0) mm_read(t1->mm, BUF, link, (size_t)n);
    snprintf(want, sizeof want, "%d/task/%d", pid, t1->tid);
    CHECK(n == (i64)strlen(want) && strcmp(link, want) == 0, "thread-self -> %s", link);
    n = sc(p, NR_READLINK, path(p, "/proc/self"), BUF, 64, 0, 0);
    memset(link, 0, sizeof link);
    if (n > 0) mm_read(p->mm, BUF, link, (size_t)n);
    snprintf(want, sizeof want, "%d", pid);
    CHECK(strcmp(link, want) == 0, "self -> %s", link);
    CHECK(strcmp(slurp(p, "/proc/self/comm", text, sizeof text), "main\n") == 0, "comm '%s'", text);

    /* stat / fstat / lseek / write / access */
    CHECK(sc(p, NR_STAT, path(p, "/proc/self/task"), ARG, 0, 0, 0) == 0, "stat task");
    u32 mode = 0;
    mm_read_u32(p->mm, ARG + 24, &mode);
    CHECK((mode & LX_S_IFMT) == LX_S_IFDIR, "task mode %o", mode);
    CHECK(sc(p, NR_LSTAT, path(p, "/proc/self"), ARG, 0, 0, 0) == 0, "lstat self");
    mm_read_u32(p->mm, ARG + 24, &mode);
    CHECK((mode & LX_S_IFMT) == LX_S_IFLNK, "self mode %o", mode);
    i64 fd = open_as(p, "/proc/self/status", 0);
    CHECK(fd >= 0, "open status");
    CHECK(sc(p, NR_FSTAT, (u64)fd, ARG, 0, 0, 0) == 0, "fstat");
    u64 size = 1;
    mm_read_u32(p->mm, ARG + 24, &mode);
    mm_read_u64(p->mm, ARG + 48, &size);
    CHECK((mode & LX_S_IFMT) == LX_S_IFREG && (mode & 0777) == 0444 && size == 0,
          "fstat mode %o size %llu", mode, (unsigned long long)size);
    i64 r1 = sc(p, NR_READ, (u64)fd, BUF, 4096, 0, 0);
    CHECK(r1 > 100 && sc(p, NR_READ, (u64)fd, BUF, 4096, 0, 0) == 0, "read to EOF");
    CHECK(sc(p, NR_LSEEK, (u64)fd, 0, 0, 0, 0) == 0, "lseek");
    CHECK(sc(p, NR_READ, (u64)fd, BUF, 4096, 0, 0) == r1, "re-read");
    CHECK(sc(p, NR_WRITE, (u64)fd, BUF, 4, 0, 0) == -LX_EBADF, "write to O_RDONLY");
    CHECK(sc(p, NR_GETDENTS64, (u64)fd, BUF, 4096, 0, 0) == -LX_ENOTDIR, "getdents of a file");
    sc(p, NR_CLOSE, (u64)fd, 0, 0, 0, 0);
    CHECK(open_as(p, "/proc/self/status", LX_O_WRONLY | O_DIRECTORY) == -LX_ENOTDIR, "O_DIRECTORY");
    CHECK(open_as(p, "/proc/self/task", LX_O_WRONLY) == -LX_EISDIR, "dir for write");
    CHECK(open_as(p, "/proc/99999/status", 0) == -LX_ENOENT, "no such pid");
    CHECK(open_as(p, "/proc/self/task/99999", 0) == -LX_ENOENT, "no such tid");
    CHECK(sc(p, NR_ACCESS, path(p, "/proc/self/status"), 4, 0, 0, 0) == 0, "access R_OK");
    CHECK(sc(p, NR_ACCESS, path(p, "/proc/self/status"), 1, 0, 0, 0) == -LX_EACCES, "X_OK");

    /* relative to a task/ dirfd */
    i64 dfd = open_as(p, "/proc/self/task", O_DIRECTORY);
    char rel[32];
    snprintf(rel, sizeof rel, "%d/status", t2->tid);
    fd = sc(p, NR_OPENAT, (u64)dfd, path(p, rel), 0, 0, 0);
    CHECK(fd >= 0, "openat relative: %lld", (long long)fd);
    sc(p, NR_CLOSE, (u64)fd, 0, 0, 0, 0);
    sc(p, NR_CLOSE, (u64)dfd, 0, 0, 0, 0);

    /* the process directory and fd/ */
    list_dir(p, "/proc/self", 4096, -1, got, sizeof got);
    CHECK(strcmp(got, ". .. task fd status comm stat exe maps statm cmdline environ limits "
                      "uid_map gid_map setgroups ns mounts mountinfo cgroup timens_offsets") == 0,
          "/proc/self: '%s'", got);
    list_dir(p, "/proc/self/fd", 4096, 10 /* DT_LNK */, got, sizeof got);
    CHECK(strcmp(got, ". .. 0 1 2 3") == 0, "fd/: '%s'", got); /* 3: the fd/ dir itself */
    n = sc(p, NR_READLINK, path(p, "/proc/self/fd/1"), BUF, 64, 0, 0);
    memset(link, 0, sizeof link);
    if (n > 0) mm_read(p->mm, BUF, link, (size_t)n);
    CHECK(strcmp(link, "/dev/stdout") == 0, "fd/1 -> '%s'", link);
    /* t2 exits: gone from task/ and from /proc */
    int t2tid = t2->tid;
    sc(t2, NR_EXIT, 0, 0, 0, 0, 0);
    list_dir(p, "/proc/self/task", 4096, 4, got, sizeof got);
    snprintf(want, sizeof want, ". .. %d %d", pid, t1->tid);
    CHECK(strcmp(got, want) == 0, "task/ after exit: '%s' want '%s'", got, want);
    snprintf(rel, sizeof rel, "/proc/%d/status", t2tid);
    CHECK(open_as(p, rel, 0) == -LX_ENOENT, "exited thread has no /proc entry");
    slurp(p, "/proc/self/status", text, sizeof text);
    CHECK(field_num(text, "Threads") == 2, "Threads after exit %ld", field_num(text, "Threads"));

    /* /proc/sys/kernel: the model's limits, root's files, read-only */
    slurp(p, "/proc/sys/kernel/pid_max", text, sizeof text);
    CHECK(strcmp(text, "4194304\n") == 0, "pid_max '%s'", text);
    K.opt.max_tasks = 4096;
    slurp(p, "/proc/sys/kernel/threads-max", text, sizeof text);
    CHECK(strcmp(text, "4096\n") == 0, "threads-max '%s'", text);
    K.opt.max_tasks = 0;
    slurp(p, "/proc/sys/kernel/threads-max", text, sizeof text);
    CHECK(strcmp(text, "1073741823\n") == 0, "threads-max without a limit '%s'", text);
    slurp(p, "/proc/sys/kernel/tainted", text, sizeof text);
    CHECK(strcmp(text, "0\n") == 0, "tainted '%s'", text);
    slurp(p, "/proc/sys/kernel/core_pattern", text, sizeof text);
    CHECK(strcmp(text, "core\n") == 0, "core_pattern '%s'", text);
    CHECK(open_as(p, "/proc/sys/kernel/ns_last_pid", 0) == -LX_ENOENT, "ns_last_pid");
    fd = open_as(p, "/proc/sys/kernel/pid_max", LX_O_WRONLY);
    CHECK(fd >= 0, "root opens pid_max for writing: %lld", (long long)fd);
    if (mm_write(p->mm, BUF, "300\n", 4) < 0) abort();
    CHECK(sc(p, NR_WRITE, (u64)fd, BUF, 4, 0, 0) == -LX_EINVAL, "pid_max write not modelled");
    sc(p, NR_CLOSE, (u64)fd, 0, 0, 0, 0);
    CHECK(sc(p, NR_STAT, path(p, "/proc/sys/kernel/pid_max"), ARG, 0, 0, 0) == 0, "stat");
    mode = 0;
    mm_read_u32(p->mm, ARG + 24, &mode); /* x86-64 st_mode */
    CHECK(mode == (LX_S_IFREG | 0644), "pid_max mode %o", mode);
    u32 euid = p->cred->euid;
    p->cred->euid = 1000;
    CHECK(open_as(p, "/proc/sys/kernel/pid_max", LX_O_WRONLY) == -LX_EACCES, "non-root write");
    CHECK(sc(p, NR_ACCESS, path(p, "/proc/sys/kernel/pid_max"), 2, 0, 0, 0) == -LX_EACCES, "W_OK");
    CHECK(sc(p, NR_ACCESS, path(p, "/proc/sys/kernel/pid_max"), 4, 0, 0, 0) == 0, "R_OK");
    p->cred->euid = euid;

    fake_shutdown(&K);
    return check_report("test_procfs");
}

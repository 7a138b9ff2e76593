/* Unit test of the mnt, net, cgroup and time namespace views
 * (kernel-model/ns_views.c): /proc/<pid>/mounts, mountinfo, cgroup,
 * timens_offsets and /proc/net/dev per namespace; time namespace offsets
 * applied to CLOCK_MONOTONIC / CLOCK_BOOTTIME of the tasks inside, entered
 * at fork and at exec (exec_task_namespaces), frozen once entered.
 * x86-64 syscall numbers on the CPU-less model host. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-model/internal.h"
#include "kernel-model/ns.h"
#include "kernel-model/procfs.h"
#include "tests/unit/support/fake_host.h"
#include "tests/unit/support/check.h"

enum {
    NR_READ = 0,
    NR_WRITE = 1,
    NR_CLOSE = 3,
    NR_CLONE = 56,
    NR_FORK = 57,
    NR_CLOCK_GETTIME = 228,
    NR_OPENAT = 257,
    NR_UNSHARE = 272,
};

#define AT_FDCWD ((u64)(i64)-100)
#define O_WRONLY 1
#define BUF      0x10000ULL
#define PATH     0x30000ULL
#define ARG      0x31000ULL
#define STACK    0x20000ULL
#define SEC      1000000000LL

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

static char *slurp(struct task *t, const char *p, char *out, size_t n)
{
    out[0] = '\0';
    i64 fd = sc(t, NR_OPENAT, AT_FDCWD, path(t, p), 0, 0, 0);
    if (fd < 0) return out;
    size_t len = 0;
    for (;;) {
        i64 r = sc(t, NR_READ, (u64)fd, BUF, 100, 0, 0);
        if (r <= 0 || len + (size_t)r >= n) break;
        if (mm_read(t->mm, BUF, out + len, (size_t)r) < 0) break;
        len += (size_t)r;
    }
    out[len] = '\0';
    sc(t, NR_CLOSE, (u64)fd, 0, 0, 0, 0);
    return out;
}

/* open O_WRONLY + one write: bytes written or -LX_E* */
static i64 write_file(struct task *t, const char *p, const char *text)
{
    i64 fd = sc(t, NR_OPENAT, AT_FDCWD, path(t, p), O_WRONLY, 0, 0);
    if (fd < 0) return fd;
    if (mm_write(t->mm, BUF, text, strlen(text)) < 0) abort();
    i64 r = sc(t, NR_WRITE, (u64)fd, BUF, strlen(text), 0, 0);
    sc(t, NR_CLOSE, (u64)fd, 0, 0, 0, 0);
    return r;
}

static i64 clock_ns(struct task *t, int clk)
{
    if (sc(t, NR_CLOCK_GETTIME, (u64)clk, ARG, 0, 0, 0) != 0) return -1;
    u64 s, ns;
    mm_read_u64(t->mm, ARG, &s);
    mm_read_u64(t->mm, ARG + 8, &ns);
    return (i64)s * SEC + (i64)ns;
}

static struct task *child(struct task *t, u64 flags)
{
    i64 r = sc(t, NR_CLONE, flags | LX_SIGCHLD, (flags & LX_CLONE_VM) ? STACK : 0, 0, 0, 0);
    return r > 0 ? km_find_task(&K, (int)r) : NULL;
}

static int lines(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += *s == '\n';
    return n;
}

static void test_mnt_net_cgroup(void)
{
    static char a[4096], b[4096], c[4096];
    struct task *t = fake_boot(&K, &km_abi_x86_64);
    slurp(t, "/proc/self/mountinfo", a, sizeof a);
    CHECK(lines(a) >= 2 && strncmp(a, "21 ", 3) == 0, "initial mountinfo: %s", a);
    struct task *ch = child(t, 0);
    CHECK(ch && sc(ch, NR_UNSHARE, LX_CLONE_NEWNS | LX_CLONE_NEWNET | LX_CLONE_NEWCGROUP, 0, 0, 0,
                   0) == 0,
          "unshare mnt, net, cgroup");
    if (!ch) return;
    slurp(ch, "/proc/self/mountinfo", b, sizeof b);
    CHECK(lines(a) == lines(b) && atoi(a) != atoi(b), "copied list, new ids: %s", b);
    CHECK(strstr(b, " / / ") && strstr(b, " - proc proc rw\n"), "mountinfo fields: %s", b);
    slurp(ch, "/proc/self/mounts", c, sizeof c);
    CHECK(strstr(c, "proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n") != NULL, "mounts: %s",
          c);
    slurp(ch, "/proc/net/dev", a, sizeof a);
    slurp(ch, "/proc/self/net/dev", b, sizeof b);
    CHECK(lines(a) == 3 && strstr(a, "\n    lo:       0 ") && strcmp(a, b) == 0,
          "net/dev: lo only: %s", a);
    CHECK(!procfs_owns(&K, ch, "/proc/net/tcp"), "other /proc/net files stay the host's");
    CHECK(strcmp(slurp(ch, "/proc/self/cgroup", c, sizeof c), "0::/\n") == 0, "cgroup: %s", c);
    char link[64], link2[64];
    km_ns_link_text(ch, km_ns_link_index("net"), link, sizeof link);
    km_ns_link_text(t, km_ns_link_index("net"), link2, sizeof link2);
    CHECK(strcmp(link, link2) != 0 && strncmp(link, "net:[", 5) == 0, "new net ns: %s", link);
    fake_shutdown(&K);
}

static void test_time(void)
{
    static char a[512];
    struct task *t = fake_boot(&K, &km_abi_x86_64);
    CHECK(strcmp(slurp(t, "/proc/self/timens_offsets", a, sizeof a),
                 "monotonic           0         0\nboottime            0         0\n") == 0,
          "initial offsets: %s", a);
    CHECK(write_file(t, "/proc/self/timens_offsets", "monotonic 5 0\n") == -LX_EACCES,
          "the initial time namespace is frozen");
    struct task *c = child(t, 0);
    if (!c) return;
    CHECK(sc(c, NR_UNSHARE, LX_CLONE_NEWTIME, 0, 0, 0, 0) == 0, "unshare(CLONE_NEWTIME)");
    char l1[64], l2[64];
    km_ns_link_text(c, km_ns_link_index("time"), l1, sizeof l1);
    km_ns_link_text(c, km_ns_link_index("time_for_children"), l2, sizeof l2);
    CHECK(strcmp(l1, l2) != 0, "time for children only: %s %s", l1, l2);
    const char *f = "/proc/self/timens_offsets";
    CHECK(write_file(c, f, "realtime 1 0\n") == -LX_EINVAL, "bad clock");
    CHECK(write_file(c, f, "monotonic 1 1000000000\n") == -LX_EINVAL, "bad nsec");
    CHECK(write_file(c, f, "monotonic -100000 0\n") == -LX_ERANGE, "now + offset < 0");
    CHECK(write_file(c, f, "1 1000 0\n7 2000 500\n") == 20, "by clock number");
    CHECK(strcmp(slurp(c, f, a, sizeof a),
                 "monotonic        1000         0\nboottime         2000       500\n") == 0,
          "offsets: %s", a);
    i64 m0 = clock_ns(c, LX_CLOCK_MONOTONIC), r0 = clock_ns(c, LX_CLOCK_REALTIME);
    CHECK(m0 == clock_ns(t, LX_CLOCK_MONOTONIC), "the unsharer's own clock is unchanged");
    /* 6.x accepts CLONE_VM here (5.6-6.0 refused it): the child shares the
     * caller's memory and stays in the caller's time namespace. */
    struct task *v = child(c, LX_CLONE_VM);
    CHECK(v != NULL, "a CLONE_VM child is allowed after unshare(CLONE_NEWTIME)");
    if (v) CHECK(clock_ns(v, LX_CLOCK_MONOTONIC) == m0, "and keeps the caller's time namespace");
    struct task *g = child(c, 0);
    if (!g) return;
    CHECK(clock_ns(g, LX_CLOCK_MONOTONIC) == m0 + 1000 * SEC, "fork enters: monotonic + 1000s");
    CHECK(clock_ns(g, LX_CLOCK_MONOTONIC_COARSE) == m0 + 1000 * SEC, "coarse too");
    CHECK(clock_ns(g, LX_CLOCK_BOOTTIME) == m0 + 2000 * SEC + 500, "boottime + 2000s 500ns");
    CHECK(clock_ns(g, LX_CLOCK_REALTIME) == r0, "realtime has no offset");
    km_ns_link_text(g, km_ns_link_index("time"), l1, sizeof l1);
    CHECK(strcmp(l1, l2) == 0, "the child's time is its parent's time_for_children");
    CHECK(write_file(c, f, "monotonic 5 0\n") == -LX_EACCES, "frozen once entered");
    nsproxy_exec(&K, c); /* execve's exec_task_namespaces */
    km_ns_link_text(c, km_ns_link_index("time"), l1, sizeof l1);
    CHECK(strcmp(l1, l2) == 0 && clock_ns(c, LX_CLOCK_MONOTONIC) == m0 + 1000 * SEC,
          "exec enters time_for_children");
    CHECK(child(c, LX_CLONE_VM) != NULL, "then CLONE_VM is allowed again");
    fake_shutdown(&K);
}

int main(void)
{
    test_mnt_net_cgroup();
    test_time();
    return check_report("test_nsviews");
}

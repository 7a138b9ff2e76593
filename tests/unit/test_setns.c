/* Unit test of setns(2) through pidfds (the /proc/<pid>/ns files are
 * exercised by samples/ns_setns_pidfd) and of kcmp(2): what each namespace
 * type's install allows, pid namespaces for children only, no partial
 * change on failure, ns_enter events; kcmp of shared and copied resources.
 * x86-64 syscall numbers on the CPU-less model host. */
#include <stdio.h>
#include <string.h>

#include "kernel-model/internal.h"
#include "kernel-model/ns.h"
#include "tests/unit/support/fake_host.h"
#include "tests/unit/support/check.h"

enum {
    NR_CLONE = 56,
    NR_FORK = 57,
    NR_SETUID = 105,
    NR_SETNS = 308,
    NR_KCMP = 312,
    NR_PIDFD_OPEN = 434,
};

#define STACK 0x20000ULL

static struct km K;
static struct km_sink sink;
static int n_enter;

static void sink_emit(void *p, const struct km_event *e)
{
    (void)p;
    if (strcmp(e->kind, "ns_enter") == 0) n_enter++;
}

static struct task *boot(void)
{
    struct task *t = fake_boot(&K, &km_abi_x86_64);
    sink = (struct km_sink){.emit = sink_emit};
    km_ev_add_sink(&K, &sink);
    n_enter = 0;
    return t;
}

static i64 sys(struct task *t, u32 nr, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4)
{
    const u64 a[6] = {a0, a1, a2, a3, a4, 0};
    return km_syscall(&K, t, nr, a);
}

static struct task *child(struct task *t, u64 flags)
{
    i64 r = sys(t, NR_CLONE, flags | LX_SIGCHLD, (flags & LX_CLONE_VM) ? STACK : 0, 0, 0, 0);
    return r > 0 ? km_find_task(&K, (int)r) : NULL;
}

static void test_setns_pidfd(void)
{
    struct task *t = boot();
    struct task *a = child(t, LX_CLONE_NEWUTS | LX_CLONE_NEWPID);
    struct task *b = child(t, 0);
    if (!a || !b) {
        CHECK(false, "setup");
        return;
    }
    int fd = (int)sys(b, NR_PIDFD_OPEN, (u64)a->tid, 0, 0, 0, 0);
    CHECK(fd >= 0, "pidfd_open");
    CHECK(sys(b, NR_SETNS, (u64)fd, 0, 0, 0, 0) == -LX_EINVAL, "a pidfd needs a mask");
    CHECK(sys(b, NR_SETNS, (u64)fd, LX_CLONE_VM, 0, 0, 0) == -LX_EINVAL, "only namespace flags");
    CHECK(sys(b, NR_SETNS, (u64)fd, LX_CLONE_NEWUSER, 0, 0, 0) == -LX_EINVAL,
          "re-entering one's own user namespace is EINVAL");
    struct nsproxy *before = b->ns;
    CHECK(sys(b, NR_SETNS, (u64)fd, LX_CLONE_NEWUTS | LX_CLONE_NEWUSER, 0, 0, 0) == -LX_EINVAL &&
              b->ns == before,
          "a failing part changes nothing");
    CHECK(sys(b, NR_SETNS, (u64)fd, LX_CLONE_NEWUTS | LX_CLONE_NEWPID, 0, 0, 0) == 0 &&
              n_enter == 2,
          "join A's uts and pid namespaces (two ns_enter events)");
    CHECK(km_uts(b) == km_uts(a), "B uses A's uts namespace");
    CHECK(b->pidns->level == 0 && nsproxy_pid_for_children(b->ns) == a->pidns,
          "a pid namespace is for the children only");
    struct task *bc = child(b, 0);
    CHECK(bc && bc->pidns == a->pidns && bc->pids[1] == 2, "B's child is pid 2 in A's namespace");
    /* A (level 1) cannot enter the initial pid namespace, an ancestor */
    int fd2 = (int)sys(a, NR_PIDFD_OPEN, (u64)t->tid, 0, 0, 0, 0);
    CHECK(fd2 == -LX_ESRCH, "the parent is not visible from A's pid namespace");
    fake_shutdown(&K);

    /* Row 31: a pid namespace owned by a user namespace the caller is not in
     * (or below) cannot get a child pid namespace from it. */
    t = boot();
    a = child(t, LX_CLONE_NEWUSER | LX_CLONE_NEWPID);
    fd = (int)sys(t, NR_PIDFD_OPEN, (u64)a->tid, 0, 0, 0, 0);
    CHECK(sys(t, NR_SETNS, (u64)fd, LX_CLONE_NEWPID, 0, 0, 0) == 0,
          "the owner of A's user namespace may join A's pid namespace (for children)");
    struct task *c = child(t, 0);
    CHECK(c && c->pidns == a->pidns && c->cred->user_ns == NULL, "its child is in it");
    CHECK(c && sys(c, NR_CLONE, LX_CLONE_NEWPID | LX_SIGCHLD, 0, 0, 0, 0) == -LX_EINVAL,
          "CLONE_NEWPID there from the initial user namespace is EINVAL");
    CHECK(c && sys(c, NR_CLONE, LX_CLONE_NEWPID | LX_CLONE_NEWUSER | LX_SIGCHLD, 0, 0, 0, 0) ==
                   -LX_EINVAL,
          "a new user namespace below the initial one does not help");
    fake_shutdown(&K);

    /* unprivileged: EPERM */
    t = boot();
    a = child(t, LX_CLONE_NEWUTS);
    b = child(t, 0);
    sys(b, NR_SETUID, 1000, 0, 0, 0, 0);
    fd = (int)sys(b, NR_PIDFD_OPEN, (u64)a->tid, 0, 0, 0, 0);
    CHECK(sys(b, NR_SETNS, (u64)fd, LX_CLONE_NEWUTS, 0, 0, 0) == -LX_EPERM,
          "setns without CAP_SYS_ADMIN");
    fake_shutdown(&K);
}

static void test_kcmp(void)
{
    struct task *t = boot();
    struct task *th = child(t, LX_CLONE_VM | LX_CLONE_FS | LX_CLONE_FILES | LX_CLONE_SIGHAND |
                                   LX_CLONE_THREAD | LX_CLONE_SYSVSEM);
    struct task *f = child(t, 0);
    if (!th || !f) {
        CHECK(false, "setup");
        return;
    }
    enum { KFILE, KVM, KFILES, KFS, KSIGHAND, KIO, KSYSVSEM };
    u64 p = (u64)t->tid, q = (u64)th->tid, r = (u64)f->tid;
    for (int ty = KVM; ty <= KSIGHAND; ty++) {
        CHECK(sys(t, NR_KCMP, p, q, (u64)ty, 0, 0) == 0, "thread shares resource %d", ty);
        CHECK(sys(t, NR_KCMP, p, r, (u64)ty, 0, 0) > 0, "forked child copies resource %d", ty);
    }
    CHECK(sys(t, NR_KCMP, p, q, KSYSVSEM, 0, 0) == 0, "CLONE_SYSVSEM: one undo list");
    struct task *f2 = child(t, 0);
    CHECK(f2 && sys(t, NR_KCMP, r, (u64)f2->tid, KSYSVSEM, 0, 0) == 0,
          "no undo list on either side: equal");
    CHECK(sys(t, NR_KCMP, p, r, KSYSVSEM, 0, 0) > 0, "one side has one: different");
    CHECK(sys(t, NR_KCMP, p, p, KFILE, 1, 1) == 0 &&
              sys(t, NR_KCMP, p, p, KFILE, 0, 99) == -LX_EBADF,
          "KCMP_FILE: same description / bad fd");
    CHECK(sys(t, NR_KCMP, p, q, 99, 0, 0) == -LX_EINVAL, "unknown type");
    CHECK(sys(t, NR_KCMP, p, 424242, KVM, 0, 0) == -LX_ESRCH, "no such pid");
    fake_shutdown(&K);
}

int main(void)
{
    test_setns_pidfd();
    test_kcmp();
    return check_report("test_setns");
}

/* Unit test of user namespaces and credentials (issue 5): ids seen through
 * a user namespace (overflow id 65534 when unmapped), capabilities
 * evaluated in the owning namespace, setuid/setresuid/setgroups/capset
 * rules, uid_map/gid_map/setgroups write rules, unprivileged
 * CLONE_NEWUSER (with NEWUTS) and its refusals. x86-64 syscall numbers. */
#include <stdio.h>
#include <string.h>

#include "kernel-model/internal.h"
#include "kernel-model/ns.h"
#include "tests/unit/support/fake_host.h"
#include "tests/unit/support/check.h"

enum {
    NR_CLONE = 56,
    NR_KILL = 62,
    NR_GETUID = 102,
    NR_GETGID = 104,
    NR_SETUID = 105,
    NR_SETGID = 106,
    NR_GETEUID = 107,
    NR_SETREUID = 113,
    NR_GETGROUPS = 115,
    NR_SETGROUPS = 116,
    NR_SETRESUID = 117,
    NR_GETRESUID = 118,
    NR_CAPGET = 125,
    NR_CAPSET = 126,
    NR_SETHOSTNAME = 170,
    NR_UNSHARE = 272,
};

#define BUF 0x10000ULL

static struct km K;
static struct km_sink sink;
static char last_rule[64];

static void sink_emit(void *p, const struct km_event *e)
{
    (void)p;
    const struct km_field *f;
    if (strcmp(e->kind, "clone_refused") == 0 && (f = km_ev_field(e, "rule")) && f->s)
        snprintf(last_rule, sizeof last_rule, "%s", f->s);
}

static struct task *boot(void)
{
    struct task *t = fake_boot(&K, &km_abi_x86_64);
    sink = (struct km_sink){.emit = sink_emit};
    km_ev_add_sink(&K, &sink);
    last_rule[0] = 0;
    return t;
}

static i64 sys(struct task *t, u32 nr, u64 a0, u64 a1, u64 a2)
{
    const u64 a[6] = {a0, a1, a2, 0, 0, 0};
    return km_syscall(&K, t, nr, a);
}

static i64 map(struct task *w, struct task *target, bool gid, const char *s)
{
    return userns_write_map(&K, w, target, gid, s, strlen(s));
}

static void drop_to(struct task *t, u32 id)
{
    CHECK(sys(t, NR_SETGROUPS, 0, 0, 0) == 0 && sys(t, NR_SETGID, id, 0, 0) == 0 &&
              sys(t, NR_SETUID, id, 0, 0) == 0,
          "drop to %u", id);
}

static void test_setuid_rules(void)
{
    struct task *t = boot();
    CHECK(sys(t, NR_SETRESUID, 1000, 1000, 0) == 0, "root may pick any ids");
    CHECK(t->cred->cap_effective == 0 && t->cred->cap_permitted == LX_CAP_FULL_SET,
          "euid left root: effective cleared, permitted kept (saved uid 0)");
    CHECK(sys(t, NR_SETRESUID, (u64)-1, 0, (u64)-1) == 0 &&
              t->cred->cap_effective == LX_CAP_FULL_SET,
          "euid back to 0 (the saved uid) raises the effective set again");
    CHECK(sys(t, NR_SETUID, 1000, 0, 0) == 0 && t->cred->cap_permitted == 0,
          "setuid as root sets every uid and drops the capabilities");
    CHECK(sys(t, NR_SETUID, 0, 0, 0) == -LX_EPERM, "no way back to root");
    CHECK(sys(t, NR_SETRESUID, 2000, (u64)-1, (u64)-1) == -LX_EPERM, "nor to another uid");
    CHECK(sys(t, NR_SETREUID, (u64)-1, 1000, 0) == 0, "setreuid to its own uid is allowed");
    CHECK(sys(t, NR_SETUID, (u64)-1, 0, 0) == -LX_EINVAL, "setuid(-1) is EINVAL");
    CHECK(sys(t, NR_GETRESUID, BUF, BUF + 4, BUF + 8) == 0, "getresuid");
    u32 v[3];
    for (int i = 0; i < 3; i++)
        mm_read_u32(t->mm, BUF + 4 * (u64)i, &v[i]);
    CHECK(v[0] == 1000 && v[1] == 1000 && v[2] == 1000, "getresuid: %u %u %u", v[0], v[1], v[2]);
    CHECK(sys(t, NR_SETGROUPS, 0, 0, 0) == -LX_EPERM, "setgroups without CAP_SETGID");
    CHECK(sys(t, NR_SETHOSTNAME, BUF, 3, 0) == -LX_EPERM, "sethostname without CAP_SYS_ADMIN");
    fake_shutdown(&K);

    t = boot();
    mm_write_u32(t->mm, BUF, 20);
    mm_write_u32(t->mm, BUF + 4, 10);
    CHECK(sys(t, NR_SETGROUPS, 2, BUF, 0) == 0 && sys(t, NR_GETGROUPS, 0, 0, 0) == 2,
          "setgroups/getgroups count");
    CHECK(sys(t, NR_GETGROUPS, 1, BUF + 64, 0) == -LX_EINVAL, "getgroups with too small a list");
    u32 g0 = 0;
    sys(t, NR_GETGROUPS, 2, BUF + 64, 0);
    mm_read_u32(t->mm, BUF + 64, &g0);
    CHECK(g0 == 10, "groups are sorted (%u)", g0);
    fake_shutdown(&K);
}

static void test_caps(void)
{
    struct task *t = boot();
    mm_write_u32(t->mm, BUF, 0x20080522u); /* _LINUX_CAPABILITY_VERSION_3 */
    mm_write_u32(t->mm, BUF + 4, 0);
    CHECK(sys(t, NR_CAPGET, BUF, BUF + 16, 0) == 0, "capget");
    u32 eff0 = 0, eff1 = 0;
    mm_read_u32(t->mm, BUF + 16, &eff0);
    mm_read_u32(t->mm, BUF + 28, &eff1);
    CHECK(eff0 == 0xffffffffu && eff1 == 0x1ff, "root: every capability (%x %x)", eff0, eff1);
    /* capset: drop CAP_SYS_ADMIN from effective only */
    mm_write_u32(t->mm, BUF + 16, 0xffffffffu & ~(1u << LX_CAP_SYS_ADMIN));
    CHECK(sys(t, NR_CAPSET, BUF, BUF + 16, 0) == 0 && !cred_capable_admin(t->cred),
          "capset drops CAP_SYS_ADMIN from the effective set");
    CHECK(sys(t, NR_UNSHARE, LX_CLONE_NEWUTS, 0, 0) == -LX_EPERM,
          "unshare(NEWUTS) without CAP_SYS_ADMIN");
    mm_write_u32(t->mm, BUF + 16, 0xffffffffu);
    CHECK(sys(t, NR_CAPSET, BUF, BUF + 16, 0) == 0, "raise it again (in permitted)");
    mm_write_u32(t->mm, BUF + 20, 0x7fffffffu); /* permitted loses bit 31 */
    CHECK(sys(t, NR_CAPSET, BUF, BUF + 16, 0) == -LX_EPERM, "effective not within permitted");
    mm_write_u32(t->mm, BUF, 0x12345678u);
    CHECK(sys(t, NR_CAPGET, BUF, 0, 0) == 0, "capget(bad version, NULL) is 0");
    u32 ver = 0;
    mm_read_u32(t->mm, BUF, &ver);
    CHECK(ver == 0x20080522u, "... and writes the preferred version (%x)", ver);
    mm_write_u32(t->mm, BUF, 0x12345678u);
    CHECK(sys(t, NR_CAPGET, BUF, BUF + 16, 0) == -LX_EINVAL, "capget(bad version) EINVAL");
    fake_shutdown(&K);
}

static void test_newuser(void)
{
    struct task *t = boot();
    drop_to(t, 65534);
    CHECK(sys(t, NR_CLONE, LX_CLONE_NEWUTS | LX_SIGCHLD, 0, 0) == -LX_EPERM &&
              strcmp(last_rule, "ns_needs_cap_sys_admin") == 0,
          "NEWUTS unprivileged is EPERM");
    i64 r = sys(t, NR_CLONE, LX_CLONE_NEWUSER | LX_CLONE_NEWUTS | LX_SIGCHLD, 0, 0);
    struct task *c = r > 0 ? km_find_task(&K, (int)r) : NULL;
    CHECK(c && c->cred->user_ns && c->cred->user_ns->level == 1, "NEWUSER|NEWUTS unprivileged");
    if (!c) return;
    struct uts_ns *u = km_uts(c);
    CHECK(u && u->ns.owner == c->cred->user_ns, "the new uts namespace is owned by the new userns");
    CHECK(sys(c, NR_GETUID, 0, 0, 0) == 65534 && sys(c, NR_GETGID, 0, 0, 0) == 65534,
          "unmapped ids show as the overflow id");
    mm_write(c->mm, BUF, "box", 3);
    CHECK(sys(c, NR_SETHOSTNAME, BUF, 3, 0) == 0 && strcmp(km_uts(c)->nodename, "box") == 0,
          "the child may set its hostname");
    CHECK(sys(t, NR_SETHOSTNAME, BUF, 3, 0) == -LX_EPERM, "the parent still may not");
    CHECK(km_ns_capable(t->cred, c->cred->user_ns, LX_CAP_SYS_ADMIN),
          "the creator (owner) is capable in the child's namespace");
    CHECK(!km_ns_capable(c->cred, NULL, LX_CAP_SYS_ADMIN), "the child is not, outside");
    /* nested creation needs a mapping of the creator's ids */
    CHECK(sys(c, NR_UNSHARE, LX_CLONE_NEWUSER, 0, 0) == -LX_EPERM &&
              strcmp(last_rule, "unshare_userns_creator_unmapped") == 0,
          "unshare(NEWUSER) with unmapped ids: %s", last_rule);
    /* the maps */
    CHECK(map(t, c, true, "0 65534 1\n") == -LX_EPERM, "gid_map before setgroups deny");
    CHECK(userns_write_setgroups(c, "deny", 4) == 4, "setgroups deny");
    CHECK(userns_write_setgroups(c, "allow", 5) == -LX_EPERM, "no allow after deny");
    CHECK(map(t, c, true, "0 65534 1\n") == 10, "gid_map of the owner's own gid");
    CHECK(map(t, c, false, "0 0 1\n") == -LX_EPERM, "uid_map of another uid (root) unprivileged");
    CHECK(map(t, c, false, "0 65534 1\n1 65534 1\n") == -LX_EINVAL, "overlapping extents");
    CHECK(map(t, c, false, "0 65534 0\n") == -LX_EINVAL, "a count of 0");
    CHECK(map(t, c, false, "x\n") == -LX_EINVAL, "not numbers");
    CHECK(map(t, c, false, "0 65534 1") == 9, "uid_map of the owner's own uid");
    CHECK(map(t, c, false, "0 65534 1") == -LX_EPERM, "written once only");
    CHECK(sys(c, NR_GETUID, 0, 0, 0) == 0 && sys(c, NR_GETEUID, 0, 0, 0) == 0,
          "root inside after the maps");
    char buf[128];
    userns_show_map(t, c, false, buf, sizeof buf);
    CHECK(strcmp(buf, "         0      65534          1\n") == 0, "uid_map read: '%s'", buf);
    userns_show_map(t, t, false, buf, sizeof buf);
    CHECK(strcmp(buf, "         0          0 4294967295\n") == 0, "initial uid_map: '%s'", buf);
    CHECK(sys(c, NR_SETGROUPS, 0, 0, 0) == -LX_EPERM, "setgroups denied in the namespace");
    CHECK(sys(c, NR_UNSHARE, LX_CLONE_NEWUSER | LX_CLONE_NEWPID, 0, 0) == 0,
          "nested unshare(NEWUSER|NEWPID) once mapped");
    /* signals: CAP_KILL over the target's namespace */
    struct task *other = t;
    CHECK(sys(c, NR_KILL, (u64)other->tid, 0, 0) == 0, "same kernel uid: may signal");
    fake_shutdown(&K);
}

int main(void)
{
    test_setuid_rules();
    test_caps();
    test_newuser();
    return check_report("test_userns");
}

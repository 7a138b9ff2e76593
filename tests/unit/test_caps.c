/* Unit test of the capability sets (kernel/capability.c,
 * security/commoncap.c): capget/capset's errno rules and versions, the
 * capability prctls (bounding set, securebits and their locks, keep-caps,
 * ambient), setuid's fix-up under keep-caps and NO_SETUID_FIXUP, and
 * execve's new sets (cap_exec). x86-64 syscall numbers. */
#include <string.h>

#include "kernel-model/files.h"
#include "kernel-model/internal.h"
#include "kernel-model/ns.h"
#include "tests/unit/support/check.h"
#include "tests/unit/support/fake_host.h"

enum {
    NR_CLONE = 56,
    NR_SETUID = 105,
    NR_CAPGET = 125,
    NR_CAPSET = 126,
    NR_PRCTL = 157,
    NR_PIDFD_OPEN = 434,
    NR_PIDFD_GETFD = 438,
};

#define HDR    0x10000ULL
#define DATA   0x10010ULL
#define RO     0x200000ULL /* read-only */
#define BIT(c) (1ULL << (c))

#define V1 0x19980330u
#define V3 0x20080522u

static struct km K;

static i64 sys(struct task *t, u32 nr, u64 a0, u64 a1, u64 a2)
{
    const u64 a[6] = {a0, a1, a2, 0, 0, 0};
    return km_syscall(&K, t, nr, a);
}

static void hdr(struct task *t, u32 version, u32 pid)
{
    mm_write_u32(t->mm, HDR, version);
    mm_write_u32(t->mm, HDR + 4, pid);
}

/* capset(v3) of three 64-bit sets */
static i64 capset3(struct task *t, u64 eff, u64 prm, u64 inh)
{
    hdr(t, V3, 0);
    const u64 s[3] = {eff, prm, inh};
    for (int w = 0; w < 2; w++)
        for (int j = 0; j < 3; j++)
            mm_write_u32(t->mm, DATA + 12 * (u64)w + 4 * (u64)j, (u32)(s[j] >> (32 * w)));
    return sys(t, NR_CAPSET, HDR, DATA, 0);
}

static void test_capget_capset_errnos(void)
{
    struct task *t = fake_boot(&K, &km_abi_x86_64);
    hdr(t, V1, 0);
    mm_write_u32(t->mm, DATA + 12, 0xaaaaaaaau);
    CHECK_EQ(sys(t, NR_CAPGET, HDR, DATA, 0), 0);
    u32 w = 0;
    mm_read_u32(t->mm, DATA + 12, &w);
    CHECK(w == 0xaaaaaaaau, "v1 writes one data struct");
    hdr(t, 0x12345678u, 0);
    CHECK_EQ(sys(t, NR_CAPSET, HDR, DATA, 0), -LX_EINVAL);
    mm_read_u32(t->mm, HDR, &w);
    CHECK(w == V3, "capset also answers with the preferred version");
    hdr(t, V3, (u32)-5);
    CHECK_EQ(sys(t, NR_CAPGET, HDR, DATA, 0), -LX_EINVAL);
    hdr(t, V3, 4242);
    CHECK_EQ(sys(t, NR_CAPGET, HDR, DATA, 0), -LX_ESRCH);
    CHECK_EQ(sys(t, NR_CAPSET, HDR, DATA, 0), -LX_EPERM); /* another pid, even a missing one */
    CHECK_EQ(sys(t, NR_CAPGET, 0x5000000, DATA, 0), -LX_EFAULT);
    hdr(t, V3, 0);
    CHECK_EQ(sys(t, NR_CAPGET, HDR, RO, 0), -LX_EFAULT);
    CHECK_EQ(sys(t, NR_CAPSET, HDR, 0x5000000, 0), -LX_EFAULT);

    /* another task's sets through capget */
    i64 c = sys(t, NR_CLONE, LX_SIGCHLD, 0, 0);
    struct task *ch = c > 0 ? km_find_task(&K, (int)c) : NULL;
    CHECK(ch != NULL, "fork");
    if (ch) {
        CHECK_EQ(capset3(ch, 0, BIT(LX_CAP_KILL), 0), 0);
        hdr(t, V3, (u32)c);
        CHECK_EQ(sys(t, NR_CAPGET, HDR, DATA, 0), 0);
        u32 prm = 0;
        mm_read_u32(t->mm, DATA + 4, &prm);
        CHECK_EQ(prm, BIT(LX_CAP_KILL));
    }

    /* v1 capset: only the low 32 bits; the high words read as 0 */
    hdr(t, V1, 0);
    mm_write_u32(t->mm, DATA, 0xffffffffu);
    mm_write_u32(t->mm, DATA + 4, 0xffffffffu);
    mm_write_u32(t->mm, DATA + 8, 0);
    mm_write_u32(t->mm, DATA + 12, 0xffffffffu); /* ignored */
    CHECK_EQ(sys(t, NR_CAPSET, HDR, DATA, 0), 0);
    CHECK_EQ(t->cred->cap_permitted, 0xffffffffull);
    CHECK(!km_capable(t->cred, LX_CAP_CHECKPOINT_RESTORE), "cap 40 gone after a v1 capset");
    CHECK_EQ(capset3(t, 0, BIT(LX_CAP_CHECKPOINT_RESTORE), 0), -LX_EPERM); /* cannot grow back */
    fake_shutdown(&K);
}

static void test_capset_rules(void)
{
    struct task *t = fake_boot(&K, &km_abi_x86_64);
    const u64 all = LX_CAP_FULL_SET;
    CHECK_EQ(capset3(t, all, all, BIT(LX_CAP_KILL)), 0);
    CHECK_EQ(sys(t, NR_PRCTL, 24 /* PR_CAPBSET_DROP */, LX_CAP_CHOWN, 0), 0);
    CHECK_EQ(sys(t, NR_PRCTL, 23 /* PR_CAPBSET_READ */, LX_CAP_CHOWN, 0), 0);
    CHECK_EQ(sys(t, NR_PRCTL, 23, LX_CAP_LAST_CAP + 1, 0), -LX_EINVAL);
    CHECK_EQ(capset3(t, all, all, BIT(LX_CAP_KILL) | BIT(LX_CAP_CHOWN)), -LX_EPERM);
    CHECK_EQ(capset3(t, all, all, BIT(LX_CAP_KILL) | BIT(LX_CAP_SETUID)), 0);
    /* without CAP_SETPCAP, inheritable stays within inheritable|permitted */
    const u64 few = BIT(LX_CAP_SETUID) | BIT(LX_CAP_CHECKPOINT_RESTORE);
    CHECK_EQ(capset3(t, few, few, BIT(LX_CAP_KILL)), 0);
    CHECK_EQ(capset3(t, few, few, BIT(LX_CAP_KILL) | BIT(LX_CAP_SYS_ADMIN)), -LX_EPERM);
    CHECK_EQ(capset3(t, few, few, BIT(LX_CAP_SETUID)), 0);
    CHECK_EQ(capset3(t, few | BIT(LX_CAP_KILL), few, 0), -LX_EPERM);
    CHECK_EQ(capset3(t, few, few | BIT(LX_CAP_KILL), 0), -LX_EPERM);
    CHECK_EQ(sys(t, NR_PRCTL, 24, LX_CAP_KILL, 0), -LX_EPERM); /* PR_CAPBSET_DROP needs SETPCAP */
    CHECK_EQ(capset3(t, 0, few, 0), 0);
    CHECK(!km_capable(t->cred, LX_CAP_CHECKPOINT_RESTORE), "the effective set decides");
    fake_shutdown(&K);
}

static void test_prctls_and_setuid(void)
{
    struct task *t = fake_boot(&K, &km_abi_x86_64);
    CHECK_EQ(sys(t, NR_PRCTL, 7 /* PR_GET_KEEPCAPS */, 0, 0), 0);
    CHECK_EQ(sys(t, NR_PRCTL, 8 /* PR_SET_KEEPCAPS */, 2, 0), -LX_EINVAL);
    CHECK_EQ(sys(t, NR_PRCTL, 28 /* PR_SET_SECUREBITS */, 0x100, 0), -LX_EPERM); /* unknown */
    CHECK_EQ(sys(t, NR_PRCTL, 28, LX_SECBIT_KEEP_CAPS | LX_SECBIT_KEEP_CAPS_LOCKED, 0), 0);
    CHECK_EQ(sys(t, NR_PRCTL, 27 /* PR_GET_SECUREBITS */, 0, 0), 0x30);
    CHECK_EQ(sys(t, NR_PRCTL, 8, 0, 0), -LX_EPERM);                    /* locked */
    CHECK_EQ(sys(t, NR_PRCTL, 28, LX_SECBIT_KEEP_CAPS, 0), -LX_EPERM); /* no unlocking */
    CHECK_EQ(sys(t, NR_PRCTL, 7, 0, 0), 1);
    /* ambient: needs permitted and inheritable */
    CHECK_EQ(sys(t, NR_PRCTL, 47, 2 /* RAISE */, LX_CAP_KILL), -LX_EPERM);
    CHECK_EQ(capset3(t, LX_CAP_FULL_SET, LX_CAP_FULL_SET, BIT(LX_CAP_KILL)), 0);
    CHECK_EQ(sys(t, NR_PRCTL, 47, 2, LX_CAP_KILL), 0);
    CHECK_EQ(sys(t, NR_PRCTL, 47, 1 /* IS_SET */, LX_CAP_KILL), 1);
    CHECK_EQ(sys(t, NR_PRCTL, 47, 9, LX_CAP_KILL), -LX_EINVAL);
    /* keep-caps: setuid away from root keeps permitted, empties effective
     * and ambient */
    CHECK_EQ(sys(t, NR_SETUID, 1000, 0, 0), 0);
    CHECK_EQ(t->cred->cap_permitted, LX_CAP_FULL_SET);
    CHECK_EQ(t->cred->cap_effective, 0);
    CHECK_EQ(t->cred->cap_ambient, 0);
    /* exec as non-root: only the ambient set survives; keep-caps cleared */
    CHECK_EQ(capset3(t, 0, LX_CAP_FULL_SET, BIT(LX_CAP_KILL)), 0);
    CHECK_EQ(sys(t, NR_PRCTL, 47, 2, LX_CAP_KILL), 0);
    cap_exec(t);
    CHECK_EQ(t->cred->cap_permitted, BIT(LX_CAP_KILL));
    CHECK_EQ(t->cred->cap_effective, BIT(LX_CAP_KILL));
    CHECK_EQ(t->cred->securebits, LX_SECBIT_KEEP_CAPS_LOCKED);
    fake_shutdown(&K);

    /* NO_SETUID_FIXUP: the sets do not follow the uid at all */
    t = fake_boot(&K, &km_abi_x86_64);
    CHECK_EQ(sys(t, NR_PRCTL, 28, LX_SECBIT_NO_SETUID_FIXUP, 0), 0);
    CHECK_EQ(sys(t, NR_SETUID, 1000, 0, 0), 0);
    CHECK_EQ(t->cred->cap_effective, LX_CAP_FULL_SET);
    /* root exec: permitted = bounding | inheritable, effective too; with
     * SECBIT_NOROOT nothing */
    fake_shutdown(&K);
    t = fake_boot(&K, &km_abi_x86_64);
    CHECK_EQ(sys(t, NR_PRCTL, 24, LX_CAP_SYS_ADMIN, 0), 0);
    cap_exec(t);
    CHECK_EQ(t->cred->cap_permitted, LX_CAP_FULL_SET & ~BIT(LX_CAP_SYS_ADMIN));
    CHECK_EQ(t->cred->cap_effective, t->cred->cap_permitted);
    CHECK_EQ(sys(t, NR_PRCTL, 28, 1 /* SECBIT_NOROOT */, 0), 0);
    cap_exec(t);
    CHECK_EQ(t->cred->cap_permitted, 0);
    /* a new user namespace starts over: full sets, no securebits */
    i64 c = sys(t, NR_CLONE, LX_CLONE_NEWUSER | LX_SIGCHLD, 0, 0);
    struct task *ch = c > 0 ? km_find_task(&K, (int)c) : NULL;
    CHECK(ch && ch->cred->cap_bset == LX_CAP_FULL_SET && ch->cred->securebits == 0 &&
              ch->cred->cap_effective == LX_CAP_FULL_SET,
          "CLONE_NEWUSER child: every capability, no securebits");
    fake_shutdown(&K);
}

/* dumpability (commit_creds, PR_SET_DUMPABLE) and pidfd_getfd's rules */
static void test_dumpable_getfd(void)
{
    struct task *t = fake_boot(&K, &km_abi_x86_64);
    CHECK_EQ(sys(t, NR_PRCTL, 3 /* PR_GET_DUMPABLE */, 0, 0), 1);
    CHECK_EQ(sys(t, NR_PRCTL, 4 /* PR_SET_DUMPABLE */, 2, 0), -LX_EINVAL);
    i64 c = sys(t, NR_CLONE, LX_SIGCHLD, 0, 0);
    struct task *ch = c > 0 ? km_find_task(&K, (int)c) : NULL;
    CHECK(ch != NULL, "fork");
    if (!ch) return;
    i64 pidfd = sys(t, NR_PIDFD_OPEN, (u64)c, 0, 0);
    CHECK(pidfd >= 0, "pidfd_open");
    CHECK_EQ(sys(t, NR_PIDFD_GETFD, (u64)pidfd, 1, 1), -LX_EINVAL);
    CHECK_EQ(sys(t, NR_PIDFD_GETFD, 1, 1, 0), -LX_EBADF);  /* not a pidfd */
    CHECK_EQ(sys(t, NR_PIDFD_GETFD, 77, 1, 0), -LX_EBADF); /* no such fd */
    CHECK_EQ(sys(t, NR_PIDFD_GETFD, (u64)pidfd, 77, 0), -LX_EBADF);
    i64 fd = sys(t, NR_PIDFD_GETFD, (u64)pidfd, 1, 0);
    CHECK(fd > 2 && files_get_cloexec(t, (int)fd), "a close-on-exec copy (%lld)", (long long)fd);
    CHECK(fd > 0 && files_lookup(t, (int)fd) == files_lookup(ch, 1), "the same description");
    /* capset shrinking permitted keeps it dumpable; the child's setuid not */
    CHECK_EQ(capset3(ch, BIT(LX_CAP_SETUID), BIT(LX_CAP_SETUID), 0), 0);
    CHECK_EQ(ch->mm->dumpable, 1);
    CHECK_EQ(sys(ch, NR_SETUID, 1000, 0, 0), 0);
    CHECK_EQ(ch->mm->dumpable, 0);
    CHECK_EQ(sys(t, NR_PIDFD_GETFD, (u64)pidfd, 1, 0) >= 0, 1);    /* CAP_SYS_PTRACE */
    CHECK_EQ(capset3(t, 0, LX_CAP_FULL_SET, 0), 0);                /* effective empty */
    CHECK_EQ(sys(t, NR_PIDFD_GETFD, (u64)pidfd, 1, 0), -LX_EPERM); /* other ids */
    CHECK_EQ(cap_ptrace_may_access(ch, t, false), -LX_EPERM);      /* and the other way */
    CHECK_EQ(cap_ptrace_may_access(t, t, false), 0);               /* oneself always */
    km_task_exit(&K, ch, 0);
    CHECK_EQ(sys(t, NR_PIDFD_GETFD, (u64)pidfd, 1, 0), -LX_ESRCH);
    fake_shutdown(&K);
}

int main(void)
{
    test_capget_capset_errnos();
    test_capset_rules();
    test_prctls_and_setuid();
    test_dumpable_getfd();
    return check_report("test_caps");
}

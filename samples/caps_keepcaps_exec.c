/*
 * caps_keepcaps_exec.c - IDEA: the capability sets are real state that
 * decides privilege, not a copy of "uid == 0".
 *
 *  - capget/capset (kernel/capability.c): header versions 1 (one data
 *    struct) and 3 (two), an unknown version answered with EINVAL and the
 *    preferred version written back, pid 0 or another task's pid for capget
 *    (ESRCH when gone, EINVAL when negative), EPERM for capset on another
 *    task, EFAULT for bad pointers; capset's rules: permitted may only
 *    shrink, effective within the new permitted, inheritable within the old
 *    inheritable|bounding set (even with CAP_SETPCAP).
 *  - The capability prctls: PR_CAPBSET_READ/DROP, PR_SET/GET_KEEPCAPS,
 *    PR_CAP_AMBIENT.
 *  - setuid(65534) with keep-caps keeps the permitted set, empties the
 *    effective one; clone3 with set_tid then fails (EPERM) until capset
 *    raises CAP_CHECKPOINT_RESTORE in the effective set again (what Linux's
 *    selftest clone3_cap_checkpoint_restore does).
 *  - execve: root gets permitted = bounding|inheritable and effective =
 *    permitted; a non-root process keeps only its ambient set; keep-caps
 *    is cleared.
 *
 * Only single capability bits are printed (the host's bounding set may
 * lack some). Run as root. Arguments (internal): the exec stage.
 */
#include "common.h"

#include <linux/capability.h>
#include <linux/sched.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#ifndef CAP_CHECKPOINT_RESTORE
#define CAP_CHECKPOINT_RESTORE 40
#endif

struct caps {
    unsigned long long eff, prm, inh;
};

static const char *res(long r)
{
    return errno_name(r < 0 ? errno : 0);
}

static long capget_raw(unsigned version, int pid, struct __user_cap_data_struct *d)
{
    struct __user_cap_header_struct h = {version, pid};
    return syscall(SYS_capget, &h, d);
}

static struct caps get_caps(int pid)
{
    struct __user_cap_data_struct d[2];
    if (capget_raw(_LINUX_CAPABILITY_VERSION_3, pid, d) < 0) fail("capget");
    return (struct caps){d[0].effective | (unsigned long long)d[1].effective << 32,
                         d[0].permitted | (unsigned long long)d[1].permitted << 32,
                         d[0].inheritable | (unsigned long long)d[1].inheritable << 32};
}

static long set_caps(struct caps c)
{
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2] = {
        {(unsigned)c.eff, (unsigned)c.prm, (unsigned)c.inh},
        {(unsigned)(c.eff >> 32), (unsigned)(c.prm >> 32), (unsigned)(c.inh >> 32)}};
    return syscall(SYS_capset, &h, d);
}

#define BIT(c) (1ULL << (c))

static int has(unsigned long long set, int cap)
{
    return (set >> cap) & 1;
}

static void show(const char *when)
{
    struct caps c = get_caps(0);
    say("%s: prm sys_admin=%d setuid=%d dac_override=%d checkpoint_restore=%d setgid=%d, "
        "eff==prm %d, inh empty %d, ambient setuid=%d, keepcaps=%d\n",
        when, has(c.prm, CAP_SYS_ADMIN), has(c.prm, CAP_SETUID), has(c.prm, CAP_DAC_OVERRIDE),
        has(c.prm, CAP_CHECKPOINT_RESTORE), has(c.prm, CAP_SETGID), c.eff == c.prm, c.inh == 0,
        prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_SETUID, 0, 0),
        prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0));
}

static void exec_self(const char *stage)
{
    char *argv[] = {"caps_keepcaps_exec", (char *)stage, NULL};
    execv("/proc/self/exe", argv);
    fail("execv");
}

/* a pid that was just in use and is free again */
static pid_t free_pid(void)
{
    pid_t p = fork();
    if (p == 0) _exit(0);
    if (p < 0 || waitpid(p, NULL, 0) != p) fail("fork");
    return p;
}

static void capget_rules(void)
{
    struct __user_cap_data_struct d[2];
    memset(d, 0xaa, sizeof d);
    say("capget v1: %s, second struct untouched %d\n",
        res(capget_raw(_LINUX_CAPABILITY_VERSION_1, 0, d)), d[1].effective == 0xaaaaaaaau);
    struct __user_cap_header_struct h = {0x12345678, 0};
    long r = syscall(SYS_capget, &h, d);
    say("capget bad version: %s, version written back is v3 %d\n", res(r),
        h.version == _LINUX_CAPABILITY_VERSION_3);
    h.version = 0x12345678;
    say("capget bad version, NULL data: %s\n", res(syscall(SYS_capget, &h, NULL)));
    say("capget pid -1: %s\n", res(capget_raw(_LINUX_CAPABILITY_VERSION_3, -1, d)));
    say("capget reaped pid: %s\n", res(capget_raw(_LINUX_CAPABILITY_VERSION_3, free_pid(), d)));
    say("capget parent: %s, sys_admin %d\n",
        res(capget_raw(_LINUX_CAPABILITY_VERSION_3, getppid(), d)),
        has(d[0].effective, CAP_SYS_ADMIN));
    say("capget bad header: %s\n", res(syscall(SYS_capget, (void *)8, d)));
    h = (struct __user_cap_header_struct){_LINUX_CAPABILITY_VERSION_3, 0};
    say("capget bad data: %s\n", res(syscall(SYS_capget, &h, (void *)8)));
    say("capset bad data: %s\n", res(syscall(SYS_capset, &h, (void *)8)));
    h.pid = getppid();
    say("capset on the parent: %s\n", res(syscall(SYS_capset, &h, d)));
}

/* root, in a child: the capset and prctl rules, then drop to 65534 */
static void child(void)
{
    capget_rules();
    say("PR_CAPBSET_READ sys_admin=%ld, cap 64: %s\n", (long)prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN),
        res(prctl(PR_CAPBSET_READ, 64)));
    const char *drop = res(prctl(PR_CAPBSET_DROP, CAP_SYS_TIME));
    say("PR_CAPBSET_DROP sys_time: %s, read=%d\n", drop, prctl(PR_CAPBSET_READ, CAP_SYS_TIME));
    struct caps c = get_caps(0);
    c.inh = BIT(CAP_SYS_TIME);
    say("capset inheritable outside bounding set: %s\n", res(set_caps(c)));

    const unsigned long long keep =
        BIT(CAP_SETUID) | BIT(CAP_SETGID) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_CHECKPOINT_RESTORE);
    c = (struct caps){keep, keep, BIT(CAP_SETUID) | BIT(CAP_DAC_OVERRIDE)};
    say("capset to a few: %s\n", res(set_caps(c)));
    c.inh |= BIT(CAP_SYS_ADMIN);
    say("capset inheritable outside permitted (no setpcap): %s\n", res(set_caps(c)));
    c.inh &= ~BIT(CAP_SYS_ADMIN);
    c.prm |= BIT(CAP_SYS_ADMIN);
    say("capset growing permitted: %s\n", res(set_caps(c)));
    c.prm = keep;
    c.eff |= BIT(CAP_KILL);
    say("capset effective outside permitted: %s\n", res(set_caps(c)));
    say("unshare(CLONE_NEWUTS) without sys_admin: %s\n", res(unshare(CLONE_NEWUTS)));
    say("PR_CAPBSET_DROP without setpcap: %s\n", res(prctl(PR_CAPBSET_DROP, CAP_KILL)));
    say("PR_SET_KEEPCAPS 2: %s\n", res(prctl(PR_SET_KEEPCAPS, 2, 0, 0, 0)));
    say("PR_SET_KEEPCAPS 1: %s\n", res(prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0)));

    pid_t want = free_pid();
    if (setgid(65534) < 0 || setuid(65534) < 0) fail("setuid");
    show("after setuid(65534) with keep-caps");
    struct clone_args ca = {
        .exit_signal = SIGCHLD, .set_tid = (unsigned long)&want, .set_tid_size = 1};
    long p = syscall(SYS_clone3, &ca, sizeof ca);
    if (p == 0) _exit(0);
    say("clone3 set_tid, empty effective set: %s\n", res(p));
    c = (struct caps){keep, keep, BIT(CAP_SETUID) | BIT(CAP_DAC_OVERRIDE)};
    say("capset raising effective again: %s\n", res(set_caps(c)));
    p = syscall(SYS_clone3, &ca, sizeof ca);
    if (p == 0) _exit(0);
    say("clone3 set_tid with checkpoint_restore as uid 65534: %s, pid as asked %d\n", res(p),
        p == want);
    if (p > 0) waitpid((pid_t)p, NULL, 0);
    say("ambient raise setuid: %s\n",
        res(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SETUID, 0, 0)));
    say("ambient raise dac_override: %s\n",
        res(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_DAC_OVERRIDE, 0, 0)));
    say("ambient raise setgid (not inheritable): %s\n",
        res(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SETGID, 0, 0)));
    say("ambient bad cap: %s\n", res(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, 64, 0, 0)));
    exec_self("ambient");
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "ambient")) {
        show("exec as 65534 with ambient setuid,dac_override");
        say("clear ambient: %s\n", res(prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0)));
        /* dac_override stays effective until the exec: /proc/self/exe's
         * directory may not be searchable by 65534 */
        exec_self("plain");
    }
    if (argc > 1 && !strcmp(argv[1], "plain")) {
        show("exec as 65534 without ambient");
        return 0;
    }
    if (argc > 1 && !strcmp(argv[1], "root")) {
        show("exec as root");
        return 0;
    }
    show("root");
    pid_t pid = fork();
    if (pid == 0) child();
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) != pid) fail("wait");
    say("child: exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
    /* root's exec with a smaller bounding set and keep-caps set */
    pid = fork();
    if (pid == 0) {
        if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0 || prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN) < 0)
            fail("prctl");
        show("root, sys_admin dropped from the bounding set");
        exec_self("root");
    }
    if (pid < 0 || waitpid(pid, &st, 0) != pid) fail("wait");
    exec_self("root");
}

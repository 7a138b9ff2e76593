/*
 * ns_eperm_newuts.c - IDEA: creating a namespace other than a user
 * namespace needs CAP_SYS_ADMIN in the caller's user namespace. After
 * setuid(65534) a process that was root has no capability left: CLONE_NEWUTS
 * (clone or unshare), CLONE_NEWPID and sethostname fail with EPERM, and it
 * cannot become root again. A new user namespace (allowed unprivileged)
 * gives back every capability there, and unshare(CLONE_NEWUSER|CLONE_NEWUTS)
 * then succeeds; its uid shows as the overflow uid 65534 (unmapped).
 *
 * Run as root: the sample drops to uid/gid 65534 itself.
 */
#include "common.h"

#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#define STACK_SIZE (64 * 1024)

static int child_fn(void *arg)
{
    (void)arg;
    return 0;
}

static unsigned long long effective_caps(void)
{
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    if (syscall(SYS_capget, &h, d) < 0) return ~0ULL;
    return d[0].effective | (unsigned long long)d[1].effective << 32;
}

static const char *res(int r)
{
    return errno_name(r < 0 ? errno : 0);
}

int main(void)
{
    say("root: effective capabilities not empty=%d\n", effective_caps() != 0);
    if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0) fail("drop to 65534");
    uid_t r, e, s;
    getresuid(&r, &e, &s);
    say("after setuid(65534): uids %d %d %d, effective capabilities=%llx\n", (int)r, (int)e, (int)s,
        effective_caps());

    char *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) fail("mmap");
    pid_t pid = clone(child_fn, stack + STACK_SIZE, CLONE_NEWUTS | SIGCHLD, NULL);
    say("clone(CLONE_NEWUTS): %s\n", res(pid));
    if (pid > 0) waitpid(pid, NULL, 0);
    say("unshare(CLONE_NEWUTS): %s\n", res(unshare(CLONE_NEWUTS)));
    say("unshare(CLONE_NEWPID): %s\n", res(unshare(CLONE_NEWPID)));
    say("sethostname: %s\n", res(sethostname("nope", 4)));
    say("setuid(0): %s\n", res(setuid(0)));
    say("setresuid(-1, 0, -1): %s\n", res(setresuid(-1, 0, -1)));

    say("unshare(CLONE_NEWUSER|CLONE_NEWUTS): %s\n", res(unshare(CLONE_NEWUSER | CLONE_NEWUTS)));
    say("in the new user namespace: uid=%d, all capabilities=%d\n", (int)getuid(),
        effective_caps() == 0x1ffffffffffULL);
    struct utsname u;
    say("sethostname: %s\n", res(sethostname("mine", 4)));
    uname(&u);
    say("nodename=%s\n", u.nodename);
    return 0;
}

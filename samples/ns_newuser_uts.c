/*
 * ns_newuser_uts.c - IDEA: an unprivileged process may create a user
 * namespace, and inside it has every capability - so it may create other
 * namespaces there too (CLONE_NEWUSER|CLONE_NEWUTS) and set the hostname of
 * its own uts namespace. Its ids have no mapping until the parent writes
 * /proc/<pid>/uid_map and gid_map (after "deny" in setgroups, as an
 * unprivileged writer must): then it is root (0) inside.
 *
 * Run as root: the sample drops to uid/gid 65534 first, so what it shows is
 * the unprivileged path. Before the maps are written, getuid() shows the
 * overflow uid 65534.
 */
#include "common.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#define STACK_SIZE (256 * 1024)

static int ready[2], go[2];

static int cap_sys_admin(void)
{
    struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct d[2];
    if (syscall(SYS_capget, &h, d) < 0) return -1;
    return (d[CAP_SYS_ADMIN / 32].effective >> (CAP_SYS_ADMIN % 32)) & 1;
}

static void show_file(const char *who, const char *path)
{
    char buf[256];
    int fd = open(path, O_RDONLY);
    ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof buf - 1);
    if (fd >= 0) close(fd);
    if (n < 0) {
        say("%s: %s: %s\n", who, path, errno_name(errno));
        return;
    }
    buf[n] = 0;
    say("%s: %s: %s", who, path, buf);
}

static int child_fn(void *arg)
{
    (void)arg;
    close(ready[0]);
    close(go[1]);
    struct utsname u;
    say("child: uid=%d gid=%d (unmapped) CAP_SYS_ADMIN=%d\n", (int)getuid(), (int)getgid(),
        cap_sys_admin());
    int r = sethostname("inside-ns", 9);
    uname(&u);
    say("child: sethostname=%s nodename=%s\n", errno_name(r == 0 ? 0 : errno), u.nodename);
    if (write(ready[1], "r", 1) != 1) fail("write");
    char c;
    while (read(go[0], &c, 1) > 0) {
    }
    say("child: uid=%d gid=%d after the maps\n", (int)getuid(), (int)getgid());
    show_file("child", "/proc/self/uid_map");
    show_file("child", "/proc/self/setgroups");
    say("child: setgroups(0, NULL)=%s\n", errno_name(setgroups(0, NULL) == 0 ? 0 : errno));
    return 0;
}

/* Write s to /proc/<pid>/<name>: OK or the errno name. */
static const char *write_file(pid_t pid, const char *name, const char *s)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
    int fd = open(path, O_WRONLY);
    if (fd < 0) return errno_name(errno);
    ssize_t n = write(fd, s, strlen(s));
    int e = n < 0 ? errno : 0;
    close(fd);
    return errno_name(e);
}

int main(void)
{
    if (setgroups(0, NULL) < 0 || setgid(65534) < 0 || setuid(65534) < 0) fail("drop to 65534");
    prctl(PR_SET_DUMPABLE, 1, 0, 0, 0); /* keep /proc/<pid>/ files ours (no-op in clonemu) */
    struct utsname before, after;
    uname(&before);
    say("parent: uid=%d CAP_SYS_ADMIN=%d\n", (int)getuid(), cap_sys_admin());

    char *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) fail("mmap");
    if (pipe(ready) < 0 || pipe(go) < 0) fail("pipe");
    pid_t pid = clone(child_fn, stack + STACK_SIZE, CLONE_NEWUSER | CLONE_NEWUTS | SIGCHLD, NULL);
    if (pid < 0) fail("clone");
    close(go[0]);
    char c;
    if (read(ready[0], &c, 1) != 1) fail("read");
    say("parent: gid_map before setgroups deny: %s\n", write_file(pid, "gid_map", "0 65534 1\n"));
    say("parent: setgroups deny: %s\n", write_file(pid, "setgroups", "deny\n"));
    say("parent: gid_map: %s\n", write_file(pid, "gid_map", "0 65534 1\n"));
    say("parent: uid_map for uid 0 outside: %s\n", write_file(pid, "uid_map", "0 0 1\n"));
    say("parent: uid_map: %s\n", write_file(pid, "uid_map", "0 65534 1\n"));
    say("parent: uid_map again: %s\n", write_file(pid, "uid_map", "0 65534 1\n"));
    close(go[1]);
    int st;
    if (waitpid(pid, &st, 0) != pid) fail("waitpid");
    uname(&after);
    say("parent: child exited=%d code=%d, our hostname unchanged=%d\n", WIFEXITED(st),
        WEXITSTATUS(st), strcmp(before.nodename, after.nodename) == 0);
    return 0;
}

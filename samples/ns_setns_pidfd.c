/*
 * ns_setns_pidfd.c - IDEA: setns(2) moves the caller into an existing
 * namespace. It takes either a /proc/<pid>/ns/<type> file (whose link text
 * "uts:[4026531838]" names the namespace by its inode number) or, since
 * Linux 5.8, a pidfd plus a mask of namespace types to join all of that
 * process's namespaces of those types at once.
 *
 * A (a child with CLONE_NEWUTS) names its uts namespace "sibling-a"; its
 * sibling B joins it through a pidfd of A and sees that hostname, then goes
 * back through the parent's /proc/<pid>/ns/uts file. Needs CAP_SYS_ADMIN
 * (run as root).
 */
#include "common.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#define STACK_SIZE (256 * 1024)

static int ready[2], go[2];

static int a_fn(void *arg)
{
    (void)arg;
    close(ready[0]);
    close(go[1]);
    if (sethostname("sibling-a", 9) < 0) fail("sethostname");
    say("A: hostname set in its own uts namespace\n");
    if (write(ready[1], "r", 1) != 1) fail("write");
    char c;
    while (read(go[0], &c, 1) > 0) {
    }
    return 0;
}

static void link_of(pid_t pid, const char *ns, char *out, size_t n)
{
    char path[64];
    if (pid)
        snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid, ns);
    else
        snprintf(path, sizeof path, "/proc/self/ns/%s", ns);
    ssize_t len = readlink(path, out, n - 1);
    out[len < 0 ? 0 : len] = 0;
}

static const char *res(int r)
{
    return errno_name(r < 0 ? errno : 0);
}

static void b_main(pid_t a, pid_t parent)
{
    char self[64], of_a[64], of_parent[64];
    struct utsname u;
    link_of(0, "uts", self, sizeof self);
    link_of(a, "uts", of_a, sizeof of_a);
    link_of(parent, "uts", of_parent, sizeof of_parent);
    say("B: link looks like uts:[N]=%d, same as A's=%d, same as the parent's=%d\n",
        strncmp(self, "uts:[", 5) == 0 && self[strlen(self) - 1] == ']', strcmp(self, of_a) == 0,
        strcmp(self, of_parent) == 0);
    struct stat st;
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/uts", (int)a);
    if (stat(path, &st) < 0) fail("stat");
    char num[32];
    snprintf(num, sizeof num, "uts:[%lu]", (unsigned long)st.st_ino);
    say("B: stat of A's ns/uts has the link's inode number=%d\n", strcmp(num, of_a) == 0);

    int pidfd = (int)syscall(SYS_pidfd_open, a, 0);
    if (pidfd < 0) fail("pidfd_open");
    say("B: setns(pidfd, 0): %s\n", res(setns(pidfd, 0)));
    say("B: setns(pidfd, CLONE_NEWUTS): %s\n", res(setns(pidfd, CLONE_NEWUTS)));
    uname(&u);
    link_of(0, "uts", self, sizeof self);
    say("B: hostname=%s, link now A's=%d\n", u.nodename, strcmp(self, of_a) == 0);

    int fd = open(path, O_RDONLY); /* A's ns/uts */
    if (fd < 0) fail("open");
    say("B: setns(A's uts fd, CLONE_NEWPID): %s\n", res(setns(fd, CLONE_NEWPID)));
    close(fd);
    snprintf(path, sizeof path, "/proc/%d/ns/uts", (int)parent);
    fd = open(path, O_RDONLY);
    if (fd < 0) fail("open");
    say("B: setns(the parent's uts fd, 0): %s\n", res(setns(fd, 0)));
    uname(&u);
    link_of(0, "uts", self, sizeof self);
    say("B: back in the parent's uts namespace=%d, hostname is A's=%d\n",
        strcmp(self, of_parent) == 0, strcmp(u.nodename, "sibling-a") == 0);
    _exit(0);
}

int main(void)
{
    struct utsname before, after;
    uname(&before);
    char *stack = mmap(NULL, STACK_SIZE, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) fail("mmap");
    if (pipe(ready) < 0 || pipe(go) < 0) fail("pipe");
    pid_t a = clone(a_fn, stack + STACK_SIZE, CLONE_NEWUTS | SIGCHLD, NULL);
    if (a < 0) fail("clone");
    close(go[0]);
    close(ready[1]);
    char c;
    if (read(ready[0], &c, 1) != 1) fail("read");
    pid_t parent = getpid();
    pid_t b = fork();
    if (b < 0) fail("fork");
    if (b == 0) b_main(a, parent);
    int st;
    if (waitpid(b, &st, 0) != b) fail("waitpid");
    close(go[1]);
    if (waitpid(a, &st, 0) != a) fail("waitpid");
    uname(&after);
    say("parent: hostname unchanged=%d\n", strcmp(before.nodename, after.nodename) == 0);
    return 0;
}

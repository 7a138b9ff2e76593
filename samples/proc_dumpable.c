/*
 * proc_dumpable.c - IDEA: /proc/<pid>/exe, fd/, maps and environ of another
 * process need ptrace read access (PTRACE_MODE_READ_FSCREDS): the caller's
 * fs ids equal to all of the target's ids and a dumpable target whose
 * permitted capabilities are within the caller's effective ones, or
 * CAP_SYS_PTRACE. A root process that drops to uid 1000 with setresuid
 * becomes non-dumpable, so another uid 1000 process is refused (EACCES)
 * until the target says PR_SET_DUMPABLE 1; root always may; root with euid
 * 1000 (fs uid 1000, no effective capability) is refused while the target
 * is non-dumpable. /proc/<pid>/status needs nothing.
 */
#include "common.h"

#include <dirent.h>
#include <sys/prctl.h>
#include <sys/wait.h>

static pid_t target;

static const char *try_open(const char *what, int flags)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)target, what);
    int fd = open(path, flags | O_CLOEXEC);
    const char *r = errno_name(fd < 0 ? errno : 0);
    if (fd >= 0) close(fd);
    return r;
}

static const char *try_link(const char *what)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)target, what);
    return errno_name(readlink(path, buf, sizeof buf) < 0 ? errno : 0);
}

static void look(const char *who)
{
    say("%s: exe %s, fd/ %s, fd/0 %s, maps %s, environ %s, status %s\n", who, try_link("exe"),
        try_open("fd", O_RDONLY | O_DIRECTORY), try_link("fd/0"), try_open("maps", O_RDONLY),
        try_open("environ", O_RDONLY), try_open("status", O_RDONLY));
}

static void as_uid_1000(const char *who)
{
    pid_t p = fork();
    if (p == 0) {
        if (setresgid(1000, 1000, 1000) < 0 || setresuid(1000, 1000, 1000) < 0) fail("setresuid");
        look(who);
        _exit(0);
    }
    if (p < 0 || waitpid(p, NULL, 0) != p) fail("fork");
}

int main(void)
{
    int cmd[2], ack[2];
    if (pipe(cmd) < 0 || pipe(ack) < 0) fail("pipe");
    target = fork();
    if (target == 0) {
        char c;
        close(cmd[1]);
        close(ack[0]);
        if (setresgid(1000, 1000, 1000) < 0 || setresuid(1000, 1000, 1000) < 0) fail("setresuid");
        say("target after setresuid(1000): dumpable %d\n", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0));
        if (write(ack[1], "r", 1) != 1) fail("ack");
        while (read(cmd[0], &c, 1) == 1) {
            if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0) fail("prctl");
            if (write(ack[1], "d", 1) != 1) fail("ack");
        }
        _exit(0);
    }
    if (target < 0) fail("fork");
    char c;
    if (read(ack[0], &c, 1) != 1) fail("ready");
    look("root");
    as_uid_1000("uid 1000");
    if (setresuid(-1, 1000, -1) < 0) fail("seteuid");
    look("root with euid 1000");
    if (setresuid(-1, 0, -1) < 0) fail("seteuid back");
    if (write(cmd[1], "d", 1) != 1 || read(ack[0], &c, 1) != 1) fail("dumpable");
    say("target: PR_SET_DUMPABLE 1\n");
    as_uid_1000("uid 1000");
    if (setresuid(-1, 1000, -1) < 0) fail("seteuid");
    look("root with euid 1000");
    if (setresuid(-1, 0, -1) < 0) fail("seteuid back");
    close(cmd[1]);
    if (waitpid(target, NULL, 0) != target) fail("wait");
    return 0;
}

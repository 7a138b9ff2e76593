/*
 * fs_chmod_chown.c - IDEA: chmod(2) and chown(2) and their f/l/at forms
 * change a file's mode and owner, as root (run it as root): chmod,
 * fchmod, fchmodat set the mode bits (07777); chown/fchown/fchownat set
 * uid and gid, -1 keeps one; chown of a set-uid file clears S_ISUID. Then who
 * may do it: a child that drops to uid/gid 1000 gets EPERM for chmod of a
 * root-owned file and for giving itself a root file, but may chmod its own
 * file, give it to its own group and "chown" it to itself; giving it to
 * root or to group 0 is EPERM. Errors: ENOENT, EBADF, EINVAL for unknown
 * fchownat flags. The file is made with creat(2). (lchown is not here: clonemu has no symlink(2)
 * yet. LTP's library needs chmod and chown before any test.)
 */
#include "common.h"

#include <sys/stat.h>
#include <sys/wait.h>

static const char *res(long r)
{
    return errno_name(r < 0 ? errno : 0);
}

static void show(const char *what, const char *path, int follow)
{
    struct stat st;
    int r = follow ? stat(path, &st) : lstat(path, &st);
    if (r < 0) fail("stat");
    say("%s: mode %04o uid %u gid %u\n", what, (unsigned)(st.st_mode & 07777), (unsigned)st.st_uid,
        (unsigned)st.st_gid);
}

int main(void)
{
    char dir[] = "/tmp/clonemu-chmodXXXXXX";
    if (!mkdtemp(dir)) fail("mkdtemp");
    if (chmod(dir, 0755) < 0 || chdir(dir) < 0) fail("chdir");
    umask(0);
    int fd = creat("f", 0600); /* creat(2) on x86-64 and s390x, openat on aarch64 */
    if (fd < 0) fail("open");
    show("created", "f", 1);
    say("chmod 0640: %s\n", res(chmod("f", 0640)));
    show("after chmod", "f", 1);
    say("fchmod 04755: %s\n", res(fchmod(fd, 04755)));
    show("after fchmod", "f", 1);
    say("chown -1 -1: %s\n", res(chown("f", (uid_t)-1, (gid_t)-1)));
    show("after chown -1 -1", "f", 1);
    say("chown 1234 5678: %s\n", res(chown("f", 1234, 5678)));
    show("after chown (S_ISUID cleared)", "f", 1);
    say("fchmodat 0600: %s\n", res(fchmodat(AT_FDCWD, "f", 0600, 0)));
    show("after fchmodat", "f", 1);
    say("fchown 0 -1: %s\n", res(fchown(fd, 0, (gid_t)-1)));
    show("after fchown", "f", 1);

    say("fchownat 0 0: %s\n", res(fchownat(AT_FDCWD, "f", 0, 0, 0)));
    show("after fchownat", "f", 1);
    say("fchownat bad flags: %s\n", res(fchownat(AT_FDCWD, "f", 0, 0, 0x4)));
    say("chmod missing: %s\n", res(chmod("nope", 0600)));
    say("chown missing: %s\n", res(chown("nope", 0, 0)));
    say("fchmod bad fd: %s\n", res(fchmod(-1, 0600)));
    say("fchown bad fd: %s\n", res(fchown(-1, 0, 0)));

    int gfd = open("g", O_CREAT | O_RDWR, 0644);
    if (gfd < 0 || fchown(gfd, 1000, 1000) < 0) fail("g");
    pid_t pid = fork();
    if (pid == 0) {
        if (setgid(1000) < 0 || setuid(1000) < 0) fail("setuid");
        say("user: chmod root's file: %s\n", res(chmod("f", 0666)));
        say("user: chown root's file to self: %s\n", res(chown("f", 1000, 1000)));
        say("user: chmod own file 0600: %s\n", res(chmod("g", 0600)));
        say("user: chown own file to self: %s\n", res(chown("g", 1000, (gid_t)-1)));
        say("user: chgrp own file to own group: %s\n", res(chown("g", (uid_t)-1, 1000)));
        say("user: chgrp own file to group 0: %s\n", res(chown("g", (uid_t)-1, 0)));
        say("user: chown own file to root: %s\n", res(chown("g", 0, (gid_t)-1)));
        say("user: fchown own file to root: %s\n", res(fchown(gfd, 0, (gid_t)-1)));
        _exit(0);
    }
    int status;
    if (waitpid(pid, &status, 0) != pid) fail("waitpid");
    say("child exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    show("g", "g", 1);

    close(fd);
    close(gfd);
    unlink("f");
    unlink("g");
    if (chdir("/") < 0 || rmdir(dir) < 0) fail("cleanup");
    say("done\n");
    return 0;
}

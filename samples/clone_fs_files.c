/*
 * clone_fs_files.c - IDEA: CLONE_FS shares the cwd, root and umask between
 * parent and child; CLONE_FILES shares the file descriptor table. Without
 * the flag the child gets a COPY, and its changes stay private.
 *
 * Four children made with the glibc clone() wrapper (malloc'ed stack,
 * SIGCHLD), each waited for before the parent looks:
 *   CLONE_FS:    child chdir("/tmp") and umask(077) -> the parent sees both
 *   no CLONE_FS: same child                         -> parent unchanged
 *   CLONE_FILES: child opens /dev/null, exits with the fd number -> the fd
 *                is open in the parent too
 *   no FILES:    same child                         -> fcntl gives EBADF
 */
#include "common.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define STACK_SIZE (256 * 1024)

static int chdir_child(void *arg)
{
    (void)arg;
    if (chdir("/tmp") < 0) return 1;
    umask(077);
    return 0;
}

static int open_child(void *arg)
{
    (void)arg;
    int fd = open("/dev/null", O_RDONLY);
    return fd < 0 ? 255 : fd;
}

/* Run fn in a clone child with `flags`, wait, return its exit status. */
static int run_child(int (*fn)(void *), int flags)
{
    char *stack = malloc(STACK_SIZE);
    if (!stack) fail("malloc");
    pid_t pid = clone(fn, stack + STACK_SIZE, flags | SIGCHLD, NULL);
    if (pid < 0) fail("clone");
    int st;
    if (waitpid(pid, &st, 0) != pid) fail("waitpid");
    free(stack);
    return WEXITSTATUS(st);
}

static void fs_case(const char *name, int flags)
{
    struct stat root, tmp, cwd;
    if (chdir("/") < 0) fail("chdir");
    umask(022);
    int st = run_child(chdir_child, flags);
    mode_t m = umask(022);
    if (stat("/", &root) < 0 || stat("/tmp", &tmp) < 0 || stat(".", &cwd) < 0) fail("stat");
    int in_tmp = cwd.st_dev == tmp.st_dev && cwd.st_ino == tmp.st_ino;
    int in_root = cwd.st_dev == root.st_dev && cwd.st_ino == root.st_ino;
    say("%s: child_status=%d parent_cwd_is_tmp=%d parent_cwd_is_root=%d parent_umask=%03o\n", name,
        st, in_tmp, in_root, (unsigned)m);
}

static void files_case(const char *name, int flags)
{
    int fd = run_child(open_child, flags);
    if (fd == 255) {
        say("%s: child open failed\n", name);
        return;
    }
    int r = fcntl(fd, F_GETFD);
    say("%s: parent_sees_child_fd=%d (%s)\n", name, r >= 0, errno_name(r >= 0 ? 0 : errno));
    if (r >= 0) close(fd);
}

int main(void)
{
    fs_case("CLONE_FS", CLONE_FS);
    fs_case("no CLONE_FS", 0);
    files_case("CLONE_FILES", CLONE_FILES);
    files_case("no CLONE_FILES", 0);
    say("done\n");
    return 0;
}

/*
 * exec_thread_rounds.c - IDEA: every process runs its own code, however
 * many processes ran other code at the same addresses before it, also
 * across execve() from a non-main thread. Three rounds: main forks a child;
 * the child maps a copy of leaf function one() (returns 1) PROT_EXEC at a
 * fixed address from a memfd and calls it (a wrong result: exit 7), then
 * starts a thread and parks in pause(). The thread execs /proc/self/exe
 * --image; the new image checks it is the only thread (else exit 9), maps a
 * copy of two() (returns 2) at the same address, calls it and exits with
 * what it returned. main prints each child's exit status (or signal name).
 *
 * Found under clonemu: with a static non-PIE image exec'd from a thread,
 * a later round died of SIGSEGV, because a pooled emulator engine serving
 * the next mm still held blocks translated for the previous mm at the same
 * addresses (fixed in 6c3d006: translated blocks are dropped before their
 * window is unmapped). One binary cannot put other code at its own text's
 * addresses, so the copies at one address stand in for the second image.
 */
#include "common.h"

#include <dirent.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define AT   ((void *)0x70000000UL)
#define COPY 64 /* bytes copied from each function: more than it needs */

__attribute__((noinline, aligned(64))) static int one(void)
{
    return 1;
}

__attribute__((noinline, aligned(64))) static int two(void)
{
    return 2;
}

/* maps a copy of fn's code at AT (through a file, not guest stores), calls it */
static int call_copy_of(int (*fn)(void))
{
    int fd = memfd_create("code", MFD_CLOEXEC);
    if (fd < 0) fail("memfd_create");
    unsigned char buf[COPY];
    memcpy(buf, (const void *)fn, sizeof buf);
    if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf) fail("write");
    void *p = mmap(AT, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, fd, 0);
    if (p == MAP_FAILED) fail("mmap");
    close(fd);
    return ((int (*)(void))p)();
}

static int count_tasks(void)
{
    DIR *d = opendir("/proc/self/task");
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL)
        if (e->d_name[0] != '.') n++;
    closedir(d);
    return n;
}

static void *exec_thread(void *arg)
{
    (void)arg;
    execl("/proc/self/exe", "exec_thread_rounds", "--image", (char *)NULL);
    say("execl failed: %s\n", errno_name(errno));
    _exit(8);
}

static void child(void)
{
    if (call_copy_of(one) != 1) _exit(7);
    pthread_t t;
    if (pthread_create(&t, NULL, exec_thread, NULL) != 0) _exit(6);
    for (;;)
        pause();
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--image") == 0) {
        if (count_tasks() != 1) return 9;
        return call_copy_of(two);
    }
    say("one() returns %d, two() returns %d\n", one(), two());
    for (int round = 0; round < 3; round++) {
        pid_t c = fork();
        if (c < 0) fail("fork");
        if (c == 0) child();
        int st;
        if (waitpid(c, &st, 0) != c) fail("waitpid");
        if (WIFEXITED(st))
            say("round %d: exited with %d\n", round, WEXITSTATUS(st));
        else if (WIFSIGNALED(st))
            say("round %d: killed by %s\n", round, sig_name(WTERMSIG(st)));
        else
            say("round %d: neither exited nor killed\n", round);
    }
    return 0;
}

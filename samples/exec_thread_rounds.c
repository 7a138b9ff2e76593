/*
 * exec_thread_rounds.c - IDEA: every process runs its own code, however
 * many processes ran other code at the same addresses before it, also
 * across execve() from a non-main thread. Three rounds: main forks a child;
 * the child maps copies of leaf function one() (returns 1) PROT_EXEC at a
 * fixed address from a memfd and calls them (a wrong result: exit 7), then
 * starts a thread and parks in pause(). The thread execs /proc/self/exe
 * --image; the new image checks it is the only thread (else exit 9), maps
 * copies of two() (returns 2) at the same address, calls them and exits
 * with 2 (or what a copy wrongly returned). main prints each child's exit
 * status (or signal name).
 *
 * Found under clonemu: with a static non-PIE image exec'd from a thread,
 * a later round died of SIGSEGV, because a pooled Unicorn engine serving
 * the next mm still held blocks translated for the previous mm (fixed in
 * 6c3d006: translated blocks are dropped before their window is unmapped).
 * A stale block is found only for the same address at the same Unicorn ram
 * offset, which depends on the regions mapped before, and is dropped by a
 * guest store to that ram; one binary cannot put other code at its own
 * text's addresses, so each process maps its copies at a series of ram
 * offsets (call_copies_of), and before 6c3d006 the forked child of round 1
 * and 2 ran the previous image's two() on x86-64, aarch64 and s390x.
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

/* Maps a copy of fn's code at AT (through a file, not guest stores), calls
 * it and unmaps it, PROBES times: what it returns the first time it is not
 * want, else want. After each call it reads one more page of memory that
 * is a mapping of its own (PROT_NONE pages between them), so that each copy
 * lands at another place in the emulator's memory (Unicorn's ram offset of
 * a region follows the regions mapped before it), one of them where the
 * previous process ran the other function's copy at AT. */
#define PROBES 24
static int call_copies_of(int (*fn)(void), int want)
{
    char *pages = mmap(NULL, 2 * PROBES * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pages == MAP_FAILED) fail("mmap anonymous");
    unsigned char buf[COPY];
    memcpy(buf, (const void *)fn, sizeof buf);
    for (int i = 0; i < PROBES; i++) {
        int fd = memfd_create("code", MFD_CLOEXEC);
        if (fd < 0) fail("memfd_create");
        if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf) fail("write");
        void *p = mmap(AT, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, fd, 0);
        if (p == MAP_FAILED) fail("mmap");
        close(fd);
        int r = ((int (*)(void))p)();
        if (munmap(p, 4096) < 0) fail("munmap");
        if (r != want) return r;
        char *page = pages + 2 * i * 4096;
        if (mprotect(page, 4096, PROT_READ) < 0) fail("mprotect");
        (void)*(volatile char *)page; /* a read: a store there would drop code */
    }
    return want;
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
    if (call_copies_of(one, 1) != 1) _exit(7);
    pthread_t t;
    if (pthread_create(&t, NULL, exec_thread, NULL) != 0) _exit(6);
    for (;;)
        pause();
}

int main(int argc, char **argv)
{
    if (argc == 2 && strcmp(argv[1], "--image") == 0) {
        if (count_tasks() != 1) return 9;
        return call_copies_of(two, 2);
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

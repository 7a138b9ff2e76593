/* Guests that misbehave on purpose (issue 10), one per argv[1]. Natively
 * they would hurt the machine or run forever, so they live here and not
 * in samples/; tests/emu/hostile.sh runs each under clonemu and checks
 * that it is contained with Linux's errno or signal and that clonemu
 * itself exits cleanly:
 *   forkbomb   fork until fork fails; prints the errno (EAGAIN at --max-tasks)
 *   threads N  start N threads that each wait on a barrier, join them
 *   mmap64g    mmap 64 GiB anonymous, touch its first and last page
 *   loop       spin forever (--timeout / --max-insns end it: status 124)
 *   stack      unbounded recursion: the stack overflows -> SIGSEGV
 *   jump       call a function pointer into unmapped memory -> SIGSEGV
 *   ud         execute an undefined instruction -> SIGILL
 *   escape     open files outside --root through .., symlinks, /proc
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *ename(int e)
{
    switch (e) {
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case EROFS: return "EROFS";
    case ELOOP: return "ELOOP";
    case ENOTDIR: return "ENOTDIR";
    default: return strerror(e);
    }
}

static int forkbomb(void)
{
    int p[2];
    if (pipe(p) < 0) return 1;
    int n = 0;
    for (;;) {
        pid_t c = fork();
        if (c == 0) { /* wait until the parent closes the pipe */
            char b;
            close(p[1]);
            while (read(p[0], &b, 1) > 0)
                ;
            _exit(0);
        }
        if (c < 0) {
            printf("fork failed after %s children: %s\n", n > 0 ? "some" : "no", ename(errno));
            break;
        }
        n++;
    }
    close(p[1]);
    int reaped = 0;
    while (wait(NULL) > 0)
        reaped++;
    printf("reaped all children: %s\n", reaped == n ? "yes" : "no");
    return 0;
}

static pthread_barrier_t bar;
static void *thr(void *a)
{
    pthread_barrier_wait(&bar);
    return a;
}

static int threads(int n)
{
    pthread_t *t = calloc((size_t)n, sizeof *t);
    pthread_attr_t at;
    pthread_attr_init(&at);
    pthread_attr_setstacksize(&at, 64 * 1024);
    int started = 0, err = 0;
    pthread_barrier_init(&bar, NULL, (unsigned)n + 1);
    for (; started < n; started++)
        if ((err = pthread_create(&t[started], &at, thr, NULL)) != 0) break;
    if (err) { /* cannot meet the barrier: report and leave */
        printf("pthread_create failed: %s\n", ename(err));
        fflush(stdout);
        _exit(0);
    }
    pthread_barrier_wait(&bar);
    for (int i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    printf("%d threads started and joined\n", n);
    return 0;
}

static int mmap64g(void)
{
    size_t len = 64ULL << 30;
    char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
        printf("mmap 64 GiB: %s\n", ename(errno));
        return 0;
    }
    p[0] = 1;
    p[len - 1] = 2;
    printf("mmap 64 GiB: mapped, first and last page touched: %d %d\n", p[0], p[len - 1]);
    return munmap(p, len) != 0;
}

static volatile unsigned long sink;
static int deep(int n)
{
    char pad[512];
    memset(pad, n, sizeof pad);
    sink += pad[n % 512];
    return deep(n + 1) + pad[7];
}

static int escape(void)
{
    static const char *const paths[] = {"/../../../../etc/hostile-escape-target",
                                        "/up/hostile-escape-target", "/abs/hostile-escape-target",
                                        "/proc/self/root/etc/hostile-escape-target",
                                        "/proc/self/cwd/../../etc/hostile-escape-target"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
        int fd = open(paths[i], O_RDONLY);
        char buf[64] = "";
        if (fd >= 0 && read(fd, buf, sizeof buf - 1) > 0 && strstr(buf, "HOST SECRET"))
            printf("%s: ESCAPED\n", paths[i]);
        else
            printf("%s: %s\n", paths[i], fd < 0 ? ename(errno) : "not the host file");
        if (fd >= 0) close(fd);
    }
    int fd = open("/inside", O_RDONLY);
    printf("/inside: %s\n", fd >= 0 ? "readable" : ename(errno));
    fd = open("/newfile", O_WRONLY | O_CREAT, 0644);
    printf("create /newfile: %s\n", fd >= 0 ? "created" : ename(errno));
    printf("mkdir /newdir: %s\n", mkdir("/newdir", 0755) == 0 ? "made" : ename(errno));
    printf("unlink /inside: %s\n", unlink("/inside") == 0 ? "removed" : ename(errno));
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    const char *m = argc > 1 ? argv[1] : "";
    if (!strcmp(m, "forkbomb")) return forkbomb();
    if (!strcmp(m, "threads")) return threads(argc > 2 ? atoi(argv[2]) : 10000);
    if (!strcmp(m, "mmap64g")) return mmap64g();
    if (!strcmp(m, "loop"))
        for (;;)
            sink++;
    if (!strcmp(m, "stack")) return deep(0);
    if (!strcmp(m, "jump")) {
        void (*f)(void) = (void (*)(void))(unsigned long)0x10;
        f();
        return 0;
    }
    if (!strcmp(m, "ud")) {
#if defined(__x86_64__)
        __asm__ volatile("ud2");
#elif defined(__aarch64__)
        __asm__ volatile(".inst 0x00000000");
#elif defined(__s390x__)
        __asm__ volatile(".long 0");
#endif
        return 0;
    }
    if (!strcmp(m, "escape")) return escape();
    fprintf(stderr, "usage: hostile forkbomb|threads N|mmap64g|loop|stack|jump|ud|escape\n");
    return 2;
}

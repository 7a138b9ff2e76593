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
 *   readonly   every write path under --read-only is EROFS
 *   rlimits    RLIMIT_NOFILE and RLIMIT_STACK as Linux enforces them
 *   escape M   reach the host file M from inside --root: .., symlinks,
 *              /proc magic links, *at, exec, writes (hostile.sh's root)
 */
#define _GNU_SOURCE /* dup3 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
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
    case EEXIST: return "EEXIST";
    case EISDIR: return "EISDIR";
    case EBADF: return "EBADF";
    case EMFILE: return "EMFILE";
    case EINVAL: return "EINVAL";
    case EPERM: return "EPERM";
    case ENOSYS: return "ENOSYS";
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

/* What a path gives: the first line of the file, or the errno. The
 * host marker's text is never to be seen. */
static void show(const char *what, const char *path, int flags)
{
    int fd = open(path, flags);
    char buf[64] = "";
    ssize_t n = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    if (n > 0) buf[strcspn(buf, "\n")] = '\0';
    if (strstr(buf, "HOST SECRET"))
        printf("%s: ESCAPED\n", what);
    else if (fd < 0)
        printf("%s: %s\n", what, ename(errno));
    else
        printf("%s: \"%s\"\n", what, n >= 0 ? buf : ename(errno));
    if (fd >= 0) close(fd);
}

static void show_link(const char *path)
{
    char buf[256];
    ssize_t n = readlink(path, buf, sizeof buf - 1);
    if (n >= 0) buf[n] = '\0';
    printf("readlink %s: %s\n", path, n >= 0 ? buf : ename(errno));
}

static void show_cwd(const char *dir)
{
    char buf[256];
    int r = chdir(dir);
    printf("chdir %s: %s, getcwd %s\n", dir, r == 0 ? "ok" : ename(errno),
           getcwd(buf, sizeof buf) ? buf : ename(errno));
}

/* escape MARKER: the scratch root of hostile.sh (see there) holds
 * /secret, /etc/passwd, /sub/, and symlinks that point out of it; MARKER
 * is the host path of a file outside the root. Prints what a real
 * chroot shows (tests/emu/expected/hostile-escape.out, recorded with
 * chroot), MARKER's text replaced by "MARKER". */
static int escape(const char *marker)
{
    show("..", "/../../../../secret", O_RDONLY);
    show("marker by its host path", marker, O_RDONLY);
    show("relative link up", "/up", O_RDONLY);
    show("absolute link to marker", "/abs", O_RDONLY);
    show("absolute link /etc/passwd", "/etcpasswd", O_RDONLY);
    show("dir link ../..", "/updir/secret", O_RDONLY);
    show("dir link ../.. then ..", "/updir/../../secret", O_RDONLY);
    show("loop", "/loop", O_RDONLY);
    show("40 links", "/l39", O_RDONLY);
    show("41 links", "/l40", O_RDONLY);
    show("O_NOFOLLOW on a link", "/up", O_RDONLY | O_NOFOLLOW);
    show("/proc/self/root", "/proc/self/root/secret", O_RDONLY);
    show("/proc/self/cwd", "/proc/self/cwd/../../secret", O_RDONLY);
    show("/proc/self/root/..", "/proc/self/root/../../etc/passwd", O_RDONLY);
    int d = open("/sub", O_RDONLY | O_DIRECTORY);
    int fd = openat(d, "../../../secret", O_RDONLY);
    char buf[64] = "";
    printf("openat(/sub, ../../../secret): %s\n",
           fd >= 0 && read(fd, buf, sizeof buf) > 0 && !strstr(buf, "HOST") ? "the root's" : "?");
    if (fd >= 0) close(fd);
    fd = openat(d, "uplink", O_RDONLY); /* sub/uplink -> ../../../../secret */
    printf("openat(/sub, uplink): %s\n", fd >= 0 ? "opened" : ename(errno));
    if (fd >= 0) close(fd);
    char fdlink[64];
    snprintf(fdlink, sizeof fdlink, "/proc/self/fd/%d/../secret", d);
    show("/proc/self/fd/N/..", fdlink, O_RDONLY);
    close(d);

    struct stat st;
    int r = lstat("/abs", &st);
    printf("lstat /abs: %s\n", r == 0 ? (S_ISLNK(st.st_mode) ? "a symlink" : "?") : ename(errno));
    printf("stat /abs: %s\n", stat("/abs", &st) == 0 ? "found" : ename(errno));
    r = fstatat(AT_FDCWD, "/abs", &st, AT_SYMLINK_NOFOLLOW);
    printf("fstatat /abs NOFOLLOW: %s\n", r == 0 && S_ISLNK(st.st_mode) ? "a symlink" : "?");
    printf("stat /updir/: %s\n",
           stat("/updir/", &st) == 0 && S_ISDIR(st.st_mode) ? "a directory" : ename(errno));
    printf("access /abs: %s\n", access("/abs", R_OK) == 0 ? "ok" : ename(errno));

    char lt[256];
    ssize_t n = readlink("/abs", lt, sizeof lt - 1);
    if (n >= 0) lt[n] = '\0';
    printf("readlink /abs: %s\n", n < 0 ? ename(errno) : strcmp(lt, marker) ? "?" : "MARKER");
    show_link("/etcpasswd");
    show_link("/proc/self/root");
    show_link("/proc/self/exe");
    show_cwd("/updir");
    show_cwd("/dirlink");
    show_link("/proc/self/cwd");
    show_cwd("..");
    show_cwd("/sub/../updir/..");

    /* writes through links that point out: never reach the host */
    fd = open("/abs", O_WRONLY | O_CREAT | O_APPEND, 0644);
    printf("create through /abs: %s\n", fd >= 0 ? "created" : ename(errno));
    if (fd >= 0) close(fd);
    printf("mkdir /abs: %s\n", mkdir("/abs", 0755) == 0 ? "made" : ename(errno));
    printf("mkdir /updir/made: %s\n", mkdir("/updir/made", 0755) == 0 ? "made" : ename(errno));
    printf("rename /up /sub/up2: %s\n", rename("/up", "/sub/up2") == 0 ? "ok" : ename(errno));
    printf("unlink /abs: %s\n", unlink("/abs") == 0 ? "removed" : ename(errno));
    char *const av[] = {"/binlink", NULL};
    execv("/binlink", av); /* /binlink -> the host's /bin/true */
    printf("execv /binlink: %s\n", ename(errno));
    return 0;
}

/* rlimits: RLIMIT_NOFILE bounds the descriptors (EMFILE, EBADF/EINVAL
 * past it), setrlimit's rules, RLIMIT_STACK's soft value bounds the stack
 * (a child recursing in 4 KiB frames gets SIGSEGV within it). */
static volatile int *depth;
static int frame(int n)
{
    char pad[4000];
    memset(pad, n, sizeof pad);
    *depth = n;
    return frame(n + 1) + pad[n % 4000];
}

static void show_lim(const char *what, int res)
{
    struct rlimit rl;
    getrlimit(res, &rl);
    printf("%s: %llu %llu\n", what, (unsigned long long)rl.rlim_cur,
           (unsigned long long)rl.rlim_max);
}

static int rlimits(void)
{
    struct rlimit rl = {64, 64};
    printf("setrlimit NOFILE 64/64: %s\n",
           setrlimit(RLIMIT_NOFILE, &rl) == 0 ? "ok" : ename(errno));
    show_lim("getrlimit NOFILE", RLIMIT_NOFILE);
    int last = -1, fd;
    while ((fd = open("/", O_RDONLY)) >= 0)
        last = fd;
    printf("open until it fails: last fd %d, then %s\n", last, ename(errno));
    int p[2];
    printf("dup: %s, pipe: %s\n", dup(0) < 0 ? ename(errno) : "ok",
           pipe(p) < 0 ? ename(errno) : "ok");
    close(last);
    printf("dup2(0, 64): %s\n", dup2(0, 64) < 0 ? ename(errno) : "ok");
    printf("dup2(0, 63): %d\n", dup2(0, 63));
    printf("dup3(0, 64, 0): %s\n", dup3(0, 64, 0) < 0 ? ename(errno) : "ok");
    printf("fcntl(F_DUPFD, 64): %s\n", fcntl(0, F_DUPFD, 64) < 0 ? ename(errno) : "ok");
    rl = (struct rlimit){65, 64};
    printf("soft above hard: %s\n", setrlimit(RLIMIT_NOFILE, &rl) < 0 ? ename(errno) : "ok");
    rl = (struct rlimit){64, 1U << 30};
    printf("hard above nr_open: %s\n", setrlimit(RLIMIT_NOFILE, &rl) < 0 ? ename(errno) : "ok");
    rl = (struct rlimit){32, 48};
    printf("lower both: %s\n", setrlimit(RLIMIT_NOFILE, &rl) < 0 ? ename(errno) : "ok");
    show_lim("getrlimit NOFILE", RLIMIT_NOFILE);
    rl = (struct rlimit){100, RLIM_INFINITY};
    printf("setrlimit CPU 100: %s\n", setrlimit(RLIMIT_CPU, &rl) < 0 ? ename(errno) : "ok");
    show_lim("getrlimit CPU", RLIMIT_CPU);

    depth = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    pid_t c = fork();
    if (c == 0) {
        rl = (struct rlimit){256 << 10, RLIM_INFINITY};
        setrlimit(RLIMIT_STACK, &rl);
        return frame(0);
    }
    int st = 0;
    waitpid(c, &st, 0);
    printf("child with RLIMIT_STACK 256 KiB: %s, frames within the limit: %s\n",
           WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV ? "SIGSEGV" : "?",
           *depth > 16 && *depth < 64 ? "yes" : "no");
    return 0;
}

/* readonly: every write path of a read-only file system (hostile.sh's
 * root: /file, /dir/, /dev/null), run under --read-only and natively in a
 * read-only bind mount. */
static void ro(const char *what, int r)
{
    printf("%s: %s\n", what, r >= 0 ? "ok" : ename(errno));
    if (r > 2 && strncmp(what, "open", 4) == 0) close(r);
}

static int readonly(void)
{
    ro("open O_RDONLY", open("/file", O_RDONLY));
    ro("open O_WRONLY", open("/file", O_WRONLY));
    ro("open O_RDWR", open("/file", O_RDWR));
    ro("open O_TRUNC", open("/file", O_RDONLY | O_TRUNC));
    ro("open O_APPEND", open("/file", O_WRONLY | O_APPEND));
    ro("open O_CREAT new", open("/new", O_WRONLY | O_CREAT, 0644));
    ro("open O_CREAT existing", open("/file", O_RDONLY | O_CREAT, 0644));
    ro("open O_CREAT|O_EXCL existing", open("/file", O_WRONLY | O_CREAT | O_EXCL, 0644));
    ro("open O_CREAT in missing dir", open("/nodir/new", O_WRONLY | O_CREAT, 0644));
    ro("open dir O_RDWR", open("/dir", O_RDWR));
    ro("open /dev/null O_WRONLY", open("/dev/null", O_WRONLY));
    ro("mkdir new", mkdir("/newdir", 0755));
    ro("mkdir existing", mkdir("/dir", 0755));
    ro("unlink", unlink("/file"));
    ro("unlink missing", unlink("/missing"));
    ro("rmdir", rmdir("/dir"));
    ro("rename", rename("/file", "/renamed"));
    ro("rename missing", rename("/missing", "/renamed"));
    ro("access W_OK", access("/file", W_OK));
    ro("access R_OK", access("/file", R_OK));
    int fd = open("/file", O_RDONLY);
    ro("ftruncate O_RDONLY fd", ftruncate(fd, 0));
    close(fd);
    ro("write to stdout", (int)write(1, "", 0));
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
    if (!strcmp(m, "rlimits")) return rlimits();
    if (!strcmp(m, "readonly")) return readonly();
    if (!strcmp(m, "escape")) return escape(argc > 2 ? argv[2] : "/nonexistent");
    fprintf(
        stderr,
        "usage: hostile forkbomb|threads N|mmap64g|loop|stack|jump|ud|rlimits|readonly|escape M\n");
    return 2;
}

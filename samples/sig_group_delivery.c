/*
 * sig_group_delivery.c - IDEA (the default demo of signals in a thread
 * group): a signal sent to a PROCESS (kill) is handled by ONE thread that
 * does not block it; a signal sent to a THREAD (tgkill) stays with that
 * thread even if it blocks it; a fault is sent to the faulting thread and,
 * unhandled, kills the whole thread group.
 *
 *   main, A and B are the three threads of the group. main and A block
 *   SIGUSR1 with pthread_sigmask; B does not. After a barrier (so all three
 *   exist with their masks in place) main calls kill(getpid(), SIGUSR1).
 *   Linux puts the signal on the group's shared pending set and wakes a
 *   thread that wants it (complete_signal: the main thread first, then the
 *   others). Only B wants it, so the handler, which records gettid(), runs in
 *   B: "handled_by=B".
 *   tgkill(pid, A, SIGUSR2) (not blocked anywhere) runs the handler in A.
 *   tgkill(pid, A, SIGUSR1): A blocks SIGUSR1, B does not, yet the signal
 *   waits in A's private pending set: A sees it with sigpending() and takes
 *   it with sigwaitinfo(); B's handler never runs. (The kernel says si_code
 *   SI_TKILL, but glibc's sigwaitinfo/sigtimedwait rewrite SI_TKILL to
 *   SI_USER before returning, so the program sees SI_USER.)
 *   Finally a child process with two threads: one writes through NULL. The
 *   SIGSEGV goes to that thread, its default action is fatal, and every
 *   thread of the child dies: the parent's waitpid says WTERMSIG=SIGSEGV
 *   and the child's main thread never reaches its exit(5).
 */
#include "common.h"

#include <pthread.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static pid_t tid_main, tid_a, tid_b;
static volatile pid_t handled_by[2]; /* [0] SIGUSR1, [1] SIGUSR2 */
static int done_pipe[2];             /* a handler writes one byte when it ran */
static int cmd_a[2];                 /* main -> A commands */
static int reply_a[2];               /* A -> main replies */
static pthread_barrier_t barrier;

static void on_signal(int sig)
{
    handled_by[sig == SIGUSR2] = gettid();
    char c = (char)sig;
    (void)write(done_pipe[1], &c, 1); /* async-signal-safe */
}

static const char *who(pid_t tid)
{
    if (tid == tid_main) return "main";
    if (tid == tid_a) return "A";
    if (tid == tid_b) return "B";
    return "?";
}

static void block_usr1(void)
{
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR1);
    int err = pthread_sigmask(SIG_BLOCK, &s, NULL);
    if (err != 0) {
        errno = err;
        fail("pthread_sigmask");
    }
}

static void *thread_a(void *arg)
{
    (void)arg;
    block_usr1();
    tid_a = gettid();
    pthread_barrier_wait(&barrier);
    char c;
    while (read_all(cmd_a[0], &c, 1) == 0) {
        if (c == 'q') break;
        if (c == 'p') { /* report a pending SIGUSR1, then take it */
            sigset_t pend, usr1;
            sigpending(&pend);
            sigemptyset(&usr1);
            sigaddset(&usr1, SIGUSR1);
            siginfo_t si;
            int sig = sigwaitinfo(&usr1, &si);
            say("A: SIGUSR1 pending in A=%d; sigwaitinfo -> %s si_code=%s\n",
                sigismember(&pend, SIGUSR1), sig > 0 ? sig_name(sig) : errno_name(errno),
                sig > 0 ? si_code_name(sig, si.si_code) : "-");
        }
        (void)write_all(reply_a[1], "k", 1);
    }
    return NULL;
}

static void *thread_b_wait(void *arg)
{
    int fd = *(int *)arg;
    tid_b = gettid(); /* B leaves SIGUSR1 unblocked */
    pthread_barrier_wait(&barrier);
    char c;
    (void)read_all(fd, &c, 1); /* blocks until main says quit */
    return NULL;
}

static void wait_handler(void)
{
    char c;
    if (read_all(done_pipe[0], &c, 1) < 0) fail("read done_pipe");
}

static void *child_faulter(void *arg)
{
    (void)arg;
    *(volatile int *)0 = 1; /* SIGSEGV, thread-directed, default action: core */
    return NULL;
}

int main(void)
{
    struct rlimit rl = {.rlim_cur = 0, .rlim_max = 0};
    if (setrlimit(RLIMIT_CORE, &rl) < 0) fail("setrlimit"); /* no core files */

    int quit_b[2];
    if (pipe(done_pipe) < 0 || pipe(cmd_a) < 0 || pipe(reply_a) < 0 || pipe(quit_b) < 0)
        fail("pipe");
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    if (sigaction(SIGUSR1, &sa, NULL) < 0 || sigaction(SIGUSR2, &sa, NULL) < 0) fail("sigaction");

    tid_main = gettid();
    pthread_barrier_init(&barrier, NULL, 3);
    pthread_t ta, tb;
    /* B is created before main blocks SIGUSR1, so it inherits an empty mask. */
    if (pthread_create(&tb, NULL, thread_b_wait, &quit_b[0]) != 0) fail("pthread_create");
    block_usr1();
    if (pthread_create(&ta, NULL, thread_a, NULL) != 0) fail("pthread_create");
    pthread_barrier_wait(&barrier);
    say("threads: main and A block SIGUSR1, B does not\n");

    /* 1. Process-directed: only B wants it. */
    if (kill(getpid(), SIGUSR1) < 0) fail("kill");
    wait_handler();
    say("kill(getpid(), SIGUSR1): handled_by=%s\n", who(handled_by[0]));

    /* 2. Thread-directed to A, not blocked there. */
    if (syscall(SYS_tgkill, getpid(), tid_a, SIGUSR2) < 0) fail("tgkill");
    wait_handler();
    say("tgkill(A, SIGUSR2): handled_by=%s\n", who(handled_by[1]));

    /* 3. Thread-directed to A while A blocks it: it waits for A. */
    handled_by[0] = 0;
    if (syscall(SYS_tgkill, getpid(), tid_a, SIGUSR1) < 0) fail("tgkill");
    char c = 'p';
    if (write_all(cmd_a[1], &c, 1) < 0 || read_all(reply_a[0], &c, 1) < 0) fail("talk to A");
    say("tgkill(A, SIGUSR1) while A blocks it: handler ran=%d\n", handled_by[0] != 0);

    c = 'q';
    if (write_all(cmd_a[1], &c, 1) < 0 || write_all(quit_b[1], &c, 1) < 0) fail("write");
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);

    /* 4. A fault in one thread of a child kills the child's whole group. */
    pid_t child = fork();
    if (child < 0) fail("fork");
    if (child == 0) {
        pthread_t t;
        int p[2];
        if (pipe(p) < 0) _exit(3);
        if (pthread_create(&t, NULL, child_faulter, NULL) != 0) _exit(4);
        (void)read(p[0], &c, 1); /* blocks forever: p[1] stays open */
        exit(5);
    }
    int st;
    if (waitpid(child, &st, 0) != child) fail("waitpid");
    say("child whose second thread writes to NULL: WIFSIGNALED=%d WTERMSIG=%s\n", WIFSIGNALED(st),
        WIFSIGNALED(st) ? sig_name(WTERMSIG(st)) : "-");
    say("done\n");
    return 0;
}

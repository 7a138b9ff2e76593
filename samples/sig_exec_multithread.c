/*
 * sig_exec_multithread.c - IDEA: execve() from a thread that is NOT the main
 * thread: Linux kills every other thread of the group, and the exec'ing
 * thread takes over the thread group leader's identity (its tid becomes the
 * pid). Signal state across exec: handled signals go back to SIG_DFL,
 * ignored ones stay ignored, the blocked mask (of the exec'ing thread) and
 * pending signals survive.
 *
 * Parent mode (no arguments): main sets SIGUSR2 to SIG_IGN and a handler for
 * SIGUSR1, blocks SIGTERM (threads created later inherit the mask) and makes
 * SIGTERM pending for the process with kill(getpid(), SIGTERM). It starts
 * threads T1 and T2; T2 calls execve("/proc/self/exe", "--child", pid, tid)
 * passing the original pid and its own tid, while main and T1 sit blocked.
 * Child mode checks relations only (no numbers are printed): getpid() is the
 * original pid, gettid() == getpid() and not T2's old tid, /proc/self/task
 * has one entry, and the dispositions/mask/pending set are as stated above.
 */
#include "common.h"

#include <dirent.h>
#include <pthread.h>

static pid_t orig_pid;
static int never[2];

static void on_usr1(int sig)
{
    (void)sig;
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

static const char *disposition(int sig)
{
    struct sigaction sa;
    if (sigaction(sig, NULL, &sa) < 0) return "E?";
    if (sa.sa_handler == SIG_DFL) return "SIG_DFL";
    if (sa.sa_handler == SIG_IGN) return "SIG_IGN";
    return "handler";
}

static int child_mode(char **argv)
{
    pid_t want_pid = (pid_t)atol(argv[2]);
    pid_t old_tid = (pid_t)atol(argv[3]);
    say("after exec from a non-main thread:\n");
    say("  getpid_is_original_pid=%d\n", getpid() == want_pid);
    say("  gettid_eq_getpid=%d\n", gettid() == getpid());
    say("  gettid_eq_old_tid_of_exec_thread=%d\n", gettid() == old_tid);
    say("  threads_in_proc_self_task=%d\n", count_tasks());
    say("  SIGUSR1 (had a handler): %s\n", disposition(SIGUSR1));
    say("  SIGUSR2 (was ignored): %s\n", disposition(SIGUSR2));
    sigset_t blocked, pending;
    sigprocmask(SIG_BLOCK, NULL, &blocked);
    sigpending(&pending);
    say("  SIGTERM blocked=%d pending=%d\n", sigismember(&blocked, SIGTERM),
        sigismember(&pending, SIGTERM));
    say("done\n");
    return 0; /* SIGTERM stays blocked and pending: exit_group discards it */
}

static pthread_barrier_t ready;

static void *sitter(void *arg)
{
    if (arg) pthread_barrier_wait(&ready);
    char c;
    (void)read(never[0], &c, 1); /* blocks until the exec kills us */
    say("not reached: sitter woke up\n");
    return NULL;
}

static void *execer(void *arg)
{
    (void)arg;
    pthread_barrier_wait(&ready);
    char pid_s[32], tid_s[32];
    snprintf(pid_s, sizeof(pid_s), "%d", (int)orig_pid);
    snprintf(tid_s, sizeof(tid_s), "%d", (int)gettid());
    char *args[] = {"sig_exec_multithread", "--child", pid_s, tid_s, NULL};
    char *env[] = {NULL};
    execve("/proc/self/exe", args, env);
    fail("execve");
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--child") == 0) return child_mode(argv);

    orig_pid = getpid();
    if (pipe(never) < 0) fail("pipe");
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_usr1;
    if (sigaction(SIGUSR1, &sa, NULL) < 0) fail("sigaction");
    sa.sa_handler = SIG_IGN;
    if (sigaction(SIGUSR2, &sa, NULL) < 0) fail("sigaction");
    sigset_t term;
    sigemptyset(&term);
    sigaddset(&term, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &term, NULL) < 0) fail("sigprocmask");
    if (kill(getpid(), SIGTERM) < 0) fail("kill");
    say("before exec: 3 threads, SIGUSR1 handled, SIGUSR2 ignored, SIGTERM blocked+pending\n");

    pthread_barrier_init(&ready, NULL, 3);
    pthread_t t1, t2;
    if (pthread_create(&t1, NULL, sitter, &ready) != 0) fail("pthread_create");
    if (pthread_create(&t2, NULL, execer, NULL) != 0) fail("pthread_create");
    pthread_barrier_wait(&ready);
    (void)sitter(NULL); /* main blocks too; the exec from T2 ends it */
    return 1;
}

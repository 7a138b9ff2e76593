/*
 * proc_self_task.c - IDEA: a thread group can look at itself through /proc:
 * /proc/self/task has one directory per live thread (named by its tid), and
 * each /proc/self/task/TID/status shows that thread's Pid (its tid), the
 * group's Tgid (getpid()) and PPid, its own blocked mask (SigBlk) and
 * private pending set (SigPnd), and the group's shared pending set (ShdPnd).
 *
 *   main blocks SIGUSR2 and starts T1 and T2 (they inherit the mask); T1 also
 *   blocks SIGUSR1. kill(getpid(), SIGUSR2) is blocked everywhere, so it
 *   stays in the SHARED set; tgkill(T1, SIGUSR1) stays in T1's PRIVATE set.
 *   Masks are printed in hex as /proc prints them (bit N-1 = signal N;
 *   SIGUSR1 = 10 -> 0x200, SIGUSR2 = 12 -> 0x800 on x86-64, aarch64 and
 *   s390x alike).
 *   Then T2 is joined and /proc/self/task is listed until it shows 2 entries
 *   (pthread_join can return a moment before the kernel removes the thread).
 */
#include "common.h"

#include <dirent.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <time.h>

static pthread_barrier_t ready;
static int quit[3][2]; /* one pipe per thread: main wakes exactly that one */
static pid_t tids[3];

static void *thread_fn(void *arg)
{
    int idx = (int)(long)arg;
    if (idx == 1) {
        sigset_t s;
        sigemptyset(&s);
        sigaddset(&s, SIGUSR1);
        pthread_sigmask(SIG_BLOCK, &s, NULL);
    }
    tids[idx] = gettid();
    pthread_barrier_wait(&ready);
    char c;
    (void)read_all(quit[idx][0], &c, 1);
    return NULL;
}

static int count_tasks(int *all_known)
{
    DIR *d = opendir("/proc/self/task");
    if (!d) fail("opendir");
    int n = 0, known = 1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.') continue;
        pid_t t = (pid_t)atol(e->d_name);
        known &= t == tids[0] || t == tids[1] || t == tids[2];
        n++;
    }
    closedir(d);
    if (all_known) *all_known = known;
    return n;
}

/* Value of field "Name:" in a status file, without the tab and newline. */
static int status_field(const char *path, const char *name, char *out, size_t len)
{
    FILE *f = fopen(path, "r");
    if (!f) return -1;
    char line[256];
    size_t nl = strlen(name);
    int found = -1;
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, name, nl) == 0 && line[nl] == ':') {
            char *v = line + nl + 1;
            while (*v == '\t' || *v == ' ')
                v++;
            v[strcspn(v, "\n")] = 0;
            snprintf(out, len, "%s", v);
            found = 0;
            break;
        }
    }
    fclose(f);
    return found;
}

static long status_num(const char *path, const char *name)
{
    char v[64];
    if (status_field(path, name, v, sizeof(v)) < 0) return -1;
    return atol(v);
}

static void show_thread(const char *who, pid_t tid)
{
    char path[64], blk[32], pnd[32], shd[32];
    snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)tid);
    long pid = status_num(path, "Pid"), tgid = status_num(path, "Tgid"),
         ppid = status_num(path, "PPid");
    if (status_field(path, "SigBlk", blk, sizeof(blk)) < 0 ||
        status_field(path, "SigPnd", pnd, sizeof(pnd)) < 0 ||
        status_field(path, "ShdPnd", shd, sizeof(shd)) < 0)
        fail("status");
    say("%s: Pid==tid=%d Tgid==getpid=%d PPid==getppid=%d SigBlk=%s SigPnd=%s ShdPnd=%s\n", who,
        pid == tid, tgid == getpid(), ppid == getppid(), blk, pnd, shd);
}

int main(void)
{
    if (pipe(quit[1]) < 0 || pipe(quit[2]) < 0) fail("pipe");
    sigset_t usr2;
    sigemptyset(&usr2);
    sigaddset(&usr2, SIGUSR2);
    if (sigprocmask(SIG_BLOCK, &usr2, NULL) < 0) fail("sigprocmask");
    tids[0] = gettid();
    pthread_barrier_init(&ready, NULL, 3);
    pthread_t t1, t2;
    if (pthread_create(&t1, NULL, thread_fn, (void *)1L) != 0) fail("pthread_create");
    if (pthread_create(&t2, NULL, thread_fn, (void *)2L) != 0) fail("pthread_create");
    pthread_barrier_wait(&ready);

    int known;
    int n = count_tasks(&known);
    say("/proc/self/task: %d entries, all named by our tids=%d\n", n, known);
    say("/proc/self/status: Tgid==getpid=%d Pid==gettid=%d\n",
        status_num("/proc/self/status", "Tgid") == getpid(),
        status_num("/proc/self/status", "Pid") == gettid());

    if (kill(getpid(), SIGUSR2) < 0) fail("kill");
    if (syscall(SYS_tgkill, getpid(), tids[1], SIGUSR1) < 0) fail("tgkill");
    show_thread("main", tids[0]);
    show_thread("T1", tids[1]);
    show_thread("T2", tids[2]);

    if (write_all(quit[2][1], "q", 1) < 0) fail("write");
    pthread_join(t2, NULL);
    /* After the join T2's exit may still be finishing: wait for it to go. */
    for (int i = 0; i < 2000 && count_tasks(NULL) != 2; i++) {
        struct timespec ts = {0, 1000000};
        nanosleep(&ts, NULL);
    }
    say("after joining T2: %d entries\n", count_tasks(NULL));
    if (write_all(quit[1][1], "q", 1) < 0) fail("write");
    pthread_join(t1, NULL);
    say("done\n");
    return 0;
}

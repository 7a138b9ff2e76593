/*
 * exit_group_threads.c - IDEA: exit() (the exit_group syscall) ends the
 * WHOLE thread group, from any thread and whatever the other threads are
 * doing; pthread_exit() (the exit syscall) ends only the calling thread,
 * and the process lives on while any thread is left (even if the thread
 * that leaves is main).
 *
 * Part 1: process P has a thread blocked in pthread_cond_wait and one in
 *   sleep(); a third thread calls exit(3). P's parent sees WEXITSTATUS=3.
 * Part 2: process Q: a worker calls pthread_exit and main goes on; then
 *   main itself calls pthread_exit, and a second worker that joined the main
 *   thread exits the process with status 4.
 * The top process prints its own lines only after waitpid(), so the order
 * of the output does not depend on scheduling.
 */
#include "common.h"

#include <pthread.h>
#include <sys/wait.h>

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int started, never;
static pthread_t main_thread;

static void *cond_waiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    started++;
    pthread_cond_broadcast(&cv);
    while (!never)
        pthread_cond_wait(&cv, &m);
    pthread_mutex_unlock(&m);
    return NULL;
}

static void *sleeper(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    started++;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&m);
    while (!never)
        sleep(1000);
    return NULL;
}

static void *exiter(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&m);
    while (started < 2)
        pthread_cond_wait(&cv, &m);
    pthread_mutex_unlock(&m);
    say("P: worker calls exit(3); other threads are in cond_wait and sleep\n");
    exit(3);
}

static void process_p(void)
{
    pthread_t t[3];
    pthread_create(&t[0], NULL, cond_waiter, NULL);
    pthread_create(&t[1], NULL, sleeper, NULL);
    pthread_create(&t[2], NULL, exiter, NULL);
    pthread_join(t[0], NULL); /* never returns: exit(3) ends us first */
    say("P: main thread returned from join (wrong)\n");
    _exit(99);
}

static void *leaver(void *arg)
{
    (void)arg;
    say("Q: worker 1 calls pthread_exit\n");
    pthread_exit(NULL);
}

static void *last_one(void *arg)
{
    (void)arg;
    pthread_join(main_thread, NULL);
    say("Q: worker 2 joined the main thread; process still alive; exit(4)\n");
    exit(4);
}

static void process_q(void)
{
    pthread_t t;
    pthread_create(&t, NULL, leaver, NULL);
    pthread_join(t, NULL);
    say("Q: main still running after worker 1 left: alive=1\n");
    main_thread = pthread_self();
    pthread_create(&t, NULL, last_one, NULL);
    say("Q: main thread calls pthread_exit\n");
    pthread_exit(NULL);
}

static void run(const char *name, void (*body)(void))
{
    pid_t pid = fork();
    if (pid < 0) fail("fork");
    if (pid == 0) body();
    int st;
    if (waitpid(pid, &st, 0) != pid) fail("waitpid");
    say("top: %s exited=%d status=%d signaled=%d\n", name, WIFEXITED(st), WEXITSTATUS(st),
        WIFSIGNALED(st));
}

int main(void)
{
    say("part 1: exit(3) from one thread ends all threads\n");
    run("P", process_p);
    say("part 2: pthread_exit ends only the calling thread\n");
    run("Q", process_q);
    say("done\n");
    return 0;
}

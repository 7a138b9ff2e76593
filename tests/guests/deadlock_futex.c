/* Teaches: a deadlock. Two threads each wait on a futex that only the
 * other one would set and wake, and main waits (pthread_join) for the
 * first: every task is blocked and no timer can wake one. Natively this
 * program hangs forever; under clonemu the run ends at once with the wait
 * graph (who waits on which futex, who could wake it) and exit status 125.
 * That is why it lives in tests/guests/, not in samples/ (whose expected
 * outputs are recorded natively). */
#include <linux/futex.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

static int go_a, go_b; /* futex words: A waits on go_a, B on go_b */

static void wait_for(int *word)
{
    while (__atomic_load_n(word, __ATOMIC_SEQ_CST) == 0)
        syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
}

static void set_and_wake(int *word)
{
    __atomic_store_n(word, 1, __ATOMIC_SEQ_CST);
    syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void *thread_a(void *arg)
{
    (void)arg;
    wait_for(&go_a); /* B sets go_a only after it got go_b ... */
    set_and_wake(&go_b);
    return NULL;
}

static void *thread_b(void *arg)
{
    (void)arg;
    wait_for(&go_b); /* ... which A sets only after it got go_a */
    set_and_wake(&go_a);
    return NULL;
}

int main(void)
{
    pthread_t a, b;
    printf("two threads, each waiting for the other\n");
    fflush(stdout);
    pthread_create(&a, NULL, thread_a, NULL);
    pthread_create(&b, NULL, thread_b, NULL);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    printf("not reached\n");
    return 0;
}

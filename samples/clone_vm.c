/*
 * clone_vm.c - IDEA: CLONE_VM shares the address space. Without it the
 * child works on a COPY of the parent's memory (as after fork), so its
 * stores are invisible to the parent; with it, the parent sees them.
 *
 * The same child function (glibc clone() wrapper, malloc'ed stack,
 * SIGCHLD) stores into a global, a heap block and a MAP_PRIVATE anonymous
 * mapping, then exits. The parent waits and looks at all three. A
 * MAP_SHARED mapping is shared even without CLONE_VM: that is how forked
 * processes share memory on purpose.
 */
#include "common.h"

#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define STACK_SIZE (256 * 1024)

static int global_val;
static int *heap_val, *priv_val, *shared_val;

static int child(void *arg)
{
    int v = *(int *)arg;
    global_val = v;
    *heap_val = v;
    *priv_val = v;
    *shared_val = v;
    return 0;
}

static void run_case(const char *name, int flags, int v)
{
    char *stack = malloc(STACK_SIZE);
    if (!stack) fail("malloc");
    global_val = *heap_val = *priv_val = *shared_val = 0;
    pid_t pid = clone(child, stack + STACK_SIZE, flags | SIGCHLD, &v);
    if (pid < 0) fail("clone");
    int st;
    if (waitpid(pid, &st, 0) != pid) fail("waitpid");
    free(stack);
    say("%s: child_status=%d global=%d heap=%d map_private=%d map_shared=%d\n", name,
        WEXITSTATUS(st), global_val, *heap_val, *priv_val, *shared_val);
}

int main(void)
{
    heap_val = malloc(sizeof(int));
    priv_val = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    shared_val = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (!heap_val || priv_val == MAP_FAILED || shared_val == MAP_FAILED) fail("alloc");
    say("child stores 7 (no CLONE_VM) or 8 (CLONE_VM) everywhere\n");
    run_case("no CLONE_VM", 0, 7);
    run_case("CLONE_VM", CLONE_VM, 8);
    say("done\n");
    return 0;
}

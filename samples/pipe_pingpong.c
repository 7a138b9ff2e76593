/*
 * pipe_pingpong.c - IDEA: two processes can take strict turns using two
 * pipes: each blocks in read() until the other has written. That makes
 * the interleaving of their output deterministic whatever the scheduler
 * does (this is how the other samples order their output, too).
 *
 * Parent and a forked child bounce a counter 5 times; each side increments
 * it and prints one line before passing it on. The child exits with the
 * last value it saw.
 */
#include "common.h"

#include <sys/wait.h>

#define ROUNDS 5

int main(void)
{
    int to_child[2], to_parent[2];
    if (pipe(to_child) < 0 || pipe(to_parent) < 0) fail("pipe");
    pid_t pid = fork();
    if (pid < 0) fail("fork");
    if (pid == 0) {
        close(to_child[1]);
        close(to_parent[0]);
        int v = 0;
        while (read_all(to_child[0], &v, sizeof(v)) == 0) {
            say("child:  got %d, sends %d\n", v, v + 1);
            v++;
            if (write_all(to_parent[1], &v, sizeof(v)) < 0) break;
        }
        _exit(v); /* EOF: the parent closed its end */
    }
    close(to_child[0]);
    close(to_parent[1]);
    int v = 0;
    for (int i = 0; i < ROUNDS; i++) {
        say("parent: sends %d\n", v);
        if (write_all(to_child[1], &v, sizeof(v)) < 0 || read_all(to_parent[0], &v, sizeof(v)) < 0)
            fail("pingpong");
        say("parent: got %d\n", v);
        v++;
    }
    close(to_child[1]);
    int st;
    waitpid(pid, &st, 0);
    say("child exited=%d status=%d\n", WIFEXITED(st), WEXITSTATUS(st));
    say("done\n");
    return 0;
}

/*
 * fork_tree.c - IDEA: fork() builds a process tree; each process can wait
 * only for its OWN children, and getppid() names the process that forked it.
 *
 *   root
 *    +-- c1 --+-- c1.g1
 *    |        +-- c1.g2
 *    +-- c2
 *    +-- c3
 *
 * Every descendant checks getppid() against the pid its parent had before
 * fork() and writes one line into a pipe shared by the whole tree (one
 * write() per line, so lines never mix). c1 reaps its two children itself
 * and reports their WEXITSTATUS. The root reads the pipe to EOF (all writers
 * gone), SORTS the lines (the order they arrived in depends on scheduling)
 * and prints them, then reaps c1..c3 in order and shows that the
 * grandchildren were never its children (waitpid(-1) gives ECHILD).
 */
#include "common.h"

#include <sys/wait.h>

static int report_fd;

static void report(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void report(const char *fmt, ...)
{
    char buf[128];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof(buf)) write_all(report_fd, buf, (size_t)n);
}

/* fork a child that reports its parentage and exits with `code`. */
static pid_t spawn(const char *name, int code, void (*body)(const char *))
{
    pid_t parent = getpid();
    pid_t pid = fork();
    if (pid < 0) fail("fork");
    if (pid == 0) {
        report("%s ppid_is_parent=%d pid_is_new=%d\n", name, getppid() == parent,
               getpid() != parent);
        if (body) body(name);
        _exit(code);
    }
    return pid;
}

static void c1_body(const char *name)
{
    pid_t g[2];
    g[0] = spawn("c1.g1", 21, NULL);
    g[1] = spawn("c1.g2", 22, NULL);
    for (int j = 0; j < 2; j++) {
        int st;
        if (waitpid(g[j], &st, 0) != g[j]) fail("c1 waitpid");
        report("%s reaped c1.g%d exited=%d status=%d\n", name, j + 1, WIFEXITED(st),
               WEXITSTATUS(st));
    }
}

static int cmp_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
    int p[2];
    if (pipe(p) < 0) fail("pipe");
    report_fd = p[1];

    say("root: forking c1 c2 c3; c1 forks c1.g1 c1.g2\n");
    pid_t c[3];
    c[0] = spawn("c1", 11, c1_body);
    c[1] = spawn("c2", 12, NULL);
    c[2] = spawn("c3", 13, NULL);
    close(p[1]);

    static char buf[4096];
    size_t len = 0;
    ssize_t n;
    while ((n = read(p[0], buf + len, sizeof(buf) - 1 - len)) > 0)
        len += (size_t)n;
    buf[len] = '\0';
    close(p[0]);

    char *lines[32];
    int nlines = 0;
    for (char *save = NULL, *s = strtok_r(buf, "\n", &save); s && nlines < 32;
         s = strtok_r(NULL, "\n", &save))
        lines[nlines++] = s;
    qsort(lines, (size_t)nlines, sizeof(lines[0]), cmp_lines);
    say("root: %d reports (sorted)\n", nlines);
    for (int i = 0; i < nlines; i++)
        say("  %s\n", lines[i]);

    for (int i = 0; i < 3; i++) {
        int st;
        pid_t r = waitpid(c[i], &st, 0);
        say("root: reaped c%d pid_matches=%d exited=%d status=%d\n", i + 1, r == c[i],
            WIFEXITED(st), WEXITSTATUS(st));
    }
    int st;
    pid_t r = waitpid(-1, &st, 0);
    say("root: waitpid(-1) after that: ret=%d errno=%s (grandchildren were c1's)\n", (int)r,
        errno_name(r < 0 ? errno : 0));
    say("done\n");
    return 0;
}

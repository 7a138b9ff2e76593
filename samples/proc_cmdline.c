/*
 * proc_cmdline.c - IDEA: /proc/PID/cmdline and /proc/PID/environ are not
 * copies kept by the kernel: they are the argv and envp strings execve
 * left in the process's own memory (between the mm's arg_start/arg_end
 * and env_start/env_end), read out of it, NUL-separated. So
 *
 *  1. cmdline is argv joined with NULs; environ is the environment the
 *     process started with, and setenv() does not show there.
 *  2. Another process's cmdline/environ (a fork child that exec'd itself
 *     with new arguments and environment) are that child's new ones; once
 *     it is a zombie (no memory) cmdline and maps read empty, and environ
 *     (which, like /proc/PID/mem, needs the memory at open) is ESRCH.
 *  3. A program that overwrites the NUL ending its argv strings (what
 *     setproctitle does) makes cmdline the string at argv[0], up to its NUL.
 *
 * And the neighbours: /proc/PID/statm counts pages (1 MiB of private
 * read-write memory adds 256 to size and to data; size is the sum of
 * /proc/self/maps' lines), /proc/PID/limits prints getrlimit's values in
 * the kernel's fixed columns, and /proc/self lists all of them.
 *
 * Run with the arguments "hello two 3" (tests/func/args/proc_cmdline.args).
 * Everything printed is a relation, a count or fixed text.
 */
#include "common.h"

#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

extern char **environ;

static char buf[1 << 16];

/* The strings of v joined with NULs (each one NUL-terminated). */
static size_t join(char *const *v, char *out, size_t n)
{
    size_t len = 0;
    for (; *v; v++) {
        size_t l = strlen(*v) + 1;
        if (len + l > n) break;
        memcpy(out + len, *v, l);
        len += l;
    }
    return len;
}

static void nul_to_bar(char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\0') s[i] = '|';
    s[n] = '\0';
}

static int child_mode(void)
{
    char c = 1;
    if (write(11, &c, 1) != 1) return 1;
    while (read(10, &c, 1) > 0) {
    }
    return 0;
}

static void other_process(void)
{
    int ready[2], go[2];
    if (pipe(ready) || pipe(go)) fail("pipe");
    pid_t pid = fork();
    if (pid < 0) fail("fork");
    if (pid == 0) {
        if (dup2(go[0], 10) < 0 || dup2(ready[1], 11) < 0) _exit(1);
        close(go[0]);
        close(go[1]);
        close(ready[0]);
        close(ready[1]);
        char *argv[] = {"child", "a", "b c", NULL};
        char *envp[] = {"K=v", "EMPTY=", NULL};
        execve("/proc/self/exe", argv, envp);
        _exit(127);
    }
    close(ready[1]);
    close(go[0]);
    char c;
    if (read(ready[0], &c, 1) != 1) fail("child not ready");
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    ssize_t n = slurp(path, buf, sizeof buf);
    nul_to_bar(buf, n < 0 ? 0 : (size_t)n);
    say("child_cmdline=%s\n", buf);
    snprintf(path, sizeof path, "/proc/%d/environ", (int)pid);
    n = slurp(path, buf, sizeof buf);
    nul_to_bar(buf, n < 0 ? 0 : (size_t)n);
    say("child_environ=%s\n", buf);
    close(go[1]); /* the child reads EOF and exits */
    siginfo_t si;
    if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT)) fail("waitid");
    snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
    ssize_t zc = slurp(path, buf, sizeof buf);
    snprintf(path, sizeof path, "/proc/%d/environ", (int)pid);
    ssize_t ze = slurp(path, buf, sizeof buf);
    int ze_errno = ze < 0 ? errno : 0;
    snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
    ssize_t zm = slurp(path, buf, sizeof buf);
    say("zombie: cmdline_len=%zd environ=%s maps_len=%zd\n", zc,
        ze < 0 ? errno_name(ze_errno) : "opened", zm);
    int st;
    waitpid(pid, &st, 0);
    close(ready[0]);
}

static void statm_checks(void)
{
    unsigned long a[7], b[7];
    slurp("/proc/self/statm", buf, sizeof buf);
    int fields =
        sscanf(buf, "%lu %lu %lu %lu %lu %lu %lu", &a[0], &a[1], &a[2], &a[3], &a[4], &a[5], &a[6]);
    /* size against the maps (not the x86-64 vsyscall page: no vma) */
    static char maps[1 << 17];
    slurp("/proc/self/maps", maps, sizeof maps);
    unsigned long pages = 0;
    for (char *p = maps; *p;) {
        uintptr_t s, e;
        if (sscanf(p, "%" SCNxPTR "-%" SCNxPTR, &s, &e) == 2 && s != 0xffffffffff600000ul)
            pages += (e - s) / 4096;
        p = strchr(p, '\n');
        if (!p) break;
        p++;
    }
    slurp("/proc/self/statm", buf, sizeof buf);
    sscanf(buf, "%lu", &a[0]);
    void *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) fail("mmap");
    slurp("/proc/self/statm", buf, sizeof buf);
    sscanf(buf, "%lu %lu %lu %lu %lu %lu %lu", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5], &b[6]);
    say("statm: fields=%d lib=%lu dt=%lu size_is_maps_sum=%d resident_le_size=%d text_pos=%d\n",
        fields, a[4], a[6], a[0] == pages, a[1] <= a[0], a[3] > 0);
    say("statm: mmap_1MiB size_delta=%lu data_delta=%lu\n", b[0] - a[0], b[5] - a[5]);
    munmap(m, 1 << 20);
}

static void limits_checks(void)
{
    static const char *const names[16][2] = {
        {"Max cpu time", "seconds"},     {"Max file size", "bytes"},
        {"Max data size", "bytes"},      {"Max stack size", "bytes"},
        {"Max core file size", "bytes"}, {"Max resident set", "bytes"},
        {"Max processes", "processes"},  {"Max open files", "files"},
        {"Max locked memory", "bytes"},  {"Max address space", "bytes"},
        {"Max file locks", "locks"},     {"Max pending signals", "signals"},
        {"Max msgqueue size", "bytes"},  {"Max nice priority", NULL},
        {"Max realtime priority", NULL}, {"Max realtime timeout", "us"},
    };
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl)) fail("getrlimit");
    rl.rlim_cur = 100;
    if (setrlimit(RLIMIT_NOFILE, &rl)) fail("setrlimit");
    static char want[4096], line[256];
    size_t len = (size_t)snprintf(want, sizeof want, "%-25s %-20s %-20s %-10s\n", "Limit",
                                  "Soft Limit", "Hard Limit", "Units");
    for (int i = 0; i < 16; i++) {
        if (getrlimit(i, &rl)) fail("getrlimit");
        char cur[32], max[32];
        snprintf(cur, sizeof cur, "%lu", (unsigned long)rl.rlim_cur);
        snprintf(max, sizeof max, "%lu", (unsigned long)rl.rlim_max);
        snprintf(line, sizeof line, "%-25s %-20s %-20s ", names[i][0],
                 rl.rlim_cur == RLIM_INFINITY ? "unlimited" : cur,
                 rl.rlim_max == RLIM_INFINITY ? "unlimited" : max);
        len += (size_t)snprintf(want + len, sizeof want - len, "%s", line);
        if (names[i][1])
            len += (size_t)snprintf(want + len, sizeof want - len, "%-10s\n", names[i][1]);
        else
            len += (size_t)snprintf(want + len, sizeof want - len, "\n");
    }
    ssize_t n = slurp("/proc/self/limits", buf, sizeof buf);
    int lines = 0;
    for (ssize_t i = 0; i < n; i++)
        lines += buf[i] == '\n';
    say("limits: lines=%d as_getrlimit_says=%d nofile_soft_100=%d\n", lines, strcmp(buf, want) == 0,
        strstr(buf, "Max open files            100 ") != NULL);
}

static void listing(void)
{
    static const char *want[] = {"maps", "statm", "cmdline", "environ", "limits", "status", "exe"};
    int found[7] = {0};
    DIR *d = opendir("/proc/self");
    if (!d) fail("opendir");
    struct dirent *e;
    while ((e = readdir(d)))
        for (int i = 0; i < 7; i++)
            if (strcmp(e->d_name, want[i]) == 0) found[i] = e->d_type == DT_REG || i == 6;
    closedir(d);
    say("listed:");
    for (int i = 0; i < 7; i++)
        say(" %s=%d", want[i], found[i]);
    say("\n");
}

int main(int argc, char **argv)
{
    if (argc >= 1 && strcmp(argv[0], "child") == 0) return child_mode();
    static char expect[1 << 16];
    /* 1. cmdline and environ are argv and envp as exec left them */
    ssize_t n = slurp("/proc/self/cmdline", buf, sizeof buf);
    size_t want = join(argv, expect, sizeof expect);
    int args = 0;
    for (ssize_t i = 0; i < n; i++)
        args += buf[i] == '\0';
    say("cmdline: args=%d argv1=%s argv3=%s same_as_argv=%d\n", args, argc > 1 ? argv[1] : "-",
        argc > 3 ? argv[3] : "-", n == (ssize_t)want && memcmp(buf, expect, want) == 0);
    n = slurp("/proc/self/environ", buf, sizeof buf);
    want = join(environ, expect, sizeof expect);
    say("environ: same_as_envp=%d\n", n == (ssize_t)want && memcmp(buf, expect, want) == 0);
    setenv("PROC_CMDLINE_NEW", "1", 1);
    n = slurp("/proc/self/environ", buf, sizeof buf);
    say("environ: after_setenv_has_it=%d same_length=%d\n",
        memmem(buf, (size_t)n, "PROC_CMDLINE_NEW", 16) != NULL, n == (ssize_t)want);

    other_process();
    statm_checks();
    limits_checks();
    listing();

    /* 3. setproctitle: the argv area overwritten, its last NUL included */
    size_t area = 0;
    for (int i = 0; i < argc; i++)
        area += strlen(argv[i]) + 1;
    memset(argv[0], 'x', area);
    argv[0][10] = '\0';
    n = slurp("/proc/self/cmdline", buf, sizeof buf);
    say("proctitle: len=%zd ends_in_nul=%d\n", n, n > 0 && buf[n - 1] == '\0');
    return 0;
}

/* clonemu demo [--arch=ARCH] [NAME]: lists the built-in samples with the
 * idea each states at its top (a table generated from samples/ by
 * tools/demo-table.cmake), grouped by the ideas of clone(2) they teach, or
 * runs one as `clonemu run` would (exec of this same binary). Sample
 * binaries are found next to the clonemu binary (a build tree:
 * samples/ARCH/NAME) or under the install prefix
 * (libexec/clonemu/samples/ARCH/NAME). A sample runs confined
 * (docs/hardening.md): its own copy in a scratch root (bin/NAME, an empty
 * tmp/, dev/null), `clonemu run --root=SCRATCH`, the scratch removed
 * afterwards. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "emu/commands.h"

struct demo {
    const char *name, *kind, *idea; /* kind: "c" or "ia64lite" */
};

static const struct demo demos[] = {
#include "demo_table.inc"
};
#define NDEMOS (sizeof demos / sizeof demos[0])

/* The ideas of clone(2) the samples teach, each with its samples (the
 * first that exists on the chosen arch is the one to try first). */
static const struct {
    const char *idea, *names;
} topics[] = {
    {"sharing flags (CLONE_VM, CLONE_FS, CLONE_FILES, ...)",
     " clone_vm clone_fs_files clone_null_stack clone_man_example "},
    {"thread groups (CLONE_THREAD)",
     " pthreads_counter raw_clone_threads exit_group_threads proc_self_task "},
    {"exit signals and wait", " exit_signal_wclone sig_chld_nocldwait killed_by_signal fork_tree "},
    {"vfork (CLONE_VFORK)", " vfork_order "},
    {"CLONE_PARENT and reparenting", " clone_parent subreaper "},
    {"CLONE_PARENT_SETTID / CLONE_CHILD_CLEARTID", " raw_clone_threads "},
    {"pidfd (CLONE_PIDFD, clone3)", " clone3_pidfd pidfd_signal pidfd_waitid_nonblock "},
    {"namespaces (CLONE_NEWPID, CLONE_NEWUSER, CLONE_NEWUTS, unshare)",
     " ns_newpid ns_pid_init ns_unshare_newpid ns_newuser_uts ns_eperm_newuts clone_man_example "},
    {"signal delivery in a thread group",
     " sig_group_delivery sig_kill_targets sig_siginfo_context sig_eintr_restart sig_stop_continue "
     "sig_altstack "},
    {"exec in a thread group", " sig_exec_multithread exec_cloexec "},
    {"__clone2 on ia64-lite", " fork-tree sig-group "},
};
#define NTOPICS (sizeof topics / sizeof topics[0])

static const char *const arches[] = {"x86_64", "aarch64", "s390x", "ia64lite"};

static void demo_usage(FILE *f)
{
    fputs("Usage: clonemu demo [OPTION]... [NAME]\n"
          "List the built-in samples, each with the idea of clone(2) it teaches, or\n"
          "run the sample NAME as 'clonemu run' would.\n"
          "\n"
          "      --arch=ARCH     the sample's architecture: x86_64 (default), aarch64,\n"
          "                      s390x or ia64lite (the default for ia64-lite samples)\n"
          "      --trace[=FILE], --events=FILE, --step[=KINDS], --seed=N, --gdb=PORT\n"
          "                      passed to 'clonemu run' (see clonemu run --help)\n"
          "  -h, --help          display this help and exit\n"
          "\n"
          "Samples are looked up next to the clonemu binary (samples/ARCH/NAME in a\n"
          "build tree), then under the install prefix (libexec/clonemu/samples).\n"
          "A sample runs confined: a copy of it in a scratch root (bin/NAME, an\n"
          "empty tmp/ and dev/null, under $TMPDIR or /tmp), 'clonemu run\n"
          "--root=SCRATCH', the scratch removed afterwards.\n"
          "\n"
          "Exit status: as 'clonemu run' (the sample's); 2 for bad usage or an unknown\n"
          "NAME; 127 if the sample was not built for ARCH.\n"
          "\n"
          "Example: clonemu demo vfork_order --arch=aarch64\n",
          f);
}

static int demo_error(const char *fmt, const char *arg)
{
    fputs("clonemu demo: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'clonemu demo --help' for more information.\n", stderr);
    return 2;
}

static const struct demo *demo_find(const char *name)
{
    for (size_t i = 0; i < NDEMOS; i++)
        if (!strcmp(demos[i].name, name)) return &demos[i];
    return NULL;
}

/* The sample binary for arch, into out; false if it is not there. */
static bool demo_path(const char *name, const char *arch, char *out, size_t n)
{
    char self[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) return false;
    self[len] = '\0';
    char *slash = strrchr(self, '/');
    if (slash) *slash = '\0';
    static const char *const rel[] = {"samples", "../libexec/clonemu/samples"};
    for (size_t i = 0; i < sizeof rel / sizeof rel[0]; i++) {
        int w = snprintf(out, n, "%s/%s/%s/%s", self, rel[i], arch, name);
        if (w > 0 && (size_t)w < n && access(out, X_OK) == 0) return true;
    }
    return false;
}

/* The first sentence of an idea, cut to at most max characters. */
static void idea_line(const char *idea, char *out, size_t max)
{
    size_t n = 0;
    while (idea[n] && !(idea[n] == '.' && (idea[n + 1] == ' ' || !idea[n + 1])))
        n++;
    if (idea[n] == '.') n++;
    if (n < max) {
        snprintf(out, max + 1, "%.*s", (int)n, idea);
        return;
    }
    size_t cut = max - 3;
    while (cut > max / 2 && idea[cut] != ' ')
        cut--;
    snprintf(out, max + 1, "%.*s...", (int)cut, idea);
}

static void demo_print(const struct demo *d)
{
    char line[104];
    idea_line(d->idea, line, 100);
    char avail[64] = "";
    size_t used = 0;
    char path[PATH_MAX];
    for (size_t a = 0; a < sizeof arches / sizeof arches[0]; a++)
        if (demo_path(d->name, arches[a], path, sizeof path))
            used += (size_t)snprintf(avail + used, sizeof avail - used, "%s%s", used ? "," : "",
                                     arches[a]);
    printf("  %-22s %s\n  %-22s [%s]\n", d->name, line, "", used ? avail : "not built");
}

static int demo_list(void)
{
    bool shown[NDEMOS] = {false};
    printf("Samples (run one with: clonemu demo NAME [--arch=ARCH]):\n");
    for (size_t t = 0; t < NTOPICS; t++) {
        printf("\n%s:\n", topics[t].idea);
        for (size_t i = 0; i < NDEMOS; i++) {
            char pat[80];
            snprintf(pat, sizeof pat, " %s ", demos[i].name);
            if (!strstr(topics[t].names, pat)) continue;
            demo_print(&demos[i]);
            shown[i] = true;
        }
    }
    printf("\nmore:\n");
    for (size_t i = 0; i < NDEMOS; i++)
        if (!shown[i]) demo_print(&demos[i]);
    return 0;
}

/* Copy the sample to dst (mode 0755). 0 or -1 with errno. */
static int demo_copy(const char *src, const char *dst)
{
    int in = open(src, O_RDONLY | O_CLOEXEC), out = -1, rc = -1;
    if (in >= 0) out = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
    char buf[1 << 16];
    ssize_t n;
    while (out >= 0 && (n = read(in, buf, sizeof buf)) > 0)
        if (write(out, buf, (size_t)n) != n) break;
    if (out >= 0 && n == 0) rc = 0;
    int e = errno;
    if (in >= 0) close(in);
    if (out >= 0 && close(out) < 0) rc = -1;
    errno = e;
    return rc;
}

static int demo_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    remove(path);
    return 0;
}

/* The scratch root: dir/bin/NAME (a copy of path) and dir/tmp. The
 * guest path of the copy into guest_path. 0, or 1 with a message. */
static int demo_scratch(const char *path, const char *name, char *dir, char *copy, size_t n)
{
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, n, "%s/clonemu-demo-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(dir)) {
        fprintf(stderr, "clonemu demo: cannot make a scratch root in %s: %s\n",
                tmp && *tmp ? tmp : "/tmp", strerror(errno));
        return 1;
    }
    char sub[PATH_MAX + 16];
    snprintf(sub, sizeof sub, "%s/bin", dir);
    int rc = mkdir(sub, 0755);
    snprintf(sub, sizeof sub, "%s/tmp", dir);
    if (rc == 0) rc = mkdir(sub, 01777);
    snprintf(sub, sizeof sub, "%s/dev", dir);
    if (rc == 0) rc = mkdir(sub, 0755);
    /* /dev/null: the device if we may make one (root), else an empty
     * file (reads see EOF, writes stay in the scratch) */
    snprintf(sub, sizeof sub, "%s/dev/null", dir);
    if (rc == 0 && mknod(sub, S_IFCHR | 0666, makedev(1, 3)) < 0) rc = demo_copy("/dev/null", sub);
    size_t dl = strlen(dir), nl = strlen(name);
    if (rc == 0 && dl + 5 + nl + 1 > n) {
        errno = ENAMETOOLONG;
        rc = -1;
    } else {
        memcpy(copy, dir, dl);
        memcpy(copy + dl, "/bin/", 5);
        memcpy(copy + dl + 5, name, nl + 1);
    }
    if (rc == 0) rc = demo_copy(path, copy);
    if (rc < 0) {
        fprintf(stderr, "clonemu demo: cannot copy %s into %s: %s\n", path, dir, strerror(errno));
        nftw(dir, demo_rm, 16, FTW_DEPTH | FTW_PHYS);
        return 1;
    }
    return 0;
}

/* Run args (clonemu run ...) in a child, wait, remove the scratch root;
 * the exit status is the run's (128+N for a signal). */
static int demo_spawn(char **args, const char *dir)
{
    fflush(NULL);
    struct sigaction ign = {.sa_handler = SIG_IGN}, oint, oquit;
    sigaction(SIGINT, &ign, &oint); /* as system(3): ^C is the run's */
    sigaction(SIGQUIT, &ign, &oquit);
    pid_t pid = fork();
    if (pid == 0) {
        sigaction(SIGINT, &oint, NULL);
        sigaction(SIGQUIT, &oquit, NULL);
        execv("/proc/self/exe", args);
        fprintf(stderr, "clonemu demo: cannot run clonemu: %s\n", strerror(errno));
        _exit(127);
    }
    int st = 0, rc = 1;
    if (pid < 0)
        fprintf(stderr, "clonemu demo: fork: %s\n", strerror(errno));
    else if (waitpid(pid, &st, 0) == pid)
        rc = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
    sigaction(SIGINT, &oint, NULL);
    sigaction(SIGQUIT, &oquit, NULL);
    nftw(dir, demo_rm, 16, FTW_DEPTH | FTW_PHYS);
    return rc;
}

int cmd_demo(int argc, char **argv)
{
    const char *arch = NULL, *name = NULL;
    char *pass[32];
    int npass = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
            demo_usage(stdout);
            return 0;
        } else if (!strncmp(a, "--arch=", 7)) {
            arch = a + 7;
        } else if (!strcmp(a, "--arch")) {
            if (++i == argc) return demo_error("%s", "option '--arch' requires an argument");
            arch = argv[i];
        } else if (a[0] == '-') {
            if (npass == 28) return demo_error("too many options at '%s'", a);
            pass[npass++] = argv[i];
        } else if (!name) {
            name = a;
        } else {
            return demo_error("one NAME only; extra '%s'", a);
        }
    }
    if (!name) {
        if (npass) return demo_error("'%s' needs a NAME to run", pass[0]);
        return arch ? demo_error("%s", "--arch needs a NAME to run") : demo_list();
    }
    const struct demo *d = demo_find(name);
    if (!d) return demo_error("no sample '%s' (clonemu demo lists them)", name);
    if (!arch) arch = !strcmp(d->kind, "ia64lite") ? "ia64lite" : "x86_64";
    size_t a = 0;
    while (a < sizeof arches / sizeof arches[0] && strcmp(arches[a], arch) != 0)
        a++;
    if (a == sizeof arches / sizeof arches[0])
        return demo_error("unknown --arch '%s' (x86_64, aarch64, s390x or ia64lite)", arch);
    char path[PATH_MAX];
    if (!demo_path(d->name, arch, path, sizeof path)) {
        fprintf(stderr, "clonemu demo: %s was not built for %s\n", d->name, arch);
        return 127;
    }
    char dir[PATH_MAX], copy[PATH_MAX], rootopt[PATH_MAX + 8];
    if (demo_scratch(path, d->name, dir, copy, sizeof dir)) return 1;
    snprintf(rootopt, sizeof rootopt, "--root=%s", dir);
    char *args[40];
    int n = 0;
    args[n++] = (char *)"clonemu";
    args[n++] = (char *)"run";
    args[n++] = rootopt;
    for (int i = 0; i < npass; i++)
        args[n++] = pass[i];
    args[n++] = copy;
    args[n] = NULL;
    return demo_spawn(args, dir);
}

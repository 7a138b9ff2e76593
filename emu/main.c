/* clonemu's command line: `clonemu run [options] PROGRAM [ARGS...]`.
 *
 * main only wires things together: options -> struct km_options, the
 * POSIX hostfs, the event sinks (--trace, --events), the first task (the
 * loader) and the run loop. Exit status: the guest's (as runloop_run
 * reports it); 2 for bad usage; 127 when PROGRAM is not found and 126
 * when it cannot be run (not an ELF, unsupported arch, dynamic), as a
 * shell would; 1 for clonemu's own failures. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "kernel-model/km.h"
#include "emu/commands.h"
#include "emu/gdbstub.h"
#include "emu/hostfs_posix.h"
#include "emu/hostfs_ro.h"
#include "emu/sinks.h"
#include "emu/step.h"
#include "emu/viz_sinks.h"

#include "emu/loader.h"
#include "emu/runloop.h"
#include "viz/app.h"

#ifndef CLONEMU_VERSION
#define CLONEMU_VERSION "0.1.0"
#endif

extern char **environ;

struct main_opts {
    const char *root;
    const char *sysroot; /* --sysroot=DIR; NULL: QEMU_LD_PREFIX or the arch's default */
    u64 seed, slice;
    bool trace;
    bool signal_target_seeded;
    const char *trace_file; /* NULL: stderr */
    const char *events_file;
    bool step;
    const char *perfetto;   /* --perfetto=FILE */
    bool viz, viz_exit;     /* --viz[=exit] */
    struct viz_feed *feed;  /* --viz: the window's feed */
    const char *step_kinds; /* NULL: every kind */
    long gdb_port;          /* --gdb PORT; -1: none */
    long uid, gid;          /* --uid/--gid of the first guest process; -1: clonemu's own */
    u64 max_tasks, max_memory, max_insns; /* 0: no limit */
    double timeout;                       /* --timeout seconds; 0: none */
    bool read_only;                       /* --read-only */
    bool no_preempt;                      /* --no-preempt */
};

#define DEFAULT_MAX_TASKS 4096

enum { OPT_UID = 1024, OPT_GID };

static void usage_print(FILE *f)
{
    fputs("Usage: clonemu run [OPTION]... PROGRAM [ARG]...\n"
          "  or:  clonemu explain [OPTION]... FLAGS\n"
          "  or:  clonemu viz [OPTION]... RUN.jsonl   (the viewer; clonemu viz --help)\n"
          "  or:  clonemu demo [OPTION]... [NAME]\n"
          "  or:  clonemu help | --help | --version\n"
          "Run the static Linux PROGRAM (x86-64, aarch64 or s390x) on a modelled kernel\n"
          "that shows what clone() and its family do.\n"
          "\n"
          "Options of run (options after PROGRAM go to PROGRAM):\n"
          "      --root=DIR      resolve the guest's absolute paths under host DIR\n"
          "      --sysroot=DIR   a dynamically linked PROGRAM's interpreter and libraries\n"
          "                      (any absolute path that exists there) come from DIR\n"
          "                      (default: $QEMU_LD_PREFIX, else for another arch's\n"
          "                      PROGRAM Debian's cross libc, /usr/<arch>-linux-gnu)\n"
          "      --seed=N        scheduler seed (default 0); same seed, same run\n"
          "      --trace[=FILE]  strace-like trace of syscalls and model events\n"
          "                      to stderr (or FILE)\n"
          "      --events=FILE   every model event as JSON Lines to FILE ('-' = stdout);\n"
          "                      see docs/events.md\n"
          "      --slice=N       basic blocks per time slice (default 20000)\n"
          "      --no-preempt    never end a slice by blocks: a task runs until it\n"
          "                      blocks, yields or exits (spin-waits on another task\n"
          "                      never end); virtual time moves only at syscalls\n"
          "      --perfetto=FILE write the run as a Chrome/Perfetto JSON trace (a track\n"
          "                      per task, syscall/blocked slices, signal/wake arrows)\n"
          "      --viz[=exit]    open the viewer and follow the run as it goes (the guest\n"
          "                      runs exactly as without it); =exit closes it at the end\n"
          "      --step[=KINDS]  stop at each model event of KINDS (clone, signal, exit,\n"
          "                      wait, futex, exec, ns, sched; comma-separated; default\n"
          "                      all), show it with the task's instruction and read\n"
          "                      commands from stdin (help lists them)\n"
          "      --signal-target=linux|seeded\n"
          "                      thread that handles a process-directed signal:\n"
          "                      Linux's choice (default: the main thread, then a\n"
          "                      rotating target) or one picked with the seed\n"
          "      --uid=N, --gid=N\n"
          "                      real, effective and saved ids of the first guest\n"
          "                      process (default: clonemu's own); only uid 0 starts\n"
          "                      with capabilities, in the initial user namespace\n"
          "      --max-tasks=N   clone/fork fail with EAGAIN when N tasks are alive\n"
          "                      (default 4096; 0: no limit), as at kernel.threads-max\n"
          "      --max-memory=BYTES  mmap/brk/mremap fail with ENOMEM beyond BYTES of\n"
          "                      address space per process (RLIMIT_AS; K, M, G suffixes)\n"
          "      --timeout=SECONDS  stop the run after SECONDS of wall-clock time (exit 124)\n"
          "      --max-insns=N   stop the run after N basic blocks of guest code, all tasks\n"
          "                      together (exit 124)\n"
          "      --read-only     the guest may read the file system but every write to it\n"
          "                      (open for writing, mkdir, unlink, rename...) fails with EROFS\n"
          "      --gdb=PORT      wait for gdb-multiarch on 127.0.0.1:PORT (0: any free\n"
          "                      port, printed) before the first instruction; tasks\n"
          "                      are its threads (x86-64, aarch64)\n"
          "  -h, --help          display this help and exit\n"
          "      --version       output version information and exit\n"
          "\n"
          "Exit status: PROGRAM's (128+N if signal N killed it); 124 when --timeout or\n"
          "--max-insns stops the run; 125 on a deadlock (the wait graph is printed), 126\n"
          "if PROGRAM cannot be run, 127 if not found, 2 for bad usage.\n"
          "\n"
          "Example: clonemu run --trace build/samples/aarch64/pthreads_counter\n"
          "Full documentation: man clonemu (docs/clonemu.1)\n",
          f);
}

static int usage_error(const char *fmt, const char *arg)
{
    fputs("clonemu: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'clonemu --help' for more information.\n", stderr);
    return 2;
}

static bool parse_u64(const char *s, u64 *out)
{
    char *end;
    errno = 0;
    if (!*s || *s == '-') return false;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end) return false;
    *out = v;
    return true;
}

enum { OPT_ROOT = 256, OPT_SEED, OPT_TRACE, OPT_EVENTS, OPT_SLICE, OPT_SIGTARGET, OPT_VERSION };
enum { OPT_STEP = OPT_VERSION + 1, OPT_GDB };

enum { OPT_PERFETTO = OPT_VERSION + 64, OPT_VIZ };
enum { OPT_SYSROOT = OPT_VERSION + 128 };
enum {
    OPT_MAX_TASKS = OPT_VERSION + 192,
    OPT_MAX_MEMORY,
    OPT_TIMEOUT,
    OPT_MAX_INSNS,
    OPT_READ_ONLY,
    OPT_NO_PREEMPT
};

/* BYTES with an optional K, M, G or T suffix (powers of 1024). */
static bool parse_bytes(const char *s, u64 *out)
{
    char *end;
    errno = 0;
    if (!*s || *s == '-') return false;
    unsigned long long v = strtoull(s, &end, 0);
    const char *units = "KMGT";
    const char *u = *end ? strchr(units, *end) : NULL;
    if (errno || (*end && (!u || end[1]))) return false;
    for (int i = u ? (int)(u - units) + 1 : 0; i > 0; i--) {
        if (v > ~0ULL / 1024) return false;
        v *= 1024;
    }
    *out = v;
    return true;
}

/* Parse `run`'s options (argv[0] is "run"). Returns -1 to go on, else an
 * exit status; *first is the index of PROGRAM. */
static int opts_parse(int argc, char **argv, struct main_opts *o, int *first)
{
    static const struct option longopts[] = {
        {"root", required_argument, NULL, OPT_ROOT},
        {"uid", required_argument, NULL, OPT_UID},
        {"gid", required_argument, NULL, OPT_GID},
        {"seed", required_argument, NULL, OPT_SEED},
        {"trace", optional_argument, NULL, OPT_TRACE},
        {"events", required_argument, NULL, OPT_EVENTS},
        {"slice", required_argument, NULL, OPT_SLICE},
        {"signal-target", required_argument, NULL, OPT_SIGTARGET},
        {"step", optional_argument, NULL, OPT_STEP},
        {"perfetto", required_argument, NULL, OPT_PERFETTO},
        {"viz", optional_argument, NULL, OPT_VIZ},
        {"gdb", required_argument, NULL, OPT_GDB},
        {"sysroot", required_argument, NULL, OPT_SYSROOT},
        {"max-tasks", required_argument, NULL, OPT_MAX_TASKS},
        {"max-memory", required_argument, NULL, OPT_MAX_MEMORY},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"max-insns", required_argument, NULL, OPT_MAX_INSNS},
        {"read-only", no_argument, NULL, OPT_READ_ONLY},
        {"no-preempt", no_argument, NULL, OPT_NO_PREEMPT},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    *o = (struct main_opts){.root = "",
                            .seed = 0,
                            .slice = 20000,
                            .gdb_port = -1,
                            .uid = -1,
                            .gid = -1,
                            .max_tasks = DEFAULT_MAX_TASKS};
    opterr = 0; /* our own messages, naming clonemu, not "run" */
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_ROOT: o->root = optarg; break;
        case OPT_SYSROOT: o->sysroot = optarg; break;
        case OPT_MAX_TASKS:
            if (!parse_u64(optarg, &o->max_tasks))
                return usage_error("invalid --max-tasks '%s' (a number of tasks)", optarg);
            break;
        case OPT_MAX_MEMORY:
            if (!parse_bytes(optarg, &o->max_memory))
                return usage_error("invalid --max-memory '%s' (bytes, K/M/G/T suffix)", optarg);
            break;
        case OPT_MAX_INSNS:
            if (!parse_u64(optarg, &o->max_insns))
                return usage_error("invalid --max-insns '%s' (a number of basic blocks)", optarg);
            break;
        case OPT_TIMEOUT: {
            char *end;
            o->timeout = strtod(optarg, &end);
            if (*end || end == optarg || !(o->timeout >= 0) || o->timeout > 1e9)
                return usage_error("invalid --timeout '%s' (seconds)", optarg);
            break;
        }
        case OPT_READ_ONLY: o->read_only = true; break;
        case OPT_NO_PREEMPT: o->no_preempt = true; break;
        case OPT_SEED:
            if (!parse_u64(optarg, &o->seed)) return usage_error("invalid --seed '%s'", optarg);
            break;
        case OPT_TRACE:
            o->trace = true;
            o->trace_file = optarg;
            break;
        case OPT_EVENTS: o->events_file = optarg; break;
        case OPT_STEP:
            o->step = true;
            o->step_kinds = optarg;
            break;
        case OPT_GDB: {
            u64 port;
            if (!parse_u64(optarg, &port) || port > 65535)
                return usage_error("invalid --gdb '%s' (a TCP port, 0-65535)", optarg);
            o->gdb_port = (long)port;
            break;
        }
        case OPT_PERFETTO: o->perfetto = optarg; break;
        case OPT_VIZ:
            if (optarg && strcmp(optarg, "exit") != 0)
                return usage_error("invalid --viz '%s' (--viz or --viz=exit)", optarg);
            o->viz = true;
            o->viz_exit = optarg != NULL;
            break;
        case OPT_SLICE:
            if (!parse_u64(optarg, &o->slice) || o->slice == 0)
                return usage_error("invalid --slice '%s' (a positive number of blocks)", optarg);
            break;
        case OPT_SIGTARGET:
            if (!strcmp(optarg, "seeded"))
                o->signal_target_seeded = true;
            else if (strcmp(optarg, "linux") != 0)
                return usage_error("invalid --signal-target '%s' (linux or seeded)", optarg);
            break;
        case OPT_UID:
        case OPT_GID: {
            u64 id;
            if (!parse_u64(optarg, &id) || id > 0xfffffffeu) /* (u32)-1 is no id */
                return usage_error(c == OPT_UID ? "invalid --uid '%s'" : "invalid --gid '%s'",
                                   optarg);
            *(c == OPT_UID ? &o->uid : &o->gid) = (long)id;
            break;
        }
        case 'h': usage_print(stdout); return 0;
        case OPT_VERSION: printf("clonemu %s\n", CLONEMU_VERSION); return 0;
        case ':': return usage_error("option '%s' requires an argument", argv[optind - 1]);
        default: return usage_error("unrecognized option '%s'", argv[optind - 1]);
        }
    }
    if (optind >= argc) return usage_error("%s", "run: missing PROGRAM");
    *first = optind;
    return -1;
}

/* PROGRAM as a shell finds it: a path if it has a '/', else the first
 * match in $PATH, else the current directory. false if nothing exists. */
static bool program_find(const char *prog, char *out, size_t n)
{
    struct stat st;
    if (strchr(prog, '/')) {
        snprintf(out, n, "%s", prog);
        return true;
    }
    const char *path = getenv("PATH");
    while (path && *path) {
        size_t len = strcspn(path, ":");
        snprintf(out, n, "%.*s%s%s", (int)len, path, len ? "/" : "", prog);
        if (stat(out, &st) == 0 && S_ISREG(st.st_mode) && access(out, X_OK) == 0) return true;
        path += len + (path[len] == ':');
    }
    snprintf(out, n, "%s", prog);
    return stat(out, &st) == 0;
}

/* Where a dynamically linked guest's ld.so and libraries come from:
 * --sysroot, else $QEMU_LD_PREFIX (as qemu-user), else for a guest of
 * another arch than the host's its Debian cross libc directory if
 * installed. NULL: none (the host's own /lib, right for the host's arch). */
static const char *sysroot_choose(const struct main_opts *o, const struct km_abi *abi)
{
    if (o->sysroot) return o->sysroot;
    const char *env = getenv("QEMU_LD_PREFIX");
    if (env && *env) return env;
    struct utsname u;
    struct stat st;
    if (uname(&u) == 0 && strcmp(u.machine, abi->name) == 0) return NULL;
    if (abi->cross_sysroot && stat(abi->cross_sysroot, &st) == 0 && S_ISDIR(st.st_mode))
        return abi->cross_sysroot;
    return NULL;
}

/* km_host.diag: one line to stderr, prefixed "clonemu: " unless the
 * caller already did (the model's lines carry it, the run loop's not). */
static void main_diag(void *ctx, const char *line)
{
    (void)ctx;
    const char *prefix = strncmp(line, "clonemu: ", 9) == 0 ? "" : "clonemu: ";
    fprintf(stderr, "%s%s\n", prefix, line);
}

/* Open the sinks the options ask for and register them. 0 or 1. */
static int sinks_setup(struct km *k, const struct main_opts *o, struct sink_file *trace,
                       struct sink_file *events)
{
    if (o->events_file) {
        if (sink_jsonl_open(events, o->events_file) < 0) {
            fprintf(stderr, "clonemu: %s: %s\n", o->events_file, strerror(errno));
            return 1;
        }
        km_ev_add_sink(k, &events->sink);
    }
    if (o->trace) {
        if (sink_trace_open(trace, o->trace_file) < 0) {
            fprintf(stderr, "clonemu: %s: %s\n", o->trace_file, strerror(errno));
            return 1;
        }
        km_ev_add_sink(k, &trace->sink);
    }
    const char *bad = NULL;
    if (o->step && step_attach(k, o->step_kinds, &bad) < 0) {
        fprintf(stderr,
                "clonemu: --step: unknown kind '%s' (clone, signal, exit, wait, futex, "
                "exec, ns, sched)\n",
                bad);
        return 2;
    }
    return 0;
}

static int sinks_finish(struct sink_file *s, int status)
{
    const char *path = s->path;
    if (sink_file_close(s) < 0) {
        fprintf(stderr, "clonemu: writing %s failed\n", path ? path : "events");
        return status ? status : 1;
    }
    return status;
}

/* The run: model, sinks, first task, run loop. argv: PROGRAM and its
 * arguments, NULL-terminated (the guest's argv as typed). */
static int main_run(const struct main_opts *o, char **argv)
{
    char host_path[PATH_MAX];
    if (!program_find(argv[0], host_path, sizeof host_path)) {
        fprintf(stderr, "clonemu: %s: No such file or directory\n", argv[0]);
        return 127;
    }
    /* Header check first: a clear message before anything is set up. */
    const struct km_abi *abi;
    char err[256];
    int rc = loader_probe(host_path, &abi, err, sizeof err);
    if (rc < 0) {
        fprintf(stderr, "clonemu: %s\n", err);
        return rc == -LX_ENOENT || rc == -LX_ENOTDIR ? 127 : 126;
    }
    struct stat st;
    if (*o->root && (stat(o->root, &st) < 0 || !S_ISDIR(st.st_mode))) {
        fprintf(stderr, "clonemu: --root %s: not a directory\n", o->root);
        return 2;
    }
    const char *sysroot = sysroot_choose(o, abi);
    if (sysroot && (stat(sysroot, &st) < 0 || !S_ISDIR(st.st_mode))) {
        fprintf(stderr, "clonemu: %s %s: not a directory\n",
                o->sysroot ? "--sysroot" : "QEMU_LD_PREFIX", sysroot);
        return 2;
    }

    char hostname[65] = "clonemu";
    if (gethostname(hostname, sizeof hostname) < 0) strcpy(hostname, "clonemu");
    hostname[sizeof hostname - 1] = '\0';
    struct km_options kopt = {
        .seed = o->seed,
        .slice_blocks = o->slice,
        .ns_per_block = 1, /* virtual: 1 ns per basic block */
        .first_pid = 1000,
        .uid = o->uid >= 0 ? (u32)o->uid : (u32)getuid(),
        .gid = o->gid >= 0 ? (u32)o->gid : (u32)getgid(),
        .root = o->root,
        .sysroot = sysroot,
        .hostname = hostname,
        .signal_target_seeded = o->signal_target_seeded,
        .max_tasks = o->max_tasks,
        .max_memory = o->max_memory,
    };
    struct km_hostfs fs;
    if (hostfs_posix_init(&fs) < 0) return 1;
    struct km *k = calloc(1, sizeof *k);
    if (!k) {
        hostfs_posix_fini(&fs);
        return 1;
    }
    /* Confinement (docs/hardening.md): the hostfs reaches nothing outside
     * the root and the sysroot, and follows no host symlink there. */
    int cr = hostfs_posix_add_root(&fs, o->root);
    if (cr == 0 && sysroot) cr = hostfs_posix_add_root(&fs, sysroot);
    if (cr < 0) {
        fprintf(stderr, "clonemu: cannot open the root: %s\n", lx_errno_name(-cr));
        hostfs_posix_fini(&fs);
        free(k);
        return 1;
    }
    if (o->read_only) hostfs_read_only(&fs);
    struct km_host host = {.fs = &fs, .diag = main_diag};
    runloop_host_init(&host, k); /* the CPU hooks; before km_init */
    km_init(k, &kopt, &host);
    runloop_set_limits(o->timeout, o->max_insns);
    runloop_set_preempt(!o->no_preempt);

    struct sink_file trace = {0}, events = {0};
    struct viz_sinks vz = {.perfetto = o->perfetto, .feed = o->feed};
    int status = sinks_setup(k, o, &trace, &events);
    viz_sinks_attach(k, &vz);
    if (status == 0) {
        /* The first task; runloop_start prints why when it fails. */
        rc = runloop_start(k, host_path, argv[0], argv, environ);
        if (rc < 0)
            status = rc == -LX_ENOENT || rc == -LX_ENOTDIR ? 127 : 126;
        else if (o->gdb_port >= 0 && gdbstub_start(k, (int)o->gdb_port) < 0)
            status = 1;
        else
            status = runloop_run(k);
    }
    /* Flush before teardown so a crash there loses no events. */
    if (events.f) fflush(events.f);
    if (trace.f) fflush(trace.f);
    km_destroy(k);
    free(k);
    hostfs_posix_fini(&fs);
    status = sinks_finish(&events, status);
    status = viz_sinks_finish(&vz, argv[0], status);
    return sinks_finish(&trace, status);
}

struct run_args {
    const struct main_opts *o;
    char **argv;
};

static int run_thunk(void *p)
{
    const struct run_args *ra = p;
    return main_run(ra->o, ra->argv);
}

int main(int argc, char **argv)
{
    /* A guest writing to a closed pipe gets EPIPE (and its own modelled
     * SIGPIPE), not a dead emulator. */
    signal(SIGPIPE, SIG_IGN);
    if (argc < 2) {
        usage_print(stderr);
        return 2;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage_print(stdout);
        return 0;
    }
    if (!strcmp(cmd, "--version")) {
        printf("clonemu %s\n", CLONEMU_VERSION);
        return 0;
    }
    if (!strcmp(cmd, "explain")) return cmd_explain(argc - 1, argv + 1);
    if (!strcmp(cmd, "viz")) return viz_main(argc - 1, argv + 1);
    if (!strcmp(cmd, "demo")) return cmd_demo(argc - 1, argv + 1);
    if (strcmp(cmd, "run") != 0) {
        if (cmd[0] == '-') return usage_error("unrecognized option '%s'", cmd);
        return usage_error("unknown command '%s' (did you mean 'clonemu run'?)", cmd);
    }
    struct main_opts o;
    int first = 0;
    int rc = opts_parse(argc - 1, argv + 1, &o, &first);
    if (rc >= 0) return rc;
    if (!o.viz) return main_run(&o, argv + 1 + first); /* NULL-terminated */
    /* --viz: the run on a thread of its own, the window on this one */
    o.feed = viz_feed_new();
    if (!o.feed) return 1; /* no viewer module (emu/viz_load.c said why) */
    struct run_args ra = {&o, argv + 1 + first};
    const char *b = strrchr(argv[1 + first], '/');
    rc = viz_live(o.feed, run_thunk, &ra, b ? b + 1 : argv[1 + first], o.viz_exit);
    viz_feed_free(o.feed);
    return rc;
}

/* `clonemu explain`: why the kernel model refuses a clone flag set (every
 * rule, with the clone(2) text and the kernel version), or what the child
 * shares and what it gets a copy of. The answer comes from the model's
 * own rule code (kernel-model/explain.h); this file only parses and prints. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "emu/commands.h"
#include "kernel-model/explain.h"

static void explain_usage(FILE *f)
{
    fputs("Usage: clonemu explain [OPTION]... FLAGS\n"
          "Ask the kernel model about one clone flag set: print every rule that refuses\n"
          "it (rule id, errno, the clone(2) text and the kernel version that brought\n"
          "the rule), or, when it is accepted, what the child shares with the caller\n"
          "and what it gets a copy of. The rules are the model's own code.\n"
          "\n"
          "FLAGS: flag names joined by '|' (or ','), with or without CLONE_, numbers\n"
          "(0x...), and a signal name for the exit signal, e.g. 'CLONE_VM|SIGCHLD'.\n"
          "\n"
          "      --clone         as clone(2) (default): the low byte is the exit signal\n"
          "      --clone3        as clone3(2): FLAGS are clone_args.flags\n"
          "      --unshare       as unshare(2)\n"
          "      --exit-signal=SIG  the exit signal (clone3's exit_signal field)\n"
          "      --arch=ARCH     x86_64 (default), aarch64 or s390x\n"
          "  -h, --help          display this help and exit\n"
          "\n"
          "The caller is an ordinary process: uid 0 with every capability, in the\n"
          "initial namespaces, a child of init.\n"
          "\n"
          "Exit status: 0 if the model accepts FLAGS, 1 if it refuses them, 2 for bad\n"
          "usage.\n"
          "\n"
          "Example: clonemu explain 'CLONE_THREAD|CLONE_VM'\n",
          f);
}

static int explain_error(const char *what, const char *arg)
{
    fprintf(stderr,
            "clonemu explain: %s '%s'\nTry 'clonemu explain --help' for more information.\n", what,
            arg);
    return 2;
}

static const char *const call_names[] = {"clone", "clone3", "unshare"};

static void explain_print(const struct km_explain_req *req, const struct km_explain *ex)
{
    char fl[512];
    const char *call = call_names[req->call];
    km_clone_flags_str(req->call == KM_EXPLAIN_CLONE3 ? req->flags : req->flags & ~LX_CSIGNAL,
                       req->call == KM_EXPLAIN_CLONE3 ? 0 : (int)(req->flags & LX_CSIGNAL), fl,
                       sizeof fl);
    printf("%s(%s) on %s", call, fl, req->abi->name);
    if (req->call == KM_EXPLAIN_CLONE3)
        printf(", exit_signal=%s", lx_signal_name(req->exit_signal));
    printf(":\n");
    if (ex->result < 0) {
        printf("refused: -1 %s (rule: %s)\n", lx_errno_name((int)-ex->result),
               ex->model_rule[0] ? ex->model_rule : "?");
        printf("%d rule%s refuse%s it, in the order the kernel checks them:\n", ex->nrules,
               ex->nrules == 1 ? "" : "s", ex->nrules == 1 ? "s" : "");
        for (int i = 0; i < ex->nrules; i++)
            printf("  %-34s %-7s %s\n", ex->rules[i].rule, lx_errno_name(ex->rules[i].err),
                   ex->rules[i].why);
        return;
    }
    printf("accepted");
    if (req->call == KM_EXPLAIN_UNSHARE) {
        printf(": the caller gets its own copy of what %s names\n", ex->flags);
        return;
    }
    printf(": the child is %s\n", ex->thread ? "a new thread in the caller's thread group"
                                  : ex->parent_is_caller
                                      ? "a new process, a child of the caller"
                                      : "a new process, a child of the caller's parent");
    printf("  shares with the caller: %s\n", ex->shared[0] ? ex->shared : "(nothing)");
    printf("  gets a copy of:         %s\n", ex->copied[0] ? ex->copied : "(nothing)");
    printf("  exit signal:            %s%s\n", ex->exit_signal,
           ex->thread ? " (a thread: its parent is not signalled)" : "");
    if (ex->vfork_blocks)
        printf("  the caller sleeps until the child execs or exits (CLONE_VFORK)\n");
}

int cmd_explain(int argc, char **argv)
{
    enum { OPT_CLONE = 256, OPT_CLONE3, OPT_UNSHARE, OPT_ARCH, OPT_EXITSIG };
    static const struct option longopts[] = {
        {"clone", no_argument, NULL, OPT_CLONE},
        {"clone3", no_argument, NULL, OPT_CLONE3},
        {"unshare", no_argument, NULL, OPT_UNSHARE},
        {"arch", required_argument, NULL, OPT_ARCH},
        {"exit-signal", required_argument, NULL, OPT_EXITSIG},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct km_explain_req req = {.abi = &km_abi_x86_64, .call = KM_EXPLAIN_CLONE};
    const char *exit_sig = NULL;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_CLONE: req.call = KM_EXPLAIN_CLONE; break;
        case OPT_CLONE3: req.call = KM_EXPLAIN_CLONE3; break;
        case OPT_UNSHARE: req.call = KM_EXPLAIN_UNSHARE; break;
        case OPT_ARCH:
            req.abi = km_abi_by_name(optarg);
            if (!req.abi) return explain_error("unknown --arch", optarg);
            break;
        case OPT_EXITSIG: exit_sig = optarg; break;
        case 'h': explain_usage(stdout); return 0;
        case ':': return explain_error("option requires an argument:", argv[optind - 1]);
        default: return explain_error("unrecognized option", argv[optind - 1]);
        }
    }
    if (optind != argc - 1) {
        fputs("clonemu explain: expected one FLAGS argument\nTry 'clonemu explain --help' for "
              "more information.\n",
              stderr);
        return 2;
    }
    char bad[64];
    int sig = 0;
    if (km_clone_flags_parse(argv[optind], &req.flags, &sig, bad, sizeof bad) < 0)
        return explain_error("unknown flag", bad);
    if (sig && req.call == KM_EXPLAIN_CLONE) req.flags |= (u64)sig;
    if (sig && req.call != KM_EXPLAIN_CLONE) /* a signal is not a flag of clone3/unshare */
        return explain_error("a signal is not a flag here (use --exit-signal):", argv[optind]);
    if (exit_sig) {
        u64 dummy;
        if (km_clone_flags_parse(exit_sig, &dummy, &req.exit_signal, bad, sizeof bad) < 0 ||
            dummy || !req.exit_signal)
            return explain_error("invalid --exit-signal", exit_sig);
    }
    struct km_explain ex;
    if (km_explain(&req, &ex) < 0) return 1;
    explain_print(&req, &ex);
    return ex.result < 0 ? 1 : 0;
}

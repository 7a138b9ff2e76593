/* `clonemu explain`: what the kernel model says about one flag set, asked
 * of a freshly booted model (kernel-model/bare_host.h) with the model's
 * own rule code (km_clone_check_all, km_clone, unshare's front-end): no
 * second copy of any rule. The caller is an ordinary process (tid 1000,
 * uid 0 with every capability, initial namespaces, child of init). */
#ifndef CLONEMU_EXPLAIN_H
#define CLONEMU_EXPLAIN_H

#include "kernel-model/km.h"

enum km_explain_call { KM_EXPLAIN_CLONE, KM_EXPLAIN_CLONE3, KM_EXPLAIN_UNSHARE };

struct km_explain_req {
    const struct km_abi *abi;
    enum km_explain_call call;
    u64 flags;       /* clone: the low byte is the exit signal, as in clone(2) */
    int exit_signal; /* clone3's exit_signal; clone: ORed into the low byte */
};

#define KM_EXPLAIN_MAX_RULES 16

struct km_explain {
    /* Every rule that refuses the call, in the kernel's order (for clone
     * and clone3; for unshare only the model's answer). */
    int nrules;
    struct km_explain_rule {
        int err;
        const char *rule, *why; /* the model's strings (or out's, for unshare) */
    } rules[KM_EXPLAIN_MAX_RULES];
    /* What the model itself did with the call: 0 (or a tid) on success,
     * else -err and the refusing rule as its event named it. */
    i64 result;
    char model_rule[64], model_why[160];
    /* On success (from the model's clone/unshare event): the flags as the
     * model prints them, the resources the child shares with the caller
     * and those it gets a copy of (names without ids: "mm,files"), its
     * exit signal, whether it is a thread of the caller's group and who
     * its parent is. */
    char flags[512];
    char shared[256], copied[256];
    char exit_signal[16];
    bool thread, parent_is_caller, vfork_blocks;
};

/* Fills *out. 0, or -1 if the request cannot be asked (no abi). */
int km_explain(const struct km_explain_req *req, struct km_explain *out);

#endif

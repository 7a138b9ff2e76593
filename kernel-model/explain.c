/* clonemu explain (explain.h): boot a bare model, walk the clone rules
 * with km_clone_check_all, then make the call itself and read the model's
 * answer from the event stream, as every other consumer does. */
#include "kernel-model/explain.h"
#include "kernel-model/bare_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Guest addresses in km_bare_boot's RW memory for the pointers a flag
 * asks the kernel to write (clone(2)'s parent_tid doubles as pidfd). */
#define EX_PTID  0x12000ULL
#define EX_CTID  0x12100ULL
#define EX_PIDFD 0x12200ULL

static void explain_visit(void *ctx, int err, const char *rule, const char *why)
{
    struct km_explain *out = ctx;
    if (out->nrules >= KM_EXPLAIN_MAX_RULES) return;
    out->rules[out->nrules++] = (struct km_explain_rule){err, rule, why};
}

/* "mm#11,files#12" -> "mm,files" */
static void strip_ids(char *dst, size_t n, const char *src)
{
    size_t o = 0;
    for (const char *p = src; *p && o + 1 < n; p++) {
        if (*p == '#') {
            while (p[1] >= '0' && p[1] <= '9')
                p++;
            continue;
        }
        dst[o++] = *p;
    }
    dst[o] = '\0';
}

struct explain_sink {
    struct km_sink sink;
    struct km_explain *out;
    int caller;
};

static void field_copy(const struct km_event *e, const char *key, char *dst, size_t n)
{
    const struct km_field *f = km_ev_field(e, key);
    snprintf(dst, n, "%s", f && f->type == KM_F_STR && f->s ? f->s : "");
}

static void explain_emit(void *ctx, const struct km_event *e)
{
    struct explain_sink *s = ctx;
    struct km_explain *out = s->out;
    if (!strcmp(e->kind, "clone_refused")) {
        field_copy(e, "rule", out->model_rule, sizeof out->model_rule);
        field_copy(e, "why", out->model_why, sizeof out->model_why);
    } else if (!strcmp(e->kind, "clone")) {
        char buf[256];
        field_copy(e, "flags", out->flags, sizeof out->flags);
        field_copy(e, "shared", buf, sizeof buf);
        strip_ids(out->shared, sizeof out->shared, buf);
        field_copy(e, "copied", buf, sizeof buf);
        strip_ids(out->copied, sizeof out->copied, buf);
        field_copy(e, "exit_signal", out->exit_signal, sizeof out->exit_signal);
        const struct km_field *tg = km_ev_field(e, "child_tgid");
        const struct km_field *par = km_ev_field(e, "parent");
        out->thread = tg && tg->i == e->tgid;
        out->parent_is_caller = par && par->i == s->caller;
    } else if (!strcmp(e->kind, "unshare")) {
        field_copy(e, "flags", out->flags, sizeof out->flags);
    }
}

/* The arch's own number of a generic syscall (unshare), or -1. */
static i64 abi_nr_of(const struct km_abi *abi, enum lx_sysno n)
{
    for (u32 i = 0; i < abi->nr_count; i++)
        if (abi->sys[i].sysno == n) return i;
    return -1;
}

static void explain_args(const struct km_explain_req *req, struct kernel_clone_args *a)
{
    u64 f = req->flags;
    *a = (struct kernel_clone_args){.kind = KM_CLONE_CLONE3, .flags = f};
    a->exit_signal = req->exit_signal;
    if (req->call == KM_EXPLAIN_CLONE) { /* clone(2): the low byte is the signal */
        a->kind = KM_CLONE_CLONE;
        a->flags = (f & 0xffffffffULL) & ~LX_CSIGNAL;
        if (!a->exit_signal) a->exit_signal = (int)(f & LX_CSIGNAL);
        a->pidfd = a->parent_tid = (f & (LX_CLONE_PIDFD | LX_CLONE_PARENT_SETTID)) ? EX_PTID : 0;
    } else {
        a->pidfd = (f & LX_CLONE_PIDFD) ? EX_PIDFD : 0;
        a->parent_tid = (f & LX_CLONE_PARENT_SETTID) ? EX_PTID : 0;
    }
    a->child_tid = (f & (LX_CLONE_CHILD_SETTID | LX_CLONE_CHILD_CLEARTID)) ? EX_CTID : 0;
}

int km_explain(const struct km_explain_req *req, struct km_explain *out)
{
    memset(out, 0, sizeof *out);
    if (!req->abi) return -1;
    struct km *k = calloc(1, sizeof *k);
    if (!k) return -1;
    struct task *t = km_bare_boot(k, req->abi);
    struct explain_sink s = {.sink = {.emit = explain_emit}, .out = out, .caller = t->tid};
    s.sink.ctx = &s;
    km_ev_add_sink(k, &s.sink);
    if (req->call == KM_EXPLAIN_UNSHARE) {
        i64 nr = abi_nr_of(req->abi, LX_SYS_unshare);
        const u64 args[6] = {req->flags};
        out->result = nr < 0 ? -LX_ENOSYS : km_syscall(k, t, (u32)nr, args);
        if (out->result < 0 && out->model_rule[0]) {
            /* unshare's checks stop at the first: that one is the list */
            out->rules[0] =
                (struct km_explain_rule){(int)-out->result, out->model_rule, out->model_why};
            out->nrules = 1;
        }
    } else {
        struct kernel_clone_args a;
        explain_args(req, &a);
        km_clone_check_all(k, t, &a, explain_visit, out);
        out->result = km_clone(k, t, &a);
        if (out->result == KM_BLOCKED) { /* vfork: the caller now sleeps */
            out->vfork_blocks = true;
            out->result = 1;
        }
    }
    km_bare_shutdown(k);
    free(k);
    return 0;
}

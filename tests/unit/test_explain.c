/* `clonemu explain` agrees with the kernel model: for every row of the
 * refusal table (test_clone_rules.c) whose refusal depends only on the
 * flag set (and clone3's exit_signal), km_explain -- the code behind
 * `clonemu explain` -- names the same first rule as the model does when a
 * guest makes the call through the real syscall front-end, on a freshly
 * booted model; its list of every refusing rule starts with that rule; the
 * row's control flags are accepted by both. Rows that need other state
 * (credentials, limits, guest memory, set_tid) are not flag sets and stay
 * in test_clone_rules.c. */
#include <stdio.h>
#include <string.h>

#include "kernel-model/explain.h"
#include "tests/unit/support/fake_host.h"
#include "tests/unit/support/check.h"

enum { NR_CLONE = 56, NR_CLONE3 = 435 }; /* x86-64 */
#define ARGS  0x10000ULL
#define PTID  0x12000ULL /* explain.c's pointers: parent_tid (clone: also pidfd) */
#define CTID  0x12100ULL
#define PIDFD 0x12200ULL

struct row {
    const char *name, *rule; /* the table's row name and rule id */
    bool clone3;
    u64 bad, good; /* flags (clone: the exit signal is SIGCHLD) */
    int bad_sig, good_sig;
};

#define THREAD3 (LX_CLONE_VM | LX_CLONE_SIGHAND | LX_CLONE_THREAD)

// clang-format off
static const struct row rows[] = {
    {"pidfd_and_parent_settid(clone)", "pidfd_and_parent_settid", false, .bad = LX_CLONE_PIDFD | LX_CLONE_PARENT_SETTID, .good = LX_CLONE_PIDFD},
    {"newns_and_fs", "newns_and_fs", false, .bad = LX_CLONE_NEWNS | LX_CLONE_FS, .good = LX_CLONE_NEWNS},
    {"newuser_and_fs", "newuser_and_fs", false, .bad = LX_CLONE_NEWUSER | LX_CLONE_FS, .good = LX_CLONE_NEWUSER},
    {"thread_needs_sighand", "thread_needs_sighand", false, .bad = LX_CLONE_THREAD | LX_CLONE_VM, .good = THREAD3},
    {"sighand_needs_vm", "sighand_needs_vm", false, .bad = LX_CLONE_SIGHAND, .good = LX_CLONE_SIGHAND | LX_CLONE_VM},
    {"thread_with_newpid", "thread_with_newuser_or_newpid", false, .bad = THREAD3 | LX_CLONE_NEWPID, .good = THREAD3},
    {"thread_with_newuser", "thread_with_newuser_or_newpid", false, .bad = THREAD3 | LX_CLONE_NEWUSER, .good = THREAD3},
    {"pidfd_and_detached", "pidfd_and_detached", false, .bad = LX_CLONE_PIDFD | LX_CLONE_DETACHED, .good = LX_CLONE_PIDFD},
    {"newipc_and_sysvsem", "newipc_and_sysvsem", false, .bad = LX_CLONE_NEWIPC | LX_CLONE_SYSVSEM, .good = LX_CLONE_NEWIPC},
    {"THREAD w/o SIGHAND + NEWNS|FS", "newns_and_fs", false, .bad = LX_CLONE_THREAD | LX_CLONE_VM | LX_CLONE_NEWNS | LX_CLONE_FS, .good = 0},
    {"unknown_flags(34)", "unknown_flags", true, .bad = 1ULL << 34, .good = 0},
    {"unknown_flags(63)", "unknown_flags", true, .bad = 1ULL << 63, .good = 0},
    {"clone3_detached", "clone3_detached_or_csignal", true, .bad = LX_CLONE_DETACHED, .good = 0},
    {"clone3_csignal", "clone3_detached_or_csignal", true, .bad = 0x11, .good = LX_CLONE_NEWTIME},
    {"sighand_and_clear_sighand", "sighand_and_clear_sighand", true, .bad = LX_CLONE_VM | LX_CLONE_SIGHAND | LX_CLONE_CLEAR_SIGHAND, .good = LX_CLONE_VM | LX_CLONE_SIGHAND},
    {"thread_with_exit_signal", "thread_or_parent_with_exit_signal", true, .bad = THREAD3, .good = THREAD3, .bad_sig = LX_SIGCHLD, .good_sig = 0},
    {"parent_with_exit_signal", "thread_or_parent_with_exit_signal", true, .bad = LX_CLONE_PARENT, .good = LX_CLONE_PARENT, .bad_sig = LX_SIGCHLD, .good_sig = 0},
    {"into_cgroup_badf", "into_cgroup_badf", true, .bad = LX_CLONE_INTO_CGROUP, .good = 0},
};
// clang-format on

/* --- the model, asked as a guest would ---------------------------------- */

struct model {
    struct km k;
    char rule[64];
};
static struct model the_model;

static void model_emit(void *ctx, const struct km_event *e)
{
    struct model *m = ctx;
    const struct km_field *r = km_ev_field(e, "rule");
    if (!strcmp(e->kind, "clone_refused") && r) snprintf(m->rule, sizeof m->rule, "%s", r->s);
}

/* The model's answer to the syscall (same pointers as explain.c uses). */
static i64 model_call(bool clone3, u64 f, int sig, char *rule, size_t n)
{
    struct model *m = &the_model;
    memset(m, 0, sizeof *m);
    struct task *t = fake_boot(&m->k, &km_abi_x86_64);
    struct km_sink sink = {.emit = model_emit, .ctx = m};
    km_ev_add_sink(&m->k, &sink);
    i64 r;
    if (clone3) {
        u8 b[88] = {0};
        lx_put64(false, b + 0, f);
        lx_put64(false, b + 8, (f & LX_CLONE_PIDFD) ? PIDFD : 0);
        lx_put64(false, b + 16, (f & (LX_CLONE_CHILD_SETTID | LX_CLONE_CHILD_CLEARTID)) ? CTID : 0);
        lx_put64(false, b + 24, (f & LX_CLONE_PARENT_SETTID) ? PTID : 0);
        lx_put64(false, b + 32, (u64)sig);
        mm_write(t->mm, ARGS, b, sizeof b);
        const u64 a[6] = {ARGS, sizeof b};
        r = km_syscall(&m->k, t, NR_CLONE3, a);
    } else {
        u64 ptid = (f & (LX_CLONE_PIDFD | LX_CLONE_PARENT_SETTID)) ? PTID : 0;
        const u64 a[6] = {f | (u64)sig, 0, ptid, 0, 0};
        r = km_syscall(&m->k, t, NR_CLONE, a);
    }
    snprintf(rule, n, "%s", m->rule);
    fake_shutdown(&m->k);
    return r;
}

static void check_row(const struct row *r)
{
    static const struct km_abi *const abis[] = {&km_abi_x86_64, &km_abi_aarch64, &km_abi_s390x};
    char rule[64];
    int sig = r->clone3 ? r->bad_sig : LX_SIGCHLD;
    i64 mr = model_call(r->clone3, r->bad, sig, rule, sizeof rule);
    CHECK(mr < 0 && !strcmp(rule, r->rule), "%s: the model refused with \"%s\", want \"%s\"",
          r->name, rule, r->rule);
    for (size_t i = 0; i < sizeof abis / sizeof abis[0]; i++) {
        struct km_explain_req q = {.abi = abis[i],
                                   .call = r->clone3 ? KM_EXPLAIN_CLONE3 : KM_EXPLAIN_CLONE,
                                   .flags = r->clone3 ? r->bad : r->bad | LX_SIGCHLD,
                                   .exit_signal = r->clone3 ? r->bad_sig : 0};
        struct km_explain ex;
        CHECK(km_explain(&q, &ex) == 0, "%s: km_explain failed", r->name);
        CHECK(ex.result == mr && !strcmp(ex.model_rule, rule),
              "%s (%s): explain says %lld rule \"%s\", the model %lld \"%s\"", r->name,
              abis[i]->name, (long long)ex.result, ex.model_rule, (long long)mr, rule);
        CHECK(ex.nrules >= 1 && !strcmp(ex.rules[0].rule, rule) && -ex.rules[0].err == mr,
              "%s (%s): explain's first rule \"%s\", the model's \"%s\"", r->name, abis[i]->name,
              ex.nrules ? ex.rules[0].rule : "", rule);
    }
    if (!r->good && r->clone3 && !r->good_sig) return; /* no control in the table */
    if (!r->clone3 && !r->good) return;
    sig = r->clone3 ? r->good_sig : LX_SIGCHLD;
    mr = model_call(r->clone3, r->good, sig, rule, sizeof rule);
    struct km_explain_req q = {.abi = &km_abi_x86_64,
                               .call = r->clone3 ? KM_EXPLAIN_CLONE3 : KM_EXPLAIN_CLONE,
                               .flags = r->clone3 ? r->good : r->good | LX_SIGCHLD,
                               .exit_signal = r->clone3 ? r->good_sig : 0};
    struct km_explain ex;
    km_explain(&q, &ex);
    CHECK(mr > 0 && ex.result > 0 && ex.nrules == 0,
          "%s control: the model returned %lld, explain %lld with %d rules", r->name, (long long)mr,
          (long long)ex.result, ex.nrules);
}

/* Several rules at once: every one is listed, in the kernel's order. */
static void check_all_rules(void)
{
    struct km_explain_req q = {.abi = &km_abi_x86_64,
                               .call = KM_EXPLAIN_CLONE,
                               .flags = LX_CLONE_THREAD | LX_CLONE_NEWNS | LX_CLONE_FS |
                                        LX_CLONE_NEWPID | LX_SIGCHLD};
    struct km_explain ex;
    km_explain(&q, &ex);
    const char *want[] = {"newns_and_fs", "thread_needs_sighand", "thread_with_newuser_or_newpid"};
    CHECK(ex.nrules == 3, "THREAD|NEWNS|FS|NEWPID: %d rules, want 3", ex.nrules);
    for (int i = 0; i < 3 && i < ex.nrules; i++)
        CHECK(!strcmp(ex.rules[i].rule, want[i]), "rule %d is %s, want %s", i, ex.rules[i].rule,
              want[i]);
    CHECK(!strcmp(ex.model_rule, "newns_and_fs"), "the model's rule %s", ex.model_rule);
}

/* An accepted set: what the child shares and what it gets a copy of. */
static void check_accepted(void)
{
    struct km_explain_req q = {.abi = &km_abi_aarch64,
                               .call = KM_EXPLAIN_CLONE,
                               .flags = THREAD3 | LX_CLONE_FS | LX_CLONE_FILES};
    struct km_explain ex;
    km_explain(&q, &ex);
    CHECK(ex.result > 0 && ex.thread, "a thread clone is accepted as a thread");
    CHECK(!strcmp(ex.shared, "mm,files,fs,sighand,nsproxy"), "thread shares %s", ex.shared);
    CHECK(!strcmp(ex.copied, "sysvsem,io"), "thread copies %s", ex.copied);
    q.flags = LX_SIGCHLD;
    km_explain(&q, &ex);
    CHECK(ex.result > 0 && !ex.thread && ex.parent_is_caller && !strcmp(ex.exit_signal, "SIGCHLD"),
          "fork-like clone: a child process of the caller with SIGCHLD");
    CHECK(!strcmp(ex.copied, "mm,files,fs,sighand,sysvsem,io"), "fork copies %s", ex.copied);
    q.call = KM_EXPLAIN_UNSHARE;
    q.flags = 1ULL << 40;
    km_explain(&q, &ex);
    CHECK(ex.result == -LX_EINVAL && !strcmp(ex.model_rule, "unshare_unknown_flags") &&
              ex.nrules == 1,
          "unshare of an unknown flag: %s", ex.model_rule);
}

static void check_parse(void)
{
    u64 f;
    int sig;
    char bad[32];
    CHECK(km_clone_flags_parse("CLONE_THREAD|VM, SIGCHLD|0x400000", &f, &sig, bad, sizeof bad) ==
                  0 &&
              f == (LX_CLONE_THREAD | LX_CLONE_VM | 0x400000) && sig == LX_SIGCHLD,
          "parse names, bare names, numbers and a signal");
    CHECK(km_clone_flags_parse("CLONE_VM|CLONE_BOGUS", &f, &sig, bad, sizeof bad) < 0 &&
              !strcmp(bad, "CLONE_BOGUS"),
          "an unknown name is reported");
}

int main(void)
{
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        check_row(&rows[i]);
    check_all_rules();
    check_accepted();
    check_parse();
    printf("test_explain: %zu table rows\n", sizeof rows / sizeof rows[0]);
    return check_report("test_explain");
}

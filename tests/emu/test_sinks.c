/* The event builder (kernel-model/events.c) feeding the human trace and
 * JSON Lines sinks (emu/sinks.c): exact output lines, determinism, string
 * truncation, flag names, and the abort on a nested event.
 *
 * Build (no Unicorn needed): link with kmodel (or kernel-model/events.c +
 * names.c), emu/sinks.c and libcjson. Prints "N passed, M failed". */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kernel-model/km.h"
#include "emu/sinks.h"
#include "tests/unit/support/check.h"

/* A model with just what the event builder touches. */
struct fixture {
    struct km k;
    struct tgroup tg;
    struct task t;
    struct km_abi abi;
};

static struct fixture *fixture_new(void)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    if (!fx) abort();
    fx->abi.name = "x86_64";
    fx->tg.tgid = 1000;
    fx->t.tid = 1001;
    fx->t.tg = &fx->tg;
    fx->t.abi = &fx->abi;
    fx->k.now_ns = 123456;
    return fx;
}

/* A sink that keeps a copy of the last event. */
struct last_sink {
    struct km_sink sink;
    struct km_event last;
    int count;
    int order[8];
    int *clock;
};
static void last_emit(void *ctx, const struct km_event *e)
{
    struct last_sink *s = ctx;
    s->last = *e;
    if (s->count < 8) s->order[s->count] = (*s->clock)++;
    s->count++;
}

/* The same fixed sequence of events, used for the exact-output and the
 * determinism checks. */
static void emit_sequence(struct fixture *fx)
{
    struct km *k = &fx->k;
    char flags[256];
    km_ev_begin(k, "syscall", &fx->t);
    km_ev_str(k, "name", "clone");
    km_ev_strf(k, "args", "flags=%s, stack=0x%x",
               km_clone_flags_str(LX_CLONE_VM | LX_CLONE_VFORK, LX_SIGCHLD, flags, sizeof flags),
               0x7000);
    km_ev_int(k, "ret", 1002);
    km_ev_end(k);

    fx->k.now_ns += 10;
    km_ev_begin(k, "syscall", &fx->t);
    km_ev_str(k, "name", "clone");
    km_ev_str(k, "args", "flags=CLONE_THREAD");
    km_ev_int(k, "ret", -LX_EINVAL);
    km_ev_str(k, "err", "EINVAL");
    km_ev_str(k, "rule", "thread_needs_sighand");
    km_ev_end(k);

    km_ev_begin(k, "clone_refused", &fx->t);
    km_ev_str(k, "rule", "thread_needs_sighand");
    km_ev_str(k, "why", "CLONE_THREAD requires CLONE_SIGHAND (since 2.5.35)");
    km_ev_hex(k, "flags", LX_CLONE_THREAD);
    km_ev_int(k, "big", INT64_MIN);
    km_ev_end(k);

    km_ev_begin(k, "reap", NULL);
    km_ev_str(k, "odd", "tab\there \"q\" \xff!");
    km_ev_end(k);
}

static char *slurp(FILE *f)
{
    fflush(f);
    long n = ftell(f);
    char *buf = calloc(1, (size_t)n + 1);
    rewind(f);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) abort();
    return buf;
}

static const char *const want_jsonl =
    "{\"seq\":0,\"t_ns\":123456,\"kind\":\"syscall\",\"tid\":1001,\"tgid\":1000,\"arch\":"
    "\"x86_64\",\"name\":\"clone\",\"args\":\"flags=CLONE_VM|CLONE_VFORK|SIGCHLD, "
    "stack=0x7000\",\"ret\":1002}\n"
    "{\"seq\":1,\"t_ns\":123466,\"kind\":\"syscall\",\"tid\":1001,\"tgid\":1000,\"arch\":"
    "\"x86_64\",\"name\":\"clone\",\"args\":\"flags=CLONE_THREAD\",\"ret\":-22,\"err\":"
    "\"EINVAL\",\"rule\":\"thread_needs_sighand\"}\n"
    "{\"seq\":2,\"t_ns\":123466,\"kind\":\"clone_refused\",\"tid\":1001,\"tgid\":1000,"
    "\"arch\":\"x86_64\",\"rule\":\"thread_needs_sighand\",\"why\":\"CLONE_THREAD requires "
    "CLONE_SIGHAND (since 2.5.35)\",\"flags\":\"0x10000\",\"big\":-9223372036854775808}\n"
    "{\"seq\":3,\"t_ns\":123466,\"kind\":\"reap\",\"tid\":0,\"tgid\":0,\"arch\":\"\","
    "\"odd\":\"tab\\there \\\"q\\\" ?!\"}\n";

static const char *const want_trace =
    "[1001/1000 x86_64] clone(flags=CLONE_VM|CLONE_VFORK|SIGCHLD, stack=0x7000) = 1002\n"
    "[1001/1000 x86_64] clone(flags=CLONE_THREAD) = -1 EINVAL (rule: thread_needs_sighand)\n"
    "[1001/1000 x86_64] clone_refused rule=thread_needs_sighand why=\"CLONE_THREAD requires "
    "CLONE_SIGHAND (since 2.5.35)\" flags=0x10000 big=-9223372036854775808\n"
    "[0/0 -] reap odd=\"tab\\there \\\"q\\\" \\xff!\"\n";

/* Run emit_sequence through both file sinks; returns the two outputs. */
static void run_sinks(char **jsonl, char **trace)
{
    struct fixture *fx = fixture_new();
    char jpath[] = "/tmp/test_sinks_jXXXXXX", tpath[] = "/tmp/test_sinks_tXXXXXX";
    int jfd = mkstemp(jpath), tfd = mkstemp(tpath);
    if (jfd < 0 || tfd < 0) abort();
    close(jfd);
    close(tfd);
    struct sink_file js, ts;
    CHECK(sink_jsonl_open(&js, jpath) == 0);
    CHECK(sink_trace_open(&ts, tpath) == 0);
    km_ev_add_sink(&fx->k, &js.sink);
    km_ev_add_sink(&fx->k, &ts.sink);
    CHECK(km_ev_enabled(&fx->k));
    emit_sequence(fx);
    CHECK(sink_file_close(&js) == 0);
    CHECK(sink_file_close(&ts) == 0);
    FILE *jf = fopen(jpath, "r"), *tf = fopen(tpath, "r");
    if (!jf || !tf) abort();
    fseek(jf, 0, SEEK_END);
    fseek(tf, 0, SEEK_END);
    *jsonl = slurp(jf);
    *trace = slurp(tf);
    fclose(jf);
    fclose(tf);
    unlink(jpath);
    unlink(tpath);
    free(fx);
}

static void test_file_sinks(void)
{
    char *j1, *t1, *j2, *t2;
    run_sinks(&j1, &t1);
    CHECK_STR(j1, want_jsonl);
    CHECK_STR(t1, want_trace);
    run_sinks(&j2, &t2);
    CHECK(strcmp(j1, j2) == 0); /* byte-identical on a second run */
    CHECK(strcmp(t1, t2) == 0);
    free(j1);
    free(t1);
    free(j2);
    free(t2);
}

static void test_builder(void)
{
    struct fixture *fx = fixture_new();
    struct km *k = &fx->k;
    CHECK(!km_ev_enabled(k));
    int clock = 0;
    struct last_sink a = {.sink = {last_emit, &a, NULL}, .clock = &clock};
    struct last_sink b = {.sink = {last_emit, &b, NULL}, .clock = &clock};
    km_ev_add_sink(k, &a.sink);
    km_ev_add_sink(k, &b.sink);
    k->ev.seq = 41;

    char tmp[64];
    strcpy(tmp, "copied");
    km_ev_begin(k, "exit", &fx->t);
    km_ev_str(k, "s", tmp);
    km_ev_int(k, "code", 3);
    km_ev_hex(k, "h", 0xdeadbeefcafeULL);
    km_ev_end(k);
    strcpy(tmp, "changed"); /* the event holds its own copy */
    CHECK(a.count == 1 && b.count == 1);
    CHECK(a.order[0] == 0 && b.order[0] == 1); /* registration order */
    CHECK(a.last.seq == 41 && k->ev.seq == 42);
    CHECK(a.last.time_ns == 123456);
    CHECK(a.last.tid == 1001 && a.last.tgid == 1000);
    CHECK_STR(a.last.arch, "x86_64");
    CHECK(a.last.nfields == 3);
    const struct km_field *f = km_ev_field(&a.last, "code");
    CHECK(f && f->type == KM_F_INT && f->i == 3);
    f = km_ev_field(&a.last, "h");
    CHECK(f && f->type == KM_F_HEX && (u64)f->i == 0xdeadbeefcafeULL);
    CHECK(km_ev_field(&a.last, "nope") == NULL);
    CHECK(!k->ev.open);

    /* Strings beyond the buffer are truncated, never overflowed. */
    static char big[KM_EV_STRBUF * 2];
    memset(big, 'x', sizeof big - 1);
    km_ev_begin(k, "exec", &fx->t);
    km_ev_str(k, "a", "head");
    km_ev_str(k, "b", big);
    km_ev_strf(k, "c", "%s", big);
    km_ev_str(k, "d", "tail");
    km_ev_end(k);
    const struct km_event *e = &a.last;
    CHECK(e->strlen_used <= KM_EV_STRBUF);
    CHECK_STR(km_ev_field(e, "a")->s, "head");
    CHECK(strlen(km_ev_field(e, "b")->s) == KM_EV_STRBUF - 1 - 5 - 1);
    CHECK_STR(km_ev_field(e, "c")->s, "");
    CHECK_STR(km_ev_field(e, "d")->s, "");
    free(fx);
}

static void test_clone_flags(void)
{
    char buf[512];
    CHECK_STR(km_clone_flags_str(LX_CLONE_VM | LX_CLONE_VFORK, LX_SIGCHLD, buf, sizeof buf),
              "CLONE_VM|CLONE_VFORK|SIGCHLD");
    CHECK_STR(km_clone_flags_str(0, 0, buf, sizeof buf), "0");
    CHECK_STR(km_clone_flags_str(0, LX_SIGCHLD, buf, sizeof buf), "SIGCHLD");
    CHECK_STR(km_clone_flags_str(LX_CLONE_THREAD | LX_CLONE_SIGHAND | 0x400000000ULL | 0x1, -1, buf,
                                 sizeof buf),
              "CLONE_SIGHAND|CLONE_THREAD|0x400000001");
    CHECK_STR(km_clone_flags_str(LX_CLONE_NEWTIME | LX_CLONE_INTO_CGROUP, 0, buf, sizeof buf),
              "CLONE_NEWTIME|CLONE_INTO_CGROUP");
    char small[12];
    km_clone_flags_str(LX_CLONE_VM | LX_CLONE_FS | LX_CLONE_FILES, LX_SIGCHLD, small, sizeof small);
    CHECK_STR(small, "CLONE_VM|CL"); /* truncated, NUL-terminated */
}

/* km_ev_begin inside an open event is an impossible state: abort. */
static void test_nested_aborts(void)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        freopen("/dev/null", "w", stderr);
        struct fixture *fx = fixture_new();
        km_ev_begin(&fx->k, "a", NULL);
        km_ev_begin(&fx->k, "b", NULL);
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
}

int main(void)
{
    test_builder();
    test_clone_flags();
    test_file_sinks();
    test_nested_aborts();
    return check_report("test_sinks");
}

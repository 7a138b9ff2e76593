/* The Perfetto/Chrome trace export (issue 7): record a sample with
 * `clonemu run --events` and `--perfetto`, convert the events with
 * `clonemu viz --perfetto`, and check the trace with cJSON:
 *   - the two traces are byte-identical (one converter);
 *   - every event has ph/name/pid/tid, every non-metadata one a ts, every
 *     'X' a dur >= 0; per track, ts never decreases and the slices nest;
 *   - every flow id has exactly one 's' and one 'f' (not earlier);
 *   - every track is named (thread_name), every process (process_name);
 *   - content: one clone arrow per clone event (parent -> child track),
 *     one futex-wake arrow per futex_wake by a task (not the kernel's
 *     exit-time CLONE_CHILD_CLEARTID wake) followed by a wake, the
 *     SIGUSR1 arrow ends on the thread signal_target chose, blocked
 *     slices exist, a blocking syscall contains its blocked slice.
 *
 * usage: test_perfetto CLONEMU SAMPLES_DIR */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "viz/scene.h"

static int failures;

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c);                  \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) n = 0;
    if (buf) buf[n] = 0;
    fclose(f);
    return buf;
}

static double num(const cJSON *o, const char *key)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(f) ? f->valuedouble : -1;
}

static const char *str(const cJSON *o, const char *key)
{
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(f) ? f->valuestring : "";
}

#define MAXTRACK 256
struct track {
    int pid, tid;
    double last_ts;
    double stack[64]; /* end times of the open slices */
    int depth;
    bool named;
};
static struct track tracks[MAXTRACK];
static int ntracks;

static struct track *track(int pid, int tid)
{
    for (int i = 0; i < ntracks; i++)
        if (tracks[i].pid == pid && tracks[i].tid == tid) return &tracks[i];
    if (ntracks == MAXTRACK) {
        fprintf(stderr, "too many tracks\n");
        exit(1);
    }
    tracks[ntracks] = (struct track){.pid = pid, .tid = tid, .last_ts = -1};
    return &tracks[ntracks++];
}

#define MAXFLOW 1024
struct flowrec {
    int id, ns, nf, s_tid, f_tid;
    double s_ts, f_ts;
    char name[32];
};
static struct flowrec flows[MAXFLOW];
static int nflows;

static struct flowrec *flow(int id)
{
    for (int i = 0; i < nflows; i++)
        if (flows[i].id == id) return &flows[i];
    if (nflows == MAXFLOW) exit(1);
    flows[nflows] = (struct flowrec){.id = id};
    return &flows[nflows++];
}

/* Structure checks; returns the traceEvents array. */
static const cJSON *check_structure(const cJSON *root)
{
    const cJSON *evs = cJSON_GetObjectItemCaseSensitive(root, "traceEvents");
    CHECK(cJSON_IsArray(evs));
    const cJSON *e;
    int n = 0;
    cJSON_ArrayForEach(e, evs)
    {
        n++;
        const char *ph = str(e, "ph");
        CHECK(strlen(ph) == 1 && *str(e, "name"));
        CHECK(num(e, "pid") >= 0 && num(e, "tid") >= 0);
        struct track *t = track((int)num(e, "pid"), (int)num(e, "tid"));
        if (*ph == 'M') {
            if (!strcmp(str(e, "name"), "thread_name")) t->named = true;
            continue;
        }
        double ts = num(e, "ts");
        CHECK(ts >= 0);
        CHECK(ts >= t->last_ts); /* monotonic per track */
        t->last_ts = ts;
        if (*ph == 'X') {
            double dur = num(e, "dur");
            CHECK(dur >= 0);
            while (t->depth && t->stack[t->depth - 1] <= ts)
                t->depth--;
            if (t->depth && ts + dur > t->stack[t->depth - 1] + 1e-9) {
                fprintf(stderr, "slice %s at %.3f overlaps its parent on %d\n", str(e, "name"), ts,
                        t->tid);
                failures++;
            }
            if (t->depth < 64) t->stack[t->depth++] = ts + dur;
        } else if (*ph == 's' || *ph == 'f') {
            struct flowrec *fl = flow((int)num(e, "id"));
            snprintf(fl->name, sizeof fl->name, "%s", str(e, "name"));
            if (*ph == 's')
                fl->ns++, fl->s_tid = t->tid, fl->s_ts = ts;
            else
                fl->nf++, fl->f_tid = t->tid, fl->f_ts = ts;
        } else
            CHECK(*ph == 'i' && *str(e, "s"));
    }
    CHECK(n > 10);
    for (int i = 0; i < nflows; i++) {
        CHECK(flows[i].ns == 1 && flows[i].nf == 1);
        CHECK(flows[i].f_ts >= flows[i].s_ts);
    }
    for (int i = 0; i < ntracks; i++)
        CHECK(tracks[i].named || tracks[i].pid == 0);
    return evs;
}

static int count_flows(const char *name, int s_tid, int f_tid)
{
    int n = 0;
    for (int i = 0; i < nflows; i++)
        n += !strcmp(flows[i].name, name) && (s_tid < 0 || flows[i].s_tid == s_tid) &&
             (f_tid < 0 || flows[i].f_tid == f_tid);
    return n;
}

static void check_content(const cJSON *evs, const struct viz_log *log)
{
    int clones = 0, wakes = 0, chosen = 0;
    for (int i = 0; i < log->n; i++) {
        const cJSON *ev = log->ev[i];
        const char *k = viz_ev_kind(ev);
        if (!strcmp(k, "clone")) {
            clones++;
            CHECK(count_flows(str(ev, "call"), (int)num(ev, "tid"), (int)num(ev, "child")) >= 1);
        }
        if (!strcmp(k, "futex_wake") && num(ev, "by") > 0 && i + 1 < log->n &&
            !strcmp(viz_ev_kind(log->ev[i + 1]), "wake"))
            wakes++;
        if (!strcmp(k, "signal_target") && !strcmp(str(ev, "sig"), "SIGUSR1"))
            chosen = (int)num(ev, "chosen");
    }
    CHECK(clones >= 3 && count_flows("clone", -1, -1) == clones);
    CHECK(wakes >= 1 && count_flows("futex wake", -1, -1) == wakes);
    CHECK(chosen > 0 && count_flows("SIGUSR1", -1, chosen) == 1);
    /* a blocked slice nested in the syscall that blocked */
    int blocked = 0, nested = 0;
    const cJSON *e, *prev = NULL;
    cJSON_ArrayForEach(e, evs)
    {
        if (!strcmp(str(e, "ph"), "X") && !strcmp(str(e, "cat"), "blocked")) {
            blocked++;
            nested += prev && !strcmp(str(prev, "cat"), "syscall") &&
                      num(prev, "tid") == num(e, "tid") && num(prev, "ts") == num(e, "ts") &&
                      num(prev, "dur") >= num(e, "dur") && num(e, "dur") > 0;
        }
        prev = e;
    }
    CHECK(blocked >= 3 && nested >= 3);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: test_perfetto CLONEMU SAMPLES_DIR\n");
        return 2;
    }
    char jsonl[128], a[128], b[128], cmd[2048], err[256];
    int pid = (int)getpid();
    snprintf(jsonl, sizeof jsonl, "/tmp/test_perfetto.%d.jsonl", pid);
    snprintf(a, sizeof a, "/tmp/test_perfetto.%d.run.json", pid);
    snprintf(b, sizeof b, "/tmp/test_perfetto.%d.viz.json", pid);
    snprintf(cmd, sizeof cmd,
             "%s run --events=%s --perfetto=%s %s/aarch64/sig_group_delivery > /dev/null 2>&1; "
             "%s viz --title=sig_group_delivery --perfetto=%s %s",
             argv[1], jsonl, a, argv[2], argv[1], b, jsonl);
    struct viz_log log;
    if (system(cmd) != 0 || viz_log_load(&log, jsonl, err, sizeof err) != 0) {
        fprintf(stderr, "cannot record: %s\n", err);
        return 1;
    }
    char *ta = slurp(a), *tb = slurp(b);
    CHECK(ta && tb && !strcmp(ta, tb)); /* run --perfetto == viz --perfetto of its events */
    cJSON *root = tb ? cJSON_Parse(tb) : NULL;
    CHECK(cJSON_IsObject(root));
    if (root) check_content(check_structure(root), &log);
    printf("%d tracks, %d flows (%d clone, %d futex wake, %d SIGUSR1)\n", ntracks, nflows,
           count_flows("clone", -1, -1), count_flows("futex wake", -1, -1),
           count_flows("SIGUSR1", -1, -1));
    cJSON_Delete(root);
    free(ta);
    free(tb);
    viz_log_free(&log);
    unlink(jsonl);
    unlink(a);
    unlink(b);
    if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}

/* viz_sinks.h: each event formatted once as the JSON Lines file has it. */
#include "emu/viz_sinks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/sinks.h"
#include "kernel-model/km.h"
#include "viz/perfetto.h"

static void collect_emit(void *ctx, const struct km_event *e)
{
    struct viz_sinks *v = ctx;
    char *text = sink_jsonl_format(e);
    if (text) viz_log_add_line(&v->log, text);
    free(text);
}

static void feed_emit(void *ctx, const struct km_event *e)
{
    struct viz_sinks *v = ctx;
    char *text = sink_jsonl_format(e);
    if (text) viz_feed_push(v->feed, text);
    free(text);
}

void viz_sinks_attach(struct km *k, struct viz_sinks *v)
{
    memset(&v->log, 0, sizeof v->log);
    if (v->perfetto) {
        v->collect_sink = (struct km_sink){.emit = collect_emit, .ctx = v};
        km_ev_add_sink(k, &v->collect_sink);
    }
    if (v->feed) {
        v->feed_sink = (struct km_sink){.emit = feed_emit, .ctx = v};
        km_ev_add_sink(k, &v->feed_sink);
    }
}

int viz_sinks_finish(struct viz_sinks *v, const char *prog, int status)
{
    if (v->perfetto) {
        const char *b = strrchr(prog, '/');
        char comm[16]; /* as the kernel's comm: 15 bytes of the base name */
        snprintf(comm, sizeof comm, "%s", b ? b + 1 : prog);
        if (viz_perfetto_file(v->perfetto, &v->log, comm) != 0 && status == 0) status = 1;
    }
    viz_log_free(&v->log);
    return status;
}

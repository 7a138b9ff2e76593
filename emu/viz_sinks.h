/* The viewer's consumers of the event stream in `clonemu run`:
 * --perfetto=FILE keeps every event (as the JSON Lines file has it) and
 * writes the run as a Perfetto trace at the end (viz/perfetto.c, the same
 * converter as `clonemu viz --perfetto`); --viz pushes every event to the
 * live window's feed (viz/live.h). Both only read events. */
#ifndef CLONEMU_VIZ_SINKS_H
#define CLONEMU_VIZ_SINKS_H

#include "kernel-model/events.h"
#include "viz/live.h"
#include "viz/scene.h"

struct km;

struct viz_sinks {
    const char *perfetto;  /* the trace file, NULL: none */
    struct viz_feed *feed; /* the live window's feed, NULL: none */
    struct viz_log log;
    struct km_sink collect_sink, feed_sink;
};

/* Register the sinks v asks for. */
void viz_sinks_attach(struct km *k, struct viz_sinks *v);
/* Write the trace (tasks that never exec'd are named after prog's base
 * name) and free. Returns status, or 1 if the trace could not be written. */
int viz_sinks_finish(struct viz_sinks *v, const char *prog, int status);

#endif

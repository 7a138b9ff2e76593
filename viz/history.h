/* Moving through a run without replaying it from the start: the scene
 * after every `every`-th event is kept (a deep copy); going back restores
 * the nearest one at or before the target and folds forward from there,
 * so a step back costs at most `every` events. At most VIZ_HISTORY_MAX
 * snapshots are kept: beyond that the interval doubles and every other
 * snapshot is dropped, so memory stays bounded on long runs. Pure C. */
#ifndef VIZ_HISTORY_H
#define VIZ_HISTORY_H

#include "viz/scene.h"

#define VIZ_HISTORY_EVERY 256
#define VIZ_HISTORY_MAX   64

struct viz_history {
    const struct viz_log *log; /* may grow (live) */
    struct viz_scene *snap;    /* snap[j]: after event (j+1)*every-1, if have[j] */
    bool *have;
    int nsnap;
    int every;
    long applied; /* events folded so far (for tests) */
};

void viz_history_init(struct viz_history *h, const struct viz_log *log);
void viz_history_free(struct viz_history *h);
/* Make s the scene after log->ev[index] (-1: empty); *cur is the index s
 * shows now and becomes index. */
void viz_history_goto(struct viz_history *h, struct viz_scene *s, int *cur, int index);

#endif

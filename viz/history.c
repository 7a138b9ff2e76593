/* Snapshots of the scene every h->every events (history.h). */
#include "viz/history.h"

#include <stdlib.h>
#include <string.h>

void viz_history_init(struct viz_history *h, const struct viz_log *log)
{
    memset(h, 0, sizeof *h);
    h->log = log;
    h->every = VIZ_HISTORY_EVERY;
    h->nsnap = VIZ_HISTORY_MAX;
    h->snap = calloc((size_t)h->nsnap, sizeof *h->snap);
    h->have = calloc((size_t)h->nsnap, sizeof *h->have);
    if (!h->snap || !h->have) abort();
}

void viz_history_free(struct viz_history *h)
{
    for (int j = 0; j < h->nsnap; j++)
        if (h->have[j]) viz_scene_free(&h->snap[j]);
    free(h->snap);
    free(h->have);
    memset(h, 0, sizeof *h);
}

/* Too many snapshots for the run: keep every other one. */
static void thin(struct viz_history *h)
{
    /* old snapshot j (after event (j+1)*every-1) is new j/2 when j is odd */
    for (int j = 0; j < h->nsnap; j++) {
        if (!h->have[j]) continue;
        h->have[j] = false;
        if (j % 2 == 0) {
            viz_scene_free(&h->snap[j]);
            continue;
        }
        h->snap[j / 2] = h->snap[j]; /* slot j/2 < j was emptied above */
        h->have[j / 2] = true;
    }
    h->every *= 2;
}

static void apply(struct viz_history *h, struct viz_scene *s, int i)
{
    viz_scene_apply(s, h->log->ev[i]);
    h->applied++;
    if ((i + 1) % h->every) return;
    int j = (i + 1) / h->every - 1;
    while (j >= h->nsnap) {
        thin(h);
        if ((i + 1) % h->every) return;
        j = (i + 1) / h->every - 1;
    }
    if (h->have[j]) return;
    viz_scene_copy(&h->snap[j], s);
    h->have[j] = true;
}

void viz_history_goto(struct viz_history *h, struct viz_scene *s, int *cur, int index)
{
    if (index >= h->log->n) index = h->log->n - 1;
    if (index < -1) index = -1;
    if (index < *cur || s->seq < 0) { /* back: from the nearest snapshot (or the start) */
        int j = (index + 1) / h->every - 1;
        while (j >= 0 && (j >= h->nsnap || !h->have[j]))
            j--;
        viz_scene_free(s);
        viz_scene_init(s);
        *cur = -1;
        if (j >= 0) {
            viz_scene_copy(s, &h->snap[j]);
            *cur = (j + 1) * h->every - 1;
        }
    }
    for (int i = *cur + 1; i <= index; i++)
        apply(h, s, i);
    *cur = index;
}

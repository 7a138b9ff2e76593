/* Live viewing (`clonemu run --viz`): the run's events reach the window
 * through a feed, a queue of JSON Lines that the run's thread appends to
 * and the window's thread drains. The run never waits for the window (the
 * queue is unbounded and the push only takes a lock), so the guest's
 * schedule and events are the same with and without --viz. */
#ifndef VIZ_LIVE_H
#define VIZ_LIVE_H

#include <stdbool.h>

#include "viz/scene.h"

struct viz_feed;

struct viz_feed *viz_feed_new(void);
void viz_feed_free(struct viz_feed *f);
/* Append one JSON Lines event (copied); any thread. */
void viz_feed_push(struct viz_feed *f, const char *line);
/* No more events will come (the run ended); any thread. */
void viz_feed_end(struct viz_feed *f);
/* Move the queued lines into log. Returns how many; *ended is true once
 * viz_feed_end was called and nothing is queued. */
int viz_feed_drain(struct viz_feed *f, struct viz_log *log, bool *ended);
/* After this, pushes are dropped (the window is gone). */
void viz_feed_discard(struct viz_feed *f);

/* Run run(arg) on a second thread while the window, on this thread,
 * follows the feed. The window shows the newest event until the user
 * steps back or pauses (End follows again); it stays open after the run
 * ends unless exit_at_end. Without a display the run goes on alone.
 * Returns run's result. */
int viz_live(struct viz_feed *f, int (*run)(void *), void *arg, const char *title,
             bool exit_at_end);

#endif

/* The viewer as a loadable module (issue 9, start-up time): the SDL2
 * window and `clonemu viz` live in clonemu-viz.so, which clonemu loads
 * only when asked for them (emu/viz_load.c), so that a plain `clonemu run`
 * does not pay for loading SDL2 and its ~60 shared libraries. The module
 * exports one symbol, VIZ_MODULE_SYMBOL, a table of its entry points. */
#ifndef VIZ_MODULE_H
#define VIZ_MODULE_H

#include <stdbool.h>

struct viz_feed;

#define VIZ_MODULE_SYMBOL  "clonemu_viz_module"
#define VIZ_MODULE_VERSION 1

struct viz_module {
    int version; /* VIZ_MODULE_VERSION */
    int (*main)(int argc, char **argv);
    struct viz_feed *(*feed_new)(void);
    void (*feed_free)(struct viz_feed *f);
    void (*feed_push)(struct viz_feed *f, const char *line);
    int (*live)(struct viz_feed *f, int (*run)(void *), void *arg, const char *title,
                bool exit_at_end);
};

#endif

/* clonemu-viz.so's one exported symbol (viz/module.h). */
#include "viz/module.h"

#include "viz/app.h"
#include "viz/live.h"

__attribute__((visibility("default"))) const struct viz_module clonemu_viz_module = {
    .version = VIZ_MODULE_VERSION,
    .main = viz_main,
    .feed_new = viz_feed_new,
    .feed_free = viz_feed_free,
    .feed_push = viz_feed_push,
    .live = viz_live,
};

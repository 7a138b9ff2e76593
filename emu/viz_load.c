/* The viewer's entry points as clonemu calls them (viz/app.h, viz/live.h),
 * forwarded to clonemu-viz.so, loaded on first use (viz/module.h): beside
 * the clonemu executable (the build tree), else where `cmake --install`
 * put it. Without the module, `clonemu viz` and `run --viz` fail with a
 * message (exit status 1); nothing else needs it. */
#include "viz/app.h"
#include "viz/live.h"
#include "viz/module.h"

#include <dlfcn.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef CLONEMU_VIZ_MODULE_INSTALLED
#define CLONEMU_VIZ_MODULE_INSTALLED "clonemu-viz.so"
#endif
#define MODULE_NAME "clonemu-viz.so"

/* The module beside /proc/self/exe, else the installed one; NULL with a
 * message on stderr. Loaded once, never unloaded. */
static const struct viz_module *viz_module(void)
{
    static const struct viz_module *mod;
    if (mod) return mod;
    char path[PATH_MAX + sizeof(MODULE_NAME)];
    ssize_t n = readlink("/proc/self/exe", path, PATH_MAX);
    char *slash = n > 0 ? memrchr(path, '/', (size_t)n) : NULL;
    void *h = NULL;
    if (slash) {
        memcpy(slash + 1, MODULE_NAME, sizeof(MODULE_NAME));
        if (access(path, F_OK) == 0) h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    }
    if (!h) h = dlopen(CLONEMU_VIZ_MODULE_INSTALLED, RTLD_NOW | RTLD_LOCAL);
    const struct viz_module *m = h ? dlsym(h, VIZ_MODULE_SYMBOL) : NULL;
    if (!m || m->version != VIZ_MODULE_VERSION) {
        fprintf(stderr, "clonemu: the viewer cannot be loaded (%s): %s\n",
                CLONEMU_VIZ_MODULE_INSTALLED, h ? "wrong version" : dlerror());
        return NULL;
    }
    return mod = m;
}

int viz_main(int argc, char **argv)
{
    const struct viz_module *m = viz_module();
    return m ? m->main(argc, argv) : 1;
}

struct viz_feed *viz_feed_new(void)
{
    const struct viz_module *m = viz_module();
    return m ? m->feed_new() : NULL;
}

void viz_feed_free(struct viz_feed *f)
{
    if (f) viz_module()->feed_free(f);
}

void viz_feed_push(struct viz_feed *f, const char *line)
{
    viz_module()->feed_push(f, line);
}

int viz_live(struct viz_feed *f, int (*run)(void *), void *arg, const char *title, bool exit_at_end)
{
    return viz_module()->live(f, run, arg, title, exit_at_end);
}

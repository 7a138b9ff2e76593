/* Deterministic layout of a scene (scene.h), in world units (1 unit = 1
 * pixel at zoom 1). Pure C, no SDL: the same scene always gives the same
 * boxes, so tests check positions and the renderer only draws them.
 *
 *   processes: a tree, parent above children, children in creation order
 *   left to right (a CLONE_PARENT child sits under its real parent, beside
 *   its creator); threads are cells inside their process box, in creation
 *   order; resources: one column right of the tree, one node per object,
 *   clustered by first user. */
#ifndef VIZ_LAYOUT_H
#define VIZ_LAYOUT_H

#include "viz/scene.h"

#define VIZ_CELL_W  178.0f
#define VIZ_CELL_H  120.0f
#define VIZ_PAD     14.0f
#define VIZ_HEAD_H  46.0f
#define VIZ_FOOT_H  30.0f
#define VIZ_LANE_H  34.0f /* under the cells: the signal route's lane */
#define VIZ_HGAP    36.0f
#define VIZ_VGAP    84.0f
#define VIZ_RES_W   212.0f
#define VIZ_RES_H   28.0f
#define VIZ_RES_GAP 7.0f
#define VIZ_CABLE_W 150.0f /* room between the tree and the resource column */

struct viz_box {
    float x, y, w, h;
};

struct viz_lgroup {
    int g;       /* index in scene->groups */
    int parent;  /* index in layout->groups of the real parent's box, -1 = root */
    int creator; /* index of the creator's box when it is not the parent (CLONE_PARENT), -1 */
    int depth;
    struct viz_box box;
};

struct viz_lthread {
    int t;  /* index in scene->tasks */
    int lg; /* index in layout->groups */
    struct viz_box box;
    int node[VIZ_NRES]; /* index in layout->res of each resource it uses, -1 */
};

struct viz_lres {
    int r;     /* index in scene->res */
    int users; /* live tasks using it */
    struct viz_box box;
};

/* A pid namespace below the initial one: a rounded region around the
 * boxes of its processes (those whose leader is in it or below it). */
struct viz_lregion {
    int ns; /* index in scene->pidns */
    struct viz_box box;
};
#define VIZ_REGION_PAD   28.0f /* per nesting level, around the boxes */
#define VIZ_REGION_LABEL 26.0f /* room above the boxes for the label */

struct viz_layout_opts {
    bool show_io;     /* io contexts (one per task: off by default) */
    bool show_reaped; /* keep reaped processes as ghosts */
};

struct viz_layout {
    struct viz_lgroup *groups;
    int ngroups, cap_groups;
    struct viz_lthread *threads;
    int nthreads, cap_threads;
    struct viz_lres *res;
    int nres, cap_res;
    struct viz_lregion *regions; /* outer namespaces first */
    int nregions, cap_regions;
    float tree_w, w, h; /* extents of the tree, and of everything */
    float res_x;        /* left edge of the resource column */
};

void viz_layout_init(struct viz_layout *L);
void viz_layout_free(struct viz_layout *L);
void viz_layout_build(struct viz_layout *L, const struct viz_scene *s,
                      const struct viz_layout_opts *o);

const struct viz_lthread *viz_layout_thread(const struct viz_layout *L, const struct viz_scene *s,
                                            int tid);
const struct viz_lgroup *viz_layout_group(const struct viz_layout *L, const struct viz_scene *s,
                                          int tgid);
const struct viz_lres *viz_layout_res(const struct viz_layout *L, const struct viz_scene *s,
                                      int kind, int id);
bool viz_layout_kind_shown(const struct viz_layout_opts *o, int kind);

/* What is at world point (x, y): 't' thread (*idx in L->threads), 'r'
 * resource, 'g' process box, 0 nothing. */
int viz_layout_hit(const struct viz_layout *L, float x, float y, int *idx);

#endif

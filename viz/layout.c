/* Scene -> boxes (layout.h). A tidy tree of process boxes: each subtree is
 * as wide as the larger of its own box and its children side by side; a
 * box is centred over its children. */
#include "viz/layout.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *grow(void *p, int *cap, int need, size_t size)
{
    if (need <= *cap) return p;
    int n = *cap ? *cap * 2 : 16;
    while (n < need)
        n *= 2;
    void *q = realloc(p, (size_t)n * size);
    if (!q) {
        fprintf(stderr, "clonemu viz: out of memory\n");
        abort();
    }
    *cap = n;
    return q;
}

void viz_layout_init(struct viz_layout *L)
{
    memset(L, 0, sizeof *L);
}

void viz_layout_free(struct viz_layout *L)
{
    free(L->groups);
    free(L->threads);
    free(L->res);
    free(L->regions);
    memset(L, 0, sizeof *L);
}

bool viz_layout_kind_shown(const struct viz_layout_opts *o, int kind)
{
    return kind != VR_IO || (o && o->show_io);
}

static bool group_shown(const struct viz_group *g, const struct viz_layout_opts *o)
{
    return !g->reaped || !o || o->show_reaped;
}

/* Index in L->groups of the box of tid's group, -1 if none. */
static int lgroup_of_tid(const struct viz_layout *L, const struct viz_scene *s, int tid)
{
    const struct viz_task *t = viz_scene_task(s, tid);
    if (!t) return -1;
    for (int i = 0; i < L->ngroups; i++)
        if (s->groups[L->groups[i].g].tgid == t->tgid) return i;
    return -1;
}

static int nthreads_of(const struct viz_scene *s, int tgid)
{
    int n = 0;
    for (int i = 0; i < s->ntasks; i++)
        n += s->tasks[i].tgid == tgid;
    return n;
}

static float box_w(const struct viz_scene *s, const struct viz_group *g)
{
    int n = nthreads_of(s, g->tgid);
    if (n < 1) n = 1;
    return (float)n * VIZ_CELL_W + (float)(n - 1) * 10.0f + 2 * VIZ_PAD;
}

/* Width of the subtree under box i (children are boxes whose parent is i). */
static float subtree_w(const struct viz_layout *L, const struct viz_scene *s, int i, float *memo)
{
    if (memo[i] > 0) return memo[i];
    float kids = 0;
    int nk = 0;
    for (int c = 0; c < L->ngroups; c++)
        if (L->groups[c].parent == i && c != i) {
            kids += subtree_w(L, s, c, memo);
            nk++;
        }
    if (nk) kids += (float)(nk - 1) * VIZ_HGAP;
    float own = box_w(s, &s->groups[L->groups[i].g]);
    memo[i] = own > kids ? own : kids;
    return memo[i];
}

static float row_y(int depth)
{
    return (float)depth * (VIZ_HEAD_H + VIZ_CELL_H + VIZ_LANE_H + VIZ_FOOT_H + VIZ_VGAP);
}

static void place(struct viz_layout *L, const struct viz_scene *s, int i, float x, int depth,
                  float *memo)
{
    struct viz_lgroup *lg = &L->groups[i];
    float sw = subtree_w(L, s, i, memo), w = box_w(s, &s->groups[lg->g]);
    lg->depth = depth;
    lg->box = (struct viz_box){x + (sw - w) / 2, row_y(depth), w,
                               VIZ_HEAD_H + VIZ_CELL_H + VIZ_LANE_H + VIZ_FOOT_H};
    float kids = 0;
    int nk = 0;
    for (int c = 0; c < L->ngroups; c++)
        if (L->groups[c].parent == i && c != i) {
            kids += subtree_w(L, s, c, memo);
            nk++;
        }
    if (nk) kids += (float)(nk - 1) * VIZ_HGAP;
    float cx = x + (sw - kids) / 2;
    for (int c = 0; c < L->ngroups; c++)
        if (L->groups[c].parent == i && c != i) {
            place(L, s, c, cx, depth + 1, memo);
            cx += subtree_w(L, s, c, memo) + VIZ_HGAP;
        }
    float right = lg->box.x + lg->box.w;
    if (right > L->tree_w) L->tree_w = right;
    if (lg->box.y + lg->box.h > L->h) L->h = lg->box.y + lg->box.h;
}

static void layout_groups(struct viz_layout *L, const struct viz_scene *s,
                          const struct viz_layout_opts *o)
{
    for (int i = 0; i < s->ngroups; i++) {
        if (!group_shown(&s->groups[i], o)) continue;
        L->groups = grow(L->groups, &L->cap_groups, L->ngroups + 1, sizeof *L->groups);
        L->groups[L->ngroups++] = (struct viz_lgroup){.g = i, .parent = -1, .creator = -1};
    }
    for (int i = 0; i < L->ngroups; i++) {
        const struct viz_group *g = &s->groups[L->groups[i].g];
        int p = lgroup_of_tid(L, s, g->parent);
        L->groups[i].parent = p < i ? p : -1; /* parents come first: no cycles */
        const struct viz_task *leader = viz_scene_task(s, g->leader);
        int c = leader ? lgroup_of_tid(L, s, leader->creator) : -1;
        L->groups[i].creator = c >= 0 && c != p && c != i ? c : -1;
    }
    float *memo = calloc((size_t)L->ngroups + 1, sizeof *memo);
    float x = 0;
    for (int i = 0; i < L->ngroups; i++)
        if (L->groups[i].parent < 0) {
            place(L, s, i, x, 0, memo);
            x += subtree_w(L, s, i, memo) + VIZ_HGAP;
        }
    free(memo);
}

static void layout_threads(struct viz_layout *L, const struct viz_scene *s)
{
    for (int i = 0; i < L->ngroups; i++) {
        const struct viz_group *g = &s->groups[L->groups[i].g];
        const struct viz_box *b = &L->groups[i].box;
        int n = 0;
        for (int t = 0; t < s->ntasks; t++) {
            if (s->tasks[t].tgid != g->tgid) continue;
            L->threads = grow(L->threads, &L->cap_threads, L->nthreads + 1, sizeof *L->threads);
            L->threads[L->nthreads++] = (struct viz_lthread){
                .t = t,
                .lg = i,
                .box = {b->x + VIZ_PAD + (float)n * (VIZ_CELL_W + 10.0f), b->y + VIZ_HEAD_H,
                        VIZ_CELL_W, VIZ_CELL_H},
            };
            n++;
        }
    }
}

/* Is namespace id the task's pid namespace or one enclosing it? */
static bool in_pidns(const struct viz_scene *s, const struct viz_task *t, int id)
{
    int hops = 0;
    for (const struct viz_pidns *p = viz_scene_pidns(s, t->pidns); p && hops <= VIZ_MAX_PIDNS_LEVEL;
         p = viz_scene_pidns(s, p->parent), hops++)
        if (p->id == id) return true;
    return false;
}

/* One region per pid namespace holding a shown box, around the boxes of
 * its processes; a region is wider by VIZ_REGION_PAD for every level of
 * namespaces nested inside it, so nested regions do not touch. */
static void layout_regions(struct viz_layout *L, const struct viz_scene *s)
{
    for (int n = 0; n < s->npidns; n++) {
        const struct viz_pidns *p = &s->pidns[n];
        float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
        int members = 0, deepest = p->level;
        for (int i = 0; i < L->ngroups; i++) {
            const struct viz_group *g = &s->groups[L->groups[i].g];
            const struct viz_task *leader = viz_scene_task(s, g->leader);
            if (!leader || !in_pidns(s, leader, p->id)) continue;
            const struct viz_pidns *own = viz_scene_pidns(s, leader->pidns);
            if (own && own->level > deepest) deepest = own->level;
            const struct viz_box *b = &L->groups[i].box;
            if (!members++) {
                x0 = b->x, y0 = b->y, x1 = b->x + b->w, y1 = b->y + b->h;
                continue;
            }
            if (b->x < x0) x0 = b->x;
            if (b->y < y0) y0 = b->y;
            if (b->x + b->w > x1) x1 = b->x + b->w;
            if (b->y + b->h > y1) y1 = b->y + b->h;
        }
        if (!members) continue;
        float pad = VIZ_REGION_PAD * (float)(deepest - p->level + 1);
        float top = pad + VIZ_REGION_LABEL * (float)(deepest - p->level + 1);
        L->regions = grow(L->regions, &L->cap_regions, L->nregions + 1, sizeof *L->regions);
        L->regions[L->nregions++] = (struct viz_lregion){
            .ns = n,
            .box = {x0 - pad, y0 - top, x1 - x0 + 2 * pad, y1 - y0 + top + pad},
        };
        if (x1 + pad > L->tree_w) L->tree_w = x1 + pad;
        if (y1 + pad > L->h) L->h = y1 + pad;
    }
}

/* One node per live object, in order of first user (tree order, then
 * kind); a gap between clusters. Linear: objects are found through a
 * per-kind table indexed by id. */
static void layout_res(struct viz_layout *L, const struct viz_scene *s,
                       const struct viz_layout_opts *o)
{
    L->res_x = L->tree_w + VIZ_CABLE_W;
    int maxid = 0;
    for (int r = 0; r < s->nres; r++)
        if (s->res[r].id > maxid) maxid = s->res[r].id;
    size_t span = (size_t)maxid + 1;
    int *by_id = malloc(VIZ_NRES * span * sizeof *by_id);     /* scene index of (kind, id), -1 */
    int *node = malloc(((size_t)s->nres + 1) * sizeof *node); /* layout node of a scene index */
    int *users = calloc((size_t)s->nres + 1, sizeof *users);
    if (!by_id || !node || !users) abort();
    memset(by_id, 0xff, VIZ_NRES * span * sizeof *by_id);
    for (int r = s->nres - 1; r >= 0; r--) { /* the first of a (kind, id) wins, as viz_scene_res */
        by_id[(size_t)s->res[r].kind * span + (size_t)s->res[r].id] = r;
        node[r] = -1;
    }
    for (int i = 0; i < s->ntasks; i++) {
        const struct viz_task *t = &s->tasks[i];
        if (!viz_task_alive(t)) continue;
        for (int k = 0; k < VIZ_NRES; k++)
            if (t->res[k] > 0 && t->res[k] <= maxid &&
                by_id[(size_t)k * span + (size_t)t->res[k]] >= 0)
                users[by_id[(size_t)k * span + (size_t)t->res[k]]]++;
    }
    float y = 0;
    for (int i = 0; i < L->nthreads; i++) {
        struct viz_lthread *lt = &L->threads[i];
        const struct viz_task *t = &s->tasks[lt->t];
        for (int k = 0; k < VIZ_NRES; k++)
            lt->node[k] = -1;
        if (!viz_task_alive(t)) continue;
        bool added = false;
        for (int k = 0; k < VIZ_NRES; k++) {
            if (!viz_layout_kind_shown(o, k) || t->res[k] <= 0 || t->res[k] > maxid) continue;
            int r = by_id[(size_t)k * span + (size_t)t->res[k]];
            if (r < 0) continue;
            if (node[r] < 0) {
                L->res = grow(L->res, &L->cap_res, L->nres + 1, sizeof *L->res);
                node[r] = L->nres;
                L->res[L->nres++] = (struct viz_lres){
                    .r = r,
                    .users = users[r],
                    .box = {L->res_x, y, VIZ_RES_W, VIZ_RES_H},
                };
                y += VIZ_RES_H + VIZ_RES_GAP;
                added = true;
            }
            lt->node[k] = node[r];
        }
        if (added) y += 12.0f;
    }
    free(by_id);
    free(node);
    free(users);
    L->w = L->res_x + VIZ_RES_W;
    if (y > L->h) L->h = y;
}

void viz_layout_build(struct viz_layout *L, const struct viz_scene *s,
                      const struct viz_layout_opts *o)
{
    L->ngroups = L->nthreads = L->nres = L->nregions = 0;
    L->tree_w = L->w = L->h = 0;
    layout_groups(L, s, o);
    layout_regions(L, s);
    layout_threads(L, s);
    layout_res(L, s, o);
}

const struct viz_lthread *viz_layout_thread(const struct viz_layout *L, const struct viz_scene *s,
                                            int tid)
{
    for (int i = L->nthreads - 1; i >= 0; i--)
        if (s->tasks[L->threads[i].t].tid == tid) return &L->threads[i];
    return NULL;
}

const struct viz_lgroup *viz_layout_group(const struct viz_layout *L, const struct viz_scene *s,
                                          int tgid)
{
    for (int i = L->ngroups - 1; i >= 0; i--)
        if (s->groups[L->groups[i].g].tgid == tgid) return &L->groups[i];
    return NULL;
}

const struct viz_lres *viz_layout_res(const struct viz_layout *L, const struct viz_scene *s,
                                      int kind, int id)
{
    for (int i = 0; i < L->nres; i++) {
        const struct viz_res *r = &s->res[L->res[i].r];
        if (r->kind == kind && r->id == id) return &L->res[i];
    }
    return NULL;
}

static bool inside(const struct viz_box *b, float x, float y)
{
    return x >= b->x && y >= b->y && x < b->x + b->w && y < b->y + b->h;
}

int viz_layout_hit(const struct viz_layout *L, float x, float y, int *idx)
{
    for (int i = 0; i < L->nthreads; i++)
        if (inside(&L->threads[i].box, x, y)) return *idx = i, 't';
    for (int i = 0; i < L->nres; i++)
        if (inside(&L->res[i].box, x, y)) return *idx = i, 'r';
    for (int i = 0; i < L->ngroups; i++)
        if (inside(&L->groups[i].box, x, y)) return *idx = i, 'g';
    return 0;
}

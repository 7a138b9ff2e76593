/* Draw a laid-out scene (render.h). Layers, back to front: page and
 * cards, parent->child edges, task->resource cables, process boxes and
 * thread cells, resource nodes, the signal route, then the side panel
 * and the timeline (render_panel.c). */
#include "viz/render.h"
#include "viz/render_util.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void viz_view_default(struct viz_view *v)
{
    *v = (struct viz_view){.x = 36, .y = 96, .w = 1054, .h = 752, .zoom = 1};
}

void viz_view_fit(struct viz_view *v, const struct viz_layout *L)
{
    float lw = L->w > 1 ? L->w : 1, lh = L->h > 1 ? L->h : 1;
    float fit = fminf(v->w / lw, v->h / lh);
    if (fit > 1.25f) fit = 1.25f;
    v->scale = fit * v->zoom;
    v->off_x = v->x + (v->w - lw * fit) / 2 + v->pan_x;
    v->off_y = v->y + v->pan_y;
}

/* --- world -> design ---------------------------------------------------- */

static float WX(const struct viz_frame *f, float x)
{
    return f->view->off_x + x * f->view->scale;
}
static float WY(const struct viz_frame *f, float y)
{
    return f->view->off_y + y * f->view->scale;
}
static struct viz_box WB(const struct viz_frame *f, struct viz_box b) {
    return (struct viz_box){WX(f, b.x), WY(f, b.y), b.w * f->view->scale, b.h * f->view->scale};
}

/* Is a design-space box on the stage? Everything else is not drawn: with
 * 1,000 tasks most of the world is off screen when zoomed in. */
static bool
on_stage(const struct viz_frame *f, struct viz_box b)
{
    const struct viz_view *v = f->view;
    return b.x + b.w >= v->x - 16 && b.y + b.h >= v->y - 10 && b.x <= v->x + v->w + 16 &&
           b.y <= v->y + v->h + 12;
}

/* Level of detail: below this scale a cell is a few pixels; no text. */
#define TEXT_SCALE 0.45f

static const struct viz_task *sel_task(const struct viz_frame *f)
{
    if (f->sel_kind == 't') return viz_scene_task(f->s, f->sel_id);
    return NULL;
}

/* --- edges ------------------------------------------------------------ */

/* The notable flags of a clone for the edge label. */
static void clone_label(const struct viz_task *t, char *out, size_t size)
{
    char notable[160] = "";
    static const char *const keep[] = {"CLONE_NEWPID", "CLONE_NEWUTS", "CLONE_NEWNS",
                                       "CLONE_NEWNET", "CLONE_NEWIPC", "CLONE_NEWUSER",
                                       "CLONE_VM",     "CLONE_VFORK",  "CLONE_PARENT|",
                                       "CLONE_FILES",  "CLONE_FS"};
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        if (!strstr(t->flags, keep[i])) continue;
        size_t n = strlen(notable);
        snprintf(notable + n, sizeof notable - n, "%s%.*s", n ? "|" : "",
                 (int)strcspn(keep[i] + 6, "|"), keep[i] + 6);
    }
    if (!*notable) snprintf(notable, sizeof notable, "%s", "new process");
    snprintf(out, size, "%s(%s)", t->call, notable);
}

static void draw_tree_edges(struct viz_render *R, const struct viz_frame *f)
{
    const struct viz_layout *L = f->L;
    for (int i = 0; i < L->ngroups; i++) {
        const struct viz_lgroup *c = &L->groups[i];
        if (c->parent < 0) continue;
        struct viz_box pb = WB(f, L->groups[c->parent].box), cb = WB(f, c->box);
        const struct viz_group *g = &f->s->groups[c->g];
        const struct viz_task *leader = viz_scene_task(f->s, g->leader);
        bool hot = f->s->anim == VA_CLONE && f->s->anim_tid == g->leader;
        float x0 = pb.x + pb.w / 2, y0 = pb.y + pb.h, x1 = cb.x + cb.w * 0.5f, y1 = cb.y;
        float ym = y0 + (y1 - y0) * 0.45f;
        struct viz_box span = {fminf(x0, x1) - 200, y0, fabsf(x1 - x0) + 400, y1 - y0};
        if (!on_stage(f, span)) continue;
        struct rgba col = hot ? C_SIGNAL : C_OUTLINE;
        ru_line(R, x0, y0, x0, ym, 2, col);
        ru_line(R, x0, ym, x1, ym, 2, col);
        ru_line(R, x1, ym, x1, y1 - 2, 2, col);
        ru_arrowhead(R, x1, y1, col);
        if (leader && f->view->scale >= TEXT_SCALE) {
            char lab[200];
            clone_label(leader, lab, sizeof lab);
            ru_text(R, F_MONO_S, lab, x1 + 8, ym + 4, hot ? C_SIGNAL : C_TEXT2, 0);
        }
        if (c->creator >= 0) { /* CLONE_PARENT: the creator is not the parent */
            struct viz_box kb = WB(f, L->groups[c->creator].box);
            float kx = kb.x + kb.w, ky = kb.y + kb.h * 0.5f;
            ru_dashed(R, kx, ky, cb.x - 4, cb.y + cb.h * 0.5f, 2, C_TEXT3);
            ru_text(R, F_SMALL, "created by this one, parent above (CLONE_PARENT)", kx + 6, ky - 18,
                    C_TEXT2, 0);
        }
    }
}

/* Pid namespaces: a tinted rounded region around their processes, outer
 * ones first, labelled at the top left. */
static void draw_regions(struct viz_render *R, const struct viz_frame *f)
{
    for (int i = 0; i < f->L->nregions; i++) {
        const struct viz_lregion *lr = &f->L->regions[i];
        const struct viz_pidns *p = &f->s->pidns[lr->ns];
        struct viz_box b = WB(f, lr->box);
        if (!on_stage(f, b)) continue;
        struct rgba fill = {0xE4, 0xEC, 0xF6, 255}, edge = C_NS;
        if (p->destroyed)
            ru_rbox_dashed(R, b.x, b.y, b.w, b.h, 20, fill, C_TEXT3);
        else
            ru_rbox(R, b.x, b.y, b.w, b.h, 20, fill, edge, 1.5f);
        if (f->view->scale < TEXT_SCALE) continue;
        char lab[96];
        snprintf(lab, sizeof lab, "pid ns #%d (level %d)%s", p->id, p->level,
                 p->destroyed ? ": gone"
                 : p->zapped  ? ": init exited"
                              : "");
        ru_text(R, F_SMALL, lab, b.x + 12 * f->view->scale, b.y + 4 * f->view->scale,
                p->destroyed ? C_TEXT3 : C_TEXT1, 0);
    }
}

/* One cable per task and resource kind: up from the cell's top port into
 * the gap above its box, right to the band, then a curve to the node. */
static void draw_cables(struct viz_render *R, const struct viz_frame *f)
{
    const struct viz_layout *L = f->L;
    const struct viz_task *sel = sel_task(f);
    for (int i = 0; i < L->nthreads; i++) {
        const struct viz_lthread *lt = &L->threads[i];
        const struct viz_task *t = &f->s->tasks[lt->t];
        if (!viz_task_alive(t)) continue;
        bool hot = t->tid == f->s->cur_tid || t == sel;
        /* small: a thread whose cables go where its left neighbour's go
         * adds nothing but pixels */
        if (!hot && i > 0 && L->threads[i - 1].lg == lt->lg && f->view->scale < TEXT_SCALE &&
            !memcmp(L->threads[i - 1].node, lt->node, sizeof lt->node))
            continue;
        struct rgba col = hot ? C_CABLE_HOT : C_CABLE;
        struct viz_box cb = WB(f, lt->box), gb = WB(f, L->groups[lt->lg].box);
        float px = cb.x + cb.w - 18, py = cb.y;
        float chan = gb.y - 10 - (float)(i % 6) * 4;
        float bx = WX(f, L->res_x) - 70;
        struct viz_box reach = {fminf(px, bx) - 40, fminf(chan, WY(f, 0)) - 10,
                                fabsf(bx - px) + WX(f, L->res_x + VIZ_RES_W) - bx + 80,
                                fmaxf(py - chan, WY(f, L->h) - chan) + 20};
        if (!on_stage(f, reach)) continue;
        ru_line(R, px, py, px, chan, 1.5f, col);
        ru_line(R, px, chan, bx - 30, chan, 1.5f, col);
        for (int k = 0; k < VIZ_NRES; k++) {
            if (lt->node[k] < 0) continue;
            struct viz_box nb = WB(f, L->res[lt->node[k]].box);
            if (!on_stage(f, (struct viz_box){bx - 30, fminf(chan, nb.y), nb.x - bx + 30,
                                              fabsf(nb.y - chan) + nb.h}))
                continue;
            ru_curve(R, bx - 30, chan, bx + 20, chan, bx + 10, nb.y + nb.h / 2, nb.x,
                     nb.y + nb.h / 2, 1.5f, col);
        }
        ru_disc(R, px, py, 3.5f, C_WHITE, col);
    }
}

/* --- boxes and cells ------------------------------------------------------ */

static void chips(struct viz_render *R, float x, float y, float maxx, uint64_t mask,
                  struct rgba col, bool dashed)
{
    if (!mask) {
        ru_text(R, F_SANS, "\xe2\x88\x85", x, y - 1, C_TEXT2, 0); /* ∅ */
        return;
    }
    if (mask == ~0ULL || __builtin_popcountll(mask) > 40) {
        ru_chip(R, x, y, "all", col, dashed);
        return;
    }
    for (int sig = 1; sig <= 64; sig++) {
        if (!(mask & (1ULL << (sig - 1)))) continue;
        char n[16];
        char buf[32];
        snprintf(n, sizeof n, "%s", viz_sigset_str(1ULL << (sig - 1), buf, sizeof buf));
        if (x + 40 > maxx) {
            ru_text(R, F_SMALL, "\xe2\x80\xa6", x, y, C_TEXT2, 0); /* … */
            return;
        }
        x += ru_chip(R, x, y, n, col, dashed) + 4;
    }
}

static void draw_state_pill(struct viz_render *R, float x, float y, const struct viz_scene *s,
                            const struct viz_task *t)
{
    enum viz_state st = viz_task_state(s, t);
    char lab[48];
    if (*t->handler && viz_task_alive(t)) {
        snprintf(lab, sizeof lab, "in %s handler",
                 t->handler + (strncmp(t->handler, "SIG", 3) ? 0 : 3));
        ru_pill(R, x, y, lab, PILL_HANDLER);
        return;
    }
    switch (st) {
    case VT_RUNNING: ru_pill(R, x, y, "running", PILL_RUNNING); break;
    case VT_RUNNABLE: ru_pill(R, x, y, "runnable", PILL_RUNNABLE); break;
    case VT_BLOCKED:
        snprintf(lab, sizeof lab, "%s wait", t->on);
        if (!strcmp(t->on, "vfork")) snprintf(lab, sizeof lab, "frozen: vfork");
        if (!strcmp(t->on, "child")) snprintf(lab, sizeof lab, "wait for child");
        ru_pill(R, x, y, lab, PILL_BLOCKED);
        break;
    case VT_STOPPED: ru_pill(R, x, y, "stopped", PILL_BLOCKED); break;
    default:
        if (*t->killed_by)
            snprintf(lab, sizeof lab, "%s, %s", viz_state_name[st], t->killed_by);
        else
            snprintf(lab, sizeof lab, "%s, exit %d", viz_state_name[st], t->exit_code);
        ru_pill(R, x, y, lab, PILL_DEAD);
    }
}

static void draw_cell(struct viz_render *R, const struct viz_frame *f, const struct viz_lthread *lt,
                      struct viz_box b)
{
    const struct viz_scene *s = f->s;
    const struct viz_task *t = &s->tasks[lt->t];
    const struct viz_group *g = &s->groups[f->L->groups[lt->lg].g];
    bool alive = viz_task_alive(t), handler = alive && *t->handler;
    bool frozen = t->state == VT_BLOCKED && !strcmp(t->on, "vfork");
    struct rgba fill = handler ? C_HANDLER_BG : frozen ? C_FROZEN : C_CELL;
    struct rgba edge = handler ? C_SIGNAL : t == sel_task(f) ? C_TEXT1 : C_CELL_EDGE;
    if (!on_stage(f, b)) return;
    if (f->view->scale < 0.1f) { /* a few pixels: the state as a colour */
        enum viz_state st = viz_task_state(s, t);
        ru_fill(R, b.x, b.y, b.w, b.h,
                !alive             ? C_CELL_EDGE
                : handler          ? C_SIGNAL
                : st == VT_RUNNING ? C_TEXT1
                : st == VT_BLOCKED ? C_TEXT3
                                   : C_CELL);
        return;
    }
    if (alive)
        ru_rbox(R, b.x, b.y, b.w, b.h, 10, fill, edge, handler ? 2 : 1);
    else
        ru_rbox_dashed(R, b.x, b.y, b.w, b.h, 10, C_CELL, C_TEXT3);
    float k = f->view->scale;
    if (k < TEXT_SCALE) return; /* too small for text */
    char tid[24 + 12 * (VIZ_MAX_PIDNS_LEVEL + 1)];
    if (t->nlevels > 1) { /* its pid at every level, global first: "T1001 / 1" */
        char pids[12 * (VIZ_MAX_PIDNS_LEVEL + 1)];
        snprintf(tid, sizeof tid, "T%s", viz_task_pids_str(t, pids, (int)sizeof pids));
    } else
        snprintf(tid, sizeof tid, "T%d", t->tid);
    float w = ru_text(R, F_MONO_B, tid, b.x + 10 * k, b.y + 8 * k, alive ? C_TEXT1 : C_TEXT3, 0);
    if (g->leader == t->tid) ru_tag(R, b.x + 16 * k + w, b.y + 10 * k, "leader");
    draw_state_pill(R, b.x + 10 * k, b.y + 36 * k, s, t);
    if (!alive) return;
    ru_text(R, F_LABEL, "BLOCKED", b.x + 10 * k, b.y + 72 * k, C_TEXT2, 0);
    chips(R, b.x + 78 * k, b.y + 70 * k, b.x + b.w - 6, t->blocked, C_FILES, false);
    ru_text(R, F_LABEL, "PENDING", b.x + 10 * k, b.y + 96 * k, C_TEXT2, 0);
    chips(R, b.x + 78 * k, b.y + 94 * k, b.x + b.w - 6, t->pending, C_SIGNAL, false);
}

static void draw_group(struct viz_render *R, const struct viz_frame *f, int i)
{
    const struct viz_lgroup *lg = &f->L->groups[i];
    const struct viz_group *g = &f->s->groups[lg->g];
    struct viz_box b = WB(f, lg->box);
    float k = f->view->scale;
    if (!on_stage(f, b)) return;
    if (k < 0.1f) { /* tiny: outline and cells only */
        ru_fill(R, b.x, b.y, b.w, b.h, g->zombie ? C_CELL_EDGE : C_OUTLINE);
        ru_fill(R, b.x + 1, b.y + 1, b.w - 2, b.h - 2, C_WHITE);
        for (int t = 0; t < f->L->nthreads; t++)
            if (f->L->threads[t].lg == i)
                draw_cell(R, f, &f->L->threads[t], WB(f, f->L->threads[t].box));
        return;
    }
    if (g->zombie)
        ru_rbox_dashed(R, b.x, b.y, b.w, b.h, 16, C_WHITE, C_OUTLINE);
    else
        ru_rbox(R, b.x, b.y, b.w, b.h, 16, C_WHITE, C_OUTLINE, 2);
    char head[96], sub[96];
    snprintf(head, sizeof head, "process %d", g->tgid);
    float w =
        k < TEXT_SCALE ? 0 : ru_text(R, F_TITLE, head, b.x + 14 * k, b.y + 10 * k, C_TEXT1, 0);
    if (g->zombie && *g->killed_by)
        snprintf(sub, sizeof sub, "zombie: killed by %s", g->killed_by);
    else if (g->zombie)
        snprintf(sub, sizeof sub, "zombie: exit code %d", g->exit_code);
    else
        snprintf(sub, sizeof sub, "ppid %d%s%s", g->parent, *g->exe ? " \xc2\xb7 " : "", g->exe);
    if (k >= TEXT_SCALE) {
        ru_text(R, F_SMALL, sub, b.x + 24 * k + w, b.y + 16 * k, g->zombie ? C_SIGNAL : C_TEXT2, 0);
        ru_text(R, F_LABEL, "GROUP PENDING", b.x + 14 * k, b.y + b.h - 24 * k, C_TEXT2, 0);
        chips(R, b.x + 132 * k, b.y + b.h - 26 * k, b.x + b.w - 10, g->shared_pending, C_SIGNAL,
              false);
    }
    for (int t = 0; t < f->L->nthreads; t++)
        if (f->L->threads[t].lg == i) {
            struct viz_box cb = WB(f, f->L->threads[t].box);
            const struct viz_task *task = &f->s->tasks[f->L->threads[t].t];
            if (f->s->anim == VA_CLONE && f->s->anim_tid == task->tid && f->t < 1) {
                /* grows out of its creator's cell */
                const struct viz_lthread *from = viz_layout_thread(f->L, f->s, task->creator);
                if (from) {
                    struct viz_box fb = WB(f, from->box);
                    float e = f->t * f->t * (3 - 2 * f->t);
                    cb = (struct viz_box){fb.x + (cb.x - fb.x) * e, fb.y + (cb.y - fb.y) * e,
                                          cb.w * (0.3f + 0.7f * e), cb.h * (0.3f + 0.7f * e)};
                }
            }
            draw_cell(R, f, &f->L->threads[t], cb);
        }
    if (f->s->anim == VA_FATAL && f->s->sig.fatal && f->t < 1 &&
        viz_scene_task(f->s, f->s->anim_tid) &&
        viz_scene_task(f->s, f->s->anim_tid)->tgid == g->tgid) { /* the sweep */
        float x = b.x + b.w * f->t;
        ru_fill(R, b.x, b.y, x - b.x, b.h, (struct rgba){0xD5, 0x5E, 0x00, 60});
        ru_line(R, x, b.y, x, b.y + b.h, 4, C_SIGNAL);
    }
}

/* --- resources ------------------------------------------------------------ */

static void draw_res(struct viz_render *R, const struct viz_frame *f, const struct viz_lres *n)
{
    const struct viz_res *r = &f->s->res[n->r];
    struct viz_box b = WB(f, n->box);
    struct rgba c = ru_res_color(r->kind);
    if (!on_stage(f, b)) return;
    if (f->view->scale < 0.1f) {
        ru_fill(R, b.x, b.y, b.w, fmaxf(b.h, 1), c);
        return;
    }
    bool sel = f->sel_kind == 'r' && f->sel_kind_res == r->kind && f->sel_id == r->id;
    ru_rbox(R, b.x, b.y, b.w, b.h, 7, C_WHITE, c, sel ? 3 : 2);
    ru_fill(R, b.x + 2, b.y + 2, 7 * f->view->scale, b.h - 4, c);
    char name[32], note[48];
    snprintf(name, sizeof name, "%s#%d", viz_res_kind_name[r->kind], r->id);
    if (n->users > 1)
        snprintf(note, sizeof note, "shared \xc3\x97%d", n->users);
    else if (r->copy_of)
        snprintf(note, sizeof note, "copy of %s#%d", viz_res_kind_name[r->kind], r->copy_of);
    else
        snprintf(note, sizeof note, "one user");
    float k = f->view->scale;
    if (k < TEXT_SCALE) return;
    ru_text(R, F_MONO_B, name, b.x + 16 * k, b.y + 5 * k, ru_res_text_color(r->kind), 0);
    ru_text(R, r->copy_of && n->users == 1 ? F_ITALIC : F_SMALL, note, b.x + b.w - 8 * k,
            b.y + 7 * k, C_TEXT2, 1);
}

/* --- the signal route ------------------------------------------------------ */

/* Is the last signal still "in flight or landed" at this event? */
static bool route_visible(const struct viz_scene *s)
{
    const struct viz_sigroute *r = &s->sig;
    if (r->seq < 0 || r->ignored) return false;
    const struct viz_task *c = viz_scene_task(s, r->chosen);
    if (r->fatal) {
        const struct viz_group *g = c ? viz_scene_group(s, c->tgid) : NULL;
        return g && !g->reaped;
    }
    if (!r->delivered) return true;
    return c && viz_task_alive(c) && !strcmp(c->handler, r->sig);
}

static void draw_route(struct viz_render *R, const struct viz_frame *f)
{
    const struct viz_scene *s = f->s;
    const struct viz_sigroute *r = &s->sig;
    if (!route_visible(s)) return;
    const struct viz_lthread *from = r->from ? viz_layout_thread(f->L, s, r->from) : NULL;
    const struct viz_lthread *to = viz_layout_thread(f->L, s, r->chosen ? r->chosen : r->target);
    if (!to) return;
    /* points: sender, then each candidate (in walk order) up to the chosen */
    float px[40], py[40];
    int np = 0, stop_at[40];
    if (from) {
        struct viz_box b = WB(f, from->box);
        px[np] = b.x + b.w / 2, py[np] = b.y + b.h, stop_at[np++] = 0;
    }
    for (int i = 0; i < r->ncand && np < 38; i++) { /* a stop at each thread that blocks it */
        const struct viz_lthread *c = viz_layout_thread(f->L, s, r->cand[i].tid);
        if (!c || r->cand[i].tid == r->chosen || strcmp(r->cand[i].status, "blocked")) continue;
        struct viz_box b = WB(f, c->box);
        px[np] = b.x + b.w / 2, py[np] = b.y + b.h + VIZ_LANE_H / 2 * f->view->scale;
        stop_at[np++] = 1;
    }
    if (np && stop_at[np - 1]) { /* back along the lane to under the chosen one */
        struct viz_box b = WB(f, to->box);
        px[np] = b.x + b.w / 2, py[np] = py[np - 1], stop_at[np++] = 0;
    }
    struct viz_box tb = WB(f, to->box);
    px[np] = tb.x + tb.w / 2, py[np] = tb.y + tb.h, stop_at[np++] = 0;
    for (int i = 0; i + 1 < np; i++)
        ru_line(R, px[i], py[i], px[i + 1], py[i + 1], 3, C_SIGNAL);
    for (int i = 0; i < np; i++)
        if (stop_at[i]) ru_pause_badge(R, px[i], py[i], "blocked");
    /* the token: travels the path during signal_generate/target, then sits */
    float t = 1;
    if ((!strcmp(s->kind, "signal_target") || !strcmp(s->kind, "signal_generate")) && f->t < 1)
        t = f->t;
    float pos = t * (float)(np - 1);
    int seg = (int)pos;
    if (seg >= np - 1) seg = np - 2;
    float u = pos - (float)seg;
    float tx = np > 1 ? px[seg] + (px[seg + 1] - px[seg]) * u : px[0];
    float ty = np > 1 ? py[seg] + (py[seg + 1] - py[seg]) * u : py[0];
    ru_token(R, tx, ty, r->sig + (strncmp(r->sig, "SIG", 3) ? 0 : 3));
}

void viz_render_draw(struct viz_render *R, const struct viz_frame *f)
{
    ru_clear(R, C_PAGE);
    ru_header(R, f);
    struct viz_view *v = f->view;
    ru_rbox(R, v->x - 16, v->y - 28, v->w + 32, v->h + 40, 14, C_STAGE, C_CELL_EDGE, 1);
    ru_text(R, F_LABEL, "PROCESSES (BOXES) AND THEIR THREADS (CELLS)", v->x, v->y - 20, C_TEXT2, 0);
    ru_text(R, F_LABEL, "RESOURCES \xc2\xb7 ONE NODE PER OBJECT", WX(f, f->L->res_x), v->y - 20,
            C_TEXT2, 0);
    ru_clip(R, v->x - 14, v->y - 8, v->w + 28, v->h + 18);
    ru_set_scale(R, v->scale);
    draw_regions(R, f);
    draw_tree_edges(R, f);
    draw_cables(R, f);
    for (int i = 0; i < f->L->ngroups; i++)
        draw_group(R, f, i);
    for (int i = 0; i < f->L->nres; i++)
        draw_res(R, f, &f->L->res[i]);
    draw_route(R, f);
    ru_clip(R, 0, 0, 0, 0);
    ru_panel(R, f);
    ru_timeline(R, f);
}

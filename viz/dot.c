/* The scene as Graphviz DOT (`clonemu viz --dot`): a cluster per process
 * holding its threads, a node per resource object with an edge from every
 * task using it, and parent -> child edges between leaders. */
#include "viz/dot.h"

#include <stdio.h>
#include <string.h>

static const char *const res_color[VIZ_NRES] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                                "#56B4E9", "#999999", "#3D4754"};

static void dot_thread(FILE *f, const struct viz_scene *s, const struct viz_task *t)
{
    char b[256], p[256];
    enum viz_state st = viz_task_state(s, t);
    fprintf(f, "    t%d [label=\"%d\\n%s%s%s", t->tid, t->tid, viz_state_name[st],
            st == VT_BLOCKED ? " on " : "", st == VT_BLOCKED ? t->on : "");
    if (*t->handler) fprintf(f, "\\nin %s handler", t->handler);
    if (t->exit_code >= 0) fprintf(f, "\\nexit %d", t->exit_code);
    if (*t->killed_by) fprintf(f, "\\nkilled by %s", t->killed_by);
    fprintf(f, "\\nblocked: %s\\npending: %s\"%s];\n",
            *viz_sigset_str(t->blocked, b, sizeof b) ? b : "-",
            *viz_sigset_str(t->pending, p, sizeof p) ? p : "-",
            viz_task_alive(t) ? "" : ", style=dashed");
}

void viz_dot_write(FILE *f, const struct viz_scene *s, const struct viz_layout_opts *o)
{
    fprintf(f, "digraph clonemu {\n  compound=true; node [shape=box, fontname=\"DejaVu Sans\"];\n");
    fprintf(f, "  label=\"event %d: %s\";\n", s->seq, s->kind);
    for (int i = 0; i < s->ngroups; i++) {
        const struct viz_group *g = &s->groups[i];
        if (g->reaped && !(o && o->show_reaped)) continue;
        char sp[256];
        fprintf(f, "  subgraph cluster_p%d {\n    label=\"process %d%s%s\\ngroup pending: %s\";\n",
                g->tgid, g->tgid, g->zombie ? " (zombie)" : "", g->reaped ? " (reaped)" : "",
                *viz_sigset_str(g->shared_pending, sp, sizeof sp) ? sp : "-");
        for (int t = 0; t < s->ntasks; t++)
            if (s->tasks[t].tgid == g->tgid) dot_thread(f, s, &s->tasks[t]);
        fprintf(f, "  }\n");
    }
    for (int i = 0; i < s->nres; i++) {
        const struct viz_res *r = &s->res[i];
        int users = viz_res_users(s, r->kind, r->id);
        if (!users || !viz_layout_kind_shown(o, r->kind)) continue;
        fprintf(f, "  r_%s_%d [shape=box, style=rounded, color=\"%s\", label=\"%s#%d\\n",
                viz_res_kind_name[r->kind], r->id, res_color[r->kind], viz_res_kind_name[r->kind],
                r->id);
        if (users > 1)
            fprintf(f, "shared x%d\"];\n", users);
        else if (r->copy_of)
            fprintf(f, "copy of %s#%d\"];\n", viz_res_kind_name[r->kind], r->copy_of);
        else
            fprintf(f, "own\"];\n");
    }
    for (int t = 0; t < s->ntasks; t++) {
        const struct viz_task *tk = &s->tasks[t];
        if (!viz_task_alive(tk)) continue;
        for (int k = 0; k < VIZ_NRES; k++)
            if (tk->res[k] && viz_layout_kind_shown(o, k))
                fprintf(f, "  t%d -> r_%s_%d [color=\"#8390A0\", arrowhead=none];\n", tk->tid,
                        viz_res_kind_name[k], tk->res[k]);
    }
    for (int i = 0; i < s->ngroups; i++) {
        const struct viz_group *g = &s->groups[i];
        const struct viz_task *p = viz_scene_task(s, g->parent);
        const struct viz_task *leader = viz_scene_task(s, g->leader);
        if (!p || !leader || (g->reaped && !(o && o->show_reaped))) continue;
        const struct viz_group *pg = viz_scene_group(s, p->tgid);
        if (pg && pg->reaped && !(o && o->show_reaped)) continue;
        fprintf(f,
                "  t%d -> t%d [ltail=cluster_p%d, lhead=cluster_p%d, penwidth=2, label=\"%s\"];\n",
                p->tid, g->leader, p->tgid, g->tgid, leader->call);
        if (leader->creator && leader->creator != g->parent) {
            const struct viz_task *c = viz_scene_task(s, leader->creator);
            if (c && c->tgid != p->tgid)
                fprintf(f, "  t%d -> t%d [style=dashed, label=\"created with CLONE_PARENT\"];\n",
                        c->tid, g->leader);
        }
    }
    fprintf(f, "}\n");
}

/* The parts of the frame outside the stage: header, side panel (the
 * current event, the signal's candidates, the selection, the legend) and
 * the timeline. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

#include "viz/render_util.h"

#define PX 1118.0f /* side panel */
#define PY 72.0f
#define PW 458.0f
#define PH 784.0f

void ru_header(struct viz_render *R, const struct viz_frame *f)
{
    ru_set_scale(R, 1);
    ru_fill(R, 0, 0, VIZ_DESIGN_W, 56, C_WHITE);
    ru_fill(R, 0, 56, VIZ_DESIGN_W, 1, C_CELL_EDGE);
    float w = ru_text(R, F_HEAD, "clonemu", 28, 14, C_TEXT1, 0);
    ru_text(R, F_HEAD, " viewer", 28 + w, 14, C_TEXT3, 0);
    ru_text(R, F_LABEL, "RUN", 250, 22, C_TEXT3, 0);
    ru_text(R, F_TITLE, f->title ? f->title : "", 284, 18, C_TEXT1, 0);
    char st[96];
    int seq = f->index >= 0 ? viz_ev_seq(f->log->ev[f->index]) : -1;
    int last = f->log->n ? viz_ev_seq(f->log->ev[f->log->n - 1]) : 0;
    snprintf(st, sizeof st, "%s \xc2\xb7 event %d of %d", f->playing ? "playing" : "paused", seq,
             last);
    ru_text(R, F_SANS, st, 1572, 20, C_TEXT2, 1);
}

static void flag_chips(struct viz_render *R, const char *flags, float x, float y, float maxx)
{
    static const struct {
        const char *flag;
        int kind;
    } map[] = {{"CLONE_VM", VR_MM},           {"CLONE_FILES", VR_FILES},
               {"CLONE_FS", VR_FS},           {"CLONE_SIGHAND", VR_SIGHAND},
               {"CLONE_SYSVSEM", VR_SYSVSEM}, {"CLONE_NEW", VR_NSPROXY}};
    char buf[256];
    snprintf(buf, sizeof buf, "%s", flags);
    float x0 = x;
    for (char *tok = strtok(buf, "|"); tok; tok = strtok(NULL, "|")) {
        struct rgba c = C_TEXT3;
        for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
            if (!strncmp(tok, map[i].flag, strlen(map[i].flag)) &&
                (tok[strlen(map[i].flag)] == 0 || map[i].kind == VR_NSPROXY))
                c = ru_res_color(map[i].kind);
        float w = ru_text_w(R, F_MONO_S, tok) + 10;
        if (x + w > maxx) {
            x = x0;
            y += 25;
        }
        x += ru_chip(R, x, y, tok, c, false) + 6;
    }
}

static float panel_route(struct viz_render *R, const struct viz_frame *f, float y)
{
    const struct viz_sigroute *r = &f->s->sig;
    if (r->seq < 0 || !r->ncand || f->s->seq - r->seq > 40) return y;
    char h[96];
    const struct viz_task *tt = viz_scene_task(f->s, r->target);
    snprintf(h, sizeof h, "THREADS OF PROCESS %d THAT COULD TAKE IT", tt ? tt->tgid : r->target);
    ru_text(R, F_LABEL, h, PX + 20, y, C_TEXT2, 0);
    y += 22;
    for (int i = 0; i < r->ncand; i++) {
        const struct viz_cand *c = &r->cand[i];
        bool chosen = c->tid == r->chosen;
        ru_rbox(R, PX + 20, y, PW - 40, 28, 7, chosen ? C_HANDLER_BG : C_CELL,
                chosen ? C_SIGNAL : C_CELL, chosen ? 2 : 1);
        char t[16], what[64];
        snprintf(t, sizeof t, "T%d", c->tid);
        ru_text(R, F_MONO_B, t, PX + 34, y + 5, C_TEXT1, 0);
        if (!strcmp(c->status, "blocked"))
            snprintf(what, sizeof what, "blocks %s", r->sig);
        else if (!strcmp(c->status, "eligible"))
            snprintf(what, sizeof what, "does not block it");
        else
            snprintf(what, sizeof what, "%s", c->status);
        ru_text(R, F_SANS, what, PX + 110, y + 5, C_TEXT1, 0);
        ru_text(R, F_SANS, chosen ? "chosen" : "skip", PX + PW - 34, y + 5,
                chosen ? C_SIGNAL : C_TEXT3, 1);
        y += 33;
    }
    y += 6;
    ru_text(R, F_LABEL, "WHY", PX + 20, y, C_TEXT2, 0);
    y += 20;
    y += ru_text_wrap(R, F_SMALL, r->why, PX + 20, y, PW - 40, C_TEXT1) + 12;
    return y;
}

static void panel_selection(struct viz_render *R, const struct viz_frame *f, float y)
{
    const struct viz_scene *s = f->s;
    char line[320];
    if (f->sel_kind == 'r') {
        const struct viz_res *r = viz_scene_res(s, f->sel_kind_res, f->sel_id);
        if (!r) return;
        snprintf(line, sizeof line, "SELECTED \xc2\xb7 %s#%d", viz_res_kind_name[r->kind], r->id);
        ru_text(R, F_LABEL, line, PX + 20, y, C_TEXT2, 0);
        int n = snprintf(line, sizeof line, "used by");
        for (int i = 0; i < s->ntasks && n < (int)sizeof line - 12; i++)
            if (viz_task_alive(&s->tasks[i]) && s->tasks[i].res[r->kind] == r->id)
                n += snprintf(line + n, sizeof line - (size_t)n, " T%d", s->tasks[i].tid);
        y += 22;
        y += ru_text_wrap(R, F_SANS, line, PX + 20, y, PW - 40, C_TEXT1) + 6;
        if (r->copy_of)
            snprintf(line, sizeof line, "a copy of %s#%d, made at event %d",
                     viz_res_kind_name[r->kind], r->copy_of, r->born);
        else
            snprintf(line, sizeof line, "created at event %d", r->born);
        ru_text_wrap(R, F_SANS, line, PX + 20, y, PW - 40, C_TEXT2);
        return;
    }
    int tid = f->sel_kind == 't' ? f->sel_id : s->anim_tid ? s->anim_tid : s->cur_tid;
    const struct viz_task *t = viz_scene_task(s, tid);
    if (!t) return;
    snprintf(line, sizeof line, "%s \xc2\xb7 T%d \xc2\xb7 CREATED AT EVENT %d",
             f->sel_kind == 't' ? "SELECTED" : "CURRENT TASK", t->tid, t->born);
    ru_text(R, F_LABEL, line, PX + 20, y, C_TEXT2, 0);
    y += 22;
    if (!*t->flags) {
        snprintf(line, sizeof line, "the first task (%s), parent %d", t->call, t->parent);
        ru_text(R, F_SANS, line, PX + 20, y, C_TEXT1, 0);
        return;
    }
    snprintf(line, sizeof line, "%s(...) by T%d", t->call, t->creator);
    ru_text(R, F_MONO_B, line, PX + 20, y, C_TEXT1, 0);
    flag_chips(R, t->flags, PX + 20, y + 26, PX + PW - 20);
}

static void legend(struct viz_render *R, float y)
{
    ru_text(R, F_LABEL, "LEGEND", PX + 20, y, C_TEXT2, 0);
    y += 22;
    for (int k = 0; k < VIZ_NRES; k++) {
        if (k == VR_IO) continue;
        int col = (k > VR_IO ? k - 1 : k) % 3, row = (k > VR_IO ? k - 1 : k) / 3;
        float x = PX + 20 + (float)col * 140, yy = y + (float)row * 22;
        ru_rbox(R, x, yy + 2, 13, 13, 3, ru_res_color(k), ru_res_color(k), 1);
        ru_text(R, F_SMALL, k == VR_NSPROXY ? "namespaces" : viz_res_kind_name[k], x + 20, yy,
                C_TEXT1, 0);
    }
    y += 50;
    float x = PX + 20;
    x += ru_pill(R, x, y, "running", PILL_RUNNING) + 6;
    x += ru_pill(R, x, y, "runnable", PILL_RUNNABLE) + 6;
    x += ru_pill(R, x, y, "futex wait", PILL_BLOCKED) + 6;
    y += 30;
    x = PX + 20;
    x += ru_pill(R, x, y, "in handler", PILL_HANDLER) + 6;
    x += ru_pill(R, x, y, "zombie", PILL_DEAD) + 6;
    y += 36;
    ru_line(R, PX + 20, y + 8, PX + 56, y + 8, 1.5f, C_TEXT3);
    ru_text(R, F_SMALL, "task \xe2\x86\x92 resource", PX + 64, y, C_TEXT1, 0);
    ru_line(R, PX + 230, y + 8, PX + 262, y + 8, 2, C_OUTLINE);
    ru_text(R, F_SMALL, "parent \xe2\x86\x92 child process", PX + 270, y, C_TEXT1, 0);
    y += 22;
    ru_line(R, PX + 20, y + 8, PX + 56, y + 8, 3, C_SIGNAL);
    ru_text(R, F_SMALL, "signal path, \xe2\x9d\x9a\xe2\x9d\x9a = a thread that blocks it", PX + 64,
            y, C_TEXT1, 0);
}

void ru_panel(struct viz_render *R, const struct viz_frame *f)
{
    ru_set_scale(R, 1);
    ru_rbox(R, PX, PY, PW, PH, 14, C_WHITE, C_CELL_EDGE, 1);
    char now[96];
    snprintf(now, sizeof now, "NOW \xc2\xb7 EVENT %d \xc2\xb7 %s", f->s->seq, f->s->kind);
    for (char *p = now; *p; p++)
        if (*p >= 'a' && *p <= 'z') *p = (char)(*p - 32);
    ru_text(R, F_LABEL, now, PX + 20, PY + 20, C_SIGNAL, 0);
    float y = PY + 42;
    y += ru_text_wrap(R, F_BIG, f->s->caption, PX + 20, y, PW - 40, C_TEXT1) + 16;
    y = panel_route(R, f, y);
    ru_fill(R, PX + 20, y, PW - 40, 1, C_CELL_EDGE);
    panel_selection(R, f, y + 14);
    ru_fill(R, PX + 20, PY + PH - 236, PW - 40, 1, C_CELL_EDGE);
    legend(R, PY + PH - 222);
}

static const char *tick_label(const cJSON *ev, char *buf, size_t size)
{
    const char *k = viz_ev_kind(ev);
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(ev, "child");
    const cJSON *sig = cJSON_GetObjectItemCaseSensitive(ev, "sig");
    if (!strcmp(k, "clone") && cJSON_IsNumber(c))
        snprintf(buf, size, "clone %d", (int)c->valuedouble);
    else if (cJSON_IsString(sig))
        snprintf(buf, size, "%s", sig->valuestring + (strncmp(sig->valuestring, "SIG", 3) ? 0 : 3));
    else
        snprintf(buf, size, "%s", k);
    return buf;
}

int viz_timeline_index(const struct viz_log *log, float x)
{
    if (log->n < 2) return 0;
    float u = (x - VIZ_TL_X0) / (VIZ_TL_X1 - VIZ_TL_X0);
    if (u < 0) u = 0;
    if (u > 1) u = 1;
    return (int)(u * (float)(log->n - 1) + 0.5f);
}

void ru_timeline(struct viz_render *R, const struct viz_frame *f)
{
    ru_set_scale(R, 1);
    ru_rbox(R, 20, 872, 1560, 116, 14, C_WHITE, C_CELL_EDGE, 1);
    ru_disc(R, 60, VIZ_TL_Y, 15, C_CELL, C_CELL);
    ru_fill(R, 52, VIZ_TL_Y - 6, 3, 12, C_TEXT2);
    ru_play_icon(R, 56, VIZ_TL_Y - 6, 12, C_TEXT2); /* (it points right: "step") */
    ru_disc(R, 104, VIZ_TL_Y, 22, C_TEXT1, C_TEXT1);
    if (f->playing)
        ru_pause_icon(R, 97, VIZ_TL_Y - 8, 16, C_WHITE);
    else
        ru_play_icon(R, 99, VIZ_TL_Y - 9, 18, C_WHITE);
    ru_disc(R, 148, VIZ_TL_Y, 15, C_CELL, C_CELL);
    ru_play_icon(R, 143, VIZ_TL_Y - 6, 12, C_TEXT2);
    ru_fill(R, 155, VIZ_TL_Y - 6, 3, 12, C_TEXT2);
    const struct viz_log *log = f->log;
    float span = VIZ_TL_X1 - VIZ_TL_X0, n1 = (float)(log->n > 1 ? log->n - 1 : 1);
    float cur = VIZ_TL_X0 + span * (float)(f->index < 0 ? 0 : f->index) / n1;
    ru_rbox(R, VIZ_TL_X0, VIZ_TL_Y - 3, span, 6, 3, C_CELL_EDGE, C_CELL_EDGE, 1);
    ru_rbox(R, VIZ_TL_X0, VIZ_TL_Y - 3, cur - VIZ_TL_X0 + 1, 6, 3, C_TEXT2, C_TEXT2, 1);
    float last_label = -1000;
    for (int i = 0; i < log->n; i++) {
        if (!ru_is_major(R, log, i)) continue;
        float x = VIZ_TL_X0 + span * (float)i / n1;
        bool sig = !strncmp(viz_ev_kind(log->ev[i]), "signal", 6);
        struct rgba c = sig ? C_SIGNAL : C_OUTLINE;
        ru_fill(R, x - 1, VIZ_TL_Y - 12, 2, 24, c);
        if (x - last_label > 64) {
            char buf[48];
            ru_text(R, F_SMALL, tick_label(log->ev[i], buf, sizeof buf), x, VIZ_TL_Y + 16,
                    sig ? C_SIGNAL : C_TEXT2, 2);
            last_label = x;
        }
    }
    ru_disc(R, cur, VIZ_TL_Y, 9, C_SIGNAL, C_WHITE);
    ru_disc(R, cur, VIZ_TL_Y, 7, C_SIGNAL, C_SIGNAL);
    char sp[16];
    snprintf(sp, sizeof sp, "%.1f\xc3\x97", (double)f->speed);
    ru_text(R, F_BIG, sp, 1330, 898, C_TEXT1, 0);
    ru_text(R, F_SMALL, "speed", 1332, 928, C_TEXT3, 0);
    static const char *const keys[][2] = {{"space", "play / pause"},
                                          {"\xe2\x86\x90 \xe2\x86\x92", "step"},
                                          {"+ \xe2\x88\x92", "speed"},
                                          {"wheel, drag", "zoom, pan"}};
    for (int i = 0; i < 4; i++) {
        float x = 1404, y = 882 + (float)i * 25;
        ru_rbox(R, x, y, 74, 21, 4, C_CELL, C_CELL_EDGE, 1);
        ru_text(R, F_SMALL, keys[i][0], x + 37, y + 2, C_TEXT1, 2);
        ru_text(R, F_SMALL, keys[i][1], x + 82, y + 2, C_TEXT2, 0);
    }
}

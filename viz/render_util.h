/* Drawing helpers of the renderer (private to viz/render*.c): colours of
 * the visual target (Okabe-Ito), fonts, a text-texture cache, and shapes
 * in design units (render.h), drawn with SDL2_gfx. */
#ifndef VIZ_RENDER_UTIL_H
#define VIZ_RENDER_UTIL_H

#include <SDL2/SDL.h>
#include <stdbool.h>
#include <stdint.h>

#include "viz/render.h"

struct rgba {
    uint8_t r, g, b, a;
};

#define C_PAGE       ((struct rgba){0xF3, 0xF5, 0xF8, 255})
#define C_STAGE      ((struct rgba){0xEC, 0xEF, 0xF3, 255})
#define C_WHITE      ((struct rgba){0xFF, 0xFF, 0xFF, 255})
#define C_CELL       ((struct rgba){0xF6, 0xF8, 0xFA, 255})
#define C_CELL_EDGE  ((struct rgba){0xD5, 0xDB, 0xE3, 255})
#define C_OUTLINE    ((struct rgba){0x3A, 0x46, 0x54, 255})
#define C_TEXT1      ((struct rgba){0x1E, 0x26, 0x30, 255})
#define C_TEXT2      ((struct rgba){0x4F, 0x5B, 0x69, 255})
#define C_TEXT3      ((struct rgba){0x83, 0x90, 0xA0, 255})
#define C_SIGNAL     ((struct rgba){0xD5, 0x5E, 0x00, 255})
#define C_HANDLER_BG ((struct rgba){0xFD, 0xEF, 0xE6, 255})
#define C_FROZEN     ((struct rgba){0xDD, 0xE2, 0xE8, 255})
#define C_BLOCKED_BG ((struct rgba){0xE3, 0xE7, 0xEC, 255})
#define C_CABLE      ((struct rgba){0x83, 0x90, 0xA0, 110})
#define C_CABLE_HOT  ((struct rgba){0x4F, 0x5B, 0x69, 255})
#define C_MM         ((struct rgba){0x00, 0x72, 0xB2, 255})
#define C_FILES      ((struct rgba){0xE6, 0x9F, 0x00, 255})
#define C_FS         ((struct rgba){0x00, 0x9E, 0x73, 255})
#define C_SIGHAND    ((struct rgba){0xCC, 0x79, 0xA7, 255})
#define C_SYSVSEM    ((struct rgba){0x56, 0xB4, 0xE9, 255})
#define C_NS         ((struct rgba){0x3D, 0x47, 0x54, 255})
#define C_IO         ((struct rgba){0x99, 0x99, 0x99, 255})

enum ru_font {
    F_SANS,
    F_SMALL,
    F_LABEL,
    F_TITLE,
    F_BIG,
    F_HEAD,
    F_MONO_B,
    F_MONO_S,
    F_ITALIC,
    F_NFONTS
};
enum ru_pill { PILL_RUNNING, PILL_RUNNABLE, PILL_BLOCKED, PILL_HANDLER, PILL_DEAD };

struct viz_render;

struct rgba ru_res_color(int kind);
struct rgba ru_res_text_color(int kind);
/* World text and shapes scale with the view: k multiplies sizes. */
void ru_set_scale(struct viz_render *R, float k);
void ru_clear(struct viz_render *R, struct rgba c);
void ru_clip(struct viz_render *R, float x, float y, float w, float h); /* w=0: none */
/* align: 0 left, 1 right (x is the right edge), 2 centred. Returns the width. */
float ru_text(struct viz_render *R, enum ru_font f, const char *s, float x, float y, struct rgba c,
              int align);
/* Wrapped to width w; returns the height used. */
float ru_text_wrap(struct viz_render *R, enum ru_font f, const char *s, float x, float y, float w,
                   struct rgba c);
float ru_text_w(struct viz_render *R, enum ru_font f, const char *s);
void ru_fill(struct viz_render *R, float x, float y, float w, float h, struct rgba c);
void ru_rbox(struct viz_render *R, float x, float y, float w, float h, float rad, struct rgba fill,
             struct rgba edge, float ew);
void ru_rbox_dashed(struct viz_render *R, float x, float y, float w, float h, float rad,
                    struct rgba fill, struct rgba edge);
void ru_line(struct viz_render *R, float x0, float y0, float x1, float y1, float w, struct rgba c);
void ru_dashed(struct viz_render *R, float x0, float y0, float x1, float y1, float w,
               struct rgba c);
void ru_curve(struct viz_render *R, float x0, float y0, float x1, float y1, float x2, float y2,
              float x3, float y3, float w, struct rgba c);
void ru_disc(struct viz_render *R, float x, float y, float rad, struct rgba fill, struct rgba edge);
void ru_arrowhead(struct viz_render *R, float x, float y,
                  struct rgba c); /* pointing down at (x,y) */
float ru_chip(struct viz_render *R, float x, float y, const char *s, struct rgba c, bool dashed);
float ru_pill(struct viz_render *R, float x, float y, const char *s, enum ru_pill kind);
void ru_tag(struct viz_render *R, float x, float y, const char *s);
void ru_pause_badge(struct viz_render *R, float x, float y, const char *s);
void ru_token(struct viz_render *R, float x, float y, const char *s);
void ru_pause_icon(struct viz_render *R, float x, float y, float h, struct rgba c);
void ru_play_icon(struct viz_render *R, float x, float y, float h, struct rgba c);

/* viz_ev_is_major(log->ev[i]), cached across frames (the timeline). */
bool ru_is_major(struct viz_render *R, const struct viz_log *log, int i);

/* render_panel.c */
void ru_header(struct viz_render *R, const struct viz_frame *f);
void ru_panel(struct viz_render *R, const struct viz_frame *f);
void ru_timeline(struct viz_render *R, const struct viz_frame *f);

#endif

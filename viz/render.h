/* The SDL2 renderer: draws one laid-out scene (layout.h) into an
 * SDL_Renderer, in a 1600x1000 design space scaled by `ui`. It computes
 * nothing about the model: every box comes from the layout, every word
 * from the scene. Fonts: DejaVu (Debian fonts-dejavu-core) via SDL2_ttf;
 * shapes: SDL2_gfx. */
#ifndef VIZ_RENDER_H
#define VIZ_RENDER_H

#include <SDL2/SDL.h>

#include "viz/layout.h"

#define VIZ_DESIGN_W 1600
#define VIZ_DESIGN_H 1000

/* The stage (tree + resources) in design units; the view maps world
 * units into it. */
struct viz_view {
    float x, y, w, h; /* stage rectangle */
    float zoom;       /* user zoom, 1 = fit */
    float pan_x, pan_y;
    float scale, off_x, off_y; /* computed: design = off + world * scale */
};
/* Fit L into v's stage (at most 1:1), then apply zoom and pan. */
void viz_view_fit(struct viz_view *v, const struct viz_layout *L);
void viz_view_default(struct viz_view *v);

struct viz_frame {
    const struct viz_scene *s;
    const struct viz_layout *L;
    const struct viz_layout_opts *opts;
    const struct viz_log *log;
    int index; /* of the current event in log */
    float t;   /* animation progress of the current event, 0..1 */
    struct viz_view *view;
    char sel_kind;            /* 't' thread, 'r' resource, 0: follow the current event */
    int sel_id, sel_kind_res; /* tid, or resource id + kind */
    bool playing;
    float speed;
    const char *title; /* the program */
};

struct viz_render;
/* NULL with a message in err if a font cannot be opened. */
struct viz_render *viz_render_new(SDL_Renderer *r, float ui, char *err, int errlen);
void viz_render_free(struct viz_render *R);
void viz_render_draw(struct viz_render *R, const struct viz_frame *f);

/* Timeline geometry (design units) shared with the input handling. */
#define VIZ_TL_X0 200.0f
#define VIZ_TL_X1 1300.0f
#define VIZ_TL_Y  922.0f
/* The event index a click at design x on the timeline means. */
int viz_timeline_index(const struct viz_log *log, float x);

#endif

/* Fonts, the text cache and shapes (render_util.h). */
#include "viz/render_util.h"

#include <SDL2/SDL2_gfxPrimitives.h>
#include <SDL2/SDL_ttf.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FONT_DIR "/usr/share/fonts/truetype/dejavu/"
#define NCACHE   2048
#define NSIZES   48

struct text_entry {
    char *s;
    int font, px;
    struct rgba c;
    SDL_Texture *tex;
    int w, h;
};

struct font_entry {
    int face, px;
    TTF_Font *f;
};

struct viz_render {
    SDL_Renderer *r;
    float ui; /* pixels per design unit */
    float k;  /* world scale for sizes */
    struct text_entry cache[NCACHE];
    struct font_entry fonts[NSIZES];
    int nfonts, next_font;
    const void *major_log; /* the log major[] describes */
    unsigned char *major;  /* viz_ev_is_major of each event, computed once */
    int nmajor, cap_major;
};

bool ru_is_major(struct viz_render *R, const struct viz_log *log, int i)
{
    if (R->major_log != log || log->n < R->nmajor) R->nmajor = 0, R->major_log = log;
    if (log->n > R->cap_major) {
        int cap = log->n * 2;
        unsigned char *m = realloc(R->major, (size_t)cap);
        if (!m) abort();
        R->major = m;
        R->cap_major = cap;
    }
    for (; R->nmajor < log->n; R->nmajor++)
        R->major[R->nmajor] = viz_ev_is_major(log->ev[R->nmajor]);
    return R->major[i];
}

static const struct {
    const char *file;
    float size;
    int style;
} font_spec[F_NFONTS] = {
    [F_SANS] = {"DejaVuSans.ttf", 14, 0},
    [F_SMALL] = {"DejaVuSans.ttf", 12.5f, 0},
    [F_LABEL] = {"DejaVuSans-Bold.ttf", 11.5f, 0},
    [F_TITLE] = {"DejaVuSans-Bold.ttf", 17, 0},
    [F_BIG] = {"DejaVuSans-Bold.ttf", 21, 0},
    [F_HEAD] = {"DejaVuSans-Bold.ttf", 22, 0},
    [F_MONO_B] = {"DejaVuSansMono-Bold.ttf", 15, 0},
    [F_MONO_S] = {"DejaVuSansMono.ttf", 12.5f, 0},
    [F_ITALIC] = {"DejaVuSans.ttf", 12.5f, TTF_STYLE_ITALIC},
};

struct viz_render *viz_render_new(SDL_Renderer *r, float ui, char *err, int errlen)
{
    if (!TTF_WasInit() && TTF_Init() != 0) {
        snprintf(err, (size_t)errlen, "SDL_ttf: %s", TTF_GetError());
        return NULL;
    }
    for (int i = 0; i < F_NFONTS; i++) { /* fail early if a face is missing */
        char path[256];
        snprintf(path, sizeof path, FONT_DIR "%s", font_spec[i].file);
        TTF_Font *f = TTF_OpenFont(path, 12);
        if (!f) {
            snprintf(err, (size_t)errlen, "%s: %s (install fonts-dejavu-core)", path,
                     TTF_GetError());
            return NULL;
        }
        TTF_CloseFont(f);
    }
    struct viz_render *R = calloc(1, sizeof *R);
    if (!R) return NULL;
    R->r = r;
    R->ui = ui;
    R->k = 1;
    SDL_SetRenderDrawBlendMode(r, SDL_BLENDMODE_BLEND);
    return R;
}

void viz_render_free(struct viz_render *R)
{
    if (!R) return;
    for (int i = 0; i < NCACHE; i++) {
        free(R->cache[i].s);
        if (R->cache[i].tex) SDL_DestroyTexture(R->cache[i].tex);
    }
    for (int i = 0; i < R->nfonts; i++)
        TTF_CloseFont(R->fonts[i].f);
    free(R->major);
    free(R);
}

void ru_set_scale(struct viz_render *R, float k)
{
    R->k = k;
}

static int P(const struct viz_render *R, float v)
{
    return (int)lroundf(v * R->ui);
}

static TTF_Font *font_at(struct viz_render *R, int face, int px)
{
    for (int i = 0; i < R->nfonts; i++)
        if (R->fonts[i].face == face && R->fonts[i].px == px) return R->fonts[i].f;
    char path[256];
    snprintf(path, sizeof path, FONT_DIR "%s", font_spec[face].file);
    TTF_Font *f = TTF_OpenFont(path, px);
    if (!f) {
        fprintf(stderr, "clonemu viz: %s: %s\n", path, TTF_GetError());
        abort(); /* checked in viz_render_new */
    }
    TTF_SetFontStyle(f, font_spec[face].style);
    int slot = R->nfonts < NSIZES ? R->nfonts++ : (R->next_font++ % NSIZES);
    if (R->fonts[slot].f) TTF_CloseFont(R->fonts[slot].f); /* evicted */
    R->fonts[slot] = (struct font_entry){face, px, f};
    return f;
}

static int font_px(const struct viz_render *R, enum ru_font f)
{
    int px = (int)lroundf(font_spec[f].size * R->ui * R->k);
    return px < 5 ? 5 : px;
}

static struct text_entry *text_get(struct viz_render *R, enum ru_font f, const char *s,
                                   struct rgba c)
{
    int px = font_px(R, f);
    unsigned h = 2166136261u ^ (unsigned)f * 16777619u ^ (unsigned)px * 97u;
    for (const char *p = s; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    h ^= (unsigned)c.r << 16 ^ (unsigned)c.g << 8 ^ c.b ^ (unsigned)c.a << 24;
    struct text_entry *e = &R->cache[h % NCACHE];
    if (e->s && e->font == (int)f && e->px == px && !memcmp(&e->c, &c, sizeof c) &&
        !strcmp(e->s, s))
        return e;
    free(e->s);
    if (e->tex) SDL_DestroyTexture(e->tex);
    memset(e, 0, sizeof *e);
    SDL_Surface *surf =
        TTF_RenderUTF8_Blended(font_at(R, f, px), s, (SDL_Color){c.r, c.g, c.b, c.a});
    if (!surf) return NULL;
    e->tex = SDL_CreateTextureFromSurface(R->r, surf);
    e->w = surf->w;
    e->h = surf->h;
    SDL_FreeSurface(surf);
    e->s = strdup(s);
    e->font = f;
    e->px = px;
    e->c = c;
    return e;
}

float ru_text_w(struct viz_render *R, enum ru_font f, const char *s)
{
    if (!*s) return 0;
    struct text_entry *e = text_get(R, f, s, C_TEXT1);
    return e ? (float)e->w / R->ui : 0;
}

float ru_text(struct viz_render *R, enum ru_font f, const char *s, float x, float y, struct rgba c,
              int align)
{
    if (!*s) return 0;
    struct text_entry *e = text_get(R, f, s, c);
    if (!e || !e->tex) return 0;
    float w = (float)e->w / R->ui;
    if (align == 1) x -= w;
    if (align == 2) x -= w / 2;
    SDL_Rect dst = {P(R, x), P(R, y), e->w, e->h};
    SDL_RenderCopy(R->r, e->tex, NULL, &dst);
    return w;
}

float ru_text_wrap(struct viz_render *R, enum ru_font f, const char *s, float x, float y, float w,
                   struct rgba c)
{
    if (!*s) return 0;
    SDL_Surface *surf = TTF_RenderUTF8_Blended_Wrapped(
        font_at(R, f, font_px(R, f)), s, (SDL_Color){c.r, c.g, c.b, c.a}, (Uint32)P(R, w));
    if (!surf) return 0;
    SDL_Texture *t = SDL_CreateTextureFromSurface(R->r, surf);
    SDL_Rect dst = {P(R, x), P(R, y), surf->w, surf->h};
    SDL_RenderCopy(R->r, t, NULL, &dst);
    float h = (float)surf->h / R->ui;
    SDL_DestroyTexture(t);
    SDL_FreeSurface(surf);
    return h;
}

/* --- shapes ------------------------------------------------------------- */

struct rgba ru_res_color(int kind)
{
    static const struct rgba c[VIZ_NRES] = {C_MM, C_FILES, C_FS, C_SIGHAND, C_SYSVSEM, C_IO, C_NS};
    return kind >= 0 && kind < VIZ_NRES ? c[kind] : C_IO;
}

/* Text on white: the light colours darkened enough to read. */
struct rgba ru_res_text_color(int kind)
{
    switch (kind) {
    case VR_FILES: return (struct rgba){0xA8, 0x72, 0x00, 255};
    case VR_SYSVSEM: return (struct rgba){0x2A, 0x86, 0xBD, 255};
    case VR_SIGHAND: return (struct rgba){0xB0, 0x4E, 0x8A, 255};
    default: return ru_res_color(kind);
    }
}

void ru_clear(struct viz_render *R, struct rgba c)
{
    SDL_SetRenderDrawColor(R->r, c.r, c.g, c.b, 255);
    SDL_RenderClear(R->r);
}

void ru_clip(struct viz_render *R, float x, float y, float w, float h)
{
    SDL_Rect c = {P(R, x), P(R, y), P(R, w), P(R, h)};
    SDL_RenderSetClipRect(R->r, w > 0 ? &c : NULL);
}

void ru_fill(struct viz_render *R, float x, float y, float w, float h, struct rgba c)
{
    boxRGBA(R->r, (Sint16)P(R, x), (Sint16)P(R, y), (Sint16)(P(R, x + w) - 1),
            (Sint16)(P(R, y + h) - 1), c.r, c.g, c.b, c.a);
}

static void rbox_fill(struct viz_render *R, int x0, int y0, int x1, int y1, int rad, struct rgba c)
{
    int maxr = ((x1 - x0) < (y1 - y0) ? (x1 - x0) : (y1 - y0)) / 2;
    if (rad > maxr) rad = maxr;
    if (rad < 1)
        boxRGBA(R->r, (Sint16)x0, (Sint16)y0, (Sint16)x1, (Sint16)y1, c.r, c.g, c.b, c.a);
    else
        roundedBoxRGBA(R->r, (Sint16)x0, (Sint16)y0, (Sint16)x1, (Sint16)y1, (Sint16)rad, c.r, c.g,
                       c.b, c.a);
}

void ru_rbox(struct viz_render *R, float x, float y, float w, float h, float rad, struct rgba fill,
             struct rgba edge, float ew)
{
    int x0 = P(R, x), y0 = P(R, y), x1 = P(R, x + w) - 1, y1 = P(R, y + h) - 1;
    int r = P(R, rad * R->k), e = (int)lroundf(ew * R->ui);
    if (e < 1) e = 1;
    if (x1 - x0 < 2 * e + 2 || y1 - y0 < 2 * e + 2) {
        rbox_fill(R, x0, y0, x1, y1, r, edge);
        return;
    }
    rbox_fill(R, x0, y0, x1, y1, r, edge);
    rbox_fill(R, x0 + e, y0 + e, x1 - e, y1 - e, r - e, fill);
}

void ru_dashed(struct viz_render *R, float x0, float y0, float x1, float y1, float w, struct rgba c)
{
    float len = hypotf(x1 - x0, y1 - y0), dash = 7, gap = 5;
    if (len < 1) return;
    float dx = (x1 - x0) / len, dy = (y1 - y0) / len;
    for (float d = 0; d < len; d += dash + gap) {
        float e = fminf(d + dash, len);
        ru_line(R, x0 + dx * d, y0 + dy * d, x0 + dx * e, y0 + dy * e, w, c);
    }
}

void ru_rbox_dashed(struct viz_render *R, float x, float y, float w, float h, float rad,
                    struct rgba fill, struct rgba edge)
{
    ru_rbox(R, x, y, w, h, rad, fill, fill, 1);
    float r = rad * R->k;
    ru_dashed(R, x + r, y, x + w - r, y, 1.5f, edge);
    ru_dashed(R, x + r, y + h, x + w - r, y + h, 1.5f, edge);
    ru_dashed(R, x, y + r, x, y + h - r, 1.5f, edge);
    ru_dashed(R, x + w, y + r, x + w, y + h - r, 1.5f, edge);
}

void ru_line(struct viz_render *R, float x0, float y0, float x1, float y1, float w, struct rgba c)
{
    int pw = (int)lroundf(w * R->ui);
    if (R->k < 0.45f && pw <= 3) { /* a zoomed-out world: plain 1-pixel lines, no polygons */
        SDL_SetRenderDrawColor(R->r, c.r, c.g, c.b, c.a);
        SDL_RenderDrawLine(R->r, P(R, x0), P(R, y0), P(R, x1), P(R, y1));
        return;
    }
    if (pw <= 1)
        aalineRGBA(R->r, (Sint16)P(R, x0), (Sint16)P(R, y0), (Sint16)P(R, x1), (Sint16)P(R, y1),
                   c.r, c.g, c.b, c.a);
    else
        thickLineRGBA(R->r, (Sint16)P(R, x0), (Sint16)P(R, y0), (Sint16)P(R, x1), (Sint16)P(R, y1),
                      (Uint8)pw, c.r, c.g, c.b, c.a);
}

void ru_curve(struct viz_render *R, float x0, float y0, float x1, float y1, float x2, float y2,
              float x3, float y3, float w, struct rgba c)
{
    float px = x0, py = y0;
    /* as many segments as the curve is long, in pixels / 8: 2 to 20 */
    int n = (int)((fabsf(x3 - x0) + fabsf(y3 - y0)) * R->ui / 8);
    n = n < 2 ? 2 : n > 20 ? 20 : n;
    for (int i = 1; i <= n; i++) {
        float t = (float)i / (float)n, u = 1 - t;
        float x = u * u * u * x0 + 3 * u * u * t * x1 + 3 * u * t * t * x2 + t * t * t * x3;
        float y = u * u * u * y0 + 3 * u * u * t * y1 + 3 * u * t * t * y2 + t * t * t * y3;
        ru_line(R, px, py, x, y, w, c);
        px = x, py = y;
    }
}

void ru_disc(struct viz_render *R, float x, float y, float rad, struct rgba fill, struct rgba edge)
{
    int r = P(R, rad);
    if (r < 1) r = 1;
    filledCircleRGBA(R->r, (Sint16)P(R, x), (Sint16)P(R, y), (Sint16)r, edge.r, edge.g, edge.b,
                     edge.a);
    if (r > 2)
        filledCircleRGBA(R->r, (Sint16)P(R, x), (Sint16)P(R, y), (Sint16)(r - (int)R->ui - 1),
                         fill.r, fill.g, fill.b, fill.a);
}

void ru_arrowhead(struct viz_render *R, float x, float y, struct rgba c)
{
    float s = 7;
    filledTrigonRGBA(R->r, (Sint16)P(R, x - s), (Sint16)P(R, y - 1.6f * s), (Sint16)P(R, x + s),
                     (Sint16)P(R, y - 1.6f * s), (Sint16)P(R, x), (Sint16)P(R, y), c.r, c.g, c.b,
                     c.a);
}

void ru_pause_icon(struct viz_render *R, float x, float y, float h, struct rgba c)
{
    ru_fill(R, x, y, h * 0.28f, h, c);
    ru_fill(R, x + h * 0.5f, y, h * 0.28f, h, c);
}

void ru_play_icon(struct viz_render *R, float x, float y, float h, struct rgba c)
{
    filledTrigonRGBA(R->r, (Sint16)P(R, x), (Sint16)P(R, y), (Sint16)P(R, x), (Sint16)P(R, y + h),
                     (Sint16)P(R, x + h * 0.85f), (Sint16)P(R, y + h / 2), c.r, c.g, c.b, c.a);
}

float ru_chip(struct viz_render *R, float x, float y, const char *s, struct rgba c, bool dashed)
{
    float k = R->k, w = ru_text_w(R, F_MONO_S, s) + 10 * k, h = 19 * k;
    if (dashed)
        ru_rbox_dashed(R, x, y, w, h, 4, C_WHITE, c);
    else
        ru_rbox(R, x, y, w, h, 4,
                (struct rgba){(uint8_t)(255 - (255 - c.r) * 3 / 20),
                              (uint8_t)(255 - (255 - c.g) * 3 / 20),
                              (uint8_t)(255 - (255 - c.b) * 3 / 20), 255},
                c, 1.2f);
    ru_text(R, F_MONO_S, s, x + 5 * k, y + 2 * k, C_TEXT1, 0);
    return w;
}

float ru_pill(struct viz_render *R, float x, float y, const char *s, enum ru_pill kind)
{
    float k = R->k, h = 24 * k, w = ru_text_w(R, F_SMALL, s) + 34 * k;
    struct rgba fill = C_WHITE, edge = C_OUTLINE, text = C_TEXT1;
    switch (kind) {
    case PILL_RUNNING: fill = edge = C_TEXT1, text = C_WHITE; break;
    case PILL_RUNNABLE: break;
    case PILL_BLOCKED: fill = C_BLOCKED_BG, edge = C_TEXT3; break;
    case PILL_HANDLER: fill = edge = C_SIGNAL, text = C_WHITE; break;
    case PILL_DEAD: edge = C_TEXT3, text = C_TEXT2; break;
    }
    if (kind == PILL_DEAD)
        ru_rbox_dashed(R, x, y, w, h, 12, fill, edge);
    else
        ru_rbox(R, x, y, w, h, 12, fill, edge, 1.3f);
    float ix = x + 10 * k, iy = y + 7 * k, ih = 10 * k;
    switch (kind) {
    case PILL_RUNNING: ru_play_icon(R, ix, iy, ih, C_WHITE); break;
    case PILL_RUNNABLE: ru_disc(R, ix + 5 * k, iy + 5 * k, 5 * k, C_WHITE, C_TEXT1); break;
    case PILL_BLOCKED: ru_pause_icon(R, ix, iy, ih, C_TEXT1); break;
    case PILL_HANDLER:
        filledTrigonRGBA(R->r, (Sint16)P(R, ix + 6 * k), (Sint16)P(R, iy - 1 * k), (Sint16)P(R, ix),
                         (Sint16)P(R, iy + 6 * k), (Sint16)P(R, ix + 5 * k),
                         (Sint16)P(R, iy + 6 * k), 255, 255, 255, 255);
        filledTrigonRGBA(R->r, (Sint16)P(R, ix + 3 * k), (Sint16)P(R, iy + 5 * k),
                         (Sint16)P(R, ix + 8 * k), (Sint16)P(R, iy + 5 * k),
                         (Sint16)P(R, ix + 2 * k), (Sint16)P(R, iy + 12 * k), 255, 255, 255, 255);
        break;
    case PILL_DEAD:
        ru_line(R, ix, iy, ix + ih, iy + ih, 1.5f * k, C_TEXT2);
        ru_line(R, ix + ih, iy, ix, iy + ih, 1.5f * k, C_TEXT2);
        break;
    }
    ru_text(R, F_SMALL, s, x + 26 * k, y + 4 * k, text, 0);
    return w;
}

void ru_tag(struct viz_render *R, float x, float y, const char *s)
{
    float k = R->k, w = ru_text_w(R, F_SMALL, s) + 10 * k;
    ru_rbox(R, x, y, w, 18 * k, 4, C_BLOCKED_BG, C_BLOCKED_BG, 1);
    ru_text(R, F_SMALL, s, x + 5 * k, y + 1 * k, C_TEXT2, 0);
}

void ru_pause_badge(struct viz_render *R, float x, float y, const char *s)
{
    float k = R->k;
    ru_disc(R, x, y, 10 * k, C_WHITE, C_SIGNAL);
    ru_pause_icon(R, x - 4 * k, y - 5 * k, 10 * k, C_SIGNAL);
    ru_text(R, F_SMALL, s, x + 14 * k, y - 8 * k, C_SIGNAL, 0);
}

void ru_token(struct viz_render *R, float x, float y, const char *s)
{
    float k = R->k, w = ru_text_w(R, F_LABEL, s) + 22 * k, h = 24 * k;
    ru_rbox(R, x - w / 2 - 3 * k, y - h / 2 - 3 * k, w + 6 * k, h + 6 * k, 15,
            (struct rgba){0xD5, 0x5E, 0x00, 70}, (struct rgba){0xD5, 0x5E, 0x00, 70}, 1);
    ru_rbox(R, x - w / 2, y - h / 2, w, h, 12, C_SIGNAL, C_SIGNAL, 1);
    ru_text(R, F_LABEL, s, x, y - h / 2 + 5 * k, C_WHITE, 2);
}

/* `clonemu viz [OPTION]... RUN.jsonl`: the viewer's front end. Loads a
 * recorded run (clonemu run --events), then either writes one moment as
 * PNG (--png, headless: a software renderer on a surface, drawn at 2x and
 * averaged down) or DOT (--dot), or opens the window. */
#include "viz/app.h"

#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "viz/dot.h"
#include "viz/history.h"
#include "viz/live.h"
#include "viz/perfetto.h"
#include "viz/png.h"
#include "viz/render.h"

struct app {
    struct viz_log log;
    struct viz_scene s;
    struct viz_layout L;
    struct viz_layout_opts lo;
    struct viz_history hist;
    struct viz_view view;
    int index; /* the event shown (index in log) */
    float t;   /* its animation progress */
    bool playing;
    float speed;
    char sel_kind;
    int sel_id, sel_res_kind;
    const char *title, *shot;
    struct viz_feed *feed; /* live: the run's events arrive here */
    bool follow;           /* live: show the newest event */
    bool exit_at_end;
    long frames;
};

static void usage(FILE *f)
{
    fputs("Usage: clonemu viz [OPTION]... RUN.jsonl\n"
          "Show a run recorded with `clonemu run --events=RUN.jsonl`: processes as\n"
          "boxes holding their threads, what they share, where each signal lands.\n"
          "\n"
          "  --at=SEQ         start at (or draw) the moment after event SEQ (default: the\n"
          "                   last event for --png/--dot, the first in the window)\n"
          "  --png=FILE       draw that moment into FILE (1600x1000 PNG) and exit; no display\n"
          "  --dot=FILE       write that moment as Graphviz DOT ('-' = stdout) and exit\n"
          "  --perfetto=FILE  write the whole run as a Chrome/Perfetto JSON trace (open it in\n"
          "                   ui.perfetto.dev) and exit: a track per task, syscall and\n"
          "                   blocked slices, signal/wakeup/clone arrows\n"
          "  --io             also show the io contexts (one per task)\n"
          "  --title=TEXT     the run's name in the header (default: the file name)\n"
          "  --screenshot=FILE  where the window's `s` key saves a PNG\n"
          "  -h, --help       display this help and exit\n"
          "\n"
          "Window keys: space play/pause, right/left step, home/end, +/- speed,\n"
          "wheel zoom, drag pan, 0 reset view, click a thread or resource for details,\n"
          "i io contexts, s screenshot, q quit.\n",
          f);
}

static void app_goto(struct app *a, int index)
{
    if (index < -1) index = -1;
    if (index >= a->log.n) index = a->log.n - 1;
    viz_history_goto(&a->hist, &a->s, &a->index, index); /* back: from a snapshot */
    a->t = 0;
    viz_layout_build(&a->L, &a->s, &a->lo);
}

static int next_step(const struct app *a, int from, int dir)
{
    for (int i = from + dir; i >= 0 && i < a->log.n; i += dir)
        if (viz_ev_is_step(a->log.ev[i])) return i;
    return from;
}

static struct viz_frame frame_of(struct app *a)
{
    viz_view_fit(&a->view, &a->L);
    return (struct viz_frame){.s = &a->s,
                              .L = &a->L,
                              .opts = &a->lo,
                              .log = &a->log,
                              .index = a->index,
                              .t = a->t,
                              .view = &a->view,
                              .sel_kind = a->sel_kind,
                              .sel_id = a->sel_id,
                              .sel_kind_res = a->sel_res_kind,
                              .playing = a->playing,
                              .speed = a->speed,
                              .title = a->title};
}

/* --- headless ------------------------------------------------------------ */

static int write_png(struct app *a, const char *path)
{
    const int ss = 2, W = VIZ_DESIGN_W, H = VIZ_DESIGN_H;
    SDL_Surface *surf =
        SDL_CreateRGBSurfaceWithFormat(0, W * ss, H * ss, 32, SDL_PIXELFORMAT_ABGR8888);
    SDL_Renderer *r = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
    char err[256] = "";
    struct viz_render *R = r ? viz_render_new(r, (float)ss, err, sizeof err) : NULL;
    if (!R) {
        fprintf(stderr, "clonemu viz: cannot draw: %s\n", *err ? err : SDL_GetError());
        return 1;
    }
    a->t = 1; /* a still: every animation at its end */
    struct viz_frame f = frame_of(a);
    viz_render_draw(R, &f);
    SDL_RenderPresent(r);
    /* average ss x ss blocks: anti-aliasing for free */
    uint8_t *out = malloc((size_t)W * H * 4);
    const uint8_t *in = surf->pixels;
    for (int y = 0; y < H; y++)
        for (int x = 0; x < W; x++)
            for (int c = 0; c < 4; c++) {
                int sum = 0;
                for (int dy = 0; dy < ss; dy++)
                    for (int dx = 0; dx < ss; dx++)
                        sum += in[(size_t)(y * ss + dy) * (size_t)surf->pitch +
                                  (size_t)(x * ss + dx) * 4 + (size_t)c];
                out[((size_t)y * W + (size_t)x) * 4 + (size_t)c] =
                    c == 3 ? 255 : (uint8_t)(sum / (ss * ss));
            }
    int rc = viz_png_write(path, out, W, H, W * 4) ? 1 : 0;
    free(out);
    viz_render_free(R);
    SDL_DestroyRenderer(r);
    SDL_FreeSurface(surf);
    return rc;
}

/* --- the window ------------------------------------------------------------ */

static void screenshot(SDL_Renderer *r, const char *path)
{
    int w, h;
    SDL_GetRendererOutputSize(r, &w, &h);
    uint8_t *px = malloc((size_t)w * (size_t)h * 4);
    if (px && SDL_RenderReadPixels(r, NULL, SDL_PIXELFORMAT_ABGR8888, px, w * 4) == 0 &&
        viz_png_write(path, px, w, h, w * 4) == 0)
        fprintf(stderr, "clonemu viz: saved %s\n", path);
    free(px);
}

static void on_click(struct app *a, float x, float y)
{
    if (y > 872) { /* the timeline */
        if (x >= VIZ_TL_X0 - 10 && x <= VIZ_TL_X1 + 10) app_goto(a, viz_timeline_index(&a->log, x));
        if (fabsf(x - 104) < 24) a->playing = !a->playing;
        if (fabsf(x - 60) < 16) app_goto(a, next_step(a, a->index, -1));
        if (fabsf(x - 148) < 16) app_goto(a, next_step(a, a->index, 1));
        return;
    }
    float wx = (x - a->view.off_x) / a->view.scale, wy = (y - a->view.off_y) / a->view.scale;
    int idx;
    int kind = viz_layout_hit(&a->L, wx, wy, &idx);
    a->sel_kind = 0;
    if (kind == 't') {
        a->sel_kind = 't';
        a->sel_id = a->s.tasks[a->L.threads[idx].t].tid;
    } else if (kind == 'r') {
        const struct viz_res *r = &a->s.res[a->L.res[idx].r];
        a->sel_kind = 'r';
        a->sel_id = r->id;
        a->sel_res_kind = r->kind;
    }
}

static bool on_key(struct app *a, SDL_Keycode k, SDL_Renderer *r)
{
    switch (k) {
    case SDLK_q:
    case SDLK_ESCAPE: return false;
    case SDLK_SPACE:
        a->playing = !a->playing;
        a->follow = false;
        break;
    case SDLK_RIGHT: app_goto(a, next_step(a, a->index, 1)); break;
    case SDLK_LEFT:
        a->follow = false;
        app_goto(a, next_step(a, a->index, -1));
        break;
    case SDLK_HOME:
        a->follow = false;
        app_goto(a, 0);
        break;
    case SDLK_END:
        a->follow = a->feed != NULL;
        app_goto(a, a->log.n - 1);
        break;
    case SDLK_PLUS:
    case SDLK_EQUALS:
    case SDLK_KP_PLUS: a->speed = fminf(a->speed * 2, 16); break;
    case SDLK_MINUS:
    case SDLK_KP_MINUS: a->speed = fmaxf(a->speed / 2, 0.25f); break;
    case SDLK_0: a->view.zoom = 1, a->view.pan_x = a->view.pan_y = 0; break;
    case SDLK_i:
        a->lo.show_io = !a->lo.show_io;
        viz_layout_build(&a->L, &a->s, &a->lo);
        break;
    case SDLK_s: screenshot(r, a->shot); break;
    }
    return true;
}

static int run_window(struct app *a)
{
    if (SDL_Init(SDL_INIT_VIDEO) != 0) {
        fprintf(stderr, "clonemu viz: no display (%s); try --png\n", SDL_GetError());
        return 1;
    }
    SDL_Window *w = SDL_CreateWindow("clonemu viewer", SDL_WINDOWPOS_CENTERED,
                                     SDL_WINDOWPOS_CENTERED, VIZ_DESIGN_W, VIZ_DESIGN_H,
                                     SDL_WINDOW_RESIZABLE | SDL_WINDOW_ALLOW_HIGHDPI);
    SDL_Renderer *r = w ? SDL_CreateRenderer(w, -1, SDL_RENDERER_PRESENTVSYNC) : NULL;
    if (!r) {
        fprintf(stderr, "clonemu viz: %s\n", SDL_GetError());
        return 1;
    }
    int pw, ph;
    SDL_GetRendererOutputSize(r, &pw, &ph);
    float ui = fminf((float)pw / VIZ_DESIGN_W, (float)ph / VIZ_DESIGN_H);
    char err[256];
    struct viz_render *R = viz_render_new(r, ui, err, sizeof err);
    if (!R) {
        fprintf(stderr, "clonemu viz: %s\n", err);
        return 1;
    }
    bool run = true, drag = false;
    float dx0 = 0, dy0 = 0, px0 = 0, py0 = 0;
    Uint64 last = SDL_GetTicks64();
    bool ended = false;
    while (run) {
        if (a->feed) { /* live: take what the run emitted since the last frame */
            int n = viz_feed_drain(a->feed, &a->log, &ended);
            if (n && a->follow) app_goto(a, a->log.n - 1);
            if (ended && a->exit_at_end) run = false;
        }
        SDL_Event e;
        while (SDL_PollEvent(&e)) {
            float mx = (float)e.button.x / ui, my = (float)e.button.y / ui;
            if (e.type == SDL_QUIT) run = false;
            if (e.type == SDL_KEYDOWN) run = on_key(a, e.key.keysym.sym, r);
            if (e.type == SDL_MOUSEBUTTONDOWN && e.button.button == SDL_BUTTON_LEFT) {
                on_click(a, mx, my);
                drag = my < 872 && mx < 1100 && !a->sel_kind;
                dx0 = mx, dy0 = my, px0 = a->view.pan_x, py0 = a->view.pan_y;
            }
            if (e.type == SDL_MOUSEBUTTONUP) drag = false;
            if (e.type == SDL_MOUSEMOTION && drag) {
                a->view.pan_x = px0 + (float)e.motion.x / ui - dx0;
                a->view.pan_y = py0 + (float)e.motion.y / ui - dy0;
            }
            if (e.type == SDL_MOUSEWHEEL)
                a->view.zoom =
                    fminf(fmaxf(a->view.zoom * (e.wheel.y > 0 ? 1.15f : 1 / 1.15f), 0.2f), 8);
        }
        Uint64 now = SDL_GetTicks64();
        float dt = (float)(now - last) / 1000.0f;
        last = now;
        a->t = fminf(a->t + dt * a->speed / 0.4f, 1);
        if (a->playing && a->t >= 1) {
            int n = next_step(a, a->index, 1);
            if (n == a->index) a->playing = false;
            app_goto(a, n);
        }
        struct viz_frame f = frame_of(a);
        viz_render_draw(R, &f);
        SDL_RenderPresent(r);
        a->frames++;
        Uint64 spent = SDL_GetTicks64() - now;
        if (spent < 16) SDL_Delay((Uint32)(16 - spent)); /* no vsync (e.g. offscreen): 60 fps */
    }
    viz_render_free(R);
    SDL_DestroyRenderer(r);
    SDL_DestroyWindow(w);
    SDL_Quit();
    return 0;
}

/* --- live: clonemu run --viz ---------------------------------------------- */

struct live_run {
    int (*run)(void *);
    void *arg;
    int status;
    struct viz_feed *feed;
};

static void *live_thread(void *p)
{
    struct live_run *lr = p;
    lr->status = lr->run(lr->arg);
    viz_feed_end(lr->feed);
    return NULL;
}

int viz_live(struct viz_feed *feed, int (*run)(void *), void *arg, const char *title,
             bool exit_at_end)
{
    struct live_run lr = {.run = run, .arg = arg, .feed = feed};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 64u << 20); /* the run as on the main thread */
    pthread_t th;
    if (pthread_create(&th, &attr, live_thread, &lr) != 0) {
        pthread_attr_destroy(&attr);
        fprintf(stderr, "clonemu: --viz: cannot start the run's thread; running without it\n");
        viz_feed_discard(feed);
        return run(arg);
    }
    pthread_attr_destroy(&attr);
    struct app a = {.speed = 1,
                    .index = -1,
                    .shot = "clonemu-viz.png",
                    .title = title,
                    .feed = feed,
                    .follow = true,
                    .exit_at_end = exit_at_end};
    viz_scene_init(&a.s);
    viz_layout_init(&a.L);
    viz_history_init(&a.hist, &a.log);
    viz_view_default(&a.view);
    if (run_window(&a) != 0) fprintf(stderr, "clonemu: --viz: the run goes on without a window\n");
    viz_feed_discard(feed); /* the window is gone: the run must not fill memory */
    pthread_join(th, NULL);
    if (exit_at_end)
        fprintf(stderr, "clonemu viz: followed %d events in %ld frames\n", a.log.n, a.frames);
    viz_history_free(&a.hist);
    viz_layout_free(&a.L);
    viz_scene_free(&a.s);
    viz_log_free(&a.log);
    return lr.status;
}

int viz_main(int argc, char **argv)
{
    static const struct option opts[] = {{"at", required_argument, NULL, 'a'},
                                         {"png", required_argument, NULL, 'p'},
                                         {"dot", required_argument, NULL, 'd'},
                                         {"io", no_argument, NULL, 'i'},
                                         {"title", required_argument, NULL, 't'},
                                         {"screenshot", required_argument, NULL, 's'},
                                         {"help", no_argument, NULL, 'h'},
                                         {"perfetto", required_argument, NULL, 'P'},
                                         {NULL, 0, NULL, 0}};
    struct app a = {.speed = 1, .index = -1, .shot = "clonemu-viz.png"};
    const char *png = NULL, *dot = NULL, *perfetto = NULL;
    long at = -1;
    bool have_at = false;
    int c;
    optind = 1;
    opterr = 0; /* our own messages, naming clonemu viz */
    while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
        switch (c) {
        case 'a': at = strtol(optarg, NULL, 10), have_at = true; break;
        case 'p': png = optarg; break;
        case 'd': dot = optarg; break;
        case 'P': perfetto = optarg; break;
        case 'i': a.lo.show_io = true; break;
        case 't': a.title = optarg; break;
        case 's': a.shot = optarg; break;
        case 'h': usage(stdout); return 0;
        case ':':
            fprintf(stderr, "clonemu viz: option '%s' requires an argument\n", argv[optind - 1]);
            fputs("Try 'clonemu viz --help' for more information.\n", stderr);
            return 2;
        default:
            fprintf(stderr, "clonemu viz: unrecognized option '%s'\n", argv[optind - 1]);
            fputs("Try 'clonemu viz --help' for more information.\n", stderr);
            return 2;
        }
    }
    if (optind != argc - 1) {
        usage(stderr);
        return 2;
    }
    const char *file = argv[optind];
    char err[512];
    if (viz_log_load(&a.log, file, err, sizeof err) != 0) {
        fprintf(stderr, "clonemu viz: %s\n", err);
        return 1;
    }
    char comm[16]; /* the tasks' name in a trace: --title, else the file's base name */
    snprintf(comm, sizeof comm, "%.*s", (int)strcspn(a.title ? a.title : "task", "."),
             a.title ? a.title : "task");
    if (!a.title) {
        const char *b = strrchr(file, '/');
        a.title = b ? b + 1 : file;
        snprintf(comm, sizeof comm, "%.*s", (int)strcspn(a.title, "."), a.title);
    }
    viz_scene_init(&a.s);
    viz_layout_init(&a.L);
    viz_history_init(&a.hist, &a.log);
    viz_view_default(&a.view);
    bool still = png || dot || perfetto;
    app_goto(&a, have_at ? viz_log_index_of(&a.log, (int)at) : still ? a.log.n - 1 : 0);
    int rc = 0;
    if (dot) {
        FILE *f = strcmp(dot, "-") ? fopen(dot, "w") : stdout;
        if (!f) {
            perror(dot);
            rc = 1;
        } else {
            viz_dot_write(f, &a.s, &a.lo);
            if (f != stdout) fclose(f);
        }
    }
    if (perfetto && !rc) rc = viz_perfetto_file(perfetto, &a.log, comm);
    if (png && !rc) rc = write_png(&a, png);
    if (!still) rc = run_window(&a);
    viz_history_free(&a.hist);
    viz_layout_free(&a.L);
    viz_scene_free(&a.s);
    viz_log_free(&a.log);
    return rc;
}

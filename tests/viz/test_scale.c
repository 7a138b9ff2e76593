/* Scale (issue 7): 1,000 tasks on screen at 60 frames per second.
 *
 * A generator writes a JSON Lines run as the model would emit it (schema
 * of docs/events.md): one initial process forks NPROC-1 children, every
 * process creates THREADS-1 threads, every thread gets a sigstate, some
 * block on a futex; then a process-directed signal, and exits. The run is
 * loaded as `clonemu viz` loads a file, and each frame is timed as the
 * window does it: (re)layout when the event changes, then a full draw with
 * SDL's software renderer into a 1600x1000 surface (no display), for
 *   - "fit": the whole tree on the stage (all 1,000 tasks visible);
 *   - "zoom": zoomed in to readable text (the text texture cache at work);
 *   - "step": one event forward per frame (layout every frame).
 * Stepping backwards is timed too: it restores the nearest snapshot
 * (history.h) instead of replaying from the start; the test checks the
 * restored scene equals a full replay and how many events were applied.
 *
 * usage: test_scale [--frames N] [--budget-ms MS] [--write FILE.jsonl]
 * Times are the thread's CPU time per frame (robust to a loaded machine).
 * Fails if a frame's median exceeds the budget (default 16 ms; not checked
 * under ASan, which is several times slower). */
#include <SDL2/SDL.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "viz/history.h"
#include "viz/render.h"

#define NPROC   100
#define THREADS 10

static int failures;
#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #c);                  \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

struct gen {
    struct viz_log *log;
    FILE *out;
    int seq;
    long t;
};

static void emit(struct gen *g, int tid, int tgid, const char *kind, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void emit(struct gen *g, int tid, int tgid, const char *kind, const char *fmt, ...)
{
    char line[1024], rest[800];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(rest, sizeof rest, fmt, ap);
    va_end(ap);
    snprintf(
        line, sizeof line,
        "{\"seq\":%d,\"t_ns\":%ld,\"kind\":\"%s\",\"tid\":%d,\"tgid\":%d,\"arch\":\"x86_64\"%s%s}",
        g->seq++, g->t, kind, tid, tgid, *rest ? "," : "", rest);
    g->t += 37;
    if (!viz_log_add_line(g->log, line)) {
        fprintf(stderr, "generator: bad line %s\n", line);
        exit(1);
    }
    if (g->out) fprintf(g->out, "%s\n", line);
}

/* NPROC processes of THREADS tasks each: NPROC * THREADS tasks. */
static void generate(struct viz_log *log, FILE *out)
{
    struct gen g = {.log = log, .out = out};
    int res = 10, first = 1000, tid = first;
    int mm[NPROC], files[NPROC], fs[NPROC], sighand[NPROC];
    emit(&g, first, first, "task_new",
         "\"parent\":1,\"how\":\"initial\",\"mm\":%d,\"files\":%d,"
         "\"fs\":%d,\"sighand\":%d",
         res, res + 1, res + 2, res + 3);
    mm[0] = res, files[0] = res + 1, fs[0] = res + 2, sighand[0] = res + 3;
    res += 4;
    int leader[NPROC];
    leader[0] = first;
    for (int p = 1; p < NPROC; p++) { /* a fork tree: process p's parent is (p-1)/4 */
        int parent = leader[(p - 1) / 4], pi = (p - 1) / 4;
        leader[p] = ++tid;
        mm[p] = res++, files[p] = res++, fs[p] = res++, sighand[p] = res++;
        emit(&g, parent, parent, "clone",
             "\"call\":\"fork\",\"child\":%d,\"child_tgid\":%d,\"parent\":%d,\"flags\":"
             "\"SIGCHLD\",\"exit_signal\":\"SIGCHLD\",\"shared\":\"\",\"copied\":\"mm#%d,"
             "files#%d,fs#%d,sighand#%d\"",
             tid, tid, parent, mm[p], files[p], fs[p], sighand[p]);
        (void)pi;
        emit(&g, parent, parent, "syscall", "\"name\":\"clone\",\"args\":\"SIGCHLD\",\"ret\":%d",
             tid);
    }
    for (int p = 0; p < NPROC; p++)
        for (int k = 1; k < THREADS; k++) {
            tid++;
            emit(&g, leader[p], leader[p], "clone",
                 "\"call\":\"clone\",\"child\":%d,\"child_tgid\":%d,\"parent\":1,\"flags\":"
                 "\"CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM\","
                 "\"exit_signal\":\"none\",\"shared\":\"mm#%d,files#%d,fs#%d,sighand#%d\","
                 "\"copied\":\"\"",
                 tid, leader[p], mm[p], files[p], fs[p], sighand[p]);
            emit(&g, tid, leader[p], "sigstate",
                 "\"blocked\":\"0x%x\",\"pending\":\"0x0\",\"shared_pending\":\"0x0\"",
                 k % 3 ? 0x200 : 0);
            if (k % 4 == 0) {
                emit(&g, tid, leader[p], "futex_wait",
                     "\"uaddr\":\"0x4a20a4\",\"val\":\"0x0\",\"key\":\"private\"");
                emit(&g, tid, leader[p], "block", "\"on\":\"futex\",\"key\":\"0x%x\"", p);
            }
        }
    emit(&g, first, first, "signal_generate",
         "\"sig\":\"SIGUSR1\",\"from\":%d,\"to\":\"process\",\"si_code\":0", first);
    emit(&g, first, first, "signal_target",
         "\"sig\":\"SIGUSR1\",\"candidates\":\"%d:blocked,%d:eligible\",\"chosen\":%d,\"why\":"
         "\"the main thread blocks it\"",
         first, tid - (NPROC - 1) * (THREADS - 1), first + NPROC);
    for (int p = NPROC - 1; p >= NPROC / 2; p--) {
        emit(&g, leader[p], leader[p], "exit", "\"code\":0,\"threads_left\":0");
        emit(&g, leader[p], leader[p], "zombie", "\"parent\":%d,\"exit_code\":0",
             leader[(p - 1) / 4]);
    }
}

/* This thread's CPU time: the machine may be busy (parallel tests and
 * builds), and a frame's cost is what it takes of one core. */
static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

struct bench {
    SDL_Renderer *r;
    struct viz_render *R;
    struct viz_log *log;
    struct viz_history h;
    struct viz_scene s;
    struct viz_layout L;
    struct viz_layout_opts lo;
    struct viz_view v;
    int index;
};

static void draw(struct bench *b)
{
    viz_view_fit(&b->v, &b->L);
    struct viz_frame f = {.s = &b->s,
                          .L = &b->L,
                          .opts = &b->lo,
                          .log = b->log,
                          .index = b->index,
                          .t = 1,
                          .view = &b->v,
                          .speed = 1,
                          .title = "scale"};
    viz_render_draw(b->R, &f);
    SDL_RenderPresent(b->r);
}

/* Median ms per frame over n frames; step: one event forward per frame. */
static double run_frames(struct bench *b, int n, bool step, double *worst)
{
    double *t = calloc((size_t)n, sizeof *t);
    for (int i = 0; i < n; i++) {
        double t0 = now_ms();
        if (step) {
            int to = b->index + 1 < b->log->n ? b->index + 1 : b->log->n - 1 - n + i;
            viz_history_goto(&b->h, &b->s, &b->index, to);
            viz_layout_build(&b->L, &b->s, &b->lo);
        }
        draw(b);
        t[i] = now_ms() - t0;
    }
    qsort(t, (size_t)n, sizeof *t, cmp_d);
    double med = t[n / 2];
    *worst = t[n - 1];
    free(t);
    return med;
}

static bool scenes_equal(const struct viz_scene *a, const struct viz_scene *b)
{
    return a->seq == b->seq && a->ntasks == b->ntasks && a->ngroups == b->ngroups &&
           a->nres == b->nres &&
           !memcmp(a->tasks, b->tasks, (size_t)a->ntasks * sizeof *a->tasks) &&
           !memcmp(a->groups, b->groups, (size_t)a->ngroups * sizeof *a->groups) &&
           !memcmp(a->res, b->res, (size_t)a->nres * sizeof *a->res) &&
           !strcmp(a->caption, b->caption);
}

int main(int argc, char **argv)
{
    int frames = 60;
    double budget = 16;
    const char *write = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!strcmp(argv[i], "--frames")) frames = atoi(argv[i + 1]);
        if (!strcmp(argv[i], "--budget-ms")) budget = atof(argv[i + 1]);
        if (!strcmp(argv[i], "--write")) write = argv[i + 1];
    }
    struct viz_log log = {0};
    FILE *out = write ? fopen(write, "w") : NULL;
    generate(&log, out);
    if (out) fclose(out);

    struct bench b = {.log = &log, .index = -1};
    viz_scene_init(&b.s);
    viz_layout_init(&b.L);
    viz_history_init(&b.h, &log);
    viz_view_default(&b.v);
    SDL_Surface *surf =
        SDL_CreateRGBSurfaceWithFormat(0, VIZ_DESIGN_W, VIZ_DESIGN_H, 32, SDL_PIXELFORMAT_ARGB8888);
    b.r = surf ? SDL_CreateSoftwareRenderer(surf) : NULL;
    char err[256] = "";
    b.R = b.r ? viz_render_new(b.r, 1, err, sizeof err) : NULL;
    if (!b.R) {
        fprintf(stderr, "no renderer: %s %s\n", err, SDL_GetError());
        return 1;
    }

    /* the whole run, then the layout of 1,000 tasks */
    double t0 = now_ms();
    viz_history_goto(&b.h, &b.s, &b.index, log.n - 51);
    double t_load = now_ms() - t0;
    t0 = now_ms();
    viz_layout_build(&b.L, &b.s, &b.lo);
    double t_layout = now_ms() - t0;
    int live = 0;
    for (int i = 0; i < b.s.ntasks; i++)
        live += viz_task_alive(&b.s.tasks[i]);
    CHECK(b.s.ntasks == NPROC * THREADS && b.L.nthreads == NPROC * THREADS);
    printf("%d events, %d tasks (%d alive), %d processes, %d resource nodes\n", log.n, b.s.ntasks,
           live, b.s.ngroups, b.L.nres);
    printf("fold all events %.2f ms, layout %.2f ms\n", t_load, t_layout);

    double worst, fit, zoom, step;
    draw(&b); /* the first frame renders the text textures */
    fit = run_frames(&b, frames, false, &worst);
    printf("fit  (all %d tasks on the stage, scale %.3f): %.2f ms/frame median, %.2f worst\n",
           b.L.nthreads, (double)b.v.scale, fit, worst);
    b.v.zoom = 1 / b.v.scale; /* 1 world unit = 1 pixel: text readable */
    draw(&b);
    zoom = run_frames(&b, frames, false, &worst);
    printf("zoom (1:1, text drawn): %.2f ms/frame median, %.2f worst\n", zoom, worst);
    b.v.zoom = 1;
    step = run_frames(&b, 50, true, &worst);
    printf("step (one event per frame: fold + layout + draw): %.2f ms/frame median, %.2f worst\n",
           step, worst);

    /* stepping back restores a snapshot, it does not replay the run */
    long before = b.h.applied;
    t0 = now_ms();
    viz_history_goto(&b.h, &b.s, &b.index, log.n / 2);
    double t_back = now_ms() - t0;
    long applied = b.h.applied - before;
    struct viz_scene full;
    viz_scene_init(&full);
    viz_scene_at(&full, &log, log.n / 2);
    CHECK(scenes_equal(&b.s, &full));
    printf("step back to event %d: %ld events applied (not %d), %.3f ms\n", log.n / 2, applied,
           log.n / 2 + 1, t_back);
    CHECK(applied <= b.h.every);
    viz_scene_free(&full);

#ifndef UNDER_ASAN
    CHECK(fit < budget && zoom < budget && step < budget);
#else
    printf("(ASan build: the %.0f ms budget is not checked)\n", budget);
#endif
    viz_history_free(&b.h);
    viz_render_free(b.R);
    SDL_DestroyRenderer(b.r);
    SDL_FreeSurface(surf);
    viz_layout_free(&b.L);
    viz_scene_free(&b.s);
    viz_log_free(&log);
    SDL_Quit();
    if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}

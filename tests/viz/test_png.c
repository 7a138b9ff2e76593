/* Headless PNGs of the default demo (issue 7, must show 2): `clonemu viz
 * --png` at three moments of sig_group_delivery, each checked for colours
 * where the layout says things are: thread cells, the mask chips of the
 * threads that block SIGUSR1, the handler's vermillion in the chosen
 * thread only, one mm node per object, the dead child's box.
 *
 * usage: test_png CLONEMU SAMPLES_DIR ARCH OUTDIR
 * (writes OUTDIR/viz-1-threads.png, viz-2-signal.png, viz-3-group-dead.png) */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "viz/png.h"
#include "viz/render.h"

static int failures;

#define CHECK(c, ...)                                                                              \
    do {                                                                                           \
        if (!(c)) {                                                                                \
            fprintf(stderr, "%s:%d: CHECK(%s) failed: ", __FILE__, __LINE__, #c);                  \
            fprintf(stderr, __VA_ARGS__);                                                          \
            fputc('\n', stderr);                                                                   \
            failures++;                                                                            \
        }                                                                                          \
    } while (0)

struct img {
    uint8_t *px;
    int w, h;
};

/* Pixels within tol of colour rgb (0xRRGGBB) inside the box. */
static int count_tol(const struct img *im, struct viz_box b, unsigned rgb, int tol)
{
    int n = 0, r = (int)(rgb >> 16), g = (int)(rgb >> 8 & 255), bl = (int)(rgb & 255);
    for (int y = (int)b.y; y < (int)(b.y + b.h) && y < im->h; y++)
        for (int x = (int)b.x; x < (int)(b.x + b.w) && x < im->w; x++) {
            const uint8_t *p = im->px + ((size_t)y * (size_t)im->w + (size_t)x) * 4;
            if (abs(p[0] - r) <= tol && abs(p[1] - g) <= tol && abs(p[2] - bl) <= tol) n++;
        }
    return n;
}

static int count(const struct img *im, struct viz_box b, unsigned rgb)
{
    return count_tol(im, b, rgb, 14);
}

/* The moment: scene, layout and view as the renderer computes them. */
struct moment {
    struct viz_scene s;
    struct viz_layout L;
    struct viz_view v;
    struct img im;
};

static struct viz_box screen(const struct moment *m, struct viz_box b)
{
    return (struct viz_box){m->v.off_x + b.x * m->v.scale, m->v.off_y + b.y * m->v.scale,
                            b.w * m->v.scale, b.h * m->v.scale};
}

static struct viz_box cell(const struct moment *m, int tid)
{
    const struct viz_lthread *t = viz_layout_thread(&m->L, &m->s, tid);
    if (!t) {
        fprintf(stderr, "no cell for %d\n", tid);
        exit(1);
    }
    return screen(m, t->box);
}

static void moment_load(struct moment *m, const char *clonemu, const struct viz_log *log,
                        const char *events, int index, const char *out)
{
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s viz --png=%s --at=%d --title='sig_group_delivery (aarch64)' %s",
             clonemu, out, viz_ev_seq(log->ev[index]), events);
    if (system(cmd) != 0) {
        fprintf(stderr, "failed: %s\n", cmd);
        exit(1);
    }
    viz_scene_init(&m->s);
    viz_scene_at(&m->s, log, index);
    viz_layout_init(&m->L);
    viz_layout_build(&m->L, &m->s, &(struct viz_layout_opts){0});
    viz_view_default(&m->v);
    viz_view_fit(&m->v, &m->L);
    m->im.px = viz_png_read(out, &m->im.w, &m->im.h);
    if (!m->im.px || m->im.w != VIZ_DESIGN_W || m->im.h != VIZ_DESIGN_H) {
        fprintf(stderr, "%s: not a %dx%d PNG\n", out, VIZ_DESIGN_W, VIZ_DESIGN_H);
        exit(1);
    }
}

static void moment_free(struct moment *m)
{
    free(m->im.px);
    viz_layout_free(&m->L);
    viz_scene_free(&m->s);
}

static int find(const struct viz_log *log, int from, const char *kind, const char *sig)
{
    for (int i = from; i < log->n; i++) {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(log->ev[i], "sig");
        if (!strcmp(viz_ev_kind(log->ev[i]), kind) &&
            (!sig || (cJSON_IsString(f) && !strcmp(f->valuestring, sig))))
            return i;
    }
    fprintf(stderr, "no %s event\n", kind);
    exit(1);
}

enum {
    CELL = 0xF6F8FA,
    CHIP_FILES = 0xFCF1D9,
    SIGNAL = 0xD55E00,
    MM = 0x0072B2,
    HANDLER_BG = 0xFDEFE6
};
#define USR1 (1ULL << 9)

int main(int argc, char **argv)
{
    if (argc == 8 && !strcmp(argv[1], "--count")) { /* for window.sh: --count PNG RRGGBB X Y W H */
        struct img im;
        if (!(im.px = viz_png_read(argv[2], &im.w, &im.h))) return 1;
        struct viz_box b = {strtof(argv[4], NULL), strtof(argv[5], NULL), strtof(argv[6], NULL),
                            strtof(argv[7], NULL)};
        printf("%d\n", count(&im, b, (unsigned)strtoul(argv[3], NULL, 16)));
        free(im.px);
        return 0;
    }
    if (argc != 5) {
        fprintf(stderr, "usage: test_png CLONEMU SAMPLES_DIR ARCH OUTDIR\n");
        return 2;
    }
    const char *clonemu = argv[1], *outdir = argv[4];
    char events[512], cmd[1024], out[3][512], err[256];
    snprintf(events, sizeof events, "%s/viz-demo.%d.jsonl", outdir, (int)getpid());
    snprintf(cmd, sizeof cmd, "%s run --events=%s %s/%s/sig_group_delivery > /dev/null 2>&1",
             clonemu, events, argv[2], argv[3]);
    struct viz_log log;
    if (system(cmd) == -1 || viz_log_load(&log, events, err, sizeof err)) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    static const char *const names[3] = {"viz-1-threads", "viz-2-signal", "viz-3-group-dead"};
    for (int i = 0; i < 3; i++)
        snprintf(out[i], sizeof out[i], "%s/%s.png", outdir, names[i]);
    int gen = find(&log, 0, "signal_generate", "SIGUSR1");
    int idx[3] = {gen - 1, find(&log, gen, "signal_deliver", "SIGUSR1"), 0};
    if (idx[1] + 1 < log.n && !strcmp(viz_ev_kind(log.ev[idx[1] + 1]), "sigstate"))
        idx[1]++; /* the sets after the delivery (sigstate keeps the caption) */
    idx[2] = find(&log, find(&log, idx[1], "signal_deliver", "SIGSEGV"), "zombie", NULL);
    struct moment m;
    struct viz_box stage = {36, 90, 1054, 760};

    /* 1. Three threads exist; two block SIGUSR1 (their BLOCKED chips are
     * files-orange, tinted), one does not; no signal on screen yet. */
    moment_load(&m, clonemu, &log, events, idx[0], out[0]);
    CHECK(m.s.ntasks == 3, "%d tasks", m.s.ntasks);
    int nblock = 0;
    for (int t = 0; t < m.s.ntasks; t++) {
        struct viz_box c = cell(&m, m.s.tasks[t].tid);
        int cellpx = count(&m.im, c, CELL), chips = count_tol(&m.im, c, CHIP_FILES, 3);
        CHECK(cellpx > c.w * c.h / 3, "T%d cell fill: %d px", m.s.tasks[t].tid, cellpx);
        bool blocks = m.s.tasks[t].blocked & USR1;
        nblock += blocks;
        CHECK(blocks ? chips > 40 : chips == 0, "T%d blocks=%d, orange chip px %d",
              m.s.tasks[t].tid, blocks, chips);
    }
    CHECK(nblock == 2, "%d threads block SIGUSR1", nblock);
    CHECK(count(&m.im, stage, SIGNAL) == 0, "vermillion before the signal");
    CHECK(m.L.nres > 0 && count(&m.im, screen(&m, m.L.res[0].box), MM) > 100, "mm node colour");
    moment_free(&m);

    /* 2. The signal lands: the chosen thread's cell is vermillion (handler
     * pill, border, tinted fill); the two that block it are not. */
    moment_load(&m, clonemu, &log, events, idx[1], out[1]);
    int chosen = m.s.sig.chosen;
    CHECK(chosen > 0, "no chosen thread");
    for (int t = 0; t < m.s.ntasks; t++) {
        struct viz_box c = cell(&m, m.s.tasks[t].tid);
        c.h -= 16; /* the token sits on the chosen cell's bottom edge */
        int v = count(&m.im, c, SIGNAL), bg = count_tol(&m.im, c, HANDLER_BG, 3);
        if (m.s.tasks[t].tid == chosen)
            CHECK(v > 400 && bg > 2000, "chosen T%d: vermillion %d, tint %d", chosen, v, bg);
        else
            CHECK(v == 0 && bg == 0, "T%d not chosen but vermillion %d", m.s.tasks[t].tid, v);
    }
    moment_free(&m);

    /* 3. After the child's fault: two boxes, the child's a zombie killed by
     * SIGSEGV (vermillion words in its header), no live cell inside it,
     * and its mm node is gone: exactly one mm node in the column. */
    moment_load(&m, clonemu, &log, events, idx[2], out[2]);
    CHECK(m.L.ngroups == 2, "%d boxes", m.L.ngroups);
    const struct viz_lgroup *child = &m.L.groups[1];
    struct viz_box cb = screen(&m, child->box);
    struct viz_box head = {cb.x, cb.y, cb.w, 40};
    CHECK(count(&m.im, head, SIGNAL) > 50, "zombie caption: %d", count(&m.im, head, SIGNAL));
    CHECK(count(&m.im, cb, 0x1E2630) < 1500, "a running pill in a dead box?");
    int mm_nodes = 0;
    for (int i = 0; i < m.L.nres; i++)
        mm_nodes += m.s.res[m.L.res[i].r].kind == VR_MM;
    CHECK(mm_nodes == 1, "%d mm nodes", mm_nodes);
    struct viz_box below = screen(&m, m.L.res[m.L.nres - 1].box);
    below.y += below.h + 4;
    below.h = 700 - below.y;
    CHECK(count(&m.im, below, MM) == 0, "an mm node below the live ones");
    moment_free(&m);

    unlink(events);
    viz_log_free(&log);
    if (failures) fprintf(stderr, "%d check(s) failed\n", failures);
    return failures ? 1 : 0;
}

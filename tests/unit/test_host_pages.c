/* Unit test of kernel-model/host_pages.c: the ranges it reports cover every
 * page that holds data, and (where the host can tell) little else, so that
 * mm_fork of a huge sparse mapping reads its touched pages only. Then the
 * same through mm_fork: a 4 TiB mapping with three touched pages. */
#include "kernel-model/host_pages.h"
#include "kernel-model/mm.h"
#include "tests/unit/support/check.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#define TIB (1ULL << 40)

struct seen {
    uint64_t bytes, ranges, last_end;
    int ordered;
    uint64_t want[4];
    int covered[4];
};

static void on_range(void *ctx, uint64_t off, uint64_t len)
{
    struct seen *s = ctx;
    if (off < s->last_end) s->ordered = 0;
    s->last_end = off + len;
    s->bytes += len;
    s->ranges++;
    for (int i = 0; i < 4; i++)
        if (s->want[i] >= off && s->want[i] < off + len) s->covered[i] = 1;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void test_walk(void)
{
    const char *method = host_pages_method();
    printf("host_pages method: %s\n", method);
    uint64_t len = 1 * TIB, pg = (uint64_t)sysconf(_SC_PAGESIZE);
    uint8_t *p =
        mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) { /* valgrind's address space is smaller */
        len = 4ULL << 30;
        p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
                 0);
    }
    CHECK(p != MAP_FAILED, "mmap");
    if (p == MAP_FAILED) return;
    struct seen s = {.ordered = 1, .want = {0, 5 * pg, len / 2 + 3 * pg, len - pg}};
    for (int i = 0; i < 4; i++)
        p[s.want[i]] = (uint8_t)(i + 1);
    volatile uint8_t sink = p[len / 4]; /* a read fault: the shared zero page */
    (void)sink;
    host_pages_walk(p, len, on_range, &s);
    for (int i = 0; i < 4; i++)
        CHECK(s.covered[i], "touched page %d not reported (method %s)", i, method);
    CHECK(s.ordered, "ranges out of order");
    if (strcmp(method, "all") != 0) {
        /* the four written pages (and the zero page under mincore) */
        CHECK(s.bytes <= 5 * pg, "%llu bytes reported for 4 touched pages",
              (unsigned long long)s.bytes);
        CHECK(s.ranges <= 5, "%llu ranges", (unsigned long long)s.ranges);
    }
    /* a range inside the mapping: offsets are relative to its start */
    struct seen t = {.ordered = 1, .want = {pg, pg, pg, pg}};
    host_pages_walk(p + 4 * pg, 4 * pg, on_range, &t);
    CHECK(t.covered[0], "page 5 of the mapping is offset pg of [4 pg, 8 pg)");
    munmap(p, len);
}

/* mm_fork of 4 TiB with three touched pages: the child sees the data, the
 * copy is private, and (where the host can tell) the fork takes well under
 * the time one byte per page would (4 TiB = 2^30 pages). */
static void test_fork(void)
{
    struct mm *mm = mm_new(NULL, NULL, false, 0x800000000000ULL, 0x7f0000000000ULL);
    /* with no help from the host every page is read: 4 GiB then */
    int all = strcmp(host_pages_method(), "all") == 0;
    u64 at = 0x100000000000ULL, len = all ? 4ULL << 30 : 4 * TIB;
    i64 r = mm_map_anon(mm, at, len, LX_PROT_READ | LX_PROT_WRITE,
                        LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED, NULL);
    if (r < 0 && !all) { /* valgrind's address space is smaller */
        len = 4ULL << 30;
        r = mm_map_anon(mm, at, len, LX_PROT_READ | LX_PROT_WRITE,
                        LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED, NULL);
    }
    CHECK_EQ(r, (i64)at);
    u64 spots[3] = {at, at + len / 2 + 0x7000, at + len - 0x1000};
    for (int i = 0; i < 3; i++) {
        u32 v = 0xc0de0000u + (u32)i;
        CHECK_EQ(mm_write(mm, spots[i], &v, sizeof v), 0);
    }
    double t0 = now();
    struct mm *child = mm_fork(mm, 2);
    double dt = now() - t0;
    printf("mm_fork of %llu GiB with 3 touched pages: %.3f s\n", (unsigned long long)(len >> 30),
           dt);
    for (int i = 0; i < 3; i++) {
        u32 v = 0;
        CHECK_EQ(mm_read(child, spots[i], &v, sizeof v), 0);
        CHECK_EQ(v, 0xc0de0000u + (u32)i);
    }
    u32 w = 1;
    CHECK_EQ(mm_write(child, spots[0], &w, sizeof w), 0);
    u32 v = 0;
    CHECK_EQ(mm_read(mm, spots[0], &v, sizeof v), 0);
    CHECK_EQ(v, 0xc0de0000u);
    if (strcmp(host_pages_method(), "pagemap_scan") == 0 && len == 4 * TIB)
        CHECK(dt < 0.5, "fork took %.3f s: proportional to the size again?", dt);
    mm_put(child);
    mm_put(mm);
}

/* A guest that maps most of the address space cannot be copied: mm_fork
 * reports it (the caller's ENOMEM) and the parent stays whole. Where the
 * host refuses the big mapping itself (ASan's shadow, valgrind), there is
 * nothing to check. */
static void test_fork_no_room(void)
{
    struct mm *mm = mm_new(NULL, NULL, false, 0x800000000000ULL, 0x7f0000000000ULL);
    u64 at = 0x10000000000ULL, len = 80 * TIB;
    i64 r = mm_map_anon(mm, at, len, LX_PROT_NONE, LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED,
                        NULL);
    if (r < 0) {
        printf("host refused a 80 TiB mapping (%lld): fork_no_room not checked\n", (long long)r);
        mm_put(mm);
        return;
    }
    CHECK_EQ(r, (i64)at);
    CHECK(mm_fork(mm, 2) == NULL, "a second 80 TiB copy cannot fit in the host");
    CHECK_EQ(mm_protect(mm, at, 0x1000, LX_PROT_READ | LX_PROT_WRITE), 0);
    u32 v = 7;
    CHECK_EQ(mm_write(mm, at, &v, sizeof v), 0);
    mm_put(mm);
}

int main(void)
{
    test_walk();
    test_fork();
    test_fork_no_room();
    return check_report("test_host_pages");
}

/* See host_pages.h. */
#include "kernel-model/host_pages.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

/* PAGEMAP_SCAN's ABI (include/uapi/linux/fs.h, Linux 6.7); Debian 12's
 * headers predate it, so it is spelled out here. */
#define HP_PAGE_IS_PRESENT (1u << 3)
#define HP_PAGE_IS_SWAPPED (1u << 4)
#define HP_PAGE_IS_PFNZERO (1u << 5)

struct hp_page_region {
    uint64_t start, end, categories;
};

struct hp_pm_scan_arg {
    uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
    uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};

#define HP_PAGEMAP_SCAN _IOWR('f', 16, struct hp_pm_scan_arg)

enum { METHOD_UNKNOWN, METHOD_SCAN, METHOD_MINCORE, METHOD_ALL };
static int method = METHOD_UNKNOWN;
static int pagemap_fd = -1;

/* Can the host page anonymous memory out? Then a page that mincore calls
 * not resident may still hold data (in swap). */
static bool host_has_swap(void)
{
    FILE *f = fopen("/proc/swaps", "r");
    if (!f) return true; /* cannot tell: assume it can */
    char line[256];
    int n = 0;
    while (fgets(line, sizeof line, f))
        n++;
    fclose(f);
    return n > 1; /* a header line only: no swap */
}

static long host_page(void)
{
    static long pg;
    if (!pg) pg = sysconf(_SC_PAGESIZE);
    return pg;
}

/* One PAGEMAP_SCAN over [p, p+len): false if the kernel refused it (then
 * nothing was reported). */
static bool scan_walk(const uint8_t *p, uint64_t len, void (*fn)(void *, uint64_t, uint64_t),
                      void *ctx)
{
    struct hp_page_region vec[64];
    uint64_t base = (uint64_t)(uintptr_t)p, end = base + len;
    for (uint64_t at = base; at < end;) {
        /* zeroed first so that tools which do not know this ioctl
         * (valgrind) see the kernel's output as defined */
        memset(vec, 0, sizeof vec);
        struct hp_pm_scan_arg a = {
            .size = sizeof a,
            .start = at,
            .end = end,
            .vec = (uint64_t)(uintptr_t)vec,
            .vec_len = sizeof vec / sizeof vec[0],
            /* present or swapped, and not the shared zero page */
            .category_inverted = HP_PAGE_IS_PFNZERO,
            .category_mask = HP_PAGE_IS_PFNZERO,
            .category_anyof_mask = HP_PAGE_IS_PRESENT | HP_PAGE_IS_SWAPPED,
            .return_mask = HP_PAGE_IS_PRESENT | HP_PAGE_IS_SWAPPED,
        };
        int n = ioctl(pagemap_fd, HP_PAGEMAP_SCAN, &a);
        if (n < 0) {
            if (at != base) {
                /* refused halfway: report the rest whole (never lose data) */
                fn(ctx, at - base, end - at);
                return true;
            }
            return false;
        }
        for (int i = 0; i < n; i++)
            if (vec[i].end > vec[i].start) fn(ctx, vec[i].start - base, vec[i].end - vec[i].start);
        if (a.walk_end <= at || a.walk_end >= end) break;
        at = a.walk_end;
    }
    return true;
}

/* mincore: one byte per page; consecutive committed pages become one range. */
static void mincore_walk(const uint8_t *p, uint64_t len, void (*fn)(void *, uint64_t, uint64_t),
                         void *ctx)
{
    static unsigned char vec[1u << 16];
    uint64_t pg = (uint64_t)host_page(), run = 0, run_len = 0;
    for (uint64_t off = 0; off < len;) {
        uint64_t n = (len - off) / pg;
        if (n > sizeof vec) n = sizeof vec;
        if (mincore((void *)(p + off), n * pg, vec) != 0) memset(vec, 1, n);
        for (uint64_t i = 0; i < n; i++) {
            if (vec[i] & 1) {
                if (!run_len) run = off + i * pg;
                run_len += pg;
            } else if (run_len) {
                fn(ctx, run, run_len);
                run_len = 0;
            }
        }
        off += n * pg;
    }
    if (run_len) fn(ctx, run, run_len);
}

static void choose_method(void)
{
    if (method != METHOD_UNKNOWN) return;
    /* CLONEMU_HOST_PAGES=mincore|all: a slower method, for tests */
    const char *force = getenv("CLONEMU_HOST_PAGES");
    method = METHOD_ALL;
    if (host_has_swap() || (force && !strcmp(force, "all")))
        return; /* mincore cannot see swapped pages */
    method = METHOD_MINCORE;
    if (force && !strcmp(force, "mincore")) return;
    pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (pagemap_fd < 0) return;
    /* probe: a scan of one of our own pages */
    static uint8_t probe[1] = {1};
    uint64_t pg = (uint64_t)host_page();
    const uint8_t *page = (const uint8_t *)((uintptr_t)probe & ~(uintptr_t)(pg - 1));
    struct hp_pm_scan_arg a = {.size = sizeof a,
                               .start = (uint64_t)(uintptr_t)page,
                               .end = (uint64_t)(uintptr_t)page + pg,
                               .category_anyof_mask = HP_PAGE_IS_PRESENT,
                               .return_mask = HP_PAGE_IS_PRESENT};
    if (ioctl(pagemap_fd, HP_PAGEMAP_SCAN, &a) >= 0) {
        method = METHOD_SCAN;
        return;
    }
    close(pagemap_fd);
    pagemap_fd = -1;
}

void host_pages_walk(const uint8_t *p, uint64_t len, void (*fn)(void *, uint64_t, uint64_t),
                     void *ctx)
{
    if (!len) return;
    choose_method();
    if (method == METHOD_SCAN && scan_walk(p, len, fn, ctx)) return;
    if (method != METHOD_ALL) {
        mincore_walk(p, len, fn, ctx);
        return;
    }
    fn(ctx, 0, len);
}

const char *host_pages_method(void)
{
    choose_method();
    return method == METHOD_SCAN ? "pagemap_scan" : method == METHOD_MINCORE ? "mincore" : "all";
}

/* Which pages of a host buffer may hold data (host side of mm_fork).
 *
 * Guest memory lives in lazily committed host mappings; a fork copies only
 * the pages the host ever committed. host_pages_walk asks the host kernel:
 * PAGEMAP_SCAN (Linux 6.7+) reports the populated ranges in time
 * proportional to the populated page tables, so a 16 TiB mapping with one
 * touched page costs one page. Older kernels: mincore, one byte per page
 * (still no page read that was never committed, when there is no swap).
 * Where neither can tell, every page is reported. CLONEMU_HOST_PAGES=mincore
 * or =all forces the slower methods (tests). */
#ifndef CLONEMU_HOST_PAGES_H
#define CLONEMU_HOST_PAGES_H

#include <stdint.h>

/* Calls fn(ctx, off, len) in ascending order for page-aligned ranges of
 * [p, p+len) that together cover every page that may hold nonzero data.
 * p and len are multiples of the host page size. */
void host_pages_walk(const uint8_t *p, uint64_t len,
                     void (*fn)(void *ctx, uint64_t off, uint64_t len), void *ctx);

/* Which method host_pages_walk uses here: "pagemap_scan", "mincore" or
 * "all" (for tests and --version style reports). */
const char *host_pages_method(void);

#endif

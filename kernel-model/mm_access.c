/* Kernel access to guest memory (mm.h: mm_read, mm_write, mm_poke, the
 * sized and string reads, mm_host_ptr): permission-checked copies between
 * the model and an mm's host pages, growing a stack below its vma as the
 * kernel's own accesses do. Split from mm.c. */
#include "kernel-model/mm.h"
#include "kernel-model/mm_advise.h"

#include <stdint.h>
#include <string.h>

/* --- kernel access to guest memory ----------------------------------- */

/* Every byte of [addr, addr+len) mapped with all of `need` prot bits. */
static int access_check(struct mm *mm, u64 addr, size_t len, int need)
{
    if (len == 0) return 0;
    if (addr + len < addr) return -LX_EFAULT;
    u64 cur = addr, end = addr + len;
    for (const struct vma *v = mm_find_vma(mm, addr); cur < end; v = v->next) {
        if ((!v || v->start > cur) && mm_expand_stack(mm, cur) == 0)
            return access_check(mm, addr, len, need); /* a gap below the stack, now filled */
        if (!v || v->start > cur || (v->prot & need) != need) return -LX_EFAULT;
        cur = v->end;
    }
    return 0;
}

/* Copy between guest [addr, addr+len) and buf; the range was checked. */
static void access_copy(struct mm *mm, u64 addr, void *buf, size_t len, bool to_guest)
{
    u8 *b = buf;
    for (const struct vma *v = mm_find_vma(mm, addr); len; v = v->next) {
        u64 n = v->end - addr < len ? v->end - addr : len;
        if (to_guest)
            memcpy(mm_vma_host(v, addr), b, n);
        else
            memcpy(b, mm_vma_host(v, addr), n);
        b += n;
        addr += n;
        len -= n;
    }
}

int mm_read(struct mm *mm, u64 addr, void *dst, size_t len)
{
    int r = access_check(mm, addr, len, LX_PROT_READ);
    if (r == 0) access_copy(mm, addr, dst, len, false);
    return r;
}

int mm_write(struct mm *mm, u64 addr, const void *src, size_t len)
{
    int r = access_check(mm, addr, len, LX_PROT_WRITE);
    if (r == 0) access_copy(mm, addr, (void *)(uintptr_t)src, len, true);
    return r;
}

int mm_poke(struct mm *mm, u64 addr, const void *src, size_t len)
{
    int r = access_check(mm, addr, len, 0);
    if (r == 0) access_copy(mm, addr, (void *)(uintptr_t)src, len, true);
    return r;
}

int mm_read_u32(struct mm *mm, u64 addr, u32 *v)
{
    u8 b[4];
    int r = mm_read(mm, addr, b, sizeof(b));
    if (r == 0) *v = lx_get32(mm->big_endian, b);
    return r;
}

int mm_read_u64(struct mm *mm, u64 addr, u64 *v)
{
    u8 b[8];
    int r = mm_read(mm, addr, b, sizeof(b));
    if (r == 0) *v = lx_get64(mm->big_endian, b);
    return r;
}

int mm_write_u32(struct mm *mm, u64 addr, u32 v)
{
    u8 b[4];
    lx_put32(mm->big_endian, b, v);
    return mm_write(mm, addr, b, sizeof(b));
}

int mm_write_u64(struct mm *mm, u64 addr, u64 v)
{
    u8 b[8];
    lx_put64(mm->big_endian, b, v);
    return mm_write(mm, addr, b, sizeof(b));
}

i64 mm_read_str(struct mm *mm, u64 addr, char *dst, size_t max)
{
    const struct vma *v = NULL;
    for (size_t i = 0; i < max; i++) {
        u64 a = addr + i;
        if (a < addr) return -LX_EFAULT; /* wrapped around */
        if (!v || a >= v->end) v = mm_find_vma(mm, a);
        if (!v && mm_expand_stack(mm, a) == 0) v = mm_find_vma(mm, a);
        if (!v || !(v->prot & LX_PROT_READ)) return -LX_EFAULT;
        dst[i] = (char)*mm_vma_host(v, a);
        if (dst[i] == '\0') return (i64)i;
    }
    if (max) dst[max - 1] = '\0';
    return -LX_ENAMETOOLONG;
}

u8 *mm_host_ptr(struct mm *mm, u64 addr, size_t len, bool want_write)
{
    const struct vma *v = mm_find_vma(mm, addr);
    if (!v && mm_expand_stack(mm, addr) == 0) v = mm_find_vma(mm, addr);
    int need = LX_PROT_READ | (want_write ? LX_PROT_WRITE : 0);
    if (!v || (v->prot & need) != need || len > v->end - addr) return NULL;
    return mm_vma_host(v, addr);
}

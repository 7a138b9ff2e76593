/* File-backed mappings (see mm_file.h).
 *
 * MAP_PRIVATE: a fresh private mapping filled with the file's bytes at map
 * time (Linux copies on the first write; nothing a guest can see differs
 * except that later writes to the file through write(2) do not show in an
 * untouched private page).
 *
 * MAP_SHARED: one backing per host file (device, inode) sized to cover
 * the file and the mapping, filled from the file when made. Every shared
 * mapping of the file, in every mm, views it, so their writes are mutually
 * visible at once, as with Linux's page cache. Pages reach the host file
 * on munmap and when the last mapping goes (exit, exec): only pages that
 * differ from a clean copy kept since the last write-back, so a write(2) to
 * other pages of the file in between is not overwritten (one to the same
 * page is: the model's pages are not the host's page cache), and never past
 * the file's current end (a mapping does not extend a file). A mapping that
 * needs more than the current backing covers gets a new, larger backing
 * (after the old one is written back); mappings made before keep the old
 * one. */
#include "kernel-model/mm_file.h"
#include "kernel-model/files.h"

#include <stdio.h>
#include <stdlib.h>

#define MF_PAGE  ((u64)LX_PAGE_SIZE)
#define MF_CHUNK 65536u

struct mf_entry {
    struct km *k;
    struct km_file *f;    /* a reference: the file the pages come from and go to */
    u64 dev, ino;         /* the file's identity */
    struct mm_backing *b; /* no reference: the entry goes with the backing */
    u8 *clean;            /* the pages as the file has them; NULL: never written back */
    bool stale;           /* a larger backing replaced this one for new mappings */
    struct mf_entry *next;
};
static struct mf_entry *mf_entries;

static const struct km_hostfs *mf_fs(struct km *k)
{
    return k->host->fs;
}

static u64 mf_page_up(u64 x)
{
    return (x + MF_PAGE - 1) & ~(MF_PAGE - 1);
}

/* Write the changed pages of [start, end) (backing offsets = file offsets)
 * to the file, up to its current size. */
static void mf_writeback(struct mf_entry *e, const u8 *host, u64 start, u64 end)
{
    struct lx_stat st;
    if (!e->clean || mf_fs(e->k)->fstat(mf_fs(e->k)->ctx, e->f->h, &st) < 0) return;
    if (end > st.size) end = st.size;
    for (u64 p = start & ~(MF_PAGE - 1); p < end; p += MF_PAGE) {
        u64 n = end - p < MF_PAGE ? end - p : MF_PAGE;
        if (memcmp(host + p, e->clean + p, n) == 0) continue;
        if (mf_fs(e->k)->pwrite(mf_fs(e->k)->ctx, e->f->h, host + p, n, (i64)p) == (i64)n)
            memcpy(e->clean + p, host + p, n);
    }
}

static void mf_release(void *ctx, const u8 *host, u64 len)
{
    struct mf_entry *e = ctx;
    mf_writeback(e, host, 0, len);
    for (struct mf_entry **pp = &mf_entries; *pp; pp = &(*pp)->next)
        if (*pp == e) {
            *pp = e->next;
            break;
        }
    file_put(e->k, e->f);
    free(e->clean);
    free(e);
}

static const struct mm_backing_ops mf_ops = {.release = mf_release};

/* Read n bytes of f at off into dst (host memory): 0 or -LX_E*. Bytes the
 * file does not have (it shrank) stay as they are. */
static int mf_read(struct km *k, struct km_file *f, u8 *dst, u64 n, u64 off)
{
    for (u64 done = 0; done < n;) {
        u64 c = n - done < MF_CHUNK ? n - done : MF_CHUNK;
        i64 r = mf_fs(k)->pread(mf_fs(k)->ctx, f->h, dst + done, c, (i64)(off + done));
        if (r < 0) return (int)r;
        if (r == 0) break;
        done += (u64)r;
    }
    return 0;
}

/* The shared backing of the file (st) covering [0, need). A new one
 * (*fresh) comes with a reference for the caller to drop once mapped. */
static struct mf_entry *mf_shared(struct km *k, struct km_file *f, const struct lx_stat *st,
                                  u64 need, bool *fresh, int *err)
{
    *fresh = false;
    struct mf_entry *old = NULL;
    for (struct mf_entry *e = mf_entries; e; e = e->next)
        if (e->k == k && !e->stale && e->dev == st->dev && e->ino == st->ino) old = e;
    if (old && mm_backing_len(old->b) >= need) return old;
    if (old) {
        mf_writeback(old, mm_backing_host(old->b), 0, mm_backing_len(old->b));
        old->stale = true;
    }
    u64 len = mf_page_up(st->size > need ? st->size : need);
    struct mf_entry *e = calloc(1, sizeof(*e));
    struct mm_backing *b = e ? mm_backing_new(len, &mf_ops, e) : NULL;
    if (!b) {
        free(e);
        *err = -LX_ENOMEM;
        return NULL;
    }
    *e = (struct mf_entry){.k = k, .f = file_get(f), .dev = st->dev, .ino = st->ino, .b = b};
    e->next = mf_entries;
    mf_entries = e;
    u8 *host = mm_backing_host(b);
    *err = mf_read(k, f, host, st->size < len ? st->size : len, 0);
    if ((f->flags & LX_O_ACCMODE) == LX_O_RDWR && *err == 0) {
        e->clean = malloc(len);
        if (e->clean) memcpy(e->clean, host, len);
    }
    if (*err) {
        mm_backing_put(b); /* releases e */
        return NULL;
    }
    *fresh = true;
    return e;
}

struct vma_file *vma_file_new(const char *path, bool exe, u64 dev, u64 ino)
{
    size_t n = strlen(path ? path : "") + 1;
    struct vma_file *f = calloc(1, sizeof(*f) + n);
    if (!f) abort();
    f->refs = 1;
    f->exe = exe;
    f->dev = dev;
    f->ino = ino;
    memcpy(f->path, path ? path : "", n);
    return f;
}

struct vma_file *vma_file_get(struct vma_file *f)
{
    if (f) f->refs++;
    return f;
}

void vma_file_put(struct vma_file *f)
{
    if (f && --f->refs == 0) free(f);
}

/* /proc/PID/maps shows [a, a+len) as f's bytes from off on. */
static i64 mf_label(struct mm *mm, i64 a, u64 len, const struct km_file *f,
                    const struct lx_stat *st, u64 off)
{
    if (a < 0) return a;
    struct vma_file *vf = vma_file_new(f->path, false, st->dev, st->ino);
    mm_set_file(mm, (u64)a, (u64)a + mf_page_up(len), vf, off);
    vma_file_put(vf);
    return a;
}

static const char *mf_name(const struct km_file *f)
{
    const char *s = f->path ? strrchr(f->path, '/') : NULL;
    return s ? s + 1 : "";
}

i64 mm_file_map(struct km *k, struct task *t, struct km_file *f, u64 addr, u64 len, int prot,
                int flags, u64 off)
{
    u32 acc = f->flags & LX_O_ACCMODE;
    bool shared = (flags & LX_MAP_SHARED) != 0; /* SHARED or SHARED_VALIDATE */
    if (f->flags & LX_O_PATH) return -LX_EBADF;
    if (f->kind != KM_FILE_HOST) return -LX_ENODEV;
    if (acc == LX_O_WRONLY) return -LX_EACCES;
    if (shared && (prot & LX_PROT_WRITE) && (acc != LX_O_RDWR || (f->flags & LX_O_APPEND)))
        return -LX_EACCES;
    u64 plen = mf_page_up(len);
    if (plen < len || off + plen < off) return -LX_EOVERFLOW;
    struct lx_stat st;
    memset(&st, 0, sizeof(st));
    int r = mf_fs(k)->fstat(mf_fs(k)->ctx, f->h, &st);
    if (r < 0) return r;
    if ((st.mode & LX_S_IFMT) != LX_S_IFREG) return -LX_ENODEV;
    r = memfd_mmap_check(k, f, prot, flags);
    if (r < 0) return r;
    if (shared) {
        bool fresh;
        struct mf_entry *e = mf_shared(k, f, &st, off + plen, &fresh, &r);
        if (!e) return r;
        i64 a = mm_map_backing(t->mm, addr, len, prot, flags, e->b, off, mf_name(f));
        a = mf_label(t->mm, a, len, f, &st, off);
        if (fresh) mm_backing_put(e->b); /* the mapping holds it now (or nothing: gone) */
        return a;
    }
    i64 a = mm_map_anon(t->mm, addr, len, prot, flags & ~LX_MAP_SHARED, mf_name(f));
    if (a < 0) return a;
    u64 n = st.size > off ? st.size - off : 0;
    if (n > plen) n = plen;
    u8 *buf = n ? malloc(n) : NULL;
    r = n && !buf ? -LX_ENOMEM : 0;
    if (n && r == 0) memset(buf, 0, n);
    if (n && r == 0) r = mf_read(k, f, buf, n, off);
    if (n && r == 0 && mm_poke(t->mm, (u64)a, buf, n) < 0) r = -LX_EFAULT;
    free(buf);
    if (r < 0) {
        mm_unmap(t->mm, (u64)a, plen);
        return r;
    }
    return mf_label(t->mm, a, len, f, &st, off);
}

int mm_file_sync(struct mm *mm, u64 addr, u64 len)
{
    u64 end = addr + mf_page_up(len);
    if (end < addr) return -LX_ENOMEM;
    u64 cur = addr;
    bool hole = false;
    for (const struct vma *v = mm_find_vma(mm, addr); v && v->start < end; v = v->next) {
        if (v->start > cur) hole = true;
        u64 s = v->start > addr ? v->start : addr, e = v->end < end ? v->end : end;
        cur = v->end;
        struct mf_entry *me = mm_backing_ctx(v->backing, &mf_ops);
        if (!me) continue;
        u64 bs = v->offset + (s - v->start);
        mf_writeback(me, mm_backing_host(v->backing), bs, bs + (e - s));
    }
    return hole || cur < end ? -LX_ENOMEM : 0;
}

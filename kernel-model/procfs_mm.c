/* The modelled procfs's views of a process's memory and limits:
 * /proc/PID/maps (fs/proc/task_mmu.c show_map_vma), statm, cmdline,
 * environ (fs/proc/base.c) and limits, snapshots made at open. */
#include "kernel-model/files.h"
#include "kernel-model/procfs.h"
#include "kernel-model/procfs_int.h"

#include <stdio.h>
#include <stdlib.h>

/* The major and minor numbers of a stat(2) st_dev (glibc's major/minor). */
static unsigned dev_major(u64 dev)
{
    return (unsigned)(((dev >> 8) & 0xfff) | ((dev >> 32) & ~0xfffull));
}
static unsigned dev_minor(u64 dev)
{
    return (unsigned)((dev & 0xff) | ((dev >> 12) & ~0xffull));
}

/* vma_is_initial_heap / vma_is_initial_stack (Linux 6.x). */
static bool vma_is_heap(const struct mm *mm, const struct vma *v)
{
    return mm->brk != mm->brk_start && v->start < mm->brk && v->end > mm->brk_start;
}
static bool vma_is_stack(const struct mm *mm, const struct vma *v)
{
    return v->start <= mm->start_stack && v->end >= mm->start_stack;
}

/* Names of anonymous vmas that Linux shows too (the model's others,
 * "[anon:stack]", "text", ..., are its own labels). */
static bool vma_special_name(const char *n)
{
    return !strcmp(n, "[sigpage]") || !strcmp(n, "[vdso]") || !strcmp(n, "[vvar]") ||
           !strcmp(n, "/dev/zero (deleted)");
}

/* seq_file_path(m, file, "\n"): a newline in the path is shown as \012. */
static void put_path(struct sb *b, const char *p)
{
    for (; *p; p++) {
        if (*p == '\n')
            sb_printf(b, "\\012");
        else
            sb_printf(b, "%c", *p);
    }
}

/* One line per vma: "%08lx-%08lx %c%c%c%c %08llx %02x:%02x %lu ", then,
 * for a named mapping, spaces up to column 72 (25 + 6 * sizeof(void *) - 1
 * on a 64-bit guest), one more, and the name. The names: a file's guest
 * path, [heap], [stack], "/dev/zero (deleted)" for MAP_SHARED anonymous
 * memory, and [sigpage]: the model's signal return trampoline (aarch64,
 * s390x), which stands in for the vDSO the model does not have. */
void gen_maps(struct km *k, struct task *x, struct sb *b)
{
    const struct mm *mm = x->mm;
    if (!mm) return; /* a zombie: Linux reads nothing either */
    const char *exe = fs_task_exe(k, x);
    for (const struct vma *v = mm->vmas; v; v = v->next) {
        const struct vma_file *f = v->file;
        size_t line = b->len;
        sb_printf(b, "%08llx-%08llx %c%c%c%c %08llx %02x:%02x %llu ", (unsigned long long)v->start,
                  (unsigned long long)v->end, v->prot & LX_PROT_READ ? 'r' : '-',
                  v->prot & LX_PROT_WRITE ? 'w' : '-', v->prot & LX_PROT_EXEC ? 'x' : '-',
                  v->flags & LX_MAP_SHARED ? 's' : 'p', (unsigned long long)(f ? v->pgoff : 0),
                  f ? dev_major(f->dev) : 0, f ? dev_minor(f->dev) : 0,
                  (unsigned long long)(f ? f->ino : 0));
        const char *name = NULL;
        if (f)
            name = f->exe && exe ? exe : f->path;
        else if (vma_is_heap(mm, v))
            name = "[heap]";
        else if (vma_is_stack(mm, v))
            name = "[stack]";
        else if (vma_special_name(v->name))
            name = v->name;
        if (name) {
            while (b->len - line < 72)
                sb_printf(b, " ");
            sb_printf(b, " ");
            put_path(b, name);
        }
        sb_printf(b, "\n");
    }
}

/* The modelled procfs's views of a process's memory and limits:
 * /proc/PID/maps (fs/proc/task_mmu.c show_map_vma), statm, cmdline,
 * environ (fs/proc/base.c) and limits, snapshots made at open. */
#include "kernel-model/files.h"
#include "kernel-model/internal.h"
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

/* task_statm, in pages: size resident shared text lib data dt. The model
 * does not track which pages are resident: every accessible page counts
 * (resident), file pages are shared, text is the executable's code, data
 * is data_vm (private writable, not stack) + stack_vm; lib and dt are 0
 * as in Linux since 2.6. */
void gen_statm(const struct task *x, struct sb *b)
{
    u64 size = 0, resident = 0, shared = 0, text = 0, data = 0;
    for (const struct vma *v = x->mm ? x->mm->vmas : NULL; v; v = v->next) {
        u64 pages = (v->end - v->start) / LX_PAGE_SIZE;
        size += pages;
        if (v->prot) resident += pages;
        if (v->file) shared += pages;
        if (v->file && v->file->exe && (v->prot & LX_PROT_EXEC)) text += pages;
        if (v->flags & LX_MAP_GROWSDOWN)
            data += pages;
        else if ((v->prot & LX_PROT_WRITE) && !(v->flags & LX_MAP_SHARED))
            data += pages;
    }
    sb_printf(b, "%llu %llu %llu %llu 0 %llu 0\n", (unsigned long long)size,
              (unsigned long long)resident, (unsigned long long)shared, (unsigned long long)text,
              (unsigned long long)data);
}

/* Guest bytes [start, end) of mm (access_remote_vm): up to the first
 * unreadable chunk. */
static void put_guest(struct sb *b, struct mm *mm, u64 start, u64 end)
{
    char chunk[256];
    while (start < end) {
        size_t n = end - start < sizeof chunk ? (size_t)(end - start) : sizeof chunk;
        if (mm_read(mm, start, chunk, n) < 0) return;
        sb_put(b, chunk, n);
        start += n;
    }
}

/* get_mm_cmdline: the argv strings exec left between arg_start and
 * arg_end; when the NUL ending them has been overwritten (setproctitle),
 * the string at arg_start, which may run on into the environment strings
 * right after, up to its NUL, at most a page (get_mm_proctitle). */
void gen_cmdline(const struct task *x, struct sb *b)
{
    struct mm *mm = x->mm;
    if (!mm || mm->arg_start >= mm->arg_end) return;
    u64 as = mm->arg_start, ae = mm->arg_end, es = mm->env_start, ee = mm->env_end;
    if (es != ae || ee < es) es = ee = ae;
    char c = 0;
    if (mm_read(mm, ae - 1, &c, 1) == 0 && c) {
        char page[LX_PAGE_SIZE];
        size_t got = ee - as < sizeof page ? (size_t)(ee - as) : sizeof page;
        size_t n = 0;
        while (n < got && mm_read(mm, as + n, page + n, 1) == 0 && page[n])
            n++;
        if (n < got && page[n] == '\0') n++; /* the NUL, if found */
        sb_put(b, page, n);
        return;
    }
    put_guest(b, mm, as, ae);
}

/* environ_read: the bytes between env_start and env_end. */
void gen_environ(const struct task *x, struct sb *b)
{
    if (x->mm && x->mm->env_end) put_guest(b, x->mm, x->mm->env_start, x->mm->env_end);
}

/* proc_pid_limits: a header, then every RLIMIT_* in number order. */
void gen_limits(const struct task *x, struct sb *b)
{
    static const char *const lim[16][2] = {
        {"Max cpu time", "seconds"},     {"Max file size", "bytes"},
        {"Max data size", "bytes"},      {"Max stack size", "bytes"},
        {"Max core file size", "bytes"}, {"Max resident set", "bytes"},
        {"Max processes", "processes"},  {"Max open files", "files"},
        {"Max locked memory", "bytes"},  {"Max address space", "bytes"},
        {"Max file locks", "locks"},     {"Max pending signals", "signals"},
        {"Max msgqueue size", "bytes"},  {"Max nice priority", NULL},
        {"Max realtime priority", NULL}, {"Max realtime timeout", "us"},
    };
    sb_printf(b, "%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
    for (int i = 0; i < 16; i++) {
        u64 cur = *misc_rlim_field(x->tg, i), max = x->tg->rlim_hard[i];
        if (cur == ~0ULL)
            sb_printf(b, "%-25s %-20s ", lim[i][0], "unlimited");
        else
            sb_printf(b, "%-25s %-20llu ", lim[i][0], (unsigned long long)cur);
        if (max == ~0ULL)
            sb_printf(b, "%-20s ", "unlimited");
        else
            sb_printf(b, "%-20llu ", (unsigned long long)max);
        if (lim[i][1])
            sb_printf(b, "%-10s\n", lim[i][1]);
        else
            sb_printf(b, "\n");
    }
}

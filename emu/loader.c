/* ELF64 loader and initial stack (see loader.h). Every ELF field is read
 * with lx_get* in the file's byte order and every stack word written with
 * lx_put64 in the guest's, so a big-endian guest (s390x) needs no change
 * here. Follows fs/binfmt_elf.c: load_elf_binary, create_elf_tables. */
#include "emu/loader.h"
#include "kernel-model/files.h"
#include "kernel-model/mm_advise.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#define EHDR_SIZE     64
#define PHDR_SIZE     56
#define ET_EXEC       2
#define ET_DYN        3
#define PT_LOAD       1
#define PT_INTERP     3
#define PT_PHDR       6
#define PF_X          1
#define PF_W          2
#define PF_R          4
#define MAX_ELF_SIZE  (1ULL << 30)
#define MAX_ARG_BYTES (LOADER_STACK_SIZE / 4) /* Linux: a quarter of the stack rlimit */

#define PAGE_DOWN(x) ((x) & ~(u64)(LX_PAGE_SIZE - 1))
#define PAGE_UP(x)   PAGE_DOWN((x) + LX_PAGE_SIZE - 1)

/* The file in memory and the header facts the loader uses. */
struct elf {
    u8 *data;
    u64 size;
    bool be;
    u16 type, phnum;
    u64 entry, phoff;
    const struct km_abi *abi;
    u64 dev, ino; /* the file's, as the guest's stat shows them (maps) */
};

static int fail(char *err, size_t errsz, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int fail(char *err, size_t errsz, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    if (err && errsz) vsnprintf(err, errsz, fmt, ap);
    va_end(ap);
    return rc;
}

/* Host errno -> -LX_E* for the few open/read failures an exec can meet. */
static int host_err(int e)
{
    switch (e) {
    case ENOENT: return -LX_ENOENT;
    case EACCES: return -LX_EACCES;
    case ENOTDIR: return -LX_ENOTDIR;
    case EISDIR: return -LX_EISDIR;
    case ENAMETOOLONG: return -LX_ENAMETOOLONG;
    case ELOOP: return -LX_ELOOP;
    case ENOMEM: return -LX_ENOMEM;
    default: return -LX_EIO;
    }
}

/* file_read through a km_hostfs: a file the guest named (execve, its
 * interpreter), so it is opened as the model's files are, confined to the
 * root (docs/hardening.md). */
static int file_read_via(const struct km_hostfs *fs, const char *path, u64 max, struct elf *f,
                         char *err, size_t errsz)
{
    int h = fs->open(fs->ctx, path, LX_O_RDONLY, 0);
    if (h < 0) return fail(err, errsz, h, "%s: cannot open it (%s)", path, lx_errno_name(-h));
    struct lx_stat st;
    int rc = fs->fstat(fs->ctx, h, &st);
    if (rc == 0 && (st.mode & LX_S_IFMT) != LX_S_IFREG)
        rc = fail(err, errsz, -LX_EACCES, "%s: not a regular file", path);
    f->dev = st.dev;
    f->ino = st.ino;
    u64 n = st.size < max ? st.size : max;
    if (st.size > MAX_ELF_SIZE) n = 0;
    f->data = rc == 0 ? malloc(n ? n : 1) : NULL;
    f->size = 0;
    while (f->data && f->size < n) {
        i64 r = fs->read(fs->ctx, h, f->data + f->size, n - f->size);
        if (r <= 0) break;
        f->size += (u64)r;
    }
    fs->close(fs->ctx, h);
    if (rc == 0 && !f->data) return fail(err, errsz, -LX_ENOMEM, "%s: out of memory", path);
    return rc;
}

/* Reads at most max bytes of path (all of it unless max is smaller),
 * through via if not NULL, else with the host's open (a PROGRAM named on
 * clonemu's command line). */
static int file_read(const struct km_hostfs *via, const char *path, u64 max, struct elf *f,
                     char *err, size_t errsz)
{
    if (via) return file_read_via(via, path, max, f, err, errsz);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return fail(err, errsz, host_err(errno), "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return fail(err, errsz, -LX_EACCES, "%s: not a regular file", path);
    }
    u64 n = (u64)st.st_size < max ? (u64)st.st_size : max;
    if ((u64)st.st_size > MAX_ELF_SIZE) n = 0;
    f->dev = (u64)st.st_dev;
    f->ino = (u64)st.st_ino;
    f->data = malloc(n ? n : 1);
    f->size = 0;
    while (f->data && f->size < n) {
        ssize_t r = read(fd, f->data + f->size, n - f->size);
        if (r <= 0) break;
        f->size += (u64)r;
    }
    close(fd);
    if (!f->data) return fail(err, errsz, -LX_ENOMEM, "%s: out of memory", path);
    return 0;
}

/* Validates the ELF header; fills f->abi, type, entry, phoff, phnum. */
static int elf_parse_header(struct elf *f, const char *path, char *err, size_t errsz)
{
    const u8 *h = f->data;
    if (f->size < EHDR_SIZE || memcmp(h, "\177ELF", 4) != 0)
        return fail(err, errsz, -LX_ENOEXEC, "%s: not an ELF file", path);
    if (h[4] != 2) return fail(err, errsz, -LX_ENOEXEC, "%s: not a 64-bit ELF file", path);
    if (h[5] != 1 && h[5] != 2)
        return fail(err, errsz, -LX_ENOEXEC, "%s: bad ELF byte order", path);
    f->be = h[5] == 2;
    f->type = lx_get16(f->be, h + 16);
    u16 machine = lx_get16(f->be, h + 18);
    f->entry = lx_get64(f->be, h + 24);
    f->phoff = lx_get64(f->be, h + 32);
    u16 phentsize = lx_get16(f->be, h + 54);
    f->phnum = lx_get16(f->be, h + 56);
    f->abi = km_abi_by_machine(machine);
    if (!f->abi)
        return fail(err, errsz, -LX_ENOEXEC, "%s: ELF machine %u is not supported", path, machine);
    if (f->abi->big_endian != f->be)
        return fail(err, errsz, -LX_ENOEXEC, "%s: byte order does not match %s", path,
                    f->abi->name);
    if (f->type != ET_EXEC && f->type != ET_DYN)
        return fail(err, errsz, -LX_ENOEXEC, "%s: not an executable (ELF type %u)", path, f->type);
    if (phentsize != PHDR_SIZE || f->phnum == 0 || f->phnum > 512)
        return fail(err, errsz, -LX_ENOEXEC, "%s: bad program header table", path);
    return 0;
}

int loader_probe(const char *host_path, const struct km_abi **abi_out, char *err, size_t errsz)
{
    struct elf f = {0};
    int rc = file_read(NULL, host_path, EHDR_SIZE, &f, err, errsz);
    if (rc == 0) rc = elf_parse_header(&f, host_path, err, errsz);
    if (rc == 0) *abi_out = f.abi;
    free(f.data);
    return rc;
}

/* One program header, decoded. */
struct phdr {
    u32 type, flags;
    u64 offset, vaddr, filesz, memsz;
};

static struct phdr elf_phdr(const struct elf *f, int i)
{
    const u8 *p = f->data + f->phoff + (u64)i * PHDR_SIZE;
    return (struct phdr){lx_get32(f->be, p),      lx_get32(f->be, p + 4),  lx_get64(f->be, p + 8),
                         lx_get64(f->be, p + 16), lx_get64(f->be, p + 32), lx_get64(f->be, p + 40)};
}

/* Checks every program header; lo and hi: page range of the PT_LOADs. */
static int elf_check_phdrs(const struct elf *f, const char *path, u64 *lo, u64 *hi, char *err,
                           size_t errsz)
{
    if (f->phoff > f->size || (u64)f->phnum * PHDR_SIZE > f->size - f->phoff)
        return fail(err, errsz, -LX_ENOEXEC, "%s: truncated program headers", path);
    *lo = UINT64_MAX;
    *hi = 0;
    for (int i = 0; i < f->phnum; i++) {
        struct phdr p = elf_phdr(f, i);
        if (p.type != PT_LOAD) continue;
        if (p.offset > f->size || p.filesz > f->size - p.offset || p.filesz > p.memsz ||
            p.vaddr + p.memsz < p.vaddr || p.vaddr + p.memsz > f->abi->task_size ||
            (p.offset & (LX_PAGE_SIZE - 1)) != (p.vaddr & (LX_PAGE_SIZE - 1)))
            return fail(err, errsz, -LX_ENOEXEC, "%s: bad PT_LOAD segment %d", path, i);
        if (PAGE_DOWN(p.vaddr) < *lo) *lo = PAGE_DOWN(p.vaddr);
        if (PAGE_UP(p.vaddr + p.memsz) > *hi) *hi = PAGE_UP(p.vaddr + p.memsz);
    }
    if (*hi == 0) return fail(err, errsz, -LX_ENOEXEC, "%s: no PT_LOAD segment", path);
    return 0;
}

static int prot_of(u32 pf)
{
    return (pf & PF_R ? LX_PROT_READ : 0) | (pf & PF_W ? LX_PROT_WRITE : 0) |
           (pf & PF_X ? LX_PROT_EXEC : 0);
}

/* Maps one PT_LOAD at bias: anonymous private pages, file bytes poked in,
 * the rest (bss) zero; maps shows the pages holding file bytes as vf's.
 * A first page shared with the previous segment (*mapped_end) is not
 * mapped twice; it gets both segments' permissions. */
static int elf_map_segment(struct mm *mm, const struct elf *f, const struct phdr *p, u64 bias,
                           struct vma_file *vf, u64 *mapped_end)
{
    u64 start = PAGE_DOWN(p->vaddr + bias), end = PAGE_UP(p->vaddr + bias + p->memsz);
    int prot = prot_of(p->flags);
    if (start < *mapped_end) {
        const struct vma *v = mm_find_vma(mm, start);
        if (v) mm_protect(mm, start, LX_PAGE_SIZE, v->prot | prot);
        start += LX_PAGE_SIZE;
    }
    if (start < end) {
        i64 r = mm_map_anon(mm, start, end - start, prot,
                            LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED,
                            prot & LX_PROT_EXEC ? "text" : "data");
        if (lx_is_err(r)) return (int)r;
        u64 fend = PAGE_UP(p->vaddr + bias + p->filesz);
        if (p->filesz && fend > start)
            mm_set_file(mm, start, fend < end ? fend : end, vf,
                        PAGE_DOWN(p->offset) + (start - PAGE_DOWN(p->vaddr + bias)));
    }
    if (end > *mapped_end) *mapped_end = end;
    int rc = p->filesz ? mm_poke(mm, p->vaddr + bias, f->data + p->offset, p->filesz) : 0;
    /* Zero the bss part of the last file page (it may be a shared page). */
    u64 z = p->vaddr + bias + p->filesz, zend = PAGE_UP(z);
    if (zend > p->vaddr + bias + p->memsz) zend = p->vaddr + bias + p->memsz;
    static const u8 zeros[LX_PAGE_SIZE];
    if (rc == 0 && zend > z) rc = mm_poke(mm, z, zeros, zend - z);
    return rc;
}

/* AT_PHDR: PT_PHDR if present, else the PT_LOAD containing e_phoff. */
static u64 elf_phdr_addr(const struct elf *f, u64 bias)
{
    for (int i = 0; i < f->phnum; i++) {
        struct phdr p = elf_phdr(f, i);
        if (p.type == PT_PHDR) return p.vaddr + bias;
    }
    for (int i = 0; i < f->phnum; i++) {
        struct phdr p = elf_phdr(f, i);
        if (p.type == PT_LOAD && f->phoff >= p.offset && f->phoff < p.offset + p.filesz)
            return p.vaddr + (f->phoff - p.offset) + bias;
    }
    return 0;
}

/* Maps every PT_LOAD of f. ET_EXEC at its addresses; an ET_DYN program at
 * abi->elf_et_dyn_base; an interpreter (interp) wherever the mm's top-down
 * allocator puts its whole span, as load_elf_interp does. *bias and *end
 * (the highest mapped address) for the caller. */
static int elf_map_image(struct mm *mm, const struct elf *f, const char *path, bool interp,
                         struct vma_file *vf, u64 *bias, u64 *end, char *err, size_t errsz)
{
    u64 lo = 0, hi = 0;
    int rc = elf_check_phdrs(f, path, &lo, &hi, err, errsz);
    if (rc) return rc;
    *bias = 0;
    if (interp && f->type == ET_DYN) {
        i64 base = mm_map_anon(mm, 0, hi - lo, 0, LX_MAP_PRIVATE | LX_MAP_ANONYMOUS, "");
        if (lx_is_err(base)) return fail(err, errsz, (int)base, "%s: no room to load it", path);
        *bias = (u64)base - lo;
    } else if (f->type == ET_DYN) {
        *bias = f->abi->elf_et_dyn_base - lo;
    }
    u64 mapped_end = 0;
    for (int i = 0; i < f->phnum; i++) {
        struct phdr p = elf_phdr(f, i);
        if (p.type != PT_LOAD || p.memsz == 0) continue;
        rc = elf_map_segment(mm, f, &p, *bias, vf, &mapped_end);
        if (rc) return fail(err, errsz, rc, "%s: cannot map segment %d", path, i);
    }
    *end = hi + *bias;
    return 0;
}

static int elf_load_segments(struct mm *mm, const struct elf *f, const char *path,
                             struct loader_image *img, char *err, size_t errsz)
{
    u64 bias = 0, end = 0;
    struct vma_file *vf = vma_file_new(NULL, true, f->dev, f->ino); /* named by the exe path */
    int rc = elf_map_image(mm, f, path, false, vf, &bias, &end, err, errsz);
    vma_file_put(vf);
    if (rc) return rc;
    img->load_bias = bias;
    img->entry = img->prog_entry = f->entry + bias;
    img->phdr = elf_phdr_addr(f, bias);
    img->brk = end;
    mm->brk_start = mm->brk = img->brk;
    mm->exe_entry = img->entry;
    return 0;
}

/* PT_INTERP's path (NUL-terminated inside the file), or NULL. */
static const char *elf_interp(const struct elf *f)
{
    for (int i = 0; i < f->phnum; i++) {
        struct phdr p = elf_phdr(f, i);
        if (p.type != PT_INTERP) continue;
        if (p.filesz < 2 || p.filesz > 4096 || p.offset > f->size ||
            p.filesz > f->size - p.offset || f->data[p.offset + p.filesz - 1] != '\0')
            return "";
        return (const char *)f->data + p.offset;
    }
    return NULL;
}

/* The program's interpreter (ld.so), found through the sysroot, mapped
 * into mm: img->entry becomes its entry, img->interp_base AT_BASE. */
static int elf_load_interp(struct km *k, struct mm *mm, const struct elf *prog, const char *path,
                           const char *interp, struct loader_image *img, char *err, size_t errsz)
{
    char host[4096];
    if (interp[0] != '/')
        return fail(err, errsz, -LX_ENOEXEC, "%s: bad PT_INTERP (not an absolute path)", path);
    const struct km_hostfs *via = k->host ? k->host->fs : NULL;
    /* the guest's path walk (symlinks resolved in the root) when the model
     * has a host file system; a bare model (fuzz_loader) only prefixes */
    int rc = via ? fs_host_path(k, NULL, LX_AT_FDCWD, interp, host, sizeof(host))
                 : fs_resolve_abs(k, interp, host, sizeof(host));
    struct elf f = {0};
    if (rc == 0)
        rc = file_read(via, host, MAX_ELF_SIZE, &f, err, errsz);
    else if (rc != -LX_ENOENT && rc != -LX_ENOTDIR)
        return fail(err, errsz, rc, "%s: PT_INTERP %s: %s", path, interp, lx_errno_name(-rc));
    if (rc == -LX_ENOENT || rc == -LX_ENOTDIR) {
        const char *sr = k->opt.sysroot ? k->opt.sysroot : "";
        const char *root = k->opt.root ? k->opt.root : "";
        char tried[2 * 4096 + 16];
        if (sr[0])
            snprintf(tried, sizeof(tried), "%s%s, then %s%s", sr, interp, root, interp);
        else
            snprintf(tried, sizeof(tried), "%s%s", root, interp);
        fail(err, errsz, rc,
             "%s is dynamically linked; its interpreter %s was not found (looked for %s). "
             "Give the %s root file system with --sysroot=DIR (or QEMU_LD_PREFIX=DIR), e.g. "
             "Debian's cross libc: apt-get install libc6-%s-cross, --sysroot=%s",
             path, interp, tried, prog->abi->name, prog->abi->deb_arch ? prog->abi->deb_arch : "?",
             prog->abi->cross_sysroot ? prog->abi->cross_sysroot : "DIR");
    }
    if (rc == 0) rc = elf_parse_header(&f, host, err, errsz);
    if (rc == 0 && (f.abi != prog->abi || f.type != ET_DYN))
        rc = fail(err, errsz, -LX_ENOEXEC, "%s: interpreter %s is not a %s shared object", path,
                  host, prog->abi->name);
    u64 bias = 0, end = 0;
    if (rc == 0) {
        struct vma_file *vf = vma_file_new(interp, false, f.dev, f.ino);
        rc = elf_map_image(mm, &f, host, true, vf, &bias, &end, err, errsz);
        vma_file_put(vf);
    }
    if (rc == 0) {
        img->interp_base = bias;
        img->entry = f.entry + bias;
    }
    free(f.data);
    return rc;
}

/* --- the initial stack --------------------------------------------------- */

/* Pushes a string below *sp; its guest address, or 0 on fault. */
static u64 stack_push_str(struct mm *mm, u64 *sp, const char *s)
{
    size_t n = strlen(s) + 1;
    *sp -= n;
    return mm_poke(mm, *sp, s, n) == 0 ? *sp : 0;
}

static size_t count_strs(char *const v[], u64 *bytes)
{
    size_t n = 0;
    for (; v && v[n]; n++)
        *bytes += strlen(v[n]) + 1;
    return n;
}

/* create_elf_tables: from the top, execfn, envp and argv strings, the
 * platform string, 16 AT_RANDOM bytes; then (16-aligned) argc, argv[],
 * NULL, envp[], NULL, auxv pairs, AT_NULL. */
static int stack_build(struct km *k, struct mm *mm, const struct elf *f, const char *execfn,
                       char *const argv[], char *const envp[], struct loader_image *img, char *err,
                       size_t errsz)
{
    const struct km_abi *abi = f->abi;
    const bool be = abi->big_endian;
    u64 bytes = strlen(execfn) + 1 + strlen(abi->platform) + 1;
    size_t argc = count_strs(argv, &bytes), envc = count_strs(envp, &bytes);
    if (bytes > MAX_ARG_BYTES) return fail(err, errsz, -LX_E2BIG, "argument list too long");

    u64 top = abi->stack_top;
    /* setup_arg_pages: 128 KiB now, growing on demand up to the rlimit
     * (the strings and tables below grow it too when they need more) */
    i64 r = mm_map_stack(mm, top, LOADER_STACK_INITIAL, LOADER_STACK_SIZE,
                         LX_PROT_READ | LX_PROT_WRITE, "[stack]");
    if (lx_is_err(r)) return fail(err, errsz, (int)r, "cannot map the stack");
    mm->start_stack = top;

    u64 sp = top - 8; /* binfmt_elf leaves a NULL word at the very top */
    u64 a_execfn = stack_push_str(mm, &sp, execfn);
    u64 *a_env = calloc(envc + 1, sizeof(u64)), *a_arg = calloc(argc + 1, sizeof(u64));
    int rc = a_env && a_arg ? 0 : -LX_ENOMEM;
    mm->env_end = sp; /* /proc/PID/cmdline and environ read these ranges */
    for (size_t i = envc; rc == 0 && i-- > 0;)
        a_env[i] = stack_push_str(mm, &sp, envp[i]);
    mm->env_start = mm->arg_end = sp;
    for (size_t i = argc; rc == 0 && i-- > 0;)
        a_arg[i] = stack_push_str(mm, &sp, argv[i]);
    mm->arg_start = sp;
    u64 a_platform = stack_push_str(mm, &sp, abi->platform);
    u8 rnd[16];
    lx_put64(false, rnd, km_rand(k));
    lx_put64(false, rnd + 8, km_rand(k));
    sp -= sizeof(rnd);
    u64 a_random = sp;
    if (rc == 0) rc = mm_poke(mm, a_random, rnd, sizeof(rnd));
    sp &= ~(u64)15;

    const u64 aux[][2] = {
        {LX_AT_PHDR, img->phdr},
        {LX_AT_PHENT, PHDR_SIZE},
        {LX_AT_PHNUM, f->phnum},
        {LX_AT_PAGESZ, LX_PAGE_SIZE},
        {LX_AT_BASE, img->interp_base},
        {LX_AT_FLAGS, 0},
        {LX_AT_ENTRY, img->prog_entry},
        {LX_AT_UID, k->opt.uid},
        {LX_AT_EUID, k->opt.uid},
        {LX_AT_GID, k->opt.gid},
        {LX_AT_EGID, k->opt.gid},
        {LX_AT_SECURE, 0},
        {LX_AT_RANDOM, a_random},
        {LX_AT_HWCAP, abi->hwcap},
        {LX_AT_HWCAP2, abi->hwcap2},
        {LX_AT_CLKTCK, 100},
        {LX_AT_PLATFORM, a_platform},
        {LX_AT_EXECFN, a_execfn},
        /* MINSIGSTKSZ as the kernel reports it (per arch, km_abi); an arch
         * without it (s390x) ends the vector here */
        {abi->minsigstksz ? LX_AT_MINSIGSTKSZ : LX_AT_NULL, abi->minsigstksz},
        {LX_AT_NULL, 0},
    };
    size_t naux = sizeof(aux) / sizeof(aux[0]) - (abi->minsigstksz ? 0 : 1);
    size_t words = 1 + argc + 1 + envc + 1 + 2 * naux;
    sp -= words * 8;
    sp &= ~(u64)15; /* the ABI wants SP 16-aligned at entry, pointing at argc */
    u8 *tab = calloc(words, 8);
    if (!tab && rc == 0) rc = -LX_ENOMEM;
    if (rc == 0) {
        size_t w = 0;
        lx_put64(be, tab + 8 * w++, argc);
        for (size_t i = 0; i < argc; i++)
            lx_put64(be, tab + 8 * w++, a_arg[i]);
        w++; /* NULL */
        for (size_t i = 0; i < envc; i++)
            lx_put64(be, tab + 8 * w++, a_env[i]);
        w++; /* NULL */
        for (size_t i = 0; i < naux; i++) {
            lx_put64(be, tab + 8 * w++, aux[i][0]);
            lx_put64(be, tab + 8 * w++, aux[i][1]);
        }
        rc = mm_poke(mm, sp, tab, words * 8);
    }
    free(tab);
    free(a_env);
    free(a_arg);
    if (rc == 0 && (!a_execfn || !a_platform)) rc = -LX_EFAULT;
    if (rc) return fail(err, errsz, rc, "cannot build the initial stack");
    img->sp = sp;
    return 0;
}

int loader_exec(struct km *k, const struct cpu_ops *cpu, const struct km_hostfs *via,
                const char *host_path, const char *execfn, char *const argv[], char *const envp[],
                const struct km_abi **abi_out, struct mm **mm_out, struct loader_image *img,
                char *err, size_t errsz)
{
    struct elf f = {0};
    memset(img, 0, sizeof(*img));
    int rc = file_read(via, host_path, MAX_ELF_SIZE, &f, err, errsz);
    if (rc == 0) rc = elf_parse_header(&f, host_path, err, errsz);
    if (rc == 0 && !cpu->supports(f.abi))
        rc = fail(err, errsz, -LX_ENOEXEC, "%s: the %s CPU cannot run %s", host_path, cpu->name,
                  f.abi->name);
    struct mm *mm = NULL;
    if (rc == 0) {
        mm = mm_new(cpu->observer, cpu->observer_ctx(f.abi), f.abi->big_endian, f.abi->task_size,
                    f.abi->mmap_base);
        if (!mm) rc = fail(err, errsz, -LX_ENOMEM, "out of memory");
    }
    if (rc == 0) rc = elf_load_segments(mm, &f, host_path, img, err, errsz);
    const char *interp = rc == 0 ? elf_interp(&f) : NULL;
    if (interp && !interp[0]) rc = fail(err, errsz, -LX_ENOEXEC, "%s: bad PT_INTERP", host_path);
    if (rc == 0 && interp) rc = elf_load_interp(k, mm, &f, host_path, interp, img, err, errsz);
    if (rc == 0)
        rc = stack_build(k, mm, &f, execfn ? execfn : host_path, argv, envp, img, err, errsz);
    /* /proc/self/exe: the model's execve calls fs_set_exe with the guest path. */
    free(f.data);
    if (rc) {
        if (mm) mm_put(mm);
        return rc;
    }
    *abi_out = f.abi;
    *mm_out = mm;
    return 0;
}

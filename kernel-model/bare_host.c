/* A model host without a CPU (bare_host.h). */
#include "kernel-model/bare_host.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int bare_cpu_clone(void *ctx, struct task *parent, struct task *child, u64 stack,
                          bool settls, u64 tls)
{
    (void)ctx;
    struct km_bare_cpu *c = calloc(1, sizeof *c);
    if (!c) return -LX_ENOMEM;
    const struct km_bare_cpu *p = parent->cpu;
    c->sp = stack ? stack : (p ? p->sp : 0);
    c->settls = settls;
    c->tls = settls ? tls : (p ? p->tls : 0);
    child->cpu = c;
    return 0;
}

static void bare_cpu_free(void *ctx, struct task *t)
{
    (void)ctx;
    free(t->cpu);
    t->cpu = NULL;
}

static int bare_set_tls(void *ctx, struct task *t, u64 tls)
{
    (void)ctx;
    if (t->cpu) ((struct km_bare_cpu *)t->cpu)->tls = tls;
    return 0;
}

static u64 bare_get_tls(void *ctx, struct task *t)
{
    (void)ctx;
    return t->cpu ? ((struct km_bare_cpu *)t->cpu)->tls : 0;
}

static int bare_exec_load(void *ctx, struct task *t, const char *host_path, char *const argv[],
                          char *const envp[], struct mm **mm_out)
{
    (void)ctx, (void)t, (void)host_path, (void)argv, (void)envp, (void)mm_out;
    return -LX_ENOEXEC;
}

/* Signal delivery: the bare CPU keeps only SP, TLS and the return value. */
static void bare_set_return(void *ctx, struct task *t, i64 v)
{
    (void)ctx;
    if (t->cpu) ((struct km_bare_cpu *)t->cpu)->ret = v;
}

static void bare_regs_save(void *ctx, struct task *t, struct km_regs *r)
{
    (void)ctx;
    memset(r, 0, sizeof *r);
    const struct km_bare_cpu *c = t->cpu;
    if (c) {
        r->sp = c->sp;
        r->tls = c->tls;
        r->gpr[0] = (u64)c->ret;
    }
}

static void bare_regs_load(void *ctx, struct task *t, const struct km_regs *r)
{
    (void)ctx;
    struct km_bare_cpu *c = t->cpu;
    if (c) {
        c->sp = r->sp;
        c->tls = r->tls;
    }
}

static void bare_diag(void *ctx, const char *line)
{
    (void)ctx;
    fprintf(stderr, "diag: %s\n", line);
}

const struct km_host km_bare_host = {
    .ctx = NULL,
    .cpu_clone = bare_cpu_clone,
    .cpu_free = bare_cpu_free,
    .cpu_set_tls = bare_set_tls,
    .cpu_get_tls = bare_get_tls,
    .exec_load = bare_exec_load,
    .cpu_set_return = bare_set_return,
    .cpu_regs_save = bare_regs_save,
    .cpu_regs_load = bare_regs_load,
    .fs = NULL,
    .diag = bare_diag,
};

struct task *km_bare_boot(struct km *k, const struct km_abi *abi)
{
    struct km_options opt = {
        .seed = 1,
        .slice_blocks = 1000,
        .ns_per_block = 1,
        .first_pid = 1000,
        .uid = 0,
        .gid = 0,
        .root = "",
        .hostname = "fakehost",
    };
    km_init(k, &opt, &km_bare_host);
    struct mm *mm = mm_new(NULL, NULL, abi->big_endian, abi->task_size, abi->mmap_base);
    if (mm_map_anon(mm, 0x10000, 0x100000, LX_PROT_READ | LX_PROT_WRITE,
                    LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED, "data") < 0 ||
        mm_map_anon(mm, 0x200000, 0x10000, LX_PROT_READ,
                    LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED, "ro") < 0) {
        fprintf(stderr, "clonemu: km_bare_boot: mm_map_anon failed\n");
        abort();
    }
    struct task *t = km_spawn_initial(k, abi, mm);
    struct km_bare_cpu *c = calloc(1, sizeof *c);
    if (!c) abort();
    c->sp = 0x10000 + 0x100000 - 64;
    t->cpu = c;
    return t;
}

void km_bare_shutdown(struct km *k)
{
    km_destroy(k);
}

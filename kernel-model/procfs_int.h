/* Private to the modelled procfs (procfs.c, procfs_gen.c): the growing
 * text buffer and the generators of the status / stat / comm files. */
#ifndef CLONEMU_PROCFS_INT_H
#define CLONEMU_PROCFS_INT_H

#include "kernel-model/km.h"

#define PROCFS_CAP_FULL   0x1ffffffffffull /* CAP_LAST_CAP = 40 */
#define PROCFS_SIGQ_LIMIT 63353u           /* RLIMIT_SIGPENDING is not modelled */

struct sb {
    char *p;
    size_t len, cap;
};

void *procfs_xcalloc(size_t n, size_t sz);
void sb_printf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_put(struct sb *b, const void *p, size_t n); /* raw bytes, NULs included */
/* /proc/PID/status, stat and comm of task x, in Linux's format
 * (fs/proc/array.c). */
void gen_status(struct km *k, const struct task *x, struct sb *b);
void gen_stat(const struct task *x, struct sb *b);
void gen_comm(const struct task *x, struct sb *b);
/* procfs_mm.c: /proc/PID/maps, statm (task_mmu.c), cmdline, environ and
 * limits (base.c) of task x. */
void gen_maps(struct km *k, struct task *x, struct sb *b);
void gen_statm(const struct task *x, struct sb *b);
void gen_cmdline(const struct task *x, struct sb *b);
void gen_environ(const struct task *x, struct sb *b);
void gen_limits(const struct task *x, struct sb *b);

#endif

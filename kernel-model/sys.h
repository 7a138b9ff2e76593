/* Syscall handlers. Front-ends only decode arguments and call the model
 * (xv6's sysproc.c style). Each module owns one table segment of
 * {sysno, handler, trace format}; sys_table.c merges the segments. Never a
 * giant switch. */
#ifndef CLONEMU_SYS_H
#define CLONEMU_SYS_H

#include "kernel-model/km.h"

typedef i64 (*km_sys_fn)(struct km *k, struct task *t, const u64 a[6]);

/* Trace format: one char per argument:
 *   d signed int   u unsigned   x hex   p guest pointer   s guest string
 *   f clone flags  o open flags F fd (signed int)  S signal number */
struct km_sys_entry {
    enum lx_sysno sysno;
    km_sys_fn fn;
    const char *fmt;
};

/* The segments (each ends with {LX_SYS_NONE}). */
extern const struct km_sys_entry km_sys_proc[];  /* proc.c: ids, clone family, exit, wait, exec */
extern const struct km_sys_entry km_sys_futex[]; /* futex.c: futex, robust list, set_tid_address */
extern const struct km_sys_entry km_sys_file[];  /* sys_file.c: fds, paths, pipes, poll, pidfd */
extern const struct km_sys_entry km_sys_mem[];   /* sys_mem.c: brk, mmap, munmap, mprotect, ... */
extern const struct km_sys_entry
    km_sys_misc[]; /* sys_misc.c: uname, time, sleep, rlimits, signals state, prctl */
/* sys_signal.c: sigsuspend, pause, sigtimedwait, sigreturn, sigqueueinfo, sigaltstack, itimers */
extern const struct km_sys_entry km_sys_signal[];
extern const struct km_sys_entry km_sys_ns[];    /* sys_ns.c: unshare, setns */
extern const struct km_sys_entry km_sys_cred[];  /* sys_cred.c: ids, groups, capabilities */
extern const struct km_sys_entry km_sys_sem[];   /* sysv_sem.c: semget, semop, semctl */
extern const struct km_sys_entry km_sys_epoll[]; /* epoll.c: epoll_create, epoll_ctl, epoll_wait */
extern const struct km_sys_entry km_sys_attr[];  /* fs_attr.c: chmod, chown family, creat */

const struct km_sys_entry *km_sys_lookup(enum lx_sysno n);

/* Helpers shared by handlers. */
static inline bool km_guest_be(const struct task *t)
{
    return t->abi->big_endian;
}

#endif

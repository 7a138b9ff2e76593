/* Helpers shared inside the kernel model (not part of its interface). */
#ifndef CLONEMU_INTERNAL_H
#define CLONEMU_INTERNAL_H

#include "kernel-model/km.h"
#include "kernel-model/ns.h"

#define KM_PID_MAX 4194304 /* pid_max default on 64-bit */

void *km_zalloc(size_t n);
_Noreturn void km_panic(const char *what);

struct task *km_task_alloc(struct km *k, int tid);
int km_alloc_pid(struct km *k);
struct task *km_find_task_any(struct km *k, int tid);
/* The task list and the pid hash (km.c): link a task built elsewhere;
 * renumber one (pid namespaces, exec's take-over); free an unlinked one. */
void km_task_link(struct km *k, struct task *t);
void km_task_set_tid(struct km *k, struct task *t, int tid);
void km_task_free(struct km *k, struct task *t);
u64 km_live_tasks(const struct km *k); /* not yet zombies, init aside */
/* Every change of t->state goes through here: it keeps the run queue, the
 * wait lists, the deadlines and the live count in step. */
void km_set_state(struct km *k, struct task *t, enum task_state s);
void km_waitq_unlink(struct km *k, struct task *t);
/* tg->threads in creation order, O(1) both ways. */
void tg_thread_append(struct tgroup *tg, struct task *t);
void tg_thread_unlink(struct tgroup *tg, struct task *t);
/* sched.c: t's place on the run queue after a change of state or group
 * stop; its place among the deadlines after km_block; ITIMER_REAL. */
void km_rq_update(struct km *k, struct task *t);
void km_rq_update_group(struct km *k, struct tgroup *tg);
void km_timer_update(struct km *k, struct task *t);
void km_sched_forget(struct km *k, struct task *t);
void km_sched_free(struct km *k);
void km_tg_set_alarm(struct km *k, struct tgroup *tg, u64 deadline_ns);
void task_add_child(struct task *parent, struct task *child);
void task_remove_child(struct task *parent, struct task *child);
/* Drop the task's mm, files, fs, sighand, ... and its CPU context. */
void task_release_resources(struct km *k, struct task *t);
const char *km_wait_kind_name(enum km_wait_kind w);
void km_report_waits(struct km *k, char *buf, size_t n);

/* res.c: refcounted resources */
struct tgroup *tgroup_new(int tgid);
void tgroup_put(struct tgroup *tg);
struct cred *cred_new(u32 uid, u32 gid);
struct cred *cred_get(struct cred *c);
struct cred *cred_dup(const struct cred *c); /* a private copy to change (prepare_creds) */
void cred_put(struct cred *c);
/* commit_creds: t's credentials become n (consumed); a change of euid,
 * egid, fsuid, fsgid or a permitted set beyond the old one makes t's mm
 * non-dumpable. */
void cred_commit(struct task *t, struct cred *n);
bool cred_capable_admin(const struct cred *c);
/* caps.c: the capability prctls (cap_task_prctl; -LX_ENOSYS: not one of
 * them) and execve's new capability sets (cap_bprm_creds_from_file). */
i64 cap_prctl(struct task *t, int option, const u64 a[6]);
void cap_exec(struct task *t);
/* __ptrace_may_access(x, PTRACE_MODE_ATTACH_REALCREDS or _FSCREDS) by t:
 * 0 or -LX_EPERM (no Yama, no LSM). */
int cap_ptrace_may_access(const struct task *t, const struct task *x, bool fscreds);
/* nsproxy_*: kernel-model/ns.h */
struct sighand *sighand_new(struct km *k);
struct sighand *sighand_get(struct sighand *s);
struct sighand *sighand_copy(struct km *k, const struct sighand *s, bool clear_handlers);
void sighand_put(struct sighand *s);
/* sysvsem and io contexts: opaque shared tokens until their issues */
void *res_new(struct km *k);
void *res_get(void *r);
void res_put(void *r);
int res_id(const void *r);

/* exit.c */
void km_reap(struct km *k, struct task *t);
bool task_group_dead(const struct task *leader);
/* proc.c: wait4/waitid core */
i64 km_do_wait(struct km *k, struct task *t, int idtype, i64 id, u32 options, int *status_out,
               struct task **reaped_info, int *si_code, int *si_status, int *si_pid, u32 *si_uid);

/* clone.c */
i64 km_clone3_copy_in(struct km *k, struct task *t, u64 uargs, u64 size,
                      struct kernel_clone_args *out);
void km_ev_refused(struct km *k, struct task *t, const char *call, int err, const char *rule,
                   const char *why);

/* sys_misc.c: where tg keeps the soft limit of resource res (RLIMIT_*) */
u64 *misc_rlim_field(struct tgroup *tg, int res);

/* exec.c */
i64 km_execve(struct km *k, struct task *t, u64 upath, u64 uargv, u64 uenvp);

/* signal.c */
bool km_sig_default_ignored(int sig);
bool km_sig_default_fatal(int sig);
/* A pending signal t does not block (recalc_sigpending). */
bool km_signal_deliverable(const struct task *t);
i64 km_interrupted_result(enum km_wait_kind w);

#endif

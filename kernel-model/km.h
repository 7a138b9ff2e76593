/* The kernel model: tasks, thread groups, shared resources, the clone
 * family, exit/wait, futexes, the deterministic scheduler and the event
 * stream. Pure C11 (DESIGN.md rule 1): it sees no registers and no CPU;
 * the emulator provides a few services through struct km_host. */
#ifndef CLONEMU_KM_H
#define CLONEMU_KM_H

#include "kernel-model/abi.h"
#include "kernel-model/mm.h"
#include "kernel-model/events.h"

struct km;
struct task;
struct files;   /* fd table (files.c) */
struct fs_info; /* cwd, root, umask (files.c) */
struct km_file; /* an open file description (files.c) */

/* Special syscall results (never valid return values). */
#define KM_BLOCKED ((i64)INT64_MIN)     /* task must wait; syscall stays pending */
#define KM_NORET   ((i64)INT64_MIN + 1) /* done; do not write the return register */

enum task_state {
    TASK_RUNNABLE, /* can run (maybe with a pending syscall to resume) */
    TASK_BLOCKED,  /* waiting, see task.wait */
    TASK_STOPPED,  /* group stop (signal issue) */
    TASK_ZOMBIE,   /* exited, waiting to be reaped */
    TASK_DEAD,     /* reaped or self-reaped; kept only while referenced */
};

enum km_wait_kind {
    KM_WAIT_NONE,
    KM_WAIT_FUTEX,   /* key = futex key */
    KM_WAIT_CHILD,   /* wait4/waitid */
    KM_WAIT_VFORK,   /* parent of a vfork child, until it execs or exits */
    KM_WAIT_SLEEP,   /* nanosleep: only the deadline wakes it */
    KM_WAIT_PIPE,    /* key = pipe id */
    KM_WAIT_POLL,    /* poll/ppoll: any file state change */
    KM_WAIT_PAUSE,   /* pause/sigsuspend: only a signal wakes it */
    KM_WAIT_SIGWAIT, /* rt_sigtimedwait: re-run when a signal arrives */
    KM_WAIT_SEM,     /* semop: key = the semaphore set's wait key; re-run on a change */
};
#define KM_WAIT_NKINDS (KM_WAIT_SEM + 1) /* the wait lists (k->waitq_head) */

struct km_wait {
    enum km_wait_kind kind;
    u64 key;
    u32 bitset;         /* futex bitset */
    u64 deadline_ns;    /* 0: none */
    i64 timeout_result; /* result when the deadline passes (e.g. -LX_ETIMEDOUT, or 0) */
    bool has_result;    /* set by the waker: complete with result, else re-run */
    u64 seq;            /* order of blocking (FIFO for exclusive wakes) */
    i64 result;
};

/* A pending syscall: re-run (or completed with wait.result) on wake. */
struct km_pending_sys {
    bool active;
    enum lx_sysno sysno;
    u32 arch_nr;
    u64 args[6];
    u64 deadline_ns; /* the deadline it blocked with (a re-run keeps it) */
};

/* Refcounted resources a clone shares or copies. Each has a stable id for
 * the event stream ("files#2"). */
struct sighand {
    int refs, id;
    struct lx_sigaction {
        u64 handler, flags, restorer, mask;
    } action[LX_NSIG];
};
struct sem_undo;
struct sysvsem { /* sem_undo_list (sysv_sem.c) */
    int refs, id;
    bool has_list;         /* Linux would have one: SEM_UNDO used, or shared by CLONE_SYSVSEM */
    struct sem_undo *undo; /* one entry per semaphore set with adjustments */
};
struct io_ctx {
    int refs, id;
};
enum km_ns_type {
    KM_NS_MNT,
    KM_NS_UTS,
    KM_NS_IPC,
    KM_NS_PID,
    KM_NS_NET,
    KM_NS_CGROUP,
    KM_NS_TIME,
    KM_NS_USER
};
/* The namespaces of a task other than its user namespace (ns.h): the
 * pid slot is pid_ns_for_children; the task's active pid namespace is
 * task->pidns. */
#define KM_NS_NTYPES 8
struct km_ns;
struct pid_ns;
struct nsproxy {
    int refs, id;
    struct km_ns *ns[KM_NS_NTYPES]; /* by enum km_ns_type; [KM_NS_USER] unused;
                                     * [KM_NS_TIME]: time_for_children */
    struct km_ns *time_ns;          /* the active time namespace */
};
struct user_ns;
/* Credentials (copy on write: a task that changes them gets its own).
 * Ids are kernel ids (the initial user namespace's); the syscalls show them
 * mapped into user_ns (ns_user.c). */
struct cred {
    int refs;
    u32 uid, euid, suid, fsuid, gid, egid, sgid, fsgid;
    u64 cap_effective, cap_permitted, cap_inheritable;
    u64 cap_bset, cap_ambient; /* bounding and ambient sets */
    u32 securebits;            /* SECBIT_* (include/uapi/linux/securebits.h) */
    struct user_ns *user_ns;   /* NULL: the initial user namespace */
    int ngroups;
    u32 *groups; /* supplementary groups (kernel gids), sorted */
};

/* signal_struct + the process-level state of a thread group. */
struct tgroup {
    int refs;
    int tgid;
    struct task *leader;
    struct task *threads; /* linked through task.tg_next, creation order */
    struct task *threads_tail;
    int nr_threads; /* live (not exited) threads */
    int pgid, sid;
    bool group_exit;     /* exit_group or fatal signal in progress */
    int group_exit_code; /* wait status */
    bool is_child_subreaper, has_child_subreaper;
    u64 shared_pending;            /* process-directed pending signals */
    u64 ev_shared_pending;         /* shared_pending as the last sigstate event told it */
    struct km_sigq *sigq;          /* their siginfo, in arrival order */
    struct task *curr_target;      /* complete_signal's rotating target */
    bool stopped;                  /* group stop in effect */
    int stop_signal;               /* the signal that stopped it */
    bool stop_report, cont_report; /* not yet reported by wait (WUNTRACED/WCONTINUED) */
    u64 itimer_interval_ns;        /* ITIMER_REAL period (alarm_deadline_ns is its next expiry) */
    u64 alarm_deadline_ns;         /* set through km_tg_set_alarm */
    bool alarm_listed;             /* on k->alarm_tgs (sched.c) */
    u64 rlim_nofile, rlim_nproc, rlim_stack, rlim_core; /* soft limits the model enforces */
    u64 rlim_soft[16];     /* soft limits of the other resources (kept, not enforced) */
    u64 rlim_hard[16];     /* hard limits of every resource, by RLIMIT_* number */
    bool pidfd_poll_ready; /* the group has exited (pidfd POLLIN) */
    int tgids[LX_MAX_PID_NS_LEVEL + 1]; /* tgid at every pid namespace level (ns.h) */
    bool unkillable;                    /* SIGNAL_UNKILLABLE: init of a pid namespace */
};

struct task {
    int tid;  /* pid in the initial namespace (pids[0]) */
    int refs; /* task structs stay while pidfds/waiters refer to them */
    int seq;  /* creation order, for deterministic iteration */
    enum task_state state;
    struct km_wait wait;
    struct km_pending_sys psys;

    struct tgroup *tg;
    struct task *tg_next; /* next thread in tg->threads */
    struct task *real_parent;
    struct task *children; /* first child; linked through sibling */
    struct task *sibling;
    struct task *all_next; /* k->tasks list, creation order */
    struct task *all_prev;
    struct task *tg_prev;           /* previous thread in tg->threads */
    struct task *hash_next;         /* chain of k->pid_hash (every task, dead ones too) */
    struct task *wq_next, *wq_prev; /* k->waitq[wq_kind] while blocked, in block order */
    struct task *dead_next;         /* k->dead: freed at the next scheduling point */
    int wq_kind;                    /* KM_WAIT_NONE: on no wait list */
    int rq_pos, rq_heap;            /* run queue: 1-based slot in k->rq[rq_heap], 0: none */
    int tmr_pos;                    /* slot in k->timers (blocked with a deadline), 0: none */
    struct futex_waiter *futex_w;   /* its FUTEX_WAIT record, if any (futex.c) */

    int exit_signal;    /* -1 for threads */
    int exit_code;      /* wait status of this task */
    u32 exit_uid;       /* real uid at exit (siginfo si_uid for the parent) */
    bool exit_reported; /* a WNOWAIT-less wait consumed it */

    const struct km_abi *abi;
    struct mm *mm;
    struct files *files;
    struct fs_info *fs;
    struct sighand *sighand;
    struct sysvsem *sysvsem;
    struct io_ctx *io;
    struct nsproxy *ns;
    struct cred *cred;
    struct pid_ns *pidns;              /* active pid namespace (ns.h) */
    int pids[LX_MAX_PID_NS_LEVEL + 1]; /* pid at levels 0..pidns->level */

    u64 blocked;          /* signal mask */
    u64 pending;          /* thread-directed pending signals */
    struct km_sigq *sigq; /* their siginfo, in arrival order */
    bool sigpending;      /* TIF_SIGPENDING: chosen to handle a signal */
    u64 saved_sigmask;    /* sigsuspend: the mask to restore (restore_sigmask) */
    bool restore_sigmask;
    u64 real_blocked; /* rt_sigtimedwait: the mask while waiting */
    bool sigwait_active;
    u64 ev_blocked, ev_pending; /* blocked/pending as the last sigstate event told them */
    struct km_altstack altstack;
    u64 set_child_tid, clear_child_tid;
    u64 robust_list, robust_len;
    struct task *vfork_parent; /* the parent frozen until we exec or exit */
    u64 tls;                   /* last TLS value set through clone/arch_prctl (trace) */
    char comm[16];
    void *cpu; /* the CPU backend's register context (opaque) */
};

/* Services the emulator gives the model. Host errno is converted to
 * -LX_E* inside these (the one boundary). */
struct km_hostfs;
struct km_host {
    void *ctx;
    /* The child's registers: a copy of the parent's with the syscall
     * return value 0; SP = stack if stack != 0; the TLS register = tls if
     * settls. The child's mm is already set (shared or forked). */
    int (*cpu_clone)(void *ctx, struct task *parent, struct task *child, u64 stack, bool settls,
                     u64 tls);
    void (*cpu_free)(void *ctx, struct task *t);
    /* Signal delivery (signal.c decides; arch/ lays out the frame):
     * write the syscall return register; snapshot / load every user
     * register (struct km_regs, kernel-model/regs.h). */
    void (*cpu_set_return)(void *ctx, struct task *t, i64 v);
    void (*cpu_regs_save)(void *ctx, struct task *t, struct km_regs *r);
    void (*cpu_regs_load)(void *ctx, struct task *t, const struct km_regs *r);
    /* The thread pointer register (x86-64 fs base, aarch64 tpidr_el0). */
    int (*cpu_set_tls)(void *ctx, struct task *t, u64 tls);
    u64 (*cpu_get_tls)(void *ctx, struct task *t);
    /* Load an ELF from host_path into a fresh mm and reset t's registers
     * for it (argv/envp strings already copied in). On success *mm_out is
     * the new mm (the model installs it), else -LX_E*. */
    int (*exec_load)(void *ctx, struct task *t, const char *host_path, char *const argv[],
                     char *const envp[], struct mm **mm_out);
    const struct km_hostfs *fs;
    /* A diagnostic line for the user (unknown syscall, ...), to stderr. */
    void (*diag)(void *ctx, const char *line);
};

struct km_timer; /* timers.c */
struct futex_waiter;
struct futex_bucket;

/* A binary min-heap of tasks with their slot in the task (sched.c): the
 * run queue (by creation order) and the deadlines of blocked tasks. */
struct km_theap {
    struct task **a;
    int n, cap;
    bool timer; /* ordered by (wait deadline, seq), else by seq */
};

struct km_options {
    u64 seed;
    u64 slice_blocks; /* basic blocks per time slice (before seeded jitter) */
    u64 ns_per_block; /* virtual time per executed basic block */
    int first_pid;
    u32 uid, gid;
    const char *root; /* host directory guest paths resolve under ("" = /) */
    /* --sysroot: a guest's absolute path that exists under this host
     * directory resolves there first (qemu-user's -L); NULL/"": none */
    const char *sysroot;
    const char *hostname;
    bool signal_target_seeded; /* --signal-target=seeded */
    /* --max-tasks: live tasks beyond which clone/fork fail with EAGAIN, as
     * at kernel.threads-max (0: no limit) */
    u64 max_tasks;
    /* --max-memory: bytes of address space per mm beyond which mmap, brk
     * and mremap fail with ENOMEM, as at RLIMIT_AS (0: no limit) */
    u64 max_memory;
};

struct km {
    struct km_options opt;
    const struct km_host *host;
    u64 now_ns;                      /* virtual monotonic clock */
    u64 rng;                         /* seeded xorshift state */
    struct task *tasks, *tasks_tail; /* every task ever created and not freed */
    struct task *init;               /* modelled init (pid 1); never runs guest code */
    struct task *current;
    bool need_resched;         /* end the current slice after this syscall */
    const char *last_rule;     /* rule id of a refusal inside the current syscall */
    struct tgroup *initial_tg; /* the process clonemu started */
    int initial_status;        /* its wait status once it exited */
    bool initial_exited;
    int next_pid, next_seq, next_res_id;
    int last_seq;  /* seq of the task run last (round robin) */
    u64 block_seq; /* counts km_block calls (wait.seq) */
    u64 poll_ev;   /* counts file events epoll orders its ready list by (epoll.c) */
    struct km_events ev;
    struct futex_bucket *futex_hash; /* futex.c: the waiters, FIFO per key */
    u64 nr_futex_waiters;
    struct km_timer *timers;
    /* Indexes over the task list (km.c, sched.c), so that nothing that runs
     * per syscall or per slice walks every task. */
    struct task **pid_hash; /* by tid, chained through hash_next */
    u32 pid_hash_mask;
    u32 nr_tasks;      /* on the task list */
    u64 nr_live;       /* tasks (init too) not yet zombie or dead */
    struct task *dead; /* dead and unreferenced, not yet freed */
    struct task *waitq_head[KM_WAIT_NKINDS], *waitq_tail[KM_WAIT_NKINDS];
    struct km_theap rq[2]; /* runnable tasks: rq[rq_cur] after last_seq, the other up to it */
    int rq_cur;
    struct km_theap timers_q;  /* blocked tasks with a deadline */
    struct tgroup **alarm_tgs; /* groups with an armed ITIMER_REAL (a reference each) */
    int nr_alarm_tgs, alarm_tgs_cap;
};

/* --- lifecycle --------------------------------------------------------- */
void km_init(struct km *k, const struct km_options *opt, const struct km_host *host);
void km_destroy(struct km *k);
/* The first guest task: a new process whose parent is the modelled init.
 * The caller then loads the ELF into t->mm (exec_load). */
struct task *km_spawn_initial(struct km *k, const struct km_abi *abi, struct mm *mm);

/* --- syscalls -------------------------------------------------------- */
/* One syscall of task t with the arch's number and raw args. Returns the
 * value for the return register, KM_BLOCKED or KM_NORET. Emits events. */
i64 km_syscall(struct km *k, struct task *t, u32 arch_nr, const u64 args[6]);
/* Resume a task's pending syscall after a wake: a value, or KM_BLOCKED. */
i64 km_syscall_resume(struct km *k, struct task *t);

/* Every time t is about to run guest code again: after a syscall (r is
 * its result, or KM_NORET) and before a slice (r = KM_NORET). The model
 * writes r into the return register (cpu_set_return) unless the syscall is
 * restarted, and delivers pending signals: default actions, or a handler
 * frame built through cpu_regs_save / abi->sigframe_setup / cpu_regs_load.
 * Afterwards t may be dead or stopped: check t->state and task_can_run. */
void km_return_to_user(struct km *k, struct task *t, i64 r);
bool km_task_can_run(const struct km *k, const struct task *t);

/* --- scheduler ------------------------------------------------------- */
/* Next task to run, round robin in creation order after the current one.
 * Advances the virtual clock to the next timer when nothing can run.
 * NULL when no runnable task is left (see km_all_exited / deadlock). */
struct task *km_sched_next(struct km *k);
u64 km_sched_slice(struct km *k); /* basic blocks for the next slice */
/* t is the only task that can run and no timer (sleep or wait deadline,
 * alarm) is armed: until t itself changes that with a syscall, nothing but
 * t can happen, so its slice need not be cut by blocks (emu/runloop.c). */
bool km_sched_alone(const struct km *k, const struct task *t);
void km_account(struct km *k, struct task *t, u64 blocks); /* time advances */
bool km_all_exited(const struct km *k);                    /* no guest task left alive */

/* --- blocking -------------------------------------------------------- */
/* Mark t blocked on (kind, key) with an optional deadline; returns KM_BLOCKED. */
i64 km_block(struct km *k, struct task *t, enum km_wait_kind kind, u64 key, u64 deadline_ns,
             i64 timeout_result);
/* Wake one task: complete its syscall with result if has_result, else re-run it. */
void km_wake(struct km *k, struct task *t, bool has_result, i64 result);
/* Wake (re-run) every task blocked on kind with that key (key 0: any key). */
int km_wake_all(struct km *k, enum km_wait_kind kind, u64 key);
/* Wake (re-run) only the task that blocked first on (kind, key): an
 * exclusive wait queue (pipe readers and writers). 1 if one was woken. */
int km_wake_one(struct km *k, enum km_wait_kind kind, u64 key);

/* --- tasks, exit, signals (minimal until the signal issue) ------------ */
struct task *km_find_task(struct km *k, int tid); /* live or zombie, by global tid */
struct task *task_get(struct task *t);
void task_put(struct km *k, struct task *t);
/* Exit of one task (exit(2)) or its whole group (exit_group, fatal signal).
 * status is a wait status (code << 8, or signal number). */
void km_task_exit(struct km *k, struct task *t, int status);
void km_group_exit(struct km *k, struct task *t, int status);
/* A fault or kill: apply the signal's default action (terminate / ignore /
 * stop), or record it pending when a handler is installed. */
void km_send_signal(struct km *k, struct task *sender, struct task *target, int sig, bool group,
                    int si_code);
/* Queue a signal with its siginfo for target (a thread, or the process
 * if group) and choose the thread that handles it (complete_signal). */
void km_send_signal_info(struct km *k, struct task *sender, struct task *target, bool group,
                         const struct km_siginfo *info);
/* Take the next pending signal not in mask_blocked (thread's, then group's). */
int km_dequeue_signal(struct task *t, u64 mask_blocked, struct km_siginfo *info);
void km_sigq_free(struct km_sigq **q);
bool km_task_on_altstack(struct km *k, struct task *t);
/* The CPU faulted (SIGSEGV/SIGILL/SIGFPE/SIGBUS/SIGTRAP) in task t. */
void km_force_signal(struct km *k, struct task *t, int sig, int si_code, u64 addr);

/* --- clone ----------------------------------------------------------- */
/* The one entry of clone, clone3, fork, vfork, clone2. Returns the child
 * tid, -LX_E* (naming the rule in an event), or KM_BLOCKED (vfork). */
i64 km_clone(struct km *k, struct task *t, struct kernel_clone_args *args);
/* The refusal rules alone (no side effects): 0, or -LX_E* with *rule set
 * to the rule's id ("thread_needs_sighand") and *why to its text. */
int km_clone_check(struct km *k, struct task *t, const struct kernel_clone_args *args,
                   const char **rule, const char **why);
/* Every rule that refuses args, in the kernel's order (km_clone_check
 * and km_clone stop at the first): visit(ctx, errno, rule id, text) once
 * per rule. Returns how many refuse. The same rule code (clonemu explain). */
int km_clone_check_all(struct km *k, struct task *t, const struct kernel_clone_args *args,
                       void (*visit)(void *ctx, int err, const char *rule, const char *why),
                       void *ctx);

/* --- resources ------------------------------------------------------- */
int km_new_res_id(struct km *k);
u64 km_rand(struct km *k);

/* files.c */
struct files *files_new_stdio(struct km *k);
struct files *files_get(struct files *f);
struct files *files_dup(struct km *k, struct files *f);
void files_put(struct km *k, struct files *f);
void files_close_on_exec(struct km *k, struct files *f);
int files_id(const struct files *f);
/* Install a pidfd for target in t's table: fd or -LX_EMFILE. */
int files_install_pidfd(struct km *k, struct task *t, struct task *target, bool thread_pidfd);
/* The task a pidfd refers to: task or NULL (-EBADF via *err: no fd, or not a pidfd). */
struct task *files_pidfd_task(struct km *k, struct task *t, int fd, int *err);
int files_close_fd(struct km *k, struct task *t, int fd);
struct fs_info *fs_new(struct km *k);
struct fs_info *fs_get(struct fs_info *fs);
struct fs_info *fs_dup(struct km *k, struct fs_info *fs);
void fs_put(struct km *k, struct fs_info *fs);
int fs_id(const struct fs_info *fs);
/* Resolve a guest path (relative to dirfd or the task's cwd; t NULL:
 * absolute paths only) to a host path: fs_walk, the final component
 * followed, then the root (or sysroot) prefix. */
int fs_host_path(struct km *k, struct task *t, int dirfd, const char *guest_path, char *out,
                 size_t outsz);

#endif

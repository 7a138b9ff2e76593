/* Namespaces (issue 5): what every namespace has (ns_common: a refcount,
 * an id for the event stream, the inode number /proc/<pid>/ns/<type>
 * shows), the nsproxy of a task, uts and pid namespaces.
 *
 * pid namespaces as kernel/pid.c and kernel/pid_namespace.c: a task has a
 * number at every level from the initial namespace (level 0, its global
 * tid) down to its active namespace (task->pids[]); every syscall that takes
 * or returns a pid uses the caller's view (0 for a task outside it). The
 * modelled /proc belongs to the initial pid namespace, as a /proc that was
 * not remounted after CLONE_NEWPID does on Linux. */
#ifndef CLONEMU_NS_H
#define CLONEMU_NS_H

#include "kernel-model/km.h"

struct km_ns { /* ns_common */
    int refs;
    int id;   /* resource id (events) */
    u32 inum; /* stable inode number (PROC_*_INIT_INO for the initial ones) */
    enum km_ns_type type;
    struct user_ns *owner; /* owning user namespace (a user ns: its parent); NULL: initial */
    struct km *km;
};

/* Capabilities (include/uapi/linux/capability.h) */
#define LX_CAP_CHOWN              0
#define LX_CAP_KILL               5
#define LX_CAP_SETGID             6
#define LX_CAP_SETUID             7
#define LX_CAP_SETPCAP            8
#define LX_CAP_SYS_PTRACE         19
#define LX_CAP_SYS_ADMIN          21
#define LX_CAP_SYS_RESOURCE       24
#define LX_CAP_CHECKPOINT_RESTORE 40
#define LX_CAP_LAST_CAP           40
#define LX_CAP_FULL_SET           0x1ffffffffffULL /* CAP_LAST_CAP = 40 */
/* Securebits (include/uapi/linux/securebits.h): each bit has a lock above it */
#define LX_SECBIT_NOROOT               (1u << 0)
#define LX_SECBIT_NO_SETUID_FIXUP      (1u << 2)
#define LX_SECBIT_KEEP_CAPS            (1u << 4)
#define LX_SECBIT_KEEP_CAPS_LOCKED     (1u << 5)
#define LX_SECBIT_NO_CAP_AMBIENT_RAISE (1u << 6)
#define LX_SECURE_ALL_BITS             0x55u
#define LX_SECURE_ALL_LOCKS            0xaau
#define LX_OVERFLOW_ID                 65534u /* overflowuid / overflowgid */
#define LX_UID_GID_MAP_MAX             340    /* extents per map */

struct uid_gid_extent {
    u32 first, lower_first, count; /* lower_first: a kernel id */
};
struct uid_gid_map {
    int nr;
    struct uid_gid_extent e[LX_UID_GID_MAP_MAX];
};
struct user_ns {
    struct km_ns ns; /* ns.owner is the parent */
    int level;
    struct user_ns *parent;
    u32 owner_uid, owner_gid; /* the creator's euid and egid */
    struct uid_gid_map uid_map, gid_map;
    bool setgroups_allowed; /* USERNS_SETGROUPS_ALLOWED */
};

struct uts_ns {
    struct km_ns ns;
    char nodename[65], domainname[65];
};

struct pid_ns {
    struct km_ns ns;
    int level; /* 0: the initial namespace */
    struct pid_ns *parent;
    struct task *child_reaper; /* its init (pid 1), NULL until it exists */
    int last_pid;              /* cyclic allocator (levels > 0) */
    bool adding;               /* PIDNS_ADDING: cleared when its init dies */
};

struct sem_array;
struct ipc_ns {
    struct km_ns ns;
    struct sem_array *sems; /* System V semaphore sets (sysv_sem.c) */
    int next_seq;
};

/* ns.c: common part, nsproxy, uts */
const char *km_ns_type_name(enum km_ns_type type);
/* Fill the common part (refs 1, id, inum); a non-initial one emits
 * ns_create on behalf of task by. */
void km_ns_setup(struct km *k, struct km_ns *n, enum km_ns_type type, const struct task *by,
                 bool initial, struct user_ns *owner);
struct km_ns *km_ns_get(struct km_ns *n);
/* The last reference emits ns_destroy and frees it. */
void km_ns_put(struct km *k, struct km_ns *n);
/* ns_enter event: task t now uses namespace n (how: "unshare", "setns");
 * for_children when only its future children will (pid, time). */
void km_ns_ev_enter(struct km *k, const struct task *t, const struct km_ns *n, const char *how,
                    bool for_children);
struct uts_ns *km_uts(const struct task *t); /* the caller's uts namespace */
/* /proc/<pid>/ns/: KM_NS_LINKS entries in readdir order; the namespace
 * behind entry i of task x in *out (NULL: the initial user namespace) and
 * its type; false when x has none any more (it exited). */
#define KM_NS_LINKS 10
const char *km_ns_link_name(int i);
int km_ns_link_index(const char *name); /* -1 if no such entry */
bool km_ns_link_target(const struct task *x, int i, struct km_ns **out, enum km_ns_type *type);
u32 km_ns_inum(const struct km_ns *n, enum km_ns_type type); /* n NULL: initial */
/* readlink of /proc/<pid>/ns/<name i>: "uts:[4026531838]"; its length or -LX_ENOENT */
i64 km_ns_link_text(const struct task *x, int i, char *out, size_t n);

struct nsproxy *nsproxy_new_initial(struct km *k);
struct nsproxy *nsproxy_get(struct nsproxy *ns);
void nsproxy_put(struct km *k, struct nsproxy *ns);
/* A copy of old with a new namespace of each kind in flags (CLONE_NEW*
 * but NEWUSER), created on behalf of task by, owned by user namespace owner. */
struct nsproxy *nsproxy_copy(struct km *k, const struct task *by, const struct nsproxy *old,
                             u64 flags, struct user_ns *owner);
static inline struct pid_ns *nsproxy_pid_for_children(const struct nsproxy *n)
{
    return (struct pid_ns *)n->ns[KM_NS_PID];
}

/* ns_pid.c */
static inline int pidns_level(const struct pid_ns *ns)
{
    return ns ? ns->level : 0; /* NULL: the initial namespace */
}
struct pid_ns *pidns_new_initial(struct km *k);
struct pid_ns *pidns_create(struct km *k, const struct task *by, struct pid_ns *parent,
                            struct user_ns *owner);
/* The ancestor of ns (or ns itself) at level, NULL if level > ns->level. */
struct pid_ns *pidns_at_level(const struct pid_ns *ns, int level);
/* ns is anc or one of its descendants. */
bool pidns_within(const struct pid_ns *anc, const struct pid_ns *ns);
/* p's pid / tgid as seen from ns: 0 if p is outside ns. */
int km_pid_nr_ns(const struct task *p, const struct pid_ns *ns);
int km_tgid_nr_ns(const struct task *p, const struct pid_ns *ns);
/* ... as seen by caller (task_pid_vnr / task_tgid_vnr). */
int km_pid_vnr(const struct task *caller, const struct task *p);
int km_tgid_vnr(const struct task *caller, const struct task *p);
/* The task numbered nr in ns (live or zombie), or NULL. */
struct task *km_find_task_ns(struct km *k, const struct pid_ns *ns, int nr);
struct task *km_find_task_vnr(struct km *k, const struct task *caller, int nr);
/* A global pid number (pgid, sid) in caller's view, 0 if not visible;
 * and back: the global number of caller's nr, -1 if none. */
int km_pid_global_to_vnr(struct km *k, const struct task *caller, int global);
int km_pid_vnr_to_global(struct km *k, const struct task *caller, int nr);

/* clone: the child's numbers at every level of ns (set_tid entries first,
 * innermost first, as alloc_pid), its active namespace, and init status. */
void pidns_assign(struct km *k, struct task *c, struct pid_ns *ns, const i32 *set_tid,
                  u32 set_tid_size);
/* A new thread group led by leader: its tgid at every level, and
 * SIGNAL_UNKILLABLE when the leader is the init of its namespace. */
void pidns_new_group(struct task *leader);
/* A task struct is freed (or a clone undone): drop its namespace. */
void pidns_task_free(struct km *k, struct task *t);
/* exit: the task that adopts orphans of father's namespace. */
struct task *pidns_child_reaper(struct km *k, const struct task *father);
/* exit of t, before its children are reparented: if t is its namespace's
 * init, another live thread takes over, or the namespace dies
 * (zap_pid_ns_processes: SIGKILL to every task in it, no more forks,
 * its children reaped). */
void pidns_exit_notify(struct km *k, struct task *t);
/* sig_task_ignored for a namespace init: sig from sender (NULL: the
 * kernel) is dropped. */
bool pidns_init_ignores(struct km *k, const struct task *sender, const struct task *target,
                        int sig);

/* sysv_sem.c */
struct km_ns *ipcns_new(struct km *k, const struct task *by, bool initial, struct user_ns *owner);
void ipcns_free_sets(struct ipc_ns *ns);
struct sysvsem *sysvsem_new(struct km *k);
/* The child's undo list: the parent's, shared (CLONE_SYSVSEM), or a new one. */
struct sysvsem *sysvsem_clone(struct km *k, struct task *parent, bool share);
/* t stops using its undo list (exit, unshare); the last user applies it. */
void sysvsem_exit(struct km *k, struct task *t);

/* ns_views.c: the mnt, net, cgroup and time namespace views */
enum { NSV_MOUNTS = 1, NSV_MOUNTINFO, NSV_CGROUP, NSV_NETDEV, NSV_TIMENS };
/* The view a /proc/<pid>/<name> file shows (not net/dev), or -1. */
int nsview_index(const char *name);
const char *nsview_name(int view);
/* Its contents for task x (NUL-terminated, cut at n). */
void nsview_show(const struct task *x, int view, char *buf, size_t n);
/* A time namespace: the initial one (from NULL) or a copy of from's offsets. */
struct km_ns *timens_new(struct km *k, const struct task *by, const struct km_ns *from,
                         struct user_ns *owner);
void timens_commit(struct km_ns *n); /* a task entered: its offsets are frozen */
/* The offset of clock clk for t's time namespace (0 for other clocks). */
i64 timens_offset(const struct task *t, int clk);
/* timens_on_fork: n's task enters time_for_children (frozen from then). */
void timens_on_fork(struct km *k, struct nsproxy *n);
/* A write of len bytes at pos to target's /proc/<pid>/timens_offsets
 * (timens_offsets_write + proc_timens_set_offset): bytes consumed or -LX_E*. */
i64 timens_write_offsets(struct km *k, const struct task *writer, const struct task *target,
                         u64 pos, const char *buf, size_t len);
/* copy_namespaces for clone flags f: the child's nsproxy (shared, or a copy
 * with the new namespaces; a copy enters time_for_children unless
 * CLONE_VM). */
struct nsproxy *nsproxy_for_clone(struct km *k, const struct task *by, struct nsproxy *old, u64 f,
                                  struct user_ns *owner);
/* exec_task_namespaces: t enters its time_for_children. */
void nsproxy_exec(struct km *k, struct task *t);

/* ns_user.c: user namespaces, id maps, capabilities */
static inline int userns_level(const struct user_ns *u)
{
    return u ? u->level : 0;
}
/* An id of the initial namespace (kernel id) seen from ns: (u32)-1 if
 * unmapped; _munged gives the overflow id 65534 instead. */
u32 km_from_kuid(const struct user_ns *ns, u32 kid);
u32 km_from_kgid(const struct user_ns *ns, u32 kid);
u32 km_from_kuid_munged(const struct user_ns *ns, u32 kid);
u32 km_from_kgid_munged(const struct user_ns *ns, u32 kid);
/* An id of ns as a kernel id: (u32)-1 if unmapped. */
u32 km_make_kuid(const struct user_ns *ns, u32 id);
u32 km_make_kgid(const struct user_ns *ns, u32 id);
/* cap_capable: c has cap in ns (directly, or as owner of ns or of an
 * ancestor below c's own namespace). */
bool km_ns_capable(const struct cred *c, const struct user_ns *ns, int cap);
bool km_capable(const struct cred *c, int cap); /* in the initial namespace */
/* in_userns: u is anc or one of its descendants (NULL: the initial one). */
bool userns_within(const struct user_ns *anc, const struct user_ns *u);
/* create_user_ns: 0, -LX_ENOSPC (parent level > 32) or -LX_EPERM (the
 * creator's euid/egid are unmapped in its namespace). Pure. */
int userns_may_create(const struct cred *c);
/* A new user namespace below c's, owned by c's euid/egid; c moves into it
 * with every capability (set_cred_user_ns). Emits ns_create. */
void userns_create(struct km *k, const struct task *by, struct cred *c);
/* set_cred_user_ns: credentials moving into a user namespace get every
 * capability there (full permitted, effective, bounding; no inheritable,
 * ambient or securebits). */
void userns_cred_caps(struct cred *c);
/* /proc/<pid>/uid_map, gid_map, setgroups of target as reader sees them */
void userns_show_map(const struct task *reader, const struct task *target, bool gid, char *buf,
                     size_t n);
void userns_show_setgroups(const struct task *target, char *buf, size_t n);
/* ... by procfs's file number: 1 uid_map, 2 gid_map, 3 setgroups */
void userns_show_file(const struct task *reader, const struct task *target, int file, char *buf,
                      size_t n);
/* write(2) of n bytes at guest addr to that file of target (NULL: gone) at
 * file position pos: one write at offset 0, shorter than a page. */
i64 userns_write_file(struct km *k, const struct task *writer, const struct task *target, int file,
                      u64 pos, u64 addr, u64 n);
/* Opening them for writing (proc_id_map_open / proc_setgroups_open). */
int userns_may_open_map(const struct task *writer, const struct task *target, bool setgroups);
/* A write of len bytes: bytes consumed or -LX_E* (map_write's rules). */
i64 userns_write_map(struct km *k, const struct task *writer, const struct task *target, bool gid,
                     const char *buf, size_t len);
i64 userns_write_setgroups(const struct task *target, const char *buf, size_t len);
/* setgroups(2) may be used: CAP_SETGID and the gid map allows it. */
bool userns_may_setgroups(const struct cred *c);

#endif

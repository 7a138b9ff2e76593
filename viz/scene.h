/* The viewer's scene: what the event stream (docs/events.md) says the
 * model looks like after a given event. Pure C (no SDL): events in, plain
 * structs out, so tests can ask "after event N, which tasks, groups and
 * resource nodes exist, in which state" without a display.
 *
 * The scene never re-derives kernel state: every field comes from an event
 * field (clone's shared/copied ids, block/wake, sigstate's masks,
 * signal_target's candidates, exit/zombie/reap). The only inference is
 * "running": the task the current event concerns, if it is not blocked. */
#ifndef VIZ_SCENE_H
#define VIZ_SCENE_H

#include <stdbool.h>
#include <stdint.h>

struct cJSON;

enum viz_res_kind { VR_MM, VR_FILES, VR_FS, VR_SIGHAND, VR_SYSVSEM, VR_IO, VR_NSPROXY, VIZ_NRES };
extern const char *const viz_res_kind_name[VIZ_NRES]; /* "mm", "files", ... */

enum viz_state {
    VT_RUNNABLE, /* VT_RUNNING is never stored: viz_task_state() derives it */
    VT_RUNNING,
    VT_BLOCKED, /* on futex, child (wait), vfork, sleep, pipe, poll, pause, sigwait */
    VT_STOPPED, /* its group is stopped */
    VT_ZOMBIE,  /* a leader that exited, waiting for its parent */
    VT_EXITED,  /* a non-leader thread that exited (it reaps itself) */
    VT_REAPED,  /* its process was reaped */
};
extern const char *const viz_state_name[]; /* "runnable", "running", ... */

#define VIZ_MAX_PIDNS_LEVEL 32 /* as the kernel's MAX_PID_NS_LEVEL */

struct viz_task {
    int tid, tgid;
    int creator; /* the task that called clone (0: the initial task) */
    int parent;  /* real parent (differs from creator's group with CLONE_PARENT) */
    int born;    /* seq of the event that created it */
    enum viz_state state;
    char on[16];               /* what it is blocked on (VT_BLOCKED) */
    uint64_t blocked, pending; /* from sigstate (bit N-1 = signal N) */
    char handler[16];          /* in this signal's handler ("" when not) */
    int res[VIZ_NRES];         /* resource ids, 0 = none known */
    char call[12];             /* clone, clone3, fork, vfork, initial */
    char flags[256];           /* the clone flags as the event named them */
    int exit_code;             /* -1 while alive or killed */
    char killed_by[16];        /* signal name that killed it, "" */
    int pidns;                 /* its pid namespace's id (0: the initial one) */
    int pidns_children;        /* where its children go after unshare/setns (0: pidns) */
    int nlevels;               /* pids known: nspid[0] global ... nspid[nlevels-1] innermost */
    int nspid[VIZ_MAX_PIDNS_LEVEL + 1];
};

struct viz_group {
    int tgid;
    int leader; /* tid of the leader */
    int parent; /* the leader's real parent tid */
    int born;
    uint64_t shared_pending;
    bool stopped, zombie, reaped;
    int exit_code;      /* wait status exit code, -1 if killed or alive */
    char killed_by[16]; /* "" unless killed */
    char exe[64];       /* last exec'd path basename, "" */
};

struct viz_res {
    int kind, id;
    int copy_of; /* id of the same kind it was copied from, 0 = new */
    int born;    /* seq */
};

/* A pid namespace below the initial one (ns_create type pid); level 0,
 * the initial one, is never announced and only known as a parent id. */
struct viz_pidns {
    int id, level, parent; /* parent: the enclosing namespace's id */
    int creator;           /* the task on whose behalf it was created */
    int born;              /* seq */
    bool zapped, destroyed;
};

/* The last process- or thread-directed signal's route. */
struct viz_cand {
    int tid;
    char status[12]; /* blocked, eligible, busy, stopped */
};
struct viz_sigroute {
    int seq; /* signal_generate's seq; -1 = none yet */
    char sig[16];
    int from;   /* sender tid, 0 = the kernel */
    int target; /* the task the event named */
    bool group; /* process-directed */
    int ncand;
    struct viz_cand cand[32];
    int chosen; /* 0 until signal_target/deliver says */
    char why[160];
    bool delivered; /* a handler or action ran */
    bool fatal;     /* it killed the group */
    bool ignored;
};

/* What the current event does, for the renderer's animation. */
enum viz_anim { VA_NONE, VA_CLONE, VA_SIGNAL, VA_DELIVER, VA_FATAL, VA_EXIT, VA_REAP, VA_BLOCK };

struct viz_scene {
    int seq;       /* last applied event's seq, -1 = none */
    int cur_tid;   /* the task the last event concerns */
    char kind[24]; /* the last event's kind */
    char caption[320];
    enum viz_anim anim;
    int anim_tid; /* the task it concerns (child, chosen thread, dying thread) */
    struct viz_task *tasks;
    int ntasks, cap_tasks;
    struct viz_group *groups;
    int ngroups, cap_groups;
    struct viz_res *res;
    int nres, cap_res;
    struct viz_pidns *pidns;
    int npidns, cap_pidns;
    int pidns_new, pidns_new_by; /* the last ns_create pid, for the next clone of its task */
    struct viz_sigroute sig;
};

void viz_scene_init(struct viz_scene *s);
void viz_scene_free(struct viz_scene *s);
/* dst (initialised or freed) becomes a deep copy of src. */
void viz_scene_copy(struct viz_scene *dst, const struct viz_scene *src);
/* Fold one event (a parsed JSON Lines object) into the scene. Unknown
 * kinds and fields are ignored (docs/events.md). */
void viz_scene_apply(struct viz_scene *s, const struct cJSON *ev);

struct viz_task *viz_scene_task(const struct viz_scene *s, int tid);
struct viz_group *viz_scene_group(const struct viz_scene *s, int tgid);
struct viz_res *viz_scene_res(const struct viz_scene *s, int kind, int id);
struct viz_pidns *viz_scene_pidns(const struct viz_scene *s, int id);
/* "1001 / 1" (global first, as NSpid) of a task into buf. */
const char *viz_task_pids_str(const struct viz_task *t, char *buf, int size);
/* The state to show (derives VT_RUNNING and VT_STOPPED). */
enum viz_state viz_task_state(const struct viz_scene *s, const struct viz_task *t);
bool viz_task_alive(const struct viz_task *t);
/* Live tasks whose res[kind] is id. */
int viz_res_users(const struct viz_scene *s, int kind, int id);
/* "SIGUSR1,SIGTERM" of a mask into buf ("" when empty). */
const char *viz_sigset_str(uint64_t mask, char *buf, int size);

/* A recorded run: every event of a JSON Lines file, parsed. */
struct viz_log {
    struct cJSON **ev;
    int n, cap;
};
/* Load path ("-" = stdin); 0, or -1 with a message in err. */
int viz_log_load(struct viz_log *log, const char *path, char *err, int errlen);
/* Add one line (live mode); false if it is not a JSON object. */
bool viz_log_add_line(struct viz_log *log, const char *line);
void viz_log_free(struct viz_log *log);
int viz_ev_seq(const struct cJSON *ev);
const char *viz_ev_kind(const struct cJSON *ev);
/* Events the viewer steps through (all but syscall), and the major ones
 * the timeline labels (clone, signals, exits, exec, reap...). */
bool viz_ev_is_step(const struct cJSON *ev);
bool viz_ev_is_major(const struct cJSON *ev);
/* The index of the last event with seq <= seq (-1 if none). */
int viz_log_index_of(const struct viz_log *log, int seq);
/* Rebuild s as it is after log->ev[index] (index -1: empty). */
void viz_scene_at(struct viz_scene *s, const struct viz_log *log, int index);

#endif

/* execve: copy the path and the argument vectors in, let the emulator load
 * the new image into a fresh mm, then do what de_thread and
 * begin_new_exec do: other threads die, the vfork parent is released,
 * close-on-exec fds close, caught signals revert to default. */
#include "kernel-model/files.h"
#include "kernel-model/futex.h"
#include "kernel-model/internal.h"
#include "kernel-model/ns.h"

#include <stdio.h>
#include <stdlib.h>

#define EXEC_MAX_STRINGS 4096
#define EXEC_MAX_BYTES   (2 << 20) /* like the default ARG_MAX-ish budget */

void km_mm_release(struct km *k, struct task *t, const char *why); /* exit.c */

static void free_vec(char **v)
{
    if (!v) return;
    for (char **p = v; *p; p++)
        free(*p);
    free(v);
}

/* A NULL-terminated vector of guest strings; NULL uvec gives an empty one. */
static i64 copy_vec(struct task *t, u64 uvec, char ***out, size_t *budget)
{
    char **v = km_zalloc((EXEC_MAX_STRINGS + 1) * sizeof *v);
    size_t n = 0;
    *out = v;
    if (!uvec) return 0;
    for (;; n++) {
        u64 p;
        if (n >= EXEC_MAX_STRINGS) return -LX_E2BIG;
        if (mm_read_u64(t->mm, uvec + 8 * n, &p) < 0) return -LX_EFAULT;
        if (!p) return 0;
        char *s = km_zalloc(*budget + 1);
        i64 len = mm_read_str(t->mm, p, s, *budget + 1);
        if (len < 0) {
            free(s);
            return len == -LX_ENAMETOOLONG ? -LX_E2BIG : len;
        }
        *budget -= (size_t)len + 1;
        v[n] = s;
    }
}

/* de_thread from a non-leader: the exec'ing thread takes over the dead
 * leader's pid, parent and place among its siblings; the old leader is
 * released. */
static void exec_take_over_leader(struct km *k, struct task *t)
{
    struct tgroup *tg = t->tg;
    struct task *old = tg->leader;
    int old_tid = t->tid, pids[LX_MAX_PID_NS_LEVEL + 1];
    memcpy(pids, t->pids, sizeof pids);
    memcpy(t->pids, old->pids, sizeof pids);
    memcpy(old->pids, pids, sizeof pids);
    km_task_set_tid(k, t, old->tid);
    km_task_set_tid(k, old, old_tid);
    struct task *parent = old->real_parent;
    for (struct task **pp = &parent->children; *pp; pp = &(*pp)->sibling)
        if (*pp == old) {
            *pp = t;
            t->sibling = old->sibling;
            old->sibling = NULL;
            break;
        }
    t->real_parent = parent;
    t->exit_signal = LX_SIGCHLD;
    old->exit_signal = -1;
    tg->leader = t;
    km_set_state(k, old, TASK_DEAD);
    km_ev_begin(k, "exec_take_over", t);
    km_ev_int(k, "from_tid", old_tid);
    km_ev_int(k, "tid", t->tid);
    km_ev_end(k);
}

i64 km_execve(struct km *k, struct task *t, u64 upath, u64 uargv, u64 uenvp)
{
    char path[4096], host[4096];
    i64 r = mm_read_str(t->mm, upath, path, sizeof path);
    if (r < 0) return r;
    if (!path[0]) return -LX_ENOENT;
    char **argv = NULL, **envp = NULL;
    size_t budget = EXEC_MAX_BYTES;
    r = copy_vec(t, uargv, &argv, &budget);
    if (!r) r = copy_vec(t, uenvp, &envp, &budget);
    /* /proc/self/exe names the caller's executable, not the emulator. */
    const char *exe = fs_exe_path(k, t->mm);
    if (!r && !strcmp(path, "/proc/self/exe") && exe) snprintf(path, sizeof path, "%s", exe);
    if (!r) r = fs_host_path(k, t, LX_AT_FDCWD, path, host, sizeof host);
    struct mm *nmm = NULL;
    if (!r) r = k->host->exec_load(k->host->ctx, t, host, argv, envp, &nmm);
    free_vec(argv);
    free_vec(envp);
    if (r < 0) return r;

    /* Point of no return. */
    if (!nmm->id) nmm->id = km_new_res_id(k);
    fs_set_exe(k, nmm, path);
    /* de_thread: every other thread of the group dies. */
    for (struct task *th = t->tg->threads, *n; th; th = n) {
        n = th->tg_next; /* th leaves the list when it dies */
        if (th != t && th->state < TASK_ZOMBIE) km_task_exit(k, th, LX_SIGKILL);
    }
    if (t != t->tg->leader) exec_take_over_leader(k, t);
    futex_exit_robust_list(k, t);
    t->robust_list = t->robust_len = 0;
    km_mm_release(k, t, "exec");
    int old_mm = t->mm->id;
    mm_put(t->mm);
    t->mm = nmm;
    if (t->files) {
        struct files *f = files_dup(k, t->files); /* unshare_files */
        files_put(k, t->files);
        t->files = f;
        files_close_on_exec(k, t->files);
    }
    if (t->sighand->refs > 1) {
        struct sighand *s = sighand_copy(k, t->sighand, false);
        sighand_put(t->sighand);
        t->sighand = s;
    }
    for (int i = 0; i < LX_NSIG; i++) /* handlers reset; ignored stays ignored */
        if (t->sighand->action[i].handler > LX_SIG_IGN)
            t->sighand->action[i] = (struct lx_sigaction){0};
    const char *base = strrchr(path, '/');
    const char *name = base ? base + 1 : path;
    size_t len = strnlen(name, sizeof t->comm - 1);
    memcpy(t->comm, name, len);
    t->comm[len] = 0;
    t->tls = 0;
    km_ev_begin(k, "exec", t);
    km_ev_str(k, "path", path);
    km_ev_int(k, "old_mm", old_mm);
    km_ev_int(k, "mm", nmm->id);
    km_ev_end(k);
    nsproxy_exec(k, t); /* exec_task_namespaces: time_for_children */
    cap_exec(t);
    return KM_NORET;
}

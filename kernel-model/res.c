/* Refcounted per-task resources other than mm, files and fs: the thread
 * group (signal_struct), credentials, the signal handler table, and the
 * sysvsem / io tokens a clone shares or not. Namespaces: ns.c. */
#include "kernel-model/internal.h"

#include <stdio.h>
#include <stdlib.h>

struct tgroup *tgroup_new(int tgid)
{
    struct tgroup *tg = km_zalloc(sizeof *tg);
    tg->refs = 1;
    tg->tgid = tgid;
    tg->rlim_nofile = 1024;
    tg->rlim_nproc = ~0ULL;
    tg->rlim_stack = 8 << 20;
    tg->rlim_core = 0;
    for (int i = 0; i < 16; i++)
        tg->rlim_soft[i] = tg->rlim_hard[i] = ~0ULL;
    tg->rlim_hard[7] = 1048576; /* RLIMIT_NOFILE: fs.nr_open */
    return tg;
}

void tgroup_put(struct tgroup *tg)
{
    if (tg && --tg->refs == 0) {
        km_sigq_free(&tg->sigq);
        free(tg);
    }
}

struct cred *cred_new(u32 uid, u32 gid)
{
    struct cred *c = km_zalloc(sizeof *c);
    c->refs = 1;
    c->uid = c->euid = c->suid = c->fsuid = uid;
    c->gid = c->egid = c->sgid = c->fsgid = gid;
    c->cap_effective = c->cap_permitted = uid == 0 ? LX_CAP_FULL_SET : 0;
    c->cap_bset = LX_CAP_FULL_SET;
    return c;
}

struct cred *cred_dup(const struct cred *old)
{
    struct cred *c = km_zalloc(sizeof *c);
    *c = *old;
    c->refs = 1;
    if (c->user_ns) km_ns_get(&c->user_ns->ns);
    if (old->ngroups) {
        c->groups = km_zalloc((size_t)old->ngroups * sizeof *c->groups);
        memcpy(c->groups, old->groups, (size_t)old->ngroups * sizeof *c->groups);
    }
    return c;
}

struct cred *cred_get(struct cred *c)
{
    c->refs++;
    return c;
}

void cred_put(struct cred *c)
{
    if (!c || --c->refs > 0) return;
    if (c->user_ns) km_ns_put(c->user_ns->ns.km, &c->user_ns->ns);
    free(c->groups);
    free(c);
}

/* cred_cap_issubset: sub's capabilities are within set's (same namespace:
 * permitted within permitted; else sub lives below a namespace that set's
 * euid owns, directly under set's). */
static bool cred_cap_issubset(const struct cred *set, const struct cred *sub)
{
    if (set->user_ns == sub->user_ns) return !(sub->cap_permitted & ~set->cap_permitted);
    for (const struct user_ns *u = sub->user_ns; u; u = u->parent)
        if (set->user_ns == u->parent && u->owner_uid == set->euid) return true;
    return false;
}

void cred_commit(struct task *t, struct cred *n)
{
    const struct cred *o = t->cred;
    if (o && t->mm &&
        (o->euid != n->euid || o->egid != n->egid || o->fsuid != n->fsuid || o->fsgid != n->fsgid ||
         !cred_cap_issubset(o, n)))
        t->mm->dumpable = 0; /* suid_dumpable's default */
    cred_put(t->cred);
    t->cred = n;
}

/* CAP_SYS_ADMIN in the credentials' own user namespace. */
bool cred_capable_admin(const struct cred *c)
{
    return km_ns_capable(c, c->user_ns, LX_CAP_SYS_ADMIN);
}

struct sighand *sighand_new(struct km *k)
{
    struct sighand *s = km_zalloc(sizeof *s);
    s->refs = 1;
    s->id = km_new_res_id(k);
    return s;
}

struct sighand *sighand_get(struct sighand *s)
{
    s->refs++;
    return s;
}

struct sighand *sighand_copy(struct km *k, const struct sighand *old, bool clear_handlers)
{
    struct sighand *s = sighand_new(k);
    memcpy(s->action, old->action, sizeof s->action);
    if (clear_handlers) /* CLONE_CLEAR_SIGHAND: handlers to default, SIG_IGN stays */
        for (int i = 0; i < LX_NSIG; i++)
            if (s->action[i].handler != LX_SIG_IGN) s->action[i] = (struct lx_sigaction){0};
    return s;
}

void sighand_put(struct sighand *s)
{
    if (s && --s->refs == 0) free(s);
}

/* io_ctx (and the sysvsem token's head) share the {refs, id} layout. */
struct res_token {
    int refs, id;
};

void *res_new(struct km *k)
{
    struct res_token *r = km_zalloc(sizeof *r);
    r->refs = 1;
    r->id = km_new_res_id(k);
    return r;
}

void *res_get(void *r)
{
    ((struct res_token *)r)->refs++;
    return r;
}

void res_put(void *r)
{
    struct res_token *t = r;
    if (t && --t->refs == 0) free(t);
}

int res_id(const void *r)
{
    return r ? ((const struct res_token *)r)->id : 0;
}

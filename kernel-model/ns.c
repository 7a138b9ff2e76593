/* Namespaces: the common part (refcount, id, inode number, create and
 * destroy events), the per-task nsproxy and uts namespaces. */
#include "kernel-model/internal.h"
#include "kernel-model/ns.h"

#include <stdio.h>
#include <stdlib.h>

static const char *const ns_names[KM_NS_NTYPES] = {
    [KM_NS_MNT] = "mnt", [KM_NS_UTS] = "uts",       [KM_NS_IPC] = "ipc",   [KM_NS_PID] = "pid",
    [KM_NS_NET] = "net", [KM_NS_CGROUP] = "cgroup", [KM_NS_TIME] = "time", [KM_NS_USER] = "user",
};

/* include/linux/proc_ns.h: the initial namespaces' inode numbers (6.18's
 * fixed values, mnt and net included). New ones are numbered from
 * 4026532160 on in creation order, so a run is repeatable. */
static const u32 initial_inum[KM_NS_NTYPES] = {
    [KM_NS_MNT] = 4026531832U,  [KM_NS_UTS] = 4026531838U,  [KM_NS_IPC] = 4026531839U,
    [KM_NS_PID] = 4026531836U,  [KM_NS_NET] = 4026531833U,  [KM_NS_CGROUP] = 4026531835U,
    [KM_NS_TIME] = 4026531834U, [KM_NS_USER] = 4026531837U,
};
#define KM_NS_FIRST_INUM 4026532160U

const char *km_ns_type_name(enum km_ns_type type)
{
    return (unsigned)type < KM_NS_NTYPES ? ns_names[type] : "?";
}

void km_ns_setup(struct km *k, struct km_ns *n, enum km_ns_type type, const struct task *by,
                 bool initial, struct user_ns *owner)
{
    n->refs = 1;
    n->type = type;
    n->km = k;
    n->owner = owner ? (struct user_ns *)km_ns_get(&owner->ns) : NULL;
    n->id = km_new_res_id(k);
    n->inum = initial ? initial_inum[type] : KM_NS_FIRST_INUM + (u32)n->id;
    if (initial) return;
    km_ev_begin(k, "ns_create", by);
    km_ev_str(k, "type", km_ns_type_name(type));
    km_ev_int(k, "id", n->id);
    km_ev_int(k, "inum", n->inum);
    if (type == KM_NS_PID) {
        const struct pid_ns *p = (const struct pid_ns *)n;
        km_ev_int(k, "level", p->level);
        km_ev_int(k, "parent", p->parent->ns.id);
    }
    if (type == KM_NS_USER) {
        const struct user_ns *u = (const struct user_ns *)n;
        km_ev_int(k, "level", u->level);
        km_ev_int(k, "parent", u->parent ? u->parent->ns.id : 0);
    }
    if (owner && type != KM_NS_USER) km_ev_int(k, "owner", owner->ns.id);
    km_ev_end(k);
}

struct km_ns *km_ns_get(struct km_ns *n)
{
    n->refs++;
    return n;
}

void km_ns_put(struct km *k, struct km_ns *n)
{
    if (!n || --n->refs > 0) return;
    if (n->refs < 0) km_panic("km_ns_put: namespace reference count below zero");
    km_ev_begin(k, "ns_destroy", NULL);
    km_ev_str(k, "type", km_ns_type_name(n->type));
    km_ev_int(k, "id", n->id);
    km_ev_end(k);
    if (n->type == KM_NS_PID) {
        struct pid_ns *p = (struct pid_ns *)n;
        if (p->parent) km_ns_put(k, &p->parent->ns);
    }
    if (n->type == KM_NS_IPC) ipcns_free_sets((struct ipc_ns *)n);
    if (n->owner) km_ns_put(k, &n->owner->ns); /* a user ns: its parent */
    free(n);
}

void km_ns_ev_enter(struct km *k, const struct task *t, const struct km_ns *n, const char *how,
                    bool for_children)
{
    km_ev_begin(k, "ns_enter", t);
    km_ev_str(k, "type", km_ns_type_name(n->type));
    km_ev_int(k, "id", n->id);
    km_ev_str(k, "how", how);
    if (for_children) km_ev_int(k, "for_children", 1);
    km_ev_end(k);
}

/* /proc/<pid>/ns/: fs/proc/namespaces.c's order */
static const struct {
    const char *name;
    enum km_ns_type type;
} ns_links[KM_NS_LINKS] = {
    {"net", KM_NS_NET},
    {"uts", KM_NS_UTS},
    {"ipc", KM_NS_IPC},
    {"pid", KM_NS_PID},
    {"pid_for_children", KM_NS_PID},
    {"user", KM_NS_USER},
    {"mnt", KM_NS_MNT},
    {"cgroup", KM_NS_CGROUP},
    {"time", KM_NS_TIME},
    {"time_for_children", KM_NS_TIME},
};

const char *km_ns_link_name(int i)
{
    return i >= 0 && i < KM_NS_LINKS ? ns_links[i].name : "?";
}

int km_ns_link_index(const char *name)
{
    for (int i = 0; i < KM_NS_LINKS; i++)
        if (strcmp(ns_links[i].name, name) == 0) return i;
    return -1;
}

bool km_ns_link_target(const struct task *x, int i, struct km_ns **out, enum km_ns_type *type)
{
    *type = ns_links[i].type;
    *out = NULL;
    if (*type == KM_NS_USER) { /* NULL: the initial user namespace */
        if (!x->cred) return false;
        *out = x->cred->user_ns ? &x->cred->user_ns->ns : NULL;
        return true;
    }
    if (!x->ns) return false;
    if (*type == KM_NS_PID && strcmp(ns_links[i].name, "pid") == 0)
        *out = x->pidns ? &x->pidns->ns : NULL;
    else if (*type == KM_NS_TIME && strcmp(ns_links[i].name, "time") == 0)
        *out = x->ns->time_ns;
    else
        *out = x->ns->ns[*type];
    return *out != NULL;
}

u32 km_ns_inum(const struct km_ns *n, enum km_ns_type type)
{
    return n ? n->inum : initial_inum[type];
}

i64 km_ns_link_text(const struct task *x, int i, char *out, size_t n)
{
    struct km_ns *ns;
    enum km_ns_type type;
    if (!km_ns_link_target(x, i, &ns, &type)) return -LX_ENOENT;
    return snprintf(out, n, "%s:[%u]", km_ns_type_name(type), km_ns_inum(ns, type));
}

struct uts_ns *km_uts(const struct task *t)
{
    return t->ns ? (struct uts_ns *)t->ns->ns[KM_NS_UTS] : NULL;
}

static struct km_ns *uts_new(struct km *k, const struct task *by, const struct uts_ns *from,
                             const char *node, struct user_ns *owner)
{
    struct uts_ns *u = km_zalloc(sizeof *u);
    snprintf(u->nodename, sizeof u->nodename, "%s", from ? from->nodename : node ? node : "");
    snprintf(u->domainname, sizeof u->domainname, "%s", from ? from->domainname : "(none)");
    km_ns_setup(k, &u->ns, KM_NS_UTS, by, from == NULL, owner);
    return &u->ns;
}

/* Namespaces without a model of their own yet: the common part only. */
static struct km_ns *plain_ns_new(struct km *k, const struct task *by, enum km_ns_type type,
                                  bool initial, struct user_ns *owner)
{
    struct km_ns *n = km_zalloc(sizeof *n);
    km_ns_setup(k, n, type, by, initial, owner);
    return n;
}

struct nsproxy *nsproxy_new_initial(struct km *k)
{
    struct nsproxy *ns = km_zalloc(sizeof *ns);
    ns->refs = 1;
    ns->id = km_new_res_id(k);
    for (int i = 0; i < KM_NS_NTYPES; i++) {
        if (i == KM_NS_UTS)
            ns->ns[i] = uts_new(k, NULL, NULL, k->opt.hostname, NULL);
        else if (i == KM_NS_PID)
            ns->ns[i] = &pidns_new_initial(k)->ns;
        else if (i == KM_NS_IPC)
            ns->ns[i] = ipcns_new(k, NULL, true, NULL);
        else if (i == KM_NS_TIME)
            ns->ns[i] = timens_new(k, NULL, NULL, NULL);
        else if (i != KM_NS_USER) /* the user namespace hangs off the credentials */
            ns->ns[i] = plain_ns_new(k, NULL, (enum km_ns_type)i, true, NULL);
    }
    ns->time_ns = km_ns_get(ns->ns[KM_NS_TIME]);
    return ns;
}

struct nsproxy *nsproxy_get(struct nsproxy *ns)
{
    ns->refs++;
    return ns;
}

void nsproxy_put(struct km *k, struct nsproxy *ns)
{
    if (!ns || --ns->refs > 0) return;
    for (int i = 0; i < KM_NS_NTYPES; i++)
        km_ns_put(k, ns->ns[i]);
    km_ns_put(k, ns->time_ns);
    free(ns);
}

struct nsproxy *nsproxy_copy(struct km *k, const struct task *by, const struct nsproxy *old,
                             u64 flags, struct user_ns *owner)
{
    /* create_new_namespaces' order: mnt, uts, ipc, pid, cgroup, net, time */
    static const struct {
        enum km_ns_type type;
        u64 flag;
    } order[] = {{KM_NS_MNT, LX_CLONE_NEWNS},        {KM_NS_UTS, LX_CLONE_NEWUTS},
                 {KM_NS_IPC, LX_CLONE_NEWIPC},       {KM_NS_PID, LX_CLONE_NEWPID},
                 {KM_NS_CGROUP, LX_CLONE_NEWCGROUP}, {KM_NS_NET, LX_CLONE_NEWNET},
                 {KM_NS_TIME, LX_CLONE_NEWTIME}};
    struct nsproxy *ns = km_zalloc(sizeof *ns);
    ns->refs = 1;
    ns->id = km_new_res_id(k);
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        enum km_ns_type ty = order[i].type;
        struct km_ns *o = old->ns[ty];
        if (!(flags & order[i].flag))
            ns->ns[ty] = o ? km_ns_get(o) : NULL;
        else if (ty == KM_NS_UTS)
            ns->ns[ty] = uts_new(k, by, (const struct uts_ns *)o, NULL, owner);
        else if (ty == KM_NS_PID)
            ns->ns[ty] = &pidns_create(k, by, (struct pid_ns *)o, owner)->ns;
        else if (ty == KM_NS_IPC)
            ns->ns[ty] = ipcns_new(k, by, false, owner);
        else if (ty == KM_NS_TIME)
            ns->ns[ty] = timens_new(k, by, o, owner);
        else
            ns->ns[ty] = plain_ns_new(k, by, ty, false, owner);
    }
    ns->time_ns = old->time_ns ? km_ns_get(old->time_ns) : NULL;
    return ns;
}

struct nsproxy *nsproxy_for_clone(struct km *k, const struct task *by, struct nsproxy *old, u64 f,
                                  struct user_ns *owner)
{
    if (!(f & LX_CLONE_NS_FLAGS & ~LX_CLONE_NEWUSER) &&
        ((f & LX_CLONE_VM) || old->time_ns == old->ns[KM_NS_TIME]))
        return nsproxy_get(old);
    struct nsproxy *n = nsproxy_copy(k, by, old, f, owner);
    if (!(f & LX_CLONE_VM)) timens_on_fork(k, n);
    return n;
}

void nsproxy_exec(struct km *k, struct task *t)
{
    if (!t->ns || t->ns->time_ns == t->ns->ns[KM_NS_TIME]) return;
    struct nsproxy *n = nsproxy_copy(k, t, t->ns, 0, t->cred ? t->cred->user_ns : NULL);
    timens_on_fork(k, n);
    nsproxy_put(k, t->ns);
    t->ns = n;
    km_ns_ev_enter(k, t, n->time_ns, "exec", false);
}

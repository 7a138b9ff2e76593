/* User namespaces (kernel/user_namespace.c, security/commoncap.c): id maps
 * between a namespace and the kernel ids, capabilities evaluated in the
 * owning namespace, creation with the creator as owner, and the rules of
 * /proc/<pid>/uid_map, gid_map and setgroups. The initial user namespace
 * is NULL: every id maps to itself there. */
#include "kernel-model/internal.h"
#include "kernel-model/ns.h"

#include <stdio.h>
#include <stdlib.h>

#define NO_ID ((u32)-1)

static const struct uid_gid_map *ns_map(const struct user_ns *ns, bool gid)
{
    return gid ? &ns->gid_map : &ns->uid_map;
}

/* map_id_up: kernel id -> id in ns */
static u32 map_up(const struct user_ns *ns, bool gid, u32 kid)
{
    if (!ns) return kid;
    const struct uid_gid_map *m = ns_map(ns, gid);
    for (int i = 0; i < m->nr; i++) {
        const struct uid_gid_extent *e = &m->e[i];
        if (kid >= e->lower_first && kid - e->lower_first < e->count)
            return e->first + (kid - e->lower_first);
    }
    return NO_ID;
}

/* map_id_down: id in ns -> kernel id */
static u32 map_down(const struct user_ns *ns, bool gid, u32 id)
{
    if (!ns) return id;
    const struct uid_gid_map *m = ns_map(ns, gid);
    for (int i = 0; i < m->nr; i++) {
        const struct uid_gid_extent *e = &m->e[i];
        if (id >= e->first && id - e->first < e->count) return e->lower_first + (id - e->first);
    }
    return NO_ID;
}

u32 km_from_kuid(const struct user_ns *ns, u32 kid)
{
    return map_up(ns, false, kid);
}
u32 km_from_kgid(const struct user_ns *ns, u32 kid)
{
    return map_up(ns, true, kid);
}
u32 km_from_kuid_munged(const struct user_ns *ns, u32 kid)
{
    u32 v = map_up(ns, false, kid);
    return v == NO_ID ? LX_OVERFLOW_ID : v;
}
u32 km_from_kgid_munged(const struct user_ns *ns, u32 kid)
{
    u32 v = map_up(ns, true, kid);
    return v == NO_ID ? LX_OVERFLOW_ID : v;
}
u32 km_make_kuid(const struct user_ns *ns, u32 id)
{
    return map_down(ns, false, id);
}
u32 km_make_kgid(const struct user_ns *ns, u32 id)
{
    return map_down(ns, true, id);
}

bool km_ns_capable(const struct cred *c, const struct user_ns *ns, int cap)
{
    if (!c) return false;
    for (;;) {
        if (ns == c->user_ns) return (c->cap_effective >> cap) & 1;
        if (userns_level(ns) <= userns_level(c->user_ns)) return false;
        /* the owner of a namespace whose parent is ours has every capability in it */
        if (ns->parent == c->user_ns && ns->owner_uid == c->euid) return true;
        ns = ns->parent;
    }
}

bool km_capable(const struct cred *c, int cap)
{
    return km_ns_capable(c, NULL, cap);
}

bool userns_within(const struct user_ns *anc, const struct user_ns *u)
{
    while (userns_level(u) > userns_level(anc))
        u = u->parent;
    return u == anc;
}

int userns_may_create(const struct cred *c)
{
    if (userns_level(c->user_ns) > LX_MAX_PID_NS_LEVEL) return -LX_ENOSPC;
    if (map_up(c->user_ns, false, c->euid) == NO_ID || map_up(c->user_ns, true, c->egid) == NO_ID)
        return -LX_EPERM;
    return 0;
}

void userns_create(struct km *k, const struct task *by, struct cred *c)
{
    struct user_ns *u = km_zalloc(sizeof *u);
    struct user_ns *parent = c->user_ns;
    u->level = userns_level(parent) + 1;
    u->parent = parent;
    u->owner_uid = c->euid;
    u->owner_gid = c->egid;
    u->setgroups_allowed = true;
    km_ns_setup(k, &u->ns, KM_NS_USER, by, false, parent); /* holds the parent */
    if (parent) km_ns_put(k, &parent->ns);
    c->user_ns = u;
    userns_cred_caps(c);
}

void userns_cred_caps(struct cred *c)
{
    c->cap_effective = c->cap_permitted = c->cap_bset = LX_CAP_FULL_SET;
    c->cap_inheritable = c->cap_ambient = 0;
    c->securebits = 0;
}

/* --- /proc/<pid>/uid_map, gid_map, setgroups ----------------------------- */

static const struct user_ns *task_userns(const struct task *t)
{
    return t->cred ? t->cred->user_ns : NULL;
}

void userns_show_map(const struct task *reader, const struct task *target, bool gid, char *buf,
                     size_t n)
{
    const struct user_ns *ns = task_userns(target), *lower = task_userns(reader);
    size_t used = 0;
    buf[0] = 0;
    if (!ns) { /* the initial namespace maps everything */
        snprintf(buf, n, "%10u %10u %10u\n", 0u, 0u, 4294967295u);
        return;
    }
    if (lower == ns) lower = ns->parent; /* uid_m_show (NULL: the initial namespace) */
    const struct uid_gid_map *m = ns_map(ns, gid);
    for (int i = 0; i < m->nr && used < n; i++) {
        int w = snprintf(buf + used, n - used, "%10u %10u %10u\n", m->e[i].first,
                         map_up(lower, gid, m->e[i].lower_first), m->e[i].count);
        if (w > 0) used += (size_t)w;
    }
}

void userns_show_setgroups(const struct task *target, char *buf, size_t n)
{
    const struct user_ns *ns = task_userns(target);
    snprintf(buf, n, "%s\n", !ns || ns->setgroups_allowed ? "allow" : "deny");
}

int userns_may_open_map(const struct task *writer, const struct task *target, bool setgroups)
{
    const struct user_ns *ns = task_userns(target), *mine = task_userns(writer);
    if (setgroups) /* proc_setgroups_open */
        return km_ns_capable(writer->cred, ns, LX_CAP_SYS_ADMIN) ? 0 : -LX_EPERM;
    /* proc_id_map_open: only from the namespace or its parent */
    if (mine != ns && (!ns || mine != ns->parent)) return -LX_EPERM;
    return 0;
}

/* Parse "first lower count" lines into m (lower still in the parent's ids). */
static int parse_map(const char *buf, size_t len, struct uid_gid_map *m)
{
    size_t i = 0;
    m->nr = 0;
    while (i < len) {
        unsigned long v[3];
        for (int f = 0; f < 3; f++) {
            while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
                i++;
            if (i >= len || buf[i] < '0' || buf[i] > '9') return -LX_EINVAL;
            unsigned long x = 0;
            while (i < len && buf[i] >= '0' && buf[i] <= '9') {
                x = x * 10 + (unsigned long)(buf[i++] - '0');
                if (x > 0xffffffffUL) return -LX_EINVAL;
            }
            v[f] = x;
        }
        while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
            i++;
        if (i < len && buf[i] != '\n') return -LX_EINVAL;
        i++;
        /* a count of 0, ids that wrap, the -1 id, or too many extents */
        if (v[2] == 0 || v[0] + v[2] - 1 > 0xfffffffeUL || v[1] + v[2] - 1 > 0xfffffffeUL)
            return -LX_EINVAL;
        if (m->nr == LX_UID_GID_MAP_MAX) return -LX_EINVAL;
        struct uid_gid_extent e = {(u32)v[0], (u32)v[1], (u32)v[2]};
        for (int j = 0; j < m->nr; j++) { /* mappings_overlap */
            const struct uid_gid_extent *o = &m->e[j];
            bool up = e.first <= o->first + o->count - 1 && o->first <= e.first + e.count - 1;
            bool low = e.lower_first <= o->lower_first + o->count - 1 &&
                       o->lower_first <= e.lower_first + e.count - 1;
            if (up || low) return -LX_EINVAL;
        }
        m->e[m->nr++] = e;
    }
    return m->nr ? 0 : -LX_EINVAL;
}

i64 userns_write_map(struct km *k, const struct task *writer, const struct task *target, bool gid,
                     const char *buf, size_t len)
{
    (void)k;
    struct user_ns *ns = target->cred ? target->cred->user_ns : NULL;
    const struct cred *c = writer->cred;
    int cap_setid = gid ? LX_CAP_SETGID : LX_CAP_SETUID;
    /* the initial namespace's map is already written */
    if (!ns || ns_map(ns, gid)->nr) return -LX_EPERM;
    if (!km_ns_capable(c, ns, LX_CAP_SYS_ADMIN)) return -LX_EPERM;
    struct uid_gid_map *m = km_zalloc(sizeof *m);
    i64 r = parse_map(buf, len, m);
    if (r < 0) goto out;
    /* new_idmap_permitted: the owner may map its own euid (and egid once
     * setgroups is denied) without privilege; otherwise CAP_SET[UG]ID over
     * the parent namespace. */
    bool ok = false;
    if (m->nr == 1 && m->e[0].count == 1 && ns->owner_uid == c->euid) {
        u32 kid = map_down(ns->parent, gid, m->e[0].lower_first);
        if (!gid && kid == c->euid) ok = true;
        if (gid && !ns->setgroups_allowed && kid == c->egid) ok = true;
    }
    if (!ok && km_ns_capable(c, ns->parent, cap_setid)) ok = true;
    r = -LX_EPERM;
    if (!ok) goto out;
    for (int i = 0; i < m->nr; i++) { /* lower ids to kernel ids */
        u32 lo = map_down(ns->parent, gid, m->e[i].lower_first);
        u32 hi = map_down(ns->parent, gid, m->e[i].lower_first + m->e[i].count - 1);
        if (lo == NO_ID || hi == NO_ID || hi - lo != m->e[i].count - 1) goto out;
        m->e[i].lower_first = lo;
    }
    *(gid ? &ns->gid_map : &ns->uid_map) = *m;
    r = (i64)len;
out:
    free(m);
    return r;
}

i64 userns_write_setgroups(const struct task *target, const char *buf, size_t len)
{
    struct user_ns *ns = target->cred ? target->cred->user_ns : NULL;
    char w[8] = {0};
    size_t n = len < sizeof w - 1 ? len : sizeof w - 1;
    memcpy(w, buf, n);
    if (n && w[n - 1] == '\n') w[--n] = 0;
    bool allow = strcmp(w, "allow") == 0;
    if (!allow && strcmp(w, "deny") != 0) return -LX_EINVAL;
    if (!ns) return allow ? (i64)len : -LX_EPERM; /* the initial one stays "allow" */
    if (allow) {
        if (!ns->setgroups_allowed) return -LX_EPERM; /* no re-enabling */
    } else {
        if (ns->gid_map.nr) return -LX_EPERM; /* too late once gid_map is written */
        ns->setgroups_allowed = false;
    }
    return (i64)len;
}

void userns_show_file(const struct task *reader, const struct task *target, int file, char *buf,
                      size_t n)
{
    if (file == 3)
        userns_show_setgroups(target, buf, n);
    else
        userns_show_map(reader, target, file == 2, buf, n);
}

i64 userns_write_file(struct km *k, const struct task *writer, const struct task *target, int file,
                      u64 pos, u64 addr, u64 n)
{
    if (pos != 0 || n >= 4096) return -LX_EINVAL;
    char buf[4096];
    if (mm_read(writer->mm, addr, buf, (size_t)n) < 0) return -LX_EFAULT;
    if (!target || !target->cred) return -LX_ESRCH;
    return file == 3 ? userns_write_setgroups(target, buf, (size_t)n)
                     : userns_write_map(k, writer, target, file == 2, buf, (size_t)n);
}

bool userns_may_setgroups(const struct cred *c)
{
    const struct user_ns *ns = c->user_ns;
    if (!km_ns_capable(c, ns, LX_CAP_SETGID)) return false;
    return !ns || (ns->gid_map.nr && ns->setgroups_allowed);
}

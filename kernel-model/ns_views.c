/* Modelled views of the mnt, net, cgroup and time namespaces (issue 5):
 * what /proc shows of them and the clock offsets of a time namespace.
 *
 * mnt: there is no mount(2) in the model; every mount namespace holds the
 * same fixed mount list (mnt_list), as copied by CLONE_NEWNS, with mount ids
 * of its own (copy_tree gives every copy new ids).
 * net: every network namespace has one device, lo, with zero counters (a
 * new one on Linux; the initial one shows lo only too: the host's devices
 * are not modelled). cgroup: one cgroup, the root, so /proc/<pid>/cgroup
 * reads "0::/" in every cgroup namespace (a cgroup v2 hierarchy only).
 * time: kernel/time/namespace.c's offsets for CLOCK_MONOTONIC (and its raw
 * and coarse variants) and CLOCK_BOOTTIME, set through
 * /proc/<pid>/timens_offsets on time_for_children until a task enters the
 * namespace (then frozen), entered at fork (timens_on_fork), at execve
 * (exec_task_namespaces) or by setns. */
#include "kernel-model/internal.h"
#include "kernel-model/ns.h"

#include <stdio.h>
#include <stdlib.h>

#define NS_PER_SEC      1000000000LL
#define KTIME_SEC_MAX   9223372036LL /* KTIME_MAX / NSEC_PER_SEC */
#define LX_CAP_SYS_TIME 25
#define MNT_FIRST_ID    21 /* the initial namespace's first mount id */
#define MNT_IDS_PER_NS  16

struct time_ns {
    struct km_ns ns;
    i64 off[2]; /* monotonic, boottime offsets in ns */
    bool frozen;
};

static const struct {
    const char *src, *dir, *type, *opts, *super, *dev;
} mnt_list[] = {
    {"/dev/root", "/", "ext4", "rw,relatime", "rw", "254:0"},
    {"proc", "/proc", "proc", "rw,nosuid,nodev,noexec,relatime", "rw", "0:22"},
    {"sysfs", "/sys", "sysfs", "rw,nosuid,nodev,noexec,relatime", "rw", "0:23"},
    {"devtmpfs", "/dev", "devtmpfs", "rw,nosuid,relatime", "rw,mode=755", "0:5"},
    {"tmpfs", "/tmp", "tmpfs", "rw,nosuid,nodev", "rw", "0:24"},
};
#define MNT_N ((int)(sizeof mnt_list / sizeof mnt_list[0]))

static const char *const view_names[] = {
    [NSV_MOUNTS] = "mounts", [NSV_MOUNTINFO] = "mountinfo",   [NSV_CGROUP] = "cgroup",
    [NSV_NETDEV] = "dev",    [NSV_TIMENS] = "timens_offsets",
};

int nsview_index(const char *name)
{
    for (int i = NSV_MOUNTS; i <= NSV_TIMENS; i++)
        if (i != NSV_NETDEV && strcmp(view_names[i], name) == 0) return i;
    return -1;
}

const char *nsview_name(int view)
{
    return view >= NSV_MOUNTS && view <= NSV_TIMENS ? view_names[view] : "?";
}

struct km_ns *timens_new(struct km *k, const struct task *by, const struct km_ns *from,
                         struct user_ns *owner)
{
    struct time_ns *n = km_zalloc(sizeof *n);
    if (from) { /* clone_time_ns: the offsets of time_for_children */
        const struct time_ns *o = (const struct time_ns *)from;
        n->off[0] = o->off[0];
        n->off[1] = o->off[1];
    }
    n->frozen = from == NULL; /* init_time_ns: frozen_offsets */
    km_ns_setup(k, &n->ns, KM_NS_TIME, by, from == NULL, owner);
    return &n->ns;
}

void timens_commit(struct km_ns *n)
{
    ((struct time_ns *)n)->frozen = true;
}

i64 timens_offset(const struct task *t, int clk)
{
    if (!t->ns || !t->ns->time_ns) return 0;
    const struct time_ns *n = (const struct time_ns *)t->ns->time_ns;
    switch (clk) {
    case LX_CLOCK_MONOTONIC:
    case LX_CLOCK_MONOTONIC_RAW:
    case LX_CLOCK_MONOTONIC_COARSE: return n->off[0];
    case LX_CLOCK_BOOTTIME: return n->off[1];
    default: return 0;
    }
}

/* One "clock sec nsec" line of timens_offsets_write: 0 or -1. */
static int timens_parse_line(const char *s, int *clk, i64 *val)
{
    char clock[10];
    long long sec;
    unsigned long nsec;
    if (sscanf(s, "%9s %lld %lu", clock, &sec, &nsec) != 3 || nsec >= (unsigned long)NS_PER_SEC)
        return -1;
    if (strcmp(clock, "monotonic") == 0 || strcmp(clock, "1") == 0)
        *clk = 0;
    else if (strcmp(clock, "boottime") == 0 || strcmp(clock, "7") == 0)
        *clk = 1;
    else
        return -1;
    if (sec > KTIME_SEC_MAX || sec < -KTIME_SEC_MAX) return -2; /* ERANGE (checked later) */
    *val = (i64)sec * NS_PER_SEC + (i64)nsec;
    return 0;
}

i64 timens_write_offsets(struct km *k, const struct task *writer, const struct task *target,
                         u64 pos, const char *buf, size_t len)
{
    if (pos != 0 || len >= 4096) return -LX_EINVAL;
    int clk[2];
    i64 val[2];
    int n = 0, range = 0;
    size_t count = len;
    char *copy = km_zalloc(len + 1);
    memcpy(copy, buf, len);
    for (char *p = copy, *next; p; p = next) {
        next = strchr(p, '\n');
        if (next && *(*next = '\0', ++next) == '\0') next = NULL;
        int r = timens_parse_line(p, &clk[n], &val[n]);
        if (r == -1) {
            free(copy);
            return -LX_EINVAL;
        }
        if (r == -2) range = 1;
        if (++n == 2) {
            if (next) count = (size_t)(next - copy);
            break;
        }
    }
    free(copy);
    if (!target || !target->ns) return -LX_ESRCH;
    struct time_ns *ns = (struct time_ns *)target->ns->ns[KM_NS_TIME];
    if (!km_ns_capable(writer->cred, ns->ns.owner, LX_CAP_SYS_TIME)) return -LX_EPERM;
    if (range) return -LX_ERANGE;
    for (int i = 0; i < n; i++) { /* now + offset within [0, KTIME_SEC_MAX / 2] */
        i64 now = (i64)(k->now_ns / NS_PER_SEC), sec = val[i] / NS_PER_SEC;
        if (val[i] < 0 && val[i] % NS_PER_SEC) sec--;
        if (now + sec < 0 || now + sec > KTIME_SEC_MAX / 2) return -LX_ERANGE;
    }
    if (ns->frozen) return -LX_EACCES;
    for (int i = 0; i < n; i++)
        ns->off[clk[i]] = val[i];
    return (i64)count;
}

/* proc_timens_show_offsets: time_for_children's, "%-10s %10lld %9ld". */
static void timens_show(const struct task *x, char *buf, size_t n)
{
    const struct time_ns *ns = (const struct time_ns *)x->ns->ns[KM_NS_TIME];
    size_t len = 0;
    for (int i = 0; i < 2 && len < n; i++) {
        i64 sec = ns->off[i] / NS_PER_SEC, nsec = ns->off[i] % NS_PER_SEC;
        if (nsec < 0) { /* timespec: tv_nsec in [0, 1e9) */
            nsec += NS_PER_SEC;
            sec--;
        }
        len += (size_t)snprintf(buf + len, n - len, "%-10s %10lld %9lld\n",
                                i ? "boottime" : "monotonic", (long long)sec, (long long)nsec);
    }
}

static int mnt_first_id(const struct km_ns *mnt)
{
    return mnt->inum == km_ns_inum(NULL, KM_NS_MNT) ? MNT_FIRST_ID
                                                    : MNT_FIRST_ID + MNT_IDS_PER_NS * mnt->id;
}

void nsview_show(const struct task *x, int view, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    if (!x->ns) return;
    int id0 = mnt_first_id(x->ns->ns[KM_NS_MNT]);
    switch (view) {
    case NSV_MOUNTS: /* show_vfsmnt */
        for (int i = 0; i < MNT_N && len < n; i++)
            len += (size_t)snprintf(buf + len, n - len, "%s %s %s %s 0 0\n", mnt_list[i].src,
                                    mnt_list[i].dir, mnt_list[i].type, mnt_list[i].opts);
        break;
    case NSV_MOUNTINFO: /* show_mountinfo: the root's parent is outside the list */
        for (int i = 0; i < MNT_N && len < n; i++)
            len += (size_t)snprintf(buf + len, n - len, "%d %d %s / %s %s - %s %s %s\n", id0 + i,
                                    i ? id0 : id0 - 1, mnt_list[i].dev, mnt_list[i].dir,
                                    mnt_list[i].opts, mnt_list[i].type, mnt_list[i].src,
                                    mnt_list[i].super);
        break;
    case NSV_CGROUP: snprintf(buf, n, "0::/\n"); break;
    case NSV_NETDEV: /* dev_seq_show: lo only, nothing sent */
        snprintf(buf, n,
                 "Inter-|   Receive                                                |  Transmit\n"
                 " face |bytes    packets errs drop fifo frame compressed multicast|bytes    "
                 "packets errs drop fifo colls carrier compressed\n"
                 "%6s:%8d %7d %4d %4d %4d %5d %10d %9d %8d %7d %4d %4d %4d %5d %7d %10d\n",
                 "lo", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        break;
    case NSV_TIMENS: timens_show(x, buf, n); break;
    default: break;
    }
}

void timens_on_fork(struct km *k, struct nsproxy *n)
{
    if (n->time_ns == n->ns[KM_NS_TIME]) return;
    km_ns_put(k, n->time_ns);
    n->time_ns = km_ns_get(n->ns[KM_NS_TIME]);
    timens_commit(n->time_ns);
}

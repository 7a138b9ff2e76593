/* The event builder (events.h): one event is opened with km_ev_begin,
 * filled with ordered fields, and handed to every sink by km_ev_end.
 *
 * Contracts:
 *  - at most one event is open at a time; nesting is a bug in the model and
 *    aborts (an event emitted from inside a sink would reorder the stream);
 *  - strings are copied into the event's own buffer, so callers may pass
 *    stack buffers; when the buffer is full a string is truncated, never
 *    overflowed (the stream stays well formed);
 *  - nothing host-dependent (pointers, host time) enters an event, so the
 *    stream is byte-identical for the same seed (DESIGN.md rule 5). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-model/km.h"

static void ev_die(const char *what, const char *kind)
{
    fprintf(stderr, "clonemu: internal error: %s (event kind '%s')\n", what, kind ? kind : "?");
    abort();
}

void km_ev_add_sink(struct km *k, struct km_sink *s)
{
    /* Appended, so sinks see events in registration order. */
    s->next = NULL;
    struct km_sink **p = &k->ev.sinks;
    while (*p)
        p = &(*p)->next;
    *p = s;
}

bool km_ev_enabled(const struct km *k)
{
    return k->ev.sinks != NULL;
}

void km_ev_begin(struct km *k, const char *kind, const struct task *t)
{
    struct km_event *e = &k->ev.cur;
    if (k->ev.open) ev_die("km_ev_begin while an event is open", e->kind);
    k->ev.open = true;
    e->seq = k->ev.seq++;
    e->time_ns = k->now_ns;
    e->kind = kind;
    e->tid = t ? t->tid : 0;
    e->tgid = t && t->tg ? t->tg->tgid : 0;
    e->arch = t && t->abi ? t->abi->name : "";
    e->nfields = 0;
    e->strlen_used = 0;
    e->strbuf[0] = '\0';
}

/* The next free field of the open event. */
static struct km_field *ev_field_new(struct km *k, const char *key, enum km_field_type type)
{
    struct km_event *e = &k->ev.cur;
    if (!k->ev.open) ev_die("event field added with no open event", key);
    if (e->nfields >= KM_EV_MAX_FIELDS) ev_die("too many fields in one event", e->kind);
    struct km_field *f = &e->f[e->nfields++];
    f->key = key;
    f->type = type;
    f->i = 0;
    f->s = NULL;
    return f;
}

void km_ev_int(struct km *k, const char *key, i64 v)
{
    ev_field_new(k, key, KM_F_INT)->i = v;
}

void km_ev_hex(struct km *k, const char *key, u64 v)
{
    ev_field_new(k, key, KM_F_HEX)->i = (i64)v;
}

/* Reserve room for a string of len bytes (+NUL) in the event's buffer,
 * truncated to what is left; returns where to write and sets *cap. The
 * last byte of strbuf is kept as a shared empty string for a full buffer. */
static char *ev_str_reserve(struct km_event *e, size_t len, size_t *cap)
{
    size_t left = KM_EV_STRBUF - 1 - e->strlen_used; /* keep strbuf[last] */
    if (left == 0) {
        e->strbuf[KM_EV_STRBUF - 1] = '\0';
        *cap = 0;
        return &e->strbuf[KM_EV_STRBUF - 1];
    }
    *cap = len + 1 <= left ? len + 1 : left;
    char *p = &e->strbuf[e->strlen_used];
    e->strlen_used += *cap;
    return p;
}

void km_ev_str(struct km *k, const char *key, const char *v)
{
    struct km_field *f = ev_field_new(k, key, KM_F_STR);
    if (!v) v = "";
    size_t cap, len = strlen(v);
    char *p = ev_str_reserve(&k->ev.cur, len, &cap);
    if (cap > 0) {
        memcpy(p, v, cap - 1);
        p[cap - 1] = '\0';
    }
    f->s = p;
}

void km_ev_strf(struct km *k, const char *key, const char *fmt, ...)
{
    struct km_field *f = ev_field_new(k, key, KM_F_STR);
    struct km_event *e = &k->ev.cur;
    va_list ap;
    va_start(ap, fmt);
    /* Format straight into what is left; vsnprintf truncates safely. */
    size_t left = KM_EV_STRBUF - 1 - e->strlen_used;
    char *p = &e->strbuf[e->strlen_used];
    if (left == 0) {
        p = &e->strbuf[KM_EV_STRBUF - 1];
        *p = '\0';
    } else {
        int n = vsnprintf(p, left, fmt, ap);
        size_t used = n < 0 ? 1 : (size_t)n + 1 <= left ? (size_t)n + 1 : left;
        if (n < 0) *p = '\0';
        e->strlen_used += used;
    }
    va_end(ap);
    f->s = p;
}

void km_ev_end(struct km *k)
{
    struct km_event *e = &k->ev.cur;
    if (!k->ev.open) ev_die("km_ev_end with no open event", NULL);
    /* Still open while sinks run: a sink that emits an event aborts. */
    for (struct km_sink *s = k->ev.sinks; s; s = s->next)
        s->emit(s->ctx, e);
    k->ev.open = false;
}

const struct km_field *km_ev_field(const struct km_event *e, const char *key)
{
    for (int i = 0; i < e->nfields; i++)
        if (strcmp(e->f[i].key, key) == 0) return &e->f[i];
    return NULL;
}

/* Every named clone flag, in bit order. LX_CLONE_NEWTIME shares its bit
 * with the CSIGNAL byte of clone(2); callers pass kernel_clone_args flags,
 * where that byte is already moved to exit_signal (as in Linux). */
static const struct {
    u64 bit;
    const char *name;
} km_clone_flag_names[] = {
    {LX_CLONE_NEWTIME, "CLONE_NEWTIME"},
    {LX_CLONE_VM, "CLONE_VM"},
    {LX_CLONE_FS, "CLONE_FS"},
    {LX_CLONE_FILES, "CLONE_FILES"},
    {LX_CLONE_SIGHAND, "CLONE_SIGHAND"},
    {LX_CLONE_PIDFD, "CLONE_PIDFD"},
    {LX_CLONE_PTRACE, "CLONE_PTRACE"},
    {LX_CLONE_VFORK, "CLONE_VFORK"},
    {LX_CLONE_PARENT, "CLONE_PARENT"},
    {LX_CLONE_THREAD, "CLONE_THREAD"},
    {LX_CLONE_NEWNS, "CLONE_NEWNS"},
    {LX_CLONE_SYSVSEM, "CLONE_SYSVSEM"},
    {LX_CLONE_SETTLS, "CLONE_SETTLS"},
    {LX_CLONE_PARENT_SETTID, "CLONE_PARENT_SETTID"},
    {LX_CLONE_CHILD_CLEARTID, "CLONE_CHILD_CLEARTID"},
    {LX_CLONE_DETACHED, "CLONE_DETACHED"},
    {LX_CLONE_UNTRACED, "CLONE_UNTRACED"},
    {LX_CLONE_CHILD_SETTID, "CLONE_CHILD_SETTID"},
    {LX_CLONE_NEWCGROUP, "CLONE_NEWCGROUP"},
    {LX_CLONE_NEWUTS, "CLONE_NEWUTS"},
    {LX_CLONE_NEWIPC, "CLONE_NEWIPC"},
    {LX_CLONE_NEWUSER, "CLONE_NEWUSER"},
    {LX_CLONE_NEWPID, "CLONE_NEWPID"},
    {LX_CLONE_NEWNET, "CLONE_NEWNET"},
    {LX_CLONE_IO, "CLONE_IO"},
    {LX_CLONE_CLEAR_SIGHAND, "CLONE_CLEAR_SIGHAND"},
    {LX_CLONE_INTO_CGROUP, "CLONE_INTO_CGROUP"},
};

/* Append "|"-separated item to buf (always NUL-terminated, truncating). */
static void flags_append(char *buf, size_t n, size_t *len, const char *item)
{
    int w = snprintf(buf + *len, n - *len, "%s%s", *len ? "|" : "", item);
    if (w > 0) *len = *len + (size_t)w < n ? *len + (size_t)w : n - 1;
}

/* "CLONE_VM|CLONE_VFORK|SIGCHLD"; unknown bits as one hex item; the exit
 * signal (if > 0) last; "0" when nothing is set. */
const char *km_clone_flags_str(u64 flags, int exit_signal, char *buf, size_t n)
{
    if (n == 0) return buf;
    size_t len = 0;
    buf[0] = '\0';
    u64 rest = flags;
    for (size_t i = 0; i < sizeof km_clone_flag_names / sizeof km_clone_flag_names[0]; i++) {
        if (!(flags & km_clone_flag_names[i].bit)) continue;
        flags_append(buf, n, &len, km_clone_flag_names[i].name);
        rest &= ~km_clone_flag_names[i].bit;
    }
    if (rest) {
        char hex[24];
        snprintf(hex, sizeof hex, "0x%llx", (unsigned long long)rest);
        flags_append(buf, n, &len, hex);
    }
    if (exit_signal > 0) flags_append(buf, n, &len, lx_signal_name(exit_signal));
    if (len == 0) flags_append(buf, n, &len, "0");
    return buf;
}

/* The inverse of km_clone_flags_str, for `clonemu explain`: items
 * separated by '|', ',', '+' or blanks; each a flag name (with or without
 * "CLONE_"), a number (0x..., decimal), or a signal name ("SIGCHLD",
 * "CHLD"), which goes to *exit_signal. 0, or -1 with *bad the first item
 * not understood (copied into bad, n bytes). */
int km_clone_flags_parse(const char *s, u64 *flags, int *exit_signal, char *bad, size_t n)
{
    *flags = 0;
    *exit_signal = 0;
    while (*s) {
        size_t len = strcspn(s, "|,+ \t");
        if (len == 0) {
            s++;
            continue;
        }
        char item[48];
        snprintf(item, sizeof item, "%.*s", (int)len, s);
        s += len;
        const char *name = strncmp(item, "CLONE_", 6) == 0 ? item + 6 : item;
        bool ok = false;
        for (size_t i = 0; !ok && i < sizeof km_clone_flag_names / sizeof km_clone_flag_names[0];
             i++)
            if (!strcmp(km_clone_flag_names[i].name + 6, name)) {
                *flags |= km_clone_flag_names[i].bit;
                ok = true;
            }
        for (int sig = 1; !ok && sig <= LX_NSIG; sig++) {
            const char *sn = lx_signal_name(sig);
            if (!strcmp(sn, item) || !strcmp(sn + 3, item)) {
                *exit_signal = sig;
                ok = true;
            }
        }
        if (!ok && item[0] >= '0' && item[0] <= '9') {
            char *end;
            unsigned long long v = strtoull(item, &end, 0);
            if (*end == '\0') {
                *flags |= v;
                ok = true;
            }
        }
        if (!ok) {
            snprintf(bad, n, "%s", item);
            return -1;
        }
    }
    return 0;
}

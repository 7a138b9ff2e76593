/* The one event stream (DESIGN.md rule 4). Every state change of the model
 * is one event: a kind, the task it concerns, and ordered key/value fields.
 * Consumers (human trace, JSON Lines file, --step, the viewer) register
 * sinks; none re-derives state. Events carry virtual time and a sequence
 * number only, so a run is byte-identical for the same seed. */
#ifndef CLONEMU_EVENTS_H
#define CLONEMU_EVENTS_H

#include "kernel-model/uapi.h"

#define KM_EV_MAX_FIELDS 24
#define KM_EV_STRBUF     4096

enum km_field_type { KM_F_INT, KM_F_STR, KM_F_HEX };

struct km_field {
    const char *key; /* static string */
    enum km_field_type type;
    i64 i;
    const char *s; /* points into the event's string buffer */
};

struct km_event {
    u64 seq;
    u64 time_ns;
    const char *kind; /* "syscall", "clone", "clone_refused", "exit", ... (static) */
    int tid, tgid;    /* the task concerned (0 for none) */
    const char *arch;
    int nfields;
    struct km_field f[KM_EV_MAX_FIELDS];
    size_t strlen_used;
    char strbuf[KM_EV_STRBUF];
};

struct km_sink {
    void (*emit)(void *ctx, const struct km_event *e);
    void *ctx;
    struct km_sink *next;
};

struct km_events {
    u64 seq;
    bool open;
    struct km_event cur;
    struct km_sink *sinks;
};

struct km;
struct task;
void km_ev_add_sink(struct km *k, struct km_sink *s);
bool km_ev_enabled(const struct km *k); /* any sink? (skip formatting work if not) */
void km_ev_begin(struct km *k, const char *kind, const struct task *t);
void km_ev_int(struct km *k, const char *key, i64 v);
void km_ev_hex(struct km *k, const char *key, u64 v);
void km_ev_str(struct km *k, const char *key, const char *v);
void km_ev_strf(struct km *k, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void km_ev_end(struct km *k);

/* Field lookup for consumers and tests. */
const struct km_field *km_ev_field(const struct km_event *e, const char *key);

/* Flag names ("CLONE_VM|CLONE_FS|SIGCHLD") into buf. */
const char *km_clone_flags_str(u64 flags, int exit_signal, char *buf, size_t n);
/* Its inverse: "CLONE_VM|CLONE_FS|SIGCHLD", "VM,FS", "0x100": 0, or -1 with
 * the first item not understood in bad. Signal names go to *exit_signal. */
int km_clone_flags_parse(const char *s, u64 *flags, int *exit_signal, char *bad, size_t n);

#endif

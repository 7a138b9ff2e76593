/* Consumers of the event stream (DESIGN.md rule 4) that write files:
 * the human trace (--trace[=FILE], strace-like) and the JSON Lines file
 * (--events FILE). Both only format what an event carries; neither keeps
 * or re-derives state. Output is byte-deterministic: no pointers, no host
 * time. The JSONL schema is documented in docs/events.md. */
#ifndef CLONEMU_SINKS_H
#define CLONEMU_SINKS_H

#include <stdio.h>

#include "kernel-model/events.h"

struct sink_file {
    FILE *f;
    bool owned;          /* we opened f (close it), else stderr/stdout */
    bool failed;         /* a write failed (reported by sink_file_close) */
    const char *path;    /* for messages ("<stderr>" when not a file) */
    struct km_sink sink; /* register with km_ev_add_sink(k, &s->sink) */
};

/* Open the human trace: path NULL or "" = stderr, "-" = stdout. 0, or -1
 * with errno set (the file could not be created). */
int sink_trace_open(struct sink_file *s, const char *path);
/* Open the JSON Lines file: "-" = stdout. 0, or -1 with errno set. */
int sink_jsonl_open(struct sink_file *s, const char *path);
/* Flush (and close when owned). 0, or -1 if any write failed (errno set
 * for the last failure where known). Safe on a zeroed struct. */
int sink_file_close(struct sink_file *s);

/* The formatters, exposed for tests. sink_trace_format writes one line
 * without '\n' (truncated to n); sink_jsonl_format returns one malloc'd
 * JSON object without '\n' (NULL when out of memory). */
void sink_trace_format(const struct km_event *e, char *buf, size_t n);
char *sink_jsonl_format(const struct km_event *e);

#endif

/* A recorded run (scene.h's viz_log) as a Chrome/Perfetto trace: the JSON
 * "Trace Event Format" that ui.perfetto.dev and chrome://tracing open.
 *
 *   - one process per thread group (pid = tgid), one thread track per task
 *     (tid), named "COMM TID" (COMM: the last exec'd program's basename,
 *     else the name given by the caller);
 *   - complete slices ('X') for syscalls at the model's virtual time (1 ns
 *     per basic block): a syscall that does not block takes no virtual time
 *     (dur 0); one that blocks spans from its block to its resumption, with
 *     a nested "blocked: KIND" slice (futex, child, pipe, ...) up to the
 *     wake;
 *   - instant events ('i') for signals (generated, delivered, ignored,
 *     fatal), faults, execs and exits;
 *   - flow events ('s' ... 'f', one id per arrow): signal sender ->
 *     the thread that took it, futex waker -> wakee, clone parent -> child.
 *
 * Timestamps are microseconds with three decimals (exact nanoseconds);
 * per track they never decrease in the file. Pure C (cJSON), no SDL. */
#ifndef VIZ_PERFETTO_H
#define VIZ_PERFETTO_H

#include <stdio.h>

#include "viz/scene.h"

/* Write log as a trace to f; comm names the tasks of groups that never
 * exec'd (NULL: "task"). 0, or -1 if a write failed. */
int viz_perfetto_write(FILE *f, const struct viz_log *log, const char *comm);
/* The same into path ("-" = stdout); 0, or 1 after a message on stderr. */
int viz_perfetto_file(const char *path, const struct viz_log *log, const char *comm);

#endif

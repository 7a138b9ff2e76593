/* The wait graph of the model's tasks (waitgraph.c): one line per blocked
 * or stopped task, "TID/TGID COMM waits for WHAT; could be ended by: TID
 * HOW (STATE), ...". Reads state only; emits no event. */
#ifndef CLONEMU_WAITGRAPH_H
#define CLONEMU_WAITGRAPH_H

#include "kernel-model/km.h"

void km_wait_graph(struct km *k, void (*line)(void *ctx, const char *s), void *ctx);

#endif

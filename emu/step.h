/* --step[=KINDS]: a consumer of the event stream (DESIGN.md rule 4) that
 * stops at each event of the chosen kinds, shows it with the current task
 * and its instruction, and reads commands (next, continue, tasks, signals,
 * regs, mem, bt-lite, break, quit, help) from stdin, a terminal or a pipe. */
#ifndef CLONEMU_EMU_STEP_H
#define CLONEMU_EMU_STEP_H

#include "kernel-model/km.h"

/* KINDS: comma-separated clone, signal, exit, wait, futex, exec, ns,
 * sched, or all (NULL or ""). 0, or -1 if a kind is unknown (*bad names it). */
int step_attach(struct km *k, const char *kinds, const char **bad);

#endif

/* Signals: generation, target choice, delivery and frames (issue 3).
 * The model decides everything (which thread, which action, restart or
 * EINTR); the CPU backend only saves/loads registers, and the per-arch
 * frame layout is pure code in arch/ (struct km_abi's frame functions). */
#ifndef CLONEMU_SIGNAL_H
#define CLONEMU_SIGNAL_H

#include "kernel-model/uapi.h"

/* Which union member of siginfo_t is meaningful (as Linux's siginfo_layout). */
enum km_si_layout { KM_SIL_KILL, KM_SIL_TIMER, KM_SIL_POLL, KM_SIL_FAULT, KM_SIL_CHLD, KM_SIL_RT };

/* A host-independent siginfo; encoded into the arch's 128-byte siginfo_t
 * by km_siginfo_encode (same offsets on x86-64, aarch64 and s390x, in the
 * guest's byte order). */
struct km_siginfo {
    int signo, errno_, code;
    enum km_si_layout layout;
    int pid;    /* KILL, CHLD, RT: sender / child */
    u32 uid;    /* KILL, CHLD, RT */
    int status; /* CHLD: exit code or signal */
    u64 utime, stime;
    u64 value; /* RT, TIMER: sigval */
    u64 addr;  /* FAULT */
    int timerid, overrun;
};

/* offsets: signo 0, errno 4, code 8; union at 16: pid 16, uid 20,
 * status/sigval 24, utime 32, stime 40; fault addr 16; timer id 16,
 * overrun 20, sigval 24. */
void km_siginfo_encode(const struct km_siginfo *si, bool big_endian, u8 out[128]);
/* The reverse, for rt_sigqueueinfo: the layout is chosen from signo/code. */
void km_siginfo_decode(const u8 in[128], bool big_endian, struct km_siginfo *si);

/* A queued signal (thread or group queue). */
struct km_sigq {
    struct km_siginfo info;
    struct km_sigq *next;
};

/* sigaltstack state of a task (stack_t: ss_sp, ss_flags, ss_size). */
#define LX_SS_ONSTACK    1
#define LX_SS_DISABLE    2
#define LX_SS_AUTODISARM 0x80000000u
struct km_altstack {
    u64 sp, size;
    u32 flags;
};

/* What a frame builder needs (arch/<arch>/abi_sigframe.c). */
struct km_sigframe_args {
    int sig;
    u64 handler, flags, restorer; /* the sigaction */
    const struct km_siginfo *info;
    u64 saved_mask;              /* the blocked mask to restore at rt_sigreturn */
    struct km_altstack altstack; /* the task's sigaltstack (for SA_ONSTACK and uc_stack) */
};

#endif

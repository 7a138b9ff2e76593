/* siginfo_t encoding (kernel/signal.c copy_siginfo_to_user /
 * post_copy_siginfo_from_user). The 128-byte siginfo_t has the same
 * offsets on x86-64, aarch64 and s390x (64-bit, int si_signo/si_errno/
 * si_code, then the union 8-byte aligned at 16); only the byte order
 * differs. Pure: no guest memory, the caller copies the 128 bytes. */
#include "kernel-model/signal.h"

#define SI_TIMER (-2)
#define SI_SIGIO (-5)

/* Linux's NSIG* limits (include/uapi/asm-generic/siginfo.h): the number
 * of kernel si_codes per fault-ish signal. */
#define NSIGILL  11
#define NSIGFPE  15
#define NSIGSEGV 10
#define NSIGBUS  5
#define NSIGTRAP 6
#define NSIGCHLD 6
#define NSIGPOLL 6
#define NSIGSYS  2

void km_siginfo_encode(const struct km_siginfo *si, bool be, u8 out[128])
{
    memset(out, 0, 128);
    lx_put32(be, out + 0, (u32)si->signo);
    lx_put32(be, out + 4, (u32)si->errno_);
    lx_put32(be, out + 8, (u32)si->code);
    switch (si->layout) {
    case KM_SIL_KILL:
        lx_put32(be, out + 16, (u32)si->pid);
        lx_put32(be, out + 20, si->uid);
        break;
    case KM_SIL_TIMER:
        lx_put32(be, out + 16, (u32)si->timerid);
        lx_put32(be, out + 20, (u32)si->overrun);
        lx_put64(be, out + 24, si->value);
        break;
    case KM_SIL_POLL: /* si_band (long) at 16 from value, si_fd at 24 from status */
        lx_put64(be, out + 16, si->value);
        lx_put32(be, out + 24, (u32)si->status);
        break;
    case KM_SIL_FAULT: lx_put64(be, out + 16, si->addr); break;
    case KM_SIL_CHLD:
        lx_put32(be, out + 16, (u32)si->pid);
        lx_put32(be, out + 20, si->uid);
        lx_put32(be, out + 24, (u32)si->status);
        lx_put64(be, out + 32, si->utime);
        lx_put64(be, out + 40, si->stime);
        break;
    case KM_SIL_RT:
        lx_put32(be, out + 16, (u32)si->pid);
        lx_put32(be, out + 20, si->uid);
        lx_put64(be, out + 24, si->value);
        break;
    }
}

/* kernel/signal.c siginfo_layout() (SIL_SYS is folded into FAULT: its
 * si_call_addr is at the fault address's offset). */
static enum km_si_layout siginfo_layout(int sig, int code)
{
    if (code > LX_SI_USER && code < LX_SI_KERNEL) {
        static const struct {
            int sig, limit;
            enum km_si_layout layout;
        } filter[] = {
            {LX_SIGILL, NSIGILL, KM_SIL_FAULT},   {LX_SIGFPE, NSIGFPE, KM_SIL_FAULT},
            {LX_SIGSEGV, NSIGSEGV, KM_SIL_FAULT}, {LX_SIGBUS, NSIGBUS, KM_SIL_FAULT},
            {LX_SIGTRAP, NSIGTRAP, KM_SIL_FAULT}, {LX_SIGCHLD, NSIGCHLD, KM_SIL_CHLD},
            {LX_SIGIO, NSIGPOLL, KM_SIL_POLL},    {LX_SIGSYS, NSIGSYS, KM_SIL_FAULT},
        };
        for (size_t i = 0; i < sizeof(filter) / sizeof(filter[0]); i++)
            if (filter[i].sig == sig) {
                if (code <= filter[i].limit) return filter[i].layout;
                return KM_SIL_KILL;
            }
        return code <= NSIGPOLL ? KM_SIL_POLL : KM_SIL_KILL;
    }
    if (code == SI_TIMER) return KM_SIL_TIMER;
    if (code == SI_SIGIO) return KM_SIL_POLL;
    if (code < 0) return KM_SIL_RT;
    return KM_SIL_KILL;
}

void km_siginfo_decode(const u8 in[128], bool be, struct km_siginfo *si)
{
    memset(si, 0, sizeof(*si));
    si->signo = (int)lx_get32(be, in + 0);
    si->errno_ = (int)lx_get32(be, in + 4);
    si->code = (int)lx_get32(be, in + 8);
    si->layout = siginfo_layout(si->signo, si->code);
    switch (si->layout) {
    case KM_SIL_KILL:
        si->pid = (int)lx_get32(be, in + 16);
        si->uid = lx_get32(be, in + 20);
        break;
    case KM_SIL_TIMER:
        si->timerid = (int)lx_get32(be, in + 16);
        si->overrun = (int)lx_get32(be, in + 20);
        si->value = lx_get64(be, in + 24);
        break;
    case KM_SIL_POLL:
        si->value = lx_get64(be, in + 16);
        si->status = (int)lx_get32(be, in + 24);
        break;
    case KM_SIL_FAULT: si->addr = lx_get64(be, in + 16); break;
    case KM_SIL_CHLD:
        si->pid = (int)lx_get32(be, in + 16);
        si->uid = lx_get32(be, in + 20);
        si->status = (int)lx_get32(be, in + 24);
        si->utime = lx_get64(be, in + 32);
        si->stime = lx_get64(be, in + 40);
        break;
    case KM_SIL_RT:
        si->pid = (int)lx_get32(be, in + 16);
        si->uid = lx_get32(be, in + 20);
        si->value = lx_get64(be, in + 24);
        break;
    }
}

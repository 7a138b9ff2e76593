/* Names of Linux errnos, signals and generic syscall numbers, for the
 * trace, --explain and the event stream. */
#include "kernel-model/uapi.h"
#include "kernel-model/abi.h"

/* Every LX_E* of uapi.h. */
// clang-format off
#define LX_ERRNO_LIST(X)                                                                           \
    X(EPERM) X(ENOENT) X(ESRCH) X(EINTR) X(EIO) X(ENXIO) X(E2BIG) X(ENOEXEC) X(EBADF) X(ECHILD)    \
    X(EAGAIN) X(ENOMEM) X(EACCES) X(EFAULT) X(ENOTBLK) X(EBUSY) X(EEXIST) X(EXDEV) X(ENODEV)      \
    X(ENOTDIR) X(EISDIR) X(EINVAL) X(ENFILE) X(EMFILE) X(ENOTTY) X(ETXTBSY) X(EFBIG) X(ENOSPC)    \
    X(ESPIPE) X(EROFS) X(EMLINK) X(EPIPE) X(EDOM) X(ERANGE) X(EDEADLK) X(ENAMETOOLONG)           \
    X(ENOLCK) X(ENOSYS) X(ENOTEMPTY) X(ELOOP) X(EIDRM) X(ENODATA) X(EOVERFLOW) X(EUSERS)         \
    X(ENOTSOCK)                                                                                  \
    X(EOPNOTSUPP) X(ETIMEDOUT) X(ERESTARTSYS) X(ERESTARTNOINTR) X(ERESTARTNOHAND)        \
    X(ERESTART_RESTARTBLOCK)
// clang-format on

/* err may be given as a positive errno or as the negative return value. */
const char *lx_errno_name(int err)
{
    if (err < 0 && err >= -LX_MAX_ERRNO) err = -err;
    switch (err) {
#define LX_ERRNO_CASE(e)                                                                           \
    case LX_##e: return #e;
        LX_ERRNO_LIST(LX_ERRNO_CASE)
#undef LX_ERRNO_CASE
    default: return "E?";
    }
}

static const char *const lx_signal_names[LX_SIGRTMIN] = {
    [0] = "0",
    [LX_SIGHUP] = "SIGHUP",
    [LX_SIGINT] = "SIGINT",
    [LX_SIGQUIT] = "SIGQUIT",
    [LX_SIGILL] = "SIGILL",
    [LX_SIGTRAP] = "SIGTRAP",
    [LX_SIGABRT] = "SIGABRT",
    [LX_SIGBUS] = "SIGBUS",
    [LX_SIGFPE] = "SIGFPE",
    [LX_SIGKILL] = "SIGKILL",
    [LX_SIGUSR1] = "SIGUSR1",
    [LX_SIGSEGV] = "SIGSEGV",
    [LX_SIGUSR2] = "SIGUSR2",
    [LX_SIGPIPE] = "SIGPIPE",
    [LX_SIGALRM] = "SIGALRM",
    [LX_SIGTERM] = "SIGTERM",
    [LX_SIGSTKFLT] = "SIGSTKFLT",
    [LX_SIGCHLD] = "SIGCHLD",
    [LX_SIGCONT] = "SIGCONT",
    [LX_SIGSTOP] = "SIGSTOP",
    [LX_SIGTSTP] = "SIGTSTP",
    [LX_SIGTTIN] = "SIGTTIN",
    [LX_SIGTTOU] = "SIGTTOU",
    [LX_SIGURG] = "SIGURG",
    [LX_SIGXCPU] = "SIGXCPU",
    [LX_SIGXFSZ] = "SIGXFSZ",
    [LX_SIGVTALRM] = "SIGVTALRM",
    [LX_SIGPROF] = "SIGPROF",
    [LX_SIGWINCH] = "SIGWINCH",
    [LX_SIGIO] = "SIGIO",
    [LX_SIGPWR] = "SIGPWR",
    [LX_SIGSYS] = "SIGSYS",
};

/* Real-time signals are named from the kernel's SIGRTMIN (32), not
 * glibc's (34, after the two it reserves): 32 -> SIGRT0, 64 -> SIGRT32. */
static const char *const lx_rt_signal_names[LX_NSIG - LX_SIGRTMIN + 1] = {
    "SIGRT0",  "SIGRT1",  "SIGRT2",  "SIGRT3",  "SIGRT4",  "SIGRT5",  "SIGRT6",
    "SIGRT7",  "SIGRT8",  "SIGRT9",  "SIGRT10", "SIGRT11", "SIGRT12", "SIGRT13",
    "SIGRT14", "SIGRT15", "SIGRT16", "SIGRT17", "SIGRT18", "SIGRT19", "SIGRT20",
    "SIGRT21", "SIGRT22", "SIGRT23", "SIGRT24", "SIGRT25", "SIGRT26", "SIGRT27",
    "SIGRT28", "SIGRT29", "SIGRT30", "SIGRT31", "SIGRT32",
};

const char *lx_signal_name(int sig)
{
    if (sig >= 0 && sig < LX_SIGRTMIN) return lx_signal_names[sig];
    if (sig >= LX_SIGRTMIN && sig <= LX_NSIG) return lx_rt_signal_names[sig - LX_SIGRTMIN];
    return "SIG?";
}

static const char *const lx_sysno_names[LX_SYS__COUNT] = {[LX_SYS_NONE] = "none",
#define LX_SYSNO_NAME(n) [LX_SYS_##n] = #n,
                                                          LX_SYSCALL_LIST(LX_SYSNO_NAME)
#undef LX_SYSNO_NAME
};

/* "clone3"; "none" for LX_SYS_NONE; "?" out of range. */
const char *lx_sysno_name(enum lx_sysno n)
{
    if ((unsigned)n >= LX_SYS__COUNT) return "?";
    return lx_sysno_names[n];
}

/*
 * common.h - small helpers shared by the clonemu guest samples.
 *
 * The samples must print the same bytes on every run, on the real kernel and
 * on clonemu, whatever the scheduling. So they never print pids, addresses or
 * times; they print relations ("ppid_is_parent=1"), errno NAMES and signal
 * NAMES. The helpers here make that easy:
 *
 *   say(fmt, ...)    format into a stack buffer and write(2) it to stdout at
 *                    once. No stdio buffer is involved, so nothing is printed
 *                    twice after fork() and lines from several processes
 *                    never tear (one write per line, under PIPE_BUF).
 *   errno_name(e)    "EINVAL" instead of 22 or "Invalid argument".
 *   sig_name(s)      "SIGCHLD" instead of 17 (numbers differ between arches).
 *   cld_code_name(c) "CLD_EXITED" for a siginfo_t si_code of SIGCHLD/waitid.
 *   si_code_name(s, c) "SI_TKILL", "SEGV_MAPERR"... for any signal's si_code.
 *   fail(what)       print "what: EXXX" and exit(1).
 *   slurp(path, buf, n) the whole file into buf (NUL-terminated) with
 *                    open/read only (no stdio, no malloc: reading /proc/self
 *                    files does not change what they show); its length, or
 *                    -1 with errno if it does not open.
 *
 * Everything is static inline so that every sample can include this header
 * and build with -Wall -Wextra -Werror whichever helpers it uses.
 */
#ifndef CLONEMU_SAMPLES_COMMON_H
#define CLONEMU_SAMPLES_COMMON_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static inline const char *errno_name(int e)
{
    switch (e) {
    case 0: return "OK";
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case ESRCH: return "ESRCH";
    case EINTR: return "EINTR";
    case EIO: return "EIO";
    case E2BIG: return "E2BIG";
    case ENOEXEC: return "ENOEXEC";
    case EBADF: return "EBADF";
    case ECHILD: return "ECHILD";
    case EAGAIN: return "EAGAIN";
    case ENOMEM: return "ENOMEM";
    case EACCES: return "EACCES";
    case EFAULT: return "EFAULT";
    case EBUSY: return "EBUSY";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    case ENOSPC: return "ENOSPC";
    case EPIPE: return "EPIPE";
    case ERANGE: return "ERANGE";
    case EDEADLK: return "EDEADLK";
    case ENOSYS: return "ENOSYS";
    case ETIMEDOUT: return "ETIMEDOUT";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EUSERS: return "EUSERS";
    case ERESTART: return "ERESTART";
    case ELOOP: return "ELOOP";
    default: return "E?";
    }
}

static inline const char *sig_name(int s)
{
    static const char *const names[] = {
        "0",         "SIGHUP",  "SIGINT",    "SIGQUIT", "SIGILL",   "SIGTRAP", "SIGABRT", "SIGBUS",
        "SIGFPE",    "SIGKILL", "SIGUSR1",   "SIGSEGV", "SIGUSR2",  "SIGPIPE", "SIGALRM", "SIGTERM",
        "SIGSTKFLT", "SIGCHLD", "SIGCONT",   "SIGSTOP", "SIGTSTP",  "SIGTTIN", "SIGTTOU", "SIGURG",
        "SIGXCPU",   "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO",   "SIGPWR",  "SIGSYS",
    };
    if (s >= 0 && s < (int)(sizeof(names) / sizeof(names[0]))) return names[s];
    return "SIGRT";
}

static inline const char *cld_code_name(int code)
{
    switch (code) {
    case CLD_EXITED: return "CLD_EXITED";
    case CLD_KILLED: return "CLD_KILLED";
    case CLD_DUMPED: return "CLD_DUMPED";
    case CLD_TRAPPED: return "CLD_TRAPPED";
    case CLD_STOPPED: return "CLD_STOPPED";
    case CLD_CONTINUED: return "CLD_CONTINUED";
    default: return "CLD_?";
    }
}

/* The name of a siginfo_t si_code. Codes > 0 mean different things per
 * signal (SEGV_MAPERR and CLD_EXITED are both 1), hence the signal number. */
static inline const char *si_code_name(int sig, int code)
{
    switch (code) {
    case SI_USER: return "SI_USER";
    case SI_KERNEL: return "SI_KERNEL";
    case SI_QUEUE: return "SI_QUEUE";
    case SI_TIMER: return "SI_TIMER";
    case SI_MESGQ: return "SI_MESGQ";
    case SI_ASYNCIO: return "SI_ASYNCIO";
    case SI_SIGIO: return "SI_SIGIO";
    case SI_TKILL: return "SI_TKILL";
    default: break;
    }
    if (sig == SIGCHLD) return cld_code_name(code);
    if (sig == SIGSEGV) {
        if (code == SEGV_MAPERR) return "SEGV_MAPERR";
        if (code == SEGV_ACCERR) return "SEGV_ACCERR";
    }
    if (sig == SIGBUS && code == BUS_ADRERR) return "BUS_ADRERR";
    if (sig == SIGILL && code == ILL_ILLOPN) return "ILL_ILLOPN";
    if (sig == SIGILL && code == ILL_ILLOPC) return "ILL_ILLOPC";
    if (sig == SIGFPE && code == FPE_INTDIV) return "FPE_INTDIV";
    if (sig == SIGTRAP && code == TRAP_BRKPT) return "TRAP_BRKPT";
    return "SI_?";
}

/* Write all of buf to fd, retrying short writes. Returns 0 or -1. */
static inline int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Read exactly len bytes (a fixed-size record) from fd. Returns 0 or -1. */
static inline int read_all(int fd, void *buf, size_t len)
{
    char *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static inline void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void say(const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    if (n < 0) return;
    if ((size_t)n >= sizeof(buf)) n = (int)sizeof(buf) - 1;
    (void)write_all(STDOUT_FILENO, buf, (size_t)n);
}

static inline void fail(const char *what) __attribute__((noreturn));
static inline void fail(const char *what)
{
    say("%s: %s\n", what, errno_name(errno));
    exit(1);
}

static inline ssize_t slurp(const char *path, char *buf, size_t n)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    size_t len = 0;
    ssize_t r;
    while (len < n - 1 && (r = read(fd, buf + len, n - 1 - len)) > 0)
        len += (size_t)r;
    buf[len] = '\0';
    close(fd);
    return (ssize_t)len;
}

#endif

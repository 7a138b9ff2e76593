/* Linux user-visible constants and byte-layout helpers, defined by clonemu
 * itself so the kernel model never includes host <sched.h>/<signal.h>
 * (DESIGN.md rule 1). Values are the asm-generic / x86-64 ones, which
 * x86-64, aarch64 and s390x share; per-arch differences (open flags, struct
 * stat) are translated in arch/. */
#ifndef CLONEMU_UAPI_H
#define CLONEMU_UAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef uint8_t u8;
typedef uint16_t u16;
typedef uint32_t u32;
typedef uint64_t u64;
typedef int32_t i32;
typedef int64_t i64;

/* errno */
#define LX_EPERM                 1
#define LX_ENOENT                2
#define LX_ESRCH                 3
#define LX_EINTR                 4
#define LX_EIO                   5
#define LX_ENXIO                 6
#define LX_E2BIG                 7
#define LX_ENOEXEC               8
#define LX_EBADF                 9
#define LX_ECHILD                10
#define LX_EAGAIN                11
#define LX_ENOMEM                12
#define LX_EACCES                13
#define LX_EFAULT                14
#define LX_ENOTBLK               15
#define LX_EBUSY                 16
#define LX_EEXIST                17
#define LX_EXDEV                 18
#define LX_ENODEV                19
#define LX_ENOTDIR               20
#define LX_EISDIR                21
#define LX_EINVAL                22
#define LX_ENFILE                23
#define LX_EMFILE                24
#define LX_ENOTTY                25
#define LX_ETXTBSY               26
#define LX_EFBIG                 27
#define LX_ENOSPC                28
#define LX_ESPIPE                29
#define LX_EROFS                 30
#define LX_EMLINK                31
#define LX_EPIPE                 32
#define LX_EDOM                  33
#define LX_ERANGE                34
#define LX_EDEADLK               35
#define LX_ENAMETOOLONG          36
#define LX_ENOLCK                37
#define LX_ENOSYS                38
#define LX_ENOTEMPTY             39
#define LX_ELOOP                 40
#define LX_EIDRM                 43
#define LX_ENODATA               61
#define LX_EOVERFLOW             75
#define LX_EUSERS                87
#define LX_ENOTSOCK              88
#define LX_EOPNOTSUPP            95
#define LX_ETIMEDOUT             110
#define LX_ERESTARTSYS           512
#define LX_ERESTARTNOINTR        513
#define LX_ERESTARTNOHAND        514
#define LX_ERESTART_RESTARTBLOCK 516
#define LX_MAX_ERRNO             4095

/* clone flags */
#define LX_CSIGNAL              0x000000ffULL
#define LX_CLONE_NEWTIME        0x00000080ULL
#define LX_CLONE_VM             0x00000100ULL
#define LX_CLONE_FS             0x00000200ULL
#define LX_CLONE_FILES          0x00000400ULL
#define LX_CLONE_SIGHAND        0x00000800ULL
#define LX_CLONE_PIDFD          0x00001000ULL
#define LX_CLONE_PTRACE         0x00002000ULL
#define LX_CLONE_VFORK          0x00004000ULL
#define LX_CLONE_PARENT         0x00008000ULL
#define LX_CLONE_THREAD         0x00010000ULL
#define LX_CLONE_NEWNS          0x00020000ULL
#define LX_CLONE_SYSVSEM        0x00040000ULL
#define LX_CLONE_SETTLS         0x00080000ULL
#define LX_CLONE_PARENT_SETTID  0x00100000ULL
#define LX_CLONE_CHILD_CLEARTID 0x00200000ULL
#define LX_CLONE_DETACHED       0x00400000ULL
#define LX_CLONE_UNTRACED       0x00800000ULL
#define LX_CLONE_CHILD_SETTID   0x01000000ULL
#define LX_CLONE_NEWCGROUP      0x02000000ULL
#define LX_CLONE_NEWUTS         0x04000000ULL
#define LX_CLONE_NEWIPC         0x08000000ULL
#define LX_CLONE_NEWUSER        0x10000000ULL
#define LX_CLONE_NEWPID         0x20000000ULL
#define LX_CLONE_NEWNET         0x40000000ULL
#define LX_CLONE_IO             0x80000000ULL
#define LX_CLONE_CLEAR_SIGHAND  0x100000000ULL
#define LX_CLONE_INTO_CGROUP    0x200000000ULL
#define LX_CLONE_NS_FLAGS                                                                          \
    (LX_CLONE_NEWNS | LX_CLONE_NEWUTS | LX_CLONE_NEWIPC | LX_CLONE_NEWUSER | LX_CLONE_NEWPID |     \
     LX_CLONE_NEWNET | LX_CLONE_NEWCGROUP | LX_CLONE_NEWTIME)

/* struct clone_args sizes */
#define LX_CLONE_ARGS_SIZE_VER0 64
#define LX_CLONE_ARGS_SIZE_VER1 80
#define LX_CLONE_ARGS_SIZE_VER2 88
#define LX_MAX_PID_NS_LEVEL     32
#define LX_PAGE_SIZE            4096

/* signals (x86-64, aarch64, s390x share these numbers) */
#define LX_SIGHUP       1
#define LX_SIGINT       2
#define LX_SIGQUIT      3
#define LX_SIGILL       4
#define LX_SIGTRAP      5
#define LX_SIGABRT      6
#define LX_SIGBUS       7
#define LX_SIGFPE       8
#define LX_SIGKILL      9
#define LX_SIGUSR1      10
#define LX_SIGSEGV      11
#define LX_SIGUSR2      12
#define LX_SIGPIPE      13
#define LX_SIGALRM      14
#define LX_SIGTERM      15
#define LX_SIGSTKFLT    16
#define LX_SIGCHLD      17
#define LX_SIGCONT      18
#define LX_SIGSTOP      19
#define LX_SIGTSTP      20
#define LX_SIGTTIN      21
#define LX_SIGTTOU      22
#define LX_SIGURG       23
#define LX_SIGXCPU      24
#define LX_SIGXFSZ      25
#define LX_SIGVTALRM    26
#define LX_SIGPROF      27
#define LX_SIGWINCH     28
#define LX_SIGIO        29
#define LX_SIGPWR       30
#define LX_SIGSYS       31
#define LX_SIGRTMIN     32
#define LX_NSIG         64
#define LX_SIG_DFL      0
#define LX_SIG_IGN      1
#define LX_SA_NOCLDSTOP 0x00000001u
#define LX_SA_NOCLDWAIT 0x00000002u
#define LX_SA_SIGINFO   0x00000004u
#define LX_SA_RESTORER  0x04000000u
#define LX_SA_ONSTACK   0x08000000u
#define LX_SA_RESTART   0x10000000u
#define LX_SA_NODEFER   0x40000000u
#define LX_SA_RESETHAND 0x80000000u
#define LX_SIG_BLOCK    0
#define LX_SIG_UNBLOCK  1
#define LX_SIG_SETMASK  2
#define LX_SIGBIT(s)    (1ULL << ((s)-1))

/* wait */
#define LX_WNOHANG       0x00000001
#define LX_WUNTRACED     0x00000002
#define LX_WSTOPPED      LX_WUNTRACED
#define LX_WEXITED       0x00000004
#define LX_WCONTINUED    0x00000008
#define LX_WNOWAIT       0x01000000
#define LX_WNOTHREAD     0x20000000
#define LX_WALL          0x40000000
#define LX_WCLONE        0x80000000u
#define LX_P_ALL         0
#define LX_P_PID         1
#define LX_P_PGID        2
#define LX_P_PIDFD       3
#define LX_CLD_EXITED    1
#define LX_CLD_KILLED    2
#define LX_CLD_DUMPED    3
#define LX_CLD_TRAPPED   4
#define LX_CLD_STOPPED   5
#define LX_CLD_CONTINUED 6
#define LX_SI_USER       0
#define LX_SI_KERNEL     0x80
#define LX_SI_QUEUE      (-1)
#define LX_SI_TKILL      (-6)

/* futex */
#define LX_FUTEX_WAIT             0
#define LX_FUTEX_WAKE             1
#define LX_FUTEX_REQUEUE          3
#define LX_FUTEX_CMP_REQUEUE      4
#define LX_FUTEX_WAKE_OP          5
#define LX_FUTEX_WAIT_BITSET      9
#define LX_FUTEX_WAKE_BITSET      10
#define LX_FUTEX_PRIVATE_FLAG     128
#define LX_FUTEX_CLOCK_REALTIME   256
#define LX_FUTEX_CMD_MASK         (~(LX_FUTEX_PRIVATE_FLAG | LX_FUTEX_CLOCK_REALTIME))
#define LX_FUTEX_BITSET_MATCH_ANY 0xffffffffu

/* open flags: asm-generic values (x86-64, s390x); aarch64 differs, see arch/ */
#define LX_O_ACCMODE           00000003
#define LX_O_RDONLY            00000000
#define LX_O_WRONLY            00000001
#define LX_O_RDWR              00000002
#define LX_O_CREAT             00000100
#define LX_O_EXCL              00000200
#define LX_O_NOCTTY            00000400
#define LX_O_TRUNC             00001000
#define LX_O_APPEND            00002000
#define LX_O_NONBLOCK          00004000
#define LX_O_DSYNC             00010000
#define LX_O_DIRECT            00040000
#define LX_O_LARGEFILE         00100000
#define LX_O_DIRECTORY         00200000
#define LX_O_NOFOLLOW          00400000
#define LX_O_NOATIME           01000000
#define LX_O_CLOEXEC           02000000
#define LX_O_PATH              010000000
#define LX_O_EXCL_PIDFD_THREAD LX_O_EXCL /* PIDFD_THREAD */
#define LX_AT_FDCWD            (-100)
#define LX_AT_SYMLINK_NOFOLLOW 0x100
#define LX_AT_REMOVEDIR        0x200
#define LX_AT_EMPTY_PATH       0x1000
#define LX_F_DUPFD             0
#define LX_F_GETFD             1
#define LX_F_SETFD             2
#define LX_F_GETFL             3
#define LX_F_SETFL             4
#define LX_F_DUPFD_CLOEXEC     1030
#define LX_F_ADD_SEALS         1033
#define LX_F_GET_SEALS         1034
#define LX_FD_CLOEXEC          1
#define LX_SEEK_SET            0
#define LX_SEEK_CUR            1
#define LX_SEEK_END            2
#define LX_POLLIN              0x001
#define LX_POLLPRI             0x002
#define LX_POLLOUT             0x004
#define LX_POLLERR             0x008
#define LX_POLLHUP             0x010
#define LX_POLLNVAL            0x020

/* mmap */
#define LX_PROT_NONE           0
#define LX_PROT_READ           1
#define LX_PROT_WRITE          2
#define LX_PROT_EXEC           4
#define LX_MAP_SHARED          0x01
#define LX_MAP_PRIVATE         0x02
#define LX_MAP_FIXED           0x10
#define LX_MAP_ANONYMOUS       0x20
#define LX_MAP_GROWSDOWN       0x0100
#define LX_MAP_NORESERVE       0x4000
#define LX_MAP_POPULATE        0x8000
#define LX_MAP_STACK           0x20000
#define LX_MAP_FIXED_NOREPLACE 0x100000
#define LX_MREMAP_MAYMOVE      1
#define LX_MREMAP_FIXED        2

/* clocks */
#define LX_CLOCK_REALTIME           0
#define LX_CLOCK_MONOTONIC          1
#define LX_CLOCK_PROCESS_CPUTIME_ID 2
#define LX_CLOCK_THREAD_CPUTIME_ID  3
#define LX_CLOCK_MONOTONIC_RAW      4
#define LX_CLOCK_REALTIME_COARSE    5
#define LX_CLOCK_MONOTONIC_COARSE   6
#define LX_CLOCK_BOOTTIME           7
#define LX_TIMER_ABSTIME            1

/* file modes */
#define LX_S_IFMT  0170000
#define LX_S_IFDIR 0040000
#define LX_S_IFREG 0100000
#define LX_S_IFIFO 0010000
#define LX_S_IFCHR 0020000
#define LX_S_IFLNK 0120000

/* auxv */
#define LX_AT_NULL        0
#define LX_AT_PHDR        3
#define LX_AT_PHENT       4
#define LX_AT_PHNUM       5
#define LX_AT_PAGESZ      6
#define LX_AT_BASE        7
#define LX_AT_FLAGS       8
#define LX_AT_ENTRY       9
#define LX_AT_UID         11
#define LX_AT_EUID        12
#define LX_AT_GID         13
#define LX_AT_EGID        14
#define LX_AT_PLATFORM    15
#define LX_AT_HWCAP       16
#define LX_AT_CLKTCK      17
#define LX_AT_SECURE      23
#define LX_AT_RANDOM      25
#define LX_AT_HWCAP2      26
#define LX_AT_EXECFN      31
#define LX_AT_MINSIGSTKSZ 51

/* Byte-layout accessors for guest structures: every read or write of a
 * guest structure goes through these with the guest's endianness. */
static inline u16 lx_get16(bool be, const void *p)
{
    const u8 *b = p;
    return be ? (u16)(b[0] << 8 | b[1]) : (u16)(b[1] << 8 | b[0]);
}
static inline u32 lx_get32(bool be, const void *p)
{
    const u8 *b = p;
    return be ? (u32)b[0] << 24 | (u32)b[1] << 16 | (u32)b[2] << 8 | b[3]
              : (u32)b[3] << 24 | (u32)b[2] << 16 | (u32)b[1] << 8 | b[0];
}
static inline u64 lx_get64(bool be, const void *p)
{
    const u8 *b = p;
    return be ? (u64)lx_get32(be, b) << 32 | lx_get32(be, b + 4)
              : (u64)lx_get32(be, b + 4) << 32 | lx_get32(be, b);
}
static inline void lx_put16(bool be, void *p, u16 v)
{
    u8 *b = p;
    if (be) {
        b[0] = (u8)(v >> 8);
        b[1] = (u8)v;
    } else {
        b[0] = (u8)v;
        b[1] = (u8)(v >> 8);
    }
}
static inline void lx_put32(bool be, void *p, u32 v)
{
    u8 *b = p;
    for (int i = 0; i < 4; i++)
        b[be ? 3 - i : i] = (u8)(v >> (8 * i));
}
static inline void lx_put64(bool be, void *p, u64 v)
{
    u8 *b = p;
    for (int i = 0; i < 8; i++)
        b[be ? 7 - i : i] = (u8)(v >> (8 * i));
}

static inline bool lx_is_err(i64 r)
{
    return r < 0 && r >= -LX_MAX_ERRNO;
}
const char *lx_errno_name(int err);  /* "EINVAL"; "E?" if unknown */
const char *lx_signal_name(int sig); /* "SIGCHLD", "SIGRT3", "0" */

#endif

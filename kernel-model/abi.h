/* Per-arch ABI facts the kernel model needs, as pure data and pure functions
 * (no CPU, no Unicorn). Each arch defines one const struct km_abi in
 * arch/<arch>/abi*.c. The CPU side of an arch (register numbers, trap
 * kinds) lives with the CPU backend in emu/. */
#ifndef CLONEMU_ABI_H
#define CLONEMU_ABI_H

#include "kernel-model/uapi.h"
#include "kernel-model/sysno.h"
#include "kernel-model/regs.h"
#include "kernel-model/signal.h"

struct mm;

/* Linux's struct kernel_clone_args: every member of the clone family
 * (clone, clone3, fork, vfork, ia64 clone2) decodes into one of these. */
enum km_clone_kind {
    KM_CLONE_CLONE,
    KM_CLONE_CLONE3,
    KM_CLONE_FORK,
    KM_CLONE_VFORK,
    KM_CLONE_CLONE2
};

struct kernel_clone_args {
    enum km_clone_kind kind;
    u64 flags;
    u64 pidfd;      /* guest address where the pidfd is stored */
    u64 child_tid;  /* guest address */
    u64 parent_tid; /* guest address */
    int exit_signal;
    u64 stack;      /* clone: the new SP; clone3/clone2: base of the area */
    u64 stack_size; /* 0 for clone(); clone3/clone2 size */
    u64 tls;
    u64 set_tid_ptr; /* clone3 guest address of the set_tid array */
    u32 set_tid_size;
    i32 set_tid[LX_MAX_PID_NS_LEVEL];
    u64 cgroup;
};

/* Host-independent struct stat; arches encode it into their own layout. */
struct lx_stat {
    u64 dev, ino, nlink, rdev, size, blocks;
    u32 mode, uid, gid, blksize;
    i64 atime_sec, atime_nsec, mtime_sec, mtime_nsec, ctime_sec, ctime_nsec;
};

/* One entry per arch syscall number: its name (for the trace and the
 * ENOSYS line) and the generic number (LX_SYS_NONE if not modelled). */
struct km_abi_sys {
    const char *name;
    enum lx_sysno sysno;
};

struct task;

struct km_abi {
    const char *name; /* "x86_64", "aarch64" (used in traces and events) */
    u16 elf_machine;  /* EM_X86_64 = 62, EM_AARCH64 = 183 */
    bool big_endian;
    const char *platform; /* AT_PLATFORM string */
    u64 hwcap, hwcap2;    /* AT_HWCAP, AT_HWCAP2 */
    u64 task_size;        /* first address above user space */
    u64 stack_top;        /* initial stack top (below task_size) */
    u64 mmap_base;        /* top-down mmap allocation starts below this */
    u64 elf_et_dyn_base;  /* where a static-pie ET_DYN is loaded */
    u64 settls_max;       /* clone SETTLS: tls >= this gives EPERM (x86-64 rule 33); 0: no rule */
    /* Where Debian's libc6-<deb_arch>-cross puts this arch's ld.so and
     * libraries ("/usr/aarch64-linux-gnu"): the default --sysroot for a
     * dynamically linked guest of another arch. NULL: none. */
    const char *cross_sysroot;
    const char *deb_arch; /* Debian's name of the arch ("arm64") */

    /* syscall number table, indexed by the arch's number */
    u32 nr_count;
    const struct km_abi_sys *sys;

    /* clone(2) argument order of this arch -> kernel_clone_args (flags,
     * exit_signal, stack, ptid, ctid, tls filled; kind = KM_CLONE_CLONE) */
    void (*clone_decode)(const u64 a[6], struct kernel_clone_args *out);
    /* Optional (NULL: the arch has no clone2): ia64's clone2(flags,
     * stack_base, stack_size, ptid, ctid, tls) -> kind KM_CLONE_CLONE2 */
    void (*clone2_decode)(const u64 a[6], struct kernel_clone_args *out);

    /* open(2) flags: guest bits <-> LX_O_* (asm-generic) bits */
    u32 (*open_flags_in)(u32 guest_flags);
    u32 (*open_flags_out)(u32 lx_flags);

    /* Signal frames (arch/<arch>/abi_sigframe.c), pure: the frame is
     * written with mm_write in the guest's byte order and regs updated to
     * enter the handler (PC, SP, argument registers, return address =
     * sa_restorer or the arch's vDSO-less trampoline). 0 or -LX_EFAULT. */
    int (*sigframe_setup)(struct mm *mm, struct km_regs *regs, const struct km_sigframe_args *a);
    /* rt_sigreturn: read the frame at regs->sp (as left by the handler's
     * return), restore regs, and give back the saved mask and the altstack
     * recorded in uc_stack. 0 or -LX_EFAULT. */
    int (*sigframe_return)(struct mm *mm, struct km_regs *regs, u64 *mask, struct km_altstack *ss);
    u32 syscall_insn_len; /* bytes to rewind to restart a syscall (2, 4, 2) */
    u32 minsigstksz;      /* AT_MINSIGSTKSZ; 0: the arch's ARCH_DLINFO gives none */
    u32 sigaltstack_min;  /* the uapi MINSIGSTKSZ sigaltstack() requires (ENOMEM) */
    /* rt_sigaction's struct sigaction has no sa_restorer: {handler, flags,
     * mask} (ia64: no __ARCH_HAS_SA_RESTORER); false: {handler, flags,
     * restorer, mask} (x86-64, aarch64, s390x) */
    bool sigaction_no_restorer;

    /* struct epoll_event: {u32 events; u64 data}, packed on x86-64 (12 bytes,
     * data at 4), naturally aligned elsewhere (16 bytes, data at 8) */
    u32 epoll_event_size;

    /* struct stat as this arch's stat/fstat/newfstatat write it */
    u32 stat_size;
    void (*stat_encode)(const struct lx_stat *st, u8 *out);

    /* Optional (NULL: none). Rewrites a syscall's arguments into the
     * generic form before dispatch, e.g. s390x's one-argument mmap whose
     * six values sit in a guest struct. 0, or -LX_E* returned to the guest
     * without calling the handler. */
    int (*syscall_fixup)(struct task *t, enum lx_sysno n, u64 a[6]);
};

/* All arches compiled in, for lookup by ELF machine. */
const struct km_abi *km_abi_by_machine(u16 e_machine);
const struct km_abi *km_abi_by_name(const char *name);
extern const struct km_abi km_abi_x86_64;
extern const struct km_abi km_abi_aarch64;
extern const struct km_abi km_abi_s390x;
extern const struct km_abi km_abi_ia64lite;

/* Generic name of a generic syscall number ("clone3"). */
const char *lx_sysno_name(enum lx_sysno n);

#endif

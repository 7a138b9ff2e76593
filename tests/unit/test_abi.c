/* Unit test of the pure per-arch ABI facts (arch/<arch>/abi*.c) and the
 * name tables (kernel-model/names.c): syscall numbers from the generated
 * tables, clone(2) argument order, open flag translation, struct stat
 * layout and the registry. No CPU, no host kernel headers. */
#include <stdio.h>

#include "kernel-model/abi.h"
#include "tests/unit/support/check.h"

/* From the generated arch/<arch>/abi_sysnr.c. */
extern const u32 km_abi_x86_64_sys_count;
extern const u32 km_abi_aarch64_sys_count;

/* Number nr of abi is the syscall `name` and maps to generic `sysno`. */
static void check_nr(const struct km_abi *abi, u32 nr, const char *name, enum lx_sysno sysno)
{
    if (nr >= abi->nr_count) {
        CHECK(0, "%s: nr %u out of table (%u)", abi->name, nr, abi->nr_count);
        return;
    }
    const struct km_abi_sys *s = &abi->sys[nr];
    CHECK(s->name && strcmp(s->name, name) == 0, "%s: nr %u is \"%s\", want \"%s\"", abi->name, nr,
          s->name ? s->name : "(null)", name);
    CHECK(s->sysno == sysno, "%s: nr %u (%s) -> %s, want %s", abi->name, nr, name,
          lx_sysno_name(s->sysno), lx_sysno_name(sysno));
}

/* The syscall `name` appears nowhere in the table of abi. */
static void check_absent(const struct km_abi *abi, const char *name)
{
    for (u32 nr = 0; nr < abi->nr_count; nr++)
        if (abi->sys[nr].name && strcmp(abi->sys[nr].name, name) == 0) {
            CHECK(0, "%s: has no %s syscall, but the table has it at %u", abi->name, name, nr);
            return;
        }
    passed++;
}

static void test_table_shape(const struct km_abi *abi, u32 generated_count)
{
    CHECK(abi->nr_count == generated_count, "%s: nr_count %u, generated table has %u", abi->name,
          abi->nr_count, generated_count);
    CHECK(abi->nr_count > 0 && abi->sys[abi->nr_count - 1].name != NULL,
          "%s: last table entry is a hole", abi->name);
    /* Every modelled entry carries the generic name of its sysno. */
    for (u32 nr = 0; nr < abi->nr_count; nr++) {
        const struct km_abi_sys *s = &abi->sys[nr];
        if (s->sysno == LX_SYS_NONE) continue;
        CHECK(s->name && strcmp(s->name, lx_sysno_name(s->sysno)) == 0,
              "%s: nr %u named \"%s\" maps to %s", abi->name, nr, s->name ? s->name : "(null)",
              lx_sysno_name(s->sysno));
    }
}

static void test_x86_64_numbers(void)
{
    const struct km_abi *a = &km_abi_x86_64;
    test_table_shape(a, km_abi_x86_64_sys_count);
    check_nr(a, 56, "clone", LX_SYS_clone);
    check_nr(a, 57, "fork", LX_SYS_fork);
    check_nr(a, 58, "vfork", LX_SYS_vfork);
    check_nr(a, 59, "execve", LX_SYS_execve);
    check_nr(a, 60, "exit", LX_SYS_exit);
    check_nr(a, 61, "wait4", LX_SYS_wait4);
    check_nr(a, 435, "clone3", LX_SYS_clone3);
    check_nr(a, 202, "futex", LX_SYS_futex);
    check_nr(a, 231, "exit_group", LX_SYS_exit_group);
    check_nr(a, 158, "arch_prctl", LX_SYS_arch_prctl);
    check_nr(a, 257, "openat", LX_SYS_openat);
    check_nr(a, 4, "stat", LX_SYS_stat);
    check_nr(a, 5, "fstat", LX_SYS_fstat);
    check_nr(a, 262, "newfstatat", LX_SYS_newfstatat);
    check_nr(a, 425, "io_uring_setup", LX_SYS_NONE);
    /* 335..386 are unused on x86-64 (the x32 range starts at 512) */
    CHECK(a->sys[335].name == NULL && a->sys[335].sysno == LX_SYS_NONE,
          "x86_64: nr 335 should be a hole");
}

static void test_aarch64_numbers(void)
{
    const struct km_abi *a = &km_abi_aarch64;
    test_table_shape(a, km_abi_aarch64_sys_count);
    check_nr(a, 220, "clone", LX_SYS_clone);
    check_nr(a, 435, "clone3", LX_SYS_clone3);
    check_nr(a, 221, "execve", LX_SYS_execve);
    check_nr(a, 93, "exit", LX_SYS_exit);
    check_nr(a, 94, "exit_group", LX_SYS_exit_group);
    check_nr(a, 98, "futex", LX_SYS_futex);
    check_nr(a, 56, "openat", LX_SYS_openat);
    check_nr(a, 79, "newfstatat", LX_SYS_newfstatat);
    check_nr(a, 80, "fstat", LX_SYS_fstat);
    check_nr(a, 222, "mmap", LX_SYS_mmap);
    check_nr(a, 214, "brk", LX_SYS_brk);
    check_nr(a, 96, "set_tid_address", LX_SYS_set_tid_address);
    check_nr(a, 25, "fcntl", LX_SYS_fcntl);
    check_nr(a, 62, "lseek", LX_SYS_lseek);
    check_nr(a, 260, "wait4", LX_SYS_wait4);
    check_nr(a, 425, "io_uring_setup", LX_SYS_NONE);
    /* 244..259: __NR_arch_specific_syscall range, unused on arm64 */
    CHECK(a->sys[244].name == NULL && a->sys[244].sysno == LX_SYS_NONE,
          "aarch64: nr 244 should be a hole");
    static const char *const absent[] = {
        "open",  "fork",   "vfork", "stat",     "lstat", "pipe",  "dup2",    "poll",      "access",
        "mkdir", "unlink", "rmdir", "readlink", "time",  "alarm", "getpgrp", "arch_prctl"};
    for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++)
        check_absent(a, absent[i]);
}

static void test_clone_decode(void)
{
    const u64 raw_flags = 0xabcd00000000ULL | LX_CLONE_VM | LX_CLONE_FS | LX_CLONE_FILES |
                          LX_CLONE_SIGHAND | LX_CLONE_THREAD | LX_CLONE_SETTLS |
                          LX_CLONE_PARENT_SETTID | LX_CLONE_CHILD_CLEARTID | LX_SIGCHLD;
    const u64 want_flags = raw_flags & 0xffffff00ULL;
    struct kernel_clone_args k;

    /* x86-64: flags, stack, ptid, ctid, tls */
    const u64 ax[6] = {raw_flags, 0x1000, 0x2000, 0x3000, 0x4000, 0x5000};
    memset(&k, 0x5a, sizeof(k));
    km_abi_x86_64.clone_decode(ax, &k);
    CHECK(k.kind == KM_CLONE_CLONE, "x86_64 clone: kind %d", (int)k.kind);
    CHECK(k.flags == want_flags, "x86_64 clone: flags %#llx, want %#llx",
          (unsigned long long)k.flags, (unsigned long long)want_flags);
    CHECK(k.exit_signal == LX_SIGCHLD, "x86_64 clone: exit_signal %d", k.exit_signal);
    CHECK(k.stack == 0x1000, "x86_64 clone: stack %#llx", (unsigned long long)k.stack);
    CHECK(k.parent_tid == 0x2000, "x86_64 clone: ptid %#llx", (unsigned long long)k.parent_tid);
    CHECK(k.child_tid == 0x3000, "x86_64 clone: ctid %#llx", (unsigned long long)k.child_tid);
    CHECK(k.tls == 0x4000, "x86_64 clone: tls %#llx", (unsigned long long)k.tls);
    CHECK(k.pidfd == 0x2000, "x86_64 clone: pidfd %#llx (Linux: = ptid)",
          (unsigned long long)k.pidfd);
    CHECK(k.stack_size == 0, "x86_64 clone: stack_size %llu", (unsigned long long)k.stack_size);
    CHECK(k.set_tid_size == 0 && k.cgroup == 0, "x86_64 clone: clone3-only fields not zero");

    /* aarch64 (CLONE_BACKWARDS): flags, stack, ptid, tls, ctid */
    const u64 aa[6] = {raw_flags, 0x1000, 0x2000, 0x3000, 0x4000, 0x5000};
    memset(&k, 0x5a, sizeof(k));
    km_abi_aarch64.clone_decode(aa, &k);
    CHECK(k.kind == KM_CLONE_CLONE, "aarch64 clone: kind %d", (int)k.kind);
    CHECK(k.flags == want_flags, "aarch64 clone: flags %#llx, want %#llx",
          (unsigned long long)k.flags, (unsigned long long)want_flags);
    CHECK(k.exit_signal == LX_SIGCHLD, "aarch64 clone: exit_signal %d", k.exit_signal);
    CHECK(k.stack == 0x1000, "aarch64 clone: stack %#llx", (unsigned long long)k.stack);
    CHECK(k.parent_tid == 0x2000, "aarch64 clone: ptid %#llx", (unsigned long long)k.parent_tid);
    CHECK(k.tls == 0x3000, "aarch64 clone: tls %#llx", (unsigned long long)k.tls);
    CHECK(k.child_tid == 0x4000, "aarch64 clone: ctid %#llx", (unsigned long long)k.child_tid);
    CHECK(k.stack_size == 0, "aarch64 clone: stack_size %llu", (unsigned long long)k.stack_size);

    /* clone() cannot pass the 64-bit-only flags (CLONE_CLEAR_SIGHAND) */
    const u64 hi[6] = {LX_CLONE_CLEAR_SIGHAND | LX_CLONE_INTO_CGROUP, 0, 0, 0, 0, 0};
    km_abi_x86_64.clone_decode(hi, &k);
    CHECK(k.flags == 0 && k.exit_signal == 0, "x86_64 clone: high flags kept: %#llx",
          (unsigned long long)k.flags);
    /* exit_signal is the whole CSIGNAL byte, even an invalid signal */
    const u64 big[6] = {0xff, 0, 0, 0, 0, 0};
    km_abi_aarch64.clone_decode(big, &k);
    CHECK(k.flags == 0 && k.exit_signal == 0xff, "aarch64 clone: CSIGNAL 0xff -> %d, flags %#llx",
          k.exit_signal, (unsigned long long)k.flags);
}

static void test_open_flags(void)
{
    /* arm64 <asm/fcntl.h> values of the four bits that differ */
    static const struct {
        u32 guest, lx;
        const char *name;
    } moved[] = {
        {040000, LX_O_DIRECTORY, "O_DIRECTORY"},
        {0100000, LX_O_NOFOLLOW, "O_NOFOLLOW"},
        {0200000, LX_O_DIRECT, "O_DIRECT"},
        {0400000, LX_O_LARGEFILE, "O_LARGEFILE"},
    };
    const struct km_abi *a = &km_abi_aarch64, *x = &km_abi_x86_64;
    const u32 same = LX_O_WRONLY | LX_O_CREAT | LX_O_EXCL | LX_O_TRUNC | LX_O_APPEND |
                     LX_O_NONBLOCK | LX_O_CLOEXEC | LX_O_PATH | LX_O_NOATIME;

    for (size_t i = 0; i < sizeof(moved) / sizeof(moved[0]); i++) {
        CHECK(a->open_flags_in(moved[i].guest) == moved[i].lx, "aarch64 %s in: %#o, want %#o",
              moved[i].name, a->open_flags_in(moved[i].guest), moved[i].lx);
        CHECK(a->open_flags_out(moved[i].lx) == moved[i].guest, "aarch64 %s out: %#o, want %#o",
              moved[i].name, a->open_flags_out(moved[i].lx), moved[i].guest);
        CHECK(a->open_flags_in(moved[i].guest | same) == (moved[i].lx | same),
              "aarch64 %s in with common bits", moved[i].name);
        CHECK(x->open_flags_in(moved[i].lx) == moved[i].lx, "x86_64 %s not identity",
              moved[i].name);
    }
    CHECK(a->open_flags_in(same) == same && a->open_flags_out(same) == same,
          "aarch64: common bits changed");
    /* Round trips over every combination of the bits up to O_PATH. */
    int bad_a = 0, bad_x = 0;
    for (u32 f = 0; f < (LX_O_PATH << 1); f += 0x1001) {
        bad_a += a->open_flags_out(a->open_flags_in(f)) != f;
        bad_a += a->open_flags_in(a->open_flags_out(f)) != f;
        bad_x += x->open_flags_in(f) != f || x->open_flags_out(f) != f;
    }
    CHECK(bad_a == 0, "aarch64 open flags: %d round trips failed", bad_a);
    CHECK(bad_x == 0, "x86_64 open flags: %d not identity", bad_x);
    CHECK(a->open_flags_in(0100000 | 040000) == (LX_O_NOFOLLOW | LX_O_DIRECTORY),
          "aarch64 O_NOFOLLOW|O_DIRECTORY in");
}

static const struct lx_stat sample_stat = {
    .dev = 0x0102030405060708ULL,
    .ino = 0x1112131415161718ULL,
    .nlink = 7,
    .rdev = 0x2122232425262728ULL,
    .size = 0x3132333435363738ULL,
    .blocks = 0x4142434445464748ULL,
    .mode = LX_S_IFREG | 0644,
    .uid = 1000,
    .gid = 1001,
    .blksize = 4096,
    .atime_sec = 1700000001,
    .atime_nsec = 11,
    .mtime_sec = 1700000002,
    .mtime_nsec = 22,
    .ctime_sec = 1700000003,
    .ctime_nsec = 33,
};

static void check_u64(const char *arch, const u8 *buf, u32 off, u64 want, const char *field)
{
    u64 got = lx_get64(false, buf + off);
    CHECK(got == want, "%s stat %s@%u: %#llx, want %#llx", arch, field, off,
          (unsigned long long)got, (unsigned long long)want);
}

static void check_u32(const char *arch, const u8 *buf, u32 off, u32 want, const char *field)
{
    u32 got = lx_get32(false, buf + off);
    CHECK(got == want, "%s stat %s@%u: %#x, want %#x", arch, field, off, got, want);
}

static void check_times(const char *arch, const u8 *b)
{
    check_u64(arch, b, 72, 1700000001, "st_atime");
    check_u64(arch, b, 80, 11, "st_atime_nsec");
    check_u64(arch, b, 88, 1700000002, "st_mtime");
    check_u64(arch, b, 96, 22, "st_mtime_nsec");
    check_u64(arch, b, 104, 1700000003, "st_ctime");
    check_u64(arch, b, 112, 33, "st_ctime_nsec");
}

/* Offsets checked with offsetof() on <asm/stat.h> and <sys/stat.h> built by
 * gcc (x86-64) and aarch64-linux-gnu-gcc (arm64, asm-generic layout). */
static void test_stat_layout(void)
{
    u8 b[256];
    const struct lx_stat *st = &sample_stat;

    memset(b, 0xee, sizeof(b));
    CHECK(km_abi_x86_64.stat_size == 144, "x86_64 stat size %u", km_abi_x86_64.stat_size);
    km_abi_x86_64.stat_encode(st, b);
    check_u64("x86_64", b, 0, st->dev, "st_dev");
    check_u64("x86_64", b, 8, st->ino, "st_ino");
    check_u64("x86_64", b, 16, st->nlink, "st_nlink");
    check_u32("x86_64", b, 24, st->mode, "st_mode");
    check_u32("x86_64", b, 28, st->uid, "st_uid");
    check_u32("x86_64", b, 32, st->gid, "st_gid");
    check_u32("x86_64", b, 36, 0, "__pad0");
    check_u64("x86_64", b, 40, st->rdev, "st_rdev");
    check_u64("x86_64", b, 48, st->size, "st_size");
    check_u64("x86_64", b, 56, st->blksize, "st_blksize");
    check_u64("x86_64", b, 64, st->blocks, "st_blocks");
    check_times("x86_64", b);
    for (u32 off = 120; off < 144; off += 8)
        check_u64("x86_64", b, off, 0, "__unused");
    CHECK(b[144] == 0xee, "x86_64 stat_encode wrote past 144 bytes");

    memset(b, 0xee, sizeof(b));
    CHECK(km_abi_aarch64.stat_size == 128, "aarch64 stat size %u", km_abi_aarch64.stat_size);
    km_abi_aarch64.stat_encode(st, b);
    check_u64("aarch64", b, 0, st->dev, "st_dev");
    check_u64("aarch64", b, 8, st->ino, "st_ino");
    check_u32("aarch64", b, 16, st->mode, "st_mode");
    check_u32("aarch64", b, 20, (u32)st->nlink, "st_nlink");
    check_u32("aarch64", b, 24, st->uid, "st_uid");
    check_u32("aarch64", b, 28, st->gid, "st_gid");
    check_u64("aarch64", b, 32, st->rdev, "st_rdev");
    check_u64("aarch64", b, 40, 0, "__pad1");
    check_u64("aarch64", b, 48, st->size, "st_size");
    check_u32("aarch64", b, 56, st->blksize, "st_blksize");
    check_u32("aarch64", b, 60, 0, "__pad2");
    check_u64("aarch64", b, 64, st->blocks, "st_blocks");
    check_times("aarch64", b);
    check_u64("aarch64", b, 120, 0, "__unused4/5");
    CHECK(b[128] == 0xee, "aarch64 stat_encode wrote past 128 bytes");
}

static void test_registry_and_constants(void)
{
    CHECK(km_abi_by_machine(62) == &km_abi_x86_64, "km_abi_by_machine(62)");
    CHECK(km_abi_by_machine(183) == &km_abi_aarch64, "km_abi_by_machine(183)");
    CHECK(km_abi_by_machine(0) == NULL, "km_abi_by_machine(0) not NULL");
    CHECK(km_abi_by_machine(22) == &km_abi_s390x, "km_abi_by_machine(22 = s390x)");
    CHECK(km_abi_by_machine(3) == NULL, "km_abi_by_machine(3 = i386) not NULL");
    CHECK(km_abi_by_machine(40) == NULL, "km_abi_by_machine(40 = arm) not NULL");
    CHECK(km_abi_by_name("x86_64") == &km_abi_x86_64, "km_abi_by_name(x86_64)");
    CHECK(km_abi_by_name("aarch64") == &km_abi_aarch64, "km_abi_by_name(aarch64)");
    CHECK(km_abi_by_name("arm64") == &km_abi_aarch64, "km_abi_by_name(arm64)");
    CHECK(km_abi_by_name("mips") == NULL, "km_abi_by_name(mips) not NULL");
    CHECK(km_abi_by_name(NULL) == NULL, "km_abi_by_name(NULL) not NULL");

    const struct km_abi *x = &km_abi_x86_64, *a = &km_abi_aarch64;
    CHECK(strcmp(x->name, "x86_64") == 0 && strcmp(x->platform, "x86_64") == 0, "x86_64 names");
    CHECK(!x->big_endian && !a->big_endian, "x86_64/aarch64 are little-endian");
    CHECK(x->hwcap == 0x178bfbff && x->hwcap2 == 0, "x86_64 hwcap %#llx",
          (unsigned long long)x->hwcap);
    CHECK(x->task_size == 0x7ffffffff000ULL && x->stack_top <= x->task_size &&
              x->mmap_base < x->stack_top && x->elf_et_dyn_base < x->mmap_base,
          "x86_64 address space layout");
    CHECK(x->settls_max == 0x7ffffffff000ULL, "x86_64 settls_max");
    CHECK(strcmp(a->name, "aarch64") == 0 && strcmp(a->platform, "aarch64") == 0, "aarch64 names");
    CHECK(a->hwcap == 0x9fb && a->hwcap2 == 0, "aarch64 hwcap %#llx", (unsigned long long)a->hwcap);
    CHECK(!(a->hwcap & (1u << 22)), "aarch64 hwcap has SVE");
    CHECK(a->task_size == 0x1000000000000ULL && a->stack_top <= a->task_size &&
              a->mmap_base < a->stack_top && a->elf_et_dyn_base < a->mmap_base,
          "aarch64 address space layout");
    CHECK(a->settls_max == 0, "aarch64 settls_max");
}

static void test_names(void)
{
    CHECK(strcmp(lx_errno_name(LX_EINVAL), "EINVAL") == 0, "errno EINVAL");
    CHECK(strcmp(lx_errno_name(-LX_EAGAIN), "EAGAIN") == 0, "errno -EAGAIN");
    CHECK(strcmp(lx_errno_name(LX_ERESTARTNOINTR), "ERESTARTNOINTR") == 0, "ERESTARTNOINTR");
    CHECK(strcmp(lx_errno_name(LX_ETIMEDOUT), "ETIMEDOUT") == 0, "ETIMEDOUT");
    CHECK(strcmp(lx_errno_name(0), "E?") == 0, "errno 0 -> %s", lx_errno_name(0));
    CHECK(strcmp(lx_errno_name(4000), "E?") == 0, "errno 4000");
    CHECK(strcmp(lx_signal_name(0), "0") == 0, "signal 0");
    CHECK(strcmp(lx_signal_name(LX_SIGCHLD), "SIGCHLD") == 0, "SIGCHLD");
    CHECK(strcmp(lx_signal_name(LX_SIGKILL), "SIGKILL") == 0, "SIGKILL");
    CHECK(strcmp(lx_signal_name(LX_SIGSYS), "SIGSYS") == 0, "SIGSYS");
    CHECK(strcmp(lx_signal_name(32), "SIGRT0") == 0, "signal 32 -> %s", lx_signal_name(32));
    CHECK(strcmp(lx_signal_name(35), "SIGRT3") == 0, "signal 35 -> %s", lx_signal_name(35));
    CHECK(strcmp(lx_signal_name(64), "SIGRT32") == 0, "signal 64 -> %s", lx_signal_name(64));
    CHECK(strcmp(lx_signal_name(65), "SIG?") == 0, "signal 65");
    CHECK(strcmp(lx_signal_name(-1), "SIG?") == 0, "signal -1");
    for (int s = 1; s <= LX_NSIG; s++)
        CHECK(lx_signal_name(s) && strncmp(lx_signal_name(s), "SIG", 3) == 0, "signal %d named", s);
    CHECK(strcmp(lx_sysno_name(LX_SYS_clone3), "clone3") == 0, "sysno clone3");
    CHECK(strcmp(lx_sysno_name(LX_SYS_read), "read") == 0, "sysno read");
    CHECK(strcmp(lx_sysno_name(LX_SYS_membarrier), "membarrier") == 0, "sysno membarrier");
    CHECK(strcmp(lx_sysno_name(LX_SYS__COUNT), "?") == 0, "sysno out of range");
}

int main(void)
{
    test_x86_64_numbers();
    test_aarch64_numbers();
    test_clone_decode();
    test_open_flags();
    test_stat_layout();
    test_registry_and_constants();
    test_names();
    return check_report("test_abi");
}

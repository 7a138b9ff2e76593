/* Unit test: the file-layer guest structures on a big-endian (s390x)
 * guest, against the in-memory hostfs of support/fake_fs.c. Layouts are
 * s390x's (arch/s390/include/uapi/asm/stat.h, include/uapi/linux/stat.h,
 * dirent64, termbits); see test_bigendian.c for the full list. */
#include "tests/unit/support/be_guest.h"

#define FDCWD ((u64)(i64)LX_AT_FDCWD)

static i64 open_path(const char *path, u64 flags)
{
    return sys(P, "openat", FDCWD, put_str(P, A_PATH, path), flags, 0, 0);
}

/* getdents64: struct linux_dirent64 {u64 d_ino; s64 d_off; u16 d_reclen;
 * u8 d_type; char d_name[]}, records 8-byte aligned. */
static void test_getdents64(void)
{
    boot();
    i64 fd = open_path("/etc", LX_O_RDONLY | LX_O_DIRECTORY);
    CHECK(fd >= 3, "open /etc = %lld", (long long)fd);
    fill(P, A_BUF, 0xee, 256);
    i64 n = sys(P, "getdents64", (u64)fd, A_BUF, 256, 0, 0);
    CHECK(n == 48, "getdents64 = %lld (two 24-byte records)", (long long)n);
    int ia = fake_fs_find("/etc/a"), ib = fake_fs_find("/etc/bb");
    u8 want[48] = {0};
    lx_put64(true, want + 0, (u64)ia + 1); /* d_ino (the fake's ino) */
    lx_put64(true, want + 8, (u64)ia + 1); /* d_off: the position after it */
    lx_put16(true, want + 16, 24);         /* d_reclen: 19 + "a\0" -> 24 */
    want[18] = 8;                          /* DT_REG */
    memcpy(want + 19, "a", 2);
    lx_put64(true, want + 24, (u64)ib + 1); /* second record */
    lx_put64(true, want + 32, (u64)ib + 1);
    lx_put16(true, want + 40, 24);
    want[42] = 8;
    memcpy(want + 43, "bb", 3);
    CHECK(bytes_are(P, A_BUF, want, 19 + 2) && bytes_are(P, A_BUF + 24, want + 24, 19 + 3),
          "two big-endian dirent64 records");
    CHECK(sys(P, "getdents64", (u64)fd, A_BUF, 256, 0, 0) == 0, "end of directory");
    fake_shutdown(&K);
}

/* struct stat as s390x writes it (144 bytes): dev, ino, nlink (u64), mode,
 * uid, gid (u32), pad, rdev, size, atime/mtime/ctime {sec, nsec}, blksize,
 * blocks (u64). */
static void check_s390x_stat(int node, size_t size, const char *what)
{
    CHECK(be64_at(P, A_OUT + 8) == (u64)node + 1, "%s: st_ino (u64 at 8)", what);
    CHECK(be64_at(P, A_OUT + 16) == 1, "%s: st_nlink (u64 at 16)", what);
    CHECK(be32_at(P, A_OUT + 24) == (LX_S_IFREG | 0644), "%s: st_mode (u32 at 24) %#x", what,
          be32_at(P, A_OUT + 24));
    CHECK(be32_at(P, A_OUT + 36) == 0, "%s: __pad1", what);
    CHECK(be64_at(P, A_OUT + 48) == size, "%s: st_size (u64 at 48)", what);
    CHECK(be64_at(P, A_OUT + 104) == 4096, "%s: st_blksize (u64 at 104, after the times)", what);
    CHECK(be64_at(P, A_OUT + 120) == 0 && be64_at(P, A_OUT + 136) == 0, "%s: __unused", what);
}

static void test_stat_family(void)
{
    boot();
    int ia = fake_fs_find("/etc/a");
    fill(P, A_OUT, 0xee, 144);
    i64 r = sys(P, "newfstatat", FDCWD, put_str(P, A_PATH, "/etc/a"), A_OUT, 0, 0);
    CHECK(r == 0, "newfstatat = %lld", (long long)r);
    check_s390x_stat(ia, 16, "newfstatat");

    i64 fd = open_path("/etc/a", LX_O_RDONLY);
    fill(P, A_OUT, 0xee, 144);
    r = sys(P, "fstat", (u64)fd, A_OUT, 0, 0, 0);
    CHECK(r == 0, "fstat = %lld", (long long)r);
    check_s390x_stat(ia, 16, "fstat");

    fill(P, A_OUT, 0xee, 144);
    r = sys(P, "newfstatat", (u64)fd, put_str(P, A_PATH, ""), A_OUT, LX_AT_EMPTY_PATH, 0);
    CHECK(r == 0, "newfstatat AT_EMPTY_PATH = %lld", (long long)r);
    check_s390x_stat(ia, 16, "newfstatat(fd, \"\")");

    fill(P, A_OUT, 0xee, 144);
    r = sys(P, "stat", put_str(P, A_PATH, "/etc/a"), A_OUT, 0, 0, 0);
    CHECK(r == 0, "stat = %lld", (long long)r);
    check_s390x_stat(ia, 16, "stat");
    fill(P, A_OUT, 0xee, 144);
    r = sys(P, "lstat", put_str(P, A_PATH, "/etc/a"), A_OUT, 0, 0, 0);
    CHECK(r == 0, "lstat = %lld", (long long)r);
    check_s390x_stat(ia, 16, "lstat");
    fake_shutdown(&K);
}

/* struct statx (256 bytes, the same on every arch): stx_mask u32 at 0,
 * stx_blksize u32 at 4, stx_nlink 16, uid 20, gid 24, stx_mode u16 at 28,
 * stx_ino u64 at 32, stx_size 40, stx_blocks 48, timestamps {s64, u32}. */
static void test_statx(void)
{
    boot();
    int ia = fake_fs_find("/etc/a");
    fill(P, A_BUF, 0xee, 256);
    i64 r = sys(P, "statx", FDCWD, put_str(P, A_PATH, "/etc/a"), 0, 0x7ff, A_BUF);
    CHECK(r == 0, "statx = %lld", (long long)r);
    CHECK(be32_at(P, A_BUF + 0) == 0x7ff, "stx_mask");
    CHECK(be32_at(P, A_BUF + 4) == 4096, "stx_blksize");
    CHECK(be32_at(P, A_BUF + 16) == 1, "stx_nlink");
    CHECK(be16_at(P, A_BUF + 28) == (LX_S_IFREG | 0644), "stx_mode (u16 at 28) %#x",
          be16_at(P, A_BUF + 28));
    CHECK(be64_at(P, A_BUF + 32) == (u64)ia + 1, "stx_ino");
    CHECK(be64_at(P, A_BUF + 40) == 16, "stx_size");
    CHECK(be32_at(P, A_BUF + 72) == 0, "stx_atime.tv_nsec u32 at 72");
    fake_shutdown(&K);
}

/* readv's iovec array (read), pread64/pwrite64 (offset in a register). */
static void test_readv_pread_pwrite(void)
{
    boot();
    i64 fd = open_path("/etc/a", LX_O_RDWR);
    const u64 iov[4] = {A_BUF, 3, A_BUF + 100, 5};
    put_be64s(P, A_ARGS, iov, 4);
    fill(P, A_BUF, 0, 128);
    i64 r = sys(P, "readv", (u64)fd, A_ARGS, 2, 0, 0);
    CHECK(r == 8, "readv = %lld", (long long)r);
    CHECK(bytes_are(P, A_BUF, (const u8 *)"012", 3) &&
              bytes_are(P, A_BUF + 100, (const u8 *)"34567", 5),
          "readv scattered by the big-endian iovecs");

    fill(P, A_BUF, 0, 8);
    r = sys(P, "pread64", (u64)fd, A_BUF, 4, 10, 0);
    CHECK(r == 4 && bytes_are(P, A_BUF, (const u8 *)"abcd", 4), "pread64 at 10 = %lld",
          (long long)r);
    poke(P, A_BUF, "XY", 2);
    r = sys(P, "pwrite64", (u64)fd, A_BUF, 2, 14, 0);
    CHECK(r == 2, "pwrite64 = %lld", (long long)r);
    const struct fake_fs_node *n = &fake_fs_nodes[fake_fs_find("/etc/a")];
    CHECK(n->size == 16 && !memcmp(n->data + 12, "cdXY", 4), "pwrite64 landed at offset 14");
    CHECK(sys(P, "lseek", (u64)fd, 0, LX_SEEK_CUR, 0, 0) == 8, "pread/pwrite keep the offset");
    fake_shutdown(&K);
}

/* ioctl TCGETS: struct termios {tcflag_t c_iflag, c_oflag, c_cflag, c_lflag;
 * cc_t c_line; cc_t c_cc[19]} with big-endian flag words. */
static void test_tcgets(void)
{
    boot();
    fill(P, A_OUT, 0xee, 40);
    i64 r = sys(P, "ioctl", 0, 0x5401, A_OUT, 0, 0);
    CHECK(r == 0, "TCGETS = %lld", (long long)r);
    u8 want[36];
    memset(want, 0x11, sizeof want);
    lx_put32(true, want + 0, FAKE_FS_IFLAG);
    lx_put32(true, want + 4, FAKE_FS_OFLAG);
    lx_put32(true, want + 8, FAKE_FS_CFLAG);
    lx_put32(true, want + 12, FAKE_FS_LFLAG);
    CHECK(bytes_are(P, A_OUT, want, 36), "termios flags big-endian, c_line and c_cc as is");
    const u8 untouched[4] = {0xee, 0xee, 0xee, 0xee};
    CHECK(bytes_are(P, A_OUT + 36, untouched, 4), "36 bytes written");
    fake_shutdown(&K);
}

/* Strings: getcwd, readlink of /proc/self/exe-less links; /proc status
 * text has no byte order but its numbers must be the model's ids. */
static void test_strings_and_proc_status(void)
{
    boot();
    fill(P, A_BUF, 0xee, 16);
    i64 r = sys(P, "getcwd", A_BUF, 16, 0, 0, 0);
    CHECK(r == 2 && bytes_are(P, A_BUF, (const u8 *)"/", 2), "getcwd = %lld", (long long)r);

    i64 fd = open_path("/proc/self/status", LX_O_RDONLY);
    CHECK(fd >= 3, "open /proc/self/status = %lld", (long long)fd);
    char text[1024] = {0};
    r = sys(P, "read", (u64)fd, A_BUF, 1000, 0, 0);
    CHECK(r > 0 && r < 1000, "read status = %lld", (long long)r);
    if (r > 0) mm_read(P->mm, A_BUF, text, (size_t)r);
    char want[128];
    snprintf(want, sizeof want, "\nTgid:\t%d\nNgid:\t0\nPid:\t%d\nPPid:\t", P->tg->tgid, P->tid);
    CHECK(!strncmp(text, "Name:\t", 6) && strstr(text, want), "status ids in decimal text");
    CHECK(strstr(text, "\nThreads:\t1\n") && strstr(text, "\nSigBlk:\t0000000000000000\n"),
          "Threads and SigBlk lines");
    fake_shutdown(&K);
}

/* pidfd_open's fd is usable with waitid(P_PIDFD), whose siginfo is
 * big-endian. */
static void test_pidfd_open_waitid(void)
{
    boot();
    i64 pid = sys(P, "fork", 0, 0, 0, 0, 0);
    i64 pfd = sys(P, "pidfd_open", (u64)pid, 0, 0, 0, 0);
    CHECK(pfd >= 3 && pfd < 64, "pidfd_open = %lld", (long long)pfd);
    sys(km_find_task(&K, (int)pid), "exit_group", 7, 0, 0, 0, 0);
    fill(P, A_OUT, 0xee, 128);
    i64 r = sys(P, "waitid", LX_P_PIDFD, (u64)pfd, A_OUT, LX_WEXITED, 0);
    CHECK(r == 0, "waitid(P_PIDFD) = %lld", (long long)r);
    u8 si[32] = {0}; /* waitid leaves the padding at 12 and the rest alone */
    memset(si + 12, 0xee, 4);
    memset(si + 28, 0xee, 4);
    lx_put32(true, si + 0, LX_SIGCHLD);
    lx_put32(true, si + 8, LX_CLD_EXITED);
    lx_put32(true, si + 16, (u32)pid);
    lx_put32(true, si + 24, 7);
    CHECK(bytes_are(P, A_OUT, si, sizeof si), "siginfo for the pidfd's process");
    fake_shutdown(&K);
}

int main(void)
{
    test_getdents64();
    test_stat_family();
    test_statx();
    test_readv_pread_pwrite();
    test_tcgets();
    test_strings_and_proc_status();
    test_pidfd_open_waitid();
    return check_report("test_bigendian_fs");
}

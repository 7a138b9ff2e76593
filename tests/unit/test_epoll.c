/* Unit test of epoll (kernel-model/epoll.c) on the CPU-less model host:
 * struct epoll_event as each arch stores it, epoll_ctl's errors in Linux's
 * order (EBADF, EPERM, EINVAL, ELOOP with EP_MAX_NESTS, EPOLLEXCLUSIVE),
 * the nesting depth rules, blocking with a deadline that a re-run keeps,
 * epoll_pwait's temporary signal mask, and items leaving with their file.
 * The ELOOP and EINVAL expectations were checked natively (Linux 6.18,
 * x86-64) with a small program doing the same calls. */
#include "kernel-model/internal.h"
#include "tests/unit/support/check.h"
#include "tests/unit/support/fake_fs.h"
#include "tests/unit/support/fake_host.h"

#include <string.h>

#define A_EV   0x10000ULL /* struct epoll_event in */
#define A_OUT  0x10100ULL /* events out */
#define A_FDS  0x10400ULL /* pipe fds */
#define A_PATH 0x10500ULL
#define A_MASK 0x10600ULL
#define A_BYTE 0x10700ULL

#define EPOLLIN        0x001u
#define EPOLLOUT       0x004u
#define EPOLLHUP       0x010u
#define EPOLLRDNORM    0x040u
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLET        (1u << 31)

static struct km K;
static struct task *P;

static i64 sys(const char *name, u64 a0, u64 a1, u64 a2, u64 a3, u64 a4, u64 a5)
{
    const struct km_abi *abi = P->abi;
    const u64 a[6] = {a0, a1, a2, a3, a4, a5};
    for (u32 i = 0; i < abi->nr_count; i++)
        if (abi->sys[i].name && !strcmp(abi->sys[i].name, name)) return km_syscall(&K, P, i, a);
    printf("no %s syscall %s\n", abi->name, name);
    return -9999;
}

static void boot(const struct km_abi *abi)
{
    fake_fs_reset();
    fake_fs_add("/etc", true, NULL, 0755);
    fake_fs_add("/etc/a", false, "0123", 0644);
    P = fake_fs_boot(&K, abi);
}

static void put_event(u32 events, u64 data)
{
    u8 b[16] = {0};
    u32 sz = P->abi->epoll_event_size;
    lx_put32(P->abi->big_endian, b, events);
    lx_put64(P->abi->big_endian, b + sz - 8, data);
    mm_write(P->mm, A_EV, b, sz);
}

static i64 ctl(i64 ep, int op, i64 fd, u32 events, u64 data)
{
    put_event(events, data);
    return sys("epoll_ctl", (u64)ep, (u64)op, (u64)fd, A_EV, 0, 0);
}

static i64 create(void)
{
    return sys("epoll_create1", 0, 0, 0, 0, 0, 0);
}

static void make_pipe(int *rd, int *wr)
{
    u8 b[8];
    CHECK_EQ(sys("pipe2", A_FDS, 0, 0, 0, 0, 0), 0);
    mm_read(P->mm, A_FDS, b, 8);
    *rd = (int)lx_get32(P->abi->big_endian, b);
    *wr = (int)lx_get32(P->abi->big_endian, b + 4);
}

static void write_byte(int fd)
{
    mm_write(P->mm, A_BYTE, "x", 1);
    CHECK_EQ(sys("write", (u64)fd, A_BYTE, 1, 0, 0, 0), 1);
}

static i64 wait0(i64 ep, int maxevents)
{
    return sys("epoll_pwait", (u64)ep, A_OUT, (u64)maxevents, 0, 0, 8);
}

/* {u32 events; u64 data}: 12 bytes packed on x86-64, 16 elsewhere, in the
 * guest's byte order; a second event follows at the arch's stride. */
static void test_layout(const struct km_abi *abi, u32 size)
{
    boot(abi);
    CHECK_EQ(abi->epoll_event_size, size);
    int rd, wr, rd2, wr2;
    make_pipe(&rd, &wr);
    make_pipe(&rd2, &wr2);
    i64 ep = create();
    CHECK(ep >= 3, "%s: epoll_create1 = %lld", abi->name, (long long)ep);
    CHECK_EQ(ctl(ep, 1, rd, EPOLLIN, 0x1122334455667788ull), 0);
    CHECK_EQ(ctl(ep, 1, wr2, EPOLLOUT, 0x0102030405060708ull), 0);
    write_byte(wr);
    u8 fill[64];
    memset(fill, 0xee, sizeof fill);
    mm_write(P->mm, A_OUT, fill, sizeof fill);
    CHECK_EQ(wait0(ep, 4), 2);
    u8 got[64];
    mm_read(P->mm, A_OUT, got, sizeof got);
    bool be = abi->big_endian;
    /* wr2 was ready at ADD, rd only after the write: wr2 comes first */
    CHECK_EQ(lx_get32(be, got), EPOLLOUT); /* WRNORM was not asked for */
    CHECK_EQ(lx_get64(be, got + size - 8), 0x0102030405060708ull);
    CHECK_EQ(lx_get32(be, got + size), EPOLLIN);
    CHECK_EQ(lx_get64(be, got + 2 * size - 8), 0x1122334455667788ull);
    CHECK(got[2 * size] == 0xee, "%s: nothing written past two events", abi->name);
    if (size == 16)
        CHECK(got[4] == 0 && got[7] == 0, "%s: padding at 4..7 written as 0", abi->name);
    fake_shutdown(&K);
}

/* Linux's order: EBADF (epfd, then fd), EPERM (no poll method), EINVAL. */
static void test_ctl_errors(void)
{
    boot(&km_abi_x86_64);
    int rd, wr;
    make_pipe(&rd, &wr);
    i64 ep = create();
    mm_write(P->mm, A_PATH, "/etc/a", 7);
    i64 reg = sys("openat", (u64)(i64)LX_AT_FDCWD, A_PATH, LX_O_RDONLY, 0, 0, 0);
    CHECK(reg >= 3);
    CHECK_EQ(ctl(99, 1, reg, EPOLLIN, 0), -LX_EBADF);
    CHECK_EQ(ctl(ep, 1, 99, EPOLLIN, 0), -LX_EBADF);
    CHECK_EQ(ctl(ep, 1, reg, EPOLLIN, 0), -LX_EPERM);
    CHECK_EQ(ctl(reg, 1, reg, EPOLLIN, 0), -LX_EPERM); /* before epfd == fd */
    CHECK_EQ(ctl(rd, 1, rd, EPOLLIN, 0), -LX_EINVAL);
    CHECK_EQ(ctl(rd, 1, ep, EPOLLIN, 0), -LX_EINVAL); /* epfd not an epoll */
    CHECK_EQ(ctl(ep, 1, rd, EPOLLIN | EPOLLEXCLUSIVE | EPOLLRDNORM, 0), -LX_EINVAL);
    CHECK_EQ(ctl(ep, 1, rd, EPOLLIN | EPOLLEXCLUSIVE | EPOLLET, 0), 0);
    CHECK_EQ(ctl(ep, 3, rd, EPOLLIN, 0), -LX_EINVAL); /* MOD of an exclusive item */
    i64 inner = create();
    CHECK_EQ(ctl(ep, 1, inner, EPOLLIN | EPOLLEXCLUSIVE, 0), -LX_EINVAL);
    /* the event is read before anything else, except for DEL */
    CHECK_EQ(sys("epoll_ctl", 99, 1, (u64)rd, 8, 0, 0), -LX_EFAULT);
    CHECK_EQ(sys("epoll_ctl", (u64)ep, 2, (u64)rd, 8, 0, 0), 0);
    CHECK_EQ(sys("epoll_create1", 1, 0, 0, 0, 0, 0), -LX_EINVAL);
    CHECK_EQ(sys("epoll_create", 0, 0, 0, 0, 0, 0), -LX_EINVAL);
    i64 ce = sys("epoll_create1", 0x80000 /* EPOLL_CLOEXEC */, 0, 0, 0, 0, 0);
    CHECK_EQ(sys("fcntl", (u64)ce, LX_F_GETFD, 0, 0, 0, 0), LX_FD_CLOEXEC);
    CHECK_EQ(sys("epoll_pwait", (u64)ep, A_OUT, 0, 0, 0, 8), -LX_EINVAL);
    CHECK_EQ(sys("epoll_pwait", (u64)ep, ~0ull - 4096, 1, 0, 0, 8), -LX_EFAULT);
    CHECK_EQ(sys("epoll_pwait", (u64)rd, A_OUT, 1, 0, 0, 8), -LX_EINVAL);
    fake_shutdown(&K);
}

/* ep_loop_check: a loop, or a path of more than EP_MAX_NESTS (4) epoll
 * instances counting those above the one added to, is ELOOP. */
static void test_nesting(void)
{
    boot(&km_abi_x86_64);
    i64 e[7];
    for (int i = 0; i < 7; i++)
        e[i] = create();
    for (int i = 1; i < 5; i++)
        CHECK_EQ(ctl(e[i], 1, e[i - 1], EPOLLIN, 0), 0);
    CHECK_EQ(ctl(e[5], 1, e[4], EPOLLIN, 0), -LX_ELOOP);
    CHECK_EQ(ctl(e[0], 1, e[3], EPOLLIN, 0), -LX_ELOOP); /* a loop */
    i64 a = create(), b = create(), c = create();
    CHECK_EQ(ctl(a, 1, b, EPOLLIN, 0), 0);
    CHECK_EQ(ctl(b, 1, c, EPOLLIN, 0), 0);
    CHECK_EQ(ctl(c, 1, e[2], EPOLLIN, 0), -LX_ELOOP); /* 2 below + 2 above */
    CHECK_EQ(ctl(c, 1, e[1], EPOLLIN, 0), 0);
    /* readiness goes up the chain: a pipe in e[0] makes a readable */
    int rd, wr;
    make_pipe(&rd, &wr);
    CHECK_EQ(ctl(e[0], 1, rd, EPOLLIN, 7), 0);
    CHECK_EQ(wait0(a, 1), 0);
    write_byte(wr);
    CHECK_EQ(wait0(a, 1), 1);
    u8 got[12];
    mm_read(P->mm, A_OUT, got, 12);
    CHECK_EQ(lx_get32(false, got), EPOLLIN);
    /* closing an inner instance removes it from the outer ones */
    CHECK_EQ(sys("close", (u64)b, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(sys("close", (u64)c, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(wait0(a, 1), 0);
    fake_shutdown(&K);
}

/* Nothing ready: the task blocks on the poll queue with the deadline; a
 * re-run (a file event that was not for us) keeps the first deadline. */
static void test_block_and_mask(void)
{
    boot(&km_abi_aarch64);
    int rd, wr;
    make_pipe(&rd, &wr);
    i64 ep = create();
    CHECK_EQ(ctl(ep, 1, rd, EPOLLIN, 1), 0);
    u64 t0 = K.now_ns;
    CHECK_EQ(sys("epoll_pwait", (u64)ep, A_OUT, 1, 50, 0, 8), KM_BLOCKED);
    CHECK_EQ(P->state, TASK_BLOCKED);
    CHECK_EQ(P->wait.kind, KM_WAIT_POLL);
    CHECK_EQ(P->wait.deadline_ns, t0 + 50000000);
    km_wake(&K, P, false, 0);
    K.now_ns += 1000;
    CHECK_EQ(km_syscall_resume(&K, P), KM_BLOCKED);
    CHECK_EQ(P->wait.deadline_ns, t0 + 50000000);
    km_wake(&K, P, false, 0);
    struct km_pending_sys ps = P->psys; /* the write stands for another task's */
    write_byte(wr);
    P->psys = ps;
    CHECK_EQ(km_syscall_resume(&K, P), 1);

    /* epoll_pwait's mask: bad size EINVAL; an answer at once puts the old
     * mask back; a wait keeps the new one until the return to user */
    u64 old = P->blocked = LX_SIGBIT(LX_SIGUSR1);
    u8 m[8];
    lx_put64(false, m, LX_SIGBIT(LX_SIGUSR2));
    mm_write(P->mm, A_MASK, m, 8);
    CHECK_EQ(sys("epoll_pwait", (u64)ep, A_OUT, 1, 0, A_MASK, 4), -LX_EINVAL);
    CHECK_EQ(sys("epoll_pwait", (u64)ep, A_OUT, 1, 0, A_MASK, 8), 1);
    CHECK_EQ(P->blocked, old);
    CHECK(!P->restore_sigmask);
    CHECK_EQ(sys("read", (u64)rd, A_BYTE, 1, 0, 0, 0), 1);
    CHECK_EQ(sys("epoll_pwait", (u64)ep, A_OUT, 1, -1, A_MASK, 8), KM_BLOCKED);
    CHECK_EQ(P->blocked, LX_SIGBIT(LX_SIGUSR2));
    CHECK(P->restore_sigmask && P->saved_sigmask == old);
    fake_shutdown(&K);
}

/* An item lives while its file does: a dup keeps it, the last close of
 * the file removes it (no stale item is polled afterwards). */
static void test_item_lifetime(void)
{
    boot(&km_abi_s390x);
    int rd, wr;
    make_pipe(&rd, &wr);
    i64 ep = create();
    CHECK_EQ(ctl(ep, 1, rd, EPOLLIN, 5), 0);
    i64 d = sys("dup", (u64)rd, 0, 0, 0, 0, 0);
    CHECK_EQ(sys("close", (u64)rd, 0, 0, 0, 0, 0), 0);
    write_byte(wr);
    CHECK_EQ(wait0(ep, 1), 1);
    CHECK_EQ(ctl(ep, 2, d, 0, 0), -LX_ENOENT);
    CHECK_EQ(sys("close", (u64)d, 0, 0, 0, 0, 0), 0);
    CHECK_EQ(wait0(ep, 1), 0);
    /* the write end once the reader is gone: EPOLLOUT|EPOLLERR, no EPOLLHUP */
    CHECK_EQ(ctl(ep, 1, wr, EPOLLOUT, 6), 0);
    CHECK_EQ(wait0(ep, 1), 1);
    u8 got[16];
    mm_read(P->mm, A_OUT, got, 16);
    CHECK_EQ(lx_get32(true, got), EPOLLOUT | 0x008u);
    CHECK(!(lx_get32(true, got) & EPOLLHUP));
    fake_shutdown(&K);
}

int main(void)
{
    test_layout(&km_abi_x86_64, 12);
    test_layout(&km_abi_aarch64, 16);
    test_layout(&km_abi_s390x, 16);
    test_ctl_errors();
    test_nesting();
    test_block_and_mask();
    test_item_lifetime();
    return check_report("test_epoll");
}

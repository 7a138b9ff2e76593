/*
 * epoll_pipe_pidfd.c - IDEA: epoll over pipes and pidfds, with the errors
 * of epoll_create1/epoll_ctl/epoll_wait in Linux's order.
 *
 *   epoll_create1(bad flag), epoll_create(0)           -> EINVAL
 *   epoll_ctl: bad epfd / fd -> EBADF, a regular file or /dev/null -> EPERM,
 *     epfd == fd or a non-epoll epfd -> EINVAL, ADD twice -> EEXIST,
 *     MOD/DEL of an unknown fd -> ENOENT, bad event pointer -> EFAULT
 *     (DEL does not read it),
 *     EPOLLEXCLUSIVE with MOD -> EINVAL, an epoll loop -> ELOOP
 *   epoll_wait: maxevents <= 0 -> EINVAL, a kernel-range buffer -> EFAULT,
 *     a bad user buffer -> EFAULT only when an event is there to store
 *   level-triggered: reported while readable; EPOLLET: once per write;
 *   EPOLLONESHOT: once until EPOLL_CTL_MOD; maxevents 1 round-robins
 *   a pipe's write end gets EPOLLERR when the reader goes, the read end
 *     EPOLLHUP when the writer goes; a dup keeps a closed fd's item alive
 *   a pidfd becomes readable (EPOLLIN) when the child exits; epoll_wait
 *     blocks until then; nested epoll reports EPOLLIN
 *   epoll_pwait's mask lets a blocked pending signal in: EINTR, handler
 *     runs, the old mask is back afterwards
 */
#include "common.h"

#include <stdint.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
    (void)sig;
    got_usr1 = 1;
}

static const char *ev_names(uint32_t e)
{
    static char buf[128];
    static const struct {
        uint32_t bit;
        const char *name;
    } names[] = {
        {EPOLLIN, "IN"},         {EPOLLOUT, "OUT"},       {EPOLLERR, "ERR"}, {EPOLLHUP, "HUP"},
        {EPOLLRDNORM, "RDNORM"}, {EPOLLWRNORM, "WRNORM"}, {EPOLLPRI, "PRI"}, {EPOLLRDHUP, "RDHUP"},
    };
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (e & names[i].bit) {
            if (buf[0]) strcat(buf, "|");
            strcat(buf, names[i].name);
            e &= ~names[i].bit;
        }
    if (e) strcat(buf, "|?");
    return buf[0] ? buf : "0";
}

static void show_r(const char *what, int r)
{
    if (r < 0)
        say("%s: -1 %s\n", what, errno_name(errno));
    else
        say("%s: %d\n", what, r);
}

/* epoll_pwait straight to the kernel (no mask): glibc's epoll_wait is
 * declared with access attributes that reject the bad arguments below. */
static int raw_wait(int ep, uintptr_t events, int maxevents, int timeout)
{
    return (int)syscall(SYS_epoll_pwait, ep, events, maxevents, timeout, NULL, 8);
}

static int ctl(int ep, int op, int fd, uint32_t events, uint64_t data)
{
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.u64 = data;
    return epoll_ctl(ep, op, fd, &ev);
}

/* epoll_wait and print the result: count, then each event's flags and tag. */
static void wait_show(const char *what, int ep, int maxevents, int timeout)
{
    struct epoll_event ev[8];
    memset(ev, 0, sizeof ev);
    int r = epoll_wait(ep, ev, maxevents, timeout);
    if (r < 0) {
        say("%s: -1 %s\n", what, errno_name(errno));
        return;
    }
    say("%s: %d", what, r);
    for (int i = 0; i < r; i++)
        say(" [%s tag=%llx]", ev_names(ev[i].events), (unsigned long long)ev[i].data.u64);
    say("\n");
}

static void errors(void)
{
    show_r("epoll_create1(1)", epoll_create1(1));
    show_r("epoll_create(0)", epoll_create(0));
    int ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0) fail("epoll_create1");
    say("epoll_create1(EPOLL_CLOEXEC): FD_CLOEXEC=%d\n", (fcntl(ep, F_GETFD) & FD_CLOEXEC) != 0);
    int p[2];
    if (pipe(p) < 0) fail("pipe");
    int reg = open("/proc/self/exe", O_RDONLY);
    int null = open("/dev/null", O_RDONLY);
    show_r("ctl(bad epfd)", ctl(999, EPOLL_CTL_ADD, p[0], EPOLLIN, 0));
    show_r("ctl(bad fd)", ctl(ep, EPOLL_CTL_ADD, 999, EPOLLIN, 0));
    show_r("ctl(regular file)", ctl(ep, EPOLL_CTL_ADD, reg, EPOLLIN, 0));
    show_r("ctl(/dev/null)", ctl(ep, EPOLL_CTL_ADD, null, EPOLLIN, 0));
    show_r("ctl(fd == epfd)", ctl(ep, EPOLL_CTL_ADD, ep, EPOLLIN, 0));
    show_r("ctl(epfd a pipe)", ctl(p[1], EPOLL_CTL_ADD, p[0], EPOLLIN, 0));
    show_r("ctl(MOD unknown)", ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN, 0));
    show_r("ctl(DEL unknown)", ctl(ep, EPOLL_CTL_DEL, p[0], 0, 0));
    show_r("ctl(ADD)", ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 1));
    show_r("ctl(ADD again)", ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 1));
    show_r("ctl(op 99)", ctl(ep, 99, p[0], EPOLLIN, 1));
    show_r("ctl(ADD, bad event)", epoll_ctl(ep, EPOLL_CTL_ADD, p[1], (struct epoll_event *)8));
    show_r("ctl(DEL, bad event)", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], (struct epoll_event *)8));
    show_r("ctl(ADD after DEL)", ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, 1));
    show_r("ctl(MOD EXCLUSIVE)", ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLEXCLUSIVE, 1));
    show_r("ctl(ADD EXCLUSIVE|ONESHOT)",
           ctl(ep, EPOLL_CTL_ADD, p[1], EPOLLOUT | EPOLLEXCLUSIVE | EPOLLONESHOT, 2));
    show_r("ctl(ADD EXCLUSIVE)", ctl(ep, EPOLL_CTL_ADD, p[1], EPOLLOUT | EPOLLEXCLUSIVE, 2));
    show_r("ctl(MOD of an EXCLUSIVE item)", ctl(ep, EPOLL_CTL_MOD, p[1], EPOLLOUT, 2));

    struct epoll_event ev[2];
    show_r("epoll_wait(maxevents 0)", epoll_wait(ep, ev, 0, 0));
    show_r("epoll_wait(maxevents -1)", raw_wait(ep, (uintptr_t)ev, -1, 0));
    show_r("epoll_wait(a pipe)", epoll_wait(p[0], ev, 1, 0));
    show_r("epoll_wait(bad fd)", epoll_wait(999, ev, 1, 0));
    show_r("epoll_wait(kernel-range buffer)", raw_wait(ep, (uintptr_t)-4096, 1, 0));
    show_r("ctl(DEL write end)", ctl(ep, EPOLL_CTL_DEL, p[1], 0, 0));
    show_r("epoll_wait(bad buffer, nothing ready)", raw_wait(ep, 8, 1, 0));
    if (write(p[1], "x", 1) != 1) fail("write");
    show_r("epoll_wait(bad buffer, one ready)", raw_wait(ep, 8, 1, 0));
    wait_show("epoll_wait after EFAULT", ep, 2, 0);

    int ep2 = epoll_create1(0);
    show_r("ctl(ep2 ADD ep)", ctl(ep2, EPOLL_CTL_ADD, ep, EPOLLIN, 0xe1));
    show_r("ctl(ep ADD ep2): loop", ctl(ep, EPOLL_CTL_ADD, ep2, EPOLLIN, 0xe2));
    wait_show("epoll_wait(ep2) nested", ep2, 2, 0);
    close(ep2);
    close(ep);
    close(p[0]);
    close(p[1]);
    close(reg);
    close(null);
}

static void triggers(void)
{
    int ep = epoll_create1(0);
    int p[2], q[2];
    if (ep < 0 || pipe(p) < 0 || pipe(q) < 0) fail("setup");
    char c;
    const uint64_t tag = 0x1122334455667788ull;
    ctl(ep, EPOLL_CTL_ADD, p[0], EPOLLIN, tag);
    wait_show("LT empty", ep, 8, 0);
    if (write(p[1], "ab", 2) != 2) fail("write");
    wait_show("LT after write", ep, 8, 0);
    wait_show("LT again", ep, 8, 0);
    if (read(p[0], &c, 1) != 1) fail("read");
    wait_show("LT one byte left", ep, 8, 0);
    if (read(p[0], &c, 1) != 1) fail("read");
    wait_show("LT drained", ep, 8, 0);

    ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLET, 0xe7);
    wait_show("ET empty", ep, 8, 0);
    if (write(p[1], "a", 1) != 1) fail("write");
    wait_show("ET after write", ep, 8, 0);
    wait_show("ET again", ep, 8, 0);
    if (write(p[1], "b", 1) != 1) fail("write");
    wait_show("ET after second write", ep, 8, 0);
    ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLET, 0xe8);
    wait_show("ET after MOD, still readable", ep, 8, 0);

    ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLONESHOT, 0x05);
    wait_show("ONESHOT", ep, 8, 0);
    wait_show("ONESHOT again", ep, 8, 0);
    if (write(p[1], "c", 1) != 1) fail("write");
    wait_show("ONESHOT after write", ep, 8, 0);
    ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN | EPOLLONESHOT, 0x06);
    wait_show("ONESHOT rearmed", ep, 8, 0);

    ctl(ep, EPOLL_CTL_MOD, p[0], EPOLLIN, 0xa);
    ctl(ep, EPOLL_CTL_ADD, q[0], EPOLLIN, 0xb);
    if (write(q[1], "d", 1) != 1) fail("write");
    wait_show("maxevents 1 (1)", ep, 1, 0);
    wait_show("maxevents 1 (2)", ep, 1, 0);
    wait_show("maxevents 1 (3)", ep, 1, 0);
    wait_show("maxevents 8", ep, 8, 0);

    ctl(ep, EPOLL_CTL_DEL, p[0], 0, 0);
    ctl(ep, EPOLL_CTL_DEL, q[0], 0, 0);
    ctl(ep, EPOLL_CTL_ADD, p[1], EPOLLOUT, 0xc);
    wait_show("write end", ep, 8, 0);
    close(p[0]);
    wait_show("write end, reader closed", ep, 8, 0);
    ctl(ep, EPOLL_CTL_ADD, q[0], EPOLLIN, 0xd);
    close(q[1]);
    wait_show("read end, writer closed", ep, 8, 0);
    close(p[1]);

    /* a dup keeps the item; the closed fd number no longer names it */
    int r[2];
    if (pipe(r) < 0) fail("pipe");
    ctl(ep, EPOLL_CTL_DEL, q[0], 0, 0);
    ctl(ep, EPOLL_CTL_DEL, p[1], 0, 0);
    ctl(ep, EPOLL_CTL_ADD, r[0], EPOLLIN, 0xf);
    int d = dup(r[0]);
    close(r[0]);
    if (write(r[1], "e", 1) != 1) fail("write");
    wait_show("closed fd, dup alive", ep, 8, 0);
    show_r("ctl(DEL closed fd)", ctl(ep, EPOLL_CTL_DEL, r[0], 0, 0));
    show_r("ctl(DEL the dup)", ctl(ep, EPOLL_CTL_DEL, d, 0, 0));
    close(d);
    wait_show("every fd closed", ep, 8, 0);

    struct timespec ts = {0, 1000000000};
    struct epoll_event ev;
    show_r("epoll_pwait2(nsec 1e9)", epoll_pwait2(ep, &ev, 1, &ts, NULL));
    ts.tv_nsec = 20000000;
    show_r("epoll_pwait2(20 ms, nothing)", epoll_pwait2(ep, &ev, 1, &ts, NULL));
    show_r("epoll_wait(30 ms, nothing)", epoll_wait(ep, &ev, 1, 30));
    close(ep);
    close(q[0]);
    close(r[1]);
}

static void pidfd_and_signals(void)
{
    int go[2];
    if (pipe(go) < 0) fail("pipe");
    pid_t c = fork();
    if (c < 0) fail("fork");
    if (c == 0) {
        char ch;
        close(go[1]);
        (void)read(go[0], &ch, 1);
        _exit(3);
    }
    close(go[0]);
    int pfd = (int)syscall(SYS_pidfd_open, c, 0);
    if (pfd < 0) fail("pidfd_open");
    int ep = epoll_create1(EPOLL_CLOEXEC);
    show_r("ctl(ADD pidfd)", ctl(ep, EPOLL_CTL_ADD, pfd, EPOLLIN, 0x9d));
    wait_show("pidfd, child alive", ep, 8, 0);
    if (write(go[1], "x", 1) != 1) fail("write");
    wait_show("pidfd, blocking until the child exits", ep, 8, -1);
    int st;
    if (waitpid(c, &st, 0) != c) fail("waitpid");
    say("child exit status %d\n", WEXITSTATUS(st));
    wait_show("pidfd, child reaped", ep, 8, 0);
    close(pfd);
    close(go[1]);

    /* SIGUSR1 blocked and pending: epoll_wait ignores it, epoll_pwait
     * with an empty mask is interrupted and the handler runs. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = SA_RESTART;
    sigaction(SIGUSR1, &sa, NULL);
    sigset_t blk, empty, now;
    sigemptyset(&blk);
    sigemptyset(&empty);
    sigaddset(&blk, SIGUSR1);
    sigprocmask(SIG_BLOCK, &blk, NULL);
    kill(getpid(), SIGUSR1);
    struct epoll_event ev;
    show_r("epoll_wait(SIGUSR1 blocked, pending)", epoll_wait(ep, &ev, 1, 10));
    say("handler ran: %d\n", (int)got_usr1);
    show_r("epoll_pwait(empty mask)", epoll_pwait(ep, &ev, 1, -1, &empty));
    say("handler ran: %d\n", (int)got_usr1);
    sigprocmask(SIG_BLOCK, NULL, &now);
    say("SIGUSR1 blocked again: %d\n", sigismember(&now, SIGUSR1));
    close(ep);
}

int main(void)
{
    errors();
    triggers();
    pidfd_and_signals();
    say("done\n");
    return 0;
}

/* The gdb remote stub (gdbstub.h). One connection, all-stop mode: while
 * gdb looks at the guest no task runs; the run loop calls back into the
 * stub (struct runloop_debugger) before each run of a task and at each
 * breakpoint, step and syscall, and the stub serves packets until gdb
 * resumes. Stop replies: T05thread:TID; with swbreak: at a breakpoint,
 * create: for each task a clone made (gdb adds the thread and goes on),
 * syscall_entry:/syscall_return: for `catch syscall` (QCatchSyscalls),
 * T02 after an interrupt (^C), W/X at the end of the run.
 *
 * Threads are every live guest task (of every process: gdb sees one
 * inferior; memory is read in the address space of the Hg thread). */
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "emu/cpu.h"
#include "emu/gdbstub.h"
#include "emu/runloop.h"

#define GDB_PKT     16384 /* PacketSize we announce (hex: bytes) */
#define GDB_MAXBP   64
#define GDB_MAXSYS  64
#define GDB_MAXNEW  64
#define GDB_XML_MAX 16384

struct gdb {
    struct km *k;
    int fd;
    bool noack, detached;
    u64 bp[GDB_MAXBP];
    int nbp;
    struct cpu_debug dbg;
    int g_tid, c_tid; /* Hg / Hc; 0: any */
    int last_tid;     /* the thread of the last stop */
    int step_tid;     /* stepping (vCont;s:TID), 0: none */
    bool step_only;   /* only step_tid may run */
    bool interrupt;   /* ^C seen: stop the next task after one insn */
    bool catch_sys, catch_any;
    u32 catch_nr[GDB_MAXSYS];
    int ncatch;
    int new_tid[GDB_MAXNEW]; /* clones not yet reported (create:) */
    int nnew;
    struct km_sink sink;
    u8 in[GDB_PKT + 64];
    size_t in_len, in_pos;
    char pkt[GDB_PKT + 64];
    char xml[GDB_XML_MAX];
};

static struct gdb the_gdb;

/* --- transport ----------------------------------------------------------- */

static void gdb_lost(struct gdb *g)
{
    if (g->fd >= 0) close(g->fd);
    g->fd = -1;
    g->detached = true;
    fprintf(stderr, "clonemu: gdb: connection closed; the guest runs on\n");
}

/* Next byte from gdb, -1 when the connection is gone. */
static int gdb_getc(struct gdb *g)
{
    if (g->in_pos == g->in_len) {
        if (g->fd < 0) return -1;
        ssize_t n;
        do
            n = recv(g->fd, g->in, sizeof g->in, 0);
        while (n < 0 && errno == EINTR);
        if (n <= 0) {
            gdb_lost(g);
            return -1;
        }
        g->in_len = (size_t)n;
        g->in_pos = 0;
    }
    return g->in[g->in_pos++];
}

static void gdb_write(struct gdb *g, const char *s, size_t n)
{
    while (g->fd >= 0 && n) {
        ssize_t w = send(g->fd, s, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) {
            gdb_lost(g);
            return;
        }
        s += w;
        n -= (size_t)w;
    }
}

static void gdb_put(struct gdb *g, const char *data)
{
    static char frame[2 * GDB_PKT + 64];
    size_t n = 0;
    u8 sum = 0;
    frame[n++] = '$';
    for (const char *p = data; *p && n < sizeof frame - 8; p++) {
        if (*p == '$' || *p == '#' || *p == '}' || *p == '*') {
            frame[n++] = '}';
            sum = (u8)(sum + '}');
            frame[n++] = (char)(*p ^ 0x20);
            sum = (u8)(sum + (*p ^ 0x20));
        } else {
            frame[n++] = *p;
            sum = (u8)(sum + *p);
        }
    }
    n += (size_t)snprintf(frame + n, sizeof frame - n, "#%02x", sum);
    for (int tries = 0; tries < 8 && g->fd >= 0; tries++) {
        gdb_write(g, frame, n);
        if (g->noack) return;
        int c;
        do
            c = gdb_getc(g);
        while (c >= 0 && c != '+' && c != '-');
        if (c != '-') return;
    }
}

/* Read one packet into g->pkt (unescaped, NUL-terminated). false: the
 * connection is gone. A lone ^C outside a packet sets g->interrupt. */
static bool gdb_get(struct gdb *g)
{
    for (;;) {
        int c;
        do {
            c = gdb_getc(g);
            if (c == 3) g->interrupt = true;
        } while (c >= 0 && c != '$');
        if (c < 0) return false;
        size_t n = 0;
        u8 sum = 0;
        while ((c = gdb_getc(g)) >= 0 && c != '#') {
            sum = (u8)(sum + c);
            if (c == '}') {
                c = gdb_getc(g);
                if (c < 0) return false;
                sum = (u8)(sum + c);
                c ^= 0x20;
            }
            if (n < sizeof g->pkt - 1) g->pkt[n++] = (char)c;
        }
        int h = gdb_getc(g), l = gdb_getc(g);
        if (c < 0 || h < 0 || l < 0) return false;
        g->pkt[n] = '\0';
        char cs[3] = {(char)h, (char)l, 0};
        bool ok = strtoul(cs, NULL, 16) == sum;
        if (!g->noack) gdb_write(g, ok ? "+" : "-", 1);
        if (ok || g->noack) return true;
    }
}

/* --- helpers ------------------------------------------------------------- */

static void hex_of(char *out, const u8 *b, size_t n)
{
    static const char hx[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hx[b[i] >> 4];
        out[2 * i + 1] = hx[b[i] & 15];
    }
    out[2 * n] = '\0';
}

static int hexval(int c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Hex digits to bytes; the number of bytes, or -1 on a bad digit. */
static long bytes_of(const char *s, u8 *out, size_t max)
{
    size_t n = 0;
    while (s[0] && s[1] && n < max) {
        int h = hexval(s[0]), l = hexval(s[1]);
        if (h < 0 || l < 0) return -1;
        out[n++] = (u8)(h << 4 | l);
        s += 2;
    }
    return (long)n;
}

/* A live guest task with registers: one of gdb's threads. */
static bool is_thread(const struct gdb *g, const struct task *t)
{
    return t && t != g->k->init && t->cpu && t->mm && t->state != TASK_ZOMBIE &&
           t->state != TASK_DEAD && gdb_regs_supported(t->abi);
}

static struct task *thread_by_tid(struct gdb *g, long tid)
{
    if (tid > 0) {
        struct task *t = km_find_task(g->k, (int)tid);
        return is_thread(g, t) ? t : NULL;
    }
    struct task *t = km_find_task(g->k, g->last_tid);
    if (is_thread(g, t)) return t;
    for (t = g->k->tasks; t; t = t->all_next)
        if (is_thread(g, t)) return t;
    return NULL;
}

/* The thread of a register or memory request (Hg). */
static struct task *g_thread(struct gdb *g)
{
    struct task *t = thread_by_tid(g, g->g_tid);
    return t ? t : thread_by_tid(g, 0);
}

static const char *task_state(const struct task *t)
{
    static const char *const n[] = {"runnable", "blocked", "stopped", "zombie", "dead"};
    return (unsigned)t->state < 5 ? n[t->state] : "?";
}

/* --- packets ------------------------------------------------------------- */

static void reply_regs(struct gdb *g)
{
    struct task *t = g_thread(g);
    if (!t) {
        gdb_put(g, "E01");
        return;
    }
    struct km_regs r;
    runloop_cpu_for(t->abi)->regs_save(t, &r);
    size_t n = 0;
    for (int i = 0; i < gdb_regs_count(t->abi); i++) {
        u8 b[16];
        int sz = gdb_reg_get(t->abi, &r, i, b);
        hex_of(g->pkt + n, b, (size_t)sz);
        n += 2 * (size_t)sz;
    }
    gdb_put(g, g->pkt);
}

static void write_regs(struct gdb *g, const char *hex, int only)
{
    struct task *t = g_thread(g);
    if (!t) {
        gdb_put(g, "E01");
        return;
    }
    const struct cpu_ops *cpu = runloop_cpu_for(t->abi);
    struct km_regs r;
    cpu->regs_save(t, &r);
    for (int i = only < 0 ? 0 : only; i < gdb_regs_count(t->abi); i++) {
        u8 b[16], cur[16];
        int sz = gdb_reg_get(t->abi, &r, i, cur);
        if (bytes_of(hex, b, (size_t)sz) != sz) break;
        gdb_reg_set(t->abi, &r, i, b);
        hex += 2 * sz;
        if (only >= 0) break;
    }
    cpu->regs_load(t, &r);
    gdb_put(g, "OK");
}

static void reply_one_reg(struct gdb *g, const char *arg)
{
    struct task *t = g_thread(g);
    struct km_regs r;
    u8 b[16];
    long i = strtol(arg, NULL, 16);
    if (!t || i >= gdb_regs_count(t->abi)) {
        gdb_put(g, "E01");
        return;
    }
    runloop_cpu_for(t->abi)->regs_save(t, &r);
    int sz = gdb_reg_get(t->abi, &r, (int)i, b);
    hex_of(g->pkt, b, (size_t)sz);
    gdb_put(g, g->pkt);
}

static void mem_read(struct gdb *g, const char *arg)
{
    char *end;
    u64 addr = strtoull(arg, &end, 16);
    u64 len = *end == ',' ? strtoull(end + 1, NULL, 16) : 0;
    struct task *t = g_thread(g);
    static u8 buf[GDB_PKT / 2];
    if (len > sizeof buf) len = sizeof buf;
    /* EFAULT (14) as gdbserver reports it; a partial read gives what is readable */
    size_t got = 0;
    while (t && got < len && mm_read(t->mm, addr + got, buf + got, 1) == 0)
        got++;
    if (!got && len) {
        gdb_put(g, "E14");
        return;
    }
    hex_of(g->pkt, buf, got);
    gdb_put(g, g->pkt);
}

static void mem_write(struct gdb *g, const char *arg)
{
    char *end;
    u64 addr = strtoull(arg, &end, 16);
    u64 len = *end == ',' ? strtoull(end + 1, &end, 16) : 0;
    struct task *t = g_thread(g);
    static u8 buf[GDB_PKT / 2];
    if (*end != ':' || len > sizeof buf || !t || bytes_of(end + 1, buf, (size_t)len) != (long)len) {
        gdb_put(g, "E01");
        return;
    }
    gdb_put(g, mm_write(t->mm, addr, buf, (size_t)len) < 0 ? "E14" : "OK");
}

static void breakpoint(struct gdb *g, const char *arg, bool insert)
{
    if ((arg[0] != '0' && arg[0] != '1') || arg[1] != ',') { /* sw and hw alike */
        gdb_put(g, "");
        return;
    }
    u64 addr = strtoull(arg + 2, NULL, 16);
    int i = 0;
    while (i < g->nbp && g->bp[i] != addr)
        i++;
    if (insert && i == g->nbp) {
        if (g->nbp == GDB_MAXBP) {
            gdb_put(g, "E28"); /* ENOSPC */
            return;
        }
        g->bp[g->nbp++] = addr;
    } else if (!insert && i < g->nbp) {
        g->bp[i] = g->bp[--g->nbp];
    }
    gdb_put(g, "OK");
}

static void thread_list(struct gdb *g)
{
    size_t n = 0;
    g->pkt[n++] = 'm';
    for (struct task *t = g->k->tasks; t && n < sizeof g->pkt - 32; t = t->all_next)
        if (is_thread(g, t))
            n += (size_t)snprintf(g->pkt + n, 32, "%s%x", n > 1 ? "," : "", t->tid);
    g->pkt[n] = '\0';
    gdb_put(g, n > 1 ? g->pkt : "l");
}

static void thread_extra(struct gdb *g, const char *arg)
{
    struct task *t = thread_by_tid(g, strtol(arg, NULL, 16));
    char text[128];
    if (!t) {
        gdb_put(g, "E01");
        return;
    }
    snprintf(text, sizeof text, "%s %d of process %d, %s", t == t->tg->leader ? "main" : "task",
             t->tid, t->tg->tgid, task_state(t));
    hex_of(g->pkt, (const u8 *)text, strlen(text));
    gdb_put(g, g->pkt);
}

static void catch_syscalls(struct gdb *g, const char *arg)
{
    g->catch_sys = arg[0] == '1';
    g->catch_any = g->catch_sys && arg[1] != ';';
    g->ncatch = 0;
    for (const char *p = strchr(arg, ';'); p && g->ncatch < GDB_MAXSYS; p = strchr(p + 1, ';'))
        g->catch_nr[g->ncatch++] = (u32)strtoul(p + 1, NULL, 16);
    gdb_put(g, "OK");
}

static void xfer_features(struct gdb *g, const char *arg)
{
    /* target.xml:OFFSET,LENGTH */
    const char *p = strchr(arg, ':');
    struct task *t = thread_by_tid(g, 0);
    size_t len = t ? gdb_target_xml(t->abi, g->xml, sizeof g->xml) : 0;
    if (strncmp(arg, "target.xml:", 11) != 0 || !p || !len) {
        gdb_put(g, "E00");
        return;
    }
    char *end;
    size_t off = strtoul(p + 1, &end, 16);
    size_t want = *end == ',' ? strtoul(end + 1, NULL, 16) : 0;
    if (off >= len) {
        gdb_put(g, "l");
        return;
    }
    size_t n = len - off < want ? len - off : want;
    if (n > GDB_PKT - 8) n = GDB_PKT - 8;
    g->pkt[0] = off + n < len ? 'm' : 'l';
    memcpy(g->pkt + 1, g->xml + off, n);
    g->pkt[n + 1] = '\0';
    gdb_put(g, g->pkt);
}

/* vCont;ACTION[:TID]... / c / s: set the resume state. true: resumed. */
static bool resume(struct gdb *g, const char *pkt)
{
    g->step_tid = 0;
    g->step_only = false;
    bool others = false;
    if (!strncmp(pkt, "vCont;", 6)) {
        for (const char *p = pkt + 5; p && *p == ';'; p = strchr(p + 1, ';')) {
            char act = p[1];
            const char *colon = strchr(p + 1, ':'), *next = strchr(p + 1, ';');
            bool has_tid = colon && (!next || colon < next);
            long tid = has_tid ? strtol(colon + 1, NULL, 16) : -1;
            if ((act == 's' || act == 'S') && !g->step_tid) {
                struct task *t = thread_by_tid(g, tid > 0 ? tid : g->last_tid);
                g->step_tid = t ? t->tid : 0;
            } else if (act == 'c' || act == 'C') {
                others = true;
            }
        }
    } else if (pkt[0] == 's' || pkt[0] == 'S') {
        struct task *t = thread_by_tid(g, g->c_tid > 0 ? g->c_tid : g->last_tid);
        g->step_tid = t ? t->tid : 0;
    } else {
        others = true;
    }
    g->step_only = g->step_tid && !others;
    return true;
}

static void stop_reply(struct gdb *g, const char *reason, struct task *t)
{
    char buf[96];
    g->last_tid = t->tid;
    g->g_tid = g->c_tid = 0;
    snprintf(buf, sizeof buf, "T%sthread:%x;", reason, t->tid);
    gdb_put(g, buf);
}

/* Serve packets until gdb resumes the guest (or is gone). */
static void serve(struct gdb *g)
{
    while (!g->detached && gdb_get(g)) {
        char *p = g->pkt;
        if (p[0] == 'q' || p[0] == 'Q' || p[0] == 'v') {
            if (!strncmp(p, "qSupported", 10)) {
                snprintf(p, 200,
                         "PacketSize=%x;qXfer:features:read+;swbreak+;QCatchSyscalls+;"
                         "QStartNoAckMode+;QThreadEvents+",
                         GDB_PKT);
                gdb_put(g, p);
            } else if (!strcmp(p, "QStartNoAckMode")) {
                gdb_put(g, "OK");
                g->noack = true;
            } else if (!strncmp(p, "qXfer:features:read:", 20)) {
                xfer_features(g, p + 20);
            } else if (!strcmp(p, "qfThreadInfo")) {
                thread_list(g);
            } else if (!strcmp(p, "qsThreadInfo")) {
                gdb_put(g, "l");
            } else if (!strcmp(p, "qC")) {
                struct task *t = thread_by_tid(g, 0);
                snprintf(p, 32, "QC%x", t ? t->tid : 0);
                gdb_put(g, p);
            } else if (!strncmp(p, "qThreadExtraInfo,", 17)) {
                thread_extra(g, p + 17);
            } else if (!strcmp(p, "qAttached")) {
                gdb_put(g, "1"); /* quitting gdb detaches: the guest runs to its end */
            } else if (!strncmp(p, "qSymbol", 7) || !strncmp(p, "QThreadEvents", 13)) {
                gdb_put(g, "OK");
            } else if (!strncmp(p, "QCatchSyscalls:", 15)) {
                catch_syscalls(g, p + 15);
            } else if (!strcmp(p, "vCont?")) {
                gdb_put(g, "vCont;c;C;s;S");
            } else if (!strncmp(p, "vCont;", 6)) {
                if (resume(g, p)) return;
            } else if (!strncmp(p, "vKill", 5)) {
                gdb_put(g, "OK");
                fprintf(stderr, "clonemu: gdb: killed\n");
                exit(128 + 9);
            } else {
                gdb_put(g, "");
            }
            continue;
        }
        switch (p[0]) {
        case '?': {
            struct task *t = thread_by_tid(g, 0);
            if (t)
                stop_reply(g, "05", t);
            else
                gdb_put(g, "W00");
            break;
        }
        case 'g': reply_regs(g); break;
        case 'G': write_regs(g, p + 1, -1); break;
        case 'p': reply_one_reg(g, p + 1); break;
        case 'P': {
            char *eq = strchr(p, '=');
            if (eq)
                write_regs(g, eq + 1, (int)strtol(p + 1, NULL, 16));
            else
                gdb_put(g, "E01");
            break;
        }
        case 'm': mem_read(g, p + 1); break;
        case 'M': mem_write(g, p + 1); break;
        case 'Z': breakpoint(g, p + 1, true); break;
        case 'z': breakpoint(g, p + 1, false); break;
        case 'H': {
            long tid = strtol(p + 2, NULL, 16);
            if (tid > 0 && !thread_by_tid(g, tid)) {
                gdb_put(g, "E01");
                break;
            }
            if (p[1] == 'g') g->g_tid = tid > 0 ? (int)tid : 0;
            if (p[1] == 'c') g->c_tid = tid > 0 ? (int)tid : 0;
            gdb_put(g, "OK");
            break;
        }
        case 'T': gdb_put(g, thread_by_tid(g, strtol(p + 1, NULL, 16)) ? "OK" : "E01"); break;
        case 'c':
        case 'C':
        case 's':
        case 'S':
            if (resume(g, p)) return;
            break;
        case 'D':
            gdb_put(g, "OK");
            fprintf(stderr, "clonemu: gdb: detached; the guest runs on\n");
            g->detached = true;
            if (g->fd >= 0) close(g->fd);
            g->fd = -1;
            return;
        case 'k': fprintf(stderr, "clonemu: gdb: killed\n"); exit(128 + 9);
        default: gdb_put(g, ""); break;
        }
    }
}

/* --- run loop callbacks -------------------------------------------------- */

static const struct cpu_debug *dbg_prepare(void *ctx, struct task *t)
{
    struct gdb *g = ctx;
    if (g->detached) return NULL;
    struct pollfd pfd = {.fd = g->fd, .events = POLLIN};
    if (!g->interrupt && poll(&pfd, 1, 0) > 0) {
        int c = gdb_getc(g); /* only ^C is expected while the guest runs */
        if (c == 3) g->interrupt = true;
        if (g->detached) return NULL;
    }
    g->dbg.bp = g->bp;
    g->dbg.nbp = g->nbp;
    g->dbg.step = g->interrupt || t->tid == g->step_tid;
    return &g->dbg;
}

static bool catching(const struct gdb *g, u32 nr)
{
    if (!g->catch_sys) return false;
    if (g->catch_any) return true;
    for (int i = 0; i < g->ncatch; i++)
        if (g->catch_nr[i] == nr) return true;
    return false;
}

static bool dbg_stop(void *ctx, struct task *t, enum runloop_dbg_why why, u32 nr)
{
    struct gdb *g = ctx;
    char reason[64];
    if (g->detached) return false;
    bool stopped = false;
    if (why == RL_DBG_TRAP) {
        bool stepped = t->tid == g->step_tid;
        stop_reply(g, g->interrupt ? "02" : stepped ? "05" : "05swbreak:;", t);
        g->interrupt = false;
        g->step_tid = 0;
        serve(g);
        return true;
    }
    if (why == RL_DBG_SYSCALL_ENTRY || why == RL_DBG_SYSCALL_RETURN) {
        if (catching(g, nr)) {
            snprintf(reason, sizeof reason, "05syscall_%s:%x;",
                     why == RL_DBG_SYSCALL_ENTRY ? "entry" : "return", nr);
            stop_reply(g, reason, t);
            serve(g);
            stopped = true;
        }
    }
    if (why != RL_DBG_SYSCALL_RETURN) return stopped;
    if (!g->detached && t->tid == g->step_tid) { /* a step over a syscall ends after it */
        g->step_tid = 0;
        stop_reply(g, "05", t);
        serve(g);
        stopped = true;
    }
    while (!g->detached && g->nnew > 0 && !g->step_tid) {
        struct task *c = thread_by_tid(g, g->new_tid[0]);
        memmove(g->new_tid, g->new_tid + 1, (size_t)--g->nnew * sizeof g->new_tid[0]);
        if (!c) continue;
        stop_reply(g, "05create:;", c);
        serve(g);
        stopped = true;
    }
    return stopped;
}

static bool dbg_may_run(void *ctx, struct task *t)
{
    struct gdb *g = ctx;
    if (g->detached || !g->step_only) return true;
    struct task *s = km_find_task(g->k, g->step_tid);
    if (!s || !km_task_can_run(g->k, s)) return true; /* the stepped task waits: all run */
    return s == t;
}

static void dbg_end(void *ctx, int status)
{
    struct gdb *g = ctx;
    char buf[16];
    if (g->detached) return;
    if (status > 128 && status < 128 + 65)
        snprintf(buf, sizeof buf, "X%02x", status - 128);
    else
        snprintf(buf, sizeof buf, "W%02x", status & 0xff);
    gdb_put(g, buf);
    /* Let gdb read it and hang up (bounded: gdb may also stay). */
    struct pollfd pfd = {.fd = g->fd, .events = POLLIN};
    while (g->fd >= 0 && poll(&pfd, 1, 2000) > 0 && gdb_getc(g) >= 0) {
    }
    if (g->fd >= 0) close(g->fd);
    g->fd = -1;
}

static void dbg_event(void *ctx, const struct km_event *e)
{
    struct gdb *g = ctx;
    if (strcmp(e->kind, "clone") != 0 || g->nnew == GDB_MAXNEW) return;
    const struct km_field *f = km_ev_field(e, "child");
    if (f) g->new_tid[g->nnew++] = (int)f->i;
}

static const struct runloop_debugger gdb_debugger = {
    .ctx = &the_gdb,
    .prepare = dbg_prepare,
    .stop = dbg_stop,
    .may_run = dbg_may_run,
    .end = dbg_end,
};

int gdbstub_start(struct km *k, int port)
{
    struct gdb *g = &the_gdb;
    memset(g, 0, sizeof *g);
    g->k = k;
    g->fd = -1;
    struct task *first = NULL;
    for (struct task *t = k->tasks; t && !first; t = t->all_next)
        if (t != k->init && t->cpu) first = t;
    if (!first || !gdb_regs_supported(first->abi) || !runloop_cpu_for(first->abi)->set_debug) {
        fprintf(stderr, "clonemu: --gdb: no gdb support for %s guests\n",
                first ? first->abi->name : "these");
        return -1;
    }
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((u16)port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* 127.0.0.1 only */
    socklen_t alen = sizeof a;
    if (ls < 0 || setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 1) < 0 ||
        getsockname(ls, (struct sockaddr *)&a, &alen) < 0) {
        fprintf(stderr, "clonemu: --gdb: 127.0.0.1:%d: %s\n", port, strerror(errno));
        if (ls >= 0) close(ls);
        return -1;
    }
    fprintf(stderr, "clonemu: gdb: waiting for a connection on 127.0.0.1:%d\n", ntohs(a.sin_port));
    do
        g->fd = accept(ls, NULL, NULL);
    while (g->fd < 0 && errno == EINTR);
    close(ls);
    if (g->fd < 0) {
        fprintf(stderr, "clonemu: --gdb: accept: %s\n", strerror(errno));
        return -1;
    }
    setsockopt(g->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    g->last_tid = first->tid;
    g->sink.emit = dbg_event;
    g->sink.ctx = g;
    km_ev_add_sink(k, &g->sink);
    runloop_set_debugger(&gdb_debugger);
    serve(g);
    return 0;
}

/* Unit test of the file layer (files.c, fs.c, pipe.c, sys_file.c): fd
 * tables, descriptions, paths under the root, pipes, poll, getdents64,
 * pidfds. It drives the handlers of km_sys_file directly with a hand-made
 * struct km and struct task, the in-memory fake hostfs of
 * support/fake_fs.c and a real mm. The few km.c services the file layer
 * calls are weak stubs here, so the test links with or without the rest of
 * the model (a real km.c wins). */
#include "kernel-model/files.h"
#include "kernel-model/internal.h"
#include "kernel-model/sys.h"
#include "tests/unit/support/fake_fs.h"
#include "tests/unit/support/check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- weak stubs of km.c services ------------------------------------- */

static int stub_wakes, stub_last_sig;
static struct task *stub_tasks[4];

__attribute__((weak)) int km_new_res_id(struct km *k)
{
    return ++k->next_res_id;
}
__attribute__((weak)) struct task *task_get(struct task *t)
{
    t->refs++;
    return t;
}
__attribute__((weak)) void task_put(struct km *k, struct task *t)
{
    (void)k;
    t->refs--;
}
__attribute__((weak)) i64 km_block(struct km *k, struct task *t, enum km_wait_kind kind, u64 key,
                                   u64 deadline_ns, i64 timeout_result)
{
    (void)k;
    t->state = TASK_BLOCKED;
    t->wait = (struct km_wait){
        .kind = kind, .key = key, .deadline_ns = deadline_ns, .timeout_result = timeout_result};
    return KM_BLOCKED;
}
__attribute__((weak)) int km_wake_all(struct km *k, enum km_wait_kind kind, u64 key)
{
    (void)k;
    (void)kind;
    (void)key;
    stub_wakes++;
    return 0;
}
__attribute__((weak)) void km_send_signal(struct km *k, struct task *sender, struct task *target,
                                          int sig, bool group, int si_code)
{
    (void)k, (void)sender, (void)target, (void)group, (void)si_code;
    stub_last_sig = sig;
}
__attribute__((weak)) struct task *km_find_task(struct km *k, int tid)
{
    (void)k;
    for (int i = 0; i < 4; i++)
        if (stub_tasks[i] && stub_tasks[i]->tid == tid) return stub_tasks[i];
    return NULL;
}

static const struct km_host tf_host = {.fs = &fake_hostfs};

/* --- the hand-made model ---------------------------------------------- */

#define MEM    0x10000ULL
#define P(off) (MEM + (u64)(off)) /* guest scratch addresses */
static struct km K;
static struct tgroup TG, TG2;
static struct task T, T2;

static void setup(void)
{
    fake_fs_reset();
    fake_fs_add("/r", true, NULL, 0755);
    fake_fs_add("/r/etc", true, NULL, 0755);
    fake_fs_add("/r/etc/hello", false, "hello world\n", 0644);
    fake_fs_add("/r/etc/passwd", false, "root:x:0:0\n", 0644);
    fake_fs_add("/r/tmp", true, NULL, 0755);

    memset(&K, 0, sizeof(K));
    K.opt.root = "/r";
    K.host = &tf_host;
    K.now_ns = 1000;
    TG = (struct tgroup){.tgid = 100, .rlim_nofile = 64, .leader = &T};
    TG2 = (struct tgroup){.tgid = 200, .rlim_nofile = 64, .leader = &T2};
    T = (struct task){.tid = 100, .refs = 1, .tg = &TG, .abi = &km_abi_x86_64};
    T2 = (struct task){.tid = 200, .refs = 1, .tg = &TG2, .abi = &km_abi_x86_64};
    T.mm = mm_new(NULL, NULL, false, km_abi_x86_64.task_size, km_abi_x86_64.mmap_base);
    if (mm_map_anon(T.mm, MEM, 0x100000, LX_PROT_READ | LX_PROT_WRITE,
                    LX_MAP_PRIVATE | LX_MAP_ANONYMOUS | LX_MAP_FIXED, "data") != (i64)MEM)
        abort();
    T2.mm = mm_get(T.mm);
    T.files = files_new_stdio(&K);
    T.fs = fs_new(&K);
    stub_tasks[0] = &T;
    stub_tasks[1] = &T2;
    km_task_link(&K, &T); /* for a real km_find_task / km_wake_all */
    km_task_link(&K, &T2);
}

static void teardown(void)
{
    files_put(&K, T.files);
    fs_put(&K, T.fs);
    if (T2.files) files_put(&K, T2.files);
    if (T2.fs) fs_put(&K, T2.fs);
    T2.files = NULL;
    T2.fs = NULL;
    mm_put(T2.mm);
    mm_put(T.mm);
    km_sched_free(&K); /* the model's indexes over the hand-made tasks */
    free(K.pid_hash);
    K.pid_hash = NULL;
}

/* Call a handler through the km_sys_file table (unnamed args are 0). */
static i64 sysv(struct task *t, enum lx_sysno n, const u64 a[6])
{
    for (const struct km_sys_entry *e = km_sys_file; e->sysno != LX_SYS_NONE; e++)
        if (e->sysno == n) return e->fn(&K, t, a);
    printf("no handler for %s\n", lx_sysno_name(n));
    abort();
}
#define SYS(n, ...)      sysv(&T, LX_SYS_##n, (const u64[6]){__VA_ARGS__})
#define SYS_T(t, n, ...) sysv(t, LX_SYS_##n, (const u64[6]){__VA_ARGS__})

static u64 str(u64 addr, const char *s)
{
    mm_write(T.mm, addr, s, strlen(s) + 1);
    return addr;
}
static bool mem_is(u64 addr, const char *s, size_t n)
{
    char buf[256];
    return mm_read(T.mm, addr, buf, n) == 0 && memcmp(buf, s, n) == 0;
}
static u32 get32(u64 addr)
{
    u32 v = 0;
    mm_read_u32(T.mm, addr, &v);
    return v;
}

/* --- tests ------------------------------------------------------------- */

static void test_paths(void)
{
    char out[64];
    setup();
    /* the walk (fs_walk): a missing directory on the way is ENOENT, as in
     * Linux (".." is taken in the directory reached, not lexically) */
    CHECK_EQ(fs_guest_path(&K, &T, LX_AT_FDCWD, "/a/./b/../c", out, sizeof(out)), -LX_ENOENT);
    CHECK_EQ(fs_guest_path(&K, &T, LX_AT_FDCWD, "/etc/./../etc/hello", out, sizeof(out)), 0);
    CHECK(strcmp(out, "/etc/hello") == 0);
    CHECK_EQ(fs_guest_path(&K, &T, LX_AT_FDCWD, "/etc/hello/", out, sizeof(out)), -LX_ENOTDIR);
    CHECK_EQ(fs_guest_path(&K, &T, LX_AT_FDCWD, "/etc/hello/x", out, sizeof(out)), -LX_ENOTDIR);
    CHECK_EQ(fs_guest_path(&K, &T, LX_AT_FDCWD, "/etc/new", out, sizeof(out)), 0); /* to create */
    CHECK(strcmp(out, "/etc/new") == 0);
    CHECK_EQ(fs_guest_path(&K, &T, LX_AT_FDCWD, "../../tmp//", out, sizeof(out)), 0);
    CHECK(strcmp(out, "/tmp") == 0);
    CHECK_EQ(fs_guest_path(&K, &T, LX_AT_FDCWD, "..", out, sizeof(out)), 0);
    CHECK(strcmp(out, "/") == 0);
    CHECK_EQ(fs_guest_path(&K, &T, LX_AT_FDCWD, "", out, sizeof(out)), -LX_ENOENT);
    CHECK_EQ(fs_host_path(&K, &T, LX_AT_FDCWD, "/etc/../etc/hello", out, sizeof(out)), 0);
    CHECK(strcmp(out, "/r/etc/hello") == 0);
    CHECK_EQ(fs_host_path(&K, &T, LX_AT_FDCWD, "/", out, sizeof(out)), 0);
    CHECK(strcmp(out, "/r") == 0);
    K.opt.root = "";
    CHECK_EQ(fs_host_path(&K, &T, LX_AT_FDCWD, "etc", out, sizeof(out)), 0);
    CHECK(strcmp(out, "/etc") == 0);
    K.opt.root = NULL;
    CHECK_EQ(fs_host_path(&K, &T, LX_AT_FDCWD, "/", out, sizeof(out)), 0);
    CHECK(strcmp(out, "/") == 0);
    K.opt.root = "/r/";
    CHECK_EQ(fs_host_path(&K, &T, LX_AT_FDCWD, "/tmp", out, sizeof(out)), 0);
    CHECK(strcmp(out, "/r/tmp") == 0);
    CHECK_EQ(fs_host_path(&K, &T, LX_AT_FDCWD, "/tmp/a_long_name", out, 10), -LX_ENAMETOOLONG);
    CHECK_EQ(fs_host_path(&K, &T, 42, "rel", out, sizeof(out)), -LX_EBADF);
    CHECK_EQ(fs_host_path(&K, &T, 1, "rel", out, sizeof(out)), -LX_ENOTDIR);
    CHECK_EQ(fs_host_path(&K, &T, 1, "/etc/hello", out, sizeof(out)), 0); /* dirfd ignored */
    teardown();
}

static void test_open_read(void)
{
    setup();
    i64 d = SYS(openat, (u64)LX_AT_FDCWD, str(P(0), "/etc"), LX_O_RDONLY | LX_O_DIRECTORY);
    CHECK_EQ(d, 3);
    CHECK(strcmp(fake_fs_last_path, "/r/etc") == 0);
    i64 fd = SYS(openat, (u64)d, str(P(0), "hello"), LX_O_RDONLY);
    CHECK_EQ(fd, 4);
    CHECK_EQ(SYS(read, (u64)fd, P(0x100), 5), 5);
    CHECK(mem_is(P(0x100), "hello", 5));
    CHECK_EQ(SYS(openat, (u64)fd, str(P(0), "x"), LX_O_RDONLY), -LX_ENOTDIR);
    CHECK_EQ(SYS(openat, 77, str(P(0), "x"), LX_O_RDONLY), -LX_EBADF);
    CHECK_EQ(SYS(open, str(P(0), "/nope"), LX_O_RDONLY, 0), -LX_ENOENT);
    CHECK_EQ(SYS(read, (u64)d, P(0x100), 5), -LX_EISDIR);
    CHECK_EQ(SYS(write, (u64)fd, P(0x100), 5), -LX_EBADF); /* O_RDONLY */
    CHECK_EQ(SYS(pread64, (u64)fd, P(0x100), 5, 6), 5);
    CHECK(mem_is(P(0x100), "world", 5));
    CHECK_EQ(SYS(lseek, (u64)fd, 0, LX_SEEK_CUR), 5); /* pread did not move it */
    /* fstat: x86-64 struct stat, st_mode at 24, st_size at 48 */
    CHECK_EQ(SYS(fstat, (u64)fd, P(0x200)), 0);
    CHECK_EQ(get32(P(0x200 + 24)), LX_S_IFREG | 0644);
    CHECK_EQ(get32(P(0x200 + 48)), 12);
    CHECK_EQ(SYS(newfstatat, (u64)fd, str(P(0), ""), P(0x200), LX_AT_EMPTY_PATH), 0);
    CHECK_EQ(get32(P(0x200 + 48)), 12);
    CHECK_EQ(SYS(newfstatat, (u64)fd, str(P(0), ""), P(0x200), 0), -LX_ENOENT);
    CHECK_EQ(SYS(stat, str(P(0), "/etc/passwd"), P(0x200)), 0);
    CHECK_EQ(get32(P(0x200 + 48)), 11);
    CHECK_EQ(SYS(statx, (u64)LX_AT_FDCWD, str(P(0), "/etc/hello"), 0, 0x7ff, P(0x300)), 0);
    CHECK_EQ(get32(P(0x300 + 40)), 12);
    CHECK_EQ(get32(P(0x300 + 28)) & 0xffff, LX_S_IFREG | 0644);
    /* create with umask, O_APPEND writes, writev */
    i64 w = SYS(open, str(P(0), "/tmp/new"), LX_O_WRONLY | LX_O_CREAT | LX_O_APPEND, 0666);
    CHECK_EQ(w, 5);
    CHECK_EQ(fake_fs_nodes[fake_fs_find("/r/tmp/new")].mode, 0644);
    mm_write(T.mm, P(0x400), "abcdef", 6);
    u8 iov[32];
    lx_put64(false, iov, P(0x400));
    lx_put64(false, iov + 8, 3);
    lx_put64(false, iov + 16, P(0x403));
    lx_put64(false, iov + 24, 3);
    mm_write(T.mm, P(0x500), iov, 32);
    CHECK_EQ(SYS(writev, (u64)w, P(0x500), 2), 6);
    CHECK_EQ(SYS(lseek, (u64)w, 0, LX_SEEK_SET), 0);
    CHECK_EQ(SYS(write, (u64)w, P(0x400), 2), 2); /* O_APPEND: at the end */
    CHECK_EQ(fake_fs_nodes[fake_fs_find("/r/tmp/new")].size, 8);
    CHECK_EQ(SYS(fcntl, (u64)w, LX_F_GETFL, 0), LX_O_WRONLY | LX_O_APPEND);
    CHECK_EQ(SYS(ftruncate, (u64)w, 1), 0);
    CHECK_EQ(fake_fs_nodes[fake_fs_find("/r/tmp/new")].size, 1);
    /* ioctl */
    CHECK_EQ(SYS(ioctl, 0, 0x5401, P(0x600)), 0);
    CHECK_EQ(get32(P(0x600)), FAKE_FS_IFLAG);
    CHECK_EQ(SYS(ioctl, (u64)fd, 0x5401, P(0x600)), -LX_ENOTTY);
    CHECK_EQ(SYS(ioctl, 1, 0x5413, P(0x600)), -LX_ENOTTY);
    CHECK_EQ(SYS(close, (u64)fd), 0);
    CHECK_EQ(SYS(close, (u64)fd), -LX_EBADF);
    CHECK_EQ(SYS(access, str(P(0), "/etc/hello"), 4), 0);
    CHECK_EQ(SYS(faccessat, (u64)d, str(P(0), "nope"), 0), -LX_ENOENT);
    teardown();
}

static void test_dup_cloexec(void)
{
    setup();
    i64 fd = SYS(open, str(P(0), "/etc/hello"), LX_O_RDONLY, 0);
    CHECK_EQ(fd, 3);
    CHECK_EQ(SYS(dup3, (u64)fd, 10, LX_O_CLOEXEC), 10);
    CHECK_EQ(SYS(fcntl, 10, LX_F_GETFD, 0), LX_FD_CLOEXEC);
    CHECK_EQ(SYS(dup2, (u64)fd, 11), 11);
    CHECK_EQ(SYS(fcntl, 11, LX_F_GETFD, 0), 0);
    CHECK_EQ(SYS(dup2, (u64)fd, (u64)fd), fd);
    CHECK_EQ(SYS(dup3, (u64)fd, (u64)fd, 0), -LX_EINVAL);
    CHECK_EQ(SYS(dup3, (u64)fd, 12, LX_O_APPEND), -LX_EINVAL);
    CHECK_EQ(SYS(dup2, 40, 12), -LX_EBADF);
    CHECK_EQ(SYS(fcntl, (u64)fd, LX_F_DUPFD_CLOEXEC, 20), 20);
    CHECK_EQ(SYS(fcntl, (u64)fd, LX_F_DUPFD, 4), 4);
    CHECK_EQ(SYS(dup, (u64)fd), 5);
    CHECK_EQ(SYS(fcntl, 11, LX_F_SETFD, LX_FD_CLOEXEC), 0);
    CHECK_EQ(SYS(fcntl, 11, LX_F_SETFD, 0), 0);
    /* the offset is shared by every dup */
    CHECK_EQ(SYS(read, 10, P(0x100), 6), 6);
    CHECK_EQ(SYS(read, 11, P(0x100), 5), 5);
    CHECK(mem_is(P(0x100), "world", 5));
    /* dup2 onto an open fd closes it first */
    i64 p = SYS(open, str(P(0), "/etc/passwd"), LX_O_RDONLY, 0);
    CHECK_EQ(p, 6);
    CHECK_EQ(SYS(dup2, 6, 11), 11);
    CHECK_EQ(SYS(lseek, 11, 0, LX_SEEK_CUR), 0);
    files_close_on_exec(&K, T.files);
    CHECK(files_lookup(&T, 10) == NULL);
    CHECK(files_lookup(&T, 20) == NULL);
    CHECK(files_lookup(&T, 11) != NULL);
    CHECK(files_lookup(&T, 3) != NULL);
    teardown();
}

static void test_files_dup_shares_offset(void)
{
    setup();
    i64 fd = SYS(open, str(P(0), "/etc/hello"), LX_O_RDONLY, 0);
    CHECK_EQ(SYS(read, (u64)fd, P(0x100), 6), 6);
    T2.files = files_dup(&K, T.files);
    CHECK(files_id(T2.files) != files_id(T.files));
    CHECK(files_lookup(&T2, (int)fd) == files_lookup(&T, (int)fd));
    CHECK_EQ(SYS_T(&T2, read, (u64)fd, P(0x100), 5), 5);
    CHECK(mem_is(P(0x100), "world", 5));
    CHECK_EQ(SYS(lseek, (u64)fd, 0, LX_SEEK_CUR), 11);
    CHECK_EQ(SYS_T(&T2, close, (u64)fd), 0); /* the copy's close leaves ours open */
    CHECK_EQ(SYS(read, (u64)fd, P(0x100), 5), 1);
    CHECK_EQ(SYS_T(&T2, dup, 1), 3);
    CHECK(files_lookup(&T, 4) == NULL);
    /* CLONE_FILES: the same table */
    struct files *shared = files_get(T.files);
    CHECK(shared == T.files);
    files_put(&K, shared);
    teardown();
}

static void test_emfile(void)
{
    setup();
    TG.rlim_nofile = 8;
    for (int i = 3; i < 8; i++)
        CHECK_EQ(SYS(open, str(P(0), "/etc/hello"), LX_O_RDONLY, 0), i);
    CHECK_EQ(SYS(open, str(P(0), "/etc/hello"), LX_O_RDONLY, 0), -LX_EMFILE);
    CHECK_EQ(SYS(dup, 0), -LX_EMFILE);
    CHECK_EQ(SYS(pipe, P(0x100)), -LX_EMFILE);
    CHECK_EQ(SYS(dup2, 0, 8), -LX_EBADF);
    CHECK_EQ(SYS(fcntl, 0, LX_F_DUPFD, 8), -LX_EINVAL);
    CHECK_EQ(SYS(close, 7), 0);
    CHECK_EQ(SYS(dup, 0), 7);
    int open_handles = 0;
    for (int i = 0; i < FAKE_FS_HANDLES; i++)
        open_handles += fake_fs_handles[i].used;
    CHECK_EQ(open_handles, 4); /* the EMFILE open closed its host handle */
    teardown();
}

static void test_pipe(void)
{
    setup();
    CHECK_EQ(SYS(pipe2, P(0x100), LX_O_CLOEXEC), 0);
    int r = (int)get32(P(0x100)), w = (int)get32(P(0x104));
    CHECK_EQ(r, 3);
    CHECK_EQ(w, 4);
    CHECK_EQ(SYS(fcntl, (u64)r, LX_F_GETFD, 0), LX_FD_CLOEXEC);
    CHECK_EQ(SYS(fcntl, (u64)r, LX_F_GETFL, 0), LX_O_RDONLY);
    CHECK_EQ(SYS(fcntl, (u64)w, LX_F_GETFL, 0), LX_O_WRONLY);
    CHECK_EQ(SYS(pipe2, P(0x100), LX_O_APPEND), -LX_EINVAL);
    /* empty: a blocking read blocks, and changes nothing */
    T.state = TASK_RUNNABLE;
    CHECK_EQ(SYS(read, (u64)r, P(0x200), 10), KM_BLOCKED);
    CHECK_EQ(T.state, TASK_BLOCKED);
    CHECK_EQ(T.wait.kind, KM_WAIT_PIPE);
    CHECK(T.wait.key != 0);
    T.state = TASK_RUNNABLE;
    stub_wakes = 0;
    CHECK_EQ(SYS(write, (u64)w, str(P(0x300), "abc"), 3), 3);
    CHECK(stub_wakes >= 2 || stub_wakes == 0);    /* pipe waiters and pollers (stub only) */
    CHECK_EQ(SYS(read, (u64)r, P(0x200), 10), 3); /* the re-run finds the data */
    CHECK(mem_is(P(0x200), "abc", 3));
    CHECK_EQ(SYS(fstat, (u64)r, P(0x400)), 0);
    CHECK_EQ(get32(P(0x400 + 24)) & LX_S_IFMT, LX_S_IFIFO);
    CHECK_EQ(SYS(lseek, (u64)r, 0, 0), -LX_ESPIPE);
    CHECK_EQ(SYS(read, (u64)w, P(0x200), 1), -LX_EBADF);
    /* O_NONBLOCK through F_SETFL */
    CHECK_EQ(SYS(fcntl, (u64)r, LX_F_SETFL, LX_O_NONBLOCK), 0);
    CHECK_EQ(SYS(read, (u64)r, P(0x200), 10), -LX_EAGAIN);
    CHECK_EQ(SYS(fcntl, (u64)r, LX_F_SETFL, 0), 0);
    /* full: a large write takes what fits, then writes block */
    CHECK_EQ(SYS(write, (u64)w, P(0), 100000), 65536);
    CHECK_EQ(SYS(write, (u64)w, P(0), 1), KM_BLOCKED);
    T.state = TASK_RUNNABLE;
    CHECK_EQ(SYS(read, (u64)r, P(0x1000), 100), 100);
    CHECK_EQ(SYS(write, (u64)w, P(0), 101), KM_BLOCKED); /* <= PIPE_BUF is atomic */
    T.state = TASK_RUNNABLE;
    CHECK_EQ(SYS(write, (u64)w, P(0), 100), 100);
    /* drain across the ring's wrap point: the data is the guest memory at P(0) */
    CHECK_EQ(SYS(read, (u64)r, P(0x20000), 65536), 65536);
    CHECK(mm_read(T.mm, P(0x20000 + 65536 - 100), (u8[100]){0}, 100) == 0);
    u8 a[100], b[100];
    mm_read(T.mm, P(0x20000 + 65436), a, 100);
    mm_read(T.mm, P(0), b, 100);
    CHECK(memcmp(a, b, 100) == 0);
    /* EOF once every writer closed */
    CHECK_EQ(SYS(dup, (u64)w), 5);
    CHECK_EQ(SYS(close, (u64)w), 0);
    CHECK_EQ(SYS(read, (u64)r, P(0x200), 10), KM_BLOCKED); /* fd 5 still writes */
    T.state = TASK_RUNNABLE;
    CHECK_EQ(SYS(close, 5), 0);
    CHECK_EQ(SYS(read, (u64)r, P(0x200), 10), 0);
    /* EPIPE and SIGPIPE once every reader closed */
    CHECK_EQ(SYS(pipe, P(0x100)), 0);
    r = (int)get32(P(0x100));
    w = (int)get32(P(0x104));
    CHECK_EQ(SYS(close, (u64)r), 0);
    stub_last_sig = 0;
    CHECK_EQ(SYS(write, (u64)w, P(0), 1), -LX_EPIPE);
    CHECK(stub_last_sig == LX_SIGPIPE || stub_wakes == 0);
    teardown();
}

static void test_cwd_umask(void)
{
    setup();
    CHECK_EQ(SYS(chdir, str(P(0), "/etc")), 0);
    CHECK_EQ(SYS(getcwd, P(0x100), 4), -LX_ERANGE);
    CHECK_EQ(SYS(getcwd, P(0x100), 5), 5);
    CHECK(mem_is(P(0x100), "/etc", 5));
    CHECK_EQ(SYS(open, str(P(0), "hello"), LX_O_RDONLY, 0), 3);
    CHECK_EQ(SYS(chdir, str(P(0), "hello")), -LX_ENOTDIR);
    CHECK_EQ(SYS(chdir, str(P(0), "nope")), -LX_ENOENT);
    i64 d = SYS(open, str(P(0), "/tmp"), LX_O_RDONLY, 0);
    CHECK_EQ(SYS(fchdir, (u64)d), 0);
    CHECK_EQ(SYS(getcwd, P(0x100), 100), 5);
    CHECK(mem_is(P(0x100), "/tmp", 5));
    CHECK_EQ(SYS(fchdir, 3), -LX_ENOTDIR);
    /* CLONE_FS: one fs_info, so umask and cwd changes are seen by both */
    T2.files = files_get(T.files);
    T2.fs = fs_get(T.fs);
    CHECK_EQ(fs_id(T2.fs), fs_id(T.fs));
    CHECK_EQ(SYS(umask, 077), 022);
    CHECK_EQ(SYS_T(&T2, umask, 027), 077);
    CHECK_EQ(SYS_T(&T2, chdir, str(P(0), "..")), 0);
    CHECK_EQ(SYS(getcwd, P(0x100), 100), 2);
    fs_put(&K, T2.fs);
    /* without CLONE_FS: a copy */
    T2.fs = fs_dup(&K, T.fs);
    CHECK(fs_id(T2.fs) != fs_id(T.fs));
    CHECK_EQ(SYS_T(&T2, umask, 0), 027);
    CHECK_EQ(SYS(umask, 022), 027);
    CHECK_EQ(SYS_T(&T2, chdir, str(P(0), "/etc")), 0);
    CHECK_EQ(SYS(getcwd, P(0x100), 100), 2);
    /* mkdir applies the umask; unlink, rmdir, rename */
    CHECK_EQ(SYS(mkdir, str(P(0), "tmp/d"), 0777), 0);
    CHECK_EQ(fake_fs_last_mode, 0755);
    CHECK_EQ(SYS(mkdirat, (u64)LX_AT_FDCWD, str(P(0), "/tmp/d"), 0777), -LX_EEXIST);
    CHECK_EQ(SYS(rename, str(P(0), "/tmp/d"), str(P(0x80), "/tmp/e")), 0);
    CHECK(fake_fs_find("/r/tmp/e") >= 0);
    CHECK_EQ(SYS(renameat2, (u64)LX_AT_FDCWD, str(P(0), "/tmp/e"), (u64)LX_AT_FDCWD,
                 str(P(0x80), "/tmp/f"), 1),
             -LX_EINVAL);
    CHECK_EQ(SYS(unlinkat, (u64)LX_AT_FDCWD, str(P(0), "/tmp/e"), 0), -LX_EISDIR);
    CHECK_EQ(SYS(unlinkat, (u64)LX_AT_FDCWD, str(P(0), "/tmp/e"), LX_AT_REMOVEDIR), 0);
    CHECK_EQ(SYS(rmdir, str(P(0), "/etc")), -LX_ENOTEMPTY);
    CHECK_EQ(SYS(unlink, str(P(0), "/etc/passwd")), 0);
    /* readlink: /proc/self/exe from the registry, /proc/self/fd/N */
    fake_fs_add("/r/bin", true, NULL, 0755);
    fake_fs_add("/r/bin/prog", false, "\177ELF", 0755);
    fs_set_exe(&K, T.mm, "/bin/prog");
    CHECK_EQ(SYS(readlink, str(P(0), "/proc/self/exe"), P(0x100), 100), 9);
    CHECK(mem_is(P(0x100), "/bin/prog", 9));
    CHECK_EQ(SYS(readlink, str(P(0), "/proc/self/exe"), P(0x100), 4), 4);
    char hp[64];
    CHECK_EQ(fs_host_path(&K, &T, LX_AT_FDCWD, "/proc/./self/exe", hp, sizeof(hp)), 0);
    CHECK(strcmp(hp, "/r/bin/prog") == 0); /* open/stat/execve follow the magic link */
    struct mm other = {.id = 9999};
    K.current = &T; /* execve registers the new mm with the guest's own spelling */
    fs_set_exe(&K, &other, "/proc/self/exe");
    CHECK(fs_exe_path(&K, &other) && strcmp(fs_exe_path(&K, &other), "/bin/prog") == 0);
    fs_set_exe(&K, &other, "tmp/../bin/x");
    CHECK(strcmp(fs_exe_path(&K, &other), "/bin/x") == 0);
    K.current = NULL;
    CHECK_EQ(SYS(readlinkat, (u64)LX_AT_FDCWD, str(P(0), "/proc/self/fd/3"), P(0x100), 100), 10);
    CHECK(mem_is(P(0x100), "/etc/hello", 10));
    CHECK_EQ(SYS(readlink, str(P(0), "/etc/hello"), P(0x100), 100), -LX_EINVAL);
    teardown();
}

static void test_getdents(void)
{
    setup();
    i64 d = SYS(open, str(P(0), "/etc"), LX_O_RDONLY | LX_O_DIRECTORY, 0);
    CHECK_EQ(d, 3);
    /* "hello": 19 + 5 + 1 = 25 -> 32; "passwd": 19 + 6 + 1 = 26 -> 32 */
    CHECK_EQ(SYS(getdents64, (u64)d, P(0x100), 1000), 64);
    u8 e[64];
    mm_read(T.mm, P(0x100), e, 64);
    CHECK_EQ(lx_get64(false, e), 3);       /* d_ino: node 2 + 1 */
    CHECK_EQ(lx_get64(false, e + 8), 3);   /* d_off */
    CHECK_EQ(lx_get16(false, e + 16), 32); /* d_reclen */
    CHECK_EQ(e[18], 8);                    /* DT_REG */
    CHECK(memcmp(e + 19, "hello", 6) == 0);
    CHECK_EQ(lx_get16(false, e + 32 + 16), 32);
    CHECK(memcmp(e + 32 + 19, "passwd", 7) == 0);
    CHECK_EQ(SYS(getdents64, (u64)d, P(0x100), 1000), 0);
    /* a small buffer: one entry at a time, none lost */
    CHECK_EQ(SYS(lseek, (u64)d, 0, LX_SEEK_SET), 0);
    CHECK_EQ(SYS(getdents64, (u64)d, P(0x100), 40), 32);
    CHECK_EQ(SYS(getdents64, (u64)d, P(0x100), 8), -LX_EINVAL);
    CHECK_EQ(SYS(getdents64, (u64)d, P(0x100), 40), 32);
    CHECK(mem_is(P(0x100 + 19), "passwd", 7));
    CHECK_EQ(SYS(getdents64, (u64)d, P(0x100), 40), 0);
    CHECK_EQ(SYS(getdents64, 1, P(0x100), 40), -LX_ENOTDIR);
    teardown();
}

static void pollfd(u64 addr, int fd, int events)
{
    u8 b[8] = {0};
    lx_put32(false, b, (u32)fd);
    lx_put16(false, b + 4, (u16)events);
    mm_write(T.mm, addr, b, 8);
}
static int revents(u64 addr)
{
    u8 b[2];
    mm_read(T.mm, addr + 6, b, 2);
    return lx_get16(false, b);
}

static void test_poll(void)
{
    setup();
    CHECK_EQ(SYS(pipe, P(0x100)), 0);
    pollfd(P(0x200), 3, LX_POLLIN);
    pollfd(P(0x208), 4, LX_POLLOUT);
    pollfd(P(0x210), 0, LX_POLLIN);
    pollfd(P(0x218), 33, LX_POLLIN);
    pollfd(P(0x220), -1, LX_POLLIN);
    CHECK_EQ(SYS(poll, P(0x200), 5, 0), 3);
    CHECK_EQ(revents(P(0x200)), 0);
    CHECK_EQ(revents(P(0x208)), LX_POLLOUT);
    CHECK_EQ(revents(P(0x210)), LX_POLLIN); /* stdin: always ready */
    CHECK_EQ(revents(P(0x218)), LX_POLLNVAL);
    CHECK_EQ(revents(P(0x220)), 0);
    /* only the empty read end: timeout 0 returns 0, else block with a deadline */
    CHECK_EQ(SYS(poll, P(0x200), 1, 0), 0);
    T.state = TASK_RUNNABLE;
    CHECK_EQ(SYS(poll, P(0x200), 1, 100), KM_BLOCKED);
    CHECK_EQ(T.wait.kind, KM_WAIT_POLL);
    CHECK_EQ(T.wait.deadline_ns, 1000 + 100000000);
    CHECK_EQ(T.wait.timeout_result, 0);
    T.state = TASK_RUNNABLE;
    CHECK_EQ(SYS(poll, P(0x200), 1, (u64)-1), KM_BLOCKED);
    CHECK_EQ(T.wait.deadline_ns, 0);
    T.state = TASK_RUNNABLE;
    u8 ts[16];
    lx_put64(false, ts, 2);
    lx_put64(false, ts + 8, 5);
    mm_write(T.mm, P(0x300), ts, 16);
    CHECK_EQ(SYS(ppoll, P(0x200), 1, P(0x300), 0, 8), KM_BLOCKED);
    CHECK_EQ(T.wait.deadline_ns, 1000 + 2000000005);
    T.state = TASK_RUNNABLE;
    CHECK_EQ(SYS(write, 4, str(P(0x400), "x"), 1), 1);
    CHECK_EQ(SYS(ppoll, P(0x200), 1, 0, 0, 8), 1);
    CHECK_EQ(revents(P(0x200)), LX_POLLIN);
    CHECK_EQ(SYS(close, 4), 0);
    CHECK_EQ(SYS(poll, P(0x200), 1, 0), 1);
    CHECK_EQ(revents(P(0x200)), LX_POLLIN | LX_POLLHUP);
    teardown();
}

static void test_pidfd(void)
{
    setup();
    TG2.leader = &T2;
    CHECK_EQ(SYS(pidfd_open, 200, 0), 3);
    CHECK_EQ(T2.refs, 2);
    CHECK_EQ(SYS(fcntl, 3, LX_F_GETFD, 0), LX_FD_CLOEXEC);
    int err = 1;
    CHECK(files_pidfd_task(&K, &T, 3, &err) == &T2 && err == 0);
    CHECK(files_pidfd_task(&K, &T, 0, &err) == NULL && err == -LX_EBADF);
    CHECK(files_pidfd_task(&K, &T, 9, &err) == NULL && err == -LX_EBADF);
    CHECK_EQ(SYS(pidfd_open, 999, 0), -LX_ESRCH);
    CHECK_EQ(SYS(pidfd_open, 200, 1), -LX_EINVAL);
    TG2.leader = &T; /* T2 as a non-leader thread */
    CHECK_EQ(SYS(pidfd_open, 200, 0), -LX_EINVAL);
    CHECK_EQ(SYS(pidfd_open, 200, LX_O_EXCL | LX_O_NONBLOCK), 4);
    CHECK_EQ(SYS(fcntl, 4, LX_F_GETFL, 0) & LX_O_NONBLOCK, LX_O_NONBLOCK);
    pollfd(P(0x200), 3, LX_POLLIN);
    pollfd(P(0x208), 4, LX_POLLIN);
    CHECK_EQ(SYS(poll, P(0x200), 2, 0), 0);
    TG2.pidfd_poll_ready = true;
    CHECK_EQ(SYS(poll, P(0x200), 2, 0), 1);
    CHECK_EQ(revents(P(0x200)), LX_POLLIN);
    T2.state = TASK_ZOMBIE;
    CHECK_EQ(SYS(poll, P(0x200), 2, 0), 2);
    CHECK_EQ(files_install_pidfd(&K, &T, &T2, false), 5);
    CHECK_EQ(T2.refs, 4);
    CHECK_EQ(files_close_fd(&K, &T, 5), 0);
    CHECK_EQ(SYS(close, 3), 0);
    CHECK_EQ(T2.refs, 2);
    T2.files = files_dup(&K, T.files); /* fork shares the description */
    files_put(&K, T.files);
    T.files = files_new_stdio(&K);
    CHECK_EQ(T2.refs, 2);
    files_put(&K, T2.files);
    T2.files = NULL;
    CHECK_EQ(T2.refs, 1);
    teardown();
}

int main(void)
{
    test_paths();
    test_open_read();
    test_dup_cloexec();
    test_files_dup_shares_offset();
    test_emfile();
    test_pipe();
    test_cwd_umask();
    test_getdents();
    test_poll();
    test_pidfd();
    return check_report("test_files");
}

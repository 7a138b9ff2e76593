/*
 * proc_maps.c - IDEA: /proc/PID/maps lists the process's mappings, one line
 * per vma in address order, in the kernel's fixed format
 *     start-end perms offset major:minor inode [spaces, name at column 73]
 * where a file mapping is named by its path and shows its file offset,
 * device and inode, the main heap is [heap] and the main stack [stack];
 * an unnamed (anonymous) line ends in "0 ". mprotect splits a vma into
 * lines of their own. glibc's pthread_getattr_np finds the main thread's
 * stack by reading this file.
 *
 *  1. Every line parses, lines are sorted and disjoint, names sit at
 *     column 73, unnamed lines end in a space.
 *  2. The line holding this code is the executable (r-xp, its path, device
 *     and inode as stat(/proc/self/exe) says); the one holding sbrk(0)-1
 *     is [heap] rw-p; the one holding a local is [stack] rw-p.
 *  3. A private and a shared mapping of the executable at file offset
 *     4096: r--p / r--s, offset 00001000, its path, dev and inode.
 *  4. 5 PROT_NONE pages, then pages 1-3 read-write and page 2 read-only:
 *     exactly three lines rw-p, r--p, rw-p; munmap of page 2 leaves a hole.
 *  5. A thread's /proc/thread-self/maps and /proc/self/task/TID/maps are
 *     the process's; its stack is an unnamed rw-p mapping.
 *  6. pthread_getattr_np on the main thread: a stack that holds a local.
 *
 * Everything printed is a relation, a count or fixed text, never an
 * address, a device or an inode number.
 */
#include "common.h"

#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>

struct line {
    uintptr_t start, end;
    char perms[5];
    unsigned long long off;
    unsigned maj, min;
    unsigned long long ino;
    int name_col; /* column of the name, -1 if none */
    char name[256];
    int trailing_space;
};

static char maps[1 << 17];

/* The next line of *p; 0 at the end, -1 if it does not parse. */
static int next_line(const char **p, struct line *l)
{
    const char *s = *p;
    if (!*s) return 0;
    const char *e = strchr(s, '\n');
    if (!e) return -1;
    *p = e + 1;
    memset(l, 0, sizeof(*l));
    int used = 0;
    if (sscanf(s, "%" SCNxPTR "-%" SCNxPTR " %4s %llx %x:%x %llu %n", &l->start, &l->end, l->perms,
               &l->off, &l->maj, &l->min, &l->ino, &used) != 7)
        return -1;
    l->trailing_space = e > s && e[-1] == ' ';
    l->name_col = s + used < e ? used : -1;
    if (l->name_col >= 0) {
        size_t n = (size_t)(e - (s + used));
        if (n >= sizeof(l->name)) n = sizeof(l->name) - 1;
        memcpy(l->name, s + used, n);
    }
    return 1;
}

/* The line of the mapping holding addr, from the text in maps. */
static int find(const char *text, uintptr_t addr, struct line *out)
{
    const char *p = text;
    struct line l;
    while (next_line(&p, &l) == 1)
        if (l.start <= addr && addr < l.end) {
            *out = l;
            return 1;
        }
    return 0;
}

static char exe[4096];
static struct stat exe_st;

static int is_exe(const struct line *l)
{
    return strcmp(l->name, exe) == 0 && l->ino == exe_st.st_ino && l->maj == major(exe_st.st_dev) &&
           l->min == minor(exe_st.st_dev);
}

static void format_checks(void)
{
    if (slurp("/proc/self/maps", maps, sizeof maps) < 0) fail("maps");
    const char *p = maps;
    struct line l;
    int r, lines = 0, sorted = 1, col73 = 1, anon_space = 1, named = 0;
    uintptr_t prev_end = 0;
    while ((r = next_line(&p, &l)) == 1) {
        lines++;
        if (l.start < prev_end || l.end <= l.start) sorted = 0;
        prev_end = l.end;
        if (l.name_col >= 0) {
            named++;
            if (l.name_col != 73) col73 = 0;
        } else if (!l.trailing_space) {
            anon_space = 0;
        }
    }
    say("maps_parses=%d lines_ge_5=%d sorted=%d named_at_col73=%d unnamed_end_in_space=%d\n",
        r == 0, lines >= 5, sorted, named > 0 && col73, anon_space);
}

static void *volatile keep;

static void named_checks(void)
{
    keep = malloc(100); /* makes sure the heap exists */
    void *b = sbrk(0);
    int local = 0;
    if (slurp("/proc/self/maps", maps, sizeof maps) < 0) fail("maps");
    struct line l;
    int ok = find(maps, (uintptr_t)&named_checks, &l);
    say("main_line=%d main_perms=%s main_is_exe=%d\n", ok, ok ? l.perms : "-", ok && is_exe(&l));
    ok = find(maps, (uintptr_t)b - 1, &l);
    say("brk_line=%d brk_perms=%s brk_name=%s\n", ok, ok ? l.perms : "-", ok ? l.name : "-");
    ok = find(maps, (uintptr_t)&local, &l);
    say("local_line=%d local_perms=%s local_name=%s local_ino=%llu\n", ok, ok ? l.perms : "-",
        ok ? l.name : "-", ok ? l.ino : 99);
}

static void file_checks(void)
{
    int fd = open("/proc/self/exe", O_RDONLY);
    if (fd < 0) fail("open exe");
    char *pm = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 4096);
    char *sm = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4096);
    if (pm == MAP_FAILED || sm == MAP_FAILED) fail("mmap exe");
    if (slurp("/proc/self/maps", maps, sizeof maps) < 0) fail("maps");
    struct line l;
    int ok = find(maps, (uintptr_t)pm, &l);
    say("private_file: line=%d perms=%s offset=%08llx one_page=%d is_exe=%d\n", ok, l.perms, l.off,
        l.start == (uintptr_t)pm && l.end == (uintptr_t)pm + 4096, is_exe(&l));
    ok = find(maps, (uintptr_t)sm, &l);
    say("shared_file: line=%d perms=%s offset=%08llx one_page=%d is_exe=%d\n", ok, l.perms, l.off,
        l.start == (uintptr_t)sm && l.end == (uintptr_t)sm + 4096, is_exe(&l));
    munmap(pm, 4096);
    munmap(sm, 4096);
    close(fd);
}

static void split_checks(void)
{
    char *p = mmap(NULL, 5 * 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) fail("mmap");
    if (mprotect(p + 4096, 3 * 4096, PROT_READ | PROT_WRITE)) fail("mprotect rw");
    if (mprotect(p + 2 * 4096, 4096, PROT_READ)) fail("mprotect r");
    if (slurp("/proc/self/maps", maps, sizeof maps) < 0) fail("maps");
    struct line a, b, c;
    int ok = find(maps, (uintptr_t)p + 4096, &a) && find(maps, (uintptr_t)p + 2 * 4096, &b) &&
             find(maps, (uintptr_t)p + 3 * 4096, &c);
    say("split: found=%d perms=%s,%s,%s exact=%d anon=%d\n", ok, a.perms, b.perms, c.perms,
        a.start == (uintptr_t)p + 4096 && a.end == b.start && b.end == c.start &&
            c.end == (uintptr_t)p + 4 * 4096,
        a.ino == 0 && a.off == 0 && a.maj == 0 && a.min == 0 && a.name_col < 0);
    munmap(p + 2 * 4096, 4096);
    if (slurp("/proc/self/maps", maps, sizeof maps) < 0) fail("maps");
    say("after_munmap: hole=%d\n", !find(maps, (uintptr_t)p + 2 * 4096, &a));
    munmap(p, 5 * 4096);
}

static char tmaps[1 << 17], tself[1 << 17];

static void *thread_main(void *arg)
{
    (void)arg;
    int local = 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%ld/maps", (long)syscall(SYS_gettid));
    if (slurp("/proc/self/maps", maps, sizeof maps) < 0) fail("maps");
    slurp("/proc/thread-self/maps", tself, sizeof tself);
    slurp(path, tmaps, sizeof tmaps);
    struct line l;
    int ok = find(maps, (uintptr_t)&local, &l);
    say("thread: self_same=%d task_same=%d stack_line=%d perms=%s named=%d\n",
        strcmp(maps, tself) == 0, strcmp(maps, tmaps) == 0, ok, l.perms, l.name_col >= 0);
    return NULL;
}

static void getattr_checks(void)
{
    pthread_attr_t a;
    void *addr = NULL;
    size_t size = 0;
    int local = 0;
    int r = pthread_getattr_np(pthread_self(), &a);
    if (r == 0) {
        pthread_attr_getstack(&a, &addr, &size);
        pthread_attr_destroy(&a);
    }
    uintptr_t lo = (uintptr_t)addr, l = (uintptr_t)&local;
    say("getattr_np=%s stack_size_pos=%d stack_has_local=%d\n", errno_name(r), size > 0,
        lo <= l && l < lo + size);
}

int main(void)
{
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n < 0) fail("readlink exe");
    exe[n] = '\0';
    if (stat(exe, &exe_st)) fail("stat exe");
    format_checks();
    named_checks();
    file_checks();
    split_checks();
    pthread_t th;
    if (pthread_create(&th, NULL, thread_main, NULL)) fail("pthread_create");
    pthread_join(th, NULL);
    getattr_checks();
    return 0;
}

/*
 * ns_views.c - IDEA: the mnt, net, cgroup and time namespaces are seen
 * through /proc. A new mount namespace is a copy of the mount list with new
 * mount ids; a new network namespace has one device, lo; a new cgroup
 * namespace makes the caller's cgroup its root ("0::/"); and a new time
 * namespace (unshare(CLONE_NEWTIME)) is only for the CHILDREN: its clock
 * offsets are written to /proc/self/timens_offsets before any process
 * enters it, the next fork enters it, and from then on the offsets are
 * frozen. Prints relations only (the host's own mounts, devices and clock
 * readings differ from machine to machine).
 */
#include "common.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <time.h>

#define OFFSET_SEC 1000

static int read_file(const char *path, char *buf, size_t n)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) return -1;
    size_t len = 0;
    ssize_t r;
    while (len + 1 < n && (r = read(fd, buf + len, n - 1 - len)) > 0)
        len += (size_t)r;
    buf[len] = '\0';
    close(fd);
    return (int)len;
}

static void wait_for(pid_t pid)
{
    int st;
    if (waitpid(pid, &st, 0) != pid) fail("waitpid");
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) say("child failed\n");
}

/* The mount ids of /proc/self/mountinfo (first field of each line). */
static int mount_ids(int *ids, int max)
{
    static char buf[65536];
    if (read_file("/proc/self/mountinfo", buf, sizeof buf) < 0) fail("mountinfo");
    int n = 0;
    for (char *p = buf; *p && n < max; p = strchr(p, '\n') + 1) {
        ids[n++] = atoi(p);
        if (!strchr(p, '\n')) break;
    }
    return n;
}

static void show_mnt(void)
{
    int before[256], after[256];
    int nb = mount_ids(before, 256);
    if (unshare(CLONE_NEWNS) != 0) fail("unshare(CLONE_NEWNS)");
    int na = mount_ids(after, 256);
    int all_new = 1;
    for (int i = 0; i < na; i++)
        for (int j = 0; j < nb; j++)
            if (after[i] == before[j]) all_new = 0;
    static char m[65536];
    if (read_file("/proc/self/mounts", m, sizeof m) < 0) fail("mounts");
    say("new mnt ns: same_mount_count=%d mount_ids_all_new=%d mounts_has_proc=%d\n", na == nb,
        all_new, strstr(m, " /proc proc ") != NULL);
}

static void show_net(void)
{
    if (unshare(CLONE_NEWNET) != 0) fail("unshare(CLONE_NEWNET)");
    char buf[4096], self[4096], names[256] = "";
    if (read_file("/proc/net/dev", buf, sizeof buf) < 0) fail("/proc/net/dev");
    if (read_file("/proc/self/net/dev", self, sizeof self) < 0) fail("/proc/self/net/dev");
    char *line = strchr(buf, '\n');
    line = line ? strchr(line + 1, '\n') : NULL; /* two header lines */
    while (line && line[1]) {
        char *p = line + 1, *colon = strchr(p, ':');
        if (!colon) break;
        while (*p == ' ')
            p++;
        if (names[0]) strcat(names, ",");
        strncat(names, p, (size_t)(colon - p));
        line = strchr(colon, '\n');
    }
    say("new net ns: devices=%s self_net_dev_same=%d\n", names, strcmp(buf, self) == 0);
}

static void show_cgroup(void)
{
    if (unshare(CLONE_NEWCGROUP) != 0) fail("unshare(CLONE_NEWCGROUP)");
    char buf[4096];
    if (read_file("/proc/self/cgroup", buf, sizeof buf) < 0) fail("/proc/self/cgroup");
    char *v2 = strncmp(buf, "0::", 3) == 0 ? buf : strstr(buf, "\n0::");
    if (v2 && *v2 == '\n') v2++;
    if (v2 && strchr(v2, '\n')) *strchr(v2, '\n') = '\0';
    say("new cgroup ns: cgroup=%s\n", v2 ? v2 : "(no v2 line)");
}

static long long clock_sec(clockid_t c)
{
    struct timespec ts;
    if (clock_gettime(c, &ts) != 0) fail("clock_gettime");
    return (long long)ts.tv_sec;
}

static int write_offsets(const char *text)
{
    int fd = open("/proc/self/timens_offsets", O_WRONLY);
    if (fd < 0) return errno;
    ssize_t r = write(fd, text, strlen(text));
    int e = r < 0 ? errno : r == (ssize_t)strlen(text) ? 0 : EIO;
    close(fd);
    return e;
}

static int same_link(const char *a, const char *b)
{
    char x[64] = "", y[64] = "";
    if (readlink(a, x, sizeof x - 1) < 0 || readlink(b, y, sizeof y - 1) < 0) fail("readlink");
    return strcmp(x, y) == 0;
}

static void show_time(void)
{
    char buf[256];
    if (unshare(CLONE_NEWTIME) != 0) fail("unshare(CLONE_NEWTIME)");
    say("after unshare: time_is_time_for_children=%d\n",
        same_link("/proc/self/ns/time", "/proc/self/ns/time_for_children"));
    say("bad clock: %s\n", errno_name(write_offsets("realtime 5 0\n")));
    say("bad nsec: %s\n", errno_name(write_offsets("monotonic 5 1000000000\n")));
    say("write offsets: %s\n", errno_name(write_offsets("monotonic 1000 0\nboottime 2000 0\n")));
    if (read_file("/proc/self/timens_offsets", buf, sizeof buf) < 0) fail("timens_offsets");
    say("timens_offsets (for children):\n%s", buf);
    long long m0 = clock_sec(CLOCK_MONOTONIC), b0 = clock_sec(CLOCK_BOOTTIME);
    pid_t pid = fork();
    if (pid < 0) fail("fork");
    if (pid == 0) {
        long long m1 = clock_sec(CLOCK_MONOTONIC), b1 = clock_sec(CLOCK_BOOTTIME);
        say("child: time_is_time_for_children=%d\n",
            same_link("/proc/self/ns/time", "/proc/self/ns/time_for_children"));
        say("child: timens offset applied: monotonic_delta_ge_offset=%d "
            "boottime_delta_ge_offset=%d "
            "within_100s=%d\n",
            m1 - m0 >= OFFSET_SEC, b1 - b0 >= 2 * OFFSET_SEC,
            m1 - m0 < OFFSET_SEC + 100 && b1 - b0 < 2 * OFFSET_SEC + 100);
        _exit(0);
    }
    wait_for(pid);
    long long m2 = clock_sec(CLOCK_MONOTONIC);
    say("parent: own clock unchanged: %d\n", m2 - m0 < 100);
    say("write after a child entered: %s\n", errno_name(write_offsets("monotonic 5 0\n")));
}

int main(void)
{
    void (*parts[])(void) = {show_mnt, show_net, show_cgroup, show_time};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        pid_t pid = fork();
        if (pid < 0) fail("fork");
        if (pid == 0) {
            parts[i]();
            _exit(0);
        }
        wait_for(pid);
    }
    say("done\n");
    return 0;
}

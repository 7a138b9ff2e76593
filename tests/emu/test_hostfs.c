/* The POSIX hostfs (emu/hostfs.c) on a scratch directory: errno becomes
 * -LX_E*, open flags translate, readdir walks and rewinds, stat fills
 * struct lx_stat, tcgets refuses a non-tty, stdio handles stay open.
 *
 * Build: this file + emu/hostfs.c (header-only use of kernel-model).
 * Prints "N passed, M failed". */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emu/hostfs_posix.h"
#include "tests/unit/support/check.h"

/* hostfs_posix_add_root: paths outside the roots are refused, no host
 * symlink or ".." is followed under one (the model's walk resolved them
 * in the guest's view; one met here is a race or a bug). */
static void test_confined(void)
{
    char top[] = "/tmp/test_hostfs_root_XXXXXX", p[512], q[512], buf[64];
    if (!mkdtemp(top)) abort();
    snprintf(p, sizeof p, "%s/secret", top);
    FILE *f = fopen(p, "w");
    if (!f) abort();
    fputs("HOST SECRET", f);
    fclose(f);
    snprintf(p, sizeof p, "%s/root", top);
    CHECK(mkdir(p, 0755) == 0);
    snprintf(p, sizeof p, "%s/root/d", top);
    CHECK(mkdir(p, 0755) == 0);
    snprintf(p, sizeof p, "%s/root/abs", top);
    snprintf(q, sizeof q, "%s/secret", top);
    CHECK(symlink(q, p) == 0);
    snprintf(p, sizeof p, "%s/root/up", top);
    CHECK(symlink("..", p) == 0);

    struct km_hostfs fs;
    struct lx_stat st;
    CHECK(hostfs_posix_init(&fs) == 0);
    void *c = fs.ctx;
    snprintf(p, sizeof p, "%s/root/", top);
    CHECK(hostfs_posix_add_root(&fs, p) == 0);
    /* outside the root: refused whatever it is */
    CHECK(fs.open(c, q, LX_O_RDONLY, 0) == -LX_EACCES);
    CHECK(fs.stat(c, "/etc/passwd", &st, true) == -LX_EACCES);
    snprintf(p, sizeof p, "%s/rootx/f", top); /* a prefix, not a component */
    CHECK(fs.open(c, p, LX_O_RDONLY, 0) == -LX_EACCES);
    snprintf(p, sizeof p, "%s/root/../secret", top);
    CHECK(fs.open(c, p, LX_O_RDONLY, 0) == -LX_EINVAL);
    /* a final symlink is not followed: ELOOP for open, the link for stat */
    snprintf(p, sizeof p, "%s/root/abs", top);
    CHECK(fs.open(c, p, LX_O_RDONLY, 0) == -LX_ELOOP);
    CHECK(fs.open(c, p, LX_O_WRONLY | LX_O_CREAT, 0644) == -LX_ELOOP);
    CHECK(fs.stat(c, p, &st, true) == 0 && (st.mode & LX_S_IFMT) == LX_S_IFLNK);
    CHECK(fs.access(c, p, 0) == 0); /* the link itself exists */
    CHECK(fs.readlink(c, p, buf, sizeof buf) == (i64)strlen(q));
    /* a symlink on the way: not a directory */
    snprintf(p, sizeof p, "%s/root/up/secret", top);
    CHECK(fs.open(c, p, LX_O_RDONLY, 0) == -LX_ENOTDIR);
    CHECK(fs.stat(c, p, &st, false) == -LX_ENOTDIR);
    CHECK(fs.unlink(c, p) == -LX_ENOTDIR);
    snprintf(p, sizeof p, "%s/root/up/made", top);
    CHECK(fs.mkdir(c, p, 0755) == -LX_ENOTDIR);
    /* inside: everything works, the root itself too */
    snprintf(p, sizeof p, "%s/root", top);
    CHECK(fs.stat(c, p, &st, true) == 0 && (st.mode & LX_S_IFMT) == LX_S_IFDIR);
    snprintf(p, sizeof p, "%s/root/d//./f", top);
    int h = fs.open(c, p, LX_O_WRONLY | LX_O_CREAT, 0644);
    CHECK(h > 2 && fs.write(c, h, "in", 2) == 2 && fs.close(c, h) == 0);
    snprintf(q, sizeof q, "%s/root/d/g", top);
    CHECK(fs.rename(c, p, q) == 0 && fs.unlink(c, q) == 0);
    snprintf(p, sizeof p, "%s/root/d", top);
    CHECK(fs.rmdir(c, p) == 0);
    snprintf(p, sizeof p, "%s/root/abs", top);
    CHECK(fs.unlink(c, p) == 0); /* the link, not its target */
    snprintf(p, sizeof p, "%s/secret", top);
    CHECK(access(p, F_OK) == 0);
    hostfs_posix_fini(&fs);

    snprintf(p, sizeof p, "rm -rf '%s'", top);
    CHECK(system(p) == 0);
}

int main(void)
{
    struct km_hostfs fs;
    CHECK(hostfs_posix_init(&fs) == 0);
    void *c = fs.ctx;
    char dir[] = "/tmp/test_hostfs_XXXXXX", path[256], path2[256];
    if (!mkdtemp(dir)) abort();

    CHECK(hostfs_errno_to_lx(ENOENT) == -LX_ENOENT);
    CHECK(hostfs_errno_to_lx(EWOULDBLOCK) == -LX_EAGAIN);
    CHECK(hostfs_errno_to_lx(ECONNRESET) == -LX_EIO); /* not modelled */

    snprintf(path, sizeof path, "%s/missing", dir);
    CHECK(fs.open(c, path, LX_O_RDONLY, 0) == -LX_ENOENT);
    struct lx_stat st;
    CHECK(fs.stat(c, path, &st, true) == -LX_ENOENT);

    /* create, write, read back */
    snprintf(path, sizeof path, "%s/f", dir);
    int h = fs.open(c, path, LX_O_WRONLY | LX_O_CREAT | LX_O_EXCL, 0640);
    CHECK(h > 2);
    CHECK(fs.open(c, path, LX_O_WRONLY | LX_O_CREAT | LX_O_EXCL, 0640) == -LX_EEXIST);
    CHECK(fs.write(c, h, "hello", 5) == 5);
    CHECK(fs.pwrite(c, h, "J", 1, 0) == 1);
    CHECK(fs.read(c, h, path2, 1) == -LX_EBADF); /* write-only */
    CHECK(fs.fstat(c, h, &st) == 0 && st.size == 5 && (st.mode & 0777) == 0640 &&
          (st.mode & LX_S_IFMT) == LX_S_IFREG);
    CHECK(fs.tcgets(c, h, (u8[36]){0}) == -LX_ENOTTY);
    CHECK(fs.ftruncate(c, h, 4) == 0);
    CHECK(fs.close(c, h) == 0);
    CHECK(fs.close(c, h) == -LX_EBADF);
    h = fs.open(c, path, LX_O_RDONLY, 0);
    char buf[16] = {0};
    CHECK(fs.read(c, h, buf, sizeof buf) == 4 && memcmp(buf, "Jell", 4) == 0);
    CHECK(fs.lseek(c, h, 1, LX_SEEK_SET) == 1);
    CHECK(fs.pread(c, h, buf, 2, 2) == 2 && memcmp(buf, "ll", 2) == 0);
    CHECK(fs.lseek(c, h, 0, 99) == -LX_EINVAL);
    CHECK(fs.close(c, h) == 0);
    CHECK(fs.access(c, path, 4) == 0);
    CHECK(fs.access(c, path, 8) == -LX_EINVAL);

    /* directories */
    snprintf(path2, sizeof path2, "%s/sub", dir);
    CHECK(fs.mkdir(c, path2, 0755) == 0);
    CHECK(fs.mkdir(c, path2, 0755) == -LX_EEXIST);
    CHECK(fs.open(c, path2, LX_O_RDONLY | LX_O_TRUNC | LX_O_WRONLY, 0) == -LX_EISDIR);
    CHECK(fs.open(c, path, LX_O_RDONLY | LX_O_DIRECTORY, 0) == -LX_ENOTDIR);
    int d = fs.open(c, dir, LX_O_RDONLY | LX_O_DIRECTORY, 0);
    CHECK(d > 2);
    struct km_dirent de;
    int n = 0, r, seen = 0;
    i64 off_after_first = 0;
    while ((r = fs.readdir(c, d, &de)) == 1) {
        if (n++ == 0) off_after_first = de.off;
        if (!strcmp(de.name, "f")) seen |= 1;
        if (!strcmp(de.name, "sub") && de.type == 4 /* DT_DIR */) seen |= 2;
    }
    CHECK(r == 0 && n == 4 && seen == 3);
    CHECK(fs.lseek(c, d, 0, LX_SEEK_SET) == 0); /* rewind */
    int n2 = 0;
    while (fs.readdir(c, d, &de) == 1)
        n2++;
    CHECK(n2 == 4);
    CHECK(fs.lseek(c, d, off_after_first, LX_SEEK_SET) == off_after_first);
    n2 = 0;
    while (fs.readdir(c, d, &de) == 1)
        n2++;
    CHECK(n2 == 3);
    CHECK(fs.close(c, d) == 0);

    snprintf(buf, sizeof buf, "%s", "f");
    char link[300];
    snprintf(link, sizeof link, "%s/l", dir);
    CHECK(symlink("f", link) == 0);
    CHECK(fs.readlink(c, link, buf, sizeof buf) == 1 && buf[0] == 'f');
    CHECK(fs.stat(c, link, &st, false) == 0 && (st.mode & LX_S_IFMT) == LX_S_IFLNK);
    CHECK(fs.stat(c, link, &st, true) == 0 && (st.mode & LX_S_IFMT) == LX_S_IFREG);
    CHECK(fs.rmdir(c, dir) == -LX_ENOTEMPTY);
    CHECK(fs.unlink(c, link) == 0);
    snprintf(link, sizeof link, "%s/g", dir);
    CHECK(fs.rename(c, path, link) == 0);
    CHECK(fs.unlink(c, link) == 0);
    CHECK(fs.rmdir(c, path2) == 0);

    /* a handle left open is closed by fini; stdio never is */
    h = fs.open(c, dir, LX_O_RDONLY, 0);
    CHECK(fs.close(c, 2) == 0 && fcntl(2, F_GETFD) >= 0);
    char host[65];
    CHECK(fs.gethostname(c, host, sizeof host) == 0 && host[0]);
    hostfs_posix_fini(&fs);
    CHECK(fcntl(h, F_GETFD) < 0);
    CHECK(rmdir(dir) == 0);

    test_confined();
    return check_report("test_hostfs");
}

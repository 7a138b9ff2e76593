/*
 * memfd_seals.c - IDEA: memfd_create(2) gives an anonymous in-memory file:
 * read/write/lseek/ftruncate/fstat as a regular file, MAP_SHARED mappings
 * shared with a forked child, shown as "/memfd:NAME (deleted)" in
 * /proc/self/fd and /proc/self/maps; MFD_CLOEXEC sets FD_CLOEXEC; msync
 * makes a mapping's writes readable with pread. Then the argument rules of
 * msync (EINVAL; ENOMEM when unmapped) and memfd_create (unknown flags,
 * MFD_EXEC with MFD_NOEXEC_SEAL, a name longer than 249 bytes: EINVAL; a
 * bad name pointer: EFAULT) and file
 * seals (MFD_ALLOW_SEALING): F_SEAL_SHRINK / F_SEAL_GROW refuse ftruncate
 * and writes past the end, F_SEAL_WRITE refuses write(2) and writable
 * shared mappings (read-only ones still work), F_SEAL_SEAL refuses more
 * seals, a memfd without MFD_ALLOW_SEALING starts with F_SEAL_SEAL, a pipe
 * takes no seals (EINVAL).
 */
#include "common.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif

static const char *res(long r)
{
    return errno_name(r < 0 ? errno : 0);
}

static int has_line(const char *path, const char *needle)
{
    static char buf[65536];
    if (slurp(path, buf, sizeof buf) < 0) return -1;
    return strstr(buf, needle) != NULL;
}

int main(void)
{
    int fd = memfd_create("clonemu", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    if (fd < 0) fail("memfd_create");
    say("memfd_create: FD_CLOEXEC %d\n", (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
    char link[64], target[256] = {0};
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    say("fd link: %s\n", n > 0 ? target : res(n));

    say("write: %zd\n", write(fd, "hello world", 11));
    say("lseek end: %lld\n", (long long)lseek(fd, 0, SEEK_END));
    char buf[32] = {0};
    n = pread(fd, buf, 5, 6);
    say("pread at 6: %zd '%s'\n", n, buf);
    struct stat st;
    if (fstat(fd, &st) < 0) fail("fstat");
    say("fstat: regular %d, size %lld\n", S_ISREG(st.st_mode), (long long)st.st_size);
    say("ftruncate 8192: %s\n", res(ftruncate(fd, 8192)));
    if (fstat(fd, &st) < 0) fail("fstat");
    say("size now %lld\n", (long long)st.st_size);

    char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) fail("mmap");
    say("mapping reads '%.5s'\n", p);
    say("maps line: %d\n", has_line("/proc/self/maps", "/memfd:clonemu (deleted)"));
    pid_t pid = fork();
    if (pid == 0) {
        memcpy(p + 4096, "from child", 10);
        _exit(0);
    }
    if (pid < 0 || waitpid(pid, NULL, 0) != pid) fail("fork");
    say("the child's write through its shared mapping: '%.10s'\n", p + 4096);
    memcpy(p, "HELLO", 5);
    say("msync: %s\n", res(msync(p, 8192, MS_SYNC)));
    memset(buf, 0, sizeof buf);
    n = pread(fd, buf, 5, 0);
    say("pread after msync: '%s'\n", buf);
    say("msync unaligned: %s\n", res(msync(p + 1, 4096, MS_SYNC)));
    say("msync MS_ASYNC|MS_SYNC: %s\n", res(msync(p, 4096, MS_ASYNC | MS_SYNC)));
    say("msync flag 8: %s\n", res(msync(p, 4096, 8)));
    munmap(p, 8192);
    say("msync unmapped: %s\n", res(msync(p, 4096, MS_SYNC)));

    say("flags 0x100: %s\n", res(memfd_create("x", 0x100)));
    say("MFD_EXEC|MFD_NOEXEC_SEAL: %s\n", res(memfd_create("x", MFD_EXEC | MFD_NOEXEC_SEAL)));
    char longname[300];
    memset(longname, 'n', sizeof longname);
    longname[250] = 0;
    say("name of 250 bytes: %s\n", res(memfd_create(longname, 0)));
    longname[249] = 0;
    int fd2 = memfd_create(longname, 0);
    say("name of 249 bytes: %s\n", res(fd2));
    say("bad name pointer: %s\n", res(memfd_create((const char *)8, 0)));
    say("without MFD_ALLOW_SEALING: F_GET_SEALS == F_SEAL_SEAL %d\n",
        fcntl(fd2, F_GET_SEALS) == F_SEAL_SEAL);
    say("  F_ADD_SEALS: %s\n", res(fcntl(fd2, F_ADD_SEALS, F_SEAL_WRITE)));
    close(fd2);

    say("F_GET_SEALS: %d\n", fcntl(fd, F_GET_SEALS));
    say("F_ADD_SEALS shrink|grow: %s\n", res(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW)));
    say("ftruncate smaller: %s\n", res(ftruncate(fd, 4096)));
    say("ftruncate larger: %s\n", res(ftruncate(fd, 16384)));
    say("write past the end: %s\n", res(pwrite(fd, "x", 1, 8192)));
    say("write inside: %s\n", res(pwrite(fd, "x", 1, 100)));
    say("F_ADD_SEALS write: %s\n", res(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE)));
    say("write: %s\n", res(pwrite(fd, "x", 1, 100)));
    p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    say("writable shared mapping: %s\n", res(p == MAP_FAILED ? -1 : 0));
    p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    say("read-only shared mapping: %s, reads '%.5s'\n", res(p == MAP_FAILED ? -1 : 0),
        p == MAP_FAILED ? "" : p);
    say("F_ADD_SEALS seal: %s\n", res(fcntl(fd, F_ADD_SEALS, F_SEAL_SEAL)));
    say("F_ADD_SEALS after F_SEAL_SEAL: %s\n", res(fcntl(fd, F_ADD_SEALS, F_SEAL_EXEC)));
    say("F_GET_SEALS: %#x\n", fcntl(fd, F_GET_SEALS));
    int pfd[2];
    if (pipe(pfd) < 0) fail("pipe");
    say("pipe F_GET_SEALS: %s\n", res(fcntl(pfd[0], F_GET_SEALS)));
    return 0;
}

/*
 * mm_code_remap.c - IDEA: code mapped where other code was must run as
 * itself. Two tiny leaf functions (one returns 1, the other 2: position
 * independent on every arch) are copied into a memfd, which is mapped
 * PROT_EXEC at one fixed address, called, unmapped, and then the other
 * function's copy is mapped at the same address and called. The bytes
 * arrive through a file mapping, not through guest stores, so an emulator
 * must drop the code it translated for the address when it is unmapped
 * (clonemu with Unicorn 2.0.1 once kept running the first function).
 */
#include "common.h"

#include <sys/mman.h>

#define AT   ((void *)0x70000000UL)
#define COPY 64 /* bytes copied from each function: more than it needs */

__attribute__((noinline, aligned(64))) static int one(void)
{
    return 1;
}

__attribute__((noinline, aligned(64))) static int two(void)
{
    return 2;
}

static int call_copy_of(int (*fn)(void))
{
    int fd = memfd_create("code", MFD_CLOEXEC);
    if (fd < 0) fail("memfd_create");
    unsigned char buf[COPY];
    memcpy(buf, (const void *)fn, sizeof buf);
    if (write(fd, buf, sizeof buf) != (ssize_t)sizeof buf) fail("write");
    void *p = mmap(AT, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, fd, 0);
    if (p == MAP_FAILED) fail("mmap");
    close(fd);
    int r = ((int (*)(void))p)();
    if (munmap(p, 4096) < 0) fail("munmap");
    return r;
}

int main(void)
{
    say("the originals return %d and %d\n", one(), two());
    for (int round = 0; round < 3; round++) {
        int a = call_copy_of(one);
        int b = call_copy_of(two);
        say("round %d: copy of one returns %d, copy of two at the same address returns %d\n", round,
            a, b);
    }
    return 0;
}

/* Shared pieces of the fuzz targets (docs/fuzzing.md): the libFuzzer entry
 * every target defines, and a host file system with no host behind it. */
#ifndef CLONEMU_FUZZ_H
#define CLONEMU_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "kernel-model/hostfs.h"
#include "kernel-model/km.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A read-only file system of a few fixed entries ("/", "/etc", "/tmp",
 * "/etc/hostname", "/bin/true" a symlink to "/etc/hostname"): the syscall
 * fuzzer must never touch the host's files. Writes give EROFS. */
extern const struct km_hostfs fuzz_hostfs;
void fuzz_hostfs_reset(void); /* closes every handle */

#endif

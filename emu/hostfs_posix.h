/* The POSIX implementation of struct km_hostfs (kernel-model/hostfs.h):
 * the one place where host errno becomes -LX_E*. Handles are host file
 * descriptors; 0, 1 and 2 are the host's stdio, open from the start. */
#ifndef CLONEMU_HOSTFS_POSIX_H
#define CLONEMU_HOSTFS_POSIX_H

#include "kernel-model/hostfs.h"

/* Fill fs with the POSIX ops and a fresh context. 0 or -LX_ENOMEM. */
int hostfs_posix_init(struct km_hostfs *fs);
/* Close directory streams still open and free the context. Host fds the
 * model left open are closed too, except 0, 1 and 2. */
void hostfs_posix_fini(struct km_hostfs *fs);

/* Confine every path op to host directory dir (and the others added):
 * from now on a path must start with one of them (else EACCES) and no
 * host symlink or ".." is followed below it (see hostfs.c). 0 or -LX_E*. */
int hostfs_posix_add_root(struct km_hostfs *fs, const char *dir);

/* Host errno -> negative Linux errno (-LX_EIO for one we do not model). */
int hostfs_errno_to_lx(int host_errno);

#endif

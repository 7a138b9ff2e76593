/* The unit tests' names for the CPU-less model host, which lives in
 * kernel-model/bare_host.h (clonemu explain boots the same one). */
#ifndef CLONEMU_FAKE_HOST_H
#define CLONEMU_FAKE_HOST_H

#include "kernel-model/bare_host.h"

#define fake_cpu      km_bare_cpu
#define fake_host     km_bare_host
#define fake_boot     km_bare_boot
#define fake_shutdown km_bare_shutdown

#endif

/* The fake host is kernel-model/bare_host.c; this unit keeps the
 * unit_support library (tests/unit/CMakeLists.txt) non-empty. */
#include "tests/unit/support/fake_host.h"

const struct km_host *fake_host_ptr(void);
const struct km_host *fake_host_ptr(void)
{
    return &fake_host;
}

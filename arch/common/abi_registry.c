/* The arches compiled in, looked up by ELF e_machine or by name. */
#include "kernel-model/abi.h"

static const struct km_abi *const km_abi_all[] = {
    &km_abi_x86_64,
    &km_abi_aarch64,
    &km_abi_s390x,
    &km_abi_ia64lite,
};
#define KM_ABI_COUNT (sizeof(km_abi_all) / sizeof(km_abi_all[0]))

/* Other spellings users type for --arch; the canonical one is km_abi.name. */
static const struct {
    const char *alias, *name;
} km_abi_aliases[] = {
    {"x86-64", "x86_64"}, {"amd64", "x86_64"},  {"arm64", "aarch64"},
    {"s390", "s390x"},    {"ia64lite", "ia64"}, {"ia64-lite", "ia64"},
};

const struct km_abi *km_abi_by_machine(u16 e_machine)
{
    for (size_t i = 0; i < KM_ABI_COUNT; i++)
        if (km_abi_all[i]->elf_machine == e_machine) return km_abi_all[i];
    return NULL;
}

const struct km_abi *km_abi_by_name(const char *name)
{
    if (!name) return NULL;
    for (size_t i = 0; i < sizeof(km_abi_aliases) / sizeof(km_abi_aliases[0]); i++)
        if (strcmp(name, km_abi_aliases[i].alias) == 0) name = km_abi_aliases[i].name;
    for (size_t i = 0; i < KM_ABI_COUNT; i++)
        if (strcmp(name, km_abi_all[i]->name) == 0) return km_abi_all[i];
    return NULL;
}

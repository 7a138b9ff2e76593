/* ia64_dis FILE BASE: disassembles the raw bundles of FILE (the .text
 * section as `objcopy -O binary` writes it) loaded at address BASE, one
 * line per slot, in the normalised form tests/ia64lite/disasm-check.sh
 * gives objdump's output: "[MII] text" for slot 0, "text" for the others,
 * nothing for the L slot of an MLX bundle. */
#include "arch/ia64lite/ia64_insn.h"

#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: ia64_dis FILE BASE\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    uint64_t ip = strtoull(argv[2], NULL, 0);
    uint8_t bytes[16];
    while (fread(bytes, 1, 16, f) == 16) {
        struct ia64_bundle b;
        char text[160];
        ia64_decode_bundle(bytes, ip, &b);
        for (int i = 0; i < 3; i++) {
            if (!ia64_disasm_slot(&b, i, text, sizeof text)) continue;
            if (i == 0)
                printf("%s %s\n", ia64_template_name(b.tmpl), text);
            else
                printf("%s\n", text);
        }
        ip += 16;
    }
    fclose(f);
    return 0;
}

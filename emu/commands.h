/* clonemu's subcommands other than `run` (main.c dispatches to them).
 * Each takes argv with argv[0] = the subcommand's name, parses its own
 * options (GNU style, --help) and returns the exit status. */
#ifndef CLONEMU_EMU_COMMANDS_H
#define CLONEMU_EMU_COMMANDS_H

/* clonemu explain [--clone3|--clone|--unshare] [--arch A] FLAGS (explain.c) */
int cmd_explain(int argc, char **argv);

/* clonemu demo [--arch=ARCH] [NAME] (demo.c) */
int cmd_demo(int argc, char **argv);

#endif

/* `clonemu viz`: the viewer's command line (app.c). */
#ifndef VIZ_APP_H
#define VIZ_APP_H

/* argv[0] is "viz". Returns the exit status. */
int viz_main(int argc, char **argv);

#endif

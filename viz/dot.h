/* The scene as Graphviz DOT (pure C, no SDL). */
#ifndef VIZ_DOT_H
#define VIZ_DOT_H

#include <stdio.h>

#include "viz/layout.h"

void viz_dot_write(FILE *f, const struct viz_scene *s, const struct viz_layout_opts *o);

#endif

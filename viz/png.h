/* PNG files through libpng (Debian libpng-dev): 8-bit RGBA, rows top down. */
#ifndef VIZ_PNG_H
#define VIZ_PNG_H

#include <stdint.h>

/* 0, or -1 with a message on stderr. */
int viz_png_write(const char *path, const uint8_t *rgba, int w, int h, int stride);
/* A malloc'd RGBA buffer (stride 4*w), or NULL. */
uint8_t *viz_png_read(const char *path, int *w, int *h);

#endif

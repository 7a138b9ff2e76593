/* PNG read/write with libpng's simplified API (png.h). */
#include "viz/png.h"

#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int viz_png_write(const char *path, const uint8_t *rgba, int w, int h, int stride)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    img.width = (png_uint_32)w;
    img.height = (png_uint_32)h;
    img.format = PNG_FORMAT_RGBA;
    if (!png_image_write_to_file(&img, path, 0, rgba, stride, NULL)) {
        fprintf(stderr, "clonemu viz: %s: %s\n", path, img.message);
        return -1;
    }
    return 0;
}

uint8_t *viz_png_read(const char *path, int *w, int *h)
{
    png_image img;
    memset(&img, 0, sizeof img);
    img.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&img, path)) return NULL;
    img.format = PNG_FORMAT_RGBA;
    uint8_t *buf = malloc(PNG_IMAGE_SIZE(img));
    if (!buf || !png_image_finish_read(&img, NULL, buf, 0, NULL)) {
        free(buf);
        png_image_free(&img);
        return NULL;
    }
    *w = (int)img.width;
    *h = (int)img.height;
    return buf;
}

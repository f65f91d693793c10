/*
 * carve_images.h — the image carvers of plugins/carve-images, one plugin
 * each.  Each format's file defines its descriptor; entry.c makes it the
 * plugin's entry point (the build names which), and tests call these
 * directly.
 */
#ifndef EXHIBIT_CARVE_IMAGES_H
#define EXHIBIT_CARVE_IMAGES_H

#include "exhibit/plugin.h"

const exhibit_plugin *carve_jpeg_plugin(void); /* jpeg.c */
const exhibit_plugin *carve_png_plugin(void);  /* png.c */
const exhibit_plugin *carve_gif_plugin(void);  /* gif.c */
const exhibit_plugin *carve_bmp_plugin(void);  /* bmp.c */
const exhibit_plugin *carve_webp_plugin(void); /* webp.c */
const exhibit_plugin *carve_heif_plugin(void); /* heif.c */
const exhibit_plugin *carve_tiff_plugin(void); /* tiff.c */

#endif

#include "carve_data.h"
static int hc(void *s, const unsigned char *b, size_t l, size_t g, exhibit_carve_header *o) { (void)s;(void)b;(void)l;(void)g;(void)o; return EXHIBIT_CARVE_REJECT; }
static const unsigned char sig[] = "XXXXTEMP";
static const exhibit_signature sigs[] = { { 0, sig, 8 } };
static const exhibit_carver c = { 8, 8, 0, 0, hc, NULL, NULL };
const exhibit_plugin carve_pdf_plugin = { EXHIBIT_ABI_VERSION, "t", "t", "t", EXHIBIT_PLUGIN_CARVER, NULL, NULL, sigs, 1, NULL, NULL, &c };

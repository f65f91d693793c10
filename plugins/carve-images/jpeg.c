/*
 * jpeg.c — the "carve-jpeg" carver: JPEG/JFIF/EXIF files (ITU-T T.81),
 * with the images a Multi-Picture Format index (CIPA DC-007) says follow
 * the first one (MPO stereo pairs, the gain map of an Ultra HDR photo).
 *
 * data_check walks the markers from SOI: every segment's length, the
 * tables (DQT entries non-zero, DHT code counts that fit the code space),
 * one frame header (SOFn) whose components and sampling factors are sane,
 * scan headers (SOS) that name frame components in order and tables that
 * exist, DRI and DNL; markers only where T.81 allows them.  The
 * entropy-coded data after each SOS is checked by jpeg_scan.c.  The image
 * ends at the EOI after its last scan; APPn and COM contents are skipped
 * by their lengths, so an EXIF thumbnail inside APP1 neither ends the file
 * nor is seen.  Hierarchical (DHP, differential frames) and JPEG-LS files
 * are not carved.
 *
 * A JPEG that never ends ends anyway: at most MAX_MARKERS markers, MAX_SCANS
 * scans and MAX_FILL_BYTES fill bytes in a row, and max_size bytes.
 *
 * validate re-reads the first and last bytes: data_check has seen every
 * byte of the candidate (fragments joined) and judged its structure.  A
 * progressive candidate is also read whole and its AC scans decoded with
 * each block's history (jpeg_progressive.h), which data_check cannot keep.
 * continuation_reject rules out a second fragment that would meet a
 * marker no scan allows before any marker that may.
 */
#include <stdlib.h>
#include <string.h>

#include "carve_images.h"
#include "carve_stream.h"
#include "jpeg_progressive.h"
#include "jpeg_scan.h"

#define MAX_MARKERS 10000
#define MAX_SCANS 1000
#define MAX_FILL_BYTES 4096
#define MAX_MORE_IMAGES 8          /* MPF images after the first one */
#define MAX_MPF_GAP (64u * 1024)   /* between an image's EOI and the next image */
#define MPF_READ 512               /* bytes of an APP2 segment read for an MPF index */
#define JPEG_MAX_SIZE (256ull << 20)
/* validate reads a progressive candidate whole (jpeg_progressive.h) up to
 * this size; the frame header is looked for in its first bytes. */
#define PROGRESSIVE_CHECK_MAX ((uint64_t)64 << 20)
#define PROGRESSIVE_PEEK (256u << 10)

/* What the record asked for is. */
enum phase {
	P_SOI = 0,     /* 2 bytes: FF D8 */
	P_MARKER_FF,   /* 1 byte: FF */
	P_MARKER_CODE, /* 1 byte: the marker code (or fill) */
	P_LENGTH,      /* 2 bytes: a segment's length */
	P_SOF,         /* the frame header */
	P_SOS,         /* the scan header */
	P_DQT_HEAD,    /* 1 byte: precision and id of a quantization table */
	P_DQT_BODY,    /* its 64 entries */
	P_DHT_HEAD,    /* 17 bytes: class, id and code counts of a Huffman table */
	P_DHT_BODY,    /* its symbols */
	P_DRI,         /* 2 bytes: the restart interval */
	P_DNL,         /* 2 bytes: the number of lines */
	P_APP2,        /* the start of an APP2 segment: an MPF index? */
	P_SKIPPED,     /* 0 bytes: the segment's end was reached */
	P_SCAN         /* entropy-coded data: jpeg_scan_feed() */
};

typedef struct jpeg_state {
	carve_stream cs;
	unsigned char rec[MPF_READ];
	uint8_t phase;
	uint8_t marker;          /* the marker being handled */
	uint64_t marker_at;      /* offset of its 0xFF */
	uint64_t seg_end;        /* end of the current segment */
	uint32_t markers, scans;
	uint16_t fill;

	/* The image being walked (the first, or one an MPF index announced). */
	uint64_t image_start;
	uint8_t sof;             /* its SOFn code, 0: none yet */
	uint8_t precision;
	uint16_t width, height;
	uint8_t n_comp, hmax, vmax;
	uint8_t comp_id[JPEG_MAX_COMPONENTS], h[JPEG_MAX_COMPONENTS], v[JPEG_MAX_COMPONENTS];
	uint8_t scanned;         /* frame components seen in a scan (bit mask) */
	uint16_t restart;
	uint8_t dht_class, dht_id, dht_counts[16];
	uint8_t dqt_precision;
	uint8_t in_ecs;          /* after a scan's data: expect no new SOF */

	/* Images an MPF index announced, by offset. */
	uint8_t n_more, next_more;
	uint64_t more_start[MAX_MORE_IMAGES];

	jpeg_scan scan;
} jpeg_state;

static int error_at(uint64_t at, uint64_t *end)
{
	*end = at;
	return EXHIBIT_CARVE_ERROR;
}

static int is_sof(unsigned m)
{
	return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

static int is_huffman_frame(unsigned sof)
{
	return sof <= 0xC3;
}

/* Start walking an image whose SOI is at offset at. */
static void begin_image(jpeg_state *s, uint64_t at)
{
	s->image_start = at;
	s->sof = 0;
	s->scanned = 0;
	s->restart = 0;
	s->height = s->width = 0;
	s->in_ecs = 0;
	for (unsigned i = 0; i < 4; i++)
		s->scan.dc[i].defined = s->scan.ac[i].defined = 0;
	s->phase = P_SOI;
	carve_want_bytes(&s->cs, at, 2);
}

static void next_marker(jpeg_state *s, uint64_t at)
{
	s->phase = P_MARKER_FF;
	carve_want_bytes(&s->cs, at, 1);
}

/* The segment body ends at seg_end: skip what is left of it. */
static void skip_rest(jpeg_state *s)
{
	s->phase = P_SKIPPED;
	carve_want_bytes(&s->cs, s->seg_end, 0);
}

/* ---- the frame ---------------------------------------------------------------- */

static int frame_header(jpeg_state *s, const unsigned char *b, uint32_t n, uint64_t at,
                        uint64_t *end)
{
	unsigned nf, p = b[0];
	int dct = s->marker != 0xC3 && s->marker != 0xCB;

	if (s->marker == 0xC0 ? p != 8 : dct ? p != 8 && p != 12 : p < 2 || p > 16)
		return error_at(at, end);
	nf = b[5];
	if (nf < 1 || nf > JPEG_MAX_COMPONENTS || n != 6 + 3 * nf)
		return error_at(at + 5, end);
	s->precision = (uint8_t)p;
	s->height = carve_be16(b + 1);
	s->width = carve_be16(b + 3);
	if (s->width == 0)
		return error_at(at + 3, end);
	s->n_comp = (uint8_t)nf;
	s->hmax = s->vmax = 1;
	for (unsigned i = 0; i < nf; i++) {
		const unsigned char *c = b + 6 + 3 * i;
		unsigned h = c[1] >> 4, v = c[1] & 15;
		if (h < 1 || h > 4 || v < 1 || v > 4 || c[2] > 3)
			return error_at(at + 6 + 3 * i, end);
		for (unsigned j = 0; j < i; j++)
			if (s->comp_id[j] == c[0])
				return error_at(at + 6 + 3 * i, end);
		s->comp_id[i] = c[0];
		s->h[i] = (uint8_t)h;
		s->v[i] = (uint8_t)v;
		if (h > s->hmax)
			s->hmax = (uint8_t)h;
		if (v > s->vmax)
			s->vmax = (uint8_t)v;
	}
	s->sof = s->marker;
	return EXHIBIT_CARVE_CONTINUE;
}

static uint32_t ceil_div(uint32_t a, uint32_t b)
{
	return (a + b - 1) / b;
}

/* The scan's MCUs and blocks per MCU (T.81 A.2), for components
 * index[0..ns) of the frame. */
static int scan_layout(const jpeg_state *s, const unsigned *index, unsigned ns,
                       jpeg_scan_setup *u)
{
	u->n_blocks = 0;
	if (ns == 1) {
		unsigned c = index[0];
		u->mcus = jpeg_component_blocks(s->width, s->height, s->h[c], s->v[c], s->hmax, s->vmax);
		u->block_component[u->n_blocks++] = 0;
		return 0;
	}
	u->mcus = ceil_div(s->width, 8u * s->hmax) * ceil_div(s->height, 8u * s->vmax);
	for (unsigned i = 0; i < ns; i++) {
		unsigned blocks = (unsigned)s->h[index[i]] * s->v[index[i]];
		if (u->n_blocks + blocks > JPEG_MAX_BLOCKS_IN_MCU)
			return -1;
		for (unsigned b = 0; b < blocks; b++)
			u->block_component[u->n_blocks++] = (uint8_t)i;
	}
	return 0;
}

/* scan_kind — how the scan's data is checked, or -1 for a header that
 * does not fit the frame's mode. */
static int scan_kind(const jpeg_state *s, unsigned ns, unsigned ss, unsigned se, unsigned ah,
                     unsigned al)
{
	switch (s->sof) {
	case 0xC0:
	case 0xC1:
		return JPEG_SCAN_SEQUENTIAL; /* libjpeg too tolerates odd Ss, Se, Ah, Al here */
	case 0xC2:
	case 0xCA:
		if (ss > se || se > 63 || (ss == 0) != (se == 0) || (ss > 0 && ns != 1) || ah > 13 ||
		    al > 13 || (ah && al != ah - 1))
			return -1;
		if (s->sof == 0xCA)
			return JPEG_SCAN_BYTES;
		return ss == 0 ? (ah ? JPEG_SCAN_DC_REFINE : JPEG_SCAN_DC_FIRST)
		               : (ah ? JPEG_SCAN_BYTES : JPEG_SCAN_AC_FIRST);
	case 0xC3:
	case 0xCB:
		return ss >= 1 && ss <= 7 && se == 0 && ah == 0 && al < s->precision ? JPEG_SCAN_BYTES
		                                                                      : -1;
	default:
		return JPEG_SCAN_BYTES;
	}
}

static int scan_header(jpeg_state *s, const unsigned char *b, uint32_t n, uint64_t at,
                       uint64_t *end)
{
	jpeg_scan_setup u;
	unsigned ns = b[0], index[JPEG_MAX_COMPONENTS], last = 0;
	int kind;

	memset(&u, 0, sizeof u);
	if (ns < 1 || ns > JPEG_MAX_COMPONENTS || n != 4 + 2 * ns)
		return error_at(at, end);
	for (unsigned i = 0; i < ns; i++) {
		unsigned id = b[1 + 2 * i], td = b[2 + 2 * i] >> 4, ta = b[2 + 2 * i] & 15, c;
		for (c = 0; c < s->n_comp && s->comp_id[c] != id; c++)
			;
		if (c == s->n_comp || (i && c <= last) || td > 3 || ta > 3 ||
		    (s->sof == 0xC0 && (td > 1 || ta > 1)))
			return error_at(at + 1 + 2 * i, end);
		index[i] = last = c;
		u.dc_table[i] = (uint8_t)td;
		u.ac_table[i] = (uint8_t)ta;
	}
	kind = scan_kind(s, ns, b[1 + 2 * ns], b[2 + 2 * ns], b[3 + 2 * ns] >> 4,
	                 b[3 + 2 * ns] & 15);
	if (kind < 0)
		return error_at(at + 1 + 2 * ns, end);
	if (is_huffman_frame(s->sof))
		for (unsigned i = 0; i < ns; i++) {
			int needs_dc = kind == JPEG_SCAN_SEQUENTIAL || kind == JPEG_SCAN_DC_FIRST ||
			               s->sof == 0xC3;
			int needs_ac = kind == JPEG_SCAN_SEQUENTIAL || kind == JPEG_SCAN_AC_FIRST ||
			               (s->sof == 0xC2 && b[1 + 2 * ns] > 0);
			if ((needs_dc && !s->scan.dc[u.dc_table[i]].defined) ||
			    (needs_ac && !s->scan.ac[u.ac_table[i]].defined))
				return error_at(at + 2 + 2 * i, end);
		}
	if (scan_layout(s, index, ns, &u) < 0)
		return error_at(at, end);
	for (unsigned i = 0; i < ns; i++)
		s->scanned |= (uint8_t)(1u << index[i]);
	u.kind = kind;
	u.precision = s->precision;
	u.ss = b[1 + 2 * ns];
	u.se = b[2 + 2 * ns];
	u.restart = s->restart;
	if (!s->height)
		u.mcus = 0; /* the DNL segment after the first scan tells */
	jpeg_scan_start(&s->scan, &u);
	s->phase = P_SCAN;
	s->in_ecs = 1;
	carve_want_stream(&s->cs, s->seg_end, CARVE_UNBOUNDED);
	return EXHIBIT_CARVE_CONTINUE;
}

/* ---- tables ------------------------------------------------------------------- */

static int dqt_head(jpeg_state *s, unsigned b, uint64_t at, uint64_t *end)
{
	unsigned size = (b >> 4) ? 128 : 64;

	if ((b >> 4) > 1 || (b & 15) > 3 || at + 1 + size > s->seg_end)
		return error_at(at, end);
	s->dqt_precision = (uint8_t)(b >> 4);
	s->phase = P_DQT_BODY;
	carve_want_bytes(&s->cs, at + 1, size);
	return EXHIBIT_CARVE_CONTINUE;
}

static int dqt_body(jpeg_state *s, const unsigned char *b, uint64_t at, uint64_t *end)
{
	unsigned n = s->dqt_precision ? 128 : 64;

	for (unsigned i = 0; i < n; i += 1 + s->dqt_precision)
		if (b[i] == 0 && (!s->dqt_precision || b[i + 1] == 0))
			return error_at(at + i, end);
	if (at + n == s->seg_end) {
		next_marker(s, s->seg_end);
	} else {
		s->phase = P_DQT_HEAD;
		carve_want_bytes(&s->cs, at + n, 1);
	}
	return EXHIBIT_CARVE_CONTINUE;
}

static int dht_head(jpeg_state *s, const unsigned char *b, uint64_t at, uint64_t *end)
{
	unsigned total = 0;

	if ((b[0] >> 4) > 1 || (b[0] & 15) > 3)
		return error_at(at, end);
	for (unsigned i = 0; i < 16; i++)
		total += b[1 + i];
	if (total == 0 || total > 256 || at + 17 + total > s->seg_end)
		return error_at(at + 1, end);
	s->dht_class = b[0] >> 4;
	s->dht_id = b[0] & 15;
	memcpy(s->dht_counts, b + 1, 16);
	s->phase = P_DHT_BODY;
	carve_want_bytes(&s->cs, at + 17, total);
	return EXHIBIT_CARVE_CONTINUE;
}

static int dht_body(jpeg_state *s, const unsigned char *b, uint32_t n, uint64_t at,
                    uint64_t *end)
{
	jpeg_huffman *t = s->dht_class ? &s->scan.ac[s->dht_id] : &s->scan.dc[s->dht_id];

	if (jpeg_huffman_build(t, s->dht_class, s->dht_counts, b, n) < 0)
		return error_at(at - 17, end);
	if (at + n == s->seg_end) {
		next_marker(s, s->seg_end);
	} else {
		s->phase = P_DHT_HEAD;
		carve_want_bytes(&s->cs, at + n, 17);
	}
	return EXHIBIT_CARVE_CONTINUE;
}

/* ---- Multi-Picture Format ------------------------------------------------------- */

static uint32_t mpf32(const unsigned char *p, int le)
{
	return le ? carve_le32(p) : carve_be32(p);
}

/* mpf_index — an APP2 segment's first n bytes, at offset at: when it is an
 * MPF index, note where the other images start.  A malformed index is
 * ignored: the first image is a JPEG either way. */
static void mpf_index(jpeg_state *s, const unsigned char *b, uint32_t n, uint64_t at)
{
	const unsigned char *t = b + 4; /* the TIFF-like header offsets count from */
	uint32_t tn = n - 4, ifd, count;
	int le;

	if (n < 16 || memcmp(b, "MPF\0", 4) != 0 || s->image_start != 0)
		return;
	if (!memcmp(t, "II*\0", 4))
		le = 1;
	else if (!memcmp(t, "MM\0*", 4))
		le = 0;
	else
		return;
	ifd = mpf32(t + 4, le);
	if (ifd < 8 || ifd > tn - 2)
		return;
	count = le ? carve_le16(t + ifd) : carve_be16(t + ifd);
	for (uint32_t i = 0; i < count && ifd + 2 + 12 * (i + 1) <= tn; i++) {
		const unsigned char *e = t + ifd + 2 + 12 * i;
		uint32_t tag = le ? carve_le16(e) : carve_be16(e), len = mpf32(e + 4, le);
		uint32_t off = mpf32(e + 8, le);
		if (tag != 0xB002 || len % 16 || off > tn || len > tn - off)
			continue;
		s->n_more = 0;
		for (uint32_t j = 0; j < len / 16 && s->n_more < MAX_MORE_IMAGES; j++) {
			const unsigned char *m = t + off + 16 * j;
			uint64_t start = at + 4 + mpf32(m + 8, le);
			if (mpf32(m + 8, le) == 0 || mpf32(m + 4, le) < 64 || start >= JPEG_MAX_SIZE)
				continue;
			/* kept in order of offset */
			unsigned k = s->n_more++;
			while (k > 0 && s->more_start[k - 1] > start) {
				s->more_start[k] = s->more_start[k - 1];
				k--;
			}
			s->more_start[k] = start;
		}
		return;
	}
}

/* ---- markers -------------------------------------------------------------------- */

/* image_end — the EOI of an image ends at eoi_end: the file ends, or the
 * next image an MPF index announced follows. */
static int image_end(jpeg_state *s, uint64_t eoi_end, uint64_t *end)
{
	while (s->next_more < s->n_more && s->more_start[s->next_more] < eoi_end)
		s->next_more++;
	if (s->next_more < s->n_more && s->more_start[s->next_more] - eoi_end <= MAX_MPF_GAP) {
		begin_image(s, s->more_start[s->next_more++]);
		return EXHIBIT_CARVE_CONTINUE;
	}
	*end = eoi_end;
	return EXHIBIT_CARVE_END;
}

/* All components were scanned (every progressive component at least once). */
static int image_complete(const jpeg_state *s)
{
	return s->sof && s->scans && s->scanned == (1u << s->n_comp) - 1;
}

static int marker(jpeg_state *s, unsigned m, uint64_t at, uint64_t *end)
{
	s->marker = (uint8_t)m;
	s->marker_at = at;
	if (++s->markers > MAX_MARKERS)
		return error_at(at, end);
	if (m == 0xD9) {
		if (!image_complete(s))
			return error_at(at, end);
		return image_end(s, at + 2, end);
	}
	if (m == 0x01) { /* TEM: no length */
		next_marker(s, at + 2);
		return EXHIBIT_CARVE_CONTINUE;
	}
	if (is_sof(m)) {
		if (s->sof || m == 0xC5 || m == 0xC6 || m == 0xC7 || m >= 0xCD)
			return error_at(at, end); /* a second frame, or a hierarchical one */
	} else if (m == 0xDA) {
		if (!s->sof || ++s->scans > MAX_SCANS)
			return error_at(at, end);
	} else if (m == 0xDC) {
		if (!s->in_ecs || s->height)
			return error_at(at, end);
	} else if (m != 0xC4 && m != 0xCC && m != 0xDB && m != 0xDD && m != 0xFE &&
	           (m < 0xE0 || m > 0xEF)) {
		return error_at(at, end); /* SOI, RSTn, DHP, EXP, JPGn, reserved */
	}
	s->phase = P_LENGTH;
	carve_want_bytes(&s->cs, at + 2, 2);
	return EXHIBIT_CARVE_CONTINUE;
}

/* segment — the marker's segment is length bytes long (its length field
 * included): read what of it is checked. */
static int segment(jpeg_state *s, uint32_t length, uint64_t at, uint64_t *end)
{
	uint32_t body = length - 2;
	unsigned m = s->marker;

	if (length < 2)
		return error_at(at, end);
	s->seg_end = at + length;
	if (is_sof(m)) {
		s->phase = P_SOF;
		if (body < 6 || body > 6 + 3 * JPEG_MAX_COMPONENTS)
			return error_at(at, end);
	} else if (m == 0xDA) {
		s->phase = P_SOS;
		if (body < 6 || body > 4 + 2 * JPEG_MAX_COMPONENTS)
			return error_at(at, end);
	} else if (m == 0xDB || m == 0xC4) {
		s->phase = m == 0xDB ? P_DQT_HEAD : P_DHT_HEAD;
		if (body < (m == 0xDB ? 65u : 17u))
			return error_at(at, end);
		body = m == 0xDB ? 1 : 17;
	} else if (m == 0xDD || m == 0xDC) {
		s->phase = m == 0xDD ? P_DRI : P_DNL;
		if (body != 2)
			return error_at(at, end);
	} else if (m == 0xE2 && s->image_start == 0 && body >= 16) {
		s->phase = P_APP2;
		if (body > MPF_READ)
			body = MPF_READ;
	} else {
		if (m == 0xCC && body % 2)
			return error_at(at, end);
		skip_rest(s);
		return EXHIBIT_CARVE_CONTINUE;
	}
	carve_want_bytes(&s->cs, at + 2, body);
	return EXHIBIT_CARVE_CONTINUE;
}

static int step(void *state, const unsigned char *b, uint64_t *end)
{
	jpeg_state *s = state;
	uint64_t at = s->cs.start;
	uint32_t n = s->cs.need;
	int rc;

	switch (s->phase) {
	case P_SOI:
		if (b[0] != 0xFF || b[1] != 0xD8)
			return error_at(at, end);
		s->marker_at = at;
		s->markers++;
		next_marker(s, at + 2);
		return EXHIBIT_CARVE_CONTINUE;
	case P_MARKER_FF:
		if (b[0] != 0xFF)
			return error_at(at, end);
		s->fill = 0;
		s->phase = P_MARKER_CODE;
		carve_want_bytes(&s->cs, at + 1, 1);
		return EXHIBIT_CARVE_CONTINUE;
	case P_MARKER_CODE:
		if (b[0] == 0xFF) { /* fill */
			if (++s->fill > MAX_FILL_BYTES)
				return error_at(at, end);
			carve_want_bytes(&s->cs, at + 1, 1);
			return EXHIBIT_CARVE_CONTINUE;
		}
		return marker(s, b[0], at - 1, end);
	case P_LENGTH:
		return segment(s, carve_be16(b), at, end);
	case P_SOF:
		rc = frame_header(s, b, n, at, end);
		if (rc == EXHIBIT_CARVE_CONTINUE)
			next_marker(s, s->seg_end);
		return rc;
	case P_SOS:
		return scan_header(s, b, n, at, end);
	case P_DQT_HEAD:
		return dqt_head(s, b[0], at, end);
	case P_DQT_BODY:
		return dqt_body(s, b, at, end);
	case P_DHT_HEAD:
		return dht_head(s, b, at, end);
	case P_DHT_BODY:
		return dht_body(s, b, n, at, end);
	case P_DRI:
		s->restart = carve_be16(b);
		next_marker(s, s->seg_end);
		return EXHIBIT_CARVE_CONTINUE;
	case P_DNL:
		s->height = carve_be16(b);
		if (!s->height)
			return error_at(at, end);
		next_marker(s, s->seg_end);
		return EXHIBIT_CARVE_CONTINUE;
	case P_APP2:
		mpf_index(s, b, n, at);
		skip_rest(s);
		return EXHIBIT_CARVE_CONTINUE;
	case P_SKIPPED:
		next_marker(s, s->seg_end);
		return EXHIBIT_CARVE_CONTINUE;
	default: /* P_SCAN: the scan's data ended at a marker */
		/* A scan checked at the byte level ends at any marker, so one
		 * in garbage would pass for its end: after such a scan, only
		 * the markers encoders write there are taken. */
		if (s->scan.setup.kind == JPEG_SCAN_BYTES && s->scan.marker >= 0xE0 &&
		    s->scan.marker <= 0xEF)
			return error_at(s->scan.marker_at, end);
		return marker(s, s->scan.marker, s->scan.marker_at, end);
	}
}

static int scan(void *state, uint64_t pos, const unsigned char *p, size_t n, size_t *used,
                uint64_t *bad)
{
	return jpeg_scan_feed(&((jpeg_state *)state)->scan, pos, p, n, used, bad);
}

static const carve_parser parser = { step, scan, MPF_READ };

/* ---- the carver ------------------------------------------------------------------ */

/* Markers a JPEG may start with after its SOI. */
static int first_marker(unsigned m)
{
	return (m >= 0xE0 && m <= 0xEF) || m == 0xDB || m == 0xC4 || m == 0xC0 || m == 0xC1 ||
	       m == 0xC2 || m == 0xDD || m == 0xFE;
}

static int header_check(void *state, const unsigned char *buf, size_t len, size_t signature,
                        exhibit_carve_header *out)
{
	jpeg_state *s = state;

	(void)signature;
	if (len < 6 || buf[0] != 0xFF || buf[1] != 0xD8 || buf[2] != 0xFF || !first_marker(buf[3]) ||
	    carve_be16(buf + 4) < 2)
		return EXHIBIT_CARVE_REJECT;
	memset(s, 0, sizeof *s);
	begin_image(s, 0);
	out->size = 0;
	out->min_size = 100;
	out->extension = "jpg";
	return EXHIBIT_CARVE_ACCEPT;
}

static int data_check(void *state, uint64_t pos, const unsigned char *buf, size_t len,
                      uint64_t *end)
{
	jpeg_state *s = state;

	return carve_stream_feed(&s->cs, &parser, s, s->rec, pos, buf, len, end);
}

/* progressive_whole — a progressive candidate's AC scans decoded with
 * their history (jpeg_progressive.h), the candidate read into memory.
 * EXHIBIT_OK also when not checked (not progressive, too large). */
static int progressive_whole(const exhibit_host_api *api, exhibit_host *host, uint64_t length,
                             uint64_t *bad_offset)
{
	size_t peek = length < PROGRESSIVE_PEEK ? (size_t)length : PROGRESSIVE_PEEK;
	unsigned char *all, *grown;
	int rc = EXHIBIT_OK;

	/* the frame header first: most JPEGs are not progressive */
	if (length > PROGRESSIVE_CHECK_MAX || !(all = malloc(peek)))
		return EXHIBIT_OK;
	if (api->read(host, 0, all, peek) != (int64_t)peek || !jpeg_is_progressive(all, peek) ||
	    !(grown = realloc(all, (size_t)length))) {
		free(all);
		return EXHIBIT_OK;
	}
	all = grown;
	for (uint64_t at = peek; at < length;) {
		int64_t got = api->read(host, at, all + at, (size_t)(length - at));
		if (got <= 0) {
			free(all);
			return got == EXHIBIT_ERR_LIMIT ? EXHIBIT_OK : (*bad_offset = at, EXHIBIT_ERR_FORMAT);
		}
		at += (uint64_t)got;
	}
	if (jpeg_progressive_check(all, (size_t)length, bad_offset) < 0)
		rc = EXHIBIT_ERR_FORMAT;
	free(all);
	return rc;
}

static int validate(const exhibit_host_api *api, exhibit_host *host, uint64_t length,
                    uint64_t *bad_offset)
{
	unsigned char head[3], tail[2];

	if (length < 4 || api->read(host, 0, head, 3) != 3 || api->read(host, length - 2, tail, 2) != 2)
		return *bad_offset = 0, EXHIBIT_ERR_FORMAT;
	if (head[0] != 0xFF || head[1] != 0xD8 || head[2] != 0xFF) {
		*bad_offset = 0;
		return EXHIBIT_ERR_FORMAT;
	}
	if (tail[0] != 0xFF || tail[1] != 0xD9) {
		*bad_offset = length - 2;
		return EXHIBIT_ERR_FORMAT;
	}
	return progressive_whole(api, host, length, bad_offset);
}

/* A second fragment can only be judged cheaply inside a scan's data:
 * elsewhere (a segment, a table) every start is tried. */
static int continuation_reject(const void *state, uint64_t pos, const unsigned char *buf,
                               size_t len)
{
	const jpeg_state *s = state;

	if (s->phase != P_SCAN || s->cs.want != CARVE_WANT_STREAM || s->cs.at != pos)
		return 0;
	return jpeg_scan_cannot_go_on(&s->scan, buf, len);
}

#define SIG(m) { 0, (const unsigned char *)"\xFF\xD8\xFF" m, 4 }
static const exhibit_signature signatures[] = {
	SIG("\xE0"), SIG("\xE1"), SIG("\xE2"), SIG("\xE3"), SIG("\xE4"), SIG("\xE5"),
	SIG("\xE6"), SIG("\xE7"), SIG("\xE8"), SIG("\xE9"), SIG("\xEA"), SIG("\xEB"),
	SIG("\xEC"), SIG("\xED"), SIG("\xEE"), SIG("\xEF"), SIG("\xDB"), SIG("\xC4"),
	SIG("\xC0"), SIG("\xC1"), SIG("\xC2"), SIG("\xDD"), SIG("\xFE"),
};

static const exhibit_carver carver = {
	sizeof(jpeg_state), 6, JPEG_MAX_SIZE, 1, header_check, data_check, validate,
	continuation_reject,
};

static EXHIBIT_CARVER_PLUGIN(plugin, "carve-jpeg", "1.0",
	"Carves JPEG files (and MPF image sequences) from unallocated space: markers, tables "
	"and entropy-coded data checked",
	signatures, carver);

const exhibit_plugin *carve_jpeg_plugin(void)
{
	return &plugin;
}

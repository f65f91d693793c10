/*
 * avi.c — the "carve-avi" carver: RIFF files, AVI video (with its
 * OpenDML 'AVIX' continuations beyond 1 GiB) and WAVE audio.
 *
 * Signatures: 'AVI LIST' or 'WAVE' and its usual first chunk ('fmt ',
 * 'bext', 'JUNK') at offset 8, after 'RIFF' and its size.
 *
 * data_check walks the RIFF tree by chunk headers (a four-character id,
 * a little-endian size, the data, a pad byte after odd sizes), skipping
 * every payload: the hdrl lists (counting the streams), and inside 'movi'
 * every media chunk, whose id must name a stream the header declares
 * ('00dc', '01wb', ...) or be an index or padding ('ix00', 'JUNK', a 'rec '
 * list).  A chunk must fit inside its list and the list inside its RIFF,
 * so noise is noticed at the first chunk header it hits: the break is
 * reported at that header.  The file ends where its RIFF does, unless an
 * 'AVIX' RIFF follows; a WAVE needs its 'fmt ' (plausible) and 'data'.
 *
 * validate checks the indexes against the chunks: every idx1 entry, and
 * every OpenDML standard index ('ix##') that the streams' super indexes
 * ('indx') point to, must name a chunk of that id and size at the offset
 * it gives, and a video chunk must open as its codec does (a whole JPEG
 * image for Motion JPEG, a start code for MPEG-4 and H.264); the first
 * that does not is the answer.
 */
#include <string.h>

#include "bytes.h"
#include "carve_common.h"
#include "carve_video.h"

#define AVI_MAX_DEPTH 6
#define AVI_HEADER_LEN 64
#define AVI_MAX_SIZE (64ull << 30)
#define AVI_BUDGET (16u << 20)

enum { SIG_AVI, SIG_WAVE_FMT, SIG_WAVE_BEXT, SIG_WAVE_JUNK };

/* What a RIFF or LIST holds, for the rules on its chunks. */
enum list_kind { LIST_OTHER, LIST_RIFF, LIST_HDRL, LIST_MOVI };

typedef struct avi_state {
	carve_gather head;
	uint64_t next;                 /* candidate offset of the next chunk header */
	uint64_t ends[AVI_MAX_DEPTH];  /* where each open RIFF or LIST ends */
	uint32_t kinds[AVI_MAX_DEPTH];
	uint32_t depth;
	uint32_t wave;                 /* a WAVE file, not an AVI */
	uint32_t streams;              /* strl lists seen in hdrl */
	uint32_t riffs;                /* RIFFs walked (AVI, then AVIX ...) */
	uint32_t seen_movi, seen_fmt, seen_data;
} avi_state;

static bool is_id(const unsigned char *p, const char *id)
{
	return memcmp(p, id, 4) == 0;
}

static bool digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* movi_id — a chunk id a movi list may hold: stream data '##xx' of a
 * stream the header declared, an index 'ix##' / '##ix', padding, a
 * 'rec ' list. */
static bool movi_id(const unsigned char *id, uint32_t streams)
{
	static const char *const kinds[] = { "db", "dc", "wb", "pc", "tx", "sb", "ix", NULL };

	if (digit(id[0]) && digit(id[1])) {
		unsigned n = (unsigned)(id[0] - '0') * 10 + (unsigned)(id[1] - '0');
		if (streams && n >= streams)
			return false;
		for (const char *const *k = kinds; *k; k++)
			if (id[2] == (unsigned char)(*k)[0] && id[3] == (unsigned char)(*k)[1])
				return true;
		return false;
	}
	if (id[0] == 'i' && id[1] == 'x' && digit(id[2]) && digit(id[3]))
		return true;
	return is_id(id, "JUNK") || is_id(id, "LIST");
}

/* fmt_plausible — a WAVE format chunk's first 16 bytes. */
static bool fmt_plausible(const unsigned char *f)
{
	uint16_t tag = le16(f), channels = le16(f + 2), align = le16(f + 12), bits = le16(f + 14);
	uint32_t rate = le32(f + 4);

	return tag != 0 && channels >= 1 && channels <= 64 && rate >= 1 && rate <= 10000000 &&
	       align != 0 && bits <= 64 && (tag != 1 || (bits && align == channels * ((bits + 7) / 8)));
}

static int avi_header_check(void *state, const unsigned char *buf, size_t len, size_t sig,
                            exhibit_carve_header *out)
{
	avi_state *st = state;

	if (len < 32 || !is_id(buf, "RIFF") || le32(buf + 4) < 24)
		return EXHIBIT_CARVE_REJECT;
	memset(st, 0, sizeof *st);
	out->min_size = 44;
	if (sig == SIG_AVI) {
		out->extension = "avi";
		/* hdrl opens with the main AVI header */
		return is_id(buf + 20, "hdrl") && is_id(buf + 24, "avih") && le32(buf + 28) >= 56
		       ? EXHIBIT_CARVE_ACCEPT : EXHIBIT_CARVE_REJECT;
	}
	st->wave = 1;
	out->extension = "wav";
	if (sig == SIG_WAVE_FMT && (len < 36 || le32(buf + 16) < 16 || !fmt_plausible(buf + 20)))
		return EXHIBIT_CARVE_REJECT;
	return EXHIBIT_CARVE_ACCEPT;
}

/* ---- data_check */

static void move_to(avi_state *st, uint64_t next)
{
	st->next = next;
	carve_gather_start(&st->head, next);
}

static bool plausible_whole(const avi_state *st)
{
	return st->wave ? st->seen_fmt && st->seen_data : st->seen_movi;
}

/* Outside every RIFF: an AVIX continuation, or the end of the file. */
static int after_riff(avi_state *st, const unsigned char *h, uint64_t *end)
{
	if (!st->wave && is_id(h, "RIFF") && is_id(h + 8, "AVIX") && le32(h + 4) >= 4) {
		st->kinds[0] = LIST_RIFF;
		st->ends[0] = st->next + 8 + le32(h + 4);
		st->depth = 1;
		st->riffs++;
		move_to(st, st->next + 12);
		return EXHIBIT_CARVE_CONTINUE;
	}
	*end = st->next;
	return plausible_whole(st) ? EXHIBIT_CARVE_END : EXHIBIT_CARVE_ERROR;
}

/* broken — the chunk header at next cannot belong.  Within the first
 * sector no fragment can end (files start on sector boundaries), so
 * there it is no file at all. */
static int broken(const avi_state *st, uint64_t *end)
{
	*end = st->next;
	return st->next < 512 ? EXHIBIT_CARVE_REJECT : EXHIBIT_CARVE_ERROR;
}

/* A chunk (or list) header inside the list at depth - 1; h holds 12
 * bytes for a list, 24 for a WAVE's fmt, else 8. */
static int inside_list(avi_state *st, const unsigned char *h, uint64_t *end)
{
	uint32_t kind = st->kinds[st->depth - 1];
	uint64_t parent_end = st->ends[st->depth - 1], size = le32(h + 4), padded = size + (size & 1);

	if (!carve_fourcc_printable(h) || (kind == LIST_MOVI && !movi_id(h, st->streams)))
		return broken(st, end);
	if (parent_end - st->next < 8 + size)
		return broken(st, end);
	if (padded > parent_end - st->next - 8)
		padded = size; /* the last chunk's pad byte may be left out */
	if (is_id(h, "LIST")) {
		if (size < 4)
			return broken(st, end);
		if (st->depth == AVI_MAX_DEPTH) {
			move_to(st, st->next + 8 + padded);
			return EXHIBIT_CARVE_CONTINUE;
		}
		if (is_id(h + 8, "movi"))
			st->seen_movi = 1;
		if (is_id(h + 8, "strl") && kind == LIST_HDRL)
			st->streams++;
		st->kinds[st->depth] = is_id(h + 8, "movi") || is_id(h + 8, "rec ") ? LIST_MOVI
		                       : is_id(h + 8, "hdrl")                       ? LIST_HDRL
		                                                                     : LIST_OTHER;
		st->ends[st->depth++] = st->next + 8 + size;
		move_to(st, st->next + 12);
		return EXHIBIT_CARVE_CONTINUE;
	}
	if (st->wave && st->depth == 1) {
		if (is_id(h, "fmt ")) {
			if (size < 16 || !fmt_plausible(h + 8))
				return broken(st, end);
			st->seen_fmt = 1;
		} else if (is_id(h, "data")) {
			if (!st->seen_fmt)
				return broken(st, end);
			st->seen_data = 1;
		}
	}
	move_to(st, st->next + 8 + padded);
	return EXHIBIT_CARVE_CONTINUE;
}

/* header_need — bytes of the header at next to gather, once its first
 * 8 are known: 12 for a RIFF or LIST (its type), 24 for a WAVE's fmt. */
static size_t header_need(const avi_state *st, const unsigned char *h)
{
	if (st->depth == 0 || is_id(h, "LIST"))
		return 12;
	if (st->wave && st->depth == 1 && is_id(h, "fmt ") && le32(h + 4) >= 16)
		return 24;
	return 8;
}

static int avi_data_check(void *state, uint64_t pos, const unsigned char *buf, size_t len,
                          uint64_t *end)
{
	avi_state *st = state;
	uint64_t block_end = pos + len;

	if (len == 0) {
		while (st->depth && st->next == st->ends[st->depth - 1] && st->next <= pos)
			st->depth--;
		if (st->depth || st->next > pos) {
			*end = pos;
			return pos < 512 ? EXHIBIT_CARVE_REJECT : EXHIBIT_CARVE_ERROR;
		}
		*end = st->next;
		return plausible_whole(st) ? EXHIBIT_CARVE_END : EXHIBIT_CARVE_ERROR;
	}
	if (st->riffs == 0) {
		/* The first RIFF, as header_check saw it. */
		st->kinds[0] = LIST_RIFF;
		st->ends[0] = 8 + (uint64_t)le32(buf + 4);
		st->depth = 1;
		st->riffs = 1;
		move_to(st, 12);
	}
	while (st->next < block_end) {
		const unsigned char *h;
		int v;

		if (st->depth && st->next == st->ends[st->depth - 1]) {
			st->depth--;
			continue;
		}
		if (st->depth && st->ends[st->depth - 1] - st->next < 8)
			return broken(st, end);
		if (!(h = carve_gather_take(&st->head, pos, buf, len, 8)) ||
		    !(h = carve_gather_take(&st->head, pos, buf, len, header_need(st, h))))
			break;
		v = st->depth ? inside_list(st, h, end) : after_riff(st, h, end);
		if (v != EXHIBIT_CARVE_CONTINUE)
			return v;
	}
	*end = st->next > block_end ? st->next : block_end;
	return EXHIBIT_CARVE_CONTINUE;
}

/* ---- validate: the indexes against the chunks */

#define AVI_MAX_CHECKED_STREAMS 16

/* What a video stream's chunks must start with, from its compression. */
enum chunk_framing { CHUNK_ANY, CHUNK_JPEG, CHUNK_START_CODE };

typedef struct avi_check {
	carve_reader chunks, index, data;
	carve_budget budget;
	uint32_t n_streams;
	unsigned char framing[AVI_MAX_CHECKED_STREAMS];
	uint64_t bad;
} avi_check;

/* framing_of — how chunks of a video stream of this compression open. */
static unsigned char framing_of(const unsigned char *compression)
{
	static const char *const jpeg[] = { "MJPG", "mjpg", "AVRn", "dmb1", NULL };
	static const char *const start_code[] = { "XVID", "xvid", "DIVX", "divx", "DX50", "dx50",
		                                  "FMP4", "fmp4", "MP4V", "mp4v", "H264", "h264",
		                                  "X264", "x264", "AVC1", "avc1", "MPG2", "mpg2", NULL };

	if (carve_fourcc_in(compression, jpeg))
		return CHUNK_JPEG;
	if (carve_fourcc_in(compression, start_code))
		return CHUNK_START_CODE;
	return CHUNK_ANY;
}

/* chunk_framed — the data of a chunk (its header at pos) opens as its
 * stream's codec says; streams of other codecs are not checked. */
static bool chunk_framed(avi_check *c, uint64_t pos, const unsigned char *id, uint32_t size)
{
	unsigned stream;
	const unsigned char *d;

	if (size == 0 || !digit(id[0]) || !digit(id[1]) || id[2] != 'd')
		return true;
	stream = (unsigned)(id[0] - '0') * 10 + (unsigned)(id[1] - '0');
	if (stream >= c->n_streams || stream >= AVI_MAX_CHECKED_STREAMS)
		return true;
	switch (c->framing[stream]) {
	case CHUNK_JPEG:
		return carve_jpeg_framed(&c->data, &c->budget, pos + 8, size);
	case CHUNK_START_CODE:
		/* 00 00 01, or the 00 00 00 01 of an H.264 byte stream */
		return size >= 4 && (d = carve_read(&c->data, pos + 8, 4)) && d[0] == 0 && d[1] == 0 &&
		       (d[2] == 1 || (d[2] == 0 && d[3] == 1));
	default:
		return true;
	}
}

/* chunk_is — a chunk with this id and size has its header at pos. */
static bool chunk_is(avi_check *c, uint64_t pos, const unsigned char *id, uint32_t size)
{
	const unsigned char *h = carve_read(&c->chunks, pos, 8);

	return h && !memcmp(h, id, 4) && le32(h + 4) == size;
}

/* check_idx1 — every entry of the legacy index, whose offsets count
 * from the movi list's type (or, in some writers, from the file start). */
static void check_idx1(avi_check *c, uint64_t idx1, uint32_t size, uint64_t movi)
{
	uint64_t base = movi;

	for (uint32_t i = 0; i + 16 <= size && carve_spend(&c->budget, 1); i += 16) {
		const unsigned char *e = carve_read(&c->index, idx1 + 8 + i, 16);
		uint64_t at;

		if (!e) {
			c->bad = idx1 + 8 + i;
			return;
		}
		at = base + le32(e + 8);
		if (i == 0 && !chunk_is(c, at, e, le32(e + 12)) && chunk_is(c, le32(e + 8), e, le32(e + 12)))
			at = base = 0;
		if (!chunk_is(c, at, e, le32(e + 12))) {
			c->bad = at < c->chunks.length ? at : idx1 + 8 + i;
			return;
		}
		if (!chunk_framed(c, at, e, le32(e + 12))) {
			c->bad = at;
			return;
		}
	}
}

/* check_standard_index — an OpenDML 'ix##' chunk at pos: each entry
 * points at the data of a chunk of its id and size. */
static void check_standard_index(avi_check *c, uint64_t pos)
{
	const unsigned char *h = carve_read(&c->index, pos, 32);
	uint32_t entries, id_size;
	unsigned char id[4];
	uint64_t base;

	if (!h || le16(h + 8) != 2 || h[11] != 1 || le32(h + 4) < 24) {
		c->bad = pos;
		return;
	}
	entries = le32(h + 12);
	memcpy(id, h + 16, 4);
	base = le64(h + 20);
	if ((le32(h + 4) - 24) / 8 < entries) {
		c->bad = pos;
		return;
	}
	for (uint32_t i = 0; i < entries && carve_spend(&c->budget, 1); i++) {
		const unsigned char *e = carve_read(&c->index, pos + 32 + 8ull * i, 8);
		uint64_t at;

		if (!e) {
			c->bad = pos;
			return;
		}
		at = base + le32(e) - 8;
		id_size = le32(e + 4) & 0x7fffffff;
		if (base + le32(e) < 8 || !chunk_is(c, at, id, id_size) ||
		    !chunk_framed(c, at, id, id_size)) {
			c->bad = at < c->chunks.length ? at : pos;
			return;
		}
	}
}

/* check_super_index — a stream's 'indx': each entry names an ix## chunk. */
static void check_super_index(avi_check *c, uint64_t pos, uint32_t size)
{
	const unsigned char *h = carve_read(&c->index, pos, 32);
	uint32_t entries;

	if (!h || size < 24 || le16(h + 8) != 4 || h[11] != 0)
		return; /* not a super index: nothing to follow */
	entries = le32(h + 12);
	if ((size - 24) / 16 < entries)
		entries = (size - 24) / 16;
	for (uint32_t i = 0; i < entries && c->bad == UINT64_MAX; i++) {
		const unsigned char *e = carve_read(&c->index, pos + 32 + 16ull * i, 16);
		if (!e)
			return;
		if (le64(e) == 0)
			continue;
		check_standard_index(c, le64(e));
	}
}

/* on_strl — a stream's list: its compression (video), its super index. */
static void on_strl(avi_check *c, uint64_t start, uint64_t end)
{
	uint32_t stream = c->n_streams++;
	bool video = false;

	for (uint64_t pos = start; pos + 8 <= end && c->bad == UINT64_MAX;) {
		const unsigned char *h = carve_read(&c->chunks, pos, 28);
		uint32_t size;

		if (!h)
			return;
		size = le32(h + 4);
		if (is_id(h, "strh") && size >= 4)
			video = is_id(h + 8, "vids");
		else if (is_id(h, "strf") && video && size >= 20 && stream < AVI_MAX_CHECKED_STREAMS)
			c->framing[stream] = framing_of(h + 8 + 16);
		else if (is_id(h, "indx"))
			check_super_index(c, pos, size);
		pos += 8 + (uint64_t)size + (size & 1);
	}
}

/* walk_hdrl — the streams of hdrl [start, end). */
static void walk_hdrl(avi_check *c, uint64_t start, uint64_t end)
{
	for (uint64_t pos = start; pos + 8 <= end && c->bad == UINT64_MAX;) {
		const unsigned char *h = carve_read(&c->chunks, pos, 12);
		uint32_t size;

		if (!h)
			return;
		size = le32(h + 4);
		if (is_id(h, "LIST") && size >= 4 && is_id(h + 8, "strl"))
			on_strl(c, pos + 12, pos + 8 + size);
		pos += 8 + (uint64_t)size + (size & 1);
	}
}

static int avi_validate(const exhibit_host_api *api, exhibit_host *host, uint64_t length,
                        uint64_t *bad_offset)
{
	avi_check c;
	uint64_t movi = 0, idx1 = 0, end;
	uint32_t idx1_size = 0;
	const unsigned char *h;

	carve_reader_init(&c.chunks, api, host, length);
	carve_reader_init(&c.index, api, host, length);
	carve_reader_init(&c.data, api, host, length);
	c.budget.left = AVI_BUDGET;
	c.bad = UINT64_MAX;
	c.n_streams = 0;
	memset(c.framing, CHUNK_ANY, sizeof c.framing);
	if (!(h = carve_read(&c.chunks, 0, 12)) || !is_id(h + 8, "AVI "))
		return EXHIBIT_OK; /* a WAVE: data_check's walk is all there is */
	end = 8 + (uint64_t)le32(h + 4);
	for (uint64_t pos = 12; pos + 8 <= end && pos + 8 <= length;) {
		uint32_t size;

		if (!(h = carve_read(&c.chunks, pos, 12)))
			break;
		size = le32(h + 4);
		if (is_id(h, "LIST") && is_id(h + 8, "hdrl"))
			walk_hdrl(&c, pos + 12, pos + 8 + size);
		else if (is_id(h, "LIST") && is_id(h + 8, "movi") && !movi)
			movi = pos + 8;
		else if (is_id(h, "idx1") && !idx1) {
			idx1 = pos;
			idx1_size = size;
		}
		pos += 8 + (uint64_t)size + (size & 1);
	}
	if (c.bad == UINT64_MAX && idx1 && movi)
		check_idx1(&c, idx1, idx1_size, movi);
	*bad_offset = c.bad;
	return c.bad == UINT64_MAX ? EXHIBIT_OK : EXHIBIT_ERR_FORMAT;
}

static const unsigned char sig_avi[] = "AVI LIST", sig_fmt[] = "WAVEfmt ",
                           sig_bext[] = "WAVEbext", sig_junk[] = "WAVEJUNK";

/* Index order is SIG_*. */
static const exhibit_signature signatures[] = {
	{ 8, sig_avi, 8 }, { 8, sig_fmt, 8 }, { 8, sig_bext, 8 }, { 8, sig_junk, 8 },
};

static const exhibit_carver carver = {
	sizeof(avi_state),
	AVI_HEADER_LEN,
	AVI_MAX_SIZE,
	1,
	avi_header_check,
	avi_data_check,
	avi_validate,
	NULL, /* continuation_reject */
};

static EXHIBIT_CARVER_PLUGIN(descriptor, "carve-avi", "1.0",
	"Carves RIFF files: AVI video (with OpenDML continuations; chunk walk, idx1 and "
	"ix## indexes checked) and WAVE audio",
	signatures, carver);

const exhibit_plugin *carve_avi_plugin(void)
{
	return &descriptor;
}

CARVE_VIDEO_ENTRY(carve_avi_plugin)

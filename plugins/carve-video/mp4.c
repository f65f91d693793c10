/*
 * mp4.c — the "carve-mp4" carver: ISO base media files (ISO/IEC 14496-12)
 * and QuickTime movies: MP4, MOV, 3GP/3G2, M4V, M4A, F4V.
 *
 * Signatures: 'ftyp' at offset 4 (every ISO file), and the boxes a
 * QuickTime movie without ftyp starts with ('moov', 'mdat', 'wide',
 * 'free', 'skip').  header_check keeps the latter tight (a moov must open
 * with a movie child, wide/free/skip must be followed by a top-level
 * box) and leaves image brands (HEIC, AVIF, CR3) to the image carvers.
 *
 * data_check walks the top-level boxes by their sizes (size 1: a 64-bit
 * size follows; size 0: to the end of the file, which only an mdat or an
 * mfra may say), skipping every payload it does not need.  Inside moov,
 * moof and mfra it walks the child boxes too (tracks, media, sample
 * tables), so garbage in the movie header is noticed at the first child
 * header it breaks.  The file ends after the last top-level box when the
 * next bytes are not a box of a type this family uses (or are a second
 * ftyp or moov: the next file's) and both a moov and an mdat were seen; a file that never shows its moov, or breaks
 * before it, is partial (ERROR), and one that shows neither moov nor mdat
 * was a decoy (REJECT).  mdat payloads are never read here: mp4_validate
 * places every sample the moov describes, and says where the content
 * breaks when a fragment is missing.
 */
#include <string.h>

#include "bytes.h"
#include "carve_common.h"
#include "carve_video.h"
#include "mp4.h"

#define MP4_MAX_DEPTH 8
#define MP4_HEADER_LEN 64
#define MP4_MAX_SIZE (64ull << 30) /* 64 GiB: long 4K recordings */
#define UNKNOWN_END UINT64_MAX

/* How the candidate's first box was recognised. */
enum { SIG_FTYP, SIG_MOOV, SIG_MDAT, SIG_WIDE, SIG_FREE, SIG_SKIP };

enum { SEEN_MOOV = 1, SEEN_MDAT = 2, SEEN_MOOF = 4 };

typedef struct mp4_state {
	carve_gather head;           /* the box header at next */
	uint64_t next;               /* candidate offset of the next box header */
	uint64_t ends[MP4_MAX_DEPTH]; /* where each open container ends */
	uint32_t depth;
	uint32_t seen;               /* SEEN_* */
	uint32_t first_is_ftyp;
	uint32_t to_the_end;         /* a top-level mdat of size 0 runs to the end */
	/* A top-level mfra of size 0 (a writer that could not seek back): it
	 * ends after its mfro, whose field states the mfra's size. */
	uint64_t open_mfra_start;
	uint32_t open_mfra;
	uint32_t size_trailer;       /* after it, the size the writer failed to patch */
	uint32_t mfra_size;
} mp4_state;

const char *const mp4_top_level_types[] = {
	"ftyp", "styp", "moov", "mdat", "moof", "mfra", "free", "skip", "wide", "uuid",
	"pdin", "meta", "sidx", "ssix", "prft", "emsg", "pnot", "PICT", "udta", NULL
};

/* Boxes whose children data_check walks, at any depth. */
static const char *const containers[] = {
	"moov", "trak", "mdia", "minf", "stbl", "mvex", "edts", "dinf", "moof", "traf",
	"mfra", NULL
};

/* What a moov opens with (QuickTime allows a few before mvhd). */
static const char *const moov_children[] = {
	"mvhd", "trak", "udta", "iods", "meta", "mvex", "cmov", "prfl", "clip", "ctab",
	"rmra", "pssh", "free", "skip", "uuid", NULL
};

/* Major brands of still images: their carvers, not this one. */
static const char *const image_brands[] = {
	"heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif", "avis",
	"avio", "crx ", "jp2 ", "jpx ", NULL
};

bool mp4_is_type(const unsigned char *p, const char *t)
{
	return memcmp(p, t, 4) == 0;
}

/* extension_of_brand — the usual file name extension of a major brand. */
static const char *extension_of_brand(const unsigned char *brand)
{
	if (mp4_is_type(brand, "qt  "))
		return "mov";
	if (!memcmp(brand, "3g2", 3))
		return "3g2";
	if (!memcmp(brand, "3gp", 3) || !memcmp(brand, "3gg", 3) || !memcmp(brand, "3ge", 3))
		return "3gp";
	if (!memcmp(brand, "M4V", 3))
		return "m4v";
	if (mp4_is_type(brand, "M4A ") || mp4_is_type(brand, "M4B ") || mp4_is_type(brand, "M4P "))
		return "m4a";
	if (mp4_is_type(brand, "f4v "))
		return "f4v";
	return "mp4";
}

/* box_size — the size field of the box header at h (8 bytes; 16 when
 * the 32-bit size is 1); 0 stays 0 ("to the end"). */
static uint64_t box_size(const unsigned char *h)
{
	uint32_t size = be32(h);

	return size == 1 ? be64(h + 8) : size;
}

static bool header_ftyp(const unsigned char *buf, size_t len, exhibit_carve_header *out)
{
	uint32_t size = be32(buf);

	if (size < 16 || size > 4096 || size % 4 || !carve_fourcc_printable(buf + 8) ||
	    carve_fourcc_in(buf + 8, image_brands))
		return false;
	/* The box after a short ftyp must be one of the family's. */
	if (size + 8 <= len && !carve_fourcc_in(buf + size + 4, mp4_top_level_types))
		return false;
	out->extension = extension_of_brand(buf + 8);
	return true;
}

/* A QuickTime movie that opens with the box at buf (no ftyp). */
static bool header_quicktime(const unsigned char *buf, size_t len, size_t sig)
{
	uint64_t size = be32(buf);

	if (len < 16)
		return false;
	switch (sig) {
	case SIG_MOOV:
		return size >= 16 && carve_fourcc_in(buf + 12, moov_children);
	case SIG_MDAT:
		if (size == 1)
			size = be64(buf + 8);
		return size >= 16 && size <= MP4_MAX_SIZE;
	case SIG_WIDE:
		return size == 8 && (mp4_is_type(buf + 12, "mdat") || mp4_is_type(buf + 12, "free"));
	default: /* free, skip: short, and followed by a box of the family */
		return size >= 8 && size + 8 <= len &&
		       carve_fourcc_in(buf + size + 4, mp4_top_level_types);
	}
}

static int mp4_header_check(void *state, const unsigned char *buf, size_t len, size_t sig,
                            exhibit_carve_header *out)
{
	mp4_state *st = state;

	if (len < 16)
		return EXHIBIT_CARVE_REJECT;
	memset(st, 0, sizeof *st);
	out->min_size = 64;
	out->extension = "mov";
	if (sig == SIG_FTYP) {
		if (!header_ftyp(buf, len, out))
			return EXHIBIT_CARVE_REJECT;
		st->first_is_ftyp = 1;
	} else if (!header_quicktime(buf, len, sig)) {
		return EXHIBIT_CARVE_REJECT;
	}
	return EXHIBIT_CARVE_ACCEPT;
}

/* ---- data_check: the box walk */

enum step { STEP_MORE, STEP_NEXT, STEP_DONE };

static void move_to(mp4_state *st, uint64_t next)
{
	st->next = next;
	carve_gather_start(&st->head, next);
}

/* The walk met something that is no box of the file at top level. */
static int top_level_stops(const mp4_state *st, uint64_t *end)
{
	*end = st->next;
	if ((st->seen & SEEN_MOOV) && (st->seen & SEEN_MDAT))
		return EXHIBIT_CARVE_END;
	if (!(st->seen & SEEN_MOOV) && (!st->first_is_ftyp || !(st->seen & (SEEN_MDAT | SEEN_MOOF))))
		return EXHIBIT_CARVE_REJECT;
	return EXHIBIT_CARVE_ERROR;
}

/* The size of a tfra box that says 0, from its entry count and sizes
 * (h: its first 24 bytes). */
static uint64_t tfra_size(const unsigned char *h)
{
	uint32_t sizes = be32(h + 16);
	uint64_t entry = (h[8] == 1 ? 16 : 8) + ((sizes >> 4) & 3) + ((sizes >> 2) & 3) +
	                 (sizes & 3) + 3;

	return 24 + (uint64_t)be32(h + 20) * entry;
}

/* One box header inside a container: walk into it or past it. */
static enum step child_box(mp4_state *st, uint64_t pos, const unsigned char *buf, size_t len,
                           int *verdict, uint64_t *end)
{
	uint64_t parent_end = st->ends[st->depth - 1];
	uint64_t size, header = 8;
	const unsigned char *h;

	if (parent_end != UNKNOWN_END && parent_end - st->next < 8)
		goto broken;
	if (!(h = carve_gather_take(&st->head, pos, buf, len, 8)))
		return STEP_MORE;
	if (!carve_fourcc_printable(h + 4))
		goto broken;
	size = be32(h);
	if (size == 1) {
		if (!(h = carve_gather_take(&st->head, pos, buf, len, 16)))
			return STEP_MORE;
		size = be64(h + 8);
		header = 16;
	} else if (size == 0) {
		if (!mp4_is_type(h + 4, "tfra"))
			goto broken;
		if (!(h = carve_gather_take(&st->head, pos, buf, len, 24)))
			return STEP_MORE;
		size = tfra_size(h);
	}
	if (size < header || (parent_end != UNKNOWN_END && size > parent_end - st->next) ||
	    size > UINT64_MAX - st->next)
		goto broken;
	if (st->open_mfra && st->depth == 1 && mp4_is_type(h + 4, "mfro")) {
		if (size != 16)
			goto broken;
		if (!(h = carve_gather_take(&st->head, pos, buf, len, 16)))
			return STEP_MORE;
		st->mfra_size = be32(h + 12);
		st->open_mfra = 0;
		st->size_trailer = 1;
		st->depth--;
		move_to(st, st->next + size);
		return STEP_NEXT;
	}
	if (carve_fourcc_in(h + 4, containers) && st->depth < MP4_MAX_DEPTH) {
		st->ends[st->depth++] = st->next + size;
		move_to(st, st->next + header);
	} else {
		move_to(st, st->next + size);
	}
	return STEP_NEXT;
broken:
	*end = st->next;
	*verdict = EXHIBIT_CARVE_ERROR;
	return STEP_DONE;
}

/* One top-level box header. */
static enum step top_box(mp4_state *st, uint64_t pos, const unsigned char *buf, size_t len,
                         int *verdict, uint64_t *end)
{
	uint64_t size, header = 8;
	const unsigned char *h;

	if (st->size_trailer) {
		/* ffmpeg, writing where it cannot seek, appends the mfra size it
		 * meant to patch into the mfra header: those 4 bytes are its. */
		if (!(h = carve_gather_take(&st->head, pos, buf, len, 4)))
			return STEP_MORE;
		st->size_trailer = 0;
		if (be32(h) == st->mfra_size && st->next - st->open_mfra_start == st->mfra_size) {
			move_to(st, st->next + 4);
			return STEP_NEXT;
		}
	}
	if (!(h = carve_gather_take(&st->head, pos, buf, len, 8)))
		return STEP_MORE;
	/* A second ftyp or moov is the next file's. */
	if (!carve_fourcc_in(h + 4, mp4_top_level_types) || (st->next && mp4_is_type(h + 4, "ftyp")) ||
	    ((st->seen & SEEN_MOOV) && mp4_is_type(h + 4, "moov")))
		goto stops;
	size = be32(h);
	if (size == 1) {
		if (!(h = carve_gather_take(&st->head, pos, buf, len, 16)))
			return STEP_MORE;
		size = box_size(h);
		header = 16;
	}
	if (size == 0) {
		if (mp4_is_type(h + 4, "mfra")) {
			st->open_mfra = 1;
			st->open_mfra_start = st->next;
			st->ends[st->depth++] = UNKNOWN_END;
			move_to(st, st->next + 8);
			return STEP_NEXT;
		}
		if (!mp4_is_type(h + 4, "mdat") || !(st->seen & SEEN_MOOV))
			goto stops;
		/* The moov came first; its tables say where the samples end. */
		st->seen |= SEEN_MDAT;
		st->to_the_end = 1;
		move_to(st, UNKNOWN_END);
		return STEP_NEXT;
	}
	if (size < header || size > UINT64_MAX - st->next)
		goto stops;
	if (mp4_is_type(h + 4, "moov"))
		st->seen |= SEEN_MOOV;
	else if (mp4_is_type(h + 4, "mdat"))
		st->seen |= SEEN_MDAT;
	else if (mp4_is_type(h + 4, "moof"))
		st->seen |= SEEN_MOOF;
	if (carve_fourcc_in(h + 4, containers)) {
		st->ends[st->depth++] = st->next + size;
		move_to(st, st->next + header);
	} else {
		move_to(st, st->next + size);
	}
	return STEP_NEXT;
stops:
	*verdict = top_level_stops(st, end);
	return STEP_DONE;
}

/* The bytes ended (len == 0 at pos): the file ends here, or it was cut. */
static int data_ends(mp4_state *st, uint64_t pos, uint64_t *end)
{
	*end = pos;
	while (st->depth && st->next == st->ends[st->depth - 1])
		st->depth--;
	if (st->to_the_end)
		return EXHIBIT_CARVE_END; /* validate finds where the samples end */
	if (st->depth == 0 && st->next <= pos)
		return top_level_stops(st, end);
	/* Cut inside a box.  Without ftyp only a moov vouches for the bytes. */
	if (!st->first_is_ftyp && !(st->seen & SEEN_MOOV))
		return EXHIBIT_CARVE_REJECT;
	return (st->seen & (SEEN_MOOV | SEEN_MDAT | SEEN_MOOF)) ? EXHIBIT_CARVE_ERROR
	                                                        : EXHIBIT_CARVE_REJECT;
}

static int mp4_data_check(void *state, uint64_t pos, const unsigned char *buf, size_t len,
                          uint64_t *end)
{
	mp4_state *st = state;
	uint64_t block_end = pos + len;
	int verdict = EXHIBIT_CARVE_CONTINUE;

	if (len == 0)
		return data_ends(st, pos, end);
	while (st->next < block_end) {
		enum step s;

		if (st->depth && st->next == st->ends[st->depth - 1]) {
			st->depth--;
			continue;
		}
		s = st->depth ? child_box(st, pos, buf, len, &verdict, end)
		              : top_box(st, pos, buf, len, &verdict, end);
		if (s == STEP_DONE)
			return verdict;
		if (s == STEP_MORE)
			break;
	}
	*end = st->next > block_end ? st->next : block_end;
	return EXHIBIT_CARVE_CONTINUE;
}

static const unsigned char sig_ftyp[] = "ftyp", sig_moov[] = "moov", sig_mdat[] = "mdat",
                           sig_wide[] = "wide", sig_free[] = "free", sig_skip[] = "skip";

/* Index order is SIG_*. */
static const exhibit_signature signatures[] = {
	{ 4, sig_ftyp, 4 }, { 4, sig_moov, 4 }, { 4, sig_mdat, 4 },
	{ 4, sig_wide, 4 }, { 4, sig_free, 4 }, { 4, sig_skip, 4 },
};

static const exhibit_carver carver = {
	sizeof(mp4_state),
	MP4_HEADER_LEN,
	MP4_MAX_SIZE,
	1,
	mp4_header_check,
	mp4_data_check,
	mp4_validate,
	NULL, /* continuation_reject */
};

static EXHIBIT_CARVER_PLUGIN(descriptor, "carve-mp4", "1.0",
	"Carves ISO base media files and QuickTime movies (MP4, MOV, 3GP, M4V): "
	"box tree walked, every sample placed inside an mdat, AVC/HEVC NAL framing checked",
	signatures, carver);

const exhibit_plugin *carve_mp4_plugin(void)
{
	return &descriptor;
}

CARVE_VIDEO_ENTRY(carve_mp4_plugin)

/*
 * flv.c — the "carve-flv" carver: Flash video (Adobe FLV, v10.1).
 *
 * Signature: 'FLV' version 1 at offset 0.  header_check wants the flags
 * byte's reserved bits clear, a data offset of 9 or more and the first
 * PreviousTagSize 0.
 *
 * data_check walks the tags: an 11-byte header (type audio, video or
 * script; a 24-bit data size; a timestamp; stream id 0), the data, then
 * a PreviousTagSize that must equal 11 + the data size.  That trailer
 * gives a precise break: noise inside a tag is noticed at its trailer,
 * and reported there.  The first byte of every audio and video tag must
 * name the codec the stream's first tag named (and an AVC or HEVC tag a
 * packet type 0 to 2).  The first script tag (onMetaData) is read for the
 * "filesize" its writer recorded: the file ends exactly there.  Without
 * one, it ends after the last tag whose header and trailer hold.
 *
 * validate walks the tags again and checks each AVC/HEVC video tag's NAL
 * units: lengths of the size the sequence header states, that sum to
 * the tag exactly.
 */
#include <string.h>

#include "bytes.h"
#include "carve_common.h"
#include "carve_video.h"

#define FLV_HEADER_LEN 16
#define FLV_MAX_SIZE (16ull << 30)
#define FLV_SCRIPT_KEPT 1024 /* bytes of onMetaData searched for filesize */
#define FLV_BUDGET (16u << 20)

#define TAG_AUDIO 8
#define TAG_VIDEO 9
#define TAG_SCRIPT 18

#define CODEC_AVC 7
#define CODEC_HEVC 12

typedef struct flv_state {
	carve_gather head;
	uint64_t next;          /* the next tag header, or the trailer of the tag at tag_start */
	uint64_t tag_start;
	uint32_t tag_size;      /* data size of the tag whose trailer is awaited */
	uint32_t in_trailer;    /* next is a PreviousTagSize */
	uint32_t av_tags;       /* audio and video tags walked */
	uint32_t video_codec;   /* the first video tag's codec id + 1; 0: none yet */
	uint32_t audio_format;  /* the first audio tag's sound format + 1 */
	uint64_t filesize;      /* onMetaData's, 0 when unknown */
	/* The first script tag's data, kept to find its filesize. */
	uint32_t script_state;  /* 0 none yet, 1 keeping, 2 done */
	uint64_t script_at;     /* candidate offset of script[0] */
	uint32_t script_len, script_want;
	unsigned char script[FLV_SCRIPT_KEPT];
} flv_state;

static int flv_header_check(void *state, const unsigned char *buf, size_t len, size_t sig,
                            exhibit_carve_header *out)
{
	flv_state *st = state;
	uint32_t offset;

	(void)sig;
	if (len < 13 || memcmp(buf, "FLV\x01", 4) || (buf[4] & 0xfa))
		return EXHIBIT_CARVE_REJECT;
	offset = be32(buf + 5);
	if (offset < 9 || offset > 1024 || (offset + 4 <= len && be32(buf + offset) != 0))
		return EXHIBIT_CARVE_REJECT;
	memset(st, 0, sizeof *st);
	st->next = offset + 4;
	carve_gather_start(&st->head, st->next);
	out->extension = "flv";
	out->min_size = 13 + 11;
	return EXHIBIT_CARVE_ACCEPT;
}

/* filesize_in — the "filesize" number of an AMF0 onMetaData. */
static uint64_t filesize_in(const unsigned char *s, size_t len)
{
	static const unsigned char key[] = "\x00\x08" "filesize\x00";
	const size_t klen = sizeof key - 1;

	for (size_t i = 0; i + klen + 8 <= len; i++) {
		double v;
		uint64_t bits;

		if (memcmp(s + i, key, klen))
			continue;
		bits = be64(s + i + klen);
		memcpy(&v, &bits, sizeof v);
		return v >= 13 && v < (double)FLV_MAX_SIZE ? (uint64_t)v : 0;
	}
	return 0;
}

/* keep_script — copy what this block holds of the script data kept. */
static void keep_script(flv_state *st, uint64_t pos, const unsigned char *buf, size_t len)
{
	uint64_t from = st->script_at + st->script_len;
	size_t n;

	if (st->script_state != 1 || from < pos || from >= pos + len)
		return;
	n = (size_t)(pos + len - from);
	if (n > st->script_want - st->script_len)
		n = st->script_want - st->script_len;
	memcpy(st->script + st->script_len, buf + (from - pos), n);
	st->script_len += (uint32_t)n;
	if (st->script_len == st->script_want) {
		st->filesize = filesize_in(st->script, st->script_len);
		st->script_state = 2;
	}
}

static void move_to(flv_state *st, uint64_t next)
{
	st->next = next;
	carve_gather_start(&st->head, next);
}

static int broken(const flv_state *st, uint64_t *end)
{
	*end = st->next;
	return st->next < 512 && !st->av_tags ? EXHIBIT_CARVE_REJECT : EXHIBIT_CARVE_ERROR;
}

/* The bytes at next are no tag: the file ended before them, unless its
 * metadata says it goes on. */
static int no_tag(const flv_state *st, uint64_t *end)
{
	if (!st->av_tags || (st->filesize && st->next < st->filesize))
		return broken(st, end);
	*end = st->next;
	return EXHIBIT_CARVE_END;
}

/* codec_consistent — the first data byte of an audio or video tag names
 * the codec its stream's first tag named. */
static bool codec_consistent(flv_state *st, unsigned type, const unsigned char *d, uint32_t size)
{
	uint32_t *first = type == TAG_VIDEO ? &st->video_codec : &st->audio_format;
	unsigned codec;

	if (type == TAG_VIDEO && (d[0] & 0x80))
		return true; /* enhanced FLV: a FourCC follows, checked no further */
	if (type == TAG_VIDEO) {
		unsigned frame = d[0] >> 4;
		codec = d[0] & 0x0f;
		if (frame < 1 || frame > 5 || codec < 1 || (codec > 7 && codec != CODEC_HEVC))
			return false;
		if ((codec == CODEC_AVC || codec == CODEC_HEVC) && frame != 5 && size >= 2 && d[1] > 2)
			return false;
	} else {
		codec = d[0] >> 4;
		if (codec == 10 && size >= 2 && d[1] > 1) /* AAC: sequence header or raw */
			return false;
	}
	if (!*first)
		*first = codec + 1;
	return *first == codec + 1;
}

/* One tag header at next: h holds 13 bytes (or 11 when the tag's data
 * is shorter than 2 bytes). */
static int tag_header(flv_state *st, const unsigned char *h, uint64_t *end)
{
	unsigned type = h[0] & 0x1f;
	uint32_t size = be24(h + 1);

	if ((h[0] & 0xc0) || (type != TAG_AUDIO && type != TAG_VIDEO && type != TAG_SCRIPT) ||
	    be24(h + 8) != 0)
		return no_tag(st, end);
	if (type != TAG_SCRIPT) {
		if (size == 0 || !codec_consistent(st, type, h + 11, size))
			return no_tag(st, end);
		st->av_tags++;
	} else if (st->script_state == 0) {
		st->script_state = 1;
		st->script_at = st->next + 11;
		st->script_want = size < FLV_SCRIPT_KEPT ? size : FLV_SCRIPT_KEPT;
		if (st->script_want == 0)
			st->script_state = 2;
	}
	st->tag_start = st->next;
	st->tag_size = size;
	st->in_trailer = 1;
	move_to(st, st->next + 11 + size);
	return EXHIBIT_CARVE_CONTINUE;
}

static int flv_data_check(void *state, uint64_t pos, const unsigned char *buf, size_t len,
                          uint64_t *end)
{
	flv_state *st = state;
	uint64_t block_end = pos + len;

	if (len == 0) {
		*end = pos;
		/* At a tag boundary the file may end, unless a tag was begun. */
		if (!st->in_trailer && st->next <= pos &&
		    !(st->head.have && (st->head.bytes[0] == TAG_AUDIO || st->head.bytes[0] == TAG_VIDEO ||
		                        st->head.bytes[0] == TAG_SCRIPT)))
			return no_tag(st, end);
		return pos < 512 && !st->av_tags ? EXHIBIT_CARVE_REJECT : EXHIBIT_CARVE_ERROR;
	}
	keep_script(st, pos, buf, len);
	while (st->next < block_end) {
		const unsigned char *h;
		int v;

		if (st->in_trailer) {
			if (!(h = carve_gather_take(&st->head, pos, buf, len, 4)))
				break;
			if (be32(h) != 11 + st->tag_size)
				return broken(st, end);
			st->in_trailer = 0;
			move_to(st, st->next + 4);
			if (st->filesize && st->next == st->filesize && st->av_tags) {
				*end = st->next;
				return EXHIBIT_CARVE_END;
			}
			continue;
		}
		if (!(h = carve_gather_take(&st->head, pos, buf, len, 11)))
			break;
		if (be24(h + 1) >= 2 && !(h = carve_gather_take(&st->head, pos, buf, len, 13)))
			break;
		v = tag_header(st, h, end);
		if (v != EXHIBIT_CARVE_CONTINUE)
			return v;
		if (st->script_state == 1)
			keep_script(st, pos, buf, len);
	}
	/* Keep reading (no skip) while the onMetaData is being kept. */
	if (st->script_state == 1 && st->next > block_end)
		*end = block_end;
	else
		*end = st->next > block_end ? st->next : block_end;
	return EXHIBIT_CARVE_CONTINUE;
}

/* ---- validate: NAL units of AVC and HEVC tags */

typedef struct flv_check {
	carve_reader tags, data;
	carve_budget budget;
	unsigned nal_length; /* from the sequence header; 0 until seen */
	bool hevc;
} flv_check;

/* nal_chain — the NAL units of [at, end) fill it exactly. */
static bool nal_chain(flv_check *c, uint64_t at, uint64_t end)
{
	unsigned n = c->nal_length;

	while (at < end) {
		const unsigned char *p;
		uint64_t nal;

		if (!carve_spend(&c->budget, 1))
			return true;
		if (end - at < n + 1 || !(p = carve_read(&c->data, at, n + 1)))
			return false;
		nal = be_n(p, n);
		if (nal == 0 || nal > end - at - n || (p[n] & 0x80))
			return false;
		at += n + nal;
	}
	return true;
}

/* video_tag — an AVC/HEVC tag's data [at, at + size): a sequence header
 * sets the NAL length size, a NAL unit packet must be framed by it. */
static bool video_tag(flv_check *c, uint64_t at, uint32_t size)
{
	const unsigned char *d = carve_read(&c->data, at, size < 32 ? size : 32);
	unsigned codec;

	if (!d || size < 5 || (d[0] & 0x80))
		return true;
	codec = d[0] & 0x0f;
	if (codec != CODEC_AVC && codec != CODEC_HEVC)
		return true;
	if (d[1] == 0) {
		unsigned need = codec == CODEC_AVC ? 5 + 5 : 5 + 22;
		if (size >= need)
			c->nal_length = (d[need - 1] & 3u) + 1;
		c->hevc = codec == CODEC_HEVC;
		return true;
	}
	if (d[1] != 1 || !c->nal_length || c->nal_length == 3)
		return true;
	return nal_chain(c, at + 5, at + size);
}

static int flv_validate(const exhibit_host_api *api, exhibit_host *host, uint64_t length,
                        uint64_t *bad_offset)
{
	flv_check c;
	const unsigned char *h;
	uint64_t pos;

	carve_reader_init(&c.tags, api, host, length);
	carve_reader_init(&c.data, api, host, length);
	c.budget.left = FLV_BUDGET;
	c.nal_length = 0;
	c.hevc = false;
	if (!(h = carve_read(&c.tags, 0, 9))) {
		*bad_offset = 0;
		return EXHIBIT_ERR_FORMAT;
	}
	for (pos = be32(h + 5) + 4; pos + 11 <= length && carve_spend(&c.budget, 1);) {
		uint32_t size;

		if (!(h = carve_read(&c.tags, pos, 11)))
			break;
		size = be24(h + 1);
		if ((h[0] & 0x1f) == TAG_VIDEO && !video_tag(&c, pos + 11, size)) {
			*bad_offset = pos;
			return EXHIBIT_ERR_FORMAT;
		}
		pos += 11 + (uint64_t)size + 4;
	}
	return EXHIBIT_OK;
}

static const unsigned char sig_flv[] = "FLV\x01";

static const exhibit_signature signatures[] = {
	{ 0, sig_flv, 4 },
};

static const exhibit_carver carver = {
	sizeof(flv_state),
	FLV_HEADER_LEN,
	FLV_MAX_SIZE,
	1,
	flv_header_check,
	flv_data_check,
	flv_validate,
	NULL, /* continuation_reject */
};

static EXHIBIT_CARVER_PLUGIN(descriptor, "carve-flv", "1.0",
	"Carves Flash video (FLV): tag walk with PreviousTagSize and codec checks, the "
	"length onMetaData records, AVC/HEVC NAL framing validated",
	signatures, carver);

const exhibit_plugin *carve_flv_plugin(void)
{
	return &descriptor;
}

CARVE_VIDEO_ENTRY(carve_flv_plugin)

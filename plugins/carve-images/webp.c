/*
 * webp.c — the "carve-webp" carver: WebP files (RIFF container; lossy,
 * lossless, extended and animated).
 *
 * The RIFF header states the file's size.  data_check walks the chunks
 * inside it, skipping their payloads: every chunk id printable, every
 * size inside its parent, the walk ending exactly at the RIFF end (and
 * each ANMF frame's sub-chunks exactly at the frame's end).  The first
 * chunk is VP8 , VP8L or VP8X; a VP8X header's reserved bits are zero and
 * its canvas non-empty; every VP8 frame starts with a key frame header
 * (start code 9d 01 2a, a first partition inside the chunk) and every VP8L
 * bitstream with its signature byte and version 0.  Compressed pixel data
 * has no structure to check without decoding it, so damage inside a
 * payload goes unnoticed; a broken chunk structure or a truncated file
 * does not.
 *
 * No validate: the RIFF size and the chunk walk agree or data_check said
 * where they did not.
 */
#include <string.h>

#include "carve_images.h"
#include "carve_stream.h"

#define WEBP_MAX_SIZE (256ull << 20)
#define VP8X_SIZE 10
#define ANMF_HEADER 16

enum phase {
	P_CHUNK = 0, /* 8 bytes: id and size */
	P_PAYLOAD,   /* the first bytes of a payload the walk looks into */
	P_DONE       /* 0 bytes: the RIFF end */
};

typedef struct webp_state {
	carve_stream cs;
	unsigned char rec[16];
	uint8_t phase;
	uint8_t id[4];        /* the chunk being looked into */
	uint32_t chunks;
	uint64_t chunk_end;   /* where the current chunk's payload ends (padded) */
	uint64_t riff_end;
	uint64_t frame_end;   /* inside an ANMF frame: where it ends, else 0 */
} webp_state;

static int error_at(uint64_t at, uint64_t *end)
{
	*end = at;
	return EXHIBIT_CARVE_ERROR;
}

static int is_id(const unsigned char *id, const char *name)
{
	return memcmp(id, name, 4) == 0;
}

static int printable_id(const unsigned char *id)
{
	for (int i = 0; i < 4; i++)
		if (id[i] < 0x20 || id[i] > 0x7e)
			return 0;
	return 1;
}

/* The next chunk header at at, or the end of the frame or file there. */
static int next_chunk(webp_state *s, uint64_t at, uint64_t *end)
{
	if (s->frame_end && at >= s->frame_end) {
		if (at != s->frame_end)
			return error_at(s->frame_end, end);
		s->frame_end = 0;
	}
	if (!s->frame_end && at >= s->riff_end) {
		if (at != s->riff_end)
			return error_at(s->riff_end, end);
		s->phase = P_DONE;
		carve_want_bytes(&s->cs, at, 0);
		return EXHIBIT_CARVE_CONTINUE;
	}
	s->phase = P_CHUNK;
	carve_want_bytes(&s->cs, at, 8);
	return EXHIBIT_CARVE_CONTINUE;
}

static int chunk(webp_state *s, const unsigned char *b, uint64_t at, uint64_t *end)
{
	uint32_t size = carve_le32(b + 4);
	uint64_t parent_end = s->frame_end ? s->frame_end : s->riff_end;
	uint32_t look = 0;

	if (!printable_id(b))
		return error_at(at, end);
	if (at + 8 + size + (size & 1) > parent_end)
		return error_at(at + 4, end);
	if (s->chunks++ == 0 && !s->frame_end && !is_id(b, "VP8 ") && !is_id(b, "VP8L") &&
	    !is_id(b, "VP8X"))
		return error_at(at, end);
	memcpy(s->id, b, 4);
	s->chunk_end = at + 8 + size + (size & 1);
	if (is_id(b, "VP8X"))
		look = VP8X_SIZE;
	else if (is_id(b, "VP8 "))
		look = 10;
	else if (is_id(b, "VP8L"))
		look = 5;
	else if (is_id(b, "ANMF") && !s->frame_end)
		look = ANMF_HEADER;
	if ((is_id(b, "VP8X") && size != VP8X_SIZE) || size < look)
		return error_at(at + 4, end);
	if (!look)
		return next_chunk(s, s->chunk_end, end);
	s->phase = P_PAYLOAD;
	carve_want_bytes(&s->cs, at + 8, look);
	return EXHIBIT_CARVE_CONTINUE;
}

/* The start of a payload: does it look like what its id says? */
static int payload(webp_state *s, const unsigned char *b, uint64_t at, uint64_t *end)
{
	uint32_t size = (uint32_t)(s->chunk_end - at);

	if (is_id(s->id, "VP8X")) {
		if ((b[0] & 0xC1) || b[1] || b[2] || b[3])
			return error_at(at, end);
	} else if (is_id(s->id, "VP8 ")) {
		uint32_t tag = b[0] | b[1] << 8 | (uint32_t)b[2] << 16;
		if ((tag & 1) || ((tag >> 1) & 7) > 3 || !((tag >> 4) & 1) || (tag >> 5) > size ||
		    memcmp(b + 3, "\x9d\x01\x2a", 3) != 0 || !(carve_le16(b + 6) & 0x3fff) ||
		    !(carve_le16(b + 8) & 0x3fff))
			return error_at(at, end);
	} else if (is_id(s->id, "VP8L")) {
		if (b[0] != 0x2f || (b[4] >> 5) != 0)
			return error_at(at, end);
	} else { /* ANMF: its frame's chunks follow its header */
		s->frame_end = s->chunk_end;
		return next_chunk(s, at + ANMF_HEADER, end);
	}
	return next_chunk(s, s->chunk_end, end);
}

static int step(void *state, const unsigned char *b, uint64_t *end)
{
	webp_state *s = state;

	switch (s->phase) {
	case P_CHUNK:
		return chunk(s, b, s->cs.start, end);
	case P_PAYLOAD:
		return payload(s, b, s->cs.start, end);
	default:
		*end = s->riff_end;
		return EXHIBIT_CARVE_END;
	}
}

static const carve_parser parser = { step, NULL, sizeof(((webp_state *)0)->rec) };

static int header_check(void *state, const unsigned char *buf, size_t len, size_t signature,
                        exhibit_carve_header *out)
{
	webp_state *s = state;
	uint32_t riff;

	(void)signature;
	if (len < 16 || memcmp(buf, "RIFF", 4) != 0 || memcmp(buf + 8, "WEBPVP8", 7) != 0)
		return EXHIBIT_CARVE_REJECT;
	riff = carve_le32(buf + 4);
	if (riff < 4 + 8 + 5 || (riff & 1) || 8ull + riff > WEBP_MAX_SIZE)
		return EXHIBIT_CARVE_REJECT;
	memset(s, 0, sizeof *s);
	s->riff_end = 8ull + riff;
	s->phase = P_CHUNK;
	carve_want_bytes(&s->cs, 12, 8);
	out->size = s->riff_end;
	out->min_size = s->riff_end;
	out->extension = "webp";
	return EXHIBIT_CARVE_ACCEPT;
}

static int data_check(void *state, uint64_t pos, const unsigned char *buf, size_t len,
                      uint64_t *end)
{
	webp_state *s = state;

	return carve_stream_feed(&s->cs, &parser, s, s->rec, pos, buf, len, end);
}

static const exhibit_signature signatures[] = {
	{ 8, (const unsigned char *)"WEBPVP8", 7 },
};

static const exhibit_carver carver = {
	sizeof(webp_state), 16, WEBP_MAX_SIZE, 1, header_check, data_check, NULL, NULL,
};

static EXHIBIT_CARVER_PLUGIN(plugin, "carve-webp", "1.0",
	"Carves WebP files from unallocated space: RIFF size and chunk walk checked",
	signatures, carver);

const exhibit_plugin *carve_webp_plugin(void)
{
	return &plugin;
}

/*
 * asf.c — the "carve-asf" carver: Advanced Systems Format files (WMV,
 * WMA, ASF).
 *
 * Signature: the Header Object's GUID at offset 0.  header_check wants a
 * sane header size and object count, its reserved bytes (1, 2), and names
 * the file wmv, wma or asf from the stream types the header declares.
 *
 * data_check walks the Header Object's children (GUID, 64-bit size; each
 * must fit) and reads the File Properties Object: the file's size, its
 * data packet count and size (fixed: minimum and maximum agree).  Then
 * the Data Object: every packet, a packet size apart, must open as the
 * format requires (error correction flags 0x82 when present, then length
 * type flags and property flags 0x5D), so noise is noticed at the first
 * packet it hits.  The index objects follow; the file ends exactly at the
 * size File Properties states (a broadcast file, which does not state
 * one, ends after the last object).
 *
 * validate reads the Simple Index: each entry's packet must exist and
 * open as a packet does.
 */
#include <string.h>

#include "bytes.h"
#include "carve_common.h"
#include "carve_video.h"

#define ASF_HEADER_LEN 4096
#define ASF_MAX_SIZE (64ull << 30)
#define ASF_BUDGET (4u << 20)
#define GUID_LEN 16
#define OBJECT_HEADER 24
#define DATA_OBJECT_HEADER 50
#define FILE_PROPERTIES_LEN 104
#define BROADCAST_FLAG 1u

static const unsigned char guid_header[GUID_LEN] = { 0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11,
	                                             0xa6, 0xd9, 0x00, 0xaa, 0x00, 0x62, 0xce, 0x6c };
static const unsigned char guid_data[GUID_LEN] = { 0x36, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11,
	                                           0xa6, 0xd9, 0x00, 0xaa, 0x00, 0x62, 0xce, 0x6c };
static const unsigned char guid_file_properties[GUID_LEN] = {
	0xa1, 0xdc, 0xab, 0x8c, 0x47, 0xa9, 0xcf, 0x11, 0x8e, 0xe4, 0x00, 0xc0, 0x0c, 0x20, 0x53, 0x65
};
static const unsigned char guid_simple_index[GUID_LEN] = {
	0x90, 0x08, 0x00, 0x33, 0xb1, 0xe5, 0xcf, 0x11, 0x89, 0xf4, 0x00, 0xa0, 0xc9, 0x03, 0x49, 0xcb
};
static const unsigned char guid_index[GUID_LEN] = { 0xd3, 0x29, 0xe2, 0xd6, 0xda, 0x35, 0xd1, 0x11,
	                                            0x90, 0x34, 0x00, 0xa0, 0xc9, 0x03, 0x49, 0xbe };
static const unsigned char guid_media_object_index[GUID_LEN] = {
	0xf8, 0x03, 0xb1, 0xfe, 0xad, 0x12, 0x64, 0x4c, 0x84, 0x0f, 0x2a, 0x1d, 0x2f, 0x7a, 0xd4, 0x8c
};
static const unsigned char guid_timecode_index[GUID_LEN] = {
	0xd0, 0x3f, 0xb7, 0x3c, 0x4a, 0x0c, 0x03, 0x48, 0x95, 0x3d, 0xed, 0xf7, 0xb6, 0x22, 0x8f, 0x0c
};
/* Stream types, as a Stream Properties Object names them. */
static const unsigned char guid_video_media[GUID_LEN] = {
	0xc0, 0xef, 0x19, 0xbc, 0x4d, 0x5b, 0xcf, 0x11, 0xa8, 0xfd, 0x00, 0x80, 0x5f, 0x5c, 0x44, 0x2b
};
static const unsigned char guid_audio_media[GUID_LEN] = {
	0x40, 0x9e, 0x69, 0xf8, 0x4d, 0x5b, 0xcf, 0x11, 0xa8, 0xfd, 0x00, 0x80, 0x5f, 0x5c, 0x44, 0x2b
};

static const unsigned char *const index_objects[] = {
	guid_simple_index, guid_index, guid_media_object_index, guid_timecode_index, NULL
};

static bool guid_is(const unsigned char *p, const unsigned char *guid)
{
	return memcmp(p, guid, GUID_LEN) == 0;
}

static bool guid_in(const unsigned char *p, const unsigned char *const *list)
{
	for (; *list; list++)
		if (guid_is(p, *list))
			return true;
	return false;
}

enum phase { IN_HEADER, TOP_LEVEL, IN_PACKETS };

typedef struct asf_state {
	carve_gather head;
	uint64_t next;          /* candidate offset of the next object or packet */
	uint32_t phase;
	uint64_t header_end;
	uint64_t file_size;     /* 0: not stated (broadcast) */
	uint64_t packet_size;   /* 0: not fixed */
	uint64_t data_end;
	uint32_t seen_properties, seen_data;
} asf_state;

static const char *extension_of(const unsigned char *buf, size_t len)
{
	bool audio = false;

	for (size_t i = 0; i + GUID_LEN <= len; i++) {
		if (guid_is(buf + i, guid_video_media))
			return "wmv";
		audio = audio || guid_is(buf + i, guid_audio_media);
	}
	return audio ? "wma" : "asf";
}

static int asf_header_check(void *state, const unsigned char *buf, size_t len, size_t sig,
                            exhibit_carve_header *out)
{
	asf_state *st = state;
	uint64_t size;

	(void)sig;
	if (len < 30 || !guid_is(buf, guid_header))
		return EXHIBIT_CARVE_REJECT;
	size = le64(buf + 16);
	if (size < 30 + FILE_PROPERTIES_LEN || size > (16u << 20) || le32(buf + 24) == 0 ||
	    le32(buf + 24) > 1024 || buf[28] != 1 || buf[29] != 2)
		return EXHIBIT_CARVE_REJECT;
	memset(st, 0, sizeof *st);
	st->header_end = size;
	st->next = 30;
	carve_gather_start(&st->head, 30);
	out->extension = extension_of(buf, len < size ? len : (size_t)size);
	out->min_size = size + DATA_OBJECT_HEADER;
	return EXHIBIT_CARVE_ACCEPT;
}

/* ---- data_check */

static void move_to(asf_state *st, uint64_t next)
{
	st->next = next;
	carve_gather_start(&st->head, next);
}

static int broken(const asf_state *st, uint64_t *end)
{
	*end = st->next;
	return st->next < 512 || !st->seen_data ? EXHIBIT_CARVE_REJECT : EXHIBIT_CARVE_ERROR;
}

/* packet_opens — the first bytes of a data packet. */
static bool packet_opens(const unsigned char *p)
{
	if (p[0] & 0x80) /* error correction data: 2 bytes, type 00 */
		return p[0] == 0x82 && !(p[3] & 0x80) && p[4] == 0x5d;
	return p[1] == 0x5d;
}

/* The file properties: how long the file is, its packets' size. */
static int on_file_properties(asf_state *st, const unsigned char *o, uint64_t *end)
{
	uint32_t flags = le32(o + 88), min = le32(o + 92), max = le32(o + 96);

	st->seen_properties = 1;
	if (!(flags & BROADCAST_FLAG)) {
		st->file_size = le64(o + 40);
		if (st->file_size < st->header_end + DATA_OBJECT_HEADER)
			return broken(st, end);
	}
	st->packet_size = min == max && min >= 8 ? min : 0;
	return EXHIBIT_CARVE_CONTINUE;
}

/* One object header at next; h holds its first need bytes. */
static int object_at(asf_state *st, const unsigned char *h, uint64_t *end)
{
	uint64_t size = le64(h + 16), limit;

	if (st->phase == IN_HEADER) {
		if (size < OBJECT_HEADER || size > st->header_end - st->next)
			return broken(st, end);
		if (guid_is(h, guid_file_properties)) {
			int v;
			if (size < FILE_PROPERTIES_LEN)
				return broken(st, end);
			if ((v = on_file_properties(st, h, end)) != EXHIBIT_CARVE_CONTINUE)
				return v;
		}
		move_to(st, st->next + size);
		if (st->next == st->header_end) {
			if (!st->seen_properties)
				return broken(st, end);
			st->phase = TOP_LEVEL;
		}
		return EXHIBIT_CARVE_CONTINUE;
	}
	/* Top level, after the header. */
	limit = st->file_size ? st->file_size - st->next : UINT64_MAX - st->next;
	if (!st->seen_data) {
		if (!guid_is(h, guid_data) || size < DATA_OBJECT_HEADER || size > limit ||
		    h[48] != 1 || h[49] != 1)
			return broken(st, end);
		st->seen_data = 1;
		st->data_end = st->next + size;
		if (st->packet_size) {
			st->phase = IN_PACKETS;
			move_to(st, st->next + DATA_OBJECT_HEADER);
		} else {
			move_to(st, st->data_end);
		}
		return EXHIBIT_CARVE_CONTINUE;
	}
	if (size < OBJECT_HEADER || size > limit ||
	    (!st->file_size && !guid_in(h, index_objects))) {
		/* Without a stated size, the file ends at the first non-object. */
		if (st->file_size)
			return broken(st, end);
		*end = st->next;
		return EXHIBIT_CARVE_END;
	}
	move_to(st, st->next + size);
	return EXHIBIT_CARVE_CONTINUE;
}

static size_t need_at(const asf_state *st, const unsigned char *first)
{
	if (st->phase == IN_PACKETS)
		return 5;
	if (st->phase == IN_HEADER)
		return guid_is(first, guid_file_properties) ? FILE_PROPERTIES_LEN : OBJECT_HEADER;
	return st->seen_data ? OBJECT_HEADER : DATA_OBJECT_HEADER;
}

static int asf_data_check(void *state, uint64_t pos, const unsigned char *buf, size_t len,
                          uint64_t *end)
{
	asf_state *st = state;
	uint64_t block_end = pos + len;

	if (st->phase == IN_PACKETS && st->next == st->data_end)
		st->phase = TOP_LEVEL; /* the last packet ended the data object */
	if (len == 0) {
		*end = pos;
		if (st->phase != IN_PACKETS && st->seen_data && st->next == pos &&
		    (!st->file_size || st->file_size == pos))
			return EXHIBIT_CARVE_END;
		return pos < 512 || !st->seen_data ? EXHIBIT_CARVE_REJECT : EXHIBIT_CARVE_ERROR;
	}
	while (st->next < block_end) {
		const unsigned char *h;
		int v;

		if (st->file_size && st->next == st->file_size && st->phase == TOP_LEVEL) {
			*end = st->next;
			return st->seen_data ? EXHIBIT_CARVE_END : broken(st, end);
		}
		if (st->phase == IN_PACKETS && st->next >= st->data_end) {
			if (st->next != st->data_end)
				return broken(st, end);
			st->phase = TOP_LEVEL;
			continue;
		}
		if (!(h = carve_gather_take(&st->head, pos, buf, len, GUID_LEN)) ||
		    !(h = carve_gather_take(&st->head, pos, buf, len, need_at(st, h))))
			break;
		if (st->phase == IN_PACKETS) {
			if (!packet_opens(h) || st->data_end - st->next < st->packet_size)
				return broken(st, end);
			move_to(st, st->next + st->packet_size);
			continue;
		}
		v = object_at(st, h, end);
		if (v != EXHIBIT_CARVE_CONTINUE)
			return v;
	}
	if (st->phase == IN_PACKETS && st->next == st->data_end)
		st->phase = TOP_LEVEL;
	if (st->file_size && st->next == st->file_size && st->phase == TOP_LEVEL && st->seen_data) {
		*end = st->next;
		return EXHIBIT_CARVE_END;
	}
	*end = st->next > block_end ? st->next : block_end;
	return EXHIBIT_CARVE_CONTINUE;
}

/* ---- validate: the simple index against the packets */

typedef struct asf_check {
	carve_reader objects, packets;
	carve_budget budget;
	uint64_t data_start, packet_size, packets_total;
	uint64_t bad;
} asf_check;

static void check_simple_index(asf_check *c, uint64_t at, uint64_t size)
{
	const unsigned char *h = carve_read(&c->objects, at, 56);
	uint32_t entries;

	if (!h || size < 56)
		return;
	entries = le32(h + 52);
	if ((size - 56) / 6 < entries) {
		c->bad = at;
		return;
	}
	for (uint32_t i = 0; i < entries && carve_spend(&c->budget, 1); i++) {
		const unsigned char *e = carve_read(&c->objects, at + 56 + 6ull * i, 6), *p;
		uint64_t packet, where;

		if (!e) {
			c->bad = at;
			return;
		}
		packet = le32(e);
		if (packet >= c->packets_total) {
			c->bad = at + 56 + 6ull * i;
			return;
		}
		where = c->data_start + packet * c->packet_size;
		if (!(p = carve_read(&c->packets, where, 5)) || !packet_opens(p)) {
			c->bad = where;
			return;
		}
	}
}

static int asf_validate(const exhibit_host_api *api, exhibit_host *host, uint64_t length,
                        uint64_t *bad_offset)
{
	asf_check c;
	const unsigned char *h;
	uint64_t pos, header_end;

	carve_reader_init(&c.objects, api, host, length);
	carve_reader_init(&c.packets, api, host, length);
	c.budget.left = ASF_BUDGET;
	c.bad = UINT64_MAX;
	c.packet_size = c.packets_total = c.data_start = 0;
	if (!(h = carve_read(&c.objects, 0, 30))) {
		*bad_offset = 0;
		return EXHIBIT_ERR_FORMAT;
	}
	header_end = le64(h + 16);
	for (pos = 30; pos + OBJECT_HEADER <= header_end;) {
		uint64_t size;
		if (!(h = carve_read(&c.objects, pos, FILE_PROPERTIES_LEN)) || (size = le64(h + 16)) < OBJECT_HEADER)
			break;
		if (guid_is(h, guid_file_properties) && le32(h + 92) == le32(h + 96))
			c.packet_size = le32(h + 92);
		pos += size;
	}
	if (!(h = carve_read(&c.objects, header_end, DATA_OBJECT_HEADER)) || !guid_is(h, guid_data) ||
	    !c.packet_size)
		return EXHIBIT_OK;
	c.data_start = header_end + DATA_OBJECT_HEADER;
	c.packets_total = (le64(h + 16) - DATA_OBJECT_HEADER) / c.packet_size;
	for (pos = header_end + le64(h + 16); pos + OBJECT_HEADER <= length && c.bad == UINT64_MAX &&
	                                       carve_spend(&c.budget, 1);) {
		uint64_t size;
		if (!(h = carve_read(&c.objects, pos, OBJECT_HEADER)) || (size = le64(h + 16)) < OBJECT_HEADER)
			break;
		if (guid_is(h, guid_simple_index))
			check_simple_index(&c, pos, size);
		pos += size;
	}
	*bad_offset = c.bad;
	return c.bad == UINT64_MAX ? EXHIBIT_OK : EXHIBIT_ERR_FORMAT;
}

static const exhibit_signature signatures[] = {
	{ 0, guid_header, GUID_LEN },
};

static const exhibit_carver carver = {
	sizeof(asf_state),
	ASF_HEADER_LEN,
	ASF_MAX_SIZE,
	1,
	asf_header_check,
	asf_data_check,
	asf_validate,
	NULL, /* continuation_reject */
};

static EXHIBIT_CARVER_PLUGIN(descriptor, "carve-asf", "1.0",
	"Carves ASF files (WMV, WMA): header objects, the file size and packet size File "
	"Properties state, every data packet's opening, the simple index",
	signatures, carver);

const exhibit_plugin *carve_asf_plugin(void)
{
	return &descriptor;
}

CARVE_VIDEO_ENTRY(carve_asf_plugin)

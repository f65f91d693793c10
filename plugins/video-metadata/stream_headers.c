/*
 * stream_headers.c — see stream_headers.h.
 */
#include "stream_headers.h"

#include <string.h>

/* ---- a bounds-checked bit reader over an H.264 RBSP ---------------------- */

typedef struct bits {
	const unsigned char *p;
	size_t len;
	size_t pos; /* in bits */
	bool overrun;
	size_t zeros; /* consecutive zero bytes, for emulation prevention */
} bits;

/* The byte at index i of the RBSP is found by skipping 00 00 03: for
 * simplicity the NAL is unescaped into a small buffer first. */
static size_t unescape(const unsigned char *in, size_t len, unsigned char *out, size_t cap)
{
	size_t o = 0, zeros = 0;

	for (size_t i = 0; i < len && o < cap; i++) {
		if (zeros >= 2 && in[i] == 3) {
			zeros = 0;
			continue;
		}
		zeros = in[i] == 0 ? zeros + 1 : 0;
		out[o++] = in[i];
	}
	return o;
}

static unsigned bit(bits *b)
{
	unsigned v;

	if (b->pos >= b->len * 8) {
		b->overrun = true;
		return 0;
	}
	v = (b->p[b->pos / 8] >> (7 - b->pos % 8)) & 1;
	b->pos++;
	return v;
}

static uint32_t u(bits *b, unsigned n)
{
	uint32_t v = 0;

	while (n--)
		v = v << 1 | bit(b);
	return v;
}

static uint32_t ue(bits *b)
{
	unsigned zeros = 0;

	while (!bit(b) && !b->overrun)
		if (++zeros > 31) {
			b->overrun = true;
			return 0;
		}
	return (uint32_t)((1ull << zeros) - 1 + u(b, zeros));
}

static int32_t se(bits *b)
{
	uint32_t v = ue(b);

	return v & 1 ? (int32_t)((v + 1) / 2) : -(int32_t)(v / 2);
}

static void skip_scaling_list(bits *b, int size)
{
	int last = 8, next = 8;

	for (int j = 0; j < size && !b->overrun; j++) {
		if (next != 0)
			next = (last + se(b) + 256) % 256;
		last = next == 0 ? last : next;
	}
}

static bool high_profile(unsigned profile)
{
	static const unsigned profiles[] = { 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135 };

	for (size_t i = 0; i < sizeof profiles / sizeof profiles[0]; i++)
		if (profile == profiles[i])
			return true;
	return false;
}

bool h264_sps_size(const unsigned char *nal, size_t len, picture_size *out)
{
	unsigned char rbsp[256];
	bits b = { rbsp, 0, 0, false, 0 };
	unsigned profile, chroma = 1, separate = 0, poc_type, frame_mbs_only;
	uint32_t w_mbs, h_units, crop[4] = { 0, 0, 0, 0 };

	if (len < 4 || (nal[0] & 0x1f) != 7)
		return false;
	b.len = unescape(nal + 1, len - 1, rbsp, sizeof rbsp);
	profile = u(&b, 8);
	u(&b, 16); /* constraint flags, level */
	ue(&b);    /* seq_parameter_set_id */
	if (high_profile(profile)) {
		chroma = ue(&b);
		if (chroma > 3)
			return false;
		if (chroma == 3)
			separate = bit(&b);
		ue(&b);
		ue(&b);
		bit(&b);
		if (bit(&b))
			for (int i = 0; i < (chroma == 3 ? 12 : 8) && !b.overrun; i++)
				if (bit(&b))
					skip_scaling_list(&b, i < 6 ? 16 : 64);
	}
	ue(&b); /* log2_max_frame_num_minus4 */
	poc_type = ue(&b);
	if (poc_type == 0) {
		ue(&b);
	} else if (poc_type == 1) {
		uint32_t cycle;
		bit(&b);
		se(&b);
		se(&b);
		cycle = ue(&b);
		if (cycle > 255)
			return false;
		for (uint32_t i = 0; i < cycle && !b.overrun; i++)
			se(&b);
	}
	ue(&b); /* max_num_ref_frames */
	bit(&b);
	w_mbs = ue(&b) + 1;
	h_units = ue(&b) + 1;
	frame_mbs_only = bit(&b);
	if (!frame_mbs_only)
		bit(&b);
	bit(&b);
	if (bit(&b))
		for (int i = 0; i < 4; i++)
			crop[i] = ue(&b);
	if (b.overrun || w_mbs > 1024 || h_units > 1024)
		return false;
	{
		unsigned array_type = separate ? 0 : chroma;
		unsigned sub_w = array_type == 1 || array_type == 2 ? 2 : 1;
		unsigned sub_h = array_type == 1 ? 2 : 1;
		int64_t unit_x = array_type == 0 ? 1 : sub_w;
		int64_t unit_y = (array_type == 0 ? 1 : sub_h) * (2 - frame_mbs_only);
		int64_t w = (int64_t)w_mbs * 16, h = (int64_t)(2 - frame_mbs_only) * h_units * 16;
		w -= ((int64_t)crop[0] + crop[1]) * unit_x;
		h -= ((int64_t)crop[2] + crop[3]) * unit_y;
		if (w <= 0 || h <= 0)
			return false;
		out->width = w;
		out->height = h;
		out->frame_rate = 0;
	}
	return true;
}

bool h264_find_sps(const unsigned char *buf, size_t len, const unsigned char **sps,
                   size_t *sps_len)
{
	for (size_t i = 0; i + 4 < len; i++) {
		if (buf[i] != 0 || buf[i + 1] != 0 || buf[i + 2] != 1 || (buf[i + 3] & 0x1f) != 7)
			continue;
		{
			size_t start = i + 3, end = start;
			while (end + 2 < len && !(buf[end] == 0 && buf[end + 1] == 0 &&
			                          (buf[end + 2] == 1 || buf[end + 2] == 0)))
				end++;
			if (end + 2 >= len)
				end = len;
			*sps = buf + start;
			*sps_len = end - start;
			return true;
		}
	}
	return false;
}

bool mpeg12_sequence_size(const unsigned char *buf, size_t len, picture_size *out)
{
	static const double rates[] = { 0, 24000.0 / 1001, 24, 25, 30000.0 / 1001, 30, 50,
	                                60000.0 / 1001, 60 };

	for (size_t i = 0; i + 8 <= len; i++) {
		if (buf[i] || buf[i + 1] || buf[i + 2] != 1 || buf[i + 3] != 0xb3)
			continue;
		out->width = (int64_t)buf[i + 4] << 4 | buf[i + 5] >> 4;
		out->height = (int64_t)(buf[i + 5] & 0x0f) << 8 | buf[i + 6];
		out->frame_rate = (buf[i + 7] & 15) < 9 ? rates[buf[i + 7] & 15] : 0;
		return out->width > 0 && out->height > 0;
	}
	return false;
}

bool h263_flv_size(const unsigned char *buf, size_t len, picture_size *out)
{
	bits b = { buf, len, 0, false, 0 };
	static const int64_t sizes[][2] = { { 0, 0 }, { 0, 0 }, { 352, 288 }, { 176, 144 },
	                                    { 128, 96 }, { 320, 240 }, { 160, 120 } };
	unsigned format;

	if (u(&b, 17) != 1)
		return false;
	u(&b, 5);   /* version */
	u(&b, 8);   /* temporal reference */
	format = u(&b, 3);
	if (format == 0) {
		out->width = u(&b, 8);
		out->height = u(&b, 8);
	} else if (format == 1) {
		out->width = u(&b, 16);
		out->height = u(&b, 16);
	} else if (format < 7) {
		out->width = sizes[format][0];
		out->height = sizes[format][1];
	} else {
		return false;
	}
	out->frame_rate = 0;
	return !b.overrun && out->width > 0 && out->height > 0;
}

bool adts_frame(const unsigned char *buf, size_t len, audio_frame *out)
{
	static const unsigned rates[] = { 96000, 88200, 64000, 48000, 44100, 32000,
	                                  24000, 22050, 16000, 12000, 11025, 8000, 7350 };
	unsigned rate_index;

	if (len < 7 || buf[0] != 0xff || (buf[1] & 0xf6) != 0xf0)
		return false;
	rate_index = (buf[2] >> 2) & 15;
	if (rate_index >= 13)
		return false;
	out->codec = "aac";
	out->sample_rate = rates[rate_index];
	out->channels = (unsigned)((buf[2] & 1) << 2 | buf[3] >> 6);
	out->samples = 1024u * ((buf[6] & 3) + 1);
	out->length = (size_t)(buf[3] & 3) << 11 | (size_t)buf[4] << 3 | buf[5] >> 5;
	return out->length >= 7;
}

bool mpeg_audio_frame(const unsigned char *buf, size_t len, audio_frame *out)
{
	static const unsigned rates[3] = { 44100, 48000, 32000 };
	static const unsigned short kbps[2][3][15] = {
		{ { 0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448 },
		  { 0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384 },
		  { 0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320 } },
		{ { 0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256 },
		  { 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160 },
		  { 0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160 } },
	};
	unsigned version, layer, rate_index, rate_kbps, padding, lsf;

	if (len < 4 || buf[0] != 0xff || (buf[1] & 0xe0) != 0xe0)
		return false;
	version = (buf[1] >> 3) & 3; /* 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5 */
	layer = 4 - ((buf[1] >> 1) & 3);
	rate_index = (buf[2] >> 2) & 3;
	if (version == 1 || layer == 4 || rate_index == 3 || (buf[2] >> 4) == 15)
		return false;
	lsf = version != 3;
	rate_kbps = kbps[lsf][layer - 1][buf[2] >> 4];
	padding = (buf[2] >> 1) & 1;
	out->sample_rate = rates[rate_index] >> (version == 3 ? 0 : version == 2 ? 1 : 2);
	out->channels = (buf[3] >> 6) == 3 ? 1 : 2;
	out->codec = layer == 1 ? "mp1" : layer == 2 ? "mp2" : "mp3";
	out->samples = layer == 1 ? 384 : (layer == 3 && lsf) ? 576 : 1152;
	if (!rate_kbps) { /* free format: length unknown */
		out->length = 0;
		return true;
	}
	if (layer == 1)
		out->length = (12000u * rate_kbps / out->sample_rate + padding) * 4;
	else
		out->length = (size_t)out->samples / 8 * 1000 * rate_kbps / out->sample_rate + padding;
	return true;
}

/*
 * mpegts.c — MPEG-2 transport streams (ISO/IEC 13818-1; 188-byte
 * packets, and the 192-byte M2TS and 204-byte variants): the programs
 * and streams the tables list, and the duration from presentation time
 * stamps.
 *
 *   PAT (PID 0)        the programs and their PMT PIDs;
 *   PMT                per elementary stream: stream_type and descriptors
 *                      (language, registration, AC-3/E-AC-3/DTS, DVB
 *                      subtitles, teletext), hence codec and kind;
 *   PES headers        the first and last PTS of every stream; the first
 *                      video payload for the picture size (MPEG-1/2
 *                      sequence header, H.264 SPS); audio frame headers
 *                      for rate, channels and frame length;
 *   duration           as ffprobe reckons it: from the earliest first PTS
 *                      to the latest PES's PTS plus one frame (a PES holding
 *                      several audio frames counts as one, as ffprobe's
 *                      estimate from raw packets does), 33-bit wrap-around
 *                      allowed for.
 *
 * Only the head (HEAD_SCAN bytes) and the tail (TAIL_SCAN bytes) are read,
 * packet by packet on the grid set by the first sync bytes; a lost sync is
 * searched for again within RESYNC_SPAN bytes.  Sections and buffers are
 * bounded; a last packet cut short is reported as truncation.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "codec_names.h"
#include "stream_headers.h"
#include "video_parsers.h"

#define HEAD_SCAN (8u * 1024 * 1024)
#define TAIL_SCAN (4u * 1024 * 1024)
#define RESYNC_SPAN (64u * 1024)
#define SECTION_MAX 1024
#define HEAD_MAX (64u * 1024)
#define MAX_PMTS 16
#define PTS_MASK ((UINT64_C(1) << 33) - 1)

typedef struct es {
	uint16_t pid;
	unsigned stream_type;
	const char *kind;
	const char *codec;
	char language[4];
	unsigned char registration[4];
	bool has_registration;
	/* timing */
	bool has_first, has_last;
	uint64_t first_pts, last_pts, prev_pts;
	uint64_t min_delta; /* smallest positive PTS step seen: a frame */
	/* what the payload said */
	picture_size picture;
	bool has_picture;
	audio_frame audio;
	bool has_audio;
	/* buffers */
	unsigned char *head; /* the first PES payload */
	size_t head_len;
	bool head_done, head_started;
} es;

typedef struct section {
	uint16_t pid;
	unsigned char buf[SECTION_MAX];
	size_t len;
	bool active;
	bool done;
} section;

typedef struct parse {
	media *m;
	unsigned packet;   /* 188, 192 or 204 */
	unsigned prefix;   /* bytes before the sync byte: 4 for M2TS */
	uint64_t first;    /* offset of the first packet */
	section pat;
	section pmts[MAX_PMTS];
	size_t n_pmts;
	es streams[MEDIA_MAX_STREAMS];
	size_t n_streams, streams_dropped;
	uint64_t packets;
} parse;

/* ---- the packet grid -------------------------------------------------------- */

static bool sync_at(media *m, uint64_t off, unsigned packet, unsigned prefix, int count)
{
	for (int i = 0; i < count; i++) {
		const unsigned char *b = media_peek(m, off + prefix + (uint64_t)i * packet, 1);
		if (!b || b[0] != 0x47)
			return false;
	}
	return true;
}

/* Find the grid: the first offset where several packets in a row start
 * with the sync byte, for each packet size. */
static bool find_grid(parse *p, uint64_t from, uint64_t span)
{
	static const unsigned sizes[][2] = { { 188, 0 }, { 192, 4 }, { 204, 0 } };
	uint64_t end = from + span < p->m->size ? from + span : p->m->size;

	for (uint64_t off = from; off < end; off++)
		for (size_t k = 0; k < 3; k++) {
			uint64_t avail = p->m->size - off, packets = avail / sizes[k][0];
			/* five packets in a row where there are five; a lone packet
			 * only where the search starts (a one-packet file) */
			int need = packets >= 5 ? 5 : (int)packets;
			if (need < 1 || (need < 2 && off != from) ||
			    !sync_at(p->m, off, sizes[k][0], sizes[k][1], need))
				continue;
			p->packet = sizes[k][0];
			p->prefix = sizes[k][1];
			p->first = off;
			return true;
		}
	return false;
}

/* ---- tables ------------------------------------------------------------------ */

static es *stream_of(parse *p, uint16_t pid)
{
	for (size_t i = 0; i < p->n_streams; i++)
		if (p->streams[i].pid == pid)
			return &p->streams[i];
	return NULL;
}

static section *pmt_of(parse *p, uint16_t pid)
{
	for (size_t i = 0; i < p->n_pmts; i++)
		if (p->pmts[i].pid == pid)
			return &p->pmts[i];
	return NULL;
}

static bool crc_free_section_ok(const unsigned char *s, size_t len, unsigned table_id)
{
	return len >= 12 && s[0] == table_id && (s[1] & 0x80);
}

static void on_pat(parse *p, const unsigned char *s, size_t len)
{
	size_t n = 3 + (((size_t)s[1] & 0x0f) << 8 | s[2]);

	if (n > len || !crc_free_section_ok(s, n, 0x00))
		return;
	for (size_t at = 8; at + 4 <= n - 4; at += 4) {
		unsigned program = be16(s + at);
		uint16_t pid = be16(s + at + 2) & 0x1fff;
		if (program == 0 || pmt_of(p, pid))
			continue; /* program 0: the network PID */
		if (p->n_pmts == MAX_PMTS)
			break;
		p->pmts[p->n_pmts].pid = pid;
		p->pmts[p->n_pmts].len = 0;
		p->pmts[p->n_pmts].active = false;
		p->pmts[p->n_pmts].done = false;
		p->n_pmts++;
	}
}

static void classify(es *e)
{
	static const unsigned video[] = { 0x01, 0x02, 0x10, 0x1b, 0x20, 0x24, 0x33, 0x42, 0xd1, 0xd2, 0xea };
	static const unsigned audio[] = { 0x03, 0x04, 0x0f, 0x11, 0x1c, 0x80, 0x81, 0x82, 0x83,
	                                  0x84, 0x85, 0x86, 0x87 };

	e->codec = codec_from_ts_stream_type(e->stream_type);
	e->kind = "data";
	for (size_t i = 0; i < sizeof video / sizeof video[0]; i++)
		if (e->stream_type == video[i])
			e->kind = "video";
	for (size_t i = 0; i < sizeof audio / sizeof audio[0]; i++)
		if (e->stream_type == audio[i])
			e->kind = "audio";
	if (e->stream_type == 0x90)
		e->kind = "subtitle";
}

/* What an ES descriptor adds: language, or the codec of stream_type 6. */
static void es_descriptor(es *e, unsigned tag, const unsigned char *d, size_t len)
{
	static const struct { char reg[5]; const char *codec; const char *kind; } regs[] = {
		{ "AC-3", "ac3", "audio" }, { "EAC3", "eac3", "audio" }, { "Opus", "opus", "audio" },
		{ "HEVC", "hevc", "video" }, { "DTS1", "dts", "audio" }, { "DTS2", "dts", "audio" },
		{ "DTS3", "dts", "audio" }, { "KLVA", "klv", "data" }, { "ID3 ", "timed_id3", "data" },
		{ "BSSD", "s302m", "audio" }, { "VC-1", "vc1", "video" }, { "drac", "dirac", "video" },
	};

	if (tag == 0x0a && len >= 3) {
		memcpy(e->language, d, 3);
		e->language[3] = '\0';
		return;
	}
	if (tag == 0x05 && len >= 4) {
		memcpy(e->registration, d, 4);
		e->has_registration = true;
		for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
			if (!memcmp(d, regs[i].reg, 4) && (e->stream_type == 0x06 || !e->codec)) {
				e->codec = regs[i].codec;
				e->kind = regs[i].kind;
			}
		return;
	}
	if (e->stream_type != 0x06)
		return;
	if (tag == 0x6a)
		e->codec = "ac3", e->kind = "audio";
	else if (tag == 0x7a)
		e->codec = "eac3", e->kind = "audio";
	else if (tag == 0x7b)
		e->codec = "dts", e->kind = "audio";
	else if (tag == 0x59)
		e->codec = "dvb_subtitle", e->kind = "subtitle";
	else if (tag == 0x56)
		e->codec = "dvb_teletext", e->kind = "subtitle";
}

static void on_pmt(parse *p, const unsigned char *s, size_t len)
{
	size_t n = 3 + (((size_t)s[1] & 0x0f) << 8 | s[2]), info, at;

	if (n > len || !crc_free_section_ok(s, n, 0x02))
		return;
	info = ((size_t)s[10] & 0x0f) << 8 | s[11];
	for (at = 12 + info; at + 5 <= n - 4;) {
		unsigned type = s[at];
		uint16_t pid = be16(s + at + 1) & 0x1fff;
		size_t es_info = ((size_t)s[at + 3] & 0x0f) << 8 | s[at + 4];
		es *e = stream_of(p, pid);

		at += 5;
		if (es_info > n - 4 - at)
			break;
		if (!e) {
			if (p->n_streams == MEDIA_MAX_STREAMS) {
				p->streams_dropped++;
				at += es_info;
				continue;
			}
			e = &p->streams[p->n_streams++];
			memset(e, 0, sizeof *e);
			e->pid = pid;
			e->stream_type = type;
			classify(e);
		}
		for (size_t d = at; d + 2 <= at + es_info;) {
			size_t dl = s[d + 1];
			if (dl > at + es_info - d - 2)
				break;
			es_descriptor(e, s[d], s + d + 2, dl);
			d += 2 + dl;
		}
		at += es_info;
	}
}

/* Collect a PSI section over packets; hand it on when complete. */
static void section_data(parse *p, section *sec, bool start, const unsigned char *d, size_t len,
                         void (*done)(parse *, const unsigned char *, size_t))
{
	size_t need;

	if (sec->done)
		return;
	if (start) {
		size_t pointer;
		if (len < 1 || (pointer = d[0]) >= len)
			return;
		d += 1 + pointer;
		len -= 1 + pointer;
		sec->len = 0;
		sec->active = true;
	}
	if (!sec->active)
		return;
	if (len > SECTION_MAX - sec->len)
		len = SECTION_MAX - sec->len;
	memcpy(sec->buf + sec->len, d, len);
	sec->len += len;
	if (sec->len < 3)
		return;
	need = 3 + (((size_t)sec->buf[1] & 0x0f) << 8 | sec->buf[2]);
	if (need > SECTION_MAX) {
		sec->active = false;
		return;
	}
	if (sec->len >= need) {
		done(p, sec->buf, need);
		sec->done = true;
	}
}

/* ---- PES ------------------------------------------------------------------------ */

static uint64_t pts_of(const unsigned char *b)
{
	return ((uint64_t)(b[0] >> 1) & 7) << 30 | (uint64_t)b[1] << 22 |
	       (uint64_t)(b[2] >> 1) << 15 | (uint64_t)b[3] << 7 | b[4] >> 1;
}

/* The PTS of a PES header at d, and where its payload starts. */
static bool pes_header(const unsigned char *d, size_t len, uint64_t *pts, bool *has_pts,
                       size_t *payload)
{
	unsigned id;

	*has_pts = false;
	if (len < 6 || d[0] || d[1] || d[2] != 1)
		return false;
	id = d[3];
	if (id == 0xbc || id == 0xbe || id == 0xbf || id == 0xf0 || id == 0xf1 || id == 0xff ||
	    id == 0xf2 || id == 0xf8) {
		*payload = 6; /* no optional header */
		return true;
	}
	if (len < 9 || (d[6] & 0xc0) != 0x80)
		return false;
	*payload = 9u + d[8];
	if (*payload > len)
		return false;
	if ((d[7] & 0x80) && d[8] >= 5) {
		*pts = pts_of(d + 9);
		*has_pts = true;
	}
	return true;
}

static void take_pts(es *e, uint64_t pts)
{
	if (!e->has_first) {
		e->first_pts = pts;
		e->has_first = true;
	} else if (!e->has_last || ((pts - e->prev_pts) & PTS_MASK) < (UINT64_C(1) << 32)) {
		uint64_t step = (pts - e->prev_pts) & PTS_MASK;
		if (step && step < (UINT64_C(1) << 32) && (!e->min_delta || step < e->min_delta))
			e->min_delta = step;
	}
	e->prev_pts = pts;
	/* the latest (in presentation order) PTS seen, wrap-aware */
	if (!e->has_last || ((pts - e->last_pts) & PTS_MASK) < (UINT64_C(1) << 32))
		e->last_pts = pts;
	e->has_last = true;
}

static void append(unsigned char *buf, size_t *len, size_t cap, const unsigned char *d, size_t n)
{
	if (n > cap - *len)
		n = cap - *len;
	memcpy(buf + *len, d, n);
	*len += n;
}

/* What the first payload bytes of a stream say. */
static void inspect_head(es *e)
{
	if (!strcmp(e->kind, "video")) {
		const unsigned char *sps;
		size_t sps_len;
		if (e->stream_type == 0x01 || e->stream_type == 0x02)
			e->has_picture = mpeg12_sequence_size(e->head, e->head_len, &e->picture);
		else if (e->stream_type == 0x1b && h264_find_sps(e->head, e->head_len, &sps, &sps_len))
			e->has_picture = h264_sps_size(sps, sps_len, &e->picture);
	} else if (!strcmp(e->kind, "audio")) {
		if (e->stream_type == 0x0f)
			e->has_audio = adts_frame(e->head, e->head_len, &e->audio);
		else if (e->stream_type == 0x03 || e->stream_type == 0x04)
			e->has_audio = mpeg_audio_frame(e->head, e->head_len, &e->audio);
		if (e->has_audio && (e->stream_type == 0x03 || e->stream_type == 0x04))
			e->codec = e->audio.codec;
	}
}

static void pes_data(parse *p, es *e, bool start, const unsigned char *d, size_t len)
{
	uint64_t pts = 0;
	bool has_pts = false;
	size_t payload = 0;

	if (start) {
		if (!pes_header(d, len, &pts, &has_pts, &payload))
			return;
		if (has_pts)
			take_pts(e, pts);
		d += payload;
		len -= payload;
		if (e->head_started && !e->head_done) {
			e->head_done = true; /* the first PES is complete */
			inspect_head(e);
		}
		if (!e->head_done && !e->head_started && (!strcmp(e->kind, "video") ||
		                                          !strcmp(e->kind, "audio"))) {
			e->head = malloc(HEAD_MAX);
			e->head_started = e->head != NULL;
		}
	}
	if (e->head_started && !e->head_done) {
		append(e->head, &e->head_len, HEAD_MAX, d, len);
		if (e->head_len == HEAD_MAX) {
			e->head_done = true;
			inspect_head(e);
		}
	}
}

/* ---- packets ------------------------------------------------------------------------ */

static void on_packet(parse *p, const unsigned char *pk)
{
	uint16_t pid = be16(pk + 1) & 0x1fff;
	bool start = pk[1] & 0x40;
	unsigned afc = (pk[3] >> 4) & 3;
	size_t at = 4;
	section *pmt;
	es *e;

	if (pk[1] & 0x80 || afc == 0 || afc == 2)
		return; /* transport error, or no payload */
	if (afc == 3) {
		at += 1u + pk[4];
		if (at >= 188)
			return;
	}
	if (pid == 0)
		section_data(p, &p->pat, start, pk + at, 188 - at, on_pat);
	else if ((pmt = pmt_of(p, pid)))
		section_data(p, pmt, start, pk + at, 188 - at, on_pmt);
	else if ((e = stream_of(p, pid)))
		pes_data(p, e, start, pk + at, 188 - at);
}

/* Walk packets from offset from for at most span bytes, resyncing when
 * the grid is lost. */
static void scan(parse *p, uint64_t from, uint64_t span)
{
	uint64_t end = span < p->m->size - from ? from + span : p->m->size;
	uint64_t off = from;

	while (off < end && p->m->size - off >= (uint64_t)p->prefix + 188) {
		const unsigned char *pk = media_peek(p->m, off + p->prefix, 188);
		if (!pk)
			return;
		if (pk[0] != 0x47) {
			uint64_t lost = off;
			if (!find_grid(p, off + 1, RESYNC_SPAN)) {
				media_problem(p->m, (int64_t)lost, EXHIBIT_ERR_FORMAT,
				              "MPEG-TS: sync lost at offset %llu and not found again "
				              "within %u bytes",
				              (unsigned long long)lost, RESYNC_SPAN);
				return;
			}
			media_problem(p->m, (int64_t)lost, EXHIBIT_ERR_FORMAT,
			              "MPEG-TS: sync lost at offset %llu, found again at %llu",
			              (unsigned long long)lost, (unsigned long long)p->first);
			off = p->first;
			continue;
		}
		p->packets++;
		on_packet(p, pk);
		off += p->packet;
	}
}

/* ---- results ------------------------------------------------------------------------ */

/* The duration of one frame of a stream, in 90 kHz units. */
static double frame_ticks(const es *e)
{
	if (e->has_picture && e->picture.frame_rate > 0)
		return 90000.0 / e->picture.frame_rate;
	if (e->has_audio && e->audio.sample_rate)
		return 90000.0 * e->audio.samples / e->audio.sample_rate;
	return (double)e->min_delta;
}

static void describe(parse *p)
{
	media *m = p->m;
	const es *ref = NULL;
	double end = 0;
	bool any = false;

	for (size_t i = 0; i < p->n_streams; i++)
		if (p->streams[i].has_first && (!ref || ((p->streams[i].first_pts - ref->first_pts) &
		                                         PTS_MASK) >= (UINT64_C(1) << 32)))
			ref = &p->streams[i]; /* the earliest start */
	for (size_t i = 0; i < p->n_streams; i++) {
		es *e = &p->streams[i];
		media_stream *s = media_add_stream(m, e->kind);
		if (!s)
			continue;
		s->id = e->pid;
		media_set_codec(s->codec, e->codec);
		snprintf(s->codec_tag, sizeof s->codec_tag, "0x%02x", e->stream_type);
		snprintf(s->language, sizeof s->language, "%s", e->language);
		if (e->has_picture) {
			s->width = e->picture.width;
			s->height = e->picture.height;
			s->frame_rate = e->picture.frame_rate;
		}
		if (!s->frame_rate && !strcmp(e->kind, "video") && e->min_delta)
			s->frame_rate = 90000.0 / (double)e->min_delta;
		if (e->has_audio) {
			s->sample_rate = e->audio.sample_rate;
			s->channels = e->audio.channels;
		}
		if (e->has_first && e->has_last && ref) {
			double first = (double)((e->first_pts - ref->first_pts) & PTS_MASK);
			double last = (double)((e->last_pts - ref->first_pts) & PTS_MASK);
			double tail = frame_ticks(e);
			s->duration_s = (last + tail - first) / 90000.0;
			if (!any || last + tail > end)
				end = last + tail;
			any = true;
		}
	}
	m->streams_dropped += p->streams_dropped;
	if (any)
		m->duration_s = end / 90000.0; /* from the earliest start */
	if (!p->pat.done)
		media_problem(m, -1, EXHIBIT_ERR_FORMAT,
		              "MPEG-TS: no program association table (PID 0) in the first %u MiB",
		              HEAD_SCAN >> 20);
	else if (!p->n_streams)
		media_problem(m, -1, EXHIBIT_ERR_FORMAT,
		              "MPEG-TS: no program map table lists a stream in the first %u MiB",
		              HEAD_SCAN >> 20);
}

static void free_streams(parse *p)
{
	for (size_t i = 0; i < p->n_streams; i++) {
		free(p->streams[i].head);
	}
}

bool parse_mpegts(media *m)
{
	parse *p = calloc(1, sizeof *p);
	uint64_t tail, rest;
	bool whole;

	if (!p) {
		media_problem(m, -1, EXHIBIT_ERR, "out of memory");
		return false;
	}
	p->m = m;
	if (!find_grid(p, 0, 4096)) {
		media_problem(m, 0, EXHIBIT_ERR_FORMAT,
		              "not an MPEG transport stream: no run of sync bytes in the first 4 KiB");
		free(p);
		return false;
	}
	m->container = p->packet == 192 ? "m2ts" : "mpegts";
	if (p->first)
		media_problem(m, 0, EXHIBIT_ERR_FORMAT,
		              "MPEG-TS: %llu bytes before the first packet (carved or cut at the start)",
		              (unsigned long long)p->first);
	/* a file that fits in the head scan is read once */
	whole = m->size - p->first <= HEAD_SCAN;
	scan(p, p->first, HEAD_SCAN);
	for (size_t i = 0; i < p->n_streams; i++) /* a first PES still open at the head's end */
		if (p->streams[i].head_started && !p->streams[i].head_done) {
			p->streams[i].head_done = true;
			inspect_head(&p->streams[i]);
		}
	rest = (m->size - p->first) % p->packet;
	if (!whole) { /* the tail, on the same grid */
		tail = m->size - TAIL_SCAN > p->first + HEAD_SCAN ? m->size - TAIL_SCAN
		                                                  : p->first + HEAD_SCAN;
		tail = p->first + (tail - p->first) / p->packet * p->packet;
		scan(p, tail, m->size - tail);
	}
	if (rest)
		media_problem(m, (int64_t)(m->size - rest), EXHIBIT_ERR_FORMAT,
		              "MPEG-TS: the last packet (offset %llu) has %llu of its %u bytes: "
		              "truncated",
		              (unsigned long long)(m->size - rest), (unsigned long long)rest, p->packet);
	describe(p);
	free_streams(p);
	free(p);
	return true;
}

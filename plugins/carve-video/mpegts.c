/*
 * mpegts.c — the "carve-mpegts" carver: MPEG-2 transport streams
 * (ISO/IEC 13818-1): 188-byte packets (.ts), and the 192-byte packets of
 * Blu-ray and AVCHD (.m2ts, .mts: a 4-byte arrival timestamp first).
 *
 * Signatures: the first packet of a recording is its PAT (PID 0) or, from
 * ffmpeg and DVB, its SDT (PID 0x11): sync byte, payload unit start, the
 * PID, continuity counter 0.  header_check wants four more sync bytes a
 * packet apart and a table section that opens as the PID says.
 *
 * data_check reads every packet's header (the payload is never read past
 * its first bytes): the sync byte, a valid adaptation field control, and
 * the continuity counter of every PID, which must count on by one from
 * packet to packet (a duplicate and a flagged discontinuity excepted).
 * The PAT gives the PMTs, the PMTs the elementary streams, and a packet
 * that starts a PES must start with its start code.  A transport stream
 * has no length of its own: the file ends at the first packet without
 * its sync byte (or at a PAT or SDT that counts from 0 again on a sector
 * boundary: the next recording, stored right after).  Where that packet starts on a sector boundary or is
 * followed by zeros to one (the slack a file system leaves after a file's
 * end), the file ended there; otherwise the bytes before it are not the
 * file's either (a fragment ended inside the last packet), and the break
 * is reported at the sector boundary inside it.  A stream needs a PAT, a
 * PMT and PES packets to be a file at all.
 */
#include <string.h>

#include "bytes.h"
#include "carve_common.h"
#include "carve_video.h"

#define TS_PACKET 188
#define M2TS_PACKET 192
#define TS_HEADER_LEN (5 * M2TS_PACKET)
#define TS_MAX_SIZE (64ull << 30)
#define TS_MAX_PMTS 16
#define TS_MAX_STREAMS 32
#define NULL_PID 0x1fff
#define SECTOR 512
#define M2TS_ALIGNED_UNIT (32 * M2TS_PACKET)

enum { SIG_TS_PAT, SIG_TS_SDT, SIG_M2TS_PAT, SIG_M2TS_SDT };

typedef struct ts_state {
	uint64_t next;           /* candidate offset of the next packet */
	uint32_t packet;         /* 188 or 192 */
	uint32_t sync;           /* offset of the sync byte in a packet: 0 or 4 */
	uint32_t partial_len;    /* bytes of a packet cut by a block, kept */
	unsigned char partial[M2TS_PACKET];
	uint32_t have_last;      /* last[] holds the packet before next */
	unsigned char last[M2TS_PACKET];
	uint16_t pmt_pids[TS_MAX_PMTS];
	uint32_t n_pmts, pmts_seen; /* pmts_seen: one bit per pmt_pids entry */
	uint16_t pes_pids[TS_MAX_STREAMS];
	/* Bytes the PES in progress still owes: 0 when it is whole, -1 when
	 * its length is unstated (or its start was not seen). */
	int32_t pes_left[TS_MAX_STREAMS];
	uint32_t n_pes;
	uint32_t pat_seen, pes_packets;
	uint32_t broken_at;      /* where in the packet one_packet found it wrong */
	uint8_t counter[8192];   /* per PID: last continuity counter + 1; 0: not seen */
} ts_state;

/* ---- header_check */

static bool section_opens(const unsigned char *h, unsigned pid)
{
	const unsigned char *s = h + 5 + h[4]; /* after the pointer field */

	if (h[4] > 100)
		return false;
	if (pid == 0)
		return s[0] == 0x00 && (s[1] & 0x80);
	return (s[0] == 0x42 || s[0] == 0x46) && (s[1] & 0x80);
}

static int ts_header_check(void *state, const unsigned char *buf, size_t len, size_t sig,
                           exhibit_carve_header *out)
{
	ts_state *st = state;
	unsigned packet = sig >= SIG_M2TS_PAT ? M2TS_PACKET : TS_PACKET;
	unsigned sync = sig >= SIG_M2TS_PAT ? 4 : 0;
	unsigned pid = (sig == SIG_TS_PAT || sig == SIG_M2TS_PAT) ? 0 : 0x11;

	if (len < 5 * packet)
		return EXHIBIT_CARVE_REJECT;
	for (unsigned k = 1; k < 5; k++)
		if (buf[k * packet + sync] != 0x47)
			return EXHIBIT_CARVE_REJECT;
	if (!section_opens(buf + sync, pid))
		return EXHIBIT_CARVE_REJECT;
	memset(st, 0, sizeof *st);
	st->packet = packet;
	st->sync = sync;
	out->extension = sync ? "m2ts" : "ts";
	out->min_size = 8 * packet;
	return EXHIBIT_CARVE_ACCEPT;
}

/* ---- program tables */

/* pid_index — where pid is in list, or -1. */
static int pid_index(const uint16_t *list, uint32_t n, unsigned pid)
{
	for (uint32_t i = 0; i < n; i++)
		if (list[i] == pid)
			return (int)i;
	return -1;
}

static bool pid_listed(const uint16_t *list, uint32_t n, unsigned pid)
{
	return pid_index(list, n, pid) >= 0;
}

/* section — the table section a packet's payload starts, and its length
 * within the payload (the section must fit the packet to be read). */
static const unsigned char *section(const unsigned char *payload, size_t len, size_t *slen)
{
	size_t at;

	if (len < 1 || (at = 1u + payload[0]) + 3 > len)
		return NULL;
	*slen = 3 + (((size_t)payload[at + 1] & 0x0f) << 8 | payload[at + 2]);
	return *slen <= len - at && *slen >= 12 ? payload + at : NULL;
}

static void on_pat(ts_state *st, const unsigned char *s, size_t slen)
{
	if (s[0] != 0x00)
		return;
	st->pat_seen = 1;
	for (size_t i = 8; i + 4 <= slen - 4; i += 4) {
		unsigned program = be16(s + i), pid = be16(s + i + 2) & 0x1fff;
		if (program != 0 && st->n_pmts < TS_MAX_PMTS && !pid_listed(st->pmt_pids, st->n_pmts, pid))
			st->pmt_pids[st->n_pmts++] = (uint16_t)pid;
	}
}

/* Stream types carried in PES packets (the others carry sections). */
static bool pes_stream_type(unsigned type)
{
	static const unsigned char types[] = { 0x01, 0x02, 0x03, 0x04, 0x06, 0x0f, 0x10, 0x11, 0x1b,
		                               0x1c, 0x20, 0x24, 0x42, 0x80, 0x81, 0x82, 0x83,
		                               0x84, 0x85, 0x86, 0x87, 0x90, 0xa1, 0xa2, 0xea };

	for (size_t i = 0; i < sizeof types; i++)
		if (types[i] == type)
			return type != 0x86; /* SCTE-35 splice sections */
	return false;
}

static void on_pmt(ts_state *st, unsigned which, const unsigned char *s, size_t slen)
{
	size_t at;

	if (s[0] != 0x02)
		return;
	st->pmts_seen |= 1u << which;
	at = 12 + ((size_t)(s[10] & 0x0f) << 8 | s[11]);
	while (at + 5 <= slen - 4) {
		unsigned type = s[at], pid = be16(s + at + 1) & 0x1fff;
		size_t info = (size_t)(s[at + 3] & 0x0f) << 8 | s[at + 4];
		if (pes_stream_type(type) && st->n_pes < TS_MAX_STREAMS &&
		    !pid_listed(st->pes_pids, st->n_pes, pid)) {
			st->pes_left[st->n_pes] = -1;
			st->pes_pids[st->n_pes++] = (uint16_t)pid;
		}
		at += 5 + info;
	}
}

/* ---- packets */

typedef enum packet_verdict {
	PACKET_OK,
	PACKET_NO_SYNC,
	PACKET_BROKEN,
	PACKET_NEW_FILE /* the first packet of another recording */
} packet_verdict;

/* counter_continues — the continuity counter of pid goes on from its
 * last packet. */
static bool counter_continues(ts_state *st, unsigned pid, unsigned cc, bool payload,
                              bool discontinuity)
{
	unsigned last = st->counter[pid];
	bool ok = true;

	if (pid != NULL_PID && last && !discontinuity) {
		last -= 1;
		ok = payload ? cc == ((last + 1) & 15) || cc == last : cc == last;
	}
	st->counter[pid] = (uint8_t)(cc + 1);
	return ok;
}

/* one_packet — the packet p (st->packet bytes). */
static packet_verdict one_packet(ts_state *st, const unsigned char *p)
{
	const unsigned char *h = p + st->sync, *payload;
	unsigned pid, afc, cc;
	size_t at = 4, plen;
	bool discontinuity = false;
	int stream;

	st->broken_at = 0;
	if (h[0] != 0x47)
		return PACKET_NO_SYNC;
	pid = (h[1] & 0x1fu) << 8 | h[2];
	afc = (h[3] >> 4) & 3;
	cc = h[3] & 15;
	if (afc == 0)
		return PACKET_BROKEN;
	if (afc & 2) {
		unsigned af = h[4];
		if (afc == 2 ? af != 183 : af > 182)
			return PACKET_BROKEN;
		discontinuity = af > 0 && (h[5] & 0x80);
		at = 5 + af;
	}
	if (!counter_continues(st, pid, cc, afc & 1, discontinuity)) {
		/* A PAT or SDT counting from 0 again, on a sector boundary: the
		 * next recording, stored right after this one. */
		if (cc == 0 && (h[1] & 0x40) && (pid == 0 || pid == 0x11) && st->next % SECTOR == 0)
			return PACKET_NEW_FILE;
		return PACKET_BROKEN;
	}
	payload = h + at;
	plen = afc & 1 ? TS_PACKET - at : 0;
	stream = pid_index(st->pes_pids, st->n_pes, pid);
	if (stream >= 0 && !(h[1] & 0x40)) {
		/* The rest of a PES: no more than its length said. */
		int32_t *left = &st->pes_left[stream];
		if ((*left == 0 && plen) || (*left > 0 && (*left -= (int32_t)plen) < 0))
			return PACKET_BROKEN;
		return PACKET_OK;
	}
	if (!plen || !(h[1] & 0x40))
		return PACKET_OK;
	/* A payload unit starts here. */
	if (stream >= 0) {
		/* A new PES: the last one was whole; this one opens with its
		 * start code and, when it states one, a length. */
		if (st->pes_left[stream] > 0)
			return PACKET_BROKEN;
		for (size_t i = 0; i < 3 && i < plen; i++)
			if (payload[i] != (i == 2)) {
				st->broken_at = (uint32_t)(payload + i - p);
				return PACKET_BROKEN;
			}
		st->pes_left[stream] = -1;
		if (plen >= 6 && be16(payload + 4)) {
			st->pes_left[stream] = 6 + (int32_t)be16(payload + 4) - (int32_t)plen;
			if (st->pes_left[stream] < 0)
				return PACKET_BROKEN;
		}
		st->pes_packets++;
	} else {
		const unsigned char *s;
		size_t slen;
		if (!(s = section(payload, plen, &slen)))
			return PACKET_OK;
		if (pid == 0)
			on_pat(st, s, slen);
		for (uint32_t i = 0; i < st->n_pmts; i++)
			if (st->pmt_pids[i] == pid)
				on_pmt(st, i, s, slen);
	}
	return PACKET_OK;
}

static bool plausible_whole(const ts_state *st)
{
	return st->pat_seen && st->pmts_seen && st->pes_packets;
}

/* pes_pending — a PES of stated length has not had all its bytes. */
static bool pes_pending(const ts_state *st)
{
	for (uint32_t i = 0; i < st->n_pes; i++)
		if (st->pes_left[i] > 0)
			return true;
	return false;
}

/*
 * no_sync — the packet at next has no sync byte: the file's end, or a
 * break inside the packet before it, prev (NULL when unknown).  tail is
 * what this block holds from next on.  A file ends on a sector boundary
 * or is followed by zeros up to one (and an M2TS file ends with a whole
 * aligned unit of 32 packets); a fragment that ends inside a packet
 * leaves the packet's rest foreign (or zeros from a sector boundary on):
 * then the break is that sector boundary.
 */
static int no_sync(const ts_state *st, const unsigned char *prev, const unsigned char *tail,
                   size_t tail_len, uint64_t *end)
{
	uint64_t next = st->next, in_sector = next % SECTOR, boundary = next - in_sector;
	uint64_t to_sector = in_sector ? SECTOR - in_sector : 0;
	bool inside = in_sector && st->next >= st->packet && boundary > next - st->packet;
	bool can_end = (!st->sync || next % M2TS_ALIGNED_UNIT == 0) && !pes_pending(st);

	*end = next;
	if (!plausible_whole(st))
		return EXHIBIT_CARVE_REJECT;
	if (inside && prev &&
	    carve_all_zero(prev + (boundary - (next - st->packet)), (size_t)(next - boundary))) {
		*end = boundary;
		return EXHIBIT_CARVE_ERROR;
	}
	if (in_sector && !carve_all_zero(tail, (size_t)(to_sector < tail_len ? to_sector : tail_len)) &&
	    inside) {
		*end = boundary;
		return EXHIBIT_CARVE_ERROR;
	}
	return can_end ? EXHIBIT_CARVE_END : EXHIBIT_CARVE_ERROR;
}

/* broken — the packet at next is wrong from its byte broken_at on: the
 * break is the last sector boundary before that byte inside the packet,
 * else the packet's start. */
static int broken(const ts_state *st, uint64_t *end)
{
	uint64_t wrong = st->next + st->broken_at, boundary = wrong - wrong % SECTOR;

	*end = boundary > st->next ? boundary : st->next;
	return plausible_whole(st) ? EXHIBIT_CARVE_ERROR : EXHIBIT_CARVE_REJECT;
}

/* new_file — the packet at next starts another recording: this one
 * ended before it, if it was whole. */
static int new_file(const ts_state *st, uint64_t *end)
{
	*end = st->next;
	if (!plausible_whole(st))
		return EXHIBIT_CARVE_REJECT;
	return pes_pending(st) || (st->sync && st->next % M2TS_ALIGNED_UNIT) ? EXHIBIT_CARVE_ERROR
	                                                                     : EXHIBIT_CARVE_END;
}

static int ts_data_check(void *state, uint64_t pos, const unsigned char *buf, size_t len,
                         uint64_t *end)
{
	ts_state *st = state;
	size_t at = 0;

	if (len == 0) {
		*end = st->next;
		if (!plausible_whole(st))
			return EXHIBIT_CARVE_REJECT;
		return st->partial_len || pes_pending(st) ? EXHIBIT_CARVE_ERROR : EXHIBIT_CARVE_END;
	}
	if (pos != st->next + st->partial_len) {
		*end = pos;
		return EXHIBIT_CARVE_ERROR; /* bytes were skipped: never asked for */
	}
	if (st->partial_len) {
		/* Finish the packet the last block cut. */
		size_t n = st->packet - st->partial_len;
		packet_verdict v;

		if (n > len)
			n = len;
		memcpy(st->partial + st->partial_len, buf, n);
		st->partial_len += (uint32_t)n;
		at = n;
		if (st->partial_len < st->packet)
			goto more;
		st->partial_len = 0;
		if ((v = one_packet(st, st->partial)) != PACKET_OK)
			return v == PACKET_NO_SYNC
			       ? no_sync(st, st->have_last ? st->last : NULL, st->partial, st->packet, end)
			       : v == PACKET_NEW_FILE ? new_file(st, end) : broken(st, end);
		memcpy(st->last, st->partial, st->packet);
		st->have_last = 1;
		st->next += st->packet;
	}
	while (at + st->packet <= len) {
		packet_verdict v = one_packet(st, buf + at);
		if (v != PACKET_OK) {
			const unsigned char *prev = at >= st->packet ? buf + at - st->packet
			                            : st->have_last ? st->last : NULL;
			return v == PACKET_NO_SYNC  ? no_sync(st, prev, buf + at, len - at, end)
			       : v == PACKET_NEW_FILE ? new_file(st, end)
			                              : broken(st, end);
		}
		st->next += st->packet;
		at += st->packet;
	}
	if (at >= st->packet) {
		memcpy(st->last, buf + at - st->packet, st->packet);
		st->have_last = 1;
	}
	if (at < len) {
		/* The sync byte can be judged before the packet is whole. */
		if (len - at > st->sync && buf[at + st->sync] != 0x47)
			return no_sync(st, st->have_last ? st->last : NULL, buf + at, len - at, end);
		memcpy(st->partial, buf + at, len - at);
		st->partial_len = (uint32_t)(len - at);
	}
more:
	*end = pos + len;
	return EXHIBIT_CARVE_CONTINUE;
}

static const unsigned char sig_pat[] = { 0x47, 0x40, 0x00, 0x10 };
static const unsigned char sig_sdt[] = { 0x47, 0x40, 0x11, 0x10 };

/* Index order is SIG_*. */
static const exhibit_signature signatures[] = {
	{ 0, sig_pat, 4 }, { 0, sig_sdt, 4 }, { 4, sig_pat, 4 }, { 4, sig_sdt, 4 },
};

static const exhibit_carver carver = {
	sizeof(ts_state),
	TS_HEADER_LEN,
	TS_MAX_SIZE,
	1,
	ts_header_check,
	ts_data_check,
	NULL,
	NULL, /* continuation_reject */
};

static EXHIBIT_CARVER_PLUGIN(descriptor, "carve-mpegts", "1.0",
	"Carves MPEG transport streams (TS, M2TS/AVCHD): sync bytes, continuity counters "
	"per PID, PAT/PMT and PES start codes checked packet by packet",
	signatures, carver);

const exhibit_plugin *carve_mpegts_plugin(void)
{
	return &descriptor;
}

CARVE_VIDEO_ENTRY(carve_mpegts_plugin)

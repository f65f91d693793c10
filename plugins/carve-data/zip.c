/*
 * zip.c — the "carve-zip" plugin: ZIP archives and the formats built on
 * them (OOXML docx/xlsx/pptx, ODF, EPUB, JAR, APK).
 *
 * data_check walks the archive's records in order, as PKWARE's APPNOTE
 * lays them out: local headers (fixed fields checked, the name free of
 * NUL bytes, the zip64 extra read for sizes) each followed by its data,
 * skipped by its size, and by a data descriptor when flag bit 3 says so;
 * when such an entry's sizes are zero (written to a stream) the data is
 * scanned, bounded by max_size, for the "PK\7\8" descriptor whose
 * compressed size equals the bytes scanned.  An APK signing block may sit
 * before the central directory.  Then central directory records (the
 * sum and count of their local header offsets must be those of the local
 * headers seen), an optional zip64 end record and locator, and the end of
 * central directory record, whose counts, size and offset must agree; the
 * file ends exactly after its comment, which must hold no NUL byte (a
 * comment is text; a file cut inside its last record, followed by other
 * bytes, would otherwise end wherever the length read from them says).
 *
 * A record signature missing where one must be means the content breaks:
 * ERROR at the data of the entry before it (its header was whole, so the
 * break lies in its data), or at the record itself.  Data descriptors
 * without their signature are not recognised (APPNOTE makes the
 * signature optional; every common writer puts it).
 *
 * validate (zip_validate.c) inflates every entry and checks CRC-32 and
 * sizes.  The extension comes from the first entries (zip_extension).
 */
#include <string.h>

#include "carve_data.h"
#include "zip_format.h"

enum {
	P_SIG = 0, P_LOCAL, P_NAME, P_EXTRA_HDR, P_EXTRA_BODY, P_EXTRA_SKIP, P_DATA, P_SCAN, P_DESC,
	P_CENTRAL, P_CENTRAL_SKIP, P_DIGSIG, P_END64, P_END64_SKIP, P_LOCATOR, P_END, P_COMMENT,
	P_APK_HEAD, P_APK_SKIP, P_APK_TAIL
};

typedef struct zip_state {
	int phase;
	unsigned char rec[64];      /* the fixed part of the record being read */
	uint32_t have, want;
	uint64_t rec_start;         /* where the record began */
	uint64_t skip_to;           /* end of the bytes a *_SKIP phase passes over */
	/* the entry being read */
	int central;                /* reading a central record's variable part */
	unsigned flags;
	uint64_t csize, usize, offset;
	uint32_t name_left, extra_left, comment_left;
	int zip64;                  /* the entry had a zip64 extra */
	uint64_t data_start;
	uint64_t break_at;          /* where a missing record says the content broke */
	/* descriptor scanning: unchecked bytes carried from the last block */
	unsigned char win[32];
	uint32_t win_len;
	uint64_t win_pos;
	/* the archive so far */
	uint64_t n_local, n_central, local_sum, central_sum;
	uint64_t cd_start, cd_bytes, end64_at;
	int in_central, end64_seen, apk_seen;
	uint64_t apk_size;
	uint64_t done_at;
} zip_state;

static const unsigned char local_sig[] = { 'P', 'K', 3, 4 };
static const exhibit_signature signatures[] = {
	{ 0, local_sig, sizeof local_sig },
};

/* ---- shared checks --------------------------------------------------------- */

int zip_method_known(unsigned m)
{
	return m <= 10 || m == 12 || m == 14 || m == 16 || m == 18 || m == 19 ||
	       (m >= 93 && m <= 99);
}

int zip_dos_time_ok(unsigned time, unsigned date)
{
	unsigned month = date >> 5 & 15, day = date & 31;

	if (date && (month < 1 || month > 12 || day < 1))
		return 0;
	return (time >> 11) < 24 && (time >> 5 & 63) < 60 && (time & 31) < 30;
}

int zip_flags_ok(unsigned flags)
{
	return (flags & 0xd780u) == 0; /* bits 7-10, 12, 14, 15 are reserved */
}

/* ---- header_check ---------------------------------------------------------- */

static int local_header_ok(const unsigned char *h)
{
	return get_le32(h) == ZIP_LOCAL && (h[4] <= 100) && zip_flags_ok(get_le16(h + 6)) &&
	       zip_method_known(get_le16(h + 8)) && zip_dos_time_ok(get_le16(h + 10), get_le16(h + 12)) &&
	       get_le16(h + 26) > 0;
}

static int zip_header_check(void *state, const unsigned char *buf, size_t len, size_t sig,
                            exhibit_carve_header *out)
{
	zip_state *s = state;

	(void)sig;
	if (len < ZIP_LOCAL_LEN || !local_header_ok(buf))
		return EXHIBIT_CARVE_REJECT;
	memset(s, 0, sizeof *s);
	s->phase = P_SIG;
	s->want = 4;
	out->min_size = ZIP_LOCAL_LEN + 1 + ZIP_CENTRAL_LEN + 1 + ZIP_END_LEN;
	out->extension = zip_extension(buf, len);
	return EXHIBIT_CARVE_ACCEPT;
}

/* ---- data_check -------------------------------------------------------------- */

/* expect — a new record (or part) of want bytes starts. */
static void expect(zip_state *s, int phase, uint32_t want)
{
	s->phase = phase;
	s->want = want;
	s->have = 0;
}

/* grow — the record being read goes on to want bytes (its first bytes,
 * the signature, are already in). */
static void grow(zip_state *s, int phase, uint32_t want)
{
	s->phase = phase;
	s->want = want;
}

/* after_sig — dispatch on the signature of the record at rec_start;
 * 0 when it cannot be one here. */
static int after_sig(zip_state *s)
{
	uint32_t sig = get_le32(s->rec);

	switch (sig) {
	case ZIP_LOCAL:
		if (s->in_central)
			return 0;
		grow(s, P_LOCAL, ZIP_LOCAL_LEN);
		return 1;
	case ZIP_CENTRAL:
		if (!s->in_central) {
			s->in_central = 1;
			s->cd_start = s->rec_start;
		}
		if (s->end64_seen)
			return 0;
		grow(s, P_CENTRAL, ZIP_CENTRAL_LEN);
		return 1;
	case ZIP_SIGNATURE:
		if (!s->in_central || s->end64_seen)
			return 0;
		grow(s, P_DIGSIG, 6);
		return 1;
	case ZIP64_END:
		if (s->end64_seen)
			return 0;
		grow(s, P_END64, ZIP64_END_MIN);
		return 1;
	case ZIP64_LOCATOR:
		if (!s->end64_seen)
			return 0;
		grow(s, P_LOCATOR, ZIP64_LOCATOR_LEN);
		return 1;
	case ZIP_END:
		if (!s->in_central && s->n_local)
			s->cd_start = s->rec_start; /* an empty directory cannot follow entries */
		grow(s, P_END, ZIP_END_LEN);
		return 1;
	default:
		/* An APK signing block sits between the entries and the
		 * directory: its first 8 bytes are its size. */
		if (s->n_local && !s->in_central && !s->apk_seen) {
			grow(s, P_APK_HEAD, 8);
			return 1;
		}
		return 0;
	}
}

static int local_done(zip_state *s)
{
	const unsigned char *h = s->rec;

	if (!local_header_ok(h))
		return 0;
	s->central = 0;
	s->flags = get_le16(h + 6);
	s->csize = get_le32(h + 18);
	s->usize = get_le32(h + 22);
	s->name_left = get_le16(h + 26);
	s->extra_left = get_le16(h + 28);
	s->comment_left = 0;
	s->zip64 = 0;
	s->n_local++;
	s->local_sum += s->rec_start;
	expect(s, P_NAME, 0);
	return 1;
}

static int central_done(zip_state *s)
{
	const unsigned char *h = s->rec;

	if (!zip_flags_ok(get_le16(h + 8)) || !zip_method_known(get_le16(h + 10)) || h[6] > 100)
		return 0;
	s->central = 1;
	s->csize = get_le32(h + 20);
	s->usize = get_le32(h + 24);
	s->offset = get_le32(h + 42);
	s->name_left = get_le16(h + 28);
	s->extra_left = get_le16(h + 30);
	s->comment_left = get_le16(h + 32);
	s->zip64 = 0;
	if (!s->name_left)
		return 0;
	s->n_central++;
	s->cd_bytes += ZIP_CENTRAL_LEN + s->name_left + s->extra_left + s->comment_left;
	expect(s, P_NAME, 0);
	return 1;
}

/* zip64_extra — sizes (and the local offset, in a central record) that
 * the fixed fields leave to the zip64 extra, rec[0..n). */
static void zip64_extra(zip_state *s, uint32_t n)
{
	uint32_t at = 0;

	if (s->usize == 0xffffffffu && at + 8 <= n) {
		s->usize = get_le64(s->rec + at);
		at += 8;
	}
	if (s->csize == 0xffffffffu && at + 8 <= n) {
		s->csize = get_le64(s->rec + at);
		at += 8;
	}
	if (s->central && s->offset == 0xffffffffu && at + 8 <= n)
		s->offset = get_le64(s->rec + at);
	s->zip64 = 1;
}

/* variable_done — name and extra read: on to the data, or the next record. */
static int variable_done(zip_state *s, uint64_t at)
{
	if (s->central) {
		s->central_sum += s->offset;
		s->skip_to = at + s->comment_left;
		expect(s, P_CENTRAL_SKIP, 0);
		return 1;
	}
	if (s->csize == 0xffffffffu || s->usize == 0xffffffffu)
		return 0; /* sizes left to a zip64 extra that is not there */
	s->data_start = at;
	s->break_at = at;
	if ((s->flags & ZIP_FLAG_DESCRIPTOR) && s->csize == 0) {
		s->win_len = 0;
		expect(s, P_SCAN, 0);
		return 1;
	}
	s->skip_to = at + s->csize;
	expect(s, P_DATA, 0);
	return 1;
}

/* descriptor_at — p holds a signed data descriptor at candidate offset q
 * for the entry whose data started at data_start. */
static int descriptor_at(const zip_state *s, const unsigned char *p, uint64_t q)
{
	uint64_t csize = s->zip64 ? get_le64(p + 8) : get_le32(p + 8);

	return get_le32(p) == ZIP_DESCRIPTOR && csize == q - s->data_start;
}

/*
 * scan — look in p[0..n) (at candidate offset at) and the bytes carried
 * from the previous block for the entry's descriptor.
 * RETURN: the candidate offset just past the descriptor, or 0 when not
 * found yet (the last bytes are carried).
 */
static uint64_t scan(zip_state *s, const unsigned char *p, size_t n, uint64_t at)
{
	uint32_t need = s->zip64 ? 24 : 16;
	unsigned char tmp[64];
	size_t t = s->win_len, add = n < need - 1 ? n : need - 1;

	/* Candidates that start in the carried bytes. */
	memcpy(tmp, s->win, t);
	memcpy(tmp + t, p, add);
	for (size_t k = 0; k < s->win_len && k + need <= t + add; k++)
		if (descriptor_at(s, tmp + k, s->win_pos + k))
			return s->win_pos + k + need;
	/* Candidates in this block. */
	for (size_t k = 0; k + need <= n;) {
		const unsigned char *hit = memchr(p + k, 'P', n - need + 1 - k);
		if (!hit)
			break;
		k = (size_t)(hit - p);
		if (descriptor_at(s, hit, at + k))
			return at + k + need;
		k++;
	}
	/* Carry the last need - 1 bytes (of carried + this block). */
	t += add;
	if (n >= need - 1) {
		memcpy(s->win, p + n - (need - 1), need - 1);
		s->win_len = need - 1;
		s->win_pos = at + n - (need - 1);
	} else {
		size_t keep = t < need - 1 ? t : need - 1;
		memmove(s->win, tmp + t - keep, keep);
		s->win_pos = at + n - keep;
		s->win_len = (uint32_t)keep;
	}
	return 0;
}

static int end64_done(zip_state *s)
{
	const unsigned char *h = s->rec;
	uint64_t size = get_le64(h + 4);

	if (size < ZIP64_END_MIN - 12 || size > (1u << 20) || !s->in_central)
		return 0;
	if (get_le64(h + 32) != s->n_central || get_le64(h + 40) != s->cd_bytes ||
	    get_le64(h + 48) != s->cd_start)
		return 0;
	s->end64_seen = 1;
	s->end64_at = s->rec_start;
	s->skip_to = s->rec_start + 12 + size;
	expect(s, P_END64_SKIP, 0);
	return 1;
}

static int end_done(zip_state *s)
{
	const unsigned char *h = s->rec;
	unsigned disk = get_le16(h + 4), cd_disk = get_le16(h + 6);
	unsigned on_disk = get_le16(h + 8), entries = get_le16(h + 10);
	uint32_t cd_size = get_le32(h + 12), cd_offset = get_le32(h + 16);
	int z = s->end64_seen;

	if (!(disk == 0 || (z && disk == 0xffff)) || !(cd_disk == 0 || (z && cd_disk == 0xffff)))
		return 0;
	if (!((entries == (s->n_central & 0xffff) && on_disk == entries) || (z && entries == 0xffff)))
		return 0;
	if (!(cd_size == s->cd_bytes || (z && cd_size == 0xffffffffu)))
		return 0;
	if (!(cd_offset == s->cd_start || (z && cd_offset == 0xffffffffu)))
		return 0;
	if (s->n_local != s->n_central || s->local_sum != s->central_sum)
		return 0;
	s->comment_left = get_le16(h + 20);
	s->skip_to = s->rec_start + ZIP_END_LEN + s->comment_left;
	s->done_at = s->skip_to;
	expect(s, P_COMMENT, 0);
	return 1;
}

/* skip_done — the bytes a skipping phase passes over end at skip_to:
 * the record that follows them. */
static void skip_done(zip_state *s)
{
	if (s->phase == P_DATA)
		expect(s, (s->flags & ZIP_FLAG_DESCRIPTOR) ? P_DESC : P_SIG, 4);
	else if (s->phase == P_APK_SKIP)
		expect(s, P_APK_TAIL, 24);
	else
		expect(s, P_SIG, 4);
	s->rec_start = s->skip_to;
}

/* fail — the content breaks: at the data of the entry whose end should
 * have been a record, else at the record. */
static int fail(zip_state *s, uint64_t *end)
{
	*end = s->break_at ? s->break_at : s->rec_start;
	return EXHIBIT_CARVE_ERROR;
}

/* record_done — the fixed part of the record is in; 0 when it is wrong. */
static int record_done(zip_state *s)
{
	switch (s->phase) {
	case P_SIG:
		return after_sig(s);
	case P_LOCAL:
		s->break_at = 0;
		return local_done(s);
	case P_CENTRAL:
		s->break_at = 0;
		return central_done(s);
	case P_DIGSIG:
		s->skip_to = s->rec_start + 6 + get_le16(s->rec + 4);
		s->cd_bytes += 6 + get_le16(s->rec + 4);
		expect(s, P_CENTRAL_SKIP, 0);
		return 1;
	case P_END64:
		return end64_done(s);
	case P_LOCATOR:
		if (get_le64(s->rec + 8) != s->end64_at || get_le32(s->rec + 16) > 1)
			return 0;
		expect(s, P_SIG, 4);
		return 1;
	case P_END:
		return end_done(s);
	case P_APK_HEAD: {
		uint64_t size = get_le64(s->rec);
		if (size < 32 || size > (64u << 20))
			return 0;
		s->apk_size = size;
		s->skip_to = s->rec_start + 8 + size - 24;
		expect(s, P_APK_SKIP, 0);
		return 1;
	}
	case P_APK_TAIL:
		if (get_le64(s->rec) != s->apk_size ||
		    memcmp(s->rec + 8, "APK Sig Block 42", 16) != 0)
			return 0;
		s->apk_seen = 1;
		expect(s, P_SIG, 4);
		return 1;
	case P_EXTRA_HDR: {
		uint32_t id = get_le16(s->rec), size = get_le16(s->rec + 2);
		s->extra_left -= 4;
		if (size > s->extra_left)
			size = s->extra_left; /* lenient: padding that is no record */
		if (id == 1 && size <= 32) {
			expect(s, P_EXTRA_BODY, size);
		} else {
			s->want = size; /* bytes to skip */
			s->phase = P_EXTRA_SKIP;
		}
		return 1;
	}
	case P_EXTRA_BODY:
		zip64_extra(s, s->want);
		s->extra_left -= s->want;
		expect(s, P_EXTRA_HDR, 4);
		return 1;
	case P_DESC: {
		/* A descriptor with its signature, or (when the local header
		 * held the sizes) none: the next record follows at once. */
		uint32_t sig = get_le32(s->rec);
		uint32_t body = s->zip64 ? 20 : 12;
		if (s->want == 4 && sig == ZIP_DESCRIPTOR) {
			grow(s, P_DESC, 4 + body);
			return 1;
		}
		if (s->want == 4 && (sig == ZIP_LOCAL || sig == ZIP_CENTRAL)) {
			s->phase = P_SIG;
			return after_sig(s);
		}
		if (s->want == 4) {
			grow(s, P_DESC, body); /* no signature: crc, then the sizes */
			return 1;
		}
		{
			const unsigned char *d = s->rec + (s->want == 4 + body ? 4 : 0);
			uint64_t csize = s->zip64 ? get_le64(d + 4) : get_le32(d + 4);
			if (csize != s->csize)
				return 0;
		}
		expect(s, P_SIG, 4);
		return 1;
	}
	}
	return 0;
}

static int zip_data_check(void *state, uint64_t pos, const unsigned char *buf, size_t len,
                          uint64_t *end)
{
	zip_state *s = state;
	size_t i = 0;

	if (len == 0) {
		if (s->phase == P_COMMENT && s->skip_to == pos) {
			*end = s->done_at;
			return EXHIBIT_CARVE_END;
		}
		*end = pos; /* the space ended inside the archive */
		return EXHIBIT_CARVE_ERROR;
	}
	while (i < len) {
		uint64_t at = pos + i;
		size_t n = len - i;

		switch (s->phase) {
		case P_NAME: {
			size_t take = s->name_left < n ? s->name_left : n;
			if (memchr(buf + i, 0, take))
				return fail(s, end);
			s->name_left -= (uint32_t)take;
			i += take;
			if (s->name_left)
				break;
			if (s->extra_left >= 4) {
				expect(s, P_EXTRA_HDR, 4);
			} else {
				s->want = s->extra_left;
				s->phase = P_EXTRA_SKIP;
			}
			break;
		}
		case P_EXTRA_SKIP: {
			size_t take = s->want < n ? s->want : n;
			i += take;
			s->want -= (uint32_t)take;
			s->extra_left -= (uint32_t)take;
			if (s->want)
				break;
			if (s->extra_left >= 4)
				expect(s, P_EXTRA_HDR, 4);
			else if (s->extra_left)
				s->want = s->extra_left;
			else if (!variable_done(s, pos + i))
				return fail(s, end);
			break;
		}
		case P_COMMENT: {
			/* Comments are text: a NUL says the length field is not
			 * the archive's (the file was cut inside its last record). */
			size_t take = s->skip_to - at < n ? (size_t)(s->skip_to - at) : n;
			if (memchr(buf + i, 0, take)) {
				*end = s->done_at - s->comment_left - 2; /* the length field */
				return EXHIBIT_CARVE_ERROR;
			}
			i += take;
			if (pos + i == s->skip_to) {
				*end = s->done_at;
				return EXHIBIT_CARVE_END;
			}
			break;
		}
		case P_DATA: case P_CENTRAL_SKIP: case P_END64_SKIP: case P_APK_SKIP:
			if (s->skip_to > pos + len) {
				/* The host resumes at *end: the skip is done then. */
				*end = s->skip_to;
				skip_done(s);
				return EXHIBIT_CARVE_CONTINUE;
			}
			i = (size_t)(s->skip_to - pos);
			skip_done(s);
			break;
		case P_SCAN: {
			uint64_t next = scan(s, buf + i, n, at);
			if (!next) {
				i = len;
				break;
			}
			i = (size_t)(next - pos);
			expect(s, P_SIG, 4);
			s->rec_start = next;
			break;
		}
		default: {
			/* Fixed parts: collect, then judge. */
			size_t take = s->want - s->have < n ? s->want - s->have : n;
			if (s->have == 0 && s->phase == P_SIG)
				s->rec_start = at;
			memcpy(s->rec + s->have, buf + i, take);
			s->have += (uint32_t)take;
			i += take;
			if (s->have < s->want)
				break;
			if (!record_done(s))
				return fail(s, end);
			if (s->phase == P_EXTRA_HDR && s->extra_left < 4) {
				s->want = s->extra_left;
				s->phase = P_EXTRA_SKIP;
			}
			break;
		}
		}
	}
	*end = pos + len;
	return EXHIBIT_CARVE_CONTINUE;
}

static const exhibit_carver carver = {
	.state_size = sizeof(zip_state),
	.header_len = 4096,
	.max_size = ZIP_MAX_SIZE,
	.fragments = 1,
	.header_check = zip_header_check,
	.data_check = zip_data_check,
	.validate = zip_validate,
};

EXHIBIT_CARVER_PLUGIN(carve_zip_plugin, "carve-zip", "1.0",
	"Carves ZIP archives and Office, ODF, EPUB, JAR and APK files: every record "
	"walked, entries inflated and their CRC-32 checked",
	signatures, carver);

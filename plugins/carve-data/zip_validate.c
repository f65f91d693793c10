/*
 * zip_validate.c — carve-zip's validate, and the extension a ZIP's first
 * entries give it.
 *
 * validate finds the end of central directory record (the candidate ends
 * with it and its comment), the zip64 end record when the fields say so,
 * and reads every central directory entry: its local header must be where
 * it says, with the same name and method, and its data must lie before
 * the directory.  Each stored or deflated entry that is not encrypted is
 * read, inflated in 64 KiB steps, and its CRC-32 and both sizes compared
 * with the directory's.  *bad_offset is the lowest offset found wrong:
 * where inflate failed, or the data of an entry whose CRC or sizes differ,
 * or the local header that is not where its entry says.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "carve_data.h"
#include "zip_format.h"

#define CHUNK 65536
#define MAX_ENTRIES 1000000

typedef struct zip_entry {
	unsigned flags, method;
	uint32_t crc;
	uint64_t csize, usize, offset;
	uint32_t name_len;
	unsigned char name[256]; /* its first bytes, to compare with the local header */
} zip_entry;

typedef struct checker {
	const exhibit_host_api *api;
	exhibit_host *host;
	uint64_t length;
	uint64_t bad;            /* the lowest offset found wrong, UINT64_MAX: none */
	int failed;
	unsigned char *in, *out;
} checker;

static void blame(checker *c, uint64_t at)
{
	if (at < c->bad)
		c->bad = at;
}

/* find_end — the end of central directory record: the candidate ends
 * with it and its comment.  RETURN: its offset, or UINT64_MAX. */
static uint64_t find_end(checker *c)
{
	size_t span = c->length < ZIP_END_LEN + 65535 ? (size_t)c->length : ZIP_END_LEN + 65535;
	uint64_t base = c->length - span;

	if (carve_read(c->api, c->host, c->length, base, c->in, span) != (int64_t)span)
		return UINT64_MAX;
	for (size_t k = span - ZIP_END_LEN + 1; k-- > 0;)
		if (get_le32(c->in + k) == ZIP_END && k + ZIP_END_LEN + get_le16(c->in + k + 20) == span)
			return base + k;
	return UINT64_MAX;
}

/* read_central — the central record at *at into e; *at moves past it.
 * RETURN: 1, or 0 when it is not one. */
static int read_central(checker *c, uint64_t *at, uint64_t cd_end, zip_entry *e)
{
	unsigned char h[ZIP_CENTRAL_LEN];
	uint32_t extra_len, comment_len;
	unsigned char *extra = c->in;

	if (*at + ZIP_CENTRAL_LEN > cd_end ||
	    !carve_read_exact(c->api, c->host, c->length, *at, h, sizeof h) ||
	    get_le32(h) != ZIP_CENTRAL)
		return 0;
	e->flags = get_le16(h + 8);
	e->method = get_le16(h + 10);
	e->crc = get_le32(h + 16);
	e->csize = get_le32(h + 20);
	e->usize = get_le32(h + 24);
	e->name_len = get_le16(h + 28);
	extra_len = get_le16(h + 30);
	comment_len = get_le16(h + 32);
	e->offset = get_le32(h + 42);
	if (*at + ZIP_CENTRAL_LEN + e->name_len + extra_len + comment_len > cd_end)
		return 0;
	if (carve_read(c->api, c->host, c->length, *at + ZIP_CENTRAL_LEN, e->name,
	               e->name_len < sizeof e->name ? e->name_len : sizeof e->name) < 0 ||
	    !carve_read_exact(c->api, c->host, c->length, *at + ZIP_CENTRAL_LEN + e->name_len, extra,
	                      extra_len))
		return 0;
	/* The zip64 extra holds, in order, the fields that are all ones. */
	for (uint32_t k = 0; k + 4 <= extra_len;) {
		uint32_t id = get_le16(extra + k), size = get_le16(extra + k + 2), f = k + 4;
		if (k + 4 + size > extra_len)
			break;
		if (id == 1) {
			if (e->usize == 0xffffffffu && f + 8 <= k + 4 + size)
				e->usize = get_le64(extra + f), f += 8;
			if (e->csize == 0xffffffffu && f + 8 <= k + 4 + size)
				e->csize = get_le64(extra + f), f += 8;
			if (e->offset == 0xffffffffu && f + 8 <= k + 4 + size)
				e->offset = get_le64(extra + f);
		}
		k += 4 + size;
	}
	*at += ZIP_CENTRAL_LEN + e->name_len + extra_len + comment_len;
	return 1;
}

/* check_data — inflate or read the entry's data and compare CRC-32 and
 * sizes; blame where it goes wrong. */
static void check_data(checker *c, const zip_entry *e, uint64_t data)
{
	z_stream z;
	uint64_t left = e->csize, got = 0;
	uLong crc = crc32(0, Z_NULL, 0);
	int rc = Z_OK;

	if (e->method == 0) {
		while (left) {
			size_t n = left < CHUNK ? (size_t)left : CHUNK;
			if (!carve_read_exact(c->api, c->host, c->length, data + got, c->in, n)) {
				blame(c, data + got);
				return;
			}
			crc = crc32(crc, c->in, (uInt)n);
			got += n;
			left -= n;
		}
		if (got != e->usize || crc != e->crc)
			blame(c, data);
		return;
	}
	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, -15) != Z_OK) {
		c->failed = 1;
		return;
	}
	while (rc != Z_STREAM_END) {
		if (z.avail_in == 0) {
			size_t n = left < CHUNK ? (size_t)left : CHUNK;
			if (n == 0 || !carve_read_exact(c->api, c->host, c->length, data + got, c->in, n))
				break; /* the stream wants more than the entry holds */
			z.next_in = c->in;
			z.avail_in = (uInt)n;
			got += n;
			left -= n;
		}
		z.next_out = c->out;
		z.avail_out = CHUNK;
		rc = inflate(&z, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END)
			break;
		crc = crc32(crc, c->out, (uInt)(CHUNK - z.avail_out));
		if (z.total_out > e->usize)
			break;
	}
	if (rc != Z_STREAM_END)
		blame(c, data + z.total_in);
	else if (z.total_in != e->csize || z.total_out != e->usize || crc != e->crc)
		blame(c, data);
	inflateEnd(&z);
}

/* check_entry — the local header the entry points at, then its data. */
static void check_entry(checker *c, const zip_entry *e, uint64_t cd_start)
{
	unsigned char h[ZIP_LOCAL_LEN], name[256];
	uint32_t n = e->name_len < sizeof name ? e->name_len : sizeof name;
	uint64_t data;

	if (e->offset + ZIP_LOCAL_LEN > cd_start ||
	    !carve_read_exact(c->api, c->host, c->length, e->offset, h, sizeof h) ||
	    get_le32(h) != ZIP_LOCAL || get_le16(h + 8) != e->method ||
	    get_le16(h + 26) != e->name_len ||
	    !carve_read_exact(c->api, c->host, c->length, e->offset + ZIP_LOCAL_LEN, name, n) ||
	    memcmp(name, e->name, n) != 0) {
		blame(c, e->offset);
		return;
	}
	data = e->offset + ZIP_LOCAL_LEN + e->name_len + get_le16(h + 28);
	if (data + e->csize > cd_start) {
		blame(c, data);
		return;
	}
	if ((e->flags & ZIP_FLAG_ENCRYPTED) || (e->method != 0 && e->method != 8))
		return; /* nothing to check it against */
	check_data(c, e, data);
}

/* directory — where the central directory lies, from the end records. */
static int directory(checker *c, uint64_t end_at, uint64_t *cd_start, uint64_t *cd_size,
                     uint64_t *entries)
{
	unsigned char h[ZIP_END_LEN], loc[ZIP64_LOCATOR_LEN], e64[ZIP64_END_MIN];

	if (!carve_read_exact(c->api, c->host, c->length, end_at, h, sizeof h))
		return 0;
	*entries = get_le16(h + 10);
	*cd_size = get_le32(h + 12);
	*cd_start = get_le32(h + 16);
	if (*entries == 0xffff || *cd_size == 0xffffffffu || *cd_start == 0xffffffffu) {
		uint64_t at;
		if (end_at < ZIP64_LOCATOR_LEN ||
		    !carve_read_exact(c->api, c->host, c->length, end_at - ZIP64_LOCATOR_LEN, loc,
		                      sizeof loc) ||
		    get_le32(loc) != ZIP64_LOCATOR)
			return 0;
		at = get_le64(loc + 8);
		if (!carve_read_exact(c->api, c->host, c->length, at, e64, sizeof e64) ||
		    get_le32(e64) != ZIP64_END)
			return 0;
		*entries = get_le64(e64 + 32);
		*cd_size = get_le64(e64 + 40);
		*cd_start = get_le64(e64 + 48);
	}
	return *cd_start + *cd_size <= end_at && *entries <= MAX_ENTRIES;
}

int zip_validate(const exhibit_host_api *api, exhibit_host *host, uint64_t length,
                 uint64_t *bad_offset)
{
	checker c = { api, host, length, UINT64_MAX, 0, NULL, NULL };
	uint64_t end_at, cd_start, cd_size, entries, at;
	zip_entry *e = malloc(sizeof *e);
	int rc;

	c.in = malloc(CHUNK > ZIP_END_LEN + 65535 ? CHUNK : ZIP_END_LEN + 65535);
	c.out = malloc(CHUNK);
	if (!e || !c.in || !c.out) {
		rc = EXHIBIT_ERR;
		goto done;
	}
	end_at = find_end(&c);
	if (end_at == UINT64_MAX || !directory(&c, end_at, &cd_start, &cd_size, &entries)) {
		blame(&c, end_at == UINT64_MAX ? length : end_at);
	} else {
		at = cd_start;
		for (uint64_t k = 0; k < entries && !c.failed; k++) {
			uint64_t record = at;
			if (!read_central(&c, &at, cd_start + cd_size, e)) {
				blame(&c, record);
				break;
			}
			check_entry(&c, e, cd_start);
		}
	}
	rc = c.failed ? EXHIBIT_ERR : c.bad == UINT64_MAX ? EXHIBIT_OK : EXHIBIT_ERR_FORMAT;
	if (rc == EXHIBIT_ERR_FORMAT)
		*bad_offset = c.bad;
done:
	free(e);
	free(c.in);
	free(c.out);
	return rc;
}

/* ---- the extension ------------------------------------------------------------ */

/* inflate_prefix — the first bytes of a deflated entry whose data starts
 * at p (n bytes available), into out; RETURN: bytes produced. */
static size_t inflate_prefix(const unsigned char *p, size_t n, unsigned char *out, size_t cap)
{
	z_stream z;
	size_t got;

	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, -15) != Z_OK)
		return 0;
	z.next_in = (unsigned char *)p;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	inflate(&z, Z_SYNC_FLUSH);
	got = cap - z.avail_out;
	inflateEnd(&z);
	return got;
}

static const char *mentions(const unsigned char *p, size_t n, const char *const *needles,
                            const char *const *answers)
{
	for (size_t i = 0; needles[i]; i++)
		if (memmem(p, n, needles[i], strlen(needles[i])))
			return answers[i];
	return NULL;
}

const char *zip_extension(const unsigned char *buf, size_t len)
{
	static const char *const ooxml[] = { "/word/", "/xl/", "/ppt/", "word/", "xl/", "ppt/", NULL };
	static const char *const ooxml_ext[] = { "docx", "xlsx", "pptx", "docx", "xlsx", "pptx" };
	static const char *const odf[] = {
		"opendocument.text", "opendocument.spreadsheet", "opendocument.presentation",
		"opendocument.graphics", "application/epub+zip", NULL };
	static const char *const odf_ext[] = { "odt", "ods", "odp", "odg", "epub" };
	uint32_t name_len = get_le16(buf + 26), extra_len = get_le16(buf + 28);
	const unsigned char *name = buf + ZIP_LOCAL_LEN, *data = name + name_len + extra_len;
	size_t avail = data < buf + len ? (size_t)(buf + len - data) : 0;
	const char *ext;

	if (ZIP_LOCAL_LEN + (size_t)name_len > len)
		return "zip";
#define NAME_IS(s) (name_len == sizeof(s) - 1 && memcmp(name, s, sizeof(s) - 1) == 0)
	if (NAME_IS("mimetype") && get_le16(buf + 8) == 0 &&
	    (ext = mentions(data, avail < 80 ? avail : 80, odf, odf_ext)))
		return ext;
	if (NAME_IS("[Content_Types].xml") && get_le16(buf + 8) == 8) {
		unsigned char xml[8192];
		size_t n = inflate_prefix(data, avail, xml, sizeof xml);
		if ((ext = mentions(xml, n, ooxml, ooxml_ext)))
			return ext;
	}
	if (NAME_IS("[Content_Types].xml") || NAME_IS("_rels/.rels") || NAME_IS("docProps/app.xml")) {
		/* Later entries' names are in the clear. */
		if ((ext = mentions(buf, len, ooxml + 3, ooxml_ext + 3)))
			return ext;
	}
	if (NAME_IS("AndroidManifest.xml") || NAME_IS("classes.dex") || NAME_IS("resources.arsc"))
		return "apk";
	if (NAME_IS("META-INF/MANIFEST.MF") || NAME_IS("META-INF/"))
		return memmem(buf, len, "AndroidManifest.xml", 19) ? "apk" : "jar";
#undef NAME_IS
	return "zip";
}

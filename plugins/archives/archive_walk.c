/*
 * archive_walk.c — one archive read through libarchive, entry by entry
 * (see archives.h for what it promises and the bounds it keeps).
 *
 * For each entry: list it (archive_entries), and when it is a regular
 * file that can be read, read its content as a stream into one buffer
 * that grows with what actually arrives (never with what the header
 * claims), checking the bounds after every block, and hand it back with
 * emit_child.  An entry not extracted is skipped by libarchive when that
 * costs no decompression (a seek), else read block by block and dropped
 * under the same bounds, so a bomb hidden in an entry nobody extracts still trips
 * them.
 *
 * Names.  libarchive converts names to the thread's locale; the host runs
 * in "C", where a UTF-16 name (7-Zip) with one non-ASCII character is
 * lost.  So the walk reads under a C.UTF-8 locale of its own thread
 * (uselocale: per thread, restored before the host runs other plugins on
 * a child, and at the end).
 */
#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <archive_entry.h>

#include "archives.h"

/* The entry buffer starts at this size and doubles as data comes. */
#define FIRST_BUFFER ((size_t)64 << 10)
/* A buffer grown past this is freed after its entry. */
#define KEEP_BUFFER ((size_t)8 << 20)
/* ARCHIVE_RETRY answers tolerated in a row before the entry is dropped. */
#define MAX_RETRIES 8
/* The errno libarchive gives "Unrecognized archive format" (its private
 * UNRECOGNISED_FORMAT: EFTYPE where it exists, else EILSEQ). */
#ifdef EFTYPE
#define UNRECOGNISED_FORMAT EFTYPE
#else
#define UNRECOGNISED_FORMAT EILSEQ
#endif

typedef struct walk {
	const exhibit_host_api *api;
	exhibit_host *host;
	const exhibit_item *item;
	const walk_request *req;
	struct archive *a;
	archive_source src;
	uint64_t expanded;        /* entry bytes decompressed so far */
	uint64_t total_limit;
	uint64_t entries;
	unsigned problems;
	int refused;              /* the host refused a child: list the rest only */
	int stop;                 /* a bound tripped or the archive broke */
	int complete;             /* read to its end without damage */
	int rc;                   /* the first problem's code */
	unsigned char *data;      /* the current entry's content */
	size_t len, cap;
	unsigned char *scratch;   /* ARCHIVES_READ_BLOCK bytes to compare with the item */
	locale_t utf8, outer;
} walk;

/* What is known of one entry, for its archive_entries row. */
typedef struct entry_row {
	const char *path;
	const char *type;
	int64_t size;             /* as the archive states it; -1: not stated */
	int64_t compressed;       /* bytes of the archive it takes; -1: unknown */
	struct archive_entry *e;
	char *link_target;
	const char *status;
} entry_row;

/* ---------------------------------------------------------------- problems */

static void worse(walk *w, int code)
{
	if (w->rc == EXHIBIT_OK)
		w->rc = code;
}

static void problem(walk *w, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* problem — report one problem at the item offset the reader stands at
 * (where the entry's data or the damage is; for a compressed stream, how
 * far into the compressed bytes decoding got). */
static void problem(walk *w, int code, const char *fmt, ...)
{
	char msg[ARCHIVES_MAX_PATH + 512];
	va_list ap;

	worse(w, code);
	if (w->problems++ >= ARCHIVES_MAX_PROBLEMS)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	w->api->report_error(w->host, (int64_t)w->src.pos, msg);
}

static const char *why(walk *w)
{
	const char *s = archive_error_string(w->a);

	return s && *s ? s : "no reason given";
}

/* ------------------------------------------------------------------ bounds */

/* counted — n more bytes came out of the archive; false when that trips
 * the total or the ratio, reported against path (reading then stops). */
static int counted(walk *w, uint64_t n, const char *path)
{
	uint64_t size = w->item->size ? w->item->size : 1;

	w->expanded += n;
	if (w->expanded > w->total_limit) {
		problem(w, EXHIBIT_ERR_LIMIT, "entry '%s': the archive expanded past %llu bytes, "
		        "the most one archive may give: the rest of it is not read", path,
		        (unsigned long long)w->total_limit);
		w->stop = 1;
		return 0;
	}
	if (w->expanded > ARCHIVES_RATIO_FLOOR && w->expanded / size > ARCHIVES_MAX_RATIO) {
		problem(w, EXHIBIT_ERR_LIMIT, "entry '%s': expansion ratio %llu exceeds the limit of "
		        "%d: a decompression bomb? (%llu bytes from a %llu-byte archive); the rest "
		        "of it is not read", path, (unsigned long long)(w->expanded / size),
		        ARCHIVES_MAX_RATIO, (unsigned long long)w->expanded,
		        (unsigned long long)w->item->size);
		w->stop = 1;
		return 0;
	}
	return 1;
}

/* must_drain — whether passing over an entry decompresses it anyway (a
 * compressed stream, solid 7-Zip and RAR): then the walk reads it itself,
 * under the bounds, rather than let libarchive skip it unseen. */
static int must_drain(walk *w)
{
	int base = archive_format(w->a) & ARCHIVE_FORMAT_BASE_MASK;

	return archive_filter_count(w->a) > 1 || base == ARCHIVE_FORMAT_7ZIP ||
	       base == ARCHIVE_FORMAT_RAR || base == ARCHIVE_FORMAT_RAR_V5;
}

/* -------------------------------------------------------------- content */

/* make_room — w->data can hold need bytes; 0 when that passes the bound
 * on one entry, -1 when out of memory.  Grows by doubling, from what
 * arrived, never from what a header claims. */
static int make_room(walk *w, uint64_t need)
{
	size_t want = w->cap ? w->cap : FIRST_BUFFER;
	unsigned char *p;

	if (need > ARCHIVES_MAX_ENTRY_BYTES)
		return 0;
	if (need <= w->cap)
		return 1;
	while (want < need)
		want *= 2;
	if (want > ARCHIVES_MAX_ENTRY_BYTES)
		want = (size_t)ARCHIVES_MAX_ENTRY_BYTES;
	p = realloc(w->data, want);
	if (!p)
		return -1;
	w->data = p;
	w->cap = want;
	return 1;
}

/*
 * read_content — the entry's content, block by block as libarchive
 * decodes it (a sparse entry's holes as zeros), into w->data when keep is
 * set and it fits, else only counted.  Reading block by block keeps every
 * byte decoded before damage.
 * RETURN: the entry's status: "read" (w->data holds w->len bytes),
 * "too large", "drained", "damaged" (w->len bytes before the damage),
 * "unreadable", "stopped" (a bound tripped).
 */
static const char *read_content(walk *w, const char *path, int keep)
{
	uint64_t end = 0;          /* the entry's bytes decoded so far */
	int too_large = 0, retries = 0;

	w->len = 0;
	for (;;) {
		const void *block;
		size_t size;
		la_int64_t offset;
		uint64_t grows;
		int r = archive_read_data_block(w->a, &block, &size, &offset);

		if (r == ARCHIVE_EOF)
			break;
		if (r == ARCHIVE_RETRY && ++retries <= MAX_RETRIES)
			continue;
		if (r == ARCHIVE_WARN) {
			problem(w, EXHIBIT_ERR_FORMAT, "entry '%s': %s", path, why(w));
		} else if (r != ARCHIVE_OK) {
			if (r == ARCHIVE_FATAL)
				w->stop = 1;
			w->complete = 0;
			problem(w, EXHIBIT_ERR_FORMAT, "entry '%s' is damaged after %llu bytes: %s%s",
			        path, (unsigned long long)end, why(w),
			        keep && w->len ? "; the bytes before the damage are kept" : "");
			return keep && !too_large && w->len ? "damaged" : "unreadable";
		}
		retries = 0;
		/* Blocks come in order; one that goes back is overlap: ignored. */
		if (offset < 0 || (uint64_t)offset + size <= end)
			continue;
		if ((uint64_t)offset < end) {
			block = (const unsigned char *)block + (end - (uint64_t)offset);
			size -= (size_t)(end - (uint64_t)offset);
			offset = (la_int64_t)end;
		}
		grows = (uint64_t)offset - end + size;
		if (!counted(w, grows, path))
			return "stopped";
		end += grows;
		if (!keep || too_large)
			continue;
		switch (make_room(w, end)) {
		case -1:
			problem(w, EXHIBIT_ERR, "entry '%s': out of memory reading it", path);
			return "unreadable";
		case 0:
			too_large = 1;
			problem(w, EXHIBIT_ERR_LIMIT, "entry '%s' is larger than %llu bytes: not extracted",
			        path, (unsigned long long)ARCHIVES_MAX_ENTRY_BYTES);
			if (!must_drain(w))
				return "too large";
			continue;
		}
		memset(w->data + w->len, 0, (size_t)((uint64_t)offset - w->len));
		memcpy(w->data + (size_t)offset, block, size);
		w->len = (size_t)end;
	}
	return too_large ? "too large" : keep ? "read" : "drained";
}

/* is_the_archive_itself — whether the content is byte for byte the item
 * (a self-including archive, a "quine"). */
static int is_the_archive_itself(walk *w)
{
	uint64_t off = 0;

	if (w->len == 0 || w->len != w->item->size)
		return 0;
	while (off < w->len) {
		int64_t got = w->api->read(w->host, off, w->scratch, ARCHIVES_READ_BLOCK);

		if (got <= 0 || memcmp(w->scratch, w->data + off, (size_t)got) != 0)
			return 0;
		off += (uint64_t)got;
	}
	return 1;
}

/* hand_back — emit the content read as a child named path.
 * RETURN: the entry's status. */
static const char *hand_back(walk *w, const char *path, const char *read_status)
{
	int rc;

	if (is_the_archive_itself(w)) {
		problem(w, EXHIBIT_ERR_FORMAT, "entry '%s' is this archive itself (a self-including "
		        "archive): listed, not opened again", path);
		return "self-including";
	}
	/* The host analyses the child now, in this thread, with other
	 * plugins: in the locale they expect. */
	if (w->utf8)
		uselocale(w->outer);
	rc = w->api->emit_child(w->host, path, w->data, w->len);
	if (w->utf8)
		uselocale(w->utf8);
	if (rc == EXHIBIT_ERR_LIMIT) {
		w->refused = 1;
		problem(w, EXHIBIT_ERR_LIMIT, "entry '%s' not handed back: the host's depth limit "
		        "is reached (this archive lies %u levels inside its file); the other entries "
		        "are listed only", path, w->item->depth);
		return "refused";
	}
	if (rc != EXHIBIT_OK) {
		problem(w, EXHIBIT_ERR, "entry '%s' could not be handed back (code %d)", path, rc);
		return "refused";
	}
	return strcmp(read_status, "damaged") == 0 ? "partial" : "extracted";
}

/* --------------------------------------------------------------- entries */

static const char *type_name(struct archive_entry *e)
{
	if (archive_entry_hardlink(e) && archive_entry_size(e) == 0)
		return "hardlink";
	switch (archive_entry_filetype(e)) {
	case AE_IFREG: return "file";
	case AE_IFDIR: return "directory";
	case AE_IFLNK: return "symlink";
	case AE_IFCHR: return "character-device";
	case AE_IFBLK: return "block-device";
	case AE_IFIFO: return "fifo";
	case AE_IFSOCK: return "socket";
	default: return "unknown";
	}
}

/* compressed_bytes — how much of the archive a ZIP entry's data took,
 * from where the reader stood before and after it; -1 for other formats,
 * where data is stored as is or compressed as a whole. */
static int64_t compressed_bytes(walk *w, int64_t before)
{
	if ((archive_format(w->a) & ARCHIVE_FORMAT_BASE_MASK) != ARCHIVE_FORMAT_ZIP ||
	    archive_filter_count(w->a) > 1 || before < 0)
		return -1;
	return archive_filter_bytes(w->a, 0) - before;
}

static void record_entry(walk *w, const entry_row *r)
{
	struct archive_entry *e = r->e;
	int has_mtime = archive_entry_mtime_is_set(e);
	exhibit_field f[] = {
		EXHIBIT_FIELD_INT("entry_index", w->entries - 1),
		EXHIBIT_FIELD_TEXT("entry_path", r->path),
		EXHIBIT_FIELD_TEXT("type", r->type),
		r->size >= 0 ? (exhibit_field)EXHIBIT_FIELD_INT("size", r->size)
		             : (exhibit_field)EXHIBIT_FIELD_NULL("size"),
		r->compressed >= 0 ? (exhibit_field)EXHIBIT_FIELD_INT("compressed_size", r->compressed)
		                   : (exhibit_field)EXHIBIT_FIELD_NULL("compressed_size"),
		has_mtime ? (exhibit_field)EXHIBIT_FIELD_INT("mtime", archive_entry_mtime(e))
		          : (exhibit_field)EXHIBIT_FIELD_NULL("mtime"),
		has_mtime ? (exhibit_field)EXHIBIT_FIELD_INT("mtime_ns", archive_entry_mtime_nsec(e))
		          : (exhibit_field)EXHIBIT_FIELD_NULL("mtime_ns"),
		EXHIBIT_FIELD_INT("mode", archive_entry_perm(e)),
		EXHIBIT_FIELD_INT("encrypted", archive_entry_is_encrypted(e) ? 1 : 0),
		EXHIBIT_FIELD_TEXT("link_target", r->link_target),
		EXHIBIT_FIELD_TEXT("status", r->status),
	};

	if (w->api->emit_record(w->host, "archive_entries", f, sizeof f / sizeof f[0]) != EXHIBIT_OK)
		worse(w, EXHIBIT_ERR);
}

/* entry_path — the entry's name as its child and row carry it. */
static char *entry_path(walk *w, struct archive_entry *e)
{
	const char *raw = archive_entry_pathname(e);
	char *path;

	if ((archive_format(w->a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_RAW &&
	    (!raw || strcmp(raw, "data") == 0))
		return decompressed_name(w->item->name);   /* libarchive had no name */
	path = entry_path_clean(raw);
	if (path && !path[0]) {
		free(path);
		if (asprintf(&path, "entry-%llu", (unsigned long long)w->entries) < 0)
			path = NULL;
	}
	return path;
}

static char *link_target(struct archive_entry *e)
{
	const char *target = archive_entry_symlink(e);

	if (!target)
		target = archive_entry_hardlink(e);
	return target ? entry_text_escape(target) : NULL;
}

/* one_entry — list, read and hand back the entry just read. */
static void one_entry(walk *w, struct archive_entry *e)
{
	entry_row r = { NULL, type_name(e), archive_entry_size_is_set(e) ? archive_entry_size(e) : -1,
		        -1, e, link_target(e), NULL };
	char *path = entry_path(w, e);
	int64_t before = archive_filter_bytes(w->a, 0);

	if (!path) {
		problem(w, EXHIBIT_ERR, "out of memory naming entry %llu",
		        (unsigned long long)w->entries);
		w->stop = 1;
		free(r.link_target);
		return;
	}
	r.path = path;
	if (strcmp(r.type, "file") != 0) {
		r.status = "listed";
	} else if (archive_entry_is_data_encrypted(e)) {
		problem(w, EXHIBIT_ERR_FORMAT, "entry '%s': encrypted: not extracted", path);
		r.status = "encrypted";
	} else if (w->refused) {
		r.status = must_drain(w) ? read_content(w, path, 0) : "refused";
		if (strcmp(r.status, "drained") == 0)
			r.status = "refused";
	} else {
		r.status = read_content(w, path, 1);
		r.compressed = compressed_bytes(w, before);
		if (!strcmp(r.status, "read") || !strcmp(r.status, "damaged"))
			r.status = hand_back(w, path, r.status);
	}
	record_entry(w, &r);
	free(r.link_target);
	free(path);
	if (w->cap > KEEP_BUFFER) {
		/* Children are analysed inside emit_child, archives within
		 * archives: a large buffer is not kept for the next entry. */
		free(w->data);
		w->data = NULL;
		w->cap = w->len = 0;
	}
}

/* next_entry — the next header, or NULL at the end or when reading
 * cannot go on (reported). */
static struct archive_entry *next_entry(walk *w)
{
	struct archive_entry *e;

	for (int retries = 0;; retries++) {
		int r = archive_read_next_header(w->a, &e);

		if (r == ARCHIVE_EOF)
			return NULL;
		if (r == ARCHIVE_OK)
			return e;
		if (r == ARCHIVE_WARN) {
			problem(w, EXHIBIT_ERR_FORMAT, "entry %llu: %s",
			        (unsigned long long)w->entries + 1, why(w));
			return e;
		}
		if (r == ARCHIVE_RETRY && retries < MAX_RETRIES)
			continue;
		w->complete = 0;
		if (w->entries == 0 && w->src.read_failed == 0 &&
		    archive_errno(w->a) == UNRECOGNISED_FORMAT && !w->req->claimed) {
			w->stop = 1;      /* a signature matched by chance: not ours */
			return NULL;
		}
		if (w->entries == 0)
			problem(w, EXHIBIT_ERR_FORMAT, "not readable as an archive: %s", why(w));
		else
			problem(w, EXHIBIT_ERR_FORMAT, "the archive is damaged after entry %llu: %s; "
			        "the entries before are kept", (unsigned long long)w->entries, why(w));
		if (r == ARCHIVE_FAILED && retries < MAX_RETRIES)
			continue; /* this header is lost, the next may be whole */
		w->stop = 1;
		return NULL;
	}
}

/* raw_without_filter — "raw" took content no decompressor claimed: it is
 * not a compressed file after all. */
static int raw_without_filter(walk *w)
{
	return (archive_format(w->a) & ARCHIVE_FORMAT_BASE_MASK) == ARCHIVE_FORMAT_RAW &&
	       archive_filter_count(w->a) <= 1;
}

static void read_entries(walk *w)
{
	struct archive_entry *e;

	w->complete = 1;
	while (!w->stop && (e = next_entry(w))) {
		if (raw_without_filter(w)) {
			if (w->req->claimed)
				problem(w, EXHIBIT_ERR_FORMAT, "not a compressed file libarchive reads");
			w->complete = 0;
			return;
		}
		if (++w->entries > ARCHIVES_MAX_ENTRIES) {
			problem(w, EXHIBIT_ERR_LIMIT, "more than %d entries: the rest are not read",
			        ARCHIVES_MAX_ENTRIES);
			w->complete = 0;
			return;
		}
		one_entry(w, e);
	}
	if (w->stop)
		w->complete = 0;
}

/* ------------------------------------------------------------- the archive */

/* Decompression filters, each run inside libarchive.  One that would run
 * an external program instead (libarchive says so with ARCHIVE_WARN) is
 * left out: a plugin never starts processes. */
static int (*const decompressors[])(struct archive *) = {
	archive_read_support_filter_gzip, archive_read_support_filter_bzip2,
	archive_read_support_filter_compress, archive_read_support_filter_lzma,
	archive_read_support_filter_xz, archive_read_support_filter_lzip,
	archive_read_support_filter_zstd, archive_read_support_filter_lz4,
	archive_read_support_filter_lzop, archive_read_support_filter_uu,
	archive_read_support_filter_rpm,
};

static int enable_filters(struct archive *a)
{
	for (size_t i = 0; i < sizeof decompressors / sizeof decompressors[0]; i++) {
		struct archive *probe = archive_read_new();
		int in_process = probe && decompressors[i](probe) == ARCHIVE_OK;

		archive_read_free(probe);
		if (in_process && decompressors[i](a) != ARCHIVE_OK)
			return -1;
	}
	return 0;
}

static void filter_names(walk *w, char *out, size_t n)
{
	size_t used = 0;

	out[0] = '\0';
	for (int i = 0; i < archive_filter_count(w->a); i++) {
		const char *name = archive_filter_name(w->a, i);

		if (!name || archive_filter_code(w->a, i) == ARCHIVE_FILTER_NONE)
			continue;
		used += (size_t)snprintf(out + used, used < n ? n - used : 0, "%s%s",
		                         used ? "," : "", name);
		if (used >= n)
			break;
	}
}

static void record_archive(walk *w)
{
	char filters_text[128];

	const char *filters;

	filter_names(w, filters_text, sizeof filters_text);
	filters = filters_text[0] ? filters_text : NULL;
	{
		exhibit_field f[] = {
			EXHIBIT_FIELD_TEXT("format", archive_format_name(w->a)),
			EXHIBIT_FIELD_TEXT("filters", filters),
			EXHIBIT_FIELD_INT("entries", w->entries),
			EXHIBIT_FIELD_INT("expanded_bytes", w->expanded),
			EXHIBIT_FIELD_INT("complete", w->complete),
		};

		if (w->api->emit_record(w->host, "archives", f, sizeof f / sizeof f[0]) != EXHIBIT_OK)
			worse(w, EXHIBIT_ERR);
	}
}

static uint64_t total_limit(uint64_t size)
{
	uint64_t scaled = size > UINT64_MAX / ARCHIVES_MAX_TOTAL_FACTOR
		? UINT64_MAX : size * ARCHIVES_MAX_TOTAL_FACTOR;

	return scaled > ARCHIVES_MAX_TOTAL_BYTES ? scaled : ARCHIVES_MAX_TOTAL_BYTES;
}

static int configure(walk *w)
{
	if (!(w->a = archive_read_new()) || !(w->scratch = malloc(ARCHIVES_READ_BLOCK)))
		return -1;
	if (enable_filters(w->a) < 0 || archive_read_support_format_all(w->a) != ARCHIVE_OK)
		return -1;
	if (w->req->compressed_stream && archive_read_support_format_raw(w->a) != ARCHIVE_OK)
		return -1;
	return 0;
}

int archives_walk(const exhibit_host_api *api, exhibit_host *host, const exhibit_item *item,
                  const walk_request *req)
{
	walk w;

	memset(&w, 0, sizeof w);
	w.api = api;
	w.host = host;
	w.item = item;
	w.req = req;
	w.total_limit = total_limit(item->size);
	w.utf8 = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
	if (w.utf8)
		w.outer = uselocale(w.utf8);
	if (configure(&w) < 0) {
		problem(&w, EXHIBIT_ERR, "cannot set up libarchive: out of memory");
	} else if (archive_source_open(w.a, &w.src, api, host, item->size) != ARCHIVE_OK) {
		if (req->claimed || w.src.read_failed)
			problem(&w, EXHIBIT_ERR_FORMAT, "not readable as an archive: %s", why(&w));
	} else {
		read_entries(&w);
		if (w.entries || w.complete)
			record_archive(&w);
	}
	if (w.problems > ARCHIVES_MAX_PROBLEMS) {
		char msg[96];
		snprintf(msg, sizeof msg, "%u more problems not listed",
		         w.problems - ARCHIVES_MAX_PROBLEMS);
		api->report_error(host, -1, msg);
	}
	if (w.a)
		archive_read_free(w.a);
	archive_source_close(&w.src);
	free(w.data);
	free(w.scratch);
	if (w.utf8) {
		uselocale(w.outer);
		freelocale(w.utf8);
	}
	return w.rc;
}

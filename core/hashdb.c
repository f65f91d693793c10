/*
 * hashdb.c — see hashdb.h.  Opening checks every offset, size and prefix
 * table entry of the file against its real size before anything is read
 * through them, so a damaged or hostile index is an error, never a read
 * out of bounds.
 */
#include "hashdb.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hashdb_format.h"

typedef struct section {
	const unsigned char *records;
	const uint64_t *prefix;
	uint64_t count;
	uint32_t digest_len, record_len, prefix_bits;
} section;

struct hashdb {
	unsigned char *map;
	size_t size;
	hashdb_header_disk header;
	section sections[HASH_ALG_COUNT];
	hashdb_set *sets;
	char **texts;                 /* every manifest text, to free */
	size_t n_texts;
	char **strings;
	uint32_t n_strings;
};

static const char *const alg_names[HASH_ALG_COUNT] = { "md5", "sha1", "sha256" };
static const size_t alg_lengths[HASH_ALG_COUNT] = { MD5_LEN, SHA1_LEN, SHA256_LEN };

const char *hash_alg_name(hash_alg a)
{
	return a < HASH_ALG_COUNT ? alg_names[a] : "?";
}

size_t hash_alg_length(hash_alg a)
{
	return a < HASH_ALG_COUNT ? alg_lengths[a] : 0;
}

int hashdb_kind_valid(const char *kind)
{
	return kind && (!strcmp(kind, HASHDB_KIND_KNOWN_GOOD) || !strcmp(kind, HASHDB_KIND_KNOWN_BAD) ||
	                !strcmp(kind, HASHDB_KIND_CATEGORISED));
}

int hashdb_scheme_valid(const char *scheme)
{
	return scheme && (!strcmp(scheme, "project-vic-us") || !strcmp(scheme, "project-vic-canada") ||
	                  !strcmp(scheme, "caid-uk"));
}

/* ---------------------------------------------------------------- location */

char *hashdb_resolve_dir(const char *option, exhibit_error *err)
{
	const char *env = getenv("EXHIBIT_HASHDB"), *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	char *dir = NULL;

	if (option && *option)
		return strdup(option);
	if (env && *env)
		return strdup(env);
	if (xdg && *xdg == '/') {
		if (asprintf(&dir, "%s/exhibit/hashdb", xdg) < 0)
			dir = NULL;
		return dir;
	}
	if (!home || !*home) {
		exhibit_error_set(err, EXHIBIT_ERR, -1, "no hash database location: give --hashdb DIR "
		                  "or set EXHIBIT_HASHDB (HOME is not set)");
		return NULL;
	}
	if (asprintf(&dir, "%s/.local/share/exhibit/hashdb", home) < 0)
		dir = NULL;
	return dir;
}

/* ---------------------------------------------------------------- opening */

static int bad(exhibit_error *err, const char *path, const char *what)
{
	return exhibit_error_set(err, EXHIBIT_ERR_FORMAT, 0,
	                         "%s: not a usable exhibit hash index (%s); import the sets again "
	                         "into a fresh --hashdb", path, what);
}

/* within — [offset, offset + len) lies inside the file. */
static int within(const hashdb *db, uint64_t offset, uint64_t len)
{
	return offset <= db->size && len <= db->size - offset;
}

static int check_section(hashdb *db, int alg, const char *path, exhibit_error *err)
{
	const hashdb_section_disk *d = &db->header.sections[alg];
	section *s = &db->sections[alg];
	uint64_t n_prefix;

	if (d->algorithm != (uint32_t)alg || d->digest_len != alg_lengths[alg] ||
	    d->record_len != d->digest_len + HASHDB_RECORD_TAIL ||
	    d->prefix_bits > HASHDB_MAX_PREFIX_BITS)
		return bad(err, path, "a section header is wrong");
	n_prefix = ((uint64_t)1 << d->prefix_bits) + 1;
	if (d->count > db->size / d->record_len || !within(db, d->records_offset, d->count * d->record_len) ||
	    d->prefix_offset % 8 || !within(db, d->prefix_offset, n_prefix * 8))
		return bad(err, path, "a section lies outside the file");
	s->records = db->map + d->records_offset;
	s->prefix = (const uint64_t *)(db->map + d->prefix_offset);
	s->count = d->count;
	s->digest_len = d->digest_len;
	s->record_len = d->record_len;
	s->prefix_bits = d->prefix_bits;
	/* Lookups trust the table to stay inside the records: check it once. */
	if (s->prefix[0] != 0 || s->prefix[n_prefix - 1] != d->count)
		return bad(err, path, "a prefix table does not span its records");
	for (uint64_t i = 1; i < n_prefix; i++)
		if (s->prefix[i] < s->prefix[i - 1])
			return bad(err, path, "a prefix table is out of order");
	return 0;
}

/* A cursor over the manifest and strings blobs. */
typedef struct blob {
	const unsigned char *p, *end;
} blob;

static int take_u32(blob *b, uint32_t *v)
{
	if (b->end - b->p < 4)
		return -1;
	memcpy(v, b->p, 4);
	b->p += 4;
	return 0;
}

static int take_u64(blob *b, uint64_t *v)
{
	if (b->end - b->p < 8)
		return -1;
	memcpy(v, b->p, 8);
	b->p += 8;
	return 0;
}

/* take_text — a length-prefixed text, NUL-terminated copy (NULL if empty). */
static int take_text(hashdb *db, blob *b, const char **out)
{
	uint32_t len;
	char *copy;

	*out = NULL;
	if (take_u32(b, &len) < 0 || len > HASHDB_MAX_TEXT || (uint64_t)(b->end - b->p) < len)
		return -1;
	if (len == 0)
		return 0;
	if (!(copy = malloc(len + 1)))
		return -1;
	memcpy(copy, b->p, len);
	copy[len] = '\0';
	b->p += len;
	db->texts[db->n_texts++] = copy;
	*out = copy;
	return 0;
}

static int read_sets(hashdb *db, const char *path, exhibit_error *err)
{
	const hashdb_header_disk *h = &db->header;
	blob b = { db->map + h->sets_offset, db->map + h->sets_offset + h->sets_size };

	if (h->n_sets > h->sets_size / 96)
		return bad(err, path, "the manifest is too short");
	db->sets = calloc(h->n_sets ? h->n_sets : 1, sizeof *db->sets);
	db->texts = calloc((size_t)h->n_sets * 6 + 1, sizeof *db->texts);
	if (!db->sets || !db->texts)
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
	for (uint32_t i = 0; i < h->n_sets; i++) {
		hashdb_set *s = &db->sets[i];
		uint32_t zero;
		const char *kind;

		if (take_u32(&b, &s->id) < 0 || take_u32(&b, &zero) < 0 || take_u64(&b, &s->entries) < 0 ||
		    take_u64(&b, &s->digests[0]) < 0 || take_u64(&b, &s->digests[1]) < 0 ||
		    take_u64(&b, &s->digests[2]) < 0 || b.end - b.p < SHA256_LEN)
			return bad(err, path, "a manifest entry is cut short");
		memcpy(s->set_digest, b.p, SHA256_LEN);
		b.p += SHA256_LEN;
		if (take_text(db, &b, &s->name) < 0 || take_text(db, &b, &kind) < 0 ||
		    take_text(db, &b, &s->category_scheme) < 0 || take_text(db, &b, &s->source) < 0 ||
		    take_text(db, &b, &s->imported) < 0 || take_text(db, &b, &s->source_date) < 0)
			return bad(err, path, "a manifest text is cut short");
		s->kind = kind;
		if (!s->name || !hashdb_kind_valid(kind) || !s->imported ||
		    (i > 0 && s->id <= db->sets[i - 1].id) || s->id >= h->next_set_id)
			return bad(err, path, "a manifest entry is invalid");
	}
	return 0;
}

static int read_strings(hashdb *db, const char *path, exhibit_error *err)
{
	const hashdb_header_disk *h = &db->header;
	blob b = { db->map + h->strings_offset, db->map + h->strings_offset + h->strings_size };

	if (h->n_strings > h->strings_size / 4)
		return bad(err, path, "the category strings are too short");
	db->strings = calloc(h->n_strings ? h->n_strings : 1, sizeof *db->strings);
	if (!db->strings)
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
	for (uint32_t i = 0; i < h->n_strings; i++) {
		uint32_t len;

		if (take_u32(&b, &len) < 0 || len > HASHDB_MAX_TEXT || (uint64_t)(b.end - b.p) < len ||
		    !(db->strings[i] = strndup((const char *)b.p, len)))
			return bad(err, path, "a category string is cut short");
		b.p += len;
		db->n_strings = i + 1;
	}
	return 0;
}

static int check_header(hashdb *db, const char *path, exhibit_error *err)
{
	hashdb_header_disk *h = &db->header;

	if (db->size < HASHDB_HEADER_SIZE)
		return bad(err, path, "shorter than its header");
	memcpy(h, db->map, sizeof *h);
	if (memcmp(h->magic, HASHDB_MAGIC, 8))
		return bad(err, path, "wrong magic");
	if (h->endian != HASHDB_ENDIAN || h->version != HASHDB_VERSION)
		return bad(err, path, "written by another version or machine");
	if (h->file_size != db->size)
		return bad(err, path, "its size is not the size its header states");
	if (!within(db, h->sets_offset, h->sets_size) || !within(db, h->strings_offset, h->strings_size))
		return bad(err, path, "the manifest lies outside the file");
	for (int a = 0; a < HASH_ALG_COUNT; a++)
		if (check_section(db, a, path, err) < 0)
			return -1;
	if (read_sets(db, path, err) < 0 || read_strings(db, path, err) < 0)
		return -1;
	return 0;
}

int hashdb_open_file(const char *path, hashdb **out, exhibit_error *err)
{
	hashdb *db;
	struct stat st;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		return exhibit_error_set(err, EXHIBIT_ERR_READ, -1, "%s: %s", path, strerror(errno));
	}
	if (fstat(fd, &st) < 0 || !(db = calloc(1, sizeof *db))) {
		close(fd);
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "%s: cannot open: %s", path, strerror(errno));
	}
	db->size = (size_t)st.st_size;
	db->map = db->size ? mmap(NULL, db->size, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
	close(fd); /* the mapping keeps the file (this snapshot) alive */
	if (db->map == MAP_FAILED) {
		db->map = NULL;
		hashdb_close(db);
		return bad(err, path, "empty or cannot be mapped");
	}
	if (check_header(db, path, err) < 0) {
		hashdb_close(db);
		return -1;
	}
	*out = db;
	return 0;
}

int hashdb_open(const char *dir, hashdb **out, exhibit_error *err)
{
	char *path = NULL;
	int rc;

	if (asprintf(&path, "%s/index.hdb", dir) < 0)
		return exhibit_error_set(err, EXHIBIT_ERR, -1, "out of memory");
	rc = hashdb_open_file(path, out, err);
	free(path);
	return rc;
}

void hashdb_close(hashdb *db)
{
	if (!db)
		return;
	if (db->map)
		munmap(db->map, db->size);
	for (size_t i = 0; i < db->n_texts; i++)
		free(db->texts[i]);
	for (uint32_t i = 0; i < db->n_strings; i++)
		free(db->strings[i]);
	free(db->texts);
	free(db->strings);
	free(db->sets);
	free(db);
}

/* ---------------------------------------------------------------- queries */

size_t hashdb_set_count(const hashdb *db)
{
	return db ? db->header.n_sets : 0;
}

const hashdb_set *hashdb_set_at(const hashdb *db, size_t i)
{
	return db && i < db->header.n_sets ? &db->sets[i] : NULL;
}

const hashdb_set *hashdb_find_set(const hashdb *db, const char *name)
{
	for (size_t i = 0; db && i < db->header.n_sets; i++)
		if (!strcmp(db->sets[i].name, name))
			return &db->sets[i];
	return NULL;
}

size_t hashdb_set_index(const hashdb *db, const hashdb_set *set)
{
	return (size_t)(set - db->sets);
}

uint64_t hashdb_generation(const hashdb *db)
{
	return db ? db->header.generation : 0;
}

uint32_t hashdb_next_set_id(const hashdb *db)
{
	return db ? db->header.next_set_id : 1;
}

static const hashdb_set *set_by_id(const hashdb *db, uint32_t id)
{
	size_t lo = 0, hi = db->header.n_sets;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (db->sets[mid].id == id)
			return &db->sets[mid];
		if (db->sets[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static uint64_t prefix_of(const unsigned char *digest, uint32_t bits)
{
	uint32_t top = (uint32_t)digest[0] << 24 | (uint32_t)digest[1] << 16 |
	               (uint32_t)digest[2] << 8 | digest[3];

	return bits ? top >> (32 - bits) : 0;
}

size_t hashdb_lookup(const hashdb *db, hash_alg alg, const unsigned char *digest,
                     hashdb_hit *hits, size_t max)
{
	const section *s;
	uint64_t p, lo, hi;
	size_t n = 0;

	if (!db || alg >= HASH_ALG_COUNT || !(s = &db->sections[alg])->count)
		return 0;
	p = prefix_of(digest, s->prefix_bits);
	lo = s->prefix[p];
	hi = s->prefix[p + 1];
	/* The first record not below digest, inside its prefix bucket. */
	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (memcmp(s->records + mid * s->record_len, digest, s->digest_len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < s->count; lo++) {
		const unsigned char *r = s->records + lo * s->record_len;
		uint32_t set_id, category;
		const hashdb_set *set;

		if (memcmp(r, digest, s->digest_len))
			break;
		memcpy(&set_id, r + s->digest_len, 4);
		memcpy(&category, r + s->digest_len + 4, 4);
		if (!(set = set_by_id(db, set_id)))
			continue;
		if (n < max) {
			hits[n].set = set;
			hits[n].category = category && category <= db->n_strings
			                 ? db->strings[category - 1] : NULL;
		}
		n++;
	}
	return n;
}

uint64_t hashdb_record_count(const hashdb *db, hash_alg alg)
{
	return db && alg < HASH_ALG_COUNT ? db->sections[alg].count : 0;
}

const unsigned char *hashdb_record_digest(const hashdb *db, hash_alg alg, uint64_t i)
{
	if (!db || alg >= HASH_ALG_COUNT || i >= db->sections[alg].count)
		return NULL;
	return db->sections[alg].records + i * db->sections[alg].record_len;
}

const unsigned char *hashdb_section_records(const hashdb *db, int alg, uint64_t *count)
{
	*count = db && alg >= 0 && alg < HASH_ALG_COUNT ? db->sections[alg].count : 0;
	return *count ? db->sections[alg].records : NULL;
}

uint32_t hashdb_string_count(const hashdb *db)
{
	return db ? db->n_strings : 0;
}

const char *hashdb_string_at(const hashdb *db, uint32_t i)
{
	return db && i < db->n_strings ? db->strings[i] : NULL;
}

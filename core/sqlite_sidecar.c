/*
 * sqlite_sidecar.c — see sqlite_sidecar.h.
 */
#include "sqlite_sidecar.h"

#include <stdlib.h>
#include <string.h>

#include "exhibit/plugin.h"

static const struct {
	const char *suffix;
	sqlite_file_kind kind;
} suffixes[] = {
	{ "-wal", SQLITE_FILE_WAL },
	{ "-journal", SQLITE_FILE_JOURNAL },
};

sqlite_file_kind sqlite_sidecar_of(const char *name, size_t *base_len)
{
	size_t len = name ? strlen(name) : 0, i;

	for (i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		size_t n = strlen(suffixes[i].suffix);

		/* a database name before the suffix, not the suffix alone */
		if (len > n && !strcmp(name + len - n, suffixes[i].suffix)) {
			*base_len = len - n;
			return suffixes[i].kind;
		}
	}
	return SQLITE_FILE_MAIN;
}

int sqlite_live_image(const sqlite_db_files *files, size_t max_len, uint8_t **out,
                      size_t *len, exhibit_error *err)
{
	sqlite_db *db = NULL;
	uint32_t pgno, n, size;
	sqlite_page page;
	uint8_t *image;
	int rc;

	*out = NULL;
	*len = 0;
	if ((rc = sqlite_db_open(files, &db, err)) != 0)
		return rc;
	n = sqlite_db_page_count(db);
	size = sqlite_db_page_size(db);
	if (!n) {
		sqlite_db_free(db);
		return exhibit_error_set(err, EXHIBIT_ERR_FORMAT, 0, "the database holds no page");
	}
	if ((uint64_t)n * size > max_len) {
		sqlite_db_free(db);
		return exhibit_error_set(err, EXHIBIT_ERR_LIMIT, 0, "the database with its WAL "
		                         "or journal applied (%u pages of %u bytes) is larger "
		                         "than the limit", n, size);
	}
	/* pages no file holds (a truncated database) stay zero, as SQLite
	 * would find them */
	if (!(image = calloc(n, size))) {
		sqlite_db_free(db);
		return exhibit_error_set(err, EXHIBIT_ERR, 0, "out of memory");
	}
	for (pgno = 1; pgno <= n; pgno++)
		if (sqlite_db_page(db, pgno, &page))
			memcpy(image + (size_t)(pgno - 1) * size, page.data, size);
	sqlite_db_free(db);
	*out = image;
	*len = (size_t)n * size;
	return 0;
}

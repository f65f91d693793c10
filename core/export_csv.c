/*
 * export_csv.c — the 'csv' export: one table or view of the case as RFC
 * 4180 CSV (a header row, CRLF line ends, text fields quoted).
 *
 * Only a name the case's schema defines as a table or a view is accepted,
 * and it is quoted as an identifier, so --view can never be SQL.  Digests
 * (BLOBs) are written as lowercase hex, numbers as numbers, NULL as an
 * empty field.  Text from evidence goes through export_csv_field, which
 * keeps invalid bytes as \xNN and, unless the caller turns the guard off,
 * defuses text a spreadsheet would run as a formula.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export_common.h"
#include "export_sink.h"
#include "export_text.h"

/* quoted_identifier — name as an SQL identifier: "na""me". */
static char *quoted_identifier(const char *name)
{
	size_t len = strlen(name), o = 0;
	char *out = malloc(2 * len + 3);

	if (!out)
		return NULL;
	out[o++] = '"';
	for (size_t i = 0; i < len; i++) {
		if (name[i] == '"')
			out[o++] = '"';
		out[o++] = name[i];
	}
	out[o++] = '"';
	out[o] = '\0';
	return out;
}

static void write_value(export_sink *s, sqlite3_stmt *st, int i, int formula_guard)
{
	switch (sqlite3_column_type(st, i)) {
	case SQLITE_NULL:
		break;
	case SQLITE_INTEGER:
		export_sink_printf(s, "%lld", (long long)sqlite3_column_int64(st, i));
		break;
	case SQLITE_FLOAT:
		export_sink_printf(s, "%.17g", sqlite3_column_double(st, i));
		break;
	case SQLITE_BLOB: {
		const unsigned char *b = sqlite3_column_blob(st, i);
		int n = sqlite3_column_bytes(st, i);

		for (int k = 0; k < n; k++)
			export_sink_printf(s, "%02x", b[k]);
		break;
	}
	default:
		export_csv_field(s, (const char *)sqlite3_column_text(st, i),
		                 (size_t)sqlite3_column_bytes(st, i), formula_guard);
		break;
	}
}

static int write_rows(sqlite3_stmt *st, export_sink *s, int formula_guard, export_result *res)
{
	int columns = sqlite3_column_count(st), step;

	for (int i = 0; i < columns; i++) {
		if (i)
			export_sink_puts(s, ",");
		export_csv_field(s, sqlite3_column_name(st, i), strlen(sqlite3_column_name(st, i)), 0);
	}
	export_sink_puts(s, "\r\n");
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		for (int i = 0; i < columns; i++) {
			if (i)
				export_sink_puts(s, ",");
			write_value(s, st, i, formula_guard);
		}
		export_sink_puts(s, "\r\n");
		res->items++;
	}
	return step == SQLITE_DONE ? 0 : -1;
}

int export_csv(sqlite3 *db, const char *output, const export_options *opt,
               export_result *res, exhibit_error *err)
{
	const char *view = opt && opt->view ? opt->view : "v_files";
	char *ident = NULL, *sql = NULL;
	sqlite3_stmt *st = NULL;
	export_sink *s = NULL;
	uint64_t size;
	digests d;
	int rc = -1;

	if (!export_has_table(db, view) || !strncmp(view, "sqlite_", 7))
		return exhibit_error_set(err, -4, -1, "--view %s: the case has no table or view of that "
		                         "name (see: sqlite3 CASE/case.db .tables)", view);
	if (export_check_output(db, output, err) < 0)
		return err ? err->code : -4;
	if (!(ident = quoted_identifier(view)) || asprintf(&sql, "SELECT * FROM main.%s", ident) < 0) {
		rc = exhibit_error_set(err, -1, -1, "out of memory");
		sql = NULL;
		goto done;
	}
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		rc = export_sql_error(db, err, view);
		goto done;
	}
	if (!(s = export_sink_create(output, err)))
		goto done;
	if (write_rows(st, s, opt ? opt->formula_guard : 1, res) < 0) {
		rc = export_sql_error(db, err, view);
		goto done;
	}
	rc = export_sink_finish(s, &d, &size, err);
	s = NULL;
	if (rc == 0)
		rc = export_result_set(res, &d, size, output, err);
done:
	export_sink_abort(s);
	sqlite3_finalize(st);
	free(ident);
	free(sql);
	return rc;
}

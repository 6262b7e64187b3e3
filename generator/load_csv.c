/* load_csv: reading one CSV file. Consumes the file as a stream (64 KiB
 * reads through libcsv, RFC 4180, LF, CRLF or CR line ends, UTF-8 with or
 * without a BOM); produces the header's columns matched to the file's
 * schema (by name, or through [columns FILE]) and, for each data row, the
 * trimmed values of the known columns, handed to the file's row handler
 * with the row's line. Refuses: a missing, duplicated or required column,
 * malformed CSV, invalid UTF-8, control characters in values, a doubled
 * BOM, a field over 64 KiB and a row of more than 10,000 columns; an empty
 * file, or a required file with no data rows. */
#include "load_private.h"

#include <csv.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *load_col_name(const struct csvfile *f, int col)
{
	const char *mapped = f->L->colmap[f->spec->id][col];
	return mapped ? mapped : f->spec->cols[col].name;
}

struct qstr load_quote_col(const struct csvfile *f, int col)
{
	return load_quote(load_col_name(f, col));
}

/* Name of the column at 0-based position pos, for messages. */
static const char *pos_name(const struct csvfile *f, size_t pos)
{
	if (pos < f->n_pos && f->pos_col[pos] >= 0)
		return load_col_name(f, f->pos_col[pos]);
	if (pos < f->n_hdr)
		return f->hdr.data + f->hdr_off[pos];
	return "";
}

static void row_verr(struct csvfile *f, long column, bool quiet, const char *fmt, va_list ap)
{
	struct loader *L = f->L;
	if (quiet && !L->skip) {
		f->row_bad = true;
		return;
	}
	struct buf b = {0};
	buf_vprintf(&b, fmt, ap);
	long line = f->nfields || f->header_done ? f->row_line : f->next_row_line;
	if (!f->header_done) {
		diag_add(L->errors, f->name, line, column, "%s", buf_cstr(&b));
		f->failed = f->stop = true;
	} else if (L->skip) {
		if (!f->row_bad)
			diag_add(&L->m->skipped, f->name, line, column, "%s", buf_cstr(&b));
	} else {
		diag_add(L->errors, f->name, line, column, "%s", buf_cstr(&b));
	}
	f->row_bad = true;
	buf_free(&b);
}

/* An invalid value in the current row (an error, or a dropped row). */
void load_row_err_at(struct csvfile *f, long column, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	row_verr(f, column, false, fmt, ap);
	va_end(ap);
}

void load_row_err(struct csvfile *f, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	row_verr(f, f->colpos[col], false, fmt, ap);
	va_end(ap);
}

/* The row refers to a row that was not kept: with --skip-bad-rows it is
 * dropped too (and listed); otherwise the first row's error says it all. */
void load_row_drop(struct csvfile *f, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	row_verr(f, f->colpos[col], true, fmt, ap);
	va_end(ap);
}

static void start_row(struct csvfile *f)
{
	f->row_line = f->next_row_line;
	buf_reset(&f->row);
	memset(f->have, 0, sizeof f->have);
	f->row_bad = f->row_wide = false;
	f->all_empty = true;
}

static void on_field(void *data, size_t n, void *user)
{
	struct csvfile *f = user;
	f->since_cb = 0;
	if (f->stop)
		return;
	if (f->nfields == 0)
		start_row(f);
	size_t pos = f->nfields++;
	if (f->row_wide)
		return;
	if (f->nfields > MAX_COLUMNS) {
		f->row_wide = true;
		load_row_err_at(f, 0, "row has more than %d columns", MAX_COLUMNS);
		return;
	}
	if (n > MAX_FIELD) {
		load_row_err_at(f, (long)pos + 1, "field is longer than 64 KiB");
		return;
	}
	const char *p = data ? data : "";
	load_trim(&p, &n);
	if (n)
		f->all_empty = false;
	size_t bad;
	if (!load_utf8_valid((const unsigned char *)p, n, &bad)) {
		if (f->header_done)
			load_row_err_at(f, (long)pos + 1, "invalid UTF-8 in column %s (byte %zu of the "
					"field)", load_quote(pos_name(f, pos)).s, bad + 1);
		else
			load_row_err_at(f, (long)pos + 1, "invalid UTF-8 in the header (byte %zu of "
					"the field)", bad + 1);
		return;
	}
	if (!f->header_done) {
		GROW(f->hdr_off, f->cap_hdr, f->n_hdr + 1);
		f->hdr_off[f->n_hdr++] = f->hdr.len;
		buf_add(&f->hdr, p, n);
		buf_putc(&f->hdr, 0);
		return;
	}
	if (pos < f->n_pos && f->pos_col[pos] >= 0) {
		int col = f->pos_col[pos];
		uint32_t cp;
		for (size_t i = 0; i < n; i++) {
			if (p[i] == '\t' || p[i] == '\n' || p[i] == '\r' ||
			    !diag_control_at((const unsigned char *)p + i, n - i, &cp))
				continue;
			struct buf v = {0};
			buf_add(&v, p, n);
			load_row_err_at(f, (long)pos + 1, "control character U+%04X in column %s: %s",
					(unsigned)cp, load_quote_col(f, col).s, load_quote(buf_cstr(&v)).s);
			buf_free(&v);
			return;
		}
		f->off[col] = f->row.len;
		buf_add(&f->row, p, n);
		buf_putc(&f->row, 0);
		f->have[col] = true;
	}
}

static void finish_header(struct csvfile *f)
{
	const struct filespec *sp = f->spec;
	f->header_done = true;
	f->pos_col = xcalloc(f->n_hdr ? f->n_hdr : 1, sizeof *f->pos_col);
	f->n_pos = f->n_hdr;
	for (size_t pos = 0; pos < f->n_hdr; pos++) {
		const char *name = f->hdr.data + f->hdr_off[pos];
		f->pos_col[pos] = -1;
		for (int c = 0; c < sp->ncols; c++) {
			if (strcasecmp(name, load_col_name(f, c)))
				continue;
			if (f->colpos[c]) {
				diag_add(f->L->errors, f->name, f->row_line, (long)pos + 1,
					 "duplicate column %s (also column %ld)", load_quote(name).s,
					 f->colpos[c]);
				f->failed = true;
			} else {
				f->colpos[c] = (long)pos + 1;
				f->pos_col[pos] = c;
			}
			break;
		}
	}
	for (int c = 0; c < sp->ncols; c++) {
		if (!sp->cols[c].required || f->colpos[c])
			continue;
		if (f->L->colmap[sp->id][c])
			diag_add(f->L->errors, f->name, f->row_line, 0,
				 "missing required column %s (mapped from %s in [columns %s])",
				 load_quote_col(f, c).s, sp->cols[c].name, sp->base);
		else
			diag_add(f->L->errors, f->name, f->row_line, 0,
				 "missing required column %s", load_quote(sp->cols[c].name).s);
		f->failed = true;
	}
	if (f->failed)
		f->stop = true;
}

static void on_row(int c, void *user)
{
	struct csvfile *f = user;
	(void)c;
	f->since_cb = 0;
	if (f->stop)
		return;
	size_t nf = f->nfields;
	f->nfields = 0;
	f->next_row_line = f->line + 1;
	if (nf == 0 || (f->all_empty && !f->row_bad && !f->row_wide))
		return; /* an empty line, or one of empty fields only (",,,") */
	if (!f->header_done) {
		finish_header(f);
		return;
	}
	f->data_rows++;
	f->spec->row(f);
}

void load_csv(struct loader *L, const struct filespec *sp)
{
	const char *name = model_file_names[sp->id];
	char *path = load_path(L, name);
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		if (errno == ENOENT) {
			if (sp->needs_rows)
				load_file_err(L, sp->id, 0, 0, "missing required file");
		} else {
			load_io_error(L, path, errno);
		}
		free(path);
		return;
	}
	L->m->present[sp->id] = true;
	struct csvfile f = {.L = L, .spec = sp, .name = name, .line = 1, .next_row_line = 1};
	struct csv_parser parser;
	if (csv_init(&parser, CSV_STRICT | CSV_APPEND_NULL | CSV_STRICT_FINI | CSV_REPALL_NL))
		BUG("csv_init failed");
	csv_set_blk_size(&parser, CHUNK); /* grow the field buffer in large steps, not 128 bytes */
	unsigned char *chunk = xmalloc(CHUNK);
	bool first = true;
	bool cr = false; /* the last byte parsed was a CR: a line ends there unless LF follows */
	size_t n;
	while (!f.stop && (n = fread(chunk, 1, CHUNK, fp)) > 0) {
		const unsigned char *q = chunk, *end = chunk + n;
		if (first && n >= 3 && !memcmp(q, "\xEF\xBB\xBF", 3)) {
			q += 3;
			if (end - q >= 3 && !memcmp(q, "\xEF\xBB\xBF", 3)) {
				load_file_err(L, sp->id, 1, 1, "the file starts with two byte order marks "
					      "(BOM): remove the second one (the file was converted to "
					      "UTF-8 twice)");
				f.failed = f.stop = true;
			}
		}
		first = false;
		while (q < end && !f.stop) {
			if (cr && *q != '\n')
				f.line++; /* a CR alone ends a line */
			/* up to and including the next CR or LF: libcsv ends rows at either */
			const unsigned char *e = q;
			while (e < end && *e != '\n' && *e != '\r')
				e++;
			bool eol = e < end;
			size_t seg = (size_t)((eol ? e + 1 : end) - q);
			size_t got = csv_parse(&parser, q, seg, on_field, on_row, &f);
			if (got < seg && !f.stop) {
				int err = csv_error(&parser);
				if (err == CSV_EPARSE)
					load_file_err(L, sp->id, f.line, (long)f.nfields + 1,
						      "malformed CSV: unexpected quote character (a field "
						      "with quotes must be quoted whole, inner quotes doubled)");
				else if (err == CSV_ENOMEM || err == CSV_ETOOBIG)
					load_file_err(L, sp->id, f.line, 0, "row is too large to read");
				else
					BUG("csv_parse failed");
				f.failed = f.stop = true;
				break;
			}
			f.since_cb += seg;
			if (f.since_cb > (size_t)MAX_FIELD + 2 * CHUNK && !f.stop) {
				/* one field is still open after this many bytes */
				load_file_err(L, sp->id, f.nfields ? f.row_line : f.next_row_line,
					      (long)f.nfields + 1, "field is longer than 64 KiB");
				f.failed = f.stop = true;
			}
			if (seg)
				cr = q[seg - 1] == '\r';
			if (eol && q[seg - 1] == '\n')
				f.line++;
			q += seg;
		}
	}
	if (ferror(fp)) {
		load_io_error(L, path, errno ? errno : EIO);
		f.failed = f.stop = true;
	}
	fclose(fp);
	if (!f.stop && csv_fini(&parser, on_field, on_row, &f) != 0 && !f.stop) {
		load_file_err(L, sp->id, f.nfields ? f.row_line : f.next_row_line, (long)f.nfields + 1,
			      "malformed CSV: quoted field is never closed");
		f.failed = true;
	}
	csv_free(&parser);
	if (!f.header_done && !f.failed && !L->io_error) {
		load_file_err(L, sp->id, 0, 0, "file is empty (expected a header row)");
		f.failed = true;
	} else if (f.header_done && !f.failed && !f.data_rows && sp->needs_rows) {
		load_file_err(L, sp->id, 0, 0, "no data rows");
		f.failed = true;
	}
	L->file_ok[sp->id] = !f.failed && !L->io_error;
	free(chunk);
	free(path);
	free(f.pos_col);
	free(f.hdr_off);
	buf_free(&f.hdr);
	buf_free(&f.row);
}

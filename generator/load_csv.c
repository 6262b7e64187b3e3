/* load_csv: reading one CSV file. Consumes the file program.ini's [file
 * NAME] points to (a path or glob relative to DATA, default NAME.csv) as a
 * stream (64 KiB reads, RFC 4180 with the file's delimiter, LF, CRLF or
 * CR line ends, UTF-8 with or without a BOM: a whole line that starts a
 * row is split here, exactly as libcsv would, and the rest goes through
 * libcsv: quotes it must judge, fields going on past a line); produces the
 * header's columns matched to the file's fields (by name, trimmed and
 * case-folded, or through [columns NAME], "A | B" reading the first
 * non-empty) and, for each data row, the trimmed value of each field,
 * handed to the file's row handler with the row's line. A report footer
 * (rows of one field each after an empty row, up to the end) is skipped
 * and recorded. Refuses: a path that matches no file or several, a missing
 * or duplicated column (listing the header's columns, closest first), a
 * header that is one column holding another delimiter, malformed CSV,
 * invalid UTF-8, control characters in values, a doubled BOM, a field
 * over 64 KiB and a row of more than 10,000 columns; an empty file, or a
 * required file with no data rows. */
#include "load_private.h"

#include <csv.h>

#include "decode.h"

#include <errno.h>
#include <glob.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

enum {
	MAX_HELD = 1000,          /* footer rows held before they are taken as data */
	FOOTER_TEXT = 200,        /* bytes of a footer's first line kept */
	LISTED_COLUMNS = 10,      /* header columns listed in a missing-column message */
};

/* ------------------------------------------------------------------------
 * Columns and messages
 * ---------------------------------------------------------------------- */

const char *load_col_name(const struct csvfile *f, int col)
{
	const struct colmap *cm = &f->L->colmap[f->spec->id][col];
	return cm->n ? cm->names[f->alt[col] < cm->n ? f->alt[col] : 0] : f->spec->cols[col].name;
}

struct qstr load_quote_col(const struct csvfile *f, int col)
{
	return load_quote(load_col_name(f, col));
}

bool load_has_col(const struct csvfile *f, int col)
{
	return f->n_alt[col] > 0;
}

const char *load_file_section(const struct loader *L, enum input_file fid, char out[64])
{
	const char *base = model_file_names[fid];
	int n = (int)(strchr(base, '.') - base);
	if (L->files[fid].line)
		snprintf(out, 64, "[file %.*s] of program.ini", n, base);
	else
		snprintf(out, 64, "a [file %.*s] section of program.ini", n, base);
	return out;
}

/* Name of the column at 0-based position pos, for messages. */
static const char *pos_name(const struct csvfile *f, size_t pos)
{
	return pos < f->n_hdr ? f->hdr.data + f->hdr_off[pos] : "";
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
		if (!f->row_bad) {
			diag_add(&L->m->skipped, f->name, line, column, "%s", buf_cstr(&b));
			L->m->dropped[f->spec->id]++;
		}
	} else {
		diag_add(L->errors, f->name, line, column, "%s", buf_cstr(&b));
	}
	f->row_bad = true;
	buf_free(&b);
}

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

void load_row_drop(struct csvfile *f, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	row_verr(f, f->colpos[col], true, fmt, ap);
	va_end(ap);
}

/* ------------------------------------------------------------------------
 * The header
 * ---------------------------------------------------------------------- */

/* Edit distance of two short strings (cut at 100 bytes). */
static size_t distance(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	na = na > 100 ? 100 : na;
	nb = nb > 100 ? 100 : nb;
	size_t row[101];
	for (size_t j = 0; j <= nb; j++)
		row[j] = j;
	for (size_t i = 1; i <= na; i++) {
		size_t diag = row[0];
		row[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t up = row[j];
			size_t best = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < best)
				best = up + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[nb];
}

struct ranked {
	size_t dist, pos;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;
	if (x->dist != y->dist)
		return x->dist < y->dist ? -1 : 1;
	return (x->pos > y->pos) - (x->pos < y->pos);
}

/* "; the header's columns, closest first: "A", "B", ..." for want. */
static void list_columns(struct csvfile *f, struct buf *b, const char *want)
{
	char *w = load_fold_dup(f->L, want);
	struct ranked *r = xcalloc(f->n_hdr ? f->n_hdr : 1, sizeof *r);
	for (size_t pos = 0; pos < f->n_hdr; pos++)
		r[pos] = (struct ranked){distance(w, load_fold(f->L, pos_name(f, pos),
							       strlen(pos_name(f, pos)))), pos};
	free(w);
	qsort(r, f->n_hdr, sizeof *r, cmp_ranked);
	buf_puts(b, "; the header's columns, closest first: ");
	for (size_t i = 0; i < f->n_hdr && i < LISTED_COLUMNS; i++)
		buf_printf(b, "%s%s", i ? ", " : "", load_quote(pos_name(f, r[i].pos)).s);
	if (f->n_hdr > LISTED_COLUMNS)
		buf_printf(b, " and %zu more", f->n_hdr - LISTED_COLUMNS);
	free(r);
}

/* A header of one column holding another delimiter: the setting to add. */
static bool wrong_delimiter(struct csvfile *f)
{
	if (f->n_hdr != 1)
		return false;
	const char *h = pos_name(f, 0);
	static const struct { char c; const char *setting; } other[] = {
		{';', "\";\""}, {'\t', "tab"}, {'|', "\"|\""}, {',', "\",\""},
	};
	for (size_t i = 0; i < sizeof other / sizeof other[0]; i++) {
		if (!strchr(h, other[i].c))
			continue;
		char sec[64];
		diag_add(f->L->errors, f->name, f->row_line, 0, "the header is one column holding "
								"%s: "
			 "set delimiter = %s in %s", load_quote(h).s, other[i].setting,
			 load_file_section(f->L, f->spec->id, sec));
		return true;
	}
	return false;
}

static void finish_header(struct csvfile *f)
{
	struct loader *L = f->L;
	const struct filespec *sp = f->spec;
	f->header_done = true;
	if (wrong_delimiter(f)) {
		f->failed = f->stop = true;
		return;
	}
	char **folded = xcalloc(f->n_hdr ? f->n_hdr : 1, sizeof *folded);
	for (size_t pos = 0; pos < f->n_hdr; pos++)
		folded[pos] = load_fold_dup(L, pos_name(f, pos));
	f->slot_of = xcalloc(f->n_hdr ? f->n_hdr : 1, sizeof *f->slot_of);
	for (size_t pos = 0; pos < f->n_hdr; pos++)
		f->slot_of[pos] = -1;
	for (int c = 0; c < sp->ncols; c++) {
		const struct colmap *cm = &L->colmap[sp->id][c];
		int n = cm->n ? cm->n : 1;
		for (int a = 0; a < n; a++) {
			const char *want = cm->n ? cm->names[a] : sp->cols[c].name;
			char *w = load_fold_dup(L, want);
			long found = -1;
			for (size_t pos = 0; pos < f->n_hdr; pos++) {
				if (strcmp(folded[pos], w))
					continue;
				if (found >= 0) {
					diag_add(L->errors, f->name, f->row_line, (long)pos + 1,
						 "duplicate column %s (also column %ld)",
						 load_quote(pos_name(f, pos)).s, found + 1);
					f->failed = true;
					break;
				}
				found = (long)pos;
			}
			free(w);
			if (found >= 0) {
				f->alt_pos[c][f->n_alt[c]++] = (int)found;
				if (f->slot_of[found] < 0)
					f->slot_of[found] = f->n_slots++;
				continue;
			}
			struct buf b = {0};
			if (cm->n) {
				buf_printf(&b, "no column %s for %s = %s ([columns %s], "
					       "program.ini line "
					   "%ld)", load_quote(want).s, sp->cols[c].name, cm->text,
					   sp->base, cm->line);
			} else if (sp->cols[c].required) {
				buf_printf(&b, "missing required column %s (if the file names it "
					   "otherwise, add %s = ITS NAME to [columns %s] in "
					   "program.ini)",
					   load_quote(want).s, want, sp->base);
			} else {
				buf_free(&b);
				continue; /* an optional column: every row has it empty */
			}
			list_columns(f, &b, want);
			diag_add(L->errors, f->name, f->row_line, 0, "%s", buf_cstr(&b));
			buf_free(&b);
			f->failed = true;
		}
	}
	for (size_t pos = 0; pos < f->n_hdr; pos++)
		free(folded[pos]);
	free(folded);
	f->slot_off = xcalloc((size_t)f->n_slots + 1, sizeof *f->slot_off);
	f->slot_have = xcalloc((size_t)f->n_slots + 1, sizeof *f->slot_have);
	if (f->failed)
		f->stop = true;
}

/* ------------------------------------------------------------------------
 * Rows
 * ---------------------------------------------------------------------- */

static void start_row(struct csvfile *f)
{
	f->row_line = f->next_row_line;
	buf_reset(&f->row);
	if (f->n_slots)
		memset(f->slot_have, 0, (size_t)f->n_slots * sizeof *f->slot_have);
	f->row_bad = f->row_wide = false;
	f->all_empty = true;
	f->nonempty = 0;
	buf_reset(&f->first);
}

static inline void keep_value(struct csvfile *f, size_t pos, const char *p, size_t n)
{
	int slot = f->slot_of[pos];
	struct buf *row = &f->row;
	f->slot_off[slot] = row->len;
	if (row->len + n + 2 > row->cap)
		buf_reserve(row, n + 1);
	memcpy(row->data + row->len, p, n);
	row->len += n;
	row->data[row->len++] = 0;
	row->data[row->len] = 0;
	f->slot_have[slot] = true;
}

/* A field of the current row, at p[0..n) as the CSV parser gives it.
 * plain: every byte is printable ASCII or a tab (no UTF-8 to check, no
 * control character to refuse). */
static void take_field(struct csvfile *f, const char *p, size_t n, bool plain)
{
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
	load_trim(&p, &n);
	if (n) {
		f->all_empty = false;
		if (!f->nonempty++) {
			f->first_pos = pos;
			buf_add(&f->first, p, n);
		}
	}
	size_t bad;
	if (!plain && !load_utf8_valid((const unsigned char *)p, n, &bad)) {
		if (f->header_done)
			load_row_err_at(f, (long)pos + 1, "invalid UTF-8 in column %s (byte %zu of "
					"the field)", load_quote(pos_name(f, pos)).s, bad + 1);
		else
			load_row_err_at(f, (long)pos + 1, "invalid UTF-8 in the header (byte %zu "
							  "of "
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
	if (pos >= f->n_hdr || f->slot_of[pos] < 0)
		return;
	uint32_t cp;
	for (size_t i = 0; !plain && i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((c >= 0x20 && c != 0x7f && c != 0xc2 && c != 0xe2) || /* the common case */
		    c == '\t' || c == '\n' || c == '\r' ||
		    !diag_control_at((const unsigned char *)p + i, n - i, &cp))
			continue;
		struct buf v = {0};
		buf_add(&v, p, n);
		load_row_err_at(f, (long)pos + 1, "control character U+%04X in column %s: %s",
				(unsigned)cp, load_quote(pos_name(f, pos)).s,
				load_quote(buf_cstr(&v)).s);
		buf_free(&v);
		return;
	}
	keep_value(f, pos, p, n);
}

/* The k fields of a whole line s[0..n) split here, as take_field takes
 * them one by one, when the checks it makes cannot fail (the header read,
 * at most MAX_COLUMNS fields of printable ASCII, none over MAX_FIELD):
 * once for the row. */
static void take_plain_row(struct csvfile *f, const char *s, size_t n, const struct span *sp,
			   size_t k)
{
	f->since_cb = 0;
	if (f->stop)
		return;
	start_row(f);
	f->nfields = k;
	buf_reserve(&f->row, n + k + 1);
	size_t read = k < f->n_hdr ? k : f->n_hdr;
	for (size_t pos = 0; pos < k; pos++) {
		const char *p = s + sp[pos].off;
		size_t len = sp[pos].len;
		load_trim(&p, &len); /* a quoted field's blanks */
		if (len) {
			f->all_empty = false;
			if (!f->nonempty++) {
				f->first_pos = pos;
				buf_add(&f->first, p, len);
			}
		}
		if (pos < read && f->slot_of[pos] >= 0)
			keep_value(f, pos, p, len);
	}
}

static void on_field(void *data, size_t n, void *user)
{
	take_field(user, data ? data : "", n, false);
}

/* Each field's value: the first non-empty of its columns. */
static void resolve_fields(struct csvfile *f)
{
	for (int c = 0; c < f->spec->ncols; c++) {
		f->value[c] = "";
		f->alt[c] = 0;
		f->colpos[c] = f->n_alt[c] ? f->alt_pos[c][0] + 1 : 0;
		for (int a = 0; a < f->n_alt[c]; a++) {
			int slot = f->slot_of[f->alt_pos[c][a]];
			const char *v = f->slot_have[slot] ? f->row.data + f->slot_off[slot] : "";
			if (*v) {
				f->value[c] = v;
				f->alt[c] = a;
				f->colpos[c] = f->alt_pos[c][a] + 1;
				break;
			}
		}
	}
}

static void data_row(struct csvfile *f)
{
	f->data_rows++;
	resolve_fields(f);
	f->spec->row(f);
}

/* The rows held as a possible footer turned out to be data: each goes to
 * the row handler, in order, before the current row. */
static void release_held(struct csvfile *f)
{
	struct buf saved = f->row;
	size_t n = (size_t)f->n_slots;
	size_t *off = xcalloc(n + 1, sizeof *off);
	bool *have = xcalloc(n + 1, sizeof *have);
	memcpy(off, f->slot_off, n * sizeof *off);
	memcpy(have, f->slot_have, n * sizeof *have);
	long line = f->row_line;
	bool bad = f->row_bad;
	f->row = (struct buf){0};
	for (size_t i = 0; i < f->n_held; i++) {
		struct footer_row *h = &f->held[i];
		buf_reset(&f->row);
		memset(f->slot_have, 0, n * sizeof *f->slot_have);
		f->row_line = h->line;
		f->row_bad = false;
		if (h->pos < f->n_hdr && f->slot_of[h->pos] >= 0)
			keep_value(f, h->pos, h->text, strlen(h->text));
		data_row(f);
		free(h->text);
	}
	f->n_held = 0;
	buf_free(&f->row);
	f->row = saved;
	memcpy(f->slot_off, off, n * sizeof *off);
	memcpy(f->slot_have, have, n * sizeof *have);
	free(off);
	free(have);
	f->row_line = line;
	f->row_bad = bad;
}

static void end_row(struct csvfile *f)
{
	f->since_cb = 0;
	f->rows_ended++;
	if (f->stop)
		return;
	size_t nf = f->nfields;
	f->nfields = 0;
	f->next_row_line = f->line + 1;
	if (nf == 0 || (f->all_empty && !f->row_bad && !f->row_wide)) {
		f->after_empty = f->header_done; /* an empty line, or one of empty fields (",,,") */
		return;
	}
	if (!f->header_done) {
		finish_header(f);
		return;
	}
	if (f->after_empty && f->nonempty == 1 && !f->row_wide && f->n_held < MAX_HELD) {
		GROW(f->held, f->cap_held, f->n_held + 1);
		f->held[f->n_held++] = (struct footer_row){f->row_line, f->first_pos,
							   xstrdup(buf_cstr(&f->first))};
		return;
	}
	f->after_empty = false;
	if (f->n_held)
		release_held(f);
	data_row(f);
}

static void on_row(int c, void *user)
{
	(void)c;
	end_row(user);
}

/* The held rows reached the end of the file: a report footer. */
static void keep_footer(struct csvfile *f)
{
	if (!f->n_held)
		return;
	struct model *m = f->L->m;
	const char *t = f->held[0].text;
	size_t n = strlen(t);
	if (n > FOOTER_TEXT) { /* cut at a character boundary */
		n = FOOTER_TEXT;
		while (n && ((unsigned char)t[n] & 0xC0) == 0x80)
			n--;
	}
	m->footers[f->spec->id] = (struct footer){
		.first_line = f->held[0].line, .last_line = f->held[f->n_held - 1].line,
		.text = model_strdup(m, t, n),
	};
	for (size_t i = 0; i < f->n_held; i++)
		free(f->held[i].text);
	f->n_held = 0;
}

/* ------------------------------------------------------------------------
 * Finding and reading the file
 * ---------------------------------------------------------------------- */

/* dir with glob's special characters escaped, then "/" and pattern. */
static char *glob_pattern(const char *dir, const char *pattern)
{
	struct buf b = {0};
	for (const char *p = dir; *p; p++) {
		if (strchr("*?[]\\", *p))
			buf_putc(&b, '\\');
		buf_putc(&b, *p);
	}
	buf_putc(&b, '/');
	buf_puts(&b, pattern);
	return buf_detach(&b);
}

/* The file of sp, relative to DATA, into *rel (caller frees); false when
 * there is none to read (reported when that is an error). */
static bool find_file(struct loader *L, const struct filespec *sp, char **rel)
{
	const struct file_settings *fs = &L->files[sp->id];
	const char *name = model_file_names[sp->id];
	*rel = NULL;
	if (!fs->path || !strpbrk(fs->path, "*?[")) {
		const char *r = fs->path ? fs->path : name;
		char *path = load_path(L, r);
		struct stat st;
		bool ok = stat(path, &st) == 0;
		if (!ok && errno != ENOENT)
			load_io_error(L, path, errno);
		else if (!ok && fs->path)
			load_file_err(L, sp->id, 0, 0, "no file %s in the data folder (path in "
						       "[file "
				      "%.*s], program.ini line %ld)", load_quote(r).s,
				      (int)(strchr(name, '.') - name), name, fs->line);
		else if (!ok && sp->needs_rows)
			load_file_err(L, sp->id, 0, 0, "missing required file");
		free(path);
		if (ok)
			*rel = xstrdup(r);
		return ok;
	}
	char *pattern = glob_pattern(L->dir, fs->path);
	glob_t g;
	int rc = glob(pattern, GLOB_ERR, NULL, &g);
	free(pattern);
	size_t skip = strlen(L->dir) + 1, found = 0;
	struct buf list = {0};
	for (size_t i = 0; rc == 0 && i < g.gl_pathc; i++) {
		struct stat st;
		if (stat(g.gl_pathv[i], &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		if (!found++)
			*rel = xstrdup(g.gl_pathv[i] + skip);
		if (found <= 5)
			buf_printf(&list, "%s%s", found > 1 ? ", " : "",
				   load_quote(g.gl_pathv[i] + skip).s);
	}
	if (rc == 0)
		globfree(&g);
	int n = (int)(strchr(name, '.') - name);
	if (rc == GLOB_ABORTED) {
		load_io_error(L, L->dir, errno ? errno : EIO);
	} else if (rc == GLOB_NOSPACE) {
		BUG("out of memory in glob");
	} else if (!found) {
		load_file_err(L, sp->id, 0, 0, "no file in the data folder matches path %s ([file "
			      "%.*s], program.ini line %ld)", load_quote(fs->path).s, n, name,
			      fs->line);
	} else if (found > 1) {
		load_file_err(L, sp->id, 0, 0, "path %s ([file %.*s], program.ini line %ld) "
					       "matches "
			      "%zu files, it must match one: %s%s", load_quote(fs->path).s, n, name,
			      fs->line, found, buf_cstr(&list), found > 5 ? ", ..." : "");
	}
	buf_free(&list);
	if (found != 1) {
		free(*rel);
		*rel = NULL;
	}
	return found == 1;
}

/* The decoded text on its way to libcsv: held until the header line is
 * whole when the delimiter is "auto". */
struct reader {
	struct csvfile *f;
	struct csv_parser *parser;
	char delim;             /* 0 until known */
	struct buf head;        /* text held before the delimiter is known */
	bool cr;                /* the last byte parsed was a CR */
};

struct ahead_piece;
static void parse_text(struct csvfile *f, struct csv_parser *parser, const unsigned char *q,
		       size_t n, bool *cr, const struct ahead_piece *pre);

static void feed(struct reader *r, const char *text, size_t n, bool last,
		 const struct ahead_piece *pre)
{
	if (!r->delim) {
		buf_add(&r->head, text, n);
		const char *h = buf_cstr(&r->head);
		if (!last && !memchr(h, '\n', r->head.len) && r->head.len < CHUNK)
			return;
		r->delim = decode_sniff_delimiter(h, r->head.len);
		text = h;
		n = r->head.len;
		pre = NULL; /* split ahead of a text that is not this one */
	}
	if (!r->f->delim_set) {
		csv_set_delim(r->parser, (unsigned char)r->delim);
		r->f->delim = r->delim;
		r->f->delim_set = true;
	}
	parse_text(r->f, r->parser, (const unsigned char *)text, n, &r->cr, pre);
}

/* A file the decoder could not read: where, what, and the setting to add. */
static void decode_failed(struct csvfile *f, const struct decode_error *e)
{
	struct loader *L = f->L;
	struct buf b = {0};
	decode_error_describe(e, &b);
	char sec[64];
	if (e->problem == DECODE_DOUBLE_BOM)
		buf_puts(&b, ": remove the second one (the file was converted to UTF-8 twice)");
	else if (e->suggest)
		buf_printf(&b, ": set encoding = %s in %s", e->suggest,
			   load_file_section(L, f->spec->id, sec));
	else if (e->problem == DECODE_INVALID)
		buf_printf(&b, ": the file is not %s; set its encoding in %s",
			   e->encoding, load_file_section(L, f->spec->id, sec));
	diag_add(L->errors, f->name, e->line, e->column, "%s", buf_cstr(&b));
	buf_free(&b);
}

/* The length of the line at s[0..n): the offset of its first CR or LF,
 * or n. Clears *plain when a byte before it is not printable ASCII or a
 * tab. Eight bytes at a time while none of them needs a look. */
static size_t scan_line(const unsigned char *s, size_t n, bool *plain)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	const uint64_t spaces = 0x2020202020202020u;
	*plain = true;
	size_t i = 0;
	for (;;) {
		while (i + 8 <= n) {
			uint64_t x;
			memcpy(&x, s + i, 8);
			/* a byte below 0x20 or from 0x7f */
			if (((x - spaces) & ~x & highs) | ((x | (x + ones)) & highs))
				break;
			i += 8;
		}
		size_t stop = i + 8 < n ? i + 8 : n;
		if (i == stop)
			return n;
		for (; i < stop; i++) {
			unsigned char c = s[i];
			if (c == '\n' || c == '\r')
				return i;
			if ((c < 0x20 && c != '\t') || c >= 0x7f)
				*plain = false;
		}
	}
}

static bool is_blank_in(char c, char delim)
{
	return (c == ' ' || c == '\t') && c != delim;
}

/* The first delimiter or double quote in p[0..e), or e: eight bytes at a
 * time while there is none. */
static const char *delim_or_quote(const char *p, const char *e, char delim)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	const uint64_t d = ones * (unsigned char)delim, q = ones * '"';
	for (; e - p >= 8; p += 8) {
		uint64_t x, a, b;
		memcpy(&x, p, 8);
		a = x ^ d;
		b = x ^ q;
		if (((a - ones) & ~a & highs) | ((b - ones) & ~b & highs))
			break;
	}
	while (p < e && *p != delim && *p != '"')
		p++;
	return p;
}

size_t load_split_line(const char *s, size_t n, char delim, struct span **spans, size_t *cap,
		       size_t at)
{
	const char *e = s + n, *p = s;
	size_t k = at;
	while (p < e && is_blank_in(*p, delim))
		p++;
	while (p < e) {
		const char *a = p, *z; /* the field is a .. b; z is where it ends */
		const char *b;
		if (*p == '"') {
			a = p + 1;
			b = memchr(a, '"', (size_t)(e - a));
			if (!b)
				return SIZE_MAX; /* the field goes on past the line end */
			z = b + 1;
			while (z < e && *z != delim && (*z == ' ' || *z == '\t'))
				z++;
			if (z < e && *z != delim)
				return SIZE_MAX; /* a doubled quote, or text after the closing one */
		} else {
			z = delim_or_quote(p, e, delim);
			if (z < e && *z == '"')
				return SIZE_MAX; /* a quote inside an unquoted field: libcsv refuses it */
			b = z;
			while (b > a && is_blank_in(b[-1], delim))
				b--;
		}
		if (k + 2 > *cap)
			GROW(*spans, *cap, k + 2);
		(*spans)[k++] = (struct span){(size_t)(a - s), (size_t)(b - a)};
		if (z == e)
			break;
		for (p = z + 1; p < e && is_blank_in(*p, delim);)
			p++;
		if (p == e) /* a delimiter, then nothing: an empty last field */
			(*spans)[k++] = (struct span){n, 0};
	}
	return k - at;
}

/* A whole line s[0..n), without its line end, starting a row: its fields
 * and the row's end, as libcsv would report them, without its
 * byte-by-byte copy; false, having reported nothing, when libcsv must
 * read it (see load_split_line). sp[0..k): the line's fields when split
 * ahead (k SIZE_MAX: libcsv must read it), or sp NULL. */
static bool split_line(struct csvfile *f, const char *s, size_t n, bool plain, const struct span *sp,
		       size_t k)
{
	if (!sp) {
		k = load_split_line(s, n, f->delim, &f->spans, &f->cap_spans, 0);
		sp = f->spans;
	}
	if (k == SIZE_MAX)
		return false;
	if (f->spec->ahead && f->header_done && !f->stop)
		f->spec->ahead(f, s, sp, k);
	if (plain && k && f->header_done && k <= MAX_COLUMNS && n <= MAX_FIELD)
		take_plain_row(f, s, n, sp, k);
	else
		for (size_t i = 0; i < k; i++)
			take_field(f, s + sp[i].off, sp[i].len, plain);
	end_row(f);
	f->ahead_text = NULL; /* a view into s */
	return true;
}

/* ---- reading ahead --------------------------------------------------------
 * A large file is mapped, and a second thread decodes it a piece (CHUNK
 * bytes of the file) at a time and finds the lines of each piece and their
 * fields, the work that depends on the text alone, while this thread
 * takes the rows of the pieces before. The lines of a piece are where
 * parse_text would find them: the first at the piece's start, each next
 * one after a CR or LF. parse_text uses a line's fields only where it would
 * split that line itself, so the rows, the errors and their order are
 * those of a file read without it. */

struct ahead_line {
	size_t start, end;      /* offsets in the piece's text; end: its CR or LF, or the text's end */
	size_t k;               /* fields (SIZE_MAX: none, libcsv must read it, or not a whole line) */
	size_t first;           /* its first field in spans */
	bool plain;
};

struct ahead_piece {
	const char *text;       /* a view into the mapping, or into own */
	size_t n, in_bytes;     /* the text's bytes, the file's bytes it came from */
	char *own;
	size_t cap_own;
	struct ahead_line *lines;
	size_t n_lines, cap_lines;
	struct span *spans;
	size_t n_spans, cap_spans;
	bool split;             /* lines and spans were made (the delimiter was known) */
	bool ok, last;          /* ok false: the decoder failed here, with de */
	struct decode_error de;
};

enum { AHEAD_PIECES = 4, AHEAD_MIN = 4 * CHUNK };

struct ahead {
	const unsigned char *map;
	uint64_t size, read;    /* the file's bytes, and those decoded */
	uint64_t page;          /* the size of a memory page */
	struct decoder *dec;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t changed;
	struct ahead_piece piece[AHEAD_PIECES];
	size_t made, taken;     /* pieces made and taken back so far (taken <= made) */
	uint64_t fed, let_go;   /* the file's bytes fed to the rows; those let go of */
	bool stop;              /* asked to stop */
	int delim;              /* the file's delimiter once known, 0 before */
};

/* Lines and fields of piece p's text (the thread's part of parse_text). */
static void ahead_split(struct ahead_piece *p, char delim)
{
	const unsigned char *base = (const unsigned char *)p->text, *q = base, *end = base + p->n;
	p->n_lines = p->n_spans = 0;
	while (q < end) {
		bool plain;
		const unsigned char *e = q + scan_line(q, (size_t)(end - q), &plain);
		GROW(p->lines, p->cap_lines, p->n_lines + 1);
		struct ahead_line *l = &p->lines[p->n_lines++];
		*l = (struct ahead_line){(size_t)(q - base), (size_t)(e - base), SIZE_MAX, p->n_spans, plain};
		if (e < end) {
			size_t k = load_split_line((const char *)q, (size_t)(e - q), delim, &p->spans,
						   &p->cap_spans, p->n_spans);
			if (k != SIZE_MAX && k) {
				p->n_spans += k;
				l->k = k;
			}
		}
		q = e < end ? e + 1 : end;
	}
}

static void *ahead_run(void *arg)
{
	struct ahead *a = arg;
	for (;;) {
		pthread_mutex_lock(&a->lock);
		while (!a->stop && a->made - a->taken == AHEAD_PIECES)
			pthread_cond_wait(&a->changed, &a->lock);
		bool stop = a->stop;
		char delim = (char)a->delim;
		uint64_t fed = a->fed / a->page * a->page;
		pthread_mutex_unlock(&a->lock);
		if (stop)
			return NULL;
		if (fed >= a->let_go + 64 * CHUNK) { /* nothing points into what was fed */
			madvise((void *)(a->map + a->let_go), fed - a->let_go, MADV_DONTNEED);
			a->let_go = fed;
		}
		struct ahead_piece *p = &a->piece[a->made % AHEAD_PIECES];
		const char *text;
		size_t n = a->size - a->read < CHUNK ? (size_t)(a->size - a->read) : CHUNK;
		const unsigned char *in = a->map + a->read;
		p->last = n == 0;
		p->in_bytes = n;
		p->ok = p->last ? decode_finish(a->dec, &text, &p->n, &p->de)
				: decode_feed(a->dec, in, n, &text, &p->n, &p->de);
		a->read += n;
		p->split = false;
		if (p->ok) {
			if ((const unsigned char *)text >= a->map &&
			    (const unsigned char *)text + p->n <= a->map + a->size) {
				p->text = text; /* a view into the mapping: stays */
			} else {
				GROW(p->own, p->cap_own, p->n + 1);
				if (p->n)
					memcpy(p->own, text, p->n);
				p->text = p->own;
			}
			if (delim) {
				ahead_split(p, delim);
				p->split = true;
			}
		}
		pthread_mutex_lock(&a->lock);
		a->made++;
		pthread_cond_broadcast(&a->changed);
		pthread_mutex_unlock(&a->lock);
		if (p->last || !p->ok)
			return NULL;
	}
}

/* The next piece, in file order (waits for it). */
static struct ahead_piece *ahead_take(struct ahead *a)
{
	pthread_mutex_lock(&a->lock);
	while (a->made == a->taken)
		pthread_cond_wait(&a->changed, &a->lock);
	struct ahead_piece *p = &a->piece[a->taken % AHEAD_PIECES];
	pthread_mutex_unlock(&a->lock);
	return p;
}

/* Done with the piece ahead_take gave; delim: the file's delimiter if
 * now known, for the pieces still to be split; fed: the file's bytes
 * taken so far, whose memory the thread may let go. */
static void ahead_give_back(struct ahead *a, char delim, uint64_t fed)
{
	pthread_mutex_lock(&a->lock);
	a->taken++;
	a->fed = fed;
	a->delim = (unsigned char)delim;
	pthread_cond_broadcast(&a->changed);
	pthread_mutex_unlock(&a->lock);
}

static bool ahead_start(struct ahead *a, const unsigned char *map, uint64_t size, struct decoder *dec,
			char delim)
{
	*a = (struct ahead){.map = map, .size = size, .dec = dec, .delim = (unsigned char)delim,
			    .page = (uint64_t)sysconf(_SC_PAGESIZE)};
	pthread_mutex_init(&a->lock, NULL);
	pthread_cond_init(&a->changed, NULL);
	if (pthread_create(&a->thread, NULL, ahead_run, a) == 0)
		return true;
	pthread_cond_destroy(&a->changed);
	pthread_mutex_destroy(&a->lock);
	return false;
}

static void ahead_end(struct ahead *a)
{
	pthread_mutex_lock(&a->lock);
	a->stop = true;
	pthread_cond_broadcast(&a->changed);
	pthread_mutex_unlock(&a->lock);
	pthread_join(a->thread, NULL);
	pthread_cond_destroy(&a->changed);
	pthread_mutex_destroy(&a->lock);
	for (size_t i = 0; i < AHEAD_PIECES; i++) {
		free(a->piece[i].own);
		free(a->piece[i].lines);
		free(a->piece[i].spans);
	}
}

/* Parse text one line at a time, counting lines (LF, CRLF and a CR alone
 * each end one): a whole line at the start of a row is split here unless
 * it needs libcsv (a quote in it other than around a field); any other
 * goes through libcsv (a quoted field going on past the line end, a line
 * cut by the end of the text read so far). */
static void parse_text(struct csvfile *f, struct csv_parser *parser, const unsigned char *q,
		       size_t n, bool *cr, const struct ahead_piece *pre)
{
	const unsigned char *base = q, *end = q + n;
	size_t li = 0;
	if (pre && (!pre->split || pre->text != (const char *)base || pre->n != n))
		BUG("split ahead of another text");
	while (q < end && !f->stop) {
		if (*cr && *q != '\n')
			f->line++; /* a CR alone ends a line */
		bool plain;
		const unsigned char *e;
		const struct span *sp = NULL;
		size_t k = 0;
		if (pre) { /* this line as the reading thread found it */
			if (li >= pre->n_lines || pre->lines[li].start != (size_t)(q - base))
				BUG("lines split ahead out of step");
			const struct ahead_line *l = &pre->lines[li++];
			e = base + l->end;
			plain = l->plain;
			k = l->k;
			if (k != SIZE_MAX) /* else split here: it has no field, or libcsv reads it */
				sp = pre->spans + l->first;
		} else {
			e = q + scan_line(q, (size_t)(end - q), &plain);
		}
		bool eol = e < end;
		size_t seg = (size_t)((eol ? e + 1 : end) - q);
		if (!(eol && f->row_start && split_line(f, (const char *)q, (size_t)(e - q), plain, sp, k))) {
			size_t rows = f->rows_ended;
			size_t got = csv_parse(parser, q, seg, on_field, on_row, f);
			if (got < seg && !f->stop) {
				int err = csv_error(parser);
				if (err == CSV_EPARSE)
					load_file_err(f->L, f->spec->id, f->line,
						      (long)f->nfields + 1,
						      "malformed CSV: unexpected quote character (a "
						      "field with quotes must be quoted whole, inner "
						      "quotes doubled)");
				else if (err == CSV_ENOMEM || err == CSV_ETOOBIG)
					load_file_err(f->L, f->spec->id, f->line, 0,
						      "row is too large to read");
				else
					BUG("csv_parse failed");
				f->failed = f->stop = true;
				return;
			}
			/* libcsv is between rows when the line end ended one (it can
			 * also be inside a quoted field) */
			f->row_start = eol && f->rows_ended != rows;
		}
		f->since_cb += seg;
		if (f->since_cb > (size_t)MAX_FIELD + 2 * CHUNK && !f->stop) {
			/* one field is still open after this many bytes */
			load_file_err(f->L, f->spec->id, f->nfields ? f->row_line : f->next_row_line,
				      (long)f->nfields + 1, "field is longer than 64 KiB");
			f->failed = f->stop = true;
		}
		*cr = q[seg - 1] == '\r';
		if (eol && q[seg - 1] == '\n')
			f->line++;
		q += seg;
	}
}

/* The data rows of a file of size bytes whose first got bytes held rows:
 * as many per byte, and 5% more; at most one per 8 bytes (so that rows
 * far longer further on cost no more than the memory of the file). */
static size_t rows_expected(size_t rows, size_t got, uint64_t size)
{
	double want = (double)rows * (double)size / (double)got * 1.05 + 16;
	double most = (double)size / 8 + 16;
	return (size_t)(want < most ? want : most);
}

void load_csv(struct loader *L, const struct filespec *sp)
{
	char *rel;
	if (!find_file(L, sp, &rel))
		return;
	size_t bad, len = strlen(rel);
	uint32_t cp;
	bool plain = load_utf8_valid((const unsigned char *)rel, len, &bad);
	for (size_t i = 0; plain && i < len; i++)
		plain = !diag_control_at((const unsigned char *)rel + i, len - i, &cp);
	if (!plain) {
		load_file_err(L, sp->id, 0, 0, "the name of the file %s is not plain text (invalid "
			      "UTF-8 or a control character): rename it", load_quote(rel).s);
		free(rel);
		return;
	}
	struct model *m = L->m;
	m->source[sp->id] = model_strdup(m, rel, strlen(rel));
	char *path = load_path(L, rel);
	free(rel);
	FILE *fp = fopen(path, "rb");
	if (!fp) {
		load_io_error(L, path, errno);
		free(path);
		return;
	}
	m->present[sp->id] = true;
	struct csvfile f = {.L = L, .spec = sp, .name = m->source[sp->id], .line = 1,
			    .next_row_line = 1, .row_start = true};
	struct csv_parser parser;
	if (csv_init(&parser, CSV_STRICT | CSV_APPEND_NULL | CSV_STRICT_FINI | CSV_REPALL_NL))
		BUG("csv_init failed");
	csv_set_blk_size(&parser, CHUNK); /* grow the field buffer in large steps, not 128 bytes */
	char *err = NULL;
	struct decoder *dec = decode_open(L->files[sp->id].encoding, &err);
	if (!dec)
		BUG("encoding checked in program.ini");
	struct reader r = {.f = &f, .parser = &parser, .delim = L->files[sp->id].delimiter};
	unsigned char *chunk = xmalloc(CHUNK);
	size_t n, got = 0;
	const char *text;
	size_t tn;
	struct decode_error de;
	bool ok = true;
	struct stat st;
	uint64_t size = fstat(fileno(fp), &st) == 0 && S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0;
	/* a regular file is read through a mapping (no copy into chunk), in
	 * pieces of CHUNK bytes all the same; a large one read ahead, its
	 * pages let go once read (the memory of the file is not kept) */
	uint64_t ahead_from = L->read_ahead_from ? L->read_ahead_from : AHEAD_MIN;
	const unsigned char *map = NULL;
	if (size && (size >= CHUNK || size >= ahead_from)) {
		void *p = mmap(NULL, size, PROT_READ, MAP_PRIVATE, fileno(fp), 0);
		if (p != MAP_FAILED) {
			map = p;
			madvise(p, size, MADV_SEQUENTIAL);
		}
	}
	struct ahead a;
	bool ahead = map && size >= ahead_from && ahead_start(&a, map, size, dec, r.delim);
	/* each piece: from the reading thread, or read and decoded here */
	bool finished = false; /* the decoder's last text was fed */
	while (!f.stop && ok && !finished) {
		struct ahead_piece *p = NULL;
		const struct ahead_piece *pre = NULL;
		bool last;
		if (ahead) {
			p = ahead_take(&a);
			n = p->in_bytes;
			last = p->last;
			if ((ok = p->ok)) {
				text = p->text;
				tn = p->n;
				pre = p->split ? p : NULL;
			} else {
				de = p->de;
			}
		} else {
			const unsigned char *in = chunk;
			if (map) {
				n = size - got < CHUNK ? (size_t)(size - got) : CHUNK;
				in = map + got;
			} else {
				n = fread(chunk, 1, CHUNK, fp);
			}
			last = n == 0;
			if (last && ferror(fp))
				break;
			ok = last ? decode_finish(dec, &text, &tn, &de)
				  : decode_feed(dec, in, n, &text, &tn, &de);
		}
		got += n;
		if (ok) {
			feed(&r, text, tn, last, pre);
			finished = last;
			if (!f.rows_hint && f.data_rows >= 64 && size > got)
				f.rows_hint = rows_expected(f.data_rows, got, size);
		}
		if (p)
			ahead_give_back(&a, f.delim_set ? f.delim : 0, got);
	}
	if (ahead)
		ahead_end(&a);
	if (!ok && !f.stop) {
		decode_failed(&f, &de);
		f.failed = f.stop = true;
	}
	decode_free(dec);
	if (map)
		munmap((void *)map, size);
	buf_free(&r.head);
	if (ferror(fp)) {
		load_io_error(L, path, errno ? errno : EIO);
		f.failed = f.stop = true;
	}
	fclose(fp);
	if (!f.stop && csv_fini(&parser, on_field, on_row, &f) != 0 && !f.stop) {
		load_file_err(L, sp->id, f.nfields ? f.row_line : f.next_row_line,
			      (long)f.nfields + 1, "malformed CSV: quoted field is never closed");
		f.failed = true;
	}
	csv_free(&parser);
	if (!f.stop)
		keep_footer(&f);
	if (!f.header_done && !f.failed && !L->io_error) {
		load_file_err(L, sp->id, 0, 0, "file is empty (expected a header row)");
		f.failed = true;
	} else if (f.header_done && !f.failed && !f.data_rows && sp->needs_rows) {
		load_file_err(L, sp->id, 0, 0, "no data rows");
		f.failed = true;
	}
	L->file_ok[sp->id] = !f.failed && !L->io_error;
	L->data_rows[sp->id] = f.data_rows;
	for (size_t i = 0; i < f.n_held; i++)
		free(f.held[i].text);
	free(f.held);
	free(chunk);
	free(path);
	free(f.slot_of);
	free(f.slot_off);
	free(f.slot_have);
	free(f.hdr_off);
	free(f.spans);
	buf_free(&f.hdr);
	buf_free(&f.row);
	buf_free(&f.first);
}

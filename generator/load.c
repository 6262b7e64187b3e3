/* load: reads one data folder into a struct model. Consumes program.ini
 * (parsed with inih) and the CSV files of SPEC 2 (streamed in 64 KiB
 * reads, never held whole in memory, read as libcsv reads them); produces
 * the typed model with ids interned and indexed, plus warnings. Refuses,
 * as errors naming FILE:LINE:COLUMN, the column and the value: missing
 * files and columns, malformed CSV, invalid UTF-8, bad dates, amounts and
 * enum values, duplicate ids, references to unknown partners, tiers and
 * deals, and rows whose fields contradict each other. Absurd input (a
 * field over 64 KiB, a row of more than 10,000 columns) is refused
 * without buffering it.
 *
 * This file runs the stages in order (load_ini.c for program.ini,
 * load_csv.c for each CSV file, load_rows.c for the rows of each file and
 * the checks across them), holds the helpers they share, and writes the
 * summary `check` prints. */
#include "load_private.h"

#include <glib.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* ------------------------------------------------------------------------
 * Helpers shared by the loader's files
 * ---------------------------------------------------------------------- */

bool load_utf8_valid(const unsigned char *s, size_t n, size_t *bad)
{
	for (size_t i = 0, len; i < n; i += len) {
		if (s[i] >= 0x01 && s[i] < 0x80) { /* the common case, inline */
			len = 1;
			continue;
		}
		len = s[i] ? utf8_seq_len(s + i, n - i) : 0;
		if (!len) {
			*bad = i;
			return false;
		}
	}
	return true;
}

bool load_parse_count(const char *s, int64_t *out)
{
	int64_t v = 0;
	if (!*s)
		return false;
	for (const char *p = s; *p; p++) {
		if (*p < '0' || *p > '9')
			return false;
		if (v > (INT64_MAX - (*p - '0')) / 10)
			return false;
		v = v * 10 + (*p - '0');
	}
	*out = v;
	return true;
}

struct qstr load_quote(const char *s)
{
	struct qstr q;
	size_t o = 0, shown = 0;
	bool cut = false;
	q.s[o++] = '"';
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s);
	while (n) {
		if (((*p & 0xC0) != 0x80 && shown++ == 60) || o + 12 > sizeof q.s) {
			cut = true;
			break;
		}
		uint32_t cp;
		size_t k = diag_control_at(p, n, &cp);
		if (*p == '"' || *p == '\\') {
			q.s[o++] = '\\';
			q.s[o++] = (char)*p;
		} else if (k == 1 && (cp == '\n' || cp == '\r' || cp == '\t')) {
			q.s[o++] = '\\';
			q.s[o++] = cp == '\n' ? 'n' : cp == '\r' ? 'r' : 't';
		} else if (k == 1) {
			o += (size_t)snprintf(q.s + o, 5, "\\x%02x", (unsigned)cp);
		} else if (k) {
			o += (size_t)snprintf(q.s + o, 7, "\\u%04x", (unsigned)cp);
		} else {
			q.s[o++] = (char)*p;
		}
		k = k ? k : 1;
		p += k;
		n -= k;
	}
	q.s[o++] = '"';
	if (cut) {
		memcpy(q.s + o, "...", 3);
		o += 3;
	}
	q.s[o] = 0;
	return q;
}

void load_file_err(struct loader *L, enum input_file fid, long line, long col,
		   const char *fmt, ...)
{
	struct buf b = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	diag_add(L->errors, load_file_name(L, fid), line, col, "%s", buf_cstr(&b));
	buf_free(&b);
}

void load_io_error(struct loader *L, const char *path, int err)
{
	if (L->io_error)
		return;
	struct buf b = {0};
	buf_puts(&b, "cannot read '");
	diag_put_text(&b, path);
	buf_printf(&b, "': %s", strerror(err));
	L->io_error = buf_detach(&b);
}

char *load_path(const struct loader *L, const char *name)
{
	return xasprintf("%s/%s", L->dir, name);
}

void load_put_rate(struct buf *b, int64_t num, int scale)
{
	char digits[32];
	int n = snprintf(digits, sizeof digits, "%0*lld", scale + 1, (long long)num);
	buf_add(b, digits, (size_t)(n - scale));
	if (scale) {
		buf_putc(b, '.');
		buf_add(b, digits + n - scale, (size_t)scale);
	}
}

const char *load_file_name(const struct loader *L, enum input_file fid)
{
	return L->m->source[fid] ? L->m->source[fid] : model_file_names[fid];
}

const char *load_fold(struct loader *L, const char *s, size_t n)
{
	buf_reset(&L->fold);
	bool ascii = true;
	for (size_t i = 0; i < n && ascii; i++)
		ascii = !((unsigned char)s[i] & 0x80);
	if (ascii) {
		buf_add(&L->fold, s, n);
		for (char *c = L->fold.data; c < L->fold.data + n; c++)
			*c = *c >= 'A' && *c <= 'Z' ? (char)(*c - 'A' + 'a') : *c;
	} else {
		char *g = g_utf8_casefold(s, (gssize)n);
		buf_puts(&L->fold, g);
		g_free(g);
	}
	return buf_cstr(&L->fold);
}

char *load_fold_dup(struct loader *L, const char *s)
{
	return xstrdup(load_fold(L, s, strlen(s)));
}

/* ------------------------------------------------------------------------
 * A map from strings to longs
 * ---------------------------------------------------------------------- */

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* Slot of key, or of the empty slot where it would go. */
static size_t strmap_slot(const struct strmap *m, const char *key)
{
	size_t mask = m->cap - 1;
	size_t i = str_hash(key) & mask;
	while (m->keys[i] && strcmp(m->keys[i], key))
		i = (i + 1) & mask;
	return i;
}

long strmap_get(const struct strmap *m, const char *key)
{
	if (!m->cap)
		return 0;
	size_t i = strmap_slot(m, key);
	return m->keys[i] ? m->vals[i] : 0;
}

void strmap_set(struct strmap *m, const char *key, long val)
{
	if ((m->n + 1) * 2 > m->cap) {
		struct strmap old = *m;
		m->cap = old.cap ? old.cap * 2 : 64;
		m->keys = xcalloc(m->cap, sizeof *m->keys);
		m->vals = xcalloc(m->cap, sizeof *m->vals);
		m->n = 0;
		for (size_t i = 0; i < old.cap; i++) {
			if (!old.keys[i])
				continue;
			size_t j = strmap_slot(m, old.keys[i]);
			m->keys[j] = old.keys[i];
			m->vals[j] = old.vals[i];
			m->n++;
		}
		free(old.keys);
		free(old.vals);
	}
	size_t i = strmap_slot(m, key);
	if (!m->keys[i]) {
		m->keys[i] = xstrdup(key);
		m->n++;
	}
	m->vals[i] = val;
}

void strmap_free(struct strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof *m);
}

/* ------------------------------------------------------------------------
 * Public
 * ---------------------------------------------------------------------- */

/* --skip-bad-rows may drop at most max_skipped_share of a file's rows;
 * beyond, the build stops with the file's dropped rows as errors. */
static void check_skipped_share(struct loader *L)
{
	struct model *m = L->m;
	double share = m->program.max_skipped_share;
	for (int fid = 0; fid < FILE_COUNT; fid++) {
		size_t dropped = m->dropped[fid], rows = L->data_rows[fid];
		if (!dropped || (double)dropped <= share * (double)rows)
			continue;
		const char *name = load_file_name(L, fid);
		load_file_err(L, fid, 0, 0, "--skip-bad-rows would drop %zu of its %zu rows, more "
			      "than max_skipped_share = %g allows (in [program]): fix the rows, or "
			      "raise max_skipped_share", dropped, rows, share);
		for (size_t i = 0; i < m->skipped.n; i++) {
			const struct diag *d = &m->skipped.items[i];
			if (!strcmp(d->file, name))
				diag_add(L->errors, d->file, d->line, d->column, "%s", d->message);
		}
	}
}

struct model *load_model(const char *dir, const struct load_options *opt,
			 struct diag_list *errors, char **io_error)
{
	struct loader L = {
		.m = model_new(), .skip = opt && opt->skip_bad_rows, .errors = errors,
		.read_ahead_from = opt ? opt->read_ahead_from : 0,
		.errors_at_start = errors->total, .dir = dir, .assets_ok = true, .read_csv = true,
	};
	*io_error = NULL;
	for (int fid = 0; fid < FILE_COUNT; fid++) {
		L.files[fid].decimal = '.';
		for (int c = 0; c < MAX_SCHEMA; c++)
			L.values[fid][c].star = -1;
	}
	struct stat st;
	if (stat(dir, &st) != 0)
		load_io_error(&L, dir, errno);
	else if (!S_ISDIR(st.st_mode))
		load_io_error(&L, dir, ENOTDIR);
	if (!L.io_error)
		load_ini(&L);
	for (size_t i = 0; i < load_n_files && !L.io_error && L.read_csv; i++) {
		load_csv(&L, &load_files[i]);
		load_report_unmapped(&L, load_files[i].id);
		if (L.total_over[load_files[i].id])
			load_file_err(&L, load_files[i].id, 0, 0, "amounts add up to more than "
				      "9,999,999,999,999.99, the most one file may total (passed "
				      "on "
				      "line %ld): check for a wrong amount",
				      L.total_over[load_files[i].id]);
		if (load_files[i].id == FILE_TIER_CHANGES && L.file_ok[FILE_TIER_CHANGES] &&
		    L.file_ok[FILE_PARTNERS] && L.tiers_ok)
			load_check_latest_changes(&L);
	}
	model_index_tier_changes(L.m);
	load_emit_warnings(&L);
	if (L.skip && !L.io_error)
		check_skipped_share(&L);

	load_ini_free(&L);
	load_rows_free(&L);
	buf_free(&L.fold);
	if (L.io_error) {
		*io_error = L.io_error;
		model_free(L.m);
		return NULL;
	}
	if (errors->total > L.errors_at_start) {
		model_free(L.m);
		return NULL;
	}
	return L.m;
}

char *load_summary(const struct model *m)
{
	struct buf b = {0};
	const struct program *p = &m->program;
	buf_puts(&b, "program: ");
	diag_put_text(&b, p->name);
	buf_printf(&b, " (%s)\n", p->currency);
	buf_puts(&b, "files:\n");
	for (int fid = 0; fid < FILE_COUNT; fid++) {
		const char *name = model_file_names[fid];
		if (fid == FILE_PROGRAM) {
			buf_printf(&b, "  %-17s %zu tier%s\n", name, p->n_tiers,
				   p->n_tiers == 1 ? "" : "s");
			continue;
		}
		if (!m->present[fid]) {
			buf_printf(&b, "  %-17s not present%s\n", name,
				   fid == FILE_FX ? "" : " (not measured)");
			continue;
		}
		buf_printf(&b, "  %-17s %zu row%s", name, m->rows[fid],
			   m->rows[fid] == 1 ? "" : "s");
		if (m->unknown_amounts[fid])
			buf_printf(&b, ", %zu with no amount", m->unknown_amounts[fid]);
		if (m->source[fid] && strcmp(m->source[fid], name)) {
			buf_puts(&b, ", read from ");
			diag_put_text(&b, m->source[fid]);
		}
		const struct footer *ft = &m->footers[fid];
		if (ft->first_line) {
			buf_printf(&b, "; report footer skipped, lines %ld to %ld: ",
				   ft->first_line, ft->last_line);
			diag_put_text(&b, load_quote(ft->text).s);
		}
		buf_putc(&b, '\n');
	}
	if (m->latest_deal_day != DAY_NONE) {
		char a[11], z[11], mon[8];
		date_format_iso(m->earliest_deal_day, a);
		date_format_iso(m->latest_deal_day, z);
		int period = month_of_day(m->latest_deal_day);
		month_format(period, mon);
		buf_printf(&b, "deal dates: %s to %s\n", a, z);
		buf_printf(&b, "default period: %s\n", mon);
		day_t start = month_first_day(period), end = month_last_day(period);
		buf_printf(&b, "active partners in %s by tier:\n", mon);
		size_t *count = xcalloc(p->n_tiers ? p->n_tiers : 1, sizeof *count);
		for (size_t i = 0; i < m->n_partners; i++) {
			if (!model_partner_active(m, (int)i, start, end))
				continue;
			int t = model_tier_at(m, (int)i, end);
			if (t >= 0 && (size_t)t < p->n_tiers)
				count[t]++;
		}
		for (size_t t = 0; t < p->n_tiers; t++) {
			buf_puts(&b, "  ");
			diag_put_text(&b, p->tiers[t].label);
			buf_puts(&b, " (");
			diag_put_text(&b, p->tiers[t].id);
			buf_printf(&b, ", rank %d): %zu\n", p->tiers[t].rank, count[t]);
		}
		free(count);
	} else {
		buf_puts(&b, "deal dates: none\n");
	}
	if (strcmp(p->timezone, "UTC")) {
		buf_puts(&b, "time zone of dates with a zone: ");
		diag_put_text(&b, p->timezone);
		buf_putc(&b, '\n');
	}
	if (m->n_fx)
		buf_puts(&b, "exchange rates used:\n");
	for (size_t i = 0; i < m->n_fx; i++) {
		const struct fx_use *u = &m->fx[i];
		char mon[8] = "fixed";
		if (u->month >= 0)
			month_format(u->month, mon);
		buf_printf(&b, "  %s %s: ", u->currency, mon);
		load_put_rate(&b, u->rate_num, u->rate_scale);
		buf_printf(&b, " %s per %s, %zu row%s\n", p->currency, u->currency, u->rows,
			   u->rows == 1 ? "" : "s");
	}
	buf_printf(&b, "warnings: %zu\n", m->warnings.total);
	for (size_t i = 0; i < m->warnings.n; i++) {
		char *s = diag_format(&m->warnings.items[i]);
		buf_printf(&b, "  %s\n", s);
		free(s);
	}
	if (m->skipped.total) {
		buf_printf(&b, "skipped rows: %zu\n", m->skipped.total);
		for (size_t i = 0; i < m->skipped.n; i++) {
			char *s = diag_format(&m->skipped.items[i]);
			buf_printf(&b, "  %s\n", s);
			free(s);
		}
	}
	return buf_detach(&b);
}


/* init_scan: consumes one CSV file's bytes and produces what init needs
 * to know of it (struct init_file): the encoding it reads in (UTF-8, UTF-16
 * by its byte-order mark or NUL bytes, else Windows-1252), its delimiter,
 * its header, and per column the dates, amounts, exchange rates and
 * distinct values it holds, and from them the file's date format and
 * decimal mark. Report footers are counted apart. It refuses nothing: a
 * file that is not text, is empty or starts with data sets ->problem. Also
 * reads the rows of a file again for init.c (init_read_rows). Pure:
 * buffers in, results out. */
#include "init.h"
#include "init_private.h"

#include "decode.h"
#include "field.h"
#include "util.h"

#include <csv.h>
#include <glib.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum {
	CHUNK = 1 << 16,     /* bytes decoded per step */
	MAX_KEPT = 1024,     /* bytes of a field kept; longer is no date, amount or enum */
	MAX_COLUMNS = 10000, /* columns read in one row */
	MAX_HEAD = 1 << 20,  /* bytes looked at for the header line */
	MAX_SYMBOLS = 4,     /* currencies told apart per column */
};

/* ------------------------------------------------------------------------
 * Text helpers
 * ---------------------------------------------------------------------- */

static void trim(const char **s, size_t *n)
{
	while (*n && init_is_blank((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n && init_is_blank((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* s[0..n) folded for case-insensitive comparison (Unicode simple case
 * folding through glib, as the loader folds), into out. */
void init_fold(struct buf *out, const char *s, size_t n)
{
	buf_reset(out);
	bool ascii = true;
	for (size_t i = 0; i < n && ascii; i++)
		ascii = (unsigned char)s[i] < 0x80;
	if (ascii) {
		for (size_t i = 0; i < n; i++)
			buf_putc(out, (char)(s[i] >= 'A' && s[i] <= 'Z' ? s[i] + 32 : s[i]));
	} else {
		char *g = g_utf8_casefold(s, (gssize)n);
		buf_puts(out, g);
		g_free(g);
	}
	buf_cstr(out);
}

/* Copy s[0..n) into an example buffer, cut at a character boundary. */
static void set_example(char out[INIT_EXAMPLE], const char *s, size_t n)
{
	if (n >= INIT_EXAMPLE) {
		n = INIT_EXAMPLE - 1;
		while (n && ((unsigned char)s[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(out, s, n);
	out[n] = 0;
}

/* ------------------------------------------------------------------------
 * Reading a file: decoding, delimiter, rows
 * ---------------------------------------------------------------------- */

struct reader {
	struct init_row row;
	init_row_fn fn;
	void *ctx;
	size_t index; /* rows handed out so far */
};

const char *init_row_field(const struct init_row *r, size_t i)
{
	return r->arena.data + r->f[i].off;
}

static void on_field(void *s, size_t len, void *data)
{
	struct reader *rd = data;
	struct init_row *r = &rd->row;
	if (r->n >= MAX_COLUMNS)
		return;
	const char *p = s ? s : "";
	trim(&p, &len);
	bool cut = len > MAX_KEPT;
	if (cut)
		len = MAX_KEPT;
	GROW(r->f, r->cap, r->n + 1);
	r->f[r->n++] = (struct init_field_ref){r->arena.len, len, cut};
	buf_add(&r->arena, p, len);
	buf_putc(&r->arena, 0);
}

static void on_row(int c, void *data)
{
	(void)c;
	struct reader *rd = data;
	rd->fn(rd->ctx, &rd->row, rd->index++);
	rd->row.n = 0;
	buf_reset(&rd->row.arena);
}

/* True when text[0..n) holds a line end outside double quotes. */
static bool has_line(const char *text, size_t n)
{
	bool quoted = false;
	for (size_t i = 0; i < n; i++) {
		if (text[i] == '"')
			quoted = !quoted;
		else if (!quoted && text[i] == '\n')
			return true;
	}
	return false;
}

bool init_read_rows(const unsigned char *bytes, size_t n, const char *encoding, char *delim,
		    char out_enc[16], init_row_fn fn, void *ctx, struct decode_error *e)
{
	char *err = NULL;
	struct decoder *d = decode_open(encoding, &err);
	if (!d)
		BUG("init reads only encodings it names");
	struct reader rd = {.fn = fn, .ctx = ctx};
	struct csv_parser p;
	bool started = false, ok = true;
	struct buf head = {0};
	for (size_t off = 0;; off += CHUNK) {
		bool last = off >= n;
		const char *t;
		size_t tn;
		ok = last ? decode_finish(d, &t, &tn, e)
			  : decode_feed(d, bytes + off, n - off < CHUNK ? n - off : CHUNK, &t, &tn,
					e);
		if (!ok)
			break;
		if (!started) {
			buf_add(&head, t, tn);
			if (!last && !has_line(head.data, head.len) && head.len < MAX_HEAD)
				continue;
			if (!*delim)
				*delim = decode_sniff_delimiter(head.data ? head.data : "",
								head.len);
			if (csv_init(&p, CSV_APPEND_NULL))
				BUG("csv_init failed");
			csv_set_delim(&p, (unsigned char)*delim);
			started = true;
			t = head.data;
			tn = head.len;
		}
		if (tn && csv_parse(&p, t, tn, on_field, on_row, &rd) != tn)
			BUG("csv_parse ran out of memory");
		if (last)
			break;
	}
	if (started) {
		if (ok)
			csv_fini(&p, on_field, on_row, &rd);
		csv_free(&p);
	}
	const char *r = decode_encoding(d);
	snprintf(out_enc, 16, "%s",
		 !strcasecmp(r, "UTF-8")        ? "utf-8"
		 : !strncasecmp(r, "UTF-16", 6) ? "utf-16"
						: r);
	decode_free(d);
	buf_free(&head);
	buf_free(&rd.row.arena);
	free(rd.row.f);
	return ok;
}

/* ------------------------------------------------------------------------
 * Scanning one file: what each column holds
 * ---------------------------------------------------------------------- */

struct symbol_count {
	char sym[8];
	size_t rows;
};

/* Per column, while scanning. */
struct colscan {
	bool date_ok, amount_ok, rate_ok; /* every filled value so far */
	char ex_date[INIT_EXAMPLE];   /* the first d/m/yyyy or d.m.yyyy value */
	char ex_first[INIT_EXAMPLE];  /* the first with its first number above 12 */
	char ex_second[INIT_EXAMPLE]; /* the first with its second number above 12 */
	char ex_zone[INIT_EXAMPLE];
	char ex_dot[INIT_EXAMPLE], ex_comma[INIT_EXAMPLE];
	size_t rate_dot, rate_comma;  /* rates that read only with "." / "," */
	char ex_rate_dot[INIT_EXAMPLE], ex_rate_comma[INIT_EXAMPLE];
	struct symbol_count syms[MAX_SYMBOLS];
	int n_syms;
	bool sym_overflow;
	char **keys;    /* folded value of each init_value */
	uint32_t *slot; /* hash: value index + 1, 0 = empty */
	size_t cap;
};

struct scan {
	struct init_file *f;
	struct colscan *cs;
	struct buf fold;
	bool header_like_data;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The date shape of a value: 0 not a date, 'I' ISO, '/' d/m/yyyy, '.'
 * d.m.yyyy; *a and *b are the first two numbers; *timed and *zoned say
 * whether a time and a zone follow. Valid only when field_parse_date
 * reads it. */
static char date_shape(const char *s, size_t n, int *a, int *b, bool *timed, bool *zoned)
{
	const char *p = s, *e = s + n;
	int x = 0, y = 0, k = 0;
	while (p < e && *p >= '0' && *p <= '9' && k < 5)
		x = x * 10 + (*p++ - '0'), k++;
	char shape;
	day_t day;
	const char *why;
	if (k == 4 && p < e && *p == '-') {
		shape = 'I';
		if (!field_parse_date(s, n, DATE_ISO, NULL, &day, &why))
			return 0;
		p = s + 10;
	} else if ((k == 1 || k == 2) && p < e && (*p == '/' || *p == '.')) {
		shape = *p++;
		int ky = 0;
		while (p < e && *p >= '0' && *p <= '9' && ky < 3)
			y = y * 10 + (*p++ - '0'), ky++;
		if (!ky || ky > 2)
			return 0;
		bool reads = shape == '.' ? field_parse_date(s, n, DATE_DMY_DOT, NULL, &day, &why)
					  : field_parse_date(s, n, DATE_MDY, NULL, &day, &why) ||
						    field_parse_date(s, n, DATE_DMY_SLASH, NULL,
								     &day, &why);
		if (!reads)
			return 0;
		while (p < e && *p != ' ' && *p != 'T')
			p++;
	} else {
		return 0;
	}
	*a = x;
	*b = y;
	*timed = p < e;
	*zoned = false;
	if (*timed) { /* a zone: Z, UTC, or a sign after the time's first colon */
		const char *colon = memchr(p, ':', (size_t)(e - p));
		char last = e[-1];
		*zoned = last == 'Z' || (n >= 3 && !memcmp(e - 3, "UTC", 3)) ||
			 (colon && (memchr(colon, '+', (size_t)(e - colon)) ||
				    memchr(colon, '-', (size_t)(e - colon))));
	}
	return shape;
}

static void count_symbol(struct colscan *cs, const char *sym)
{
	if (!*sym)
		return;
	for (int i = 0; i < cs->n_syms; i++)
		if (!strcmp(cs->syms[i].sym, sym)) {
			cs->syms[i].rows++;
			return;
		}
	if (cs->n_syms == MAX_SYMBOLS) {
		cs->sym_overflow = true;
		return;
	}
	snprintf(cs->syms[cs->n_syms].sym, sizeof cs->syms[0].sym, "%s", sym);
	cs->syms[cs->n_syms++].rows = 1;
}

static void forget_values(struct init_column *c, struct colscan *cs)
{
	for (size_t i = 0; i < c->n_values; i++) {
		free(c->values[i].text);
		free(cs->keys[i]);
	}
	free(c->values);
	free(cs->keys);
	free(cs->slot);
	c->values = NULL;
	cs->keys = NULL;
	cs->slot = NULL;
	c->n_values = 0;
	cs->cap = 0;
}

static void count_value(struct scan *s, struct init_column *c, struct colscan *cs, const char *v,
			size_t n, bool cut, size_t row)
{
	if (c->many_values)
		return;
	if (cut) {
		c->many_values = true;
		forget_values(c, cs);
		return;
	}
	init_fold(&s->fold, v, n);
	const char *key = buf_cstr(&s->fold);
	if (!cs->cap) {
		cs->cap = 64;
		cs->slot = xcalloc(cs->cap, sizeof *cs->slot);
	}
	size_t mask = cs->cap - 1, i = hash_str(key) & mask;
	for (; cs->slot[i]; i = (i + 1) & mask)
		if (!strcmp(cs->keys[cs->slot[i] - 1], key)) {
			c->values[cs->slot[i] - 1].rows++;
			return;
		}
	if (c->n_values == INIT_MAX_VALUES) {
		c->many_values = true;
		forget_values(c, cs);
		return;
	}
	size_t k = c->n_values++;
	c->values = xrealloc(c->values, c->n_values * sizeof *c->values);
	cs->keys = xrealloc(cs->keys, c->n_values * sizeof *cs->keys);
	c->values[k] = (struct init_value){xstrndup(v, n), 1, row};
	cs->keys[k] = xstrdup(key);
	cs->slot[i] = (uint32_t)k + 1;
	if (c->n_values * 2 > cs->cap) { /* grow: rehash */
		free(cs->slot);
		cs->cap *= 2;
		cs->slot = xcalloc(cs->cap, sizeof *cs->slot);
		mask = cs->cap - 1;
		for (size_t j = 0; j < c->n_values; j++) {
			size_t h = hash_str(cs->keys[j]) & mask;
			while (cs->slot[h])
				h = (h + 1) & mask;
			cs->slot[h] = (uint32_t)j + 1;
		}
	}
}

static void scan_value(struct scan *s, size_t col, const char *v, size_t n, bool cut, size_t row)
{
	struct init_column *c = &s->f->cols[col];
	struct colscan *cs = &s->cs[col];
	c->filled++;
	if (cs->date_ok) {
		int a, b;
		bool timed, zoned;
		char shape = cut ? 0 : date_shape(v, n, &a, &b, &timed, &zoned);
		if (!shape) {
			cs->date_ok = false;
		} else {
			c->timed += timed;
			if (zoned && !c->zoned++)
				set_example(cs->ex_zone, v, n);
			if (shape != 'I') {
				if (shape == '/')
					c->slashed++;
				else
					c->dotted++;
				if (!cs->ex_date[0])
					set_example(cs->ex_date, v, n);
				if (a > 12 && !cs->ex_first[0])
					set_example(cs->ex_first, v, n);
				if (b > 12 && !cs->ex_second[0])
					set_example(cs->ex_second, v, n);
				if (a > c->max_first)
					c->max_first = a;
				if (b > c->max_second)
					c->max_second = b;
			}
		}
	}
	if (cs->amount_ok) {
		struct field_amount am_dot, am_comma;
		const char *why;
		bool dot = !cut && field_parse_amount(v, n, '.', &am_dot, &why);
		bool comma = !cut && field_parse_amount(v, n, ',', &am_comma, &why);
		if (!dot && !comma) {
			cs->amount_ok = false;
		} else {
			if (dot && !comma && !c->dot_only++)
				set_example(cs->ex_dot, v, n);
			if (comma && !dot && !c->comma_only++)
				set_example(cs->ex_comma, v, n);
			count_symbol(cs, dot ? am_dot.currency : am_comma.currency);
		}
	}
	if (cs->rate_ok) {
		struct field_rate rate;
		const char *why;
		bool dot = !cut && field_parse_rate(v, n, '.', &rate, &why);
		bool comma = !cut && field_parse_rate(v, n, ',', &rate, &why);
		if (!dot && !comma)
			cs->rate_ok = false;
		else if (dot != comma && !(dot ? cs->rate_dot++ : cs->rate_comma++))
			set_example(dot ? cs->ex_rate_dot : cs->ex_rate_comma, v, n);
	}
	count_value(s, c, cs, v, n, cut, row);
}

static bool looks_like_value(const char *v, size_t n)
{
	int a, b;
	bool t, z;
	struct field_amount am;
	const char *why;
	return n && (date_shape(v, n, &a, &b, &t, &z) || field_parse_amount(v, n, '.', &am, &why));
}

static void scan_row(void *ctx, const struct init_row *r, size_t index)
{
	struct scan *s = ctx;
	struct init_file *f = s->f;
	if (!f->cols) { /* the header */
		size_t n = r->n ? r->n : 1, data_like = 0, filled = 0;
		f->cols = xcalloc(n, sizeof *f->cols);
		s->cs = xcalloc(n, sizeof *s->cs);
		f->n_cols = n;
		for (size_t i = 0; i < n; i++) {
			const char *v = i < r->n ? init_row_field(r, i) : "";
			f->cols[i].name = xstrdup(v);
			s->cs[i].date_ok = s->cs[i].amount_ok = s->cs[i].rate_ok = true;
			filled += *v != 0;
			data_like += looks_like_value(v, strlen(v));
		}
		s->header_like_data = filled && data_like * 2 >= filled;
		return;
	}
	(void)index;
	size_t filled = 0;
	for (size_t i = 0; i < r->n; i++)
		filled += r->f[i].len > 0;
	if (!filled)
		return;
	if (filled == 1 && f->n_cols > 1) {
		for (size_t i = 0; !f->footer_rows && i < r->n; i++)
			if (r->f[i].len)
				set_example(f->footer, init_row_field(r, i), r->f[i].len);
		f->footer_rows++;
		return;
	}
	size_t row = f->rows++;
	for (size_t i = 0; i < r->n && i < f->n_cols; i++)
		if (r->f[i].len)
			scan_value(s, i, init_row_field(r, i), r->f[i].len, r->f[i].cut, row);
}

/* By rows, descending; ties in the order first seen. */
static int cmp_values(const void *a, const void *b)
{
	const struct init_value *x = a, *y = b;
	if (x->rows != y->rows)
		return x->rows < y->rows ? 1 : -1;
	return (x->first_row > y->first_row) - (x->first_row < y->first_row);
}

/* The file's date format and decimal mark from its columns. */
static void decide_file(struct scan *s)
{
	struct init_file *f = s->f;
	size_t slashed = 0, dotted = 0;
	int max_first = 0, max_second = 0;
	const char *ex_any = NULL, *ex_first = NULL, *ex_second = NULL, *ex_slash = NULL,
		   *ex_dotted = NULL;
	bool iso = false;
	size_t dot = 0, comma = 0, rate_dot = 0, rate_comma = 0;
	const char *ex_dot = NULL, *ex_comma = NULL, *ex_rate_dot = NULL, *ex_rate_comma = NULL;
	for (size_t i = 0; i < f->n_cols; i++) {
		struct init_column *c = &f->cols[i];
		struct colscan *cs = &s->cs[i];
		c->is_date = cs->date_ok && c->filled;
		c->is_amount = cs->amount_ok && c->filled;
		c->is_rate = cs->rate_ok && c->filled;
		if (c->is_date) {
			iso |= c->slashed + c->dotted < c->filled;
			slashed += c->slashed;
			dotted += c->dotted;
			if (c->max_first > max_first)
				max_first = c->max_first;
			if (c->max_second > max_second)
				max_second = c->max_second;
			if (!ex_any && cs->ex_date[0])
				ex_any = cs->ex_date;
			if (!ex_slash && c->slashed && cs->ex_date[0])
				ex_slash = cs->ex_date;
			if (!ex_dotted && c->dotted && cs->ex_date[0])
				ex_dotted = cs->ex_date;
			if (!ex_first && cs->ex_first[0])
				ex_first = cs->ex_first;
			if (!ex_second && cs->ex_second[0])
				ex_second = cs->ex_second;
			if (c->zoned && !f->zoned) {
				f->zoned = true;
				snprintf(f->zoned_example, INIT_EXAMPLE, "%s", cs->ex_zone);
			}
		}
		if (c->is_amount) {
			dot += c->dot_only;
			comma += c->comma_only;
			if (!ex_dot && cs->ex_dot[0])
				ex_dot = cs->ex_dot;
			if (!ex_comma && cs->ex_comma[0])
				ex_comma = cs->ex_comma;
			int best = -1;
			for (int k = 0; k < cs->n_syms; k++)
				if (best < 0 || cs->syms[k].rows > cs->syms[best].rows)
					best = k;
			if (best >= 0) {
				snprintf(c->symbol, sizeof c->symbol, "%s", cs->syms[best].sym);
				c->symbol_rows = cs->syms[best].rows;
			}
			c->mixed_symbols = cs->n_syms > 1 || cs->sym_overflow;
		} else if (c->is_rate) {
			rate_dot += cs->rate_dot;
			rate_comma += cs->rate_comma;
			if (!ex_rate_dot && cs->ex_rate_dot[0])
				ex_rate_dot = cs->ex_rate_dot;
			if (!ex_rate_comma && cs->ex_rate_comma[0])
				ex_rate_comma = cs->ex_rate_comma;
		}
		if (c->n_values)
			qsort(c->values, c->n_values, sizeof *c->values, cmp_values);
	}
	const char *ex1 = NULL, *ex2 = NULL;
	if (slashed && dotted) {
		f->dates = INIT_DATES_MIXED;
		ex1 = ex_slash, ex2 = ex_dotted;
	} else if (dotted) {
		f->dates = max_second > 12 ? INIT_DATES_MIXED : INIT_DATES_FORMAT;
		f->date_format = DATE_DMY_DOT;
		ex1 = ex_second ? ex_second : ex_any;
	} else if (slashed) {
		if (max_first > 12 && max_second > 12) {
			f->dates = INIT_DATES_MIXED;
			ex1 = ex_first, ex2 = ex_second;
		} else if (max_first > 12) {
			f->dates = INIT_DATES_FORMAT;
			f->date_format = DATE_DMY_SLASH;
			ex1 = ex_first;
		} else if (max_second > 12) {
			f->dates = INIT_DATES_FORMAT;
			f->date_format = DATE_MDY;
			ex1 = ex_second;
		} else {
			f->dates = INIT_DATES_AMBIGUOUS;
			ex1 = ex_any;
		}
	} else {
		f->dates = iso ? INIT_DATES_ISO : INIT_DATES_NONE;
	}
	if (ex1)
		snprintf(f->date_example, INIT_EXAMPLE, "%s", ex1);
	if (ex2)
		snprintf(f->date_example2, INIT_EXAMPLE, "%s", ex2);
	if (!dot && !comma) { /* no amount tells: rates do ("1.0825", an fx file) */
		dot = rate_dot, comma = rate_comma;
		ex_dot = ex_rate_dot, ex_comma = ex_rate_comma;
	}
	f->decimal = dot && comma ? INIT_DECIMAL_MIXED
		     : dot        ? INIT_DECIMAL_DOT
		     : comma      ? INIT_DECIMAL_COMMA
				  : INIT_DECIMAL_NONE;
	const char *ex = f->decimal == INIT_DECIMAL_COMMA ? ex_comma : ex_dot;
	if (ex)
		snprintf(f->decimal_example, INIT_EXAMPLE, "%s", ex);
	if (f->decimal == INIT_DECIMAL_MIXED)
		snprintf(f->decimal_example, INIT_EXAMPLE, "%s", ex_comma);
}

static void free_scan_state(struct scan *s)
{
	if (!s->f)
		return;
	for (size_t i = 0; s->cs && i < s->f->n_cols; i++) {
		struct colscan *cs = &s->cs[i];
		for (size_t k = 0; k < s->f->cols[i].n_values; k++)
			free(cs->keys[k]);
		free(cs->keys);
		free(cs->slot);
	}
	free(s->cs);
	s->cs = NULL;
}

static void clear_columns(struct init_file *f)
{
	for (size_t i = 0; i < f->n_cols; i++) {
		for (size_t k = 0; k < f->cols[i].n_values; k++)
			free(f->cols[i].values[k].text);
		free(f->cols[i].values);
		free(f->cols[i].name);
	}
	free(f->cols);
	f->cols = NULL;
	f->n_cols = 0;
	f->rows = f->footer_rows = 0;
}

struct init_file *init_scan(const char *name, const void *bytes, size_t n)
{
	struct init_file *f = xcalloc(1, sizeof *f);
	f->name = xstrdup(name);
	f->bytes = bytes;
	f->n_bytes = n;
	const char *encoding = NULL;
	for (int attempt = 0; attempt < 2; attempt++) {
		struct scan s = {.f = f};
		struct decode_error e;
		f->delimiter = 0;
		bool ok = init_read_rows(bytes, n, encoding, &f->delimiter, f->encoding, scan_row,
					 &s, &e);
		if (ok && f->cols) {
			decide_file(&s);
			if (s.header_like_data)
				f->problem =
					xasprintf("its first row looks like data, not a header "
						  "(%s...)",
						  f->cols[0].name);
		} else if (ok) {
			f->problem = xstrdup("it is empty");
		}
		free_scan_state(&s);
		buf_free(&s.fold);
		if (ok)
			break;
		clear_columns(f);
		if (!attempt && e.suggest) {
			encoding = e.suggest;
			continue;
		}
		struct buf b = {0};
		buf_puts(&b, "it is not text in UTF-8, UTF-16 or Windows-1252 (line ");
		buf_printf(&b, "%ld: ", e.line);
		decode_error_describe(&e, &b);
		buf_puts(&b, ")");
		f->problem = buf_detach(&b);
		break;
	}
	return f;
}

void init_file_free(struct init_file *f)
{
	if (!f)
		return;
	clear_columns(f);
	free(f->name);
	free(f->problem);
	free(f);
}

const struct init_column *init_file_column(const struct init_file *f, const char *name)
{
	for (size_t i = 0; i < f->n_cols; i++)
		if (!strcasecmp(f->cols[i].name, name))
			return &f->cols[i];
	return NULL;
}

/* init_write: consumes a plan (init.h) and produces the text of
 * program.ini: [program] (fiscal_year_start set when the deals' fiscal
 * quarters tell it), one [tier ID] per tier, [fx], and per file
 * [file NAME], [columns NAME] and [values NAME]. Each guess is a comment
 * above its line saying what it saw; each thing left to decide is a
 * commented-out line with "?" (and a row count), so that the loader's
 * check fails until the user decides it. It refuses a plan without a file
 * of deals or partners (a BUG: the caller checks ->fatal). */
#include "init.h"
#include "init_private.h"

#include "util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *init_date_format_name(enum date_format f)
{
	return f == DATE_MDY         ? "MM/DD/YYYY"
	       : f == DATE_DMY_SLASH ? "DD/MM/YYYY"
	       : f == DATE_DMY_DOT   ? "DD.MM.YYYY"
				     : "YYYY-MM-DD";
}

/* ------------------------------------------------------------------------
 * Writing program.ini
 * ---------------------------------------------------------------------- */

/* One source value as [values] reads it back: in double quotes when it
 * holds a comma or a quote, or starts with '*' or a space. */
static void put_value(struct buf *b, const char *v)
{
	if (!strpbrk(v, ",\"") && *v != '*' && !init_is_blank((unsigned char)*v)) {
		buf_puts(b, v);
		return;
	}
	buf_putc(b, '"');
	for (; *v; v++) {
		if (*v == '"')
			buf_putc(b, '"');
		buf_putc(b, *v);
	}
	buf_putc(b, '"');
}

/* "; text" lines, each line of text after its own "; ". */
static void comment(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void comment(struct buf *b, const char *fmt, ...)
{
	struct buf t = {0};
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&t, fmt, ap);
	va_end(ap);
	const char *s = buf_cstr(&t);
	for (;;) {
		size_t n = strcspn(s, "\r\n");
		buf_puts(b, "; ");
		buf_add(b, s, n);
		buf_putc(b, '\n');
		if (!s[n])
			break;
		s += n + 1;
	}
	buf_free(&t);
}

static void write_program(struct buf *b, const struct init_plan *p)
{
	buf_puts(b, "[program]\n");
	comment(b, "your program's name, shown on every page");
	buf_puts(b, "name = Co-Sell Program\n");
	comment(b, "%s", p->currency_why);
	buf_printf(b, "currency = %s\n", p->currency);
	if (p->zoned) {
		comment(b, "%s", p->timezone_why);
		buf_puts(b, "timezone = UTC\n");
	}
	if (p->n_assets) {
		comment(b, "%s", p->assets_why);
		buf_puts(b, "enablement_assets = ");
		for (size_t i = 0; i < p->n_assets; i++)
			buf_printf(b, "%s%s", i ? ", " : "", p->assets[i]);
		buf_putc(b, '\n');
	}
	if (p->fiscal_year_start) {
		comment(b, "%s", p->fiscal_why);
		buf_printf(b, "fiscal_year_start = %d\n", p->fiscal_year_start);
		comment(b, "the months of the trailing window for decisions (default 3), the age of");
		comment(b, "a stale tier in days (default 180):");
	} else {
		if (p->fiscal_why)
			comment(b, "%s", p->fiscal_why);
		comment(b, "the month your fiscal year starts (default 1, January), the months of the");
		comment(b, "trailing window for decisions (default 3), the age of a stale tier in days");
		comment(b, "(default 180):");
		comment(b, "fiscal_year_start = 1");
	}
	comment(b, "window_months = 3");
	comment(b, "stale_tier_days = 180");
}

static void write_tiers(struct buf *b, const struct init_plan *p)
{
	for (size_t i = 0; i < p->n_tiers; i++) {
		const struct init_tier *t = &p->tiers[i];
		buf_printf(b, "\n[tier %s]\n", t->id);
		comment(b, "%zu partner%s", t->partners, t->partners == 1 ? "" : "s");
		buf_puts(b, "label = ");
		for (const char *s = t->label; *s; s++) /* a label is shown, never matched */
			buf_putc(b, *s == '\n' || *s == '\r' || *s == ';' ? ' ' : *s);
		buf_putc(b, '\n');
		comment(b, "%s", t->rank_why);
		buf_printf(b, "rank = %d\n", t->rank);
		comment(b, "%s", t->every_why);
		buf_printf(b, "review_every_days = %d\n", t->review_every_days);
	}
}

static void write_fx(struct buf *b, const struct init_plan *p)
{
	bool open = false;
	for (size_t i = 0; i < p->n_rates; i++)
		open |= !p->rates[i].from_file;
	if (!open)
		return;
	buf_puts(b, "\n[fx]\n");
	comment(b, "a fixed rate per currency, in %s per unit (or add an fx file with a rate",
		p->currency);
	comment(b, "per month: currency, month, rate); until each is set, check fails:");
	for (size_t i = 0; i < p->n_rates; i++)
		if (!p->rates[i].from_file)
			comment(b, "%s = ?   ; %s", p->rates[i].code, p->rates[i].why);
}

static void write_file(struct buf *b, const struct init_plan *p, enum init_kind k)
{
	const struct init_filemap *fm = &p->kinds[k];
	const struct init_file *f = p->files[fm->file];
	buf_printf(b, "\n[file %s]\n", init_kind_name(k));
	struct buf what = {0};
	buf_printf(&what, "\"%s\"%s%s: %zu row%s", f->name, fm->source ? ", " : "",
		   fm->source ? fm->source : "", f->rows, f->rows == 1 ? "" : "s");
	if (f->footer_rows)
		buf_printf(&what, " and %zu footer line%s, not data (\"%s\"%s)", f->footer_rows,
			   f->footer_rows == 1 ? "" : "s", f->footer, f->footer_rows > 1 ? ", ..." : "");
	comment(b, "%s", buf_cstr(&what));
	buf_free(&what);
	if (fm->also)
		comment(b, "also like it, not read: %s", fm->also);
	if (fm->path_why)
		comment(b, "%s", fm->path_why);
	buf_printf(b, "path = %s\n", fm->path);
	if (!strcmp(f->encoding, "windows-1252")) {
		comment(b, "its bytes are not UTF-8 and read as Windows-1252 (Excel's \"CSV\")");
		buf_puts(b, "encoding = windows-1252\n");
	} else if (!strcmp(f->encoding, "utf-16")) {
		comment(b, "UTF-16 text (Excel's \"Unicode text\")");
		buf_puts(b, "encoding = utf-16\n");
	}
	if (f->delimiter != ',') {
		comment(b, "the header's columns are separated by %s",
			f->delimiter == '\t'  ? "tabs"
			: f->delimiter == ';' ? "\";\""
					      : "\"|\"");
		buf_printf(b, "delimiter = %s\n",
			   f->delimiter == '\t'  ? "tab"
			   : f->delimiter == ';' ? "\";\""
						 : "|");
	}
	if (fm->date_format_set) {
		comment(b, "%s", fm->date_why);
		buf_printf(b, "date_format = %s\n", init_date_format_name(fm->date_format));
	} else if (fm->date_why) {
		comment(b, "date_format = ?   ; %s", fm->date_why);
	}
	if (fm->decimal == ',') {
		comment(b, "numbers such as \"%s\"", f->decimal_example);
		buf_puts(b, "decimal = ,\n");
	}
}

static void write_columns(struct buf *b, const struct init_plan *p, enum init_kind k)
{
	const struct init_filemap *fm = &p->kinds[k];
	const struct init_file *f = p->files[fm->file];
	bool any = false;
	for (size_t i = 0; i < fm->n_fields; i++)
		any |= !fm->fields[i].same_name &&
		       (fm->fields[i].columns || fm->fields[i].required || fm->fields[i].why);
	if (!any)
		return;
	buf_printf(b, "\n[columns %s]\n", init_kind_name(k));
	for (size_t i = 0; i < fm->n_fields; i++) {
		const struct init_field *fd = &fm->fields[i];
		if (fd->same_name)
			continue;
		if (fd->columns) {
			comment(b, "%s", fd->why);
			buf_printf(b, "%s = %s\n", fd->field, fd->columns);
		} else if (fd->why) {
			comment(b, "%s = ?   ; %s", fd->field, fd->why);
		} else if (fd->required) {
			comment(b,
				"%s = ?   ; no column of \"%s\" looks like it: name the one that holds it",
				fd->field, f->name);
		}
	}
}

static void write_values(struct buf *b, const struct init_plan *p, enum init_kind k)
{
	bool any = false;
	for (size_t e = 0; e < p->n_enums; e++)
		any |= p->enums[e].kind == k && strcmp(p->enums[e].field, "asset");
	if (!any)
		return;
	buf_printf(b, "\n[values %s]\n", init_kind_name(k));
	for (size_t e = 0; e < p->n_enums; e++) {
		const struct init_enum *en = &p->enums[e];
		if (en->kind != k || !strcmp(en->field, "asset"))
			continue;
		bool tier = strstr(en->field, "tier") != NULL;
		comment(b, "%s, from column \"%s\":", en->field, en->column);
		if (en->many_values) {
			comment(b, "more than %d distinct values: not listed", INIT_MAX_VALUES);
			continue;
		}
		/* the placed values, then one line per target, in order of rows */
		for (size_t v = 0; v < en->n_values; v++) {
			const struct init_placed *pv = &en->values[v];
			if (!pv->target)
				continue;
			const char *say = pv->rows == 1 ? "row says" : "rows say";
			if (tier)
				comment(b, "%zu %s \"%s\" -> tier %s", pv->rows, say, pv->text,
					pv->target);
			else
				comment(b, "%zu %s \"%s\" -> %s (%s)", pv->rows, say, pv->text,
					pv->target, pv->why);
		}
		for (size_t v = 0; v < en->n_values; v++) {
			const struct init_placed *pv = &en->values[v];
			if (!pv->target || !pv->needs_line)
				continue;
			bool first = true;
			for (size_t w = 0; w < v && first; w++)
				first = !(en->values[w].needs_line && en->values[w].target &&
					  !strcmp(en->values[w].target, pv->target));
			if (!first)
				continue;
			buf_printf(b, "%s.%s = ", en->field, pv->target);
			for (size_t w = v; w < en->n_values; w++) {
				const struct init_placed *o = &en->values[w];
				if (o->needs_line && o->target && !strcmp(o->target, pv->target)) {
					if (w > v)
						buf_puts(b, ", ");
					put_value(b, o->text);
				}
			}
			buf_putc(b, '\n');
		}
		bool open = false;
		for (size_t v = 0; v < en->n_values; v++)
			open |= !en->values[v].target;
		if (open)
			comment(b,
				"not placed: decide each (FIELD.VALUE = as above; * takes every value "
				"not listed):");
		for (size_t v = 0; v < en->n_values; v++) {
			const struct init_placed *pv = &en->values[v];
			if (pv->target)
				continue;
			struct buf line = {0};
			buf_printf(&line, "%s.? = ", en->field);
			put_value(&line, pv->text);
			comment(b, "%s   ; %zu row%s", buf_cstr(&line), pv->rows,
				pv->rows == 1 ? "" : "s");
			buf_free(&line);
		}
	}
}

char *init_write(const struct init_plan *p)
{
	if (p->fatal)
		BUG("init_write of a plan that failed");
	struct buf b = {0};
	comment(&b,
		"program.ini written by `reviewpack init` from the export files in this folder.");
	comment(&b, "Each guess says what it saw in a comment above it. A commented-out line");
	comment(&b, "with \"?\" is something it could not tell: decide it, and remove the \"; \".");
	comment(&b, "`reviewpack check` fails until each is decided.");
	for (size_t i = 0; i < p->n_files; i++) {
		bool used = false;
		for (int k = 0; k < INIT_N_KINDS; k++)
			used |= p->kinds[k].file == (int)i ||
				(p->kinds[k].also && strstr(p->kinds[k].also, p->files[i]->name));
		if (p->files[i]->problem)
			comment(&b, "not read: \"%s\": %s", p->files[i]->name,
				p->files[i]->problem);
		else if (!used)
			comment(&b, "not read: \"%s\": no file we know has its columns",
				p->files[i]->name);
	}
	buf_putc(&b, '\n');
	write_program(&b, p);
	write_tiers(&b, p);
	write_fx(&b, p);
	for (int k = 0; k < INIT_N_KINDS; k++) {
		if (p->kinds[k].file < 0)
			continue;
		write_file(&b, p, (enum init_kind)k);
		write_columns(&b, p, (enum init_kind)k);
		write_values(&b, p, (enum init_kind)k);
	}
	return buf_detach(&b);
}

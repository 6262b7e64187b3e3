/* pack: consumes the model, the metrics and the templates; produces the
 * month's folder (pages from Markdown templates through cmark-gfm, SVG and
 * PNG charts, metrics.json, md/, pack.eml), the stylesheet and the
 * archive, and publishes them through site.h, so that OUT never holds half
 * a month. Each file goes into the month's staging folder as soon as it
 * is made; only the email's PNG charts stay in memory until pack.eml is
 * written. Refuses a broken template or a name that resolves to nothing
 * in a default template (PACK_ERR_TEMPLATE; in a user's template it is a
 * warning on stderr) and reports any file system failure with its path
 * (PACK_ERR_IO); other months are never touched. Charts and pages are
 * made on o->jobs threads, each from the shared context (read only) and
 * its own values, and staged by the thread that made them; this thread
 * takes their messages in page order, so the output and the messages do not
 * depend on the number of threads. A partner's part of the context, of
 * metrics.json and of the partners index is made when its page needs it
 * and freed after: memory does not grow with the number of partners. */
#include "pack.h"
#include "chart.h"
#include "chartset.h"
#include "context.h"
#include "email.h"
#include "embedded.h"
#include "jsonout.h"
#include "markdown.h"
#include "pool.h"
#include "site.h"
#include "template.h"
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A file of the month as an item made it, on its way into the staging
 * folder. */
struct outfile {
	char *path;   /* relative to the month folder */
	char *data;
	size_t len;
	bool keep;    /* an email chart: kept for pack.eml once written */
};

/* A template parsed for this build, with what its partial and unresolved
 * callbacks need. */
struct tpl {
	struct pack *p;
	char *name;                 /* "index.md" */
	const char *ext;            /* of its partials: "md", "html" or "txt" */
	struct template *t;         /* NULL when it cannot be used: */
	char *err;                  /* why, reported by every page that uses it */
};

/* What one item of the build (a chart, a page, a partner's sparkline and
 * page) made, in whichever thread made it: its files (staged by that
 * thread as soon as the item is made; the email's PNGs are then kept),
 * the warnings it has to give, or its error, and a partner's object in
 * metrics.json. The build takes these in item order. */
struct result {
	struct outfile *files;
	size_t n_files, cap_files;
	struct warning {
		char *key;          /* "TEMPLATE\nNAME": each is said once per build */
		char *line;         /* what stderr says */
	} *warnings;
	size_t n_warnings, cap_warnings;
	char *err;
	int code;
	struct tpl *md, *layout;    /* a page's templates, ready before it renders */
	struct buf json;            /* a partner's: its object in metrics.json */
};

/* What a page's navigation and links need: the same for every page at one
 * depth with one current entry, made once. */
struct frame {
	json_t *month_root, *root, *nav;
};

struct pack {
	const struct model *m;
	const struct metrics *x;
	const struct pack_options *o;
	json_t *ctx;               /* the shared context: read only while pages render */
	json_t *mj;                /* metrics.json's tree without its partners */
	struct buf metrics;        /* metrics.json, each partner's object added in turn */
	char *metrics_tail;        /* what follows the partners */
	char **slugs;
	struct chartset *charts;   /* the pack's charts (the partners' sparklines
				    * are made one at a time) */
	size_t n_charts;
	struct frame partner_frame;
	struct site *site;
	struct outfile *pngs;      /* the email's charts */
	size_t n_pngs, cap_pngs;
	struct tpl **tpls;         /* each template used so far, parsed once */
	size_t n_tpls, cap_tpls;
	struct strset warned;      /* "TEMPLATE\nNAME" of each unresolved name warned about */
	char *err;
	int code;
};

/* Keep msg as the error (with its code) unless one is kept already; then
 * msg is freed. */
static void first_error(char **err, int *code, int c, char *msg)
{
	if (*err) {
		free(msg);
		return;
	}
	*err = msg;
	*code = c;
}

/* Record the build's error (the first one); returns code. */
static int fail(struct pack *p, int code, char *msg)
{
	first_error(&p->err, &p->code, code, msg);
	return code;
}

/* Record the item's error (the first one). */
static void item_fail(struct result *r, int code, char *msg)
{
	first_error(&r->err, &r->code, code, msg);
}

/* A file of the item: path and data (len bytes) become the result's. */
static void add_file(struct result *r, char *path, char *data, size_t len, bool keep)
{
	GROW(r->files, r->cap_files, r->n_files + 1);
	r->files[r->n_files++] = (struct outfile){path, data, len, keep};
}

static void add_out(struct result *r, char *path, struct buf *b, bool keep)
{
	size_t len = b->len;
	add_file(r, path, buf_detach(b), len, keep);
}

static void add_text(struct result *r, char *path, char *text)
{
	add_file(r, path, text, strlen(text), false);
}

static void result_free(struct result *r)
{
	for (size_t i = 0; i < r->n_files; i++) {
		free(r->files[i].path);
		free(r->files[i].data);
	}
	free(r->files);
	for (size_t i = 0; i < r->n_warnings; i++) {
		free(r->warnings[i].key);
		free(r->warnings[i].line);
	}
	free(r->warnings);
	free(r->err);
	buf_free(&r->json);
	*r = (struct result){0};
}

char *pack_load_template(const char *dir, const char *name, char **err)
{
	if (dir) {
		char *path = xasprintf("%s/%s", dir, name);
		char *text = NULL;
		int e = util_read_file(path, &text, NULL);
		if (!e) {
			free(path);
			return text;
		}
		if (e != ENOENT) {
			*err = xasprintf("cannot read template '%s': %s", path, strerror(e));
			free(path);
			return NULL;
		}
		free(path);
	}
	char *key = xasprintf("templates/%s", name);
	const struct embedded_file *f = embedded_find(key);
	free(key);
	if (!f) {
		*err = xasprintf("no template named \"%s\"", name);
		return NULL;
	}
	return xstrndup((const char *)f->data, f->len);
}

/* Partials: {{> name}} reads name.md in Markdown templates and name.html
 * in HTML ones, {{> name.html}} reads name.html in either (raw HTML: see
 * template.h), with the same fallback as templates. */

/* The file of partial `name`, or NULL when the name is not a plain word
 * (no paths); caller frees. */
static char *partial_file(const char *name, const char *ext)
{
	size_t len = strlen(name);
	bool html = len > 5 && !strcmp(name + len - 5, ".html");
	for (size_t i = 0; i < len - (html ? 5 : 0); i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_' && name[i] != '-')
			return NULL;
	return html ? xstrdup(name) : xasprintf("%s.%s", name, ext);
}

/* Called by the template engine from any rendering thread: reads only. */
static char *load_partial(void *ud, const char *name)
{
	const struct tpl *tp = ud;
	char *file = partial_file(name, tp->ext);
	if (!file)
		return NULL;
	char *err = NULL;
	char *text = pack_load_template(tp->p->o->templates_dir, file, &err);
	free(err);
	free(file);
	return text;
}

/* One render: its template and the result its warnings go to. */
struct render_ctx {
	const struct tpl *tp;
	struct result *r;
};

/* A variable that resolves to nothing: an error in a default template
 * (a typo would publish an empty cell), a warning on stderr, once per
 * name and template, in one of the user's (--templates). The warning is
 * given when the build takes the item's result, so that it comes in page
 * order whatever thread rendered the page. */
static int unresolved(void *ud, const char *name, const char *partial, int line)
{
	const struct render_ctx *rc = ud;
	const struct tpl *tp = rc->tp;
	struct result *r = rc->r;
	char *file = partial ? partial_file(partial, tp->ext) : xstrdup(tp->name);
	bool user = false;
	if (file && tp->p->o->templates_dir) {
		char *path = xasprintf("%s/%s", tp->p->o->templates_dir, file);
		user = access(path, F_OK) == 0;
		free(path);
	}
	if (!user) {
		free(file);
		return -1;
	}
	char *key = xasprintf("%s\n%s", file, name);
	bool seen = false;
	for (size_t i = 0; i < r->n_warnings && !seen; i++)
		seen = !strcmp(r->warnings[i].key, key);
	if (seen) {
		free(key);
	} else {
		GROW(r->warnings, r->cap_warnings, r->n_warnings + 1);
		r->warnings[r->n_warnings++] = (struct warning){
			key, xasprintf("reviewpack: warning: template %s: line %d: no value for \"%s\"; "
				       "it renders empty\n", file, line, name)};
	}
	free(file);
	return 0;
}

/* Template `name`, read and parsed once per build (in the build's
 * thread); when it cannot be used, its error is kept for each page that
 * renders it. */
static struct tpl *get_template(struct pack *p, const char *name, enum template_escape esc)
{
	for (size_t i = 0; i < p->n_tpls; i++)
		if (!strcmp(p->tpls[i]->name, name))
			return p->tpls[i];
	struct tpl *tp = xcalloc(1, sizeof *tp);
	*tp = (struct tpl){p, xstrdup(name),
			   esc == TEMPLATE_ESCAPE_MARKDOWN ? "md" : esc == TEMPLATE_ESCAPE_HTML ? "html" : "txt",
			   NULL, NULL};
	char *err = NULL;
	char *text = pack_load_template(p->o->templates_dir, name, &err);
	if (!text) {
		tp->err = err;
	} else {
		struct template_options to = {.partial = load_partial, .userdata = tp};
		tp->t = template_parse(text, esc, &to, &err);
		if (!tp->t)
			tp->err = xasprintf("template %s: %s", name, err ? err : "cannot render");
		free(err);
		free(text);
	}
	GROW(p->tpls, p->cap_tpls, p->n_tpls + 1);
	p->tpls[p->n_tpls++] = tp;
	return tp;
}

/* --- a page's own values ------------------------------------------------- */

/* What one page sets over the shared context (template.h's vars): its
 * roots, title and navigation, and what only it shows (its partner, its
 * content). The shared context is never changed while pages render. */
#define PAGE_VARS 12
struct page_scope {
	struct template_var vars[PAGE_VARS];
	size_t n;
	json_t *owned[PAGE_VARS]; /* the values made for this page */
	size_t n_owned;
};

/* Set name to a borrowed value (replacing an earlier one); returns its
 * var. */
static struct template_var *scope_set(struct page_scope *s, const char *name, const json_t *value)
{
	size_t i = 0;
	while (i < s->n && strcmp(s->vars[i].name, name))
		i++;
	if (i == PAGE_VARS)
		BUG("too many page values");
	if (i == s->n)
		s->n++;
	s->vars[i] = (struct template_var){name, value, NULL};
	return &s->vars[i];
}

/* Set name to a list made as it is rendered (list outlives the scope). */
static void scope_set_list(struct page_scope *s, const char *name, const struct template_list *list)
{
	scope_set(s, name, NULL)->list = list;
}

/* Keep a value made for the page, to free with the scope. */
static void scope_own(struct page_scope *s, json_t *value)
{
	if (s->n_owned == PAGE_VARS)
		BUG("too many page values");
	s->owned[s->n_owned++] = value;
}

/* Set name to a value made for the page (freed with the scope). */
static void scope_set_new(struct page_scope *s, const char *name, json_t *value)
{
	scope_own(s, value);
	scope_set(s, name, value);
}

static void scope_free(struct page_scope *s)
{
	for (size_t i = 0; i < s->n_owned; i++)
		json_decref(s->owned[i]);
	*s = (struct page_scope){0};
}

/* Render template tp with the shared context and the page's own values;
 * NULL on error (in r). */
static char *render(struct result *r, const struct tpl *tp, const struct page_scope *ps)
{
	if (!tp->t) {
		item_fail(r, PACK_ERR_TEMPLATE, xstrdup(tp->err));
		return NULL;
	}
	struct render_ctx rc = {tp, r};
	char *err = NULL;
	struct template_scope scope = {.root = tp->p->ctx, .vars = ps->vars, .n_vars = ps->n,
				       .unresolved = unresolved, .userdata = &rc};
	char *out = template_render_parsed(tp->t, &scope, &err);
	if (!out) {
		item_fail(r, PACK_ERR_TEMPLATE, xasprintf("template %s: %s", tp->name, err ? err : "cannot render"));
		free(err);
	}
	return out;
}

static const struct page {
	const char *template;  /* Markdown template (and md/ file) */
	const char *path;      /* output, relative to the month folder */
	const char *title;
	const char *nav;       /* nav key it highlights */
} pages[] = {
	{"index.md", "index.html", "Executive summary", "summary"},
	{"actions.md", "actions.html", "Actions", "actions"},
	{"tiers.md", "tiers.html", "Tiers", "tiers"},
	{"attribution.md", "attribution.html", "Attribution", "attribution"},
	{"governance.md", "governance.html", "Governance", "governance"},
	{"partners.md", "partners/index.html", "Partners", "partners"},
	{"data-quality.md", "data-quality.html", "Data quality", "data-quality"},
	{"glossary.md", "glossary.html", "Glossary", "glossary"},
};
#define N_PAGES (sizeof pages / sizeof pages[0])

static const struct nav_item {
	const char *key, *label, *href;
} nav_items[] = {
	{"summary", "Summary", "index.html"},
	{"actions", "Actions", "actions.html"},
	{"tiers", "Tiers", "tiers.html"},
	{"attribution", "Attribution", "attribution.html"},
	{"governance", "Governance", "governance.html"},
	{"partners", "Partners", "partners/index.html"},
	{"data-quality", "Data quality", "data-quality.html"},
	{"glossary", "Glossary", "glossary.html"},
};

/* The relative roots and navigation of a page at path, nav its current
 * entry. */
static void frame_make(struct frame *f, const char *path, const char *nav)
{
	int depth = 0;
	for (const char *s = path; *s; s++)
		depth += *s == '/';
	struct buf mr = {0};
	for (int i = 0; i < depth; i++)
		buf_puts(&mr, "../");
	char *month_root = buf_detach(&mr);
	char *root = xasprintf("../%s", month_root);
	f->month_root = json_string(month_root);
	f->root = json_string(root);
	f->nav = json_array();
	for (size_t i = 0; i < sizeof nav_items / sizeof nav_items[0]; i++) {
		json_t *it = json_object();
		char *href = xasprintf("%s%s", month_root, nav_items[i].href);
		json_object_set_new(it, "label", json_string(nav_items[i].label));
		json_object_set_new(it, "href", json_string(href));
		json_object_set_new(it, "current", json_boolean(nav && !strcmp(nav, nav_items[i].key)));
		json_array_append_new(f->nav, it);
		free(href);
	}
	free(month_root);
	free(root);
}

static void frame_free(struct frame *f)
{
	json_decref(f->month_root);
	json_decref(f->root);
	json_decref(f->nav);
}

/* The page's relative roots and navigation: shared (f), or made for it
 * (f NULL: from path and nav). */
static void page_context(struct page_scope *ps, const struct frame *f, const char *path, const char *nav)
{
	struct frame own;
	if (!f) {
		frame_make(&own, path, nav);
		scope_own(ps, own.month_root);
		scope_own(ps, own.root);
		scope_own(ps, own.nav);
		f = &own;
	}
	scope_set(ps, "month_root", f->month_root);
	scope_set(ps, "root", f->root);
	scope_set(ps, "nav", f->nav);
}

/* Markdown template md -> the page through layout, its HTML in *full and
 * its Markdown in *md_out; -1 on error (in r). */
static int render_page(struct result *r, const struct tpl *md, const struct tpl *layout,
		       struct page_scope *ps, char **md_out, char **full)
{
	*md_out = render(r, md, ps);
	if (!*md_out)
		return -1;
	char *html = markdown_to_html(*md_out, strlen(*md_out));
	/* cmark-gfm made it from validated UTF-8 (CMARK_OPT_VALIDATE_UTF8) */
	scope_set_new(ps, "content", json_stringn_nocheck(html, strlen(html)));
	free(html);
	*full = render(r, layout, ps);
	if (!*full) {
		free(*md_out);
		*md_out = NULL;
		return -1;
	}
	return 0;
}

/* The page's md/MD_NAME and its HTML at path, into r. */
static void page(struct result *r, struct page_scope *ps, const char *path, char *md_name)
{
	char *md, *full;
	if (render_page(r, r->md, r->layout, ps, &md, &full) == 0) {
		add_text(r, xasprintf("md/%s", md_name), md);
		add_text(r, xstrdup(path), full);
	}
	free(md_name);
}

/* --- charts -------------------------------------------------------------- */

/* A chart as the templates see it: plain values (file names of the light,
 * dark and narrow drawings, sizes, alt text, title, kind, facts), escaped
 * by the partials where they land. */
static json_t *chart_entry(const struct pack_chart *c, const char *svg,
			   char *const variant[CHART_VARIANTS], const char *png, const char *alt)
{
	json_t *o = json_object();
	int w, h;
	chart_size(&c->chart, &w, &h);
	json_object_set_new(o, "file", json_string(svg));
	json_object_set_new(o, "width", json_integer(w));
	json_object_set_new(o, "height", json_integer(h));
	json_object_set_new(o, "kind", json_string(c->chart.kind == CHART_SPARKLINE ? "spark" : "full"));
	json_object_set_new(o, "title", json_string(c->chart.title ? c->chart.title : ""));
	json_object_set_new(o, "alt", json_string(alt));
	/* the dark and narrow drawings (null for sparklines) */
	for (size_t v = 0; v < CHART_VARIANTS; v++)
		json_object_set_new(o, chart_variants[v].key,
				    variant[v] ? json_string(variant[v]) : json_null());
	int nw, nh;
	chart_size_for(&c->chart, CHART_SITE_NARROW, &nw, &nh);
	json_object_set_new(o, "narrow_width", json_integer(nw));
	json_object_set_new(o, "narrow_height", json_integer(nh));
	json_object_set_new(o, "facts", c->facts ? json_incref(c->facts) : json_null());
	json_object_set_new(o, "png", png ? json_string(png) : json_null());
	json_object_set_new(o, "cid", png ? json_string(c->name) : json_null());
	if (c->table)
		json_object_set_new(o, "table", json_incref(c->table));
	return o;
}

static bool email_chart(const struct pack_chart *c)
{
	return c->email;
}

/* Chart c's entry for the templates: the names of its files and its alt
 * text come from the description, before anything is drawn. */
static json_t *entry_of(const struct pack_chart *c)
{
	char *svg = xasprintf("%s.svg", c->name);
	char *variant[CHART_VARIANTS] = {NULL};
	for (size_t v = 0; v < CHART_VARIANTS && chart_has_variants(&c->chart); v++)
		variant[v] = xasprintf("%s%s.svg", c->name, chart_variants[v].suffix);
	char *png = email_chart(c) ? xasprintf("%s.png", c->name) : NULL;
	char *alt = chart_alt_text(&c->chart);
	json_t *entry = chart_entry(c, svg, variant, png, alt);
	free(alt);
	free(png);
	for (size_t v = 0; v < CHART_VARIANTS; v++)
		free(variant[v]);
	free(svg);
	return entry;
}

/* The pack's charts in the context, under "charts". */
static void chart_entries(struct pack *p)
{
	json_t *charts = json_object();
	for (size_t i = 0; i < p->charts->n; i++)
		json_object_set_new(charts, p->charts->items[i].key, entry_of(&p->charts->items[i]));
	json_object_set_new(p->ctx, "charts", charts);
}

/* Draw chart c into r: its dark and narrow drawings (none for a
 * sparkline), its PNG for the email when it has one, its light SVG. */
static void draw_chart(struct result *r, const struct pack_chart *c)
{
	struct buf svg = {0};
	char *err = NULL;
	if (chart_render_svg(&c->chart, &svg, &err) != 0) {
		item_fail(r, PACK_ERR_IO, xasprintf("cannot draw chart %s: %s", c->name, err));
		return;
	}
	for (size_t v = 0; v < CHART_VARIANTS && chart_has_variants(&c->chart); v++) {
		const struct chart_variant *cv = &chart_variants[v];
		struct buf b = {0};
		if (chart_render_svg_for(&c->chart, cv->layout, cv->theme, &b, &err) != 0) {
			item_fail(r, PACK_ERR_IO, xasprintf("cannot draw chart %s: %s", c->name, err));
			buf_free(&svg);
			return;
		}
		add_out(r, xasprintf("charts/%s%s.svg", c->name, cv->suffix), &b, false);
	}
	if (email_chart(c)) {
		struct buf png = {0};
		if (chart_render_png(&c->chart, &png, &err) != 0) {
			item_fail(r, PACK_ERR_IO, xasprintf("cannot draw chart %s: %s", c->name, err));
			buf_free(&svg);
			return;
		}
		add_out(r, xasprintf("charts/%s.png", c->name), &png, true);
	}
	add_out(r, xasprintf("charts/%s.svg", c->name), &svg, false);
}

/* --- metrics.json --------------------------------------------------------- */

/* metrics.json as jsonout writes the whole tree, made without holding
 * every partner's: the tree with an empty partners array is written first
 * and split there, and each partner's object, written on its own, is
 * indented into the array in turn. */
#define PARTNERS_KEY "\n  \"partners\": ["

static void metrics_begin(struct pack *p)
{
	struct buf text = {0};
	jsonout_dump(p->mj, &text);
	const char *at = strstr(buf_cstr(&text), PARTNERS_KEY "]");
	if (!at)
		BUG("metrics.json without its partners array");
	size_t head = (size_t)(at - text.data) + strlen(PARTNERS_KEY);
	buf_add(&p->metrics, text.data, head);
	p->metrics_tail = xstrdup(text.data + head);
	buf_free(&text);
}

/* Partner object o written into out as an item of the partners array:
 * jsonout's text of o alone, every line two levels further in. */
static void metrics_partner(struct buf *out, const json_t *o)
{
	struct buf text = {0};
	jsonout_dump(o, &text);
	buf_puts(out, "\n    ");
	for (size_t i = 0; i + 1 < text.len; i++) { /* not its final newline */
		if (text.data[i] == '\n')
			buf_puts(out, "\n    ");
		else
			buf_putc(out, text.data[i]);
	}
	buf_free(&text);
}

static int metrics_end(struct pack *p)
{
	if (p->x->n_partners)
		buf_puts(&p->metrics, "\n  ");
	buf_puts(&p->metrics, p->metrics_tail);
	char *err = NULL;
	int rc = site_add(p->site, SITE_MONTH, "metrics.json", p->metrics.data, p->metrics.len, &err);
	buf_free(&p->metrics);
	return rc ? fail(p, PACK_ERR_IO, err) : 0;
}

/* --- the items of the build ---------------------------------------------- */

/* The build is a list of items, each made on its own: the pack's charts,
 * the pages, then each partner's sparkline and page. */
enum item_kind { ITEM_CHART, ITEM_PAGE, ITEM_PARTNER };

static enum item_kind item_of(const struct pack *p, size_t i, size_t *k)
{
	if (i < p->n_charts) {
		*k = i;
		return ITEM_CHART;
	}
	if (i < p->n_charts + N_PAGES) {
		*k = i - p->n_charts;
		return ITEM_PAGE;
	}
	*k = i - p->n_charts - N_PAGES;
	return ITEM_PARTNER;
}

/* In the build's thread, before the item is made: its templates. */
static void prepare_item(void *ctx, size_t i, void *slot)
{
	struct pack *p = ctx;
	struct result *r = slot;
	size_t k;
	enum item_kind kind = item_of(p, i, &k);
	if (kind == ITEM_CHART)
		return;
	r->md = get_template(p, kind == ITEM_PAGE ? pages[k].template : "partner.md", TEMPLATE_ESCAPE_MARKDOWN);
	r->layout = get_template(p, "layout.html", TEMPLATE_ESCAPE_HTML);
}

/* The partners index's rows: "partners" in the metrics' order and
 * "partners_by_won" in the index's (window won revenue), each row made
 * when the page's section reaches it and dropped after, with its
 * sparkline's entry as "spark" (without its table). */
struct index_rows {
	const struct pack *p;
	bool by_won;
};

static json_t *index_row(void *ud, size_t i)
{
	const struct index_rows *ir = ud;
	const struct pack *p = ir->p;
	size_t k = ir->by_won ? p->x->by_won[i] : i;
	json_t *row = context_partner_row(p->m, p->x, p->slugs, k);
	struct chartset *cs = chartset_partner(p->m, p->x, p->slugs, k, false);
	json_object_set_new(row, "spark", entry_of(&cs->items[0]));
	chartset_free(cs);
	return row;
}

/* In the item's thread, once it is made: its files into the staging
 * folder (site_add takes files from several threads at once); the
 * email's PNGs are kept. */
static void stage_files(const struct pack *p, struct result *r)
{
	for (size_t f = 0; f < r->n_files; f++) {
		struct outfile *of = &r->files[f];
		char *err = NULL;
		if (!r->err && site_add(p->site, SITE_MONTH, of->path, of->data, of->len, &err) != 0)
			item_fail(r, PACK_ERR_IO, err);
		if (!of->keep || r->err) {
			free(of->data);
			of->data = NULL;
		}
	}
}

/* In any thread: make the item's files and stage them. Reads the shared
 * context, the model, the metrics and the chart descriptions; changes
 * none of them. */
static void make_item(void *ctx, size_t i, void *slot)
{
	const struct pack *p = ctx;
	struct result *r = slot;
	size_t k;
	struct page_scope ps = {0};
	switch (item_of(p, i, &k)) {
	case ITEM_CHART:
		draw_chart(r, &p->charts->items[k]);
		break;
	case ITEM_PAGE:
		page_context(&ps, NULL, pages[k].path, pages[k].nav);
		scope_set_new(&ps, "page_title", json_string(pages[k].title));
		if (!strcmp(pages[k].path, "partners/index.html")) {
			struct index_rows by_id = {p, false}, by_won = {p, true};
			struct template_list rows = {p->x->n_partners, index_row, &by_id};
			struct template_list ranked = {p->x->n_partners, index_row, &by_won};
			scope_set_list(&ps, "partners", &rows);
			scope_set_list(&ps, "partners_by_won", &ranked);
			page(r, &ps, pages[k].path, xstrdup(pages[k].template));
		} else {
			page(r, &ps, pages[k].path, xstrdup(pages[k].template));
		}
		break;
	case ITEM_PARTNER: {
		struct chartset *cs = chartset_partner(p->m, p->x, p->slugs, k, true);
		const struct pack_chart *c = &cs->items[0];
		draw_chart(r, c);
		if (!r->err) {
			json_t *mp = context_metrics_partner(p->m, p->x, k);
			metrics_partner(&r->json, mp);
			json_t *pj = context_partner(p->m, p->x, p->slugs, k, mp);
			json_object_set_new(pj, "spark", entry_of(c));
			char *path = xasprintf("partners/%s.html", p->slugs[k]);
			page_context(&ps, &p->partner_frame, path, NULL);
			scope_set(&ps, "page_title", json_object_get(pj, "name"));
			scope_set_new(&ps, "partner", pj);
			page(r, &ps, path, xasprintf("partner-%s.md", p->slugs[k]));
			free(path);
		}
		chartset_free(cs);
		break;
	}
	}
	scope_free(&ps);
	stage_files(p, r);
}

/* In the build's thread, in item order: give the item's warnings, then its
 * error, or take its part of metrics.json and its PNGs for the email. */
static int take_item(void *ctx, size_t i, void *slot)
{
	struct pack *p = ctx;
	struct result *r = slot;
	size_t k;
	if (r->json.len && item_of(p, i, &k) == ITEM_PARTNER) {
		if (k)
			buf_putc(&p->metrics, ',');
		buf_add(&p->metrics, r->json.data, r->json.len);
	}
	for (size_t w = 0; w < r->n_warnings; w++)
		if (strset_add(&p->warned, r->warnings[w].key))
			fputs(r->warnings[w].line, stderr);
	int rc = 0;
	if (r->err) {
		rc = fail(p, r->code, r->err);
		r->err = NULL;
	}
	for (size_t f = 0; !rc && f < r->n_files; f++) {
		struct outfile *of = &r->files[f];
		if (of->keep) {
			GROW(p->pngs, p->cap_pngs, p->n_pngs + 1);
			p->pngs[p->n_pngs++] = *of;
			*of = (struct outfile){0};
		}
	}
	result_free(r);
	return rc;
}

static void drop_item(void *ctx, size_t i, void *slot)
{
	(void)ctx;
	(void)i;
	result_free(slot);
}

/* Make every item on o->jobs threads. Each item's files are staged as
 * soon as it is made, by the thread that made it; its warnings,
 * error and part of metrics.json are taken in item order: the files and
 * the messages are the same whatever the number of threads, and after a
 * failure the first failing item's error is the one reported. */
static int make_items(struct pack *p)
{
	markdown_init();
	struct pool *pool = pool_new(p->o->jobs);
	if (!pool)
		return fail(p, PACK_ERR_IO, xasprintf("cannot start %d threads: %s", p->o->jobs, strerror(errno)));
	size_t n = p->n_charts + N_PAGES + p->x->n_partners;
	struct pool_job job = {
		.n = n,
		.slot_size = sizeof(struct result),
		.window = n, /* a result holds no page once made: none waits for a long one */
		.prepare = prepare_item,
		.work = make_item,
		.done = take_item,
		.drop = drop_item,
		.ctx = p,
	};
	int rc = pool_run(pool, &job);
	pool_free(pool);
	return rc;
}

/* --- email --------------------------------------------------------------- */

static int email(struct pack *p)
{
	const struct program *prog = &p->m->program;
	struct page_scope ps = {0};
	struct result r = {0};
	page_context(&ps, NULL, "index.html", NULL);
	scope_set_new(&ps, "page_title", json_string("Email"));
	scope_set(&ps, "email", json_true());
	char *text = render(&r, get_template(p, "email.txt", TEMPLATE_ESCAPE_NONE), &ps);
	char *html = text ? render(&r, get_template(p, "email.html", TEMPLATE_ESCAPE_HTML), &ps) : NULL;
	scope_free(&ps);
	int rc = take_item(p, 0, &r); /* its warnings, or its error */
	if (rc || !html) {
		free(text);
		free(html);
		return rc;
	}
	struct email_image *imgs = xcalloc(p->n_pngs + 1, sizeof *imgs);
	size_t n = 0;
	for (size_t i = 0; i < p->charts->n; i++) {
		const struct pack_chart *c = &p->charts->items[i];
		if (!email_chart(c))
			continue;
		char *path = xasprintf("charts/%s.png", c->name);
		for (size_t f = 0; f < p->n_pngs; f++)
			if (!strcmp(p->pngs[f].path, path))
				imgs[n++] = (struct email_image){c->name, p->pngs[f].path + 7,
								 (const unsigned char *)p->pngs[f].data,
								 p->pngs[f].len};
		free(path);
	}
	const char *subject = json_string_value(json_object_get(p->ctx, "email_subject"));
	const char *default_to[] = {"program-review@localhost"};
	struct email_message msg = {
		.from = prog->email_from ? prog->email_from : "reviewpack@localhost",
		.from_name = prog->email_from_name ? prog->email_from_name : prog->name,
		.to = prog->n_email_to ? (const char *const *)prog->email_to : default_to,
		.n_to = prog->n_email_to ? prog->n_email_to : 1,
		.subject = subject,
		.date = p->o->generated_at,
		.text = text,
		.html = html,
		.images = imgs,
		.n_images = n,
	};
	size_t len = 0;
	char *err = NULL;
	char *eml = email_build(&msg, &len, &err);
	free(imgs);
	free(text);
	free(html);
	if (!eml)
		return fail(p, PACK_ERR_TEMPLATE, xasprintf("cannot build pack.eml: %s", err));
	rc = site_add(p->site, SITE_MONTH, "pack.eml", eml, len, &err);
	free(eml);
	return rc ? fail(p, PACK_ERR_IO, err) : 0;
}

/* --- archive ------------------------------------------------------------- */

static int cmp_desc(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

/* The archive's sparkline of partner won revenue (chartset_archive) as a
 * chart entry whose drawing is inline (a data: URI), so the archive page
 * needs no file beside it; NULL when it cannot be drawn. */
static json_t *archive_spark(const char *cur, int last, const cents_t *won, const bool *present)
{
	struct chartset *cs = chartset_archive(cur ? cur : "USD", last, won, present);
	const struct pack_chart *c = &cs->items[0];
	struct buf svg = {0}, uri = {0};
	char *err = NULL;
	json_t *o = json_null();
	if (chart_render_svg(&c->chart, &svg, &err) == 0) {
		buf_puts(&uri, "data:image/svg+xml;base64,");
		buf_put_base64(&uri, (const unsigned char *)svg.data, svg.len, 0);
		char *alt = chart_alt_text(&c->chart);
		char *none[CHART_VARIANTS] = {NULL};
		o = chart_entry(c, buf_cstr(&uri), none, NULL, alt);
		free(alt);
	}
	buf_free(&svg);
	buf_free(&uri);
	chartset_free(cs);
	return o;
}

/* The archive page: the other months (site_months) and this one, newest
 * first. NULL on error (recorded). */
static char *archive(struct pack *p, const json_t *others, const json_t *this_month_json,
		     const char *this_month)
{
	size_t n = 0;
	const char **months = xcalloc(json_object_size(others) + 1, sizeof *months);
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)others, key, v)
		months[n++] = key;
	months[n++] = this_month;
	qsort(months, n, sizeof *months, cmp_desc);
	json_t *rows = json_array();
	/* the 12 months ending with the newest pack, for the sparkline */
	int last = 0;
	month_parse(months[0], &last);
	cents_t won[TREND_MONTHS] = {0};
	bool present[TREND_MONTHS] = {false};
	const char *cur = json_string_value(json_object_get(json_object_get(this_month_json, "program"),
							   "currency"));
	for (size_t i = 0; i < n; i++) {
		const json_t *mj = strcmp(months[i], this_month) ? json_object_get(others, months[i]) : this_month_json;
		int mo = 0, k;
		month_parse(months[i], &mo);
		k = mo - (last - (TREND_MONTHS - 1));
		if (k >= 0 && k < TREND_MONTHS)
			present[k] = context_archive_won(mj, &won[k]);
		json_array_append_new(rows, context_archive_row(months[i], mj));
	}
	free(months);
	struct page_scope ps = {0};
	struct result r = {0};
	page_context(&ps, NULL, "index.html", NULL);
	scope_set_new(&ps, "page_title", json_string("Review pack archive"));
	scope_set_new(&ps, "root", json_string(""));
	scope_set_new(&ps, "month_root", json_string(this_month));
	scope_set_new(&ps, "nav", json_array());
	scope_set_new(&ps, "archive", rows);
	scope_set_new(&ps, "archive_spark", archive_spark(cur, last, won, present));
	scope_set(&ps, "is_archive", json_true());
	char *md = NULL, *full = NULL;
	render_page(&r, get_template(p, "archive.md", TEMPLATE_ESCAPE_MARKDOWN),
		    get_template(p, "layout.html", TEMPLATE_ESCAPE_HTML), &ps, &md, &full);
	scope_free(&ps);
	free(md);
	if (take_item(p, 0, &r)) {
		free(full);
		return NULL;
	}
	return full;
}

/* --- publishing ---------------------------------------------------------- */

/* The stylesheet and the archive (made from the month folders in OUT),
 * then the month, the stylesheet and the archive renamed in. */
static int publish(struct pack *p, const char *month, const json_t *month_json)
{
	char *err = NULL;
	int rc = 0;
	for (size_t i = 0; !rc && i < embedded_count; i++) {
		const struct embedded_file *f = &embedded_files[i];
		if (!strncmp(f->name, "assets/", 7))
			rc = site_add(p->site, SITE_ASSETS, f->name + 7, f->data, f->len, &err);
	}
	json_t *months = rc ? NULL : site_months(p->site, &err);
	char *html = months ? archive(p, months, month_json, month) : NULL;
	if (html)
		rc = site_commit(p->site, html, &err);
	else if (!err)
		rc = p->code; /* the archive's template failed (recorded) */
	if (err)
		rc = fail(p, PACK_ERR_IO, err);
	free(html);
	json_decref(months);
	return rc;
}

static void progress(const struct pack *p, const char *what)
{
	if (p->o->verbose)
		fprintf(stderr, "reviewpack: %s\n", what);
}

int pack_build(const struct model *m, const struct metrics *x, const struct pack_options *o,
	       char **err)
{
	struct pack p = {.m = m, .x = x, .o = o};
	char month[8];
	month_format(x->period.month, month);
	char *serr = NULL;
	p.site = site_open(o->out_dir, month, &serr);
	if (!p.site) {
		if (err)
			*err = serr;
		else
			free(serr);
		return PACK_ERR_IO;
	}
	p.slugs = context_partner_slugs(m, x);
	p.mj = context_metrics_base(m, x);
	metrics_begin(&p);
	struct context_options co = {.generated_at = o->generated_at, .slugs = p.slugs};
	p.ctx = context_build(m, x, &co);
	p.charts = chartset_build(m, x);
	p.n_charts = p.charts->n;
	chart_entries(&p);
	frame_make(&p.partner_frame, "partners/x.html", "partners");
	progress(&p, "drawing charts and rendering pages");
	int rc = make_items(&p);
	if (!rc)
		rc = metrics_end(&p);
	if (!rc) {
		progress(&p, "writing the email edition");
		rc = email(&p);
	}
	if (!rc) {
		progress(&p, "publishing");
		rc = publish(&p, month, p.mj);
	}
	site_close(p.site);
	if (rc && err)
		*err = p.err, p.err = NULL;
	free(p.err);
	for (size_t i = 0; i < p.n_pngs; i++) {
		free(p.pngs[i].path);
		free(p.pngs[i].data);
	}
	free(p.pngs);
	for (size_t i = 0; i < p.n_tpls; i++) {
		template_free(p.tpls[i]->t);
		free(p.tpls[i]->err);
		free(p.tpls[i]->name);
		free(p.tpls[i]);
	}
	free(p.tpls);
	strset_free(&p.warned);
	frame_free(&p.partner_frame);
	chartset_free(p.charts);
	context_slugs_free(p.slugs, x->n_partners);
	json_decref(p.ctx);
	json_decref(p.mj);
	buf_free(&p.metrics);
	free(p.metrics_tail);
	return rc;
}

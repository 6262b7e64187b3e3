/* pack: consumes the model, the metrics and the templates; produces the
 * month's folder (pages from Markdown templates through cmark-gfm, SVG and
 * PNG charts, metrics.json, md/, pack.eml), the stylesheet and the
 * archive, and publishes them through site.h, so that OUT never holds half
 * a month. Refuses a broken template or a name that resolves to nothing in
 * a default template (PACK_ERR_TEMPLATE; in a user's template it is a
 * warning on stderr) and reports any file system failure with its path
 * (PACK_ERR_IO); other months are never
 * touched. */
#include "pack.h"
#include "chart.h"
#include "chartset.h"
#include "context.h"
#include "email.h"
#include "embedded.h"
#include "jsonout.h"
#include "markdown.h"
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

/* A file of the month, in memory until the whole pack is ready. */
struct outfile {
	char *path;   /* relative to the month folder */
	char *data;
	size_t len;
};

/* A template parsed for this build, with what its partial and unresolved
 * callbacks need. */
struct tpl {
	struct pack *p;
	char *name;                 /* "index.md" */
	const char *ext;            /* of its partials: "md", "html" or "txt" */
	struct template *t;
};

struct pack {
	const struct model *m;
	const struct metrics *x;
	const struct pack_options *o;
	json_t *ctx;
	char **slugs;
	struct chartset *charts;
	struct outfile *files;
	size_t n_files, cap_files;
	struct tpl **tpls;         /* each template used so far, parsed once */
	size_t n_tpls, cap_tpls;
	char **warned;             /* "TEMPLATE\nNAME" of each unresolved name warned about */
	size_t n_warned, cap_warned;
	char *err;
	int code;
};

static void add_file(struct pack *p, const char *path, char *data, size_t len)
{
	GROW(p->files, p->cap_files, p->n_files + 1);
	p->files[p->n_files++] = (struct outfile){xstrdup(path), data, len};
}

static void add_buf(struct pack *p, const char *path, struct buf *b)
{
	size_t len = b->len;
	add_file(p, path, buf_detach(b), len);
}

static int fail(struct pack *p, int code, char *msg)
{
	if (!p->err) {
		p->err = msg;
		p->code = code;
	} else {
		free(msg);
	}
	return code;
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

/* A variable that resolves to nothing: an error in a default template
 * (a typo would publish an empty cell), a warning on stderr, once per
 * name and template, in one of the user's (--templates). */
static int unresolved(void *ud, const char *name, const char *partial, int line)
{
	const struct tpl *tp = ud;
	struct pack *p = tp->p;
	char *file = partial ? partial_file(partial, tp->ext) : xstrdup(tp->name);
	bool user = false;
	if (file && p->o->templates_dir) {
		char *path = xasprintf("%s/%s", p->o->templates_dir, file);
		user = access(path, F_OK) == 0;
		free(path);
	}
	if (!user) {
		free(file);
		return -1;
	}
	char *key = xasprintf("%s\n%s", file, name);
	bool seen = false;
	for (size_t i = 0; i < p->n_warned && !seen; i++)
		seen = !strcmp(p->warned[i], key);
	if (seen) {
		free(key);
	} else {
		GROW(p->warned, p->cap_warned, p->n_warned + 1);
		p->warned[p->n_warned++] = key;
		fprintf(stderr, "reviewpack: warning: template %s: line %d: no value for \"%s\"; it renders empty\n",
			file, line, name);
	}
	free(file);
	return 0;
}

/* Template `name` parsed (once per build); NULL on error (recorded). */
static struct tpl *get_template(struct pack *p, const char *name, enum template_escape esc)
{
	for (size_t i = 0; i < p->n_tpls; i++)
		if (!strcmp(p->tpls[i]->name, name))
			return p->tpls[i];
	char *err = NULL;
	char *text = pack_load_template(p->o->templates_dir, name, &err);
	if (!text) {
		fail(p, PACK_ERR_TEMPLATE, err);
		return NULL;
	}
	struct tpl *tp = xcalloc(1, sizeof *tp);
	*tp = (struct tpl){p, xstrdup(name),
			   esc == TEMPLATE_ESCAPE_MARKDOWN ? "md" : esc == TEMPLATE_ESCAPE_HTML ? "html" : "txt", NULL};
	struct template_options to = {.partial = load_partial, .userdata = tp};
	tp->t = template_parse(text, esc, &to, &err);
	free(text);
	if (!tp->t) {
		fail(p, PACK_ERR_TEMPLATE, xasprintf("template %s: %s", name, err ? err : "cannot render"));
		free(err);
		free(tp->name);
		free(tp);
		return NULL;
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

/* Set name to a borrowed value (replacing an earlier one). */
static void scope_set(struct page_scope *s, const char *name, const json_t *value)
{
	size_t i = 0;
	while (i < s->n && strcmp(s->vars[i].name, name))
		i++;
	if (i == PAGE_VARS)
		BUG("too many page values");
	if (i == s->n)
		s->n++;
	s->vars[i] = (struct template_var){name, value};
}

/* Set name to a value made for the page (freed with the scope). */
static void scope_set_new(struct page_scope *s, const char *name, json_t *value)
{
	s->owned[s->n_owned++] = value;
	scope_set(s, name, value);
}

static void scope_free(struct page_scope *s)
{
	for (size_t i = 0; i < s->n_owned; i++)
		json_decref(s->owned[i]);
	*s = (struct page_scope){0};
}

/* Render template `name` with the context and the page's own values; NULL
 * on error (recorded). */
static char *render(struct pack *p, const char *name, enum template_escape esc, const struct page_scope *ps)
{
	struct tpl *tp = get_template(p, name, esc);
	if (!tp)
		return NULL;
	char *err = NULL;
	struct template_scope scope = {.root = p->ctx, .vars = ps->vars, .n_vars = ps->n,
				       .unresolved = unresolved, .userdata = tp};
	char *out = template_render_parsed(tp->t, &scope, &err);
	if (!out) {
		fail(p, PACK_ERR_TEMPLATE, xasprintf("template %s: %s", name, err ? err : "cannot render"));
		free(err);
	}
	return out;
}

static const struct page {
	const char *template;  /* Markdown template */
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

/* The page's relative roots, navigation and title. */
static void page_context(struct page_scope *ps, const char *path, const char *title, const char *nav)
{
	int depth = 0;
	for (const char *s = path; *s; s++)
		depth += *s == '/';
	struct buf mr = {0};
	for (int i = 0; i < depth; i++)
		buf_puts(&mr, "../");
	char *month_root = buf_detach(&mr);
	char *root = xasprintf("../%s", month_root);
	scope_set_new(ps, "month_root", json_string(month_root));
	scope_set_new(ps, "root", json_string(root));
	scope_set_new(ps, "page_title", json_string(title));
	json_t *items = json_array();
	for (size_t i = 0; i < sizeof nav_items / sizeof nav_items[0]; i++) {
		json_t *it = json_object();
		char *href = xasprintf("%s%s", month_root, nav_items[i].href);
		json_object_set_new(it, "label", json_string(nav_items[i].label));
		json_object_set_new(it, "href", json_string(href));
		json_object_set_new(it, "current", json_boolean(nav && !strcmp(nav, nav_items[i].key)));
		json_array_append_new(items, it);
		free(href);
	}
	scope_set_new(ps, "nav", items);
	free(month_root);
	free(root);
}

/* Markdown template -> the page through layout.html, its HTML in *full and
 * its Markdown in *md. */
static int render_page(struct pack *p, const char *tpl, struct page_scope *ps, char **md, char **full)
{
	*md = render(p, tpl, TEMPLATE_ESCAPE_MARKDOWN, ps);
	if (!*md)
		return p->code;
	char *html = markdown_to_html(*md, strlen(*md));
	scope_set_new(ps, "content", json_string(html));
	free(html);
	*full = render(p, "layout.html", TEMPLATE_ESCAPE_HTML, ps);
	if (!*full) {
		free(*md);
		*md = NULL;
		return p->code;
	}
	return 0;
}

/* Markdown template -> md/NAME.md and the page through layout.html. */
static int page(struct pack *p, const char *tpl, const char *path, const char *md_name, struct page_scope *ps)
{
	char *md, *full;
	if (render_page(p, tpl, ps, &md, &full))
		return p->code;
	char *mdpath = xasprintf("md/%s", md_name);
	add_file(p, mdpath, md, strlen(md));
	add_file(p, path, full, strlen(full));
	free(mdpath);
	return 0;
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
	json_object_set_new(o, "table", json_incref(c->table));
	return o;
}

/* The chart's dark and narrow drawings beside its light one (none for a
 * sparkline); names[v] gets each file's name. */
static int draw_variants(struct pack *p, const struct pack_chart *c, char *names[CHART_VARIANTS])
{
	if (!chart_has_variants(&c->chart))
		return 0;
	for (size_t v = 0; v < CHART_VARIANTS; v++) {
		const struct chart_variant *cv = &chart_variants[v];
		struct buf b = {0};
		char *err = NULL;
		if (chart_render_svg_for(&c->chart, cv->layout, cv->theme, &b, &err) != 0)
			return fail(p, PACK_ERR_IO, xasprintf("cannot draw chart %s: %s", c->name, err));
		names[v] = xasprintf("%s%s.svg", c->name, cv->suffix);
		char *path = xasprintf("charts/%s", names[v]);
		add_buf(p, path, &b);
		free(path);
	}
	return 0;
}

static void free_names(char *names[CHART_VARIANTS])
{
	for (size_t v = 0; v < CHART_VARIANTS; v++)
		free(names[v]);
}

static bool email_chart(const struct pack_chart *c)
{
	return c->email;
}

static int draw_charts(struct pack *p)
{
	json_t *charts = json_object();
	json_t *partners = json_object_get(p->ctx, "partners");
	for (size_t i = 0; i < p->charts->n; i++) {
		const struct pack_chart *c = &p->charts->items[i];
		struct buf svg = {0}, png = {0};
		char *err = NULL;
		if (chart_render_svg(&c->chart, &svg, &err) != 0) {
			json_decref(charts);
			return fail(p, PACK_ERR_IO, xasprintf("cannot draw chart %s: %s", c->name, err));
		}
		char *svg_name = xasprintf("%s.svg", c->name);
		char *png_name = NULL, *variant[CHART_VARIANTS] = {NULL};
		if (draw_variants(p, c, variant) != 0) {
			free_names(variant);
			free(svg_name);
			buf_free(&svg);
			json_decref(charts);
			return p->code;
		}
		if (email_chart(c)) {
			if (chart_render_png(&c->chart, &png, &err) != 0) {
				free(svg_name);
				free_names(variant);
				buf_free(&svg);
				json_decref(charts);
				return fail(p, PACK_ERR_IO, xasprintf("cannot draw chart %s: %s", c->name, err));
			}
			png_name = xasprintf("%s.png", c->name);
			char *path = xasprintf("charts/%s", png_name);
			add_buf(p, path, &png);
			free(path);
		}
		char *path = xasprintf("charts/%s", svg_name);
		add_buf(p, path, &svg);
		free(path);
		char *alt = chart_alt_text(&c->chart);
		if (c->partner >= 0) {
			json_object_set_new(json_array_get(partners, (size_t)c->partner), "spark",
					    chart_entry(c, svg_name, variant, png_name, alt));
		} else {
			json_object_set_new(charts, c->key, chart_entry(c, svg_name, variant, png_name, alt));
		}
		free(alt);
		free(svg_name);
		free_names(variant);
		free(png_name);
	}
	json_object_set_new(p->ctx, "charts", charts);
	return 0;
}

/* --- email --------------------------------------------------------------- */

static int email(struct pack *p)
{
	const struct program *prog = &p->m->program;
	struct page_scope ps = {0};
	page_context(&ps, "index.html", "Email", NULL);
	scope_set(&ps, "email", json_true());
	char *text = render(p, "email.txt", TEMPLATE_ESCAPE_NONE, &ps);
	char *html = text ? render(p, "email.html", TEMPLATE_ESCAPE_HTML, &ps) : NULL;
	scope_free(&ps);
	if (!html) {
		free(text);
		return p->code;
	}
	struct email_image *imgs = xcalloc(p->n_files + 1, sizeof *imgs);
	size_t n = 0;
	for (size_t i = 0; i < p->charts->n; i++) {
		const struct pack_chart *c = &p->charts->items[i];
		if (!email_chart(c))
			continue;
		char *path = xasprintf("charts/%s.png", c->name);
		for (size_t f = 0; f < p->n_files; f++)
			if (!strcmp(p->files[f].path, path))
				imgs[n++] = (struct email_image){c->name, p->files[f].path + 7,
								 (const unsigned char *)p->files[f].data,
								 p->files[f].len};
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
	add_file(p, "pack.eml", eml, len);
	return 0;
}

/* --- archive ------------------------------------------------------------- */

static int cmp_desc(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

/* The archive's sparkline of partner won revenue (chartset_archive) as a
 * chart entry whose drawing is inline (a data: URI), so the archive page
 * needs no file beside it; NULL when it cannot be drawn. */
static json_t *archive_spark(struct pack *p, const char *cur, int last, const cents_t *won,
			     const bool *present)
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
	(void)p;
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
	page_context(&ps, "index.html", "Review pack archive", NULL);
	scope_set_new(&ps, "root", json_string(""));
	scope_set_new(&ps, "month_root", json_string(this_month));
	scope_set_new(&ps, "nav", json_array());
	scope_set_new(&ps, "archive", rows);
	scope_set_new(&ps, "archive_spark", archive_spark(p, cur, last, won, present));
	scope_set(&ps, "is_archive", json_true());
	char *md = NULL, *full = NULL;
	render_page(p, "archive.md", &ps, &md, &full);
	scope_free(&ps);
	free(md);
	return full;
}

/* --- publishing ---------------------------------------------------------- */

/* Publish the month's files, the stylesheet and the archive (made from the
 * month folders in OUT once the site is locked) into OUT. */
static int publish(struct pack *p, const char *month, const json_t *month_json)
{
	char *err = NULL;
	struct site *s = site_open(p->o->out_dir, month, &err);
	int rc = s ? 0 : -1;
	for (size_t i = 0; !rc && i < p->n_files; i++)
		rc = site_add(s, SITE_MONTH, p->files[i].path, p->files[i].data, p->files[i].len, &err);
	for (size_t i = 0; !rc && i < embedded_count; i++) {
		const struct embedded_file *f = &embedded_files[i];
		if (!strncmp(f->name, "assets/", 7))
			rc = site_add(s, SITE_ASSETS, f->name + 7, f->data, f->len, &err);
	}
	json_t *months = rc ? NULL : site_months(s, &err);
	char *html = months ? archive(p, months, month_json, month) : NULL;
	if (html)
		rc = site_commit(s, html, &err);
	else if (!err)
		rc = p->code; /* the archive's template failed (recorded) */
	if (err)
		rc = fail(p, PACK_ERR_IO, err);
	free(html);
	json_decref(months);
	site_close(s);
	return rc;
}

static void progress(const struct pack *p, const char *what)
{
	if (p->o->verbose)
		fprintf(stderr, "reviewpack: %s\n", what);
}

/* The partners' page slugs, as the context computed them once. */
static char **ctx_slugs(const json_t *ctx, size_t n)
{
	const json_t *partners = json_object_get(ctx, "partners");
	char **slugs = xcalloc(n + 1, sizeof *slugs);
	for (size_t i = 0; i < n; i++) {
		const char *s = json_string_value(json_object_get(json_array_get(partners, i), "slug"));
		if (!s)
			BUG("a partner without a slug in the context");
		slugs[i] = xstrdup(s);
	}
	return slugs;
}

int pack_build(const struct model *m, const struct metrics *x, const struct pack_options *o,
	       char **err)
{
	struct pack p = {.m = m, .x = x, .o = o};
	struct context_options co = {.generated_at = o->generated_at};
	char month[8];
	month_format(x->period.month, month);
	json_t *mj = context_metrics_json(m, x);
	struct buf json = {0};
	jsonout_dump(mj, &json);
	add_buf(&p, "metrics.json", &json);

	p.ctx = context_build(m, x, &co);
	p.slugs = ctx_slugs(p.ctx, x->n_partners);
	progress(&p, "drawing charts");
	p.charts = chartset_build(m, x, p.slugs);
	int rc = draw_charts(&p);
	progress(&p, "rendering pages");
	for (size_t i = 0; !rc && i < sizeof pages / sizeof pages[0]; i++) {
		struct page_scope ps = {0};
		page_context(&ps, pages[i].path, pages[i].title, pages[i].nav);
		rc = page(&p, pages[i].template, pages[i].path, pages[i].template, &ps);
		scope_free(&ps);
	}
	json_t *partners = json_object_get(p.ctx, "partners");
	for (size_t i = 0; !rc && i < x->n_partners; i++) {
		char *path = xasprintf("partners/%s.html", p.slugs[i]);
		char *md_name = xasprintf("partner-%s.md", p.slugs[i]);
		json_t *pj = json_array_get(partners, i);
		const char *name = json_string_value(json_object_get(pj, "name"));
		struct page_scope ps = {0};
		page_context(&ps, path, name, "partners");
		scope_set(&ps, "partner", pj);
		rc = page(&p, "partner.md", path, md_name, &ps);
		scope_free(&ps);
		free(path);
		free(md_name);
	}
	if (!rc) {
		progress(&p, "writing the email edition");
		rc = email(&p);
	}
	if (!rc) {
		progress(&p, "publishing");
		rc = publish(&p, month, mj);
	}
	if (rc && err)
		*err = p.err, p.err = NULL;
	free(p.err);
	for (size_t i = 0; i < p.n_files; i++) {
		free(p.files[i].path);
		free(p.files[i].data);
	}
	free(p.files);
	for (size_t i = 0; i < p.n_tpls; i++) {
		template_free(p.tpls[i]->t);
		free(p.tpls[i]->name);
		free(p.tpls[i]);
	}
	free(p.tpls);
	for (size_t i = 0; i < p.n_warned; i++)
		free(p.warned[i]);
	free(p.warned);
	chartset_free(p.charts);
	context_slugs_free(p.slugs, x->n_partners);
	json_decref(p.ctx);
	json_decref(mj);
	return rc;
}

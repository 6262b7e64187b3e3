/* pack: writes a month's review pack into the site folder and publishes it
 * safely (SPEC 6): pages, charts, metrics.json, md/, pack.eml in
 * OUT/YYYY-MM/, the stylesheet in OUT/assets/, and the archive
 * OUT/index.html. Everything is built beside its final place and renamed
 * in, holding OUT's lock (site.h); a failure leaves every month, the
 * stylesheet and the archive as they were. */
#ifndef REVIEWPACK_PACK_H
#define REVIEWPACK_PACK_H

#include <stdbool.h>
#include <stdint.h>

#include "metrics.h"
#include "model.h"

struct pack_options {
	const char *out_dir;        /* the site folder, created when missing */
	const char *templates_dir;  /* user templates overriding the defaults, or NULL */
	int64_t generated_at;       /* unix seconds shown as "generated" and in the Date header */
	bool verbose;               /* progress lines on stderr */
	int jobs;                   /* threads making charts and pages (< 1: 1); the
				     * output is the same for any number */
};

enum pack_error { PACK_OK = 0, PACK_ERR_TEMPLATE = 1, PACK_ERR_IO = 3 };

/* Build and publish the pack of x->period. Returns PACK_OK, or an error
 * with *err set (caller frees): PACK_ERR_TEMPLATE for a template that
 * cannot be read or rendered, PACK_ERR_IO for a file system failure. */
int pack_build(const struct model *m, const struct metrics *x, const struct pack_options *o,
	       char **err);

/* Read a template by file name ("index.md"): from templates_dir when it
 * has it, else the default. Returns a new string (caller frees) or NULL
 * with *err set when a user template cannot be read or there is no such
 * template. */
char *pack_load_template(const char *templates_dir, const char *name, char **err);

#endif

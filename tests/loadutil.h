/* loadutil: what the loader's unit tests share: small data folders
 * written into a temporary directory, loading them, and checking errors
 * as their exact "FILE:LINE:COLUMN: message" text. */
#ifndef REVIEWPACK_LOADUTIL_H
#define REVIEWPACK_LOADUTIL_H

#include "testutil.h"

#include "diag.h"
#include "load.h"
#include "model.h"
#include "util.h"

#include <stdbool.h>
#include <sys/stat.h>

/* ---- data folders -------------------------------------------------------- */

/* Two tiers: top (rank 1, weekly) and rest (rank 2, monthly). */
#define TEST_TIERS                                                                         \
	"\n"                                                                              \
	"[tier top]\n"                                                                    \
	"rank = 1\n"                                                                      \
	"review_every_days = 7\n"                                                         \
	"\n"                                                                              \
	"[tier rest]\n"                                                                   \
	"label = Rest\n"                                                                  \
	"rank = 2\n"                                                                      \
	"review_every_days = 30\n"

static const char *const INI __attribute__((unused)) =
	"[program]\n"
	"name = Test Program\n" TEST_TIERS;

static const char *const PARTNERS __attribute__((unused)) =
	"partner_id,name,tier,manager,overlap_accounts,joined_on,exited_on\n"
	"p1,Acme,top,Ann,10,2025-01-01,\n"
	"p2,Beta,rest,Bob,,2025-02-01,2026-06-30\n";

static const char *const DEAL_HEADER __attribute__((unused)) =
	"deal_id,partner_id,account,owner,created_on,closed_on,outcome,amount,attribution,stage\n";

static const char *const DEALS __attribute__((unused)) =
	"deal_id,partner_id,account,owner,created_on,closed_on,outcome,amount,attribution,stage\n"
	"d1,p1,A,Ann,2026-01-10,2026-02-01,won,12500.50,sourced,\n"
	"d2,,B,Dan,2026-01-15,,open,100,,Proposal\n"
	"d3,p2,C,Ann,2026-02-01,2026-03-05,lost,0.01,influenced,\n";

/* INI with --skip-bad-rows allowed to drop any share of a file's rows:
 * for the tests of dropping itself, not of its guard. */
static const char *const INI_SKIP_ANY __attribute__((unused)) =
	"[program]\n"
	"name = Test Program\n"
	"max_skipped_share = 1\n" TEST_TIERS;

/* Leave a file out of the folder. */
static const char MISSING[] __attribute__((unused)) = "(missing)";

/* A folder with program.ini, partners.csv and deals.csv (NULL = the
 * defaults above, MISSING = not written) and then NAME, TEXT pairs up to
 * a NULL name. Caller frees the path. */
static inline char *folder(const char *ini, const char *partners, const char *deals, ...)
{
	char *dir = test_tempdir();
	assert_non_null(dir);
	const char *names[] = {"program.ini", "partners.csv", "deals.csv"};
	const char *texts[] = {ini ? ini : INI, partners ? partners : PARTNERS,
			       deals ? deals : DEALS};
	for (int i = 0; i < 3; i++)
		if (texts[i] != MISSING)
			assert_int_equal(test_write(dir, names[i], texts[i]), 0);
	va_list ap;
	va_start(ap, deals);
	const char *name;
	while ((name = va_arg(ap, const char *))) {
		const char *text = va_arg(ap, const char *);
		assert_int_equal(test_write(dir, name, text), 0);
	}
	va_end(ap);
	return dir;
}

struct run {
	char *dir;
	struct model *m;
	struct diag_list errors;
	char *io;
};

static inline struct run load(char *dir, bool skip)
{
	struct run r = {.dir = dir};
	struct load_options o = {.skip_bad_rows = skip};
	r.m = load_model(dir, &o, &r.errors, &r.io);
	return r;
}

static inline void done(struct run *r)
{
	model_free(r->m);
	diag_clear(&r->errors);
	free(r->io);
	util_remove_tree(r->dir);
	free(r->dir);
}

static inline void dump(const char *what, const struct diag_list *l)
{
	fprintf(stderr, "%s (%zu):\n", what, l->total);
	for (size_t i = 0; i < l->n; i++) {
		char *s = diag_format(&l->items[i]);
		fprintf(stderr, "  %s\n", s);
		free(s);
	}
}

static inline bool has(const struct diag_list *l, const char *want)
{
	for (size_t i = 0; i < l->n; i++) {
		char *s = diag_format(&l->items[i]);
		bool same = !strcmp(s, want);
		free(s);
		if (same)
			return true;
	}
	return false;
}

/* The list holds this exact entry. */
static inline void expect(const struct diag_list *l, const char *want)
{
	if (!has(l, want)) {
		dump("entries", l);
		fail_msg("missing: %s", want);
	}
}

/* The load succeeded with no errors. */
static inline void expect_clean(const struct run *r)
{
	if (r->io)
		fail_msg("io error: %s", r->io);
	if (r->errors.total) {
		dump("errors", &r->errors);
		fail_msg("unexpected errors");
	}
	assert_non_null(r->m);
}

/* The load failed with exactly these errors, in this order. */
static inline void expect_errors(const struct run *r, size_t n, const char *const *want)
{
	assert_null(r->io);
	assert_null(r->m);
	bool ok = r->errors.total == n;
	for (size_t i = 0; ok && i < n; i++) {
		char *s = diag_format(&r->errors.items[i]);
		ok = !strcmp(s, want[i]);
		free(s);
	}
	if (!ok) {
		dump("errors", &r->errors);
		for (size_t i = 0; i < n; i++)
			fprintf(stderr, "  want: %s\n", want[i]);
		fail_msg("errors differ");
	}
}
#define EXPECT_ERRORS(r, ...)                                                              \
	do {                                                                               \
		const char *const want_[] = {__VA_ARGS__};                                 \
		expect_errors((r), sizeof want_ / sizeof want_[0], want_);                 \
	} while (0)

/* One deals.csv data row after the standard header. */
static inline char *deals_with(const char *rows)
{
	return xasprintf("%s%s", DEAL_HEADER, rows);
}

/* Load examples/NAME (from the project's root, or one folder below). */
static inline struct run load_example(const char *name)
{
	char *dirs[2] = {xasprintf("examples/%s", name), xasprintf("../examples/%s", name)};
	const char *dir = NULL;
	struct stat st;
	for (size_t i = 0; i < 2 && !dir; i++)
		if (stat(dirs[i], &st) == 0 && S_ISDIR(st.st_mode))
			dir = dirs[i];
	if (!dir)
		fail_msg("examples/%s not found (run the tests from the project's root)", name);
	struct run r = {.dir = NULL};
	r.m = load_model(dir, NULL, &r.errors, &r.io);
	free(dirs[0]);
	free(dirs[1]);
	return r;
}

#endif

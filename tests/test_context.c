/* Unit tests of the context stage: metrics.json shapes (null never 0,
 * money with at most two decimals), partner slugs, display text. */
#include "testutil.h"

#include "context.h"
#include "jsonout.h"
#include "metrics.h"
#include "model.h"
#include "util.h"

#define D(y, m, d) date_from_ymd(y, m, d)
#define OCT (2026 * 12 + 9)

static struct model *base(void)
{
	struct model *m = model_new();
	m->program.name = model_strdup(m, "Test", 4);
	m->program.n_tiers = 2;
	m->program.tiers = xcalloc(2, sizeof *m->program.tiers);
	m->program.tiers[0] = (struct tier){model_strdup(m, "strategic", 9), model_strdup(m, "Strategic", 9), 1, 7};
	m->program.tiers[1] = (struct tier){model_strdup(m, "core", 4), model_strdup(m, "Core", 4), 2, 30};
	for (int f = 0; f < FILE_COUNT; f++)
		m->present[f] = true;
	return m;
}

static void partner(struct model *m, const char *id, int tier)
{
	m->partners = xrealloc(m->partners, (m->n_partners + 1) * sizeof *m->partners);
	struct partner *p = &m->partners[m->n_partners];
	memset(p, 0, sizeof *p);
	p->id = model_strdup(m, id, strlen(id));
	p->name = p->id;
	p->manager = model_strdup(m, "", 0);
	p->tier = tier;
	p->joined_on = D(2025, 1, 1);
	p->exited_on = DAY_NONE;
	model_index_partner(m, m->n_partners++);
}

static void deal(struct model *m, int p, day_t created, day_t closed, enum outcome o, cents_t amount)
{
	m->deals = xrealloc(m->deals, (m->n_deals + 1) * sizeof *m->deals);
	char id[16];
	snprintf(id, sizeof id, "d%zu", m->n_deals);
	m->deals[m->n_deals] = (struct deal){.id = model_strdup(m, id, strlen(id)), .partner = p,
					     .created_on = created, .closed_on = closed, .amount = amount,
					     .outcome = o, .attribution = ATTR_SOURCED};
	model_index_deal(m, m->n_deals++);
}

static void test_slugs(void **state)
{
	struct model *m = base();
	const char *ids[] = {"../../x", "Acme Corp", "acme-corp", "日本", "", "index", "A/B", ".."};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		partner(m, ids[i], 1);
	struct metrics *x = metrics_compute(m, OCT);
	char **s = context_partner_slugs(m, x);
	for (size_t i = 0; i < x->n_partners; i++) {
		assert_true(strlen(s[i]) > 0);
		assert_null(strstr(s[i], ".."));
		assert_string_not_equal(s[i], "index"); /* partners/index.html is the list */
		for (const char *c = s[i]; *c; c++)
			assert_true((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '-');
		for (size_t j = 0; j < i; j++)
			assert_string_not_equal(s[i], s[j]);
	}
	/* by id: "" ".." "../../x" "A/B" "Acme Corp" "acme-corp" "index" "日本".
	 * "", ".." and "日本" share "partner", "Acme Corp" and "acme-corp"
	 * share "acme-corp" (kept by the id that is it), "index" is taken:
	 * those get the first 8 hex digits of the FNV-1a 64 hash of the id
	 * (worked out with Python: hex(fnv1a64(id.encode())))) */
	assert_string_equal(s[0], "partner-cbf29ce4");
	assert_string_equal(s[1], "partner-07da1a07");
	assert_string_equal(s[2], "x");
	assert_string_equal(s[3], "a-b");
	assert_string_equal(s[4], "acme-corp-e67e1d40");
	assert_string_equal(s[5], "acme-corp");
	assert_string_equal(s[6], "index-83cf8e8f");
	assert_string_equal(s[7], "partner-121d7e35");
	/* stable: the same id gives the same slug in another month */
	struct metrics *y = metrics_compute(m, OCT - 1);
	char **t = context_partner_slugs(m, y);
	for (size_t i = 0; i < x->n_partners; i++)
		assert_string_equal(s[i], t[i]);
	context_slugs_free(t, y->n_partners);
	context_slugs_free(s, x->n_partners);
	metrics_free(y);
	metrics_free(x);
	model_free(m);
}

/* Slugs are decided over every partner of the data: a month where some
 * partners are not active gives the others the same slugs. */
static void test_slugs_same_in_every_month(void **state)
{
	struct model *m = base();
	partner(m, "日本", 1);
	partner(m, "中国", 1);
	partner(m, "Acme", 1);
	m->partners[1].exited_on = D(2026, 9, 30); /* 中国 not active in October */
	struct metrics *sep = metrics_compute(m, OCT - 1), *oct = metrics_compute(m, OCT);
	assert_int_equal(sep->n_partners, 3);
	assert_int_equal(oct->n_partners, 2);
	char **s = context_partner_slugs(m, sep), **t = context_partner_slugs(m, oct);
	/* by id: "Acme" "中国" "日本"; hashes as in test_slugs */
	assert_string_equal(s[0], "acme");
	assert_string_equal(s[1], "partner-4c9c9999");
	assert_string_equal(s[2], "partner-121d7e35");
	assert_string_equal(t[0], "acme");
	assert_string_equal(t[1], "partner-121d7e35");
	context_slugs_free(s, sep->n_partners);
	context_slugs_free(t, oct->n_partners);
	metrics_free(sep);
	metrics_free(oct);
	model_free(m);
}

/* A hashed slug already taken by an id that is that slug: the longer hash. */
static void test_slug_hash_taken(void **state)
{
	struct model *m = base();
	partner(m, "日本", 1);
	partner(m, "中国", 1);
	partner(m, "partner-121d7e35", 1);
	struct metrics *x = metrics_compute(m, OCT);
	char **s = context_partner_slugs(m, x);
	/* by id: "partner-121d7e35" "中国" "日本" */
	assert_string_equal(s[0], "partner-121d7e35");
	assert_string_equal(s[1], "partner-4c9c9999");
	assert_string_equal(s[2], "partner-121d7e35a6d3ce91");
	context_slugs_free(s, x->n_partners);
	metrics_free(x);
	model_free(m);
}

/* 4,000 ids without an ASCII letter or digit: all unique (the time this
 * takes is measured by make bench, not here). */
static void test_slugs_many_alike(void **state)
{
	struct model *m = base();
	for (int i = 0; i < 4000; i++) {
		char id[16];
		unsigned cp = 0x4e00 + (unsigned)i; /* a CJK ideograph, 3 bytes of UTF-8 */
		snprintf(id, sizeof id, "%c%c%c", 0xe0 | cp >> 12, 0x80 | (cp >> 6 & 0x3f), 0x80 | (cp & 0x3f));
		partner(m, id, 1);
	}
	struct metrics *x = metrics_compute(m, OCT);
	assert_int_equal(x->n_partners, 4000);
	char **s = context_partner_slugs(m, x);
	struct strset seen = {0};
	for (size_t i = 0; i < x->n_partners; i++) {
		assert_int_equal(strlen(s[i]), strlen("partner-") + 8);
		assert_true(strset_add(&seen, s[i]));
	}
	strset_free(&seen);
	context_slugs_free(s, x->n_partners);
	metrics_free(x);
	model_free(m);
}

static void test_metrics_json(void **state)
{
	struct model *m = base();
	partner(m, "a", 0);
	partner(m, "b", 1);
	deal(m, 0, D(2026, 10, 1), D(2026, 10, 2), OUTCOME_WON, 123456); /* 1234.56 */
	deal(m, 0, D(2026, 10, 1), D(2026, 10, 3), OUTCOME_WON, 10);     /* 0.10 */
	m->present[FILE_FORECAST] = false;
	struct metrics *x = metrics_compute(m, OCT);
	json_t *j = context_metrics_json(m, x);
	struct buf b = {0};
	jsonout_dump(j, &b);
	const char *text = buf_cstr(&b);
	/* money: shortest decimal form, never 0.10000000000000001 */
	assert_non_null(strstr(text, "\"won_revenue\": 1234.66"));
	assert_non_null(strstr(text, "\"avg_won_deal\": 617.33"));
	json_t *tot = json_object_get(j, "totals");
	assert_true(json_is_null(json_object_get(tot, "forecast_accuracy"))); /* no file: null */
	assert_true(json_is_null(json_object_get(json_object_get(tot, "previous"), "win_rate")));
	assert_true(json_is_real(json_object_get(json_object_get(tot, "month"), "win_rate")));
	assert_string_equal(json_string_value(json_object_get(j, "schema")), "reviewpack.metrics/1");
	json_t *period = json_object_get(j, "period");
	assert_string_equal(json_string_value(json_object_get(period, "month")), "2026-10");
	assert_string_equal(json_string_value(json_object_get(period, "start")), "2026-10-01");
	assert_string_equal(json_string_value(json_object_get(period, "end")), "2026-10-31");
	assert_string_equal(json_string_value(json_object_get(period, "previous")), "2026-09");
	/* health: five parts in order, each with a sentence of evidence */
	json_t *h = json_object_get(j, "health");
	assert_int_equal(json_array_size(h), 5);
	assert_string_equal(json_string_value(json_object_get(json_array_get(h, 0), "part")), "tiering");
	assert_string_equal(json_string_value(json_object_get(json_array_get(h, 4), "part")), "governance");
	for (size_t i = 0; i < 5; i++)
		assert_true(strlen(json_string_value(json_object_get(json_array_get(h, i), "evidence"))) > 20);
	/* partners: id, tier id, manager null when empty */
	json_t *p0 = json_array_get(json_object_get(j, "partners"), 0);
	assert_string_equal(json_string_value(json_object_get(p0, "tier")), "strategic");
	assert_true(json_is_null(json_object_get(p0, "manager")));
	json_t *rows = json_object_get(json_object_get(j, "data_quality"), "rows");
	assert_true(json_is_null(json_object_get(rows, "forecast.csv"))); /* missing file: null */
	assert_true(json_is_integer(json_object_get(rows, "deals.csv")));
	buf_free(&b);
	json_decref(j);
	metrics_free(x);
	model_free(m);
}

/* An archive row from another month's metrics.json: its figures as
 * text, known health names only (a status or part of another schema, or
 * one holding markup, leaves the part out). */
static void test_archive_row(void **state)
{
	json_error_t e;
	json_t *mj = json_loads(
		"{\"program\": {\"name\": \"P\", \"currency\": \"EUR\"},"
		" \"totals\": {\"month\": {\"won_revenue\": 1234567.5, \"sourced_revenue\": 950,"
		" \"win_rate\": 0.25}, \"partner_share\": null},"
		" \"health\": [{\"part\": \"tiering\", \"status\": \"green\"},"
		" {\"part\": \"operating_model\", \"status\": \"amber\"},"
		" {\"part\": \"enablement\", \"status\": \"purple\"},"
		" {\"part\": \"<script>\", \"status\": \"red\"},"
		" {\"part\": \"governance\", \"status\": \"green\\\" onmouseover=\\\"x\"}],"
		" \"next_fix\": \"operating_model\"}", 0, &e);
	assert_non_null(mj);
	json_t *r = context_archive_row("2026-09", mj);
	assert_string_equal(json_string_value(json_object_get(r, "label")), "September 2026");
	assert_string_equal(json_string_value(json_object_get(r, "href")), "2026-09/index.html");
	assert_string_equal(json_string_value(json_object_get(r, "won_revenue")), "\xe2\x82\xac" "1.2M");
	assert_string_equal(json_string_value(json_object_get(r, "sourced_revenue")), "\xe2\x82\xac" "950");
	assert_string_equal(json_string_value(json_object_get(r, "win_rate")), "25.0%");
	assert_string_equal(json_string_value(json_object_get(r, "partner_share")), "\xe2\x80\x94");
	/* the five parts in order, one column each; an unknown status, an
	 * unknown part or a missing part leaves that part unknown */
	json_t *h = json_object_get(r, "health");
	assert_int_equal(json_array_size(h), 5);
	const char *want[] = {"green", "amber", "unknown", "unknown", "unknown"};
	for (size_t i = 0; i < 5; i++)
		assert_string_equal(json_string_value(json_object_get(json_array_get(h, i), "status")), want[i]);
	assert_string_equal(json_string_value(json_object_get(json_array_get(h, 4), "label")), "Governance");
	cents_t won = 0;
	assert_true(context_archive_won(mj, &won));
	assert_int_equal(won, 123456750);
	json_t *op = json_array_get(h, 1);
	assert_string_equal(json_string_value(json_object_get(op, "label")), "Operating model");
	assert_string_equal(json_string_value(json_object_get(op, "status")), "amber");
	assert_string_equal(json_string_value(json_object_get(op, "status_label")), "Amber");
	assert_string_equal(json_string_value(json_object_get(r, "next_fix")), "Operating model");
	assert_string_equal(context_part_label("attribution_incentives"), "Attribution and incentives");
	assert_null(context_part_label("nope"));
	json_decref(r);
	json_decref(mj);
}

/* The summary's sentence for a two-tier program: partner a (Strategic)
 * and b (Core), one won deal each in September and in October with the
 * amounts given (0 = no deal). reviews.csv is present and empty, so the
 * operating model is red and is the next fix (tiering is green: one of
 * two active partners is in the top tier, 50%). Caller frees. */
static char *headline_for(cents_t a_sep, cents_t b_sep, cents_t a_oct, cents_t b_oct)
{
	struct model *m = base();
	partner(m, "a", 0);
	partner(m, "b", 1);
	cents_t amounts[4] = {a_sep, b_sep, a_oct, b_oct};
	for (int i = 0; i < 4; i++)
		if (amounts[i])
			deal(m, i % 2, D(2026, 8, 1), i < 2 ? D(2026, 9, 15) : D(2026, 10, 15),
			     OUTCOME_WON, amounts[i]);
	struct metrics *x = metrics_compute(m, OCT);
	char *s = context_headline(m, x);
	metrics_free(x);
	model_free(m);
	return s;
}

#define K(units) ((cents_t)(units) * 100)

static void test_headline(void **state)
{
	/* falling: 150K -> 120K is -20.0%; Core -30K, Strategic 0 */
	char *s = headline_for(K(100000), K(50000), K(100000), K(20000));
	assert_string_equal(s, "Partner won revenue fell 20.0% to $120K; Core fell $30K while "
			       "Strategic held; next fix: operating model.");
	free(s);
	/* rising: 150K -> 180K is +20.0%; Core +40K against Strategic -10K */
	s = headline_for(K(100000), K(50000), K(90000), K(90000));
	assert_string_equal(s, "Partner won revenue rose 20.0% to $180K; Core rose $40K while "
			       "Strategic fell $10K; next fix: operating model.");
	free(s);
	/* both tiers in the total's direction: the larger first */
	s = headline_for(K(100000), K(50000), K(90000), K(10000));
	assert_string_equal(s, "Partner won revenue fell 33.3% to $100K; Core fell $40K and "
			       "Strategic $10K; next fix: operating model.");
	free(s);
	/* flat: +10K and -10K offset each other */
	s = headline_for(K(100000), K(50000), K(110000), K(40000));
	assert_string_equal(s, "Partner won revenue held at $150K; Strategic rose $10K while "
			       "Core fell $10K; next fix: operating model.");
	free(s);
	/* no previous month to compare with */
	s = headline_for(0, 0, K(50000), 0);
	assert_string_equal(s, "Partner won revenue was $50K, with none won in September 2026; "
			       "Strategic rose $50K while Core held; next fix: operating model.");
	free(s);
	/* an empty month after a month with revenue */
	s = headline_for(K(100000), K(50000), 0, 0);
	assert_string_equal(s, "No partner revenue was won in October 2026, down from $150K in "
			       "September 2026; Strategic fell $100K and Core $50K; next fix: "
			       "operating model.");
	free(s);
	/* an empty month after an empty month */
	s = headline_for(0, 0, 0, 0);
	assert_string_equal(s, "No partner revenue was won in October 2026 or September 2026; "
			       "next fix: operating model.");
	free(s);
}

/* Partners a (Strategic) and b (Core) and one won deal of partner p. */
static struct model *two_partners(int p, day_t created, day_t closed, cents_t amount)
{
	struct model *m = base();
	partner(m, "a", 0);
	partner(m, "b", 1);
	deal(m, p, created, closed, OUTCOME_WON, amount);
	return m;
}

/* All green: the sentence ends on the health panel, not on a fix. */
static void test_headline_all_green(void **state)
{
	struct model *m = two_partners(0, D(2026, 8, 1), D(2026, 10, 15), K(1000));
	struct metrics *x = metrics_compute(m, OCT);
	x->health.next_fix = -1; /* the wording only: metrics decides when */
	char *s = context_headline(m, x);
	assert_string_equal(s, "Partner won revenue was $1K, with none won in September 2026; "
			       "Strategic rose $1K while Core held; all five health parts are green.");
	free(s);
	metrics_free(x);
	model_free(m);
}

/* n active partners, every one with an overdue review (reviews.csv is
 * present and holds no review); the template context of that month. */
static json_t *overdue_context(int n, struct model **mp, struct metrics **xp)
{
	struct model *m = base();
	for (int i = 0; i < n; i++) {
		char id[24];
		snprintf(id, sizeof id, "p%02d", i);
		partner(m, id, 1);
		m->partners[i].joined_on = D(2026, 9, 1); /* a fresh tier: not stale */
	}
	m->present[FILE_ENABLEMENT] = false;
	struct metrics *x = metrics_compute(m, OCT);
	struct context_options o = {0};
	*mp = m;
	*xp = x;
	return context_build(m, x, &o);
}

static void test_actions_cap(void **state)
{
	static const struct {
		int partners, shown, more;
		const char *more_text;
	} cases[] = {
		{15, 10, 5, "5 more partners with actions"},
		{11, 10, 1, "1 more partner with actions"},
		{10, 10, 0, "0 more partners with actions"},
		{3, 3, 0, "0 more partners with actions"},
	};
	for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
		struct model *m;
		struct metrics *x;
		json_t *ctx = overdue_context(cases[c].partners, &m, &x);
		assert_int_equal(x->n_actions, cases[c].partners);
		json_t *top = json_object_get(ctx, "actions_top");
		assert_int_equal(json_array_size(top), cases[c].shown);
		assert_int_equal(json_integer_value(json_object_get(ctx, "actions_more")), cases[c].more);
		assert_string_equal(json_string_value(json_object_get(ctx, "actions_more_text")),
				    cases[c].more_text);
		/* one line a partner, in metrics' order (all tie on in_play: by id), its flag in words */
		for (size_t i = 0; i < json_array_size(top); i++) {
			json_t *a = json_array_get(top, i);
			char id[24];
			snprintf(id, sizeof id, "p%02zu", i);
			assert_string_equal(json_string_value(json_object_get(a, "name")), id);
			json_t *flags = json_object_get(a, "flags");
			assert_int_equal(json_array_size(flags), 1);
			assert_string_equal(json_string_value(json_object_get(json_array_get(flags, 0), "label")),
					    "Review overdue");
			assert_string_equal(json_string_value(json_object_get(json_array_get(flags, 0), "detail")),
					    "0 of 1 expected deal reviews held");
		}
		/* the actions page groups every one of them */
		json_t *groups = json_object_get(ctx, "action_groups");
		assert_int_equal(json_array_size(json_object_get(json_object_get(groups, "overdue"), "rows")),
				 cases[c].partners);
		assert_int_equal(json_array_size(json_object_get(json_object_get(groups, "promote"), "rows")), 0);
		json_decref(ctx);
		metrics_free(x);
		model_free(m);
	}
}

/* One partner with several flags is one line holding all of them, in
 * SPEC order. */
static void test_action_line(void **state)
{
	struct model *m = base();
	partner(m, "a", 0);
	partner(m, "b", 1);
	partner(m, "c", 1);
	for (int i = 0; i < 3; i++)
		m->partners[i].joined_on = D(2026, 9, 1);
	m->present[FILE_ENABLEMENT] = false;
	/* b and c (Core) win 5K and 7K in the window, at or above the Strategic
	 * median (a's 0): promote. a (Strategic) wins nothing, below the Core
	 * median of 6K (the mean of 5K and 7K): demote. No review was held:
	 * every review is overdue. Order: recommendations by in_play, c, b, a. */
	deal(m, 1, D(2026, 9, 1), D(2026, 10, 2), OUTCOME_WON, K(5000));
	deal(m, 2, D(2026, 9, 1), D(2026, 10, 3), OUTCOME_WON, K(7000));
	struct metrics *x = metrics_compute(m, OCT);
	struct context_options o = {0};
	json_t *ctx = context_build(m, x, &o);
	json_t *top = json_object_get(ctx, "actions_top");
	assert_int_equal(json_array_size(top), 3);
	assert_string_equal(json_string_value(json_object_get(json_array_get(top, 0), "name")), "c");
	assert_string_equal(json_string_value(json_object_get(json_array_get(top, 1), "name")), "b");
	json_t *last = json_array_get(top, 2);
	assert_string_equal(json_string_value(json_object_get(last, "name")), "a");
	json_t *flags = json_object_get(last, "flags");
	assert_int_equal(json_array_size(flags), 2);
	assert_string_equal(json_string_value(json_object_get(json_array_get(flags, 0), "label")),
			    "Demote to Core");
	assert_string_equal(json_string_value(json_object_get(json_array_get(flags, 0), "detail")),
			    "$0 won in the window, below the Core median of $6K");
	assert_false(json_is_true(json_object_get(json_array_get(flags, 0), "last")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(flags, 1), "label")),
			    "Review overdue");
	assert_true(json_is_true(json_object_get(json_array_get(flags, 1), "last")));
	json_decref(ctx);
	metrics_free(x);
	model_free(m);
}

static void test_jsonout_numbers(void **state)
{
	char s[32];
	jsonout_number(0.1, s);
	assert_string_equal(s, "0.1");
	jsonout_number(1.0 / 3.0, s);
	assert_string_equal(s, "0.3333333333333333");
	jsonout_number(1234.56, s);
	assert_string_equal(s, "1234.56");
	jsonout_number(-25, s);
	assert_string_equal(s, "-25");
	jsonout_number(0, s);
	assert_string_equal(s, "0");
}

/* The partners index's rows come in the pack's order, the order its sort
 * script falls back to: window won revenue, largest first, ties by id (a
 * and c won 500.00, b 900.00, d nothing). Each row carries the machine
 * values the script sorts by: won revenue in cents, the tier's rank, an
 * empty value for an absent win rate; and its flags' names for the
 * filter. */
static void test_index_order(void **state)
{
	struct model *m = base();
	partner(m, "a", 1);
	partner(m, "b", 1);
	partner(m, "c", 0);
	partner(m, "d", 1);
	deal(m, 2, D(2026, 8, 1), D(2026, 9, 1), OUTCOME_WON, 50000);
	deal(m, 0, D(2026, 8, 1), D(2026, 9, 1), OUTCOME_WON, 50000);
	deal(m, 1, D(2026, 8, 1), D(2026, 9, 1), OUTCOME_WON, 90000);
	struct metrics *x = metrics_compute(m, OCT);
	char **slugs = context_partner_slugs(m, x);
	json_t *rows = json_array();
	for (size_t i = 0; i < x->n_partners; i++)
		json_array_append_new(rows, context_partner_row(m, x, slugs, x->by_won[i]));
	const char *order[] = {"b", "a", "c", "d"};
	const char *won[] = {"90000", "50000", "50000", "0"};
	assert_int_equal(json_array_size(rows), 4);
	for (size_t i = 0; i < 4; i++) {
		json_t *r = json_array_get(rows, i);
		assert_string_equal(json_string_value(json_object_get(r, "id")), order[i]);
		json_t *sort = json_object_get(r, "sort");
		assert_string_equal(json_string_value(json_object_get(sort, "won")), won[i]);
	}
	json_t *c = json_array_get(rows, 2), *d = json_array_get(rows, 3);
	assert_string_equal(json_string_value(json_object_get(json_object_get(c, "sort"), "tier")), "1");
	assert_string_equal(json_string_value(json_object_get(json_object_get(d, "sort"), "win_rate")), "");
	/* d won nothing and opened nothing: demote is not possible from the last
	 * tier; no review held: review overdue; no asset completed: enablement
	 * missing; it joined in 2025: stale tier (names in SPEC order) */
	assert_string_equal(json_string_value(json_object_get(d, "flag_keys")),
			    "review_overdue enablement_missing tier_stale");
	json_decref(rows);
	context_slugs_free(slugs, x->n_partners);
	metrics_free(x);
	model_free(m);
}

/* Whatever the row and the page each hold, they hold alike: every value
 * of a partner's index row (its text nested one level) is the value its
 * page object has under the same name. The shared context holds no
 * partner; metrics.json is its base with each partner's object appended. */
static bool same_in(const json_t *row, const json_t *page)
{
	const char *key;
	json_t *v;
	json_object_foreach((json_t *)row, key, v) {
		json_t *w = json_object_get(page, key);
		if (json_is_object(v) ? !same_in(v, w) : !json_equal(v, w)) {
			print_error("%s differs\n", key);
			return false;
		}
	}
	return true;
}

static void test_partner_row_and_page(void **state)
{
	struct model *m = two_partners(1, D(2026, 9, 1), D(2026, 10, 3), K(7000));
	struct metrics *x = metrics_compute(m, OCT);
	char **slugs = context_partner_slugs(m, x);
	struct context_options o = {.slugs = slugs};
	json_t *ctx = context_build(m, x, &o);
	assert_null(json_object_get(ctx, "partners"));
	assert_int_equal(json_array_size(json_object_get(ctx, "flag_filters")), ACTION_FLAG_COUNT);
	json_t *whole = context_metrics_json(m, x), *pieces = context_metrics_base(m, x);
	assert_int_equal(json_array_size(json_object_get(pieces, "partners")), 0);
	for (size_t i = 0; i < x->n_partners; i++) {
		json_array_append_new(json_object_get(pieces, "partners"), context_metrics_partner(m, x, i));
		json_t *row = context_partner_row(m, x, slugs, i);
		json_t *page = context_partner(m, x, slugs, i, context_metrics_partner(m, x, i));
		assert_true(same_in(row, page));
		assert_non_null(json_object_get(page, "open_deals"));
		assert_non_null(json_object_get(json_object_get(page, "text"), "month"));
		json_t *alone = context_partner(m, x, slugs, i, NULL);
		assert_true(json_equal(alone, page));
		json_decref(alone);
		json_decref(row);
		json_decref(page);
	}
	assert_true(json_equal(whole, pieces));
	json_decref(whole);
	json_decref(pieces);
	json_decref(ctx);
	context_slugs_free(slugs, x->n_partners);
	metrics_free(x);
	model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slugs),
		cmocka_unit_test(test_slugs_same_in_every_month),
		cmocka_unit_test(test_slug_hash_taken),
		cmocka_unit_test(test_slugs_many_alike),
		cmocka_unit_test(test_metrics_json),
		cmocka_unit_test(test_archive_row),
		cmocka_unit_test(test_jsonout_numbers),
		cmocka_unit_test(test_headline),
		cmocka_unit_test(test_headline_all_green),
		cmocka_unit_test(test_actions_cap),
		cmocka_unit_test(test_action_line),
		cmocka_unit_test(test_index_order),
		cmocka_unit_test(test_partner_row_and_page),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

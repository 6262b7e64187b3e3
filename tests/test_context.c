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

/* Health badges as the archive builds them from another month's
 * metrics.json: known names only, the word and the part in the title. */
static void test_badges(void **state)
{
	char *b = context_badge("amber", "operating_model");
	assert_string_equal(b, "<span class=\"status status-amber\" title=\"Operating model: Amber\">"
			       "Amber</span>");
	free(b);
	assert_null(context_badge("purple", "tiering"));
	assert_null(context_badge("green\" onmouseover=\"x", "tiering"));
	assert_null(context_badge("green", "<script>"));
	assert_null(context_badge(NULL, "tiering"));
	assert_string_equal(context_part_label("attribution_incentives"), "Attribution and incentives");
	assert_null(context_part_label("nope"));
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slugs),
		cmocka_unit_test(test_slugs_same_in_every_month),
		cmocka_unit_test(test_slug_hash_taken),
		cmocka_unit_test(test_slugs_many_alike),
		cmocka_unit_test(test_metrics_json),
		cmocka_unit_test(test_badges),
		cmocka_unit_test(test_jsonout_numbers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

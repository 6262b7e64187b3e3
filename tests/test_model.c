/* Unit tests of model's id indexes: partners (ids in the slots and
 * longer), deals (while their ids come in increasing order, after the
 * first out of order, sized ahead) and account names, each answering
 * every id added and no other through growing, the look and add in one of
 * the loader, and the two string arenas. */
#include "testutil.h"

#include "model.h"

/* Append a deal with this id (its other fields zero); returns its position. */
static size_t add_deal(struct model *m, size_t *cap, const char *id)
{
	GROW(m->deals, *cap, m->n_deals + 1);
	m->deals[m->n_deals] = (struct deal){.id = model_strdup(m, id, strlen(id))};
	return m->n_deals++;
}

static void deals_in_increasing_order(void **state)
{
	struct model *m = model_new();
	size_t cap = 0;
	char id[32];
	assert_int_equal(model_deal_index(m, "d"), -1); /* none yet */
	for (int i = 0; i < 5000; i++) {
		snprintf(id, sizeof id, "OPP-%07d", i);
		assert_int_equal(model_index_deal(m, add_deal(m, &cap, id)), -1);
	}
	for (int i = 0; i < 5000; i++) {
		snprintf(id, sizeof id, "OPP-%07d", i);
		assert_int_equal(model_deal_index(m, id), i);
	}
	assert_int_equal(model_deal_index(m, "OPP-"), -1);         /* before the first */
	assert_int_equal(model_deal_index(m, "OPP-0000000x"), -1); /* between two */
	assert_int_equal(model_deal_index(m, "OPP-9"), -1);        /* after the last */
	/* a duplicate is found, and not added */
	size_t dup = add_deal(m, &cap, "OPP-0002500");
	assert_int_equal(model_index_deal(m, dup), 2500);
	m->n_deals--;
	model_free(m);
}

static void deals_out_of_order(void **state)
{
	struct model *m = model_new();
	size_t cap = 0;
	char id[32];
	/* increasing, then one out of order, then any order: every id found */
	for (int i = 0; i < 3000; i++) {
		snprintf(id, sizeof id, "%c%05d", i < 1000 ? 'b' : i == 1000 ? 'a' : "cz"[i % 2],
			 i <= 1000 ? i : (i * 7919) % 100000);
		assert_int_equal(model_index_deal(m, add_deal(m, &cap, id)), -1);
	}
	for (int i = 0; i < 3000; i++) {
		snprintf(id, sizeof id, "%c%05d", i < 1000 ? 'b' : i == 1000 ? 'a' : "cz"[i % 2],
			 i <= 1000 ? i : (i * 7919) % 100000);
		assert_int_equal(model_deal_index(m, id), i);
		size_t dup = add_deal(m, &cap, id);
		assert_int_equal(model_index_deal(m, dup), i);
		m->n_deals--;
	}
	assert_int_equal(model_deal_index(m, "a"), -1);
	model_free(m);
}

/* Told how many deals are coming, the table is made that large once, at
 * the first id out of order or at once when there is one already. */
static void expected_deals(void **state)
{
	for (int early = 0; early < 2; early++) {
		struct model *m = model_new();
		size_t cap = 0;
		char id[32];
		for (int i = 0; i < 3000; i++) {
			if (i == (early ? 10 : 2000))
				model_expect_deals(m, 3000);
			snprintf(id, sizeof id, "d%05d", (i * 7919) % 10000); /* in no order */
			assert_int_equal(model_index_deal(m, add_deal(m, &cap, id)), -1);
		}
		for (int i = 0; i < 3000; i++) {
			snprintf(id, sizeof id, "d%05d", (i * 7919) % 10000);
			assert_int_equal(model_deal_index(m, id), i);
		}
		model_free(m);
	}
}

/* The loader's way: one look that says whether the id is new, then the
 * add at the place found, in both kinds of index. */
static void find_then_add(void **state)
{
	struct model *m = model_new();
	size_t cap = 0;
	const char *ids[] = {"k1", "k2", "k0", "k3", "k9", "k5"}; /* "k0": out of order */
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		struct model_probe p;
		model_deal_prefetch(m, ids[i], strlen(ids[i]));
		assert_int_equal(model_deal_find(m, ids[i], strlen(ids[i]), &p), -1);
		model_index_deal_at(m, add_deal(m, &cap, ids[i]), &p);
	}
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		struct model_probe p;
		assert_int_equal(model_deal_find(m, ids[i], strlen(ids[i]), &p), (long)i);
	}
	model_free(m);
}

static void partners_and_accounts(void **state)
{
	struct model *m = model_new();
	size_t cap = 0;
	char id[32];
	for (int i = 0; i < 2000; i++) { /* in no order */
		snprintf(id, sizeof id, "p%d", (i * 37) % 2000);
		GROW(m->partners, cap, m->n_partners + 1);
		m->partners[m->n_partners] =
			(struct partner){.id = model_strdup_key(m, id, strlen(id))};
		assert_int_equal(model_index_partner(m, m->n_partners++), -1);
	}
	for (int i = 0; i < 2000; i++) {
		snprintf(id, sizeof id, "p%d", (i * 37) % 2000);
		assert_int_equal(model_partner_index(m, id), i);
	}
	assert_int_equal(model_partner_index(m, "p2000"), -1);
	/* ids kept in the index's slots (up to 22 bytes) and longer ones, read
	 * from the partner: each found, and no id that only starts like one */
	const char *ids[] = {"0015000000ABCDEFGH", "a234567890123456789012", "a2345678901234567890123",
			     "a23456789012345678901234567890", ""};
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
		GROW(m->partners, cap, m->n_partners + 1);
		m->partners[m->n_partners] =
			(struct partner){.id = model_strdup_key(m, ids[i], strlen(ids[i]))};
		assert_int_equal(model_index_partner(m, m->n_partners++), -1);
	}
	for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
		assert_int_equal(model_partner_index(m, ids[i]), 2000 + (int)i);
	assert_int_equal(model_partner_index(m, "a23456789012345678901"), -1);
	assert_int_equal(model_partner_index(m, "a234567890123456789012345678901"), -1);
	assert_int_equal(model_partner_index(m, "a23456789012345678901234567890x"), -1);
	m->partners[0].id = model_strdup_key(m, "p37", 3); /* p37 again: the one at 1 */
	assert_int_equal(model_index_partner(m, 0), 1);

	assert_int_equal(model_intern_account(m, ""), 0);
	for (int i = 0; i < 3000; i++) {
		snprintf(id, sizeof id, "Account %d", i % 1000);
		assert_int_equal(model_intern_account(m, id), i % 1000 + 1);
	}
	assert_int_equal(m->n_accounts, 1001);
	assert_string_equal(m->accounts[0], "");
	assert_string_equal(m->accounts[1000], "Account 999");
	struct deal d = {.account = 1000};
	assert_string_equal(model_deal_account(m, &d), "Account 999");
	model_free(m);
}

static void arenas(void **state)
{
	struct model *m = model_new();
	char big[70000];
	memset(big, 'x', sizeof big);
	char *a = model_strdup(m, "abc", 2);
	char *b = model_strdup_key(m, big, sizeof big); /* above a chunk: a chunk of its own */
	char *c = model_strdup_key(m, "id", 2);
	assert_string_equal(a, "ab");
	assert_int_equal(strlen(b), sizeof big);
	assert_string_equal(c, "id");
	model_free(m);
	model_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deals_in_increasing_order),
		cmocka_unit_test(deals_out_of_order),
		cmocka_unit_test(find_then_add),
		cmocka_unit_test(expected_deals),
		cmocka_unit_test(partners_and_accounts),
		cmocka_unit_test(arenas),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

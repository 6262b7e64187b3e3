/* model: owns the typed program (strings in arenas, ids in indexes: hash
 * tables keyed by a tag, or the deals themselves while their ids come in
 * increasing order) and answers the two questions every stage asks of it:
 * a partner's tier at a date and whether a partner is active in a range. */
#include "model.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(void *) != 8 || sizeof(struct deal) == 32,
	       "a deal is 32 bytes: a million deals are 32 MB");

const char *const model_file_names[FILE_COUNT] = {
	"program.ini", "partners.csv", "deals.csv", "reviews.csv", "enablement.csv",
	"tier_changes.csv", "forecast.csv", "incentives.csv", "fx.csv",
};

/* Open-addressing hash index from id string to array position. Each slot
 * keeps the key's 32-bit tag (the top of its hash) beside the position,
 * so a probe reads the slots alone until a tag matches, and growing never
 * reads a key: the tag alone gives a key's home slot. Looked up once per
 * row, the partners' and the account names' indexes keep more in a slot,
 * so that a look reads little else: the key itself when it is short (up
 * to INLINE_KEY bytes, as partner ids are), or where the key is. */
enum { INLINE_KEY = 22, LONG_KEY = 0xff };
struct idx {
	unsigned char *slots; /* cap slots of width bytes: a uint64_t tag << 32 | (position
				 + 1), 0 = empty (at most 2^32 - 2 ids); then as width
				 says: */
	size_t cap, n, width;
	int bits;             /* cap == 1 << bits */
};
#define NARROW_SLOT sizeof(uint64_t)                    /* nothing more */
#define KEYED_SLOT (2 * sizeof(uint64_t))               /* the key's address */
#define INLINE_SLOT (sizeof(uint64_t) + 1 + INLINE_KEY + 1) /* the key's length (LONG_KEY:
							       longer than INLINE_KEY),
							       the key */

struct chunk {
	struct chunk *next;
	size_t used, size;
	char data[];
};

struct model_private {
	struct chunk *chunks;
	struct chunk *key_chunks; /* account names and partner ids, apart from the other
				     strings: looked up per deal, they stay few cache lines */
	struct idx partners, deals, accounts;
	/* The deals' ids: while they come in strictly increasing order (as in
	 * an export sorted by id), deals 0 .. n_deal_ids - 1 are their own
	 * index, searched by bisection, and no table is kept; the first id
	 * out of order puts them all into the table. */
	bool deals_hashed;
	size_t n_deal_ids;
	size_t deals_expected;     /* model_expect_deals: the table's first size */
	size_t cap_accounts;
	size_t *tc_start;  /* n_partners + 1 offsets into tier_changes */
};

static uint32_t tag_of(const char *s, size_t n)
{
	return (uint32_t)(util_table_hash(s, n) >> 32);
}

/* The slot a tag probes first (Fibonacci hashing of the tag). */
static size_t home(const struct idx *x, uint32_t tag)
{
	return (uint32_t)(tag * UINT32_C(0x9e3779b1)) >> (32 - x->bits);
}

typedef const char *(*key_fn)(const struct model *m, long i);
static const char *partner_key(const struct model *m, long i) { return m->partners[i].id; }
static const char *deal_key(const struct model *m, long i) { return m->deals[i].id; }
static const char *account_key(const struct model *m, long i) { return m->accounts[i]; }

static uint64_t *slot_at(const struct idx *x, size_t i)
{
	return (uint64_t *)(void *)(x->slots + i * x->width);
}

/* Whether the key in slot v (tag t matched) is id[0..n). */
static bool same_key(const struct model *m, const struct idx *x, key_fn key, const uint64_t *v,
		     const char *id, size_t n)
{
	const unsigned char *in = (const unsigned char *)(v + 1);
	if (x->width == KEYED_SLOT)
		return !strcmp(*(char *const *)(const void *)in, id);
	if (x->width == INLINE_SLOT && in[0] != LONG_KEY)
		return in[0] == n && !memcmp(in + 1, id, n);
	return !strcmp(key(m, (long)(uint32_t)*v - 1), id);
}

/* The position of id[0..n) (tag t), or -1 with *at the empty slot where
 * it would go (when the index has slots). */
static long idx_find(const struct model *m, const struct idx *x, key_fn key, const char *id,
		     size_t n, uint32_t t, size_t *at)
{
	*at = 0;
	if (!x->cap)
		return -1;
	size_t mask = x->cap - 1;
	for (size_t i = home(x, t);; i = (i + 1) & mask) {
		const uint64_t *v = slot_at(x, i);
		if (!*v) {
			*at = i;
			return -1;
		}
		if ((uint32_t)(*v >> 32) == t && same_key(m, x, key, v, id, n))
			return (long)(uint32_t)*v - 1;
	}
}

/* The first empty slot from tag t's home. */
static uint64_t *empty_slot(const struct idx *x, uint32_t t)
{
	size_t mask = x->cap - 1;
	size_t i = home(x, t);
	while (*slot_at(x, i))
		i = (i + 1) & mask;
	return slot_at(x, i);
}

/* Fill slot v with position pos, tag t and what the index keeps of its
 * key id[0..n) (the key kept at pos, as long as the index). */
static void fill(const struct idx *x, uint64_t *v, uint32_t t, long pos, const char *id, size_t n)
{
	*v = (uint64_t)t << 32 | ((uint64_t)pos + 1);
	unsigned char *in = (unsigned char *)(v + 1);
	if (x->width == KEYED_SLOT) {
		memcpy(in, &id, sizeof id);
	} else if (x->width == INLINE_SLOT) {
		in[0] = n <= INLINE_KEY ? (unsigned char)n : LONG_KEY;
		if (n <= INLINE_KEY)
			memcpy(in + 1, id, n);
	}
}

/* Whether x would be too full with n entries: at most two thirds (a probe
 * reads 2 slots on average, 5 for an id it does not hold). */
static bool too_full(const struct idx *x, size_t n)
{
	return n * 3 > x->cap * 2;
}

/* Size x for n entries, placing again those it has. */
static void idx_resize(struct idx *x, size_t n)
{
	struct idx old = *x;
	x->bits = old.cap ? old.bits : 6;
	x->cap = (size_t)1 << x->bits;
	while (too_full(x, n)) {
		x->bits++;
		x->cap = (size_t)1 << x->bits;
	}
	if (x->bits >= 32)
		BUG("too many ids for the index");
	x->slots = util_alloc_huge(x->cap * x->width);
	memset(x->slots, 0, x->cap * x->width);
	for (size_t i = 0; i < old.cap; i++) {
		const uint64_t *v = slot_at(&old, i);
		if (*v)
			memcpy(empty_slot(x, (uint32_t)(*v >> 32)), v, x->width);
	}
	free(old.slots);
}

/* Add position pos with key id[0..n) (tag t), absent from the index, at
 * slot at as idx_find gave it (SIZE_MAX: not looked for); the slot is
 * only used when the index needs no growing. */
static void idx_put(struct idx *x, uint32_t t, size_t at, long pos, const char *id, size_t n)
{
	if (pos < 0 || (uint64_t)pos >= UINT32_MAX - 1)
		BUG("too many ids for the index");
	if (too_full(x, x->n + 1)) {
		idx_resize(x, x->n + 1);
		at = SIZE_MAX;
	}
	uint64_t *v = at == SIZE_MAX ? empty_slot(x, t) : slot_at(x, at);
	if (*v)
		BUG("index slot taken since it was found");
	fill(x, v, t, pos, id, n);
	x->n++;
}

struct model *model_new(void)
{
	struct model *m = xcalloc(1, sizeof *m);
	m->priv = xcalloc(1, sizeof *m->priv);
	m->priv->partners.width = INLINE_SLOT;
	m->priv->accounts.width = KEYED_SLOT;
	m->priv->deals.width = NARROW_SLOT;
	struct program *p = &m->program;
	p->currency = model_strdup(m, "USD", 3);
	p->fiscal_year_start = 1;
	p->window_months = 3;
	p->stale_tier_days = 180;
	static const char *assets[] = {"pitch", "playbook", "training"};
	p->n_assets = 3;
	p->assets = xcalloc(3, sizeof *p->assets);
	for (int i = 0; i < 3; i++)
		p->assets[i] = model_strdup(m, assets[i], strlen(assets[i]));
	p->health = (struct health_thresholds){
		.tiering_green_top_share = 0.5, .tiering_red_min_tiers = 2,
		.operating_red = 0.5, .operating_green = 0.8,
		.enablement_red = 0.5, .enablement_green = 0.8,
		.untagged_red = 0.2, .untagged_green = 0.05,
		.incentive_red = 0.5, .incentive_green = 0.8,
		.forecast_red = 0.5, .forecast_green = 0.8,
		.stale_red = 0.25, .stale_green = 0.1,
	};
	p->date_format = DATE_ISO;
	p->timezone = model_strdup(m, "UTC", 3);
	p->max_skipped_share = 0.05;
	m->latest_deal_day = m->earliest_deal_day = DAY_NONE;
	m->skipped.max = (size_t)-1;
	return m;
}

/* Copy s[0..n) and a NUL into the arena whose newest chunk is *chunks. */
static char *arena_copy(struct chunk **chunks, const char *s, size_t n)
{
	struct chunk *c = *chunks;
	if (!c || c->size - c->used < n + 1) {
		/* each chunk twice the last, up to 8 MiB: few chunks for a million
		 * ids, the large ones on huge pages */
		size_t size = c ? c->size * 2 : 65536;
		size = size > (8u << 20) ? 8u << 20 : size;
		size = n + 1 > size ? n + 1 : size;
		c = util_alloc_huge(sizeof *c + size);
		c->size = size;
		c->used = 0;
		c->next = *chunks;
		*chunks = c;
	}
	char *p = c->data + c->used;
	memcpy(p, s, n);
	p[n] = 0;
	c->used += n + 1;
	return p;
}

static void arena_free(struct chunk **chunks)
{
	while (*chunks) {
		struct chunk *c = *chunks;
		*chunks = c->next;
		free(c);
	}
}

char *model_strdup(struct model *m, const char *s, size_t n)
{
	return arena_copy(&m->priv->chunks, s, n);
}

char *model_strdup_key(struct model *m, const char *s, size_t n)
{
	return arena_copy(&m->priv->key_chunks, s, n);
}

int model_tier_index(const struct model *m, const char *id)
{
	for (size_t i = 0; i < m->program.n_tiers; i++)
		if (!strcmp(m->program.tiers[i].id, id))
			return (int)i;
	return -1;
}

int model_partner_index(const struct model *m, const char *id)
{
	size_t at, n = strlen(id);
	return (int)idx_find(m, &m->priv->partners, partner_key, id, n, tag_of(id, n), &at);
}

long model_deal_index(const struct model *m, const char *id)
{
	struct model_probe p;
	return model_deal_find(m, id, strlen(id), &p);
}

void model_deal_prefetch(const struct model *m, const char *id, size_t n)
{
	const struct idx *x = &m->priv->deals;
	if (m->priv->deals_hashed)
		__builtin_prefetch(slot_at(x, home(x, tag_of(id, n))));
}

/* The position of id among the first n deals, in increasing order of id. */
static long bisect_deals(const struct model *m, size_t n, const char *id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(m->deals[mid].id, id);
		if (!c)
			return (long)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

long model_deal_find(const struct model *m, const char *id, size_t n, struct model_probe *p)
{
	const struct model_private *pv = m->priv;
	size_t k = pv->n_deal_ids;
	*p = (struct model_probe){.n = k, .slot = SIZE_MAX};
	if (!pv->deals_hashed) {
		if (!k || strcmp(m->deals[k - 1].id, id) < 0) {
			p->append = true; /* after every id so far: new */
			return -1;
		}
		return bisect_deals(m, k, id);
	}
	p->tag = tag_of(id, n);
	return idx_find(m, &pv->deals, deal_key, id, n, p->tag, &p->slot);
}

/* The deals indexed so far into the table, from here on for every id. */
static void hash_deals(struct model *m)
{
	struct model_private *pv = m->priv;
	pv->deals_hashed = true;
	idx_resize(&pv->deals, pv->n_deal_ids > pv->deals_expected ? pv->n_deal_ids
								  : pv->deals_expected);
	for (size_t i = 0; i < pv->n_deal_ids; i++) {
		const char *id = m->deals[i].id;
		size_t n = strlen(id);
		idx_put(&pv->deals, tag_of(id, n), SIZE_MAX, (long)i, id, n);
	}
}

void model_expect_deals(struct model *m, size_t n)
{
	struct model_private *pv = m->priv;
	pv->deals_expected = n;
	if (pv->deals_hashed && too_full(&pv->deals, n))
		idx_resize(&pv->deals, n);
}

void model_index_deal_at(struct model *m, size_t i, const struct model_probe *p)
{
	struct model_private *pv = m->priv;
	if (p->n != pv->n_deal_ids)
		BUG("deal index changed since the probe");
	pv->n_deal_ids++;
	if (!pv->deals_hashed && p->append && i == p->n)
		return; /* still in increasing order, by position */
	if (!pv->deals_hashed) {
		pv->n_deal_ids--;
		hash_deals(m);
		pv->n_deal_ids++;
	}
	const char *id = m->deals[i].id;
	size_t n = strlen(id);
	idx_put(&pv->deals, p->slot == SIZE_MAX ? tag_of(id, n) : p->tag, p->slot, (long)i, id, n);
}

/* Add entry i with key id to x unless an entry has that key: returns the
 * earlier entry's position, or -1 once added. */
static long index_once(struct model *m, struct idx *x, key_fn key, const char *id, size_t i)
{
	size_t at, n = strlen(id);
	uint32_t t = tag_of(id, n);
	long prev = idx_find(m, x, key, id, n, t, &at);
	if (prev < 0)
		idx_put(x, t, at, (long)i, id, n);
	return prev;
}

long model_index_partner(struct model *m, size_t i)
{
	return index_once(m, &m->priv->partners, partner_key, m->partners[i].id, i);
}

long model_index_deal(struct model *m, size_t i)
{
	struct model_probe p;
	const char *id = m->deals[i].id;
	long prev = model_deal_find(m, id, strlen(id), &p);
	if (prev < 0)
		model_index_deal_at(m, i, &p);
	return prev;
}

void model_account_ahead(const struct model *m, const char *s, size_t n, struct model_probe *p)
{
	const struct idx *x = &m->priv->accounts;
	*p = (struct model_probe){.tag = tag_of(s, n), .slot = SIZE_MAX};
	if (x->cap) {
		p->slot = home(x, p->tag);
		__builtin_prefetch(slot_at(x, p->slot));
	}
}

void model_account_near(const struct model *m, const struct model_probe *p)
{
	const struct idx *x = &m->priv->accounts;
	if (p->slot == SIZE_MAX || p->slot >= x->cap)
		return;
	const uint64_t *v = slot_at(x, p->slot);
	if (*v && (uint32_t)(*v >> 32) == p->tag)
		__builtin_prefetch(*(char *const *)(const void *)(v + 1));
}

long model_intern_account(struct model *m, const char *s)
{
	struct model_probe p;
	size_t n = strlen(s);
	model_account_ahead(m, s, n, &p);
	return model_intern_account_at(m, s, n, &p);
}

long model_intern_account_at(struct model *m, const char *s, size_t n, const struct model_probe *p)
{
	if (!n)
		return 0;
	struct model_private *pv = m->priv;
	size_t at;
	long i = idx_find(m, &pv->accounts, account_key, s, n, p->tag, &at);
	if (i >= 0)
		return i;
	if (!m->n_accounts) { /* index 0 is the empty name, never in the index */
		GROW(m->accounts, pv->cap_accounts, 1);
		m->accounts[m->n_accounts++] = model_strdup_key(m, "", 0);
	}
	if (m->n_accounts >= MODEL_MAX_ACCOUNTS)
		return -1;
	GROW(m->accounts, pv->cap_accounts, m->n_accounts + 1);
	m->accounts[m->n_accounts] = model_strdup_key(m, s, n);
	idx_put(&pv->accounts, p->tag, at, (long)m->n_accounts, m->accounts[m->n_accounts], n);
	return (long)m->n_accounts++;
}

const char *model_deal_account(const struct model *m, const struct deal *d)
{
	return d->account && d->account < m->n_accounts ? m->accounts[d->account] : "";
}

struct keyed_change {
	struct tier_change c;
	size_t pos;
};

/* By (partner, changed_on), then file order: a stable sort through qsort. */
static int cmp_change(const void *a, const void *b)
{
	const struct keyed_change *x = a, *y = b;
	if (x->c.partner != y->c.partner)
		return x->c.partner < y->c.partner ? -1 : 1;
	if (x->c.changed_on != y->c.changed_on)
		return x->c.changed_on < y->c.changed_on ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

void model_index_tier_changes(struct model *m)
{
	size_t n = m->n_tier_changes;
	struct keyed_change *tmp = xcalloc(n ? n : 1, sizeof *tmp);
	for (size_t i = 0; i < n; i++)
		tmp[i] = (struct keyed_change){m->tier_changes[i], i};
	qsort(tmp, n, sizeof *tmp, cmp_change);
	for (size_t i = 0; i < n; i++)
		m->tier_changes[i] = tmp[i].c;
	free(tmp);
	free(m->priv->tc_start);
	m->priv->tc_start = xcalloc(m->n_partners + 1, sizeof(size_t));
	size_t j = 0;
	for (size_t p = 0; p <= m->n_partners; p++) {
		while (j < n && m->tier_changes[j].partner < (int)p)
			j++;
		m->priv->tc_start[p] = j;
	}
}

int model_tier_at(const struct model *m, int p, day_t d)
{
	size_t a = 0, b = 0;
	if (m->priv->tc_start) {
		a = m->priv->tc_start[p];
		b = m->priv->tc_start[p + 1];
	}
	if (a == b)
		return m->partners[p].tier;
	int tier = -1;
	for (size_t i = a; i < b && m->tier_changes[i].changed_on <= d; i++)
		tier = m->tier_changes[i].to_tier;
	return tier >= 0 ? tier : m->tier_changes[a].from_tier;
}

bool model_partner_active(const struct model *m, int p, day_t start, day_t end)
{
	const struct partner *x = &m->partners[p];
	return x->joined_on <= end && (x->exited_on == DAY_NONE || x->exited_on >= start);
}

void model_free(struct model *m)
{
	if (!m)
		return;
	struct model_private *pv = m->priv;
	arena_free(&pv->chunks);
	arena_free(&pv->key_chunks);
	free(pv->partners.slots);
	free(pv->deals.slots);
	free(pv->accounts.slots);
	free(pv->tc_start);
	free(pv);
	free(m->program.assets);
	free(m->program.tiers);
	free(m->program.email_to);
	free(m->partners);
	free(m->deals);
	free(m->accounts);
	free(m->reviews);
	free(m->completions);
	free(m->tier_changes);
	free(m->forecasts);
	free(m->incentives);
	free(m->fx);
	diag_clear(&m->warnings);
	diag_clear(&m->skipped);
	free(m);
}

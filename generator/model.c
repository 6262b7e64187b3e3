/* model: owns the typed program (strings in an arena, ids in hash indexes)
 * and answers the two questions every stage asks of it: a partner's tier at
 * a date and whether a partner is active in a range. */
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

/* Open-addressing hash index from id string to array position. */
struct idx {
	uint32_t *slots;   /* position + 1; 0 = empty (at most 2^32 - 2 ids) */
	size_t cap, n;
};

struct chunk {
	struct chunk *next;
	size_t used, size;
	char data[];
};

struct model_private {
	struct chunk *chunks;
	struct idx partners, deals, accounts;
	size_t cap_accounts;
	size_t *tc_start;  /* n_partners + 1 offsets into tier_changes */
};

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

typedef const char *(*key_fn)(const struct model *m, long i);
static const char *partner_key(const struct model *m, long i) { return m->partners[i].id; }
static const char *deal_key(const struct model *m, long i) { return m->deals[i].id; }
static const char *account_key(const struct model *m, long i) { return m->accounts[i]; }

static long idx_find(const struct model *m, const struct idx *x, key_fn key, const char *id)
{
	if (!x->cap)
		return -1;
	size_t mask = x->cap - 1;
	for (size_t i = hash(id) & mask;; i = (i + 1) & mask) {
		long v = (long)x->slots[i];
		if (!v)
			return -1;
		if (!strcmp(key(m, v - 1), id))
			return v - 1;
	}
}

static void idx_put(struct model *m, struct idx *x, key_fn key, long pos)
{
	if ((x->n + 1) * 2 > x->cap) {
		struct idx old = *x;
		x->cap = old.cap ? old.cap * 2 : 64;
		x->slots = xcalloc(x->cap, sizeof *x->slots);
		x->n = 0;
		for (size_t i = 0; i < old.cap; i++)
			if (old.slots[i])
				idx_put(m, x, key, (long)old.slots[i] - 1);
		free(old.slots);
	}
	size_t mask = x->cap - 1;
	size_t i = hash(key(m, pos)) & mask;
	while (x->slots[i])
		i = (i + 1) & mask;
	if (pos < 0 || (uint64_t)pos >= UINT32_MAX)
		BUG("too many ids for the index");
	x->slots[i] = (uint32_t)(pos + 1);
	x->n++;
}

struct model *model_new(void)
{
	struct model *m = xcalloc(1, sizeof *m);
	m->priv = xcalloc(1, sizeof *m->priv);
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

char *model_strdup(struct model *m, const char *s, size_t n)
{
	struct model_private *pv = m->priv;
	struct chunk *c = pv->chunks;
	if (!c || c->size - c->used < n + 1) {
		size_t size = n + 1 > 65536 ? n + 1 : 65536;
		c = xmalloc(sizeof *c + size);
		c->size = size;
		c->used = 0;
		c->next = pv->chunks;
		pv->chunks = c;
	}
	char *p = c->data + c->used;
	memcpy(p, s, n);
	p[n] = 0;
	c->used += n + 1;
	return p;
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
	return (int)idx_find(m, &m->priv->partners, partner_key, id);
}

long model_deal_index(const struct model *m, const char *id)
{
	return idx_find(m, &m->priv->deals, deal_key, id);
}

long model_index_partner(struct model *m, size_t i)
{
	long prev = idx_find(m, &m->priv->partners, partner_key, m->partners[i].id);
	if (prev >= 0)
		return prev;
	idx_put(m, &m->priv->partners, partner_key, (long)i);
	return -1;
}

long model_index_deal(struct model *m, size_t i)
{
	long prev = idx_find(m, &m->priv->deals, deal_key, m->deals[i].id);
	if (prev >= 0)
		return prev;
	idx_put(m, &m->priv->deals, deal_key, (long)i);
	return -1;
}

long model_intern_account(struct model *m, const char *s)
{
	if (!*s)
		return 0;
	struct model_private *pv = m->priv;
	long i = idx_find(m, &pv->accounts, account_key, s);
	if (i >= 0)
		return i;
	if (!m->n_accounts) { /* index 0 is the empty name, never in the index */
		GROW(m->accounts, pv->cap_accounts, 1);
		m->accounts[m->n_accounts++] = model_strdup(m, "", 0);
	}
	if (m->n_accounts >= MODEL_MAX_ACCOUNTS)
		return -1;
	GROW(m->accounts, pv->cap_accounts, m->n_accounts + 1);
	m->accounts[m->n_accounts] = model_strdup(m, s, strlen(s));
	idx_put(m, &pv->accounts, account_key, (long)m->n_accounts);
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
	while (pv->chunks) {
		struct chunk *c = pv->chunks;
		pv->chunks = c->next;
		free(c);
	}
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

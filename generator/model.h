/* model: the typed program a data folder describes, as the loader builds it
 * and every later stage reads it (const). Money is int64 cents, dates are
 * day numbers, references are indexes into the model's arrays. */
#ifndef REVIEWPACK_MODEL_H
#define REVIEWPACK_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "date.h"
#include "diag.h"

typedef int64_t cents_t;

/* Money limits the loader enforces, so that every sum metrics computes over
 * any subset of a file's rows fits int64 and prints exactly (a double holds
 * every cent up to 2^53): one row's amount is at most 999,999,999,999.99,
 * and the amounts of one file (deals, forecast, incentives, each after
 * conversion to the program's currency) add up to at most
 * 9,999,999,999,999.99. */
#define MODEL_MAX_ROW_CENTS ((cents_t)99999999999999)
#define MODEL_MAX_FILE_CENTS ((cents_t)999999999999999)

/* Health thresholds of SPEC 4.6, overridable in [health]. Keys in
 * program.ini are the field names below. */
struct health_thresholds {
	double tiering_green_top_share;        /* green when rank-1 share <= this (0.5) */
	int tiering_red_min_tiers;             /* red when fewer tiers have partners (2) */
	double operating_red, operating_green; /* adherence (0.5, 0.8) */
	double enablement_red, enablement_green; /* enabled_share (0.5, 0.8) */
	double untagged_red, untagged_green;   /* untagged_share (0.2, 0.05) */
	double incentive_red, incentive_green; /* incentive_alignment (0.5, 0.8) */
	double forecast_red, forecast_green;   /* forecast_accuracy (0.5, 0.8) */
	double stale_red, stale_green;         /* stale_share (0.25, 0.1) */
};

struct tier {
	char *id;       /* section name after "tier " */
	char *label;
	int rank;       /* 1 = top */
	int review_every_days;
};

struct program {
	char *name, *company;
	char *currency;            /* ISO 4217, upper case */
	int fiscal_year_start;     /* 1..12 */
	int window_months;         /* >= 1 */
	int stale_tier_days;
	char **assets;             /* enablement asset names, lower case */
	size_t n_assets;
	struct tier *tiers;        /* sorted by rank: tiers[i].rank == i + 1 */
	size_t n_tiers;
	struct health_thresholds health;
	char *email_from;          /* NULL when not set */
	char *email_from_name;     /* display name of [email] from = Name <addr>; NULL when none */
	char **email_to;
	size_t n_email_to;
	char *site_url;            /* [email] site_url, NULL when not set */
	enum date_format date_format;
	char *timezone;            /* IANA name dates with a zone are converted to; "UTC" */
	double max_skipped_share;  /* --skip-bad-rows refuses to drop more of a file (0.05) */
};

struct partner {
	char *id, *name;
	char *manager;             /* "" when empty */
	int tier;                  /* current tier: index into program.tiers */
	int64_t overlap_accounts;
	day_t joined_on;
	day_t exited_on;           /* DAY_NONE when empty */
	long line;                 /* line in partners.csv */
};

enum outcome { OUTCOME_OPEN, OUTCOME_WON, OUTCOME_LOST };
enum attribution { ATTR_UNTAGGED, ATTR_SOURCED, ATTR_INFLUENCED };

/* 32 bytes: a million deals are 32 MB. The account name is interned
 * (model.accounts), so a deal keeps a 26-bit index beside its small enums. */
#define MODEL_MAX_ACCOUNTS ((1u << 26) - 1) /* distinct account names, "" included */
struct deal {
	char *id;
	cents_t amount;            /* in the program's currency; 0 when unknown */
	int partner;               /* index into partners; -1 = direct */
	day_t created_on;
	day_t closed_on;           /* DAY_NONE when open (an expected close date is not kept) */
	uint32_t account : 26;     /* index into model.accounts; 0 = no account ("") */
	uint32_t outcome : 2;      /* enum outcome */
	uint32_t attribution : 2;  /* enum attribution; ATTR_UNTAGGED on direct deals */
	uint32_t has_incentive : 1; /* at least one incentives.csv row names it */
	uint32_t amount_unknown : 1; /* an open or lost deal with an empty amount: in counts
					and win rates, in no money sum */
};

enum review_kind { REVIEW_DEAL, REVIEW_QBR, REVIEW_MAPPING };
struct review {
	day_t held_on;
	int partner;
	enum review_kind kind;
};

enum side { SIDE_HOST, SIDE_PARTNER };
struct completion {
	day_t completed_on;
	int partner;
	enum side side;
	int asset;                 /* index into program.assets */
};

struct tier_change {
	day_t changed_on;
	int partner;
	int from_tier, to_tier;    /* indexes into program.tiers */
};

struct forecast {
	int month;                 /* month number (date.h) */
	int partner;
	cents_t amount;
};

struct incentive {
	int deal;                  /* index into deals */
	day_t paid_on;
	cents_t amount;
};

/* The input files, for "has" flags and row counts. */
enum input_file {
	FILE_PROGRAM, FILE_PARTNERS, FILE_DEALS, FILE_REVIEWS, FILE_ENABLEMENT,
	FILE_TIER_CHANGES, FILE_FORECAST, FILE_INCENTIVES, FILE_FX, FILE_COUNT
};
extern const char *const model_file_names[FILE_COUNT]; /* "program.ini", "partners.csv", ... */

/* A report footer skipped at the end of a file (SPEC 2, Reading real
 * exports): its lines and the text of its first line. */
struct footer {
	long first_line, last_line;  /* 0 when the file has none */
	const char *text;            /* in the model's arena */
};

/* An exchange rate used to convert rows into the program's currency:
 * rate = rate_num / 10^rate_scale program-currency units per unit. */
struct fx_use {
	char currency[4];            /* ISO 4217 */
	int month;                   /* month number of the fx.csv rate; -1 for a fixed [fx] rate */
	int64_t rate_num;
	int rate_scale;
	size_t rows;                 /* rows converted at this rate */
};

struct model {
	struct program program;
	struct partner *partners; size_t n_partners;   /* in file order */
	struct deal *deals; size_t n_deals;
	char **accounts; size_t n_accounts; /* deals' account names, each once (arena);
					       accounts[0] is "" */
	struct review *reviews; size_t n_reviews;
	struct completion *completions; size_t n_completions;
	struct tier_change *tier_changes; size_t n_tier_changes; /* sorted by (partner, changed_on), stable */
	struct forecast *forecasts; size_t n_forecasts;
	struct incentive *incentives; size_t n_incentives;
	bool present[FILE_COUNT];  /* the file exists in the data folder */
	size_t rows[FILE_COUNT];   /* data rows read (kept rows) */
	const char *source[FILE_COUNT]; /* the file read, relative to DATA (arena); NULL if none */
	size_t dropped[FILE_COUNT];     /* rows dropped by --skip-bad-rows */
	size_t unknown_amounts[FILE_COUNT]; /* kept rows whose amount is unknown (empty) */
	struct footer footers[FILE_COUNT];
	struct fx_use *fx; size_t n_fx; /* by currency, then month */
	day_t latest_deal_day;     /* latest created_on or closed_on; DAY_NONE if no deals */
	day_t earliest_deal_day;
	struct diag_list warnings; /* never stop a build */
	struct diag_list skipped;  /* rows dropped by --skip-bad-rows (all kept) */
	struct model_private *priv; /* string arena and id indexes (model.c) */
};

/* A new empty model with the program defaults of SPEC 2; free with model_free. */
struct model *model_new(void);
/* Copy s into the model's string arena; the model owns the copy. */
char *model_strdup(struct model *m, const char *s, size_t n);
/* The same into an arena of its own for the strings looked up per row
 * (partner ids; account names are kept there too), so that they share
 * few cache lines. */
char *model_strdup_key(struct model *m, const char *s, size_t n);
/* Index of the tier with this id, or -1. */
int model_tier_index(const struct model *m, const char *id);
/* Index of the partner with this id (O(1) average), or -1. */
int model_partner_index(const struct model *m, const char *id);
/* Index of the deal with this id, or -1: O(log n) while the deals'
 * ids were indexed in increasing order (by position, as an export sorted
 * by id gives them: no table is kept), O(1) average after. */
long model_deal_index(const struct model *m, const char *id);
/* Where an id was looked for among the deals: model_deal_find fills it,
 * model_index_deal_at reads it (one look for a check and an add). */
struct model_probe {
	uint32_t tag;
	bool append;          /* the id comes after every id indexed so far */
	size_t slot, n;
};
/* As model_deal_index for id[0..n) (NUL-terminated at n), remembering in
 * *p where the id would be added. */
long model_deal_find(const struct model *m, const char *id, size_t n, struct model_probe *p);
/* Ask the CPU to fetch where id[0..n) is looked for, ahead of a
 * model_deal_find of it (a million ids do not fit in a cache). */
void model_deal_prefetch(const struct model *m, const char *id, size_t n);
/* About n deals are coming: should their ids need a table, it is made
 * that large at once (no growing as they come). */
void model_expect_deals(struct model *m, size_t n);
/* Add deal i, whose id model_deal_find did not find with *p, with no
 * other deal indexed in between (a BUG otherwise). */
void model_index_deal_at(struct model *m, size_t i, const struct model_probe *p);
/* The index of account name s in m->accounts, adding it when new; 0 for
 * "". Returns -1 when MODEL_MAX_ACCOUNTS names are already kept. */
long model_intern_account(struct model *m, const char *s);
/* The same in steps, for a loop over many rows (a million deals name
 * thousands of accounts, out of any cache by the time a name comes
 * again): model_account_ahead puts where s[0..n) is looked for into *p
 * and asks the CPU to fetch that place; model_account_near, some work
 * later, asks for the name found there; model_intern_account_at interns
 * s[0..n) (NUL-terminated at n) with *p from s. */
void model_account_ahead(const struct model *m, const char *s, size_t n, struct model_probe *p);
void model_account_near(const struct model *m, const struct model_probe *p);
long model_intern_account_at(struct model *m, const char *s, size_t n, const struct model_probe *p);
/* The account name of deal d ("" when none). */
const char *model_deal_account(const struct model *m, const struct deal *d);
/* Add the id of partner/deal i to its index; returns the index of an
 * earlier one with the same id (a duplicate, not added), or -1. */
long model_index_partner(struct model *m, size_t i);
long model_index_deal(struct model *m, size_t i);
/* Sort tier_changes by (partner, changed_on), keeping file order for equal
 * keys, and index them per partner; the loader calls it once. */
void model_index_tier_changes(struct model *m);
/* Tier index of partner p at day d (SPEC 3: tier at date). */
int model_tier_at(const struct model *m, int p, day_t d);
/* True when partner p is active in [start, end] (SPEC 3). */
bool model_partner_active(const struct model *m, int p, day_t start, day_t end);
/* Frees everything the model owns; accepts NULL. */
void model_free(struct model *m);

#endif

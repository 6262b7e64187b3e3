/* init: consumes the files of a data folder (their bytes, each read by
 * init_scan) and produces a plan: which file is partners, deals, ..., which
 * column feeds which field, where each enum value goes, the tiers, their
 * ranks and review cadences, the currency and what needs a rate, the
 * month the fiscal year starts when the deals' fiscal quarters tell it,
 * and the list of what is left to decide. Each guess keeps what it saw,
 * for a comment (init_write.c writes them). It refuses to place what it
 * cannot tell: a value no synonym or guess places, dates whose day never
 * exceeds 12 in any file, a currency with no rate, a required field no
 * column holds; each is a decision left to the user, and a folder with no
 * deals or partners file is refused (->fatal). init_read_folder maps the
 * files and never writes. */
#include "init.h"
#include "init_private.h"

#include "field.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const kind_names[INIT_N_KINDS] = {
	"partners",     "deals",    "reviews",    "enablement",
	"tier_changes", "forecast", "incentives", "fx",
};

const char *init_kind_name(enum init_kind k)
{
	if ((unsigned)k >= INIT_N_KINDS)
		BUG("bad init kind");
	return kind_names[k];
}

/* ------------------------------------------------------------------------
 * Text helpers
 * ---------------------------------------------------------------------- */

/* The name as compared with the names we know: ASCII letters lower-cased
 * and digits kept, every other ASCII character dropped, other bytes kept
 * ("Deal - Won time" and "dealwontime" are the same name). */
static char *normal(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p >= 'A' && *p <= 'Z')
			*o++ = (char)(*p + 32);
		else if ((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p >= 0x80)
			*o++ = (char)*p;
	}
	*o = 0;
	return out;
}

/* A value program.ini cannot hold: a line end, or a ';' that starts it or
 * follows a space (inih reads that as the start of a comment). */
static bool ini_unsafe(const char *s)
{
	for (const char *p = s; *p; p++)
		if (*p == '\n' || *p == '\r' ||
		    (*p == ';' && (p == s || init_is_blank((unsigned char)p[-1]))))
			return true;
	return false;
}

static void add_str(char ***list, size_t *n, char *s)
{
	*list = xrealloc(*list, (*n + 1) * sizeof **list);
	(*list)[(*n)++] = s;
}

static void free_strs(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* ------------------------------------------------------------------------
 * What we know of each file: our fields and the names exports give them
 * ---------------------------------------------------------------------- */

enum ftype { T_ID, T_TEXT, T_DATE, T_AMOUNT, T_COUNT, T_MONTH, T_ENUM, T_CURRENCY, T_RATE };

/* aliases: the names exports give the field, best first, separated by
 * ';'; "A|B" names two columns read as the first non-empty of them.
 * guesses: names that are only a guess for it (said in a comment). */
struct fieldspec {
	const char *name;
	bool required;
	enum ftype type;
	const char *aliases;
	const char *guesses;
};

#define PARTNER_REF                                                                                \
	"partner_id;partner;partner id;partner name;partner account;partner account name;"         \
	"partner account: account name;partner account id;partneraccountid;primary partner;"       \
	"partner_account__c;partner__c;sales partner;referral partner;co-sell partner;"            \
	"deal - partner;activity - partner;account name;account;accountid;company;company name;"   \
	"organization;activity - organization;related to;regarding"

static const struct fieldspec partner_fields[] = {
	{"partner_id", true, T_ID,
	 "partner_id;partner id;partner key;account id;id;record id;company id;organization - id;"
	 "(do not modify) account;partner number",
	 NULL},
	{"name", true, T_TEXT,
	 "name;partner name;partner;account name;company name;company;organization - name;"
	 "organization name;firma",
	 NULL},
	{"tier", true, T_ENUM,
	 "tier;partner tier;partner level;level;program tier;partner program tier;partner_tier__c;"
	 "tier__c;partner tier level;stufe;partnerstufe",
	 NULL},
	{"manager", false, T_TEXT,
	 "manager;partner manager;partner account manager;channel manager;partner_manager__c;"
	 "account owner;owner;ownerid;company owner;betreuer;partnerbetreuer",
	 NULL},
	{"overlap_accounts", false, T_COUNT,
	 "overlap_accounts;overlap accounts;overlapping accounts;shared accounts;account overlap;"
	 "shared target accounts;overlap;overlaps;mapped accounts;overlap_accounts__c;"
	 "gemeinsame kunden;gemeinsame accounts",
	 NULL},
	{"joined_on", true, T_DATE,
	 "joined_on;joined;joined on;join date;date joined;partner since;partner start date;"
	 "start date;onboarded on;onboarding date;program join date;partner_since__c;partner seit;"
	 "beitrittsdatum",
	 "created date;createddate;create date;created on;organization created;add time"},
	{"exited_on", false, T_DATE,
	 "exited_on;exited;exited on;exit date;end date;partner end date;partner until;left on;"
	 "terminated on;termination date;churn date;partnership end;partner_end_date__c;partner bis;"
	 "austrittsdatum",
	 NULL},
};

static const struct fieldspec deal_fields[] = {
	{"deal_id", true, T_ID,
	 "deal_id;deal id;opportunity id;id;record id;deal - id;(do not modify) opportunity;"
	 "opportunityid;opportunity number;verkaufschance-id;verkaufschancen-id",
	 NULL},
	{"partner_id", true, T_ID,
	 "partner_id;partner;partner id;partner name;partner account;partner account name;"
	 "partner account: account name;partner account id;partneraccountid;primary partner;"
	 "partner_account__c;partner__c;sales partner;referral partner;co-sell partner;"
	 "deal - partner",
	 NULL},
	{"account", false, T_TEXT,
	 "account;account name;accountid;associated company;associated company (primary);"
	 "company;deal - organization;potential customer;customer;kunde",
	 NULL},
	{"owner", false, T_TEXT,
	 "owner;opportunity owner;ownerid;deal owner;deal - owner;account executive;sales rep;"
	 "opportunity-inhaber;inhaber;verantwortlich",
	 NULL},
	{"created_on", true, T_DATE,
	 "created_on;created date;createddate;create date;created;created on;date created;"
	 "deal - deal created;deal - add time;erstelldatum;erstellt am",
	 NULL},
	{"closed_on", true, T_DATE,
	 "closed_on;close date;closedate;closed date;closed on;actual close date;"
	 "deal - won time|deal - lost time;deal - deal closed on;deal - close date;schlusstermin;"
	 "abschlussdatum;abgeschlossen am",
	 NULL},
	{"outcome", true, T_ENUM,
	 "outcome;deal - status;status;deal status;opportunity status;stage;stagename;deal stage;"
	 "sales stage;opportunity stage;deal - stage;phase",
	 NULL},
	{"amount", true, T_AMOUNT,
	 "amount;deal - value;value;deal value;actual revenue|est. revenue;actual revenue;revenue;"
	 "opportunity amount;betrag",
	 NULL},
	{"attribution", false, T_ENUM,
	 "attribution;partner attribution;attribution type;partner involvement;partner role;"
	 "co-sell type;cosell type;partner_attribution__c;attribution__c;quelle;partnerquelle",
	 NULL},
	{"stage", false, T_TEXT,
	 "stage;stagename;deal stage;deal - stage;sales stage;opportunity stage;pipeline phase;"
	 "status reason;phase",
	 NULL},
	{"currency", false, T_CURRENCY,
	 "currency;amount currency;transaction currency;currencyisocode;currency code;"
	 "currency iso code;deal - currency;"
	 "opportunity currency;w\xc3\xa4hrung;betrag w\xc3\xa4hrung",
	 NULL},
};

static const struct fieldspec review_fields[] = {
	{"held_on", true, T_DATE,
	 "held_on;held on;held;meeting date;review date;date;activity date;activitydate;"
	 "activity - due date;start date;start;scheduled start;due date",
	 NULL},
	{"partner_id", true, T_ID, PARTNER_REF, NULL},
	{"kind", true, T_ENUM,
	 "kind;review type;meeting type;type;activity type;activity - type;subject", NULL},
};

static const struct fieldspec enablement_fields[] = {
	{"completed_on", true, T_DATE,
	 "completed_on;completed on;completed;completion date;date completed;completed date;date;"
	 "finished on",
	 NULL},
	{"partner_id", true, T_ID, PARTNER_REF, NULL},
	{"side", true, T_ENUM, "side;audience;team;completed by", NULL},
	{"asset", true, T_ENUM, "asset;enablement asset;course;module;training;content;item", NULL},
};

static const struct fieldspec change_fields[] = {
	{"changed_on", true, T_DATE,
	 "changed_on;changed on;change date;edit date;effective date;effective on;date;createddate",
	 NULL},
	{"partner_id", true, T_ID, PARTNER_REF, NULL},
	{"from_tier", true, T_ENUM,
	 "from_tier;from tier;from;old value;oldvalue;previous tier;old tier;prior tier", NULL},
	{"to_tier", true, T_ENUM, "to_tier;to tier;to;new value;newvalue;new tier", NULL},
	{"reason", false, T_TEXT, "reason;change reason;comment;comments;notes", NULL},
};

static const struct fieldspec forecast_fields[] = {
	{"month", true, T_MONTH, "month;forecast month;period;close month;date", NULL},
	{"partner_id", true, T_ID, PARTNER_REF, NULL},
	{"amount", true, T_AMOUNT,
	 "amount;forecast;forecast amount;forecast revenue;committed;commit;expected revenue",
	 NULL},
	{"currency", false, T_CURRENCY, "currency;amount currency;currency code;currencyisocode",
	 NULL},
};

static const struct fieldspec incentive_fields[] = {
	{"deal_id", true, T_ID,
	 "deal_id;deal id;opportunity id;opportunity;deal;deal - id;opportunityid", NULL},
	{"paid_on", true, T_DATE,
	 "paid_on;paid on;paid date;payment date;date paid;payout date;date", NULL},
	{"amount", true, T_AMOUNT,
	 "amount;accelerator;incentive;payout;incentive amount;accelerator amount;spiff;"
	 "paid amount",
	 NULL},
	{"currency", false, T_CURRENCY, "currency;amount currency;currency code;currencyisocode",
	 NULL},
};

/* Not Salesforce's IsoCode and ConversionRate: those rates are units of
 * the currency per unit of the corporate currency, the inverse of ours. */
static const struct fieldspec fx_fields[] = {
	{"currency", true, T_CURRENCY, "currency;currency code;code", NULL},
	{"month", true, T_MONTH, "month;period;date;start date", NULL},
	{"rate", true, T_RATE, "rate;fx rate;exchange rate", NULL},
};

struct kindspec {
	const struct fieldspec *fields;
	size_t n;
	const char *hints; /* words of file names that suggest it, ';'-separated */
};

#define KS(a, h)                                                                                   \
	{                                                                                          \
		a, sizeof a / sizeof a[0], h                                                       \
	}
static const struct kindspec kinds[INIT_N_KINDS] = {
	[INIT_PARTNERS] = KS(partner_fields, "partner;account;compan;organi"),
	[INIT_DEALS] = KS(deal_fields, "deal;opportunit;pipeline"),
	[INIT_REVIEWS] = KS(review_fields, "review;meeting;activit"),
	[INIT_ENABLEMENT] = KS(enablement_fields, "enablement;training;certif;course"),
	[INIT_TIER_CHANGES] = KS(change_fields, "tier_change;tier-change;tierchange;tier change;"
						"history"),
	[INIT_FORECAST] = KS(forecast_fields, "forecast"),
	[INIT_INCENTIVES] = KS(incentive_fields, "incentive;accelerator;spiff;payout;commission"),
	[INIT_FX] = KS(fx_fields, "fx;exchange;rates;currenc"),
};

/* ------------------------------------------------------------------------
 * Matching a header
 * ---------------------------------------------------------------------- */

/* A file's header, normalised once; bare: the name after an entity
 * prefix such as Pipedrive's "Organization - " ("Organization - Partner
 * tier" is also "partnertier"), or NULL. */
struct header {
	const struct init_file *f;
	char **norm, **bare;
};

static const char *const entity_prefixes[] = {"Deal - ", "Organization - ", "Person - ",
					      "Activity - ", "Product - "};

static struct header header_of(const struct init_file *f)
{
	size_t n = f->n_cols ? f->n_cols : 1;
	struct header h = {f, xcalloc(n, sizeof(char *)), xcalloc(n, sizeof(char *))};
	for (size_t i = 0; i < f->n_cols; i++) {
		const char *name = f->cols[i].name;
		h.norm[i] = normal(name);
		for (size_t k = 0; k < sizeof entity_prefixes / sizeof entity_prefixes[0]; k++) {
			size_t len = strlen(entity_prefixes[k]);
			if (!strncasecmp(name, entity_prefixes[k], len) && name[len])
				h.bare[i] = normal(name + len);
		}
	}
	return h;
}

static void header_free(struct header *h)
{
	for (size_t i = 0; h->f && i < h->f->n_cols; i++) {
		free(h->norm[i]);
		free(h->bare[i]);
	}
	free(h->norm);
	free(h->bare);
}

/* The first column whose normalised name, or name after an entity
 * prefix, is that of name[0..n); or -1. */
static int find_column(const struct header *h, const char *name, size_t n)
{
	char *want = xstrndup(name, n), *nw = normal(want);
	int at = -1;
	for (size_t i = 0; i < h->f->n_cols && at < 0; i++)
		if (*nw && !strcmp(h->norm[i], nw))
			at = (int)i;
	for (size_t i = 0; i < h->f->n_cols && at < 0; i++)
		if (*nw && h->bare[i] && !strcmp(h->bare[i], nw))
			at = (int)i;
	free(want);
	free(nw);
	return at;
}

/* Whether column c's values suit type t (an empty column suits any). */
static bool type_fits(const struct init_column *c, enum ftype t)
{
	if (!c->filled)
		return true;
	switch (t) {
	case T_DATE:
		return c->is_date;
	case T_AMOUNT:
	case T_COUNT:
		return c->is_amount;
	case T_RATE:
		return c->is_rate;
	case T_ENUM:
	case T_CURRENCY:
		return !c->many_values;
	case T_MONTH:
	case T_ID:
	case T_TEXT:
		return true;
	}
	return true;
}

/* A match of one field: up to two columns. */
struct match {
	int col[2];
	int n;      /* 0: none */
	bool guess; /* from the guesses list */
	bool fits;  /* the values suit the field */
};

/* The first alternative of list (';'-separated) present in the header,
 * preferring one whose values fit t. */
static struct match match_list(const struct header *h, const char *list, enum ftype t)
{
	struct match first = {{-1, -1}, 0, false, false};
	for (const char *p = list; p && *p;) {
		size_t len = strcspn(p, ";");
		struct match m = {{-1, -1}, 0, false, true};
		const char *q = p, *end = p + len;
		bool all = true;
		while (q < end && all) {
			const char *bar = memchr(q, '|', (size_t)(end - q));
			size_t part = bar ? (size_t)(bar - q) : (size_t)(end - q);
			int c = find_column(h, q, part);
			if (c < 0 || m.n == 2)
				all = false;
			else
				m.col[m.n++] = c;
			q += part + (bar != NULL);
		}
		if (all && m.n) {
			for (int i = 0; i < m.n; i++)
				m.fits &= type_fits(&h->f->cols[m.col[i]], t);
			if (m.fits)
				return m;
			if (!first.n)
				first = m;
		}
		p = *end ? end + 1 : end;
	}
	return first;
}

static struct match match_field(const struct header *h, const struct fieldspec *fs)
{
	struct match m = match_list(h, fs->aliases, fs->type);
	if (!m.fits && fs->guesses) {
		struct match g = match_list(h, fs->guesses, fs->type);
		if (g.n && (g.fits || !m.n)) {
			g.guess = true;
			return g;
		}
	}
	return m;
}

/* How well file h fits kind k: < 0 when it is not that file. */
static int kind_score(const struct header *h, enum init_kind k)
{
	const struct kindspec *ks = &kinds[k];
	int req = 0, got_req = 0, opt = 0, fits = 0, guesses = 0;
	for (size_t i = 0; i < ks->n; i++) {
		struct match m = match_field(h, &ks->fields[i]);
		req += ks->fields[i].required;
		if (!m.n)
			continue;
		if (ks->fields[i].required)
			got_req++;
		else
			opt++;
		fits += m.fits;
		guesses += m.guess;
	}
	if (got_req < 2 || got_req < req - 1 || (req <= 3 && got_req < req))
		return -1;
	char *lower = normal(h->f->name);
	int hint = 0;
	for (const char *p = ks->hints; *p;) {
		size_t len = strcspn(p, ";");
		char *w = xstrndup(p, len), *nw = normal(w);
		hint |= *nw && strstr(lower, nw) != NULL;
		free(w);
		free(nw);
		p += len + (p[len] == ';');
	}
	free(lower);
	return 10 * got_req + 3 * opt + 2 * fits + 6 * hint - 4 * guesses;
}

/* Which system wrote a file, from its header: for comments only. */
static const char *source_of(const struct init_file *f, const struct header *h, enum init_kind k)
{
	bool dynamics = false, pipedrive = false, dataloader = false, sf_report = false,
	     hubspot = false, ours = f->n_cols > 0;
	static const char *const pipedrive_prefixes[] = {"Deal - ", "Organization - ", "Person - ",
							 "Activity - "};
	static const char *const dataloader_names[] = {"StageName",   "AccountId", "OwnerId",
						       "CreatedDate", "CloseDate", "IsWon"};
	for (size_t i = 0; i < f->n_cols; i++) {
		const char *n = f->cols[i].name;
		size_t len = strlen(n);
		dynamics |= !strncasecmp(n, "(Do Not Modify)", 15);
		for (size_t j = 0; j < 4; j++)
			pipedrive |=
				!strncmp(n, pipedrive_prefixes[j], strlen(pipedrive_prefixes[j]));
		for (size_t j = 0; j < 6; j++)
			dataloader |= !strcmp(n, dataloader_names[j]);
		dataloader |= len > 3 && !strcmp(n + len - 3, "__c");
		sf_report |= !strcasecmp(n, "Opportunity Name") ||
			     !strcasecmp(n, "Opportunity Owner") || !strcasecmp(n, "Account Owner");
		hubspot |= !strcasecmp(n, "Deal Stage") || !strcasecmp(n, "Record ID") ||
			   !strcasecmp(n, "Company owner") || !strcasecmp(n, "Deal owner");
		bool known = false;
		for (size_t j = 0; j < kinds[k].n && !known; j++)
			known = !strcasecmp(n, kinds[k].fields[j].name);
		ours &= known;
	}
	(void)h;
	/* Salesforce's report footer: "Grand Totals (3000 records)", ... */
	sf_report |= !strncmp(f->footer, "Grand Totals", 12) ||
		     !strncmp(f->footer, "Confidential Information", 24) ||
		     !strncmp(f->footer, "Generated By:", 13) || strstr(f->footer, "salesforce.com");
	return dynamics     ? "a Dynamics 365 export"
	       : pipedrive  ? "a Pipedrive export"
	       : dataloader ? "a Salesforce Data Loader export"
	       : sf_report  ? "a Salesforce report export"
	       : hubspot    ? "a HubSpot export"
	       : ours       ? "reviewpack's own format"
			    : NULL;
}

/* ------------------------------------------------------------------------
 * Placing enum values
 * ---------------------------------------------------------------------- */

/* A guess: a value (normalised as normal() does) and where it goes. */
struct guess {
	const char *norm;
	const char *target;
	const char *why;
};

static const char W_SF[] = "a Salesforce open stage";
static const char W_HS[] = "a HubSpot open stage";
static const char W_OPEN[] = "an open status";
static const char W_STAGE[] = "reads as an open stage";
static const char W_WON[] = "reads as won";
static const char W_LOST[] = "reads as lost";

static const struct guess outcome_guesses[] = {
	{"dealwon", "won", W_WON},
	{"win", "won", W_WON},
	{"wonclosed", "won", W_WON},
	{"closedwonbooked", "won", W_WON},
	{"geschlossenundgewonnen", "won", W_WON},
	{"gewonnen", "won", W_WON},
	{"gagn\xc3\xa9", "won", W_WON},
	{"ganada", "won", W_WON},
	{"cerradaganada", "won", W_WON},
	{"vinto", "won", W_WON},
	{"deallost", "lost", W_LOST},
	{"loss", "lost", W_LOST},
	{"lostclosed", "lost", W_LOST},
	{"geschlossenundverloren", "lost", W_LOST},
	{"verloren", "lost", W_LOST},
	{"perdu", "lost", W_LOST},
	{"perdida", "lost", W_LOST},
	{"cerradaperdida", "lost", W_LOST},
	{"perso", "lost", W_LOST},
	{"prospecting", "open", W_SF},
	{"qualification", "open", W_SF},
	{"needsanalysis", "open", W_SF},
	{"valueproposition", "open", W_SF},
	{"iddecisionmakers", "open", W_SF},
	{"perceptionanalysis", "open", W_SF},
	{"proposalpricequote", "open", W_SF},
	{"negotiationreview", "open", W_SF},
	{"appointmentscheduled", "open", W_HS},
	{"qualifiedtobuy", "open", W_HS},
	{"presentationscheduled", "open", W_HS},
	{"decisionmakerboughtin", "open", W_HS},
	{"contractsent", "open", W_HS},
	{"inprogress", "open", W_OPEN},
	{"onhold", "open", W_OPEN},
	{"active", "open", W_OPEN},
	{"new", "open", W_STAGE},
	{"discovery", "open", W_STAGE},
	{"qualified", "open", W_STAGE},
	{"proposal", "open", W_STAGE},
	{"negotiation", "open", W_STAGE},
	{"demo", "open", W_STAGE},
	{"lead", "open", W_STAGE},
	{"offen", "open", W_OPEN},
};

static const char W_ATTR[] = "reads as that attribution";
static const char W_NONE[] = "reads as no attribution: untagged, or direct";
static const struct guess attribution_guesses[] = {
	{"partnersourced", "sourced", W_ATTR},
	{"sourcedbypartner", "sourced", W_ATTR},
	{"partnerreferral", "sourced", W_ATTR},
	{"referral", "sourced", W_ATTR},
	{"partneroriginated", "sourced", W_ATTR},
	{"originated", "sourced", W_ATTR},
	{"originatingpartner", "sourced", W_ATTR},
	{"partnersourcedlead", "sourced", W_ATTR},
	{"partnerlead", "sourced", W_ATTR},
	{"cosellingpartner", "influenced", W_ATTR},
	{"coselling", "influenced", W_ATTR},
	{"influencingpartner", "influenced", W_ATTR},
	{"partnerunterst\xc3\xbctzung", "influenced", W_ATTR},
	{"partnerinfluenced", "influenced", W_ATTR},
	{"influencedbypartner", "influenced", W_ATTR},
	{"assisted", "influenced", W_ATTR},
	{"partnerassisted", "influenced", W_ATTR},
	{"cosell", "influenced", W_ATTR},
	{"partnerinvolved", "influenced", W_ATTR},
	{"partnertouched", "influenced", W_ATTR},
	{"none", "none", W_NONE},
	{"nopartner", "none", W_NONE},
	{"direct", "none", W_NONE},
	{"na", "none", W_NONE},
	{"direkt", "none", W_NONE},
	{"", "none", W_NONE},
};

static const char W_KIND[] = "reads as that kind of review";
static const struct guess kind_guesses[] = {
	{"dealreview", "deal_review", W_KIND},
	{"pipelinereview", "deal_review", W_KIND},
	{"opportunityreview", "deal_review", W_KIND},
	{"weeklydealreview", "deal_review", W_KIND},
	{"dealreviewmeeting", "deal_review", W_KIND},
	{"pipelinecall", "deal_review", W_KIND},
	{"qbr", "qbr", W_KIND},
	{"quarterlybusinessreview", "qbr", W_KIND},
	{"quarterlyreview", "qbr", W_KIND},
	{"businessreview", "qbr", W_KIND},
	{"accountmapping", "account_mapping", W_KIND},
	{"mapping", "account_mapping", W_KIND},
	{"accountmap", "account_mapping", W_KIND},
	{"mappingsession", "account_mapping", W_KIND},
};

static const char W_SIDE[] = "reads as that side";
static const struct guess side_guesses[] = {
	{"hostside", "host", W_SIDE},
	{"internal", "host", W_SIDE},
	{"us", "host", W_SIDE},
	{"ourside", "host", W_SIDE},
	{"ourteam", "host", W_SIDE},
	{"vendor", "host", W_SIDE},
	{"partnerside", "partner", W_SIDE},
	{"external", "partner", W_SIDE},
	{"partnerteam", "partner", W_SIDE},
	{"theirside", "partner", W_SIDE},
};

/* What the loader reads with no [values] line: the enum's own values and
 * its built-in synonyms, folded (SPEC 2, "Values"). "none" is not one. */
struct builtin {
	const char *field;
	const char *folded;
	const char *target;
};
static const struct builtin builtins[] = {
	{"outcome", "open", "open"},
	{"outcome", "won", "won"},
	{"outcome", "lost", "lost"},
	{"outcome", "closed won", "won"},
	{"outcome", "closedwon", "won"},
	{"outcome", "closed lost", "lost"},
	{"outcome", "closedlost", "lost"},
	{"attribution", "sourced", "sourced"},
	{"attribution", "influenced", "influenced"},
	{"attribution", "partner sourced", "sourced"},
	{"attribution", "partner influenced", "influenced"},
	{"kind", "deal_review", "deal_review"},
	{"kind", "qbr", "qbr"},
	{"kind", "account_mapping", "account_mapping"},
	{"side", "host", "host"},
	{"side", "partner", "partner"},
};

struct enumspec {
	const char *field;
	const struct guess *guesses;
	size_t n;
};
static const struct enumspec enum_specs[] = {
	{"outcome", outcome_guesses, sizeof outcome_guesses / sizeof outcome_guesses[0]},
	{"attribution", attribution_guesses,
	 sizeof attribution_guesses / sizeof attribution_guesses[0]},
	{"kind", kind_guesses, sizeof kind_guesses / sizeof kind_guesses[0]},
	{"side", side_guesses, sizeof side_guesses / sizeof side_guesses[0]},
};

/* Place one value of field: read as is (its own name or a built-in
 * synonym), else its own name spelled another way ("Deal Review"), else a
 * guess, else undecided (target NULL). */
static void place(const char *field, struct init_placed *pv, struct buf *fold)
{
	init_fold(fold, pv->text, strlen(pv->text));
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++)
		if (!strcmp(builtins[i].field, field) && !strcmp(builtins[i].folded, fold->data)) {
			pv->target = builtins[i].target;
			pv->why = xstrdup(strcmp(fold->data, pv->target) ? "built in"
									 : "its own name");
			return;
		}
	char *n = normal(pv->text);
	for (size_t i = 0; i < sizeof builtins / sizeof builtins[0] && !pv->target; i++) {
		if (strcmp(builtins[i].field, field) ||
		    strcmp(builtins[i].folded, builtins[i].target))
			continue;
		char *own = normal(builtins[i].target);
		if (*n && !strcmp(own, n)) {
			pv->target = builtins[i].target;
			pv->why = xstrdup("its own name, spelled another way");
		}
		free(own);
	}
	for (size_t e = 0; e < sizeof enum_specs / sizeof enum_specs[0] && !pv->target; e++) {
		if (strcmp(enum_specs[e].field, field))
			continue;
		for (size_t i = 0; i < enum_specs[e].n && !pv->target; i++)
			if (!strcmp(enum_specs[e].guesses[i].norm, n)) {
				pv->target = enum_specs[e].guesses[i].target;
				pv->why = xstrdup(enum_specs[e].guesses[i].why);
			}
	}
	if (!pv->target && !strcmp(field, "side")) { /* "Partner Sellers", "Host Team" */
		bool partner = strstr(n, "partner") != NULL, host = strstr(n, "host") != NULL;
		if (partner != host) {
			pv->target = partner ? "partner" : "host";
			pv->why = xstrdup(partner ? "its name says partner" : "its name says host");
		}
	}
	pv->needs_line = pv->target != NULL;
	if (pv->needs_line && ini_unsafe(pv->text)) { /* it cannot be written: the user decides */
		pv->target = NULL;
		pv->needs_line = false;
		free(pv->why);
		pv->why = NULL;
	}
	free(n);
}

/* ------------------------------------------------------------------------
 * The plan
 * ---------------------------------------------------------------------- */

struct planner {
	struct init_plan *p;
	struct header *heads;                /* per file */
	struct match *matches[INIT_N_KINDS]; /* per field of the kind's file */
	struct buf fold;
};

static void decide(struct planner *pl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct planner *pl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static char *vformat(const char *fmt, va_list ap)
{
	struct buf b = {0};
	buf_vprintf(&b, fmt, ap);
	return buf_detach(&b);
}

/* What check refuses until the user decides it. */
static void decide(struct planner *pl, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_str(&pl->p->decide, &pl->p->n_decide, vformat(fmt, ap));
	va_end(ap);
}

/* A guess worth a look. */
static void note(struct planner *pl, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	add_str(&pl->p->notes, &pl->p->n_notes, vformat(fmt, ap));
	va_end(ap);
}

static const struct init_file *file_of(const struct planner *pl, enum init_kind k)
{
	int i = pl->p->kinds[k].file;
	return i < 0 ? NULL : pl->p->files[i];
}

/* The column feeding field of kind k (the first of two), or NULL. */
static const struct init_column *column_of(const struct planner *pl, enum init_kind k,
					   const char *field)
{
	const struct init_file *f = file_of(pl, k);
	for (size_t i = 0; f && i < kinds[k].n; i++)
		if (!strcmp(kinds[k].fields[i].name, field) && pl->matches[k][i].n)
			return &f->cols[pl->matches[k][i].col[0]];
	return NULL;
}

static int column_index(const struct planner *pl, enum init_kind k, const char *field)
{
	const struct init_file *f = file_of(pl, k);
	const struct init_column *c = column_of(pl, k, field);
	return c ? (int)(c - f->cols) : -1;
}

/* Which file is which: the best-scoring pairs first, each file and each
 * kind used once. */
static void assign_files(struct planner *pl)
{
	struct init_plan *p = pl->p;
	size_t n = p->n_files;
	int *score = xcalloc(n * INIT_N_KINDS + 1, sizeof *score);
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < INIT_N_KINDS; k++)
			score[i * INIT_N_KINDS + k] =
				p->files[i]->problem ? -1
						     : kind_score(&pl->heads[i], (enum init_kind)k);
	bool *used = xcalloc(n + 1, sizeof *used);
	for (;;) {
		int best = -1;
		size_t bi = 0;
		int bk = 0;
		for (size_t i = 0; i < n; i++)
			for (int k = 0; k < INIT_N_KINDS; k++) {
				int s = score[i * INIT_N_KINDS + k];
				/* ties within a kind: the later name, most often the newer export */
				if (!used[i] && p->kinds[k].file < 0 && s >= 0 &&
				    (s > best || (s == best && k == bk)))
					best = s, bi = i, bk = k;
			}
		if (best < 0)
			break;
		used[bi] = true;
		p->kinds[bk].file = (int)bi;
	}
	/* files that also looked like a kind another file took */
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < INIT_N_KINDS && !used[i]; k++) {
			struct init_filemap *fm = &p->kinds[k];
			if (score[i * INIT_N_KINDS + k] < 0 || fm->file < 0)
				continue;
			char *old = fm->also;
			fm->also = old ? xasprintf("%s, %s", old, p->files[i]->name)
				       : xstrdup(p->files[i]->name);
			free(old);
			used[i] = true;
		}
	free(used);
	free(score);
}

/* path for a file: a glob when its name carries a date or a number that
 * the next export changes and the glob matches no other file; glob's
 * special characters escaped; characters program.ini cannot hold as ?. */
static bool only_match(const struct init_plan *p, const char *pattern, const char *name)
{
	size_t hits = 0;
	for (size_t i = 0; i < p->n_files; i++)
		hits += !fnmatch(pattern, p->files[i]->name, FNM_PERIOD);
	return hits == 1 && !fnmatch(pattern, name, FNM_PERIOD);
}

/* s[0..n), a part of the name: first when it starts the name, last when
 * it ends it (a blank there would be trimmed from the value). */
static void put_glob_literal(struct buf *b, const char *s, size_t n, bool first, bool last)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool unsafe = c < 0x20 || c == 0x7f ||
			      (c == ';' && i && init_is_blank((unsigned char)s[i - 1])) ||
			      (((i == 0 && first) || (i + 1 == n && last)) && init_is_blank(c));
		if (unsafe)
			buf_putc(b, '?');
		else {
			if (strchr("*?[]\\", c))
				buf_putc(b, '\\');
			buf_putc(b, (char)c);
		}
	}
}

static void set_path(struct init_plan *p, struct init_filemap *fm, const char *name)
{
	size_t len = strlen(name);
	const char *dot = strrchr(name, '.');
	size_t stem = dot ? (size_t)(dot - name) : len;
	/* the longest run of digits and - _ . between digits with 6+ digits */
	size_t best_at = 0, best_len = 0;
	for (size_t i = 0; i < stem;) {
		if (name[i] < '0' || name[i] > '9') {
			i++;
			continue;
		}
		size_t j = i, digits = 0, last = i;
		while (j < stem && ((name[j] >= '0' && name[j] <= '9') || strchr("-_.", name[j]))) {
			if (name[j] >= '0' && name[j] <= '9')
				digits++, last = j;
			j++;
		}
		if (digits >= 6 && last + 1 - i > best_len)
			best_at = i, best_len = last + 1 - i;
		i = j;
	}
	struct buf b = {0};
	if (best_len) {
		put_glob_literal(&b, name, best_at, true, false);
		buf_putc(&b, '*');
		put_glob_literal(&b, name + best_at + best_len, len - best_at - best_len, false, true);
		if (only_match(p, buf_cstr(&b), name)) {
			fm->path = buf_detach(&b);
			fm->path_why =
				xasprintf("the name carries a date or number (\"%.*s\"): next "
					  "month's export matches too",
					  (int)best_len, name + best_at);
			return;
		}
		buf_reset(&b);
	}
	put_glob_literal(&b, name, len, true, true);
	fm->path = buf_detach(&b);
}

static void describe_match(struct buf *b, const struct init_file *f, const struct match *m,
			   const struct fieldspec *fs)
{
	if (m->guess)
		buf_puts(b, "a guess: ");
	buf_puts(b, m->n == 2 ? "the first non-empty of " : "");
	for (int i = 0; i < m->n; i++)
		buf_printf(b, "%s\"%s\"", i ? " and " : "", f->cols[m->col[i]].name);
	const struct init_column *c = &f->cols[m->col[0]];
	size_t filled = c->filled;
	if (m->n == 2 && f->cols[m->col[1]].filled > filled)
		filled = f->cols[m->col[1]].filled;
	/* "hold dates" only when every filled value reads as one */
	if (m->fits && (fs->type == T_DATE || fs->type == T_AMOUNT))
		buf_printf(b, ", %zu of %zu rows hold %s", filled, f->rows,
			   fs->type == T_DATE ? "dates" : "amounts");
	else if ((fs->type == T_ENUM || fs->type == T_CURRENCY) && !c->many_values)
		buf_printf(b, ", %zu distinct value%s in %zu rows", c->n_values,
			   c->n_values == 1 ? "" : "s", filled);
	else
		buf_printf(b, ", %zu of %zu rows filled", filled, f->rows);
	if (!m->fits)
		buf_printf(b, "; not every value reads as %s",
			   fs->type == T_DATE     ? "a date"
			   : fs->type == T_AMOUNT ? "an amount"
			   : fs->type == T_COUNT  ? "a whole number"
			   : fs->type == T_RATE   ? "a rate"
						  : "one of a few values");
	if (m->guess && !strcmp(fs->name, "joined_on"))
		buf_puts(b, "; no join date column, so the record's creation date");
}

static void map_columns(struct planner *pl, enum init_kind k)
{
	struct init_plan *p = pl->p;
	struct init_filemap *fm = &p->kinds[k];
	const struct init_file *f = p->files[fm->file];
	const struct kindspec *ks = &kinds[k];
	const struct header *h = &pl->heads[fm->file];
	fm->source = source_of(f, h, k);
	set_path(p, fm, f->name);
	fm->fields = xcalloc(ks->n, sizeof *fm->fields);
	fm->n_fields = ks->n;
	pl->matches[k] = xcalloc(ks->n, sizeof *pl->matches[k]);
	for (size_t i = 0; i < ks->n; i++) {
		const struct fieldspec *fs = &ks->fields[i];
		struct init_field *fd = &fm->fields[i];
		struct match m = match_field(h, fs);
		fd->field = fs->name;
		fd->required = fs->required;
		if (!m.n && k == INIT_PARTNERS && !strcmp(fs->name, "partner_id")) {
			struct match nm = match_field(h, &ks->fields[1]); /* the name is the id */
			if (nm.n) {
				m = nm;
				fd->columns = xstrdup(f->cols[m.col[0]].name);
				fd->why = xstrdup(
					"no id column: the name is the partner's id (deals may "
					"name their partner by name)");
				pl->matches[k][i] = m;
				continue;
			}
		}
		if (!m.n && fs->type == T_CURRENCY && k != INIT_FX) {
			/* Salesforce reports name it after the amount: "Forecast Amount Currency" */
			for (size_t j = 0; j < i && !m.n; j++)
				if (ks->fields[j].type == T_AMOUNT && pl->matches[k][j].n == 1) {
					char *cur =
						xasprintf("%s Currency",
							  f->cols[pl->matches[k][j].col[0]].name);
					m = match_list(h, cur, T_CURRENCY);
					free(cur);
				}
		}
		pl->matches[k][i] = m;
		if (!m.n) {
			if (fs->required)
				decide(pl,
				       "[columns %s] %s: no column of %s looks like it; name the "
				       "one that holds it",
				       kind_names[k], fs->name, f->name);
			continue;
		}
		struct buf cols = {0}, why = {0};
		for (int j = 0; j < m.n; j++)
			buf_printf(&cols, "%s%s", j ? " | " : "", f->cols[m.col[j]].name);
		fd->columns = buf_detach(&cols);
		if (ini_unsafe(fd->columns) || (m.n == 1 && strchr(fd->columns, '|'))) {
			decide(pl,
			       "[columns %s] %s: its column \"%s\" holds a line end, a \";\" after a "
			       "space (a comment in program.ini) or a \"|\" (two columns); rename "
			       "the column",
			       kind_names[k], fs->name, fd->columns);
			fd->why = xasprintf("its column \"%s\" cannot be written here: rename it in "
					    "the export", fd->columns);
			free(fd->columns);
			fd->columns = NULL;
			pl->matches[k][i].n = 0;
			buf_free(&why);
			continue;
		}
		fd->same_name = m.n == 1 && !strcasecmp(f->cols[m.col[0]].name, fs->name) && m.fits;
		if (!fd->same_name) {
			describe_match(&why, f, &m, fs);
			fd->why = buf_detach(&why);
		}
		if (!m.fits && fs->required)
			decide(pl,
			       "[columns %s] %s = %s: not every value reads as it should "
			       "(check will say which rows)",
			       kind_names[k], fs->name, fd->columns);
	}
}

/* Whether kind k maps a field of type t onto a column of its file. */
static bool maps_type(const struct planner *pl, enum init_kind k, enum ftype t)
{
	for (size_t i = 0; i < kinds[k].n; i++)
		if (kinds[k].fields[i].type == t && pl->matches[k][i].n)
			return true;
	return false;
}

/* Each file's date format and decimal mark. A file whose d/m/yyyy dates
 * never exceed 12 takes the format the other files show, when they all
 * show the same one; else it is left to the user. */
static void dates_and_decimals(struct planner *pl)
{
	struct init_plan *p = pl->p;
	int shown = -1;
	const char *shown_by = NULL, *shown_ex = NULL;
	bool conflict = false;
	for (int k = 0; k < INIT_N_KINDS; k++) {
		const struct init_file *f = file_of(pl, (enum init_kind)k);
		if (!f || f->dates != INIT_DATES_FORMAT || f->date_format == DATE_DMY_DOT)
			continue;
		if (shown >= 0 && shown != (int)f->date_format)
			conflict = true;
		if (shown < 0)
			shown = (int)f->date_format, shown_by = f->name, shown_ex = f->date_example;
	}
	for (int k = 0; k < INIT_N_KINDS; k++) {
		const struct init_file *f = file_of(pl, (enum init_kind)k);
		struct init_filemap *fm = &p->kinds[k];
		if (!f)
			continue;
		bool dated = maps_type(pl, (enum init_kind)k, T_DATE) ||
			     maps_type(pl, (enum init_kind)k, T_MONTH);
		if (dated && f->zoned) {
			p->zoned = true;
			if (!p->timezone_why)
				p->timezone_why =
					xasprintf("dates in %s carry a time zone (\"%s\"): each "
						  "is read as the date it falls on in this zone",
						  f->name, f->zoned_example);
		}
		switch (dated ? f->dates : INIT_DATES_NONE) {
		case INIT_DATES_NONE:
		case INIT_DATES_ISO:
			break;
		case INIT_DATES_FORMAT:
			fm->date_format_set = true;
			fm->date_format = f->date_format;
			fm->date_why = xasprintf("dates such as \"%s\"", f->date_example);
			break;
		case INIT_DATES_AMBIGUOUS:
			if (shown >= 0 && !conflict) {
				fm->date_format_set = true;
				fm->date_format = (enum date_format)shown;
				fm->date_why = xasprintf(
					"no date here has a number above 12 (\"%s\" reads "
					"both ways); %s's dates (\"%s\") read %s",
					f->date_example, shown_by, shown_ex,
					init_date_format_name((enum date_format)shown));
				note(pl,
				     "[file %s] date_format = %s: taken from %s, as no date in %s "
				     "tells",
				     kind_names[k], init_date_format_name((enum date_format)shown),
				     shown_by, f->name);
			} else {
				fm->date_why = xasprintf(
					"ambiguous: no date has a number above 12 (\"%s\" "
					"reads as MM/DD/YYYY and as DD/MM/YYYY)",
					f->date_example);
				decide(pl,
				       "[file %s] date_format: MM/DD/YYYY or DD/MM/YYYY? No date in %s "
				       "has a day above 12 (\"%s\")",
				       kind_names[k], f->name, f->date_example);
			}
			break;
		case INIT_DATES_MIXED:
			fm->date_why = xasprintf("dates in two formats that contradict (\"%s\" and "
						 "\"%s\")",
						 f->date_example, f->date_example2);
			decide(pl, "[file %s] date_format: %s mixes date formats (\"%s\", \"%s\")",
			       kind_names[k], f->name, f->date_example, f->date_example2);
			break;
		}
		bool money = maps_type(pl, (enum init_kind)k, T_AMOUNT) ||
			     maps_type(pl, (enum init_kind)k, T_RATE) ||
			     maps_type(pl, (enum init_kind)k, T_COUNT); /* "1.015" */
		if (money && f->decimal == INIT_DECIMAL_COMMA)
			fm->decimal = ',';
		else if (money && f->decimal == INIT_DECIMAL_MIXED)
			decide(pl,
			       "[file %s] decimal: %s has amounts with both decimal marks (\"%s\")",
			       kind_names[k], f->name, f->decimal_example);
	}
}

/* ------------------------------------------------------------------------
 * Enum values, tiers, assets
 * ---------------------------------------------------------------------- */

static struct init_enum *new_enum(struct init_plan *p, enum init_kind k, const char *field,
				  const struct init_column *c)
{
	p->enums = xrealloc(p->enums, (p->n_enums + 1) * sizeof *p->enums);
	struct init_enum *e = &p->enums[p->n_enums++];
	*e = (struct init_enum){
		.kind = k, .field = field, .column = c->name, .many_values = c->many_values};
	e->values = xcalloc(c->n_values ? c->n_values : 1, sizeof *e->values);
	for (size_t i = 0; i < c->n_values; i++)
		e->values[i] = (struct init_placed){.text = xstrdup(c->values[i].text),
						    .rows = c->values[i].rows};
	e->n_values = c->n_values;
	return e;
}

/* The tier id for a label: lower-case ASCII letters and digits, other
 * runs as '-', unique among the tiers so far. */
static char *tier_id(const struct init_plan *p, const char *label)
{
	struct buf b = {0};
	bool dash = false;
	for (const unsigned char *s = (const unsigned char *)label; *s; s++) {
		bool alnum = (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') ||
			     (*s >= 'A' && *s <= 'Z');
		if (alnum) {
			if (dash && b.len)
				buf_putc(&b, '-');
			buf_putc(&b, (char)(*s >= 'A' && *s <= 'Z' ? *s + 32 : *s));
			dash = false;
		} else {
			dash = true;
		}
	}
	if (!b.len)
		buf_puts(&b, "tier");
	char *base = buf_detach(&b), *id = xstrdup(base);
	for (int n = 2;; n++) {
		bool taken = false;
		for (size_t i = 0; i < p->n_tiers && !taken; i++)
			taken = !strcmp(p->tiers[i].id, id);
		if (!taken)
			break;
		free(id);
		id = xasprintf("%s-%d", base, n);
	}
	free(base);
	return id;
}

/* The tiers: one per distinct value of partners' tier (and of tier
 * changes' from and to), in order of partners. keys: folded values. */
static void make_tiers(struct planner *pl, char ***keys)
{
	struct init_plan *p = pl->p;
	const struct init_column *cols[3] = {
		column_of(pl, INIT_PARTNERS, "tier"),
		column_of(pl, INIT_TIER_CHANGES, "from_tier"),
		column_of(pl, INIT_TIER_CHANGES, "to_tier"),
	};
	for (int c = 0; c < 3; c++) {
		if (!cols[c] || cols[c]->many_values)
			continue;
		for (size_t i = 0; i < cols[c]->n_values; i++) {
			const struct init_value *v = &cols[c]->values[i];
			init_fold(&pl->fold, v->text, strlen(v->text));
			size_t t = 0;
			while (t < p->n_tiers && strcmp((*keys)[t], pl->fold.data))
				t++;
			if (t == p->n_tiers) {
				p->tiers = xrealloc(p->tiers, (p->n_tiers + 1) * sizeof *p->tiers);
				char *id = tier_id(p, v->text);
				char *label = xstrdup(v->text);
				if (!strcmp(label, id) && label[0] >= 'a' && label[0] <= 'z')
					label[0] = (char)(label[0] -
							  32); /* "strategic" -> "Strategic" */
				for (char *q = label; !strcmp(v->text, id) && *q; q++)
					if (*q == '-' || *q == '_')
						*q = ' ';
				p->tiers[p->n_tiers] = (struct init_tier){.id = id, .label = label};
				*keys = xrealloc(*keys, (p->n_tiers + 1) * sizeof **keys);
				(*keys)[p->n_tiers++] = xstrdup(pl->fold.data);
			}
			if (c == 0)
				p->tiers[t].partners += v->rows;
		}
	}
	if (cols[0] && cols[0]->many_values)
		decide(pl,
		       "[values partners] tier: column \"%s\" has more than %d distinct values; "
		       "is it the tier?",
		       cols[0]->name, INIT_MAX_VALUES);
	static const char *const fields[3] = {"tier", "from_tier", "to_tier"};
	for (int c = 0; c < 3; c++) {
		if (!cols[c] || cols[c]->many_values)
			continue;
		struct init_enum *e =
			new_enum(p, c ? INIT_TIER_CHANGES : INIT_PARTNERS, fields[c], cols[c]);
		for (size_t i = 0; i < e->n_values; i++) {
			init_fold(&pl->fold, e->values[i].text, strlen(e->values[i].text));
			for (size_t t = 0; t < p->n_tiers; t++)
				if (!strcmp((*keys)[t], pl->fold.data)) {
					e->values[i].target = p->tiers[t].id;
					e->values[i].needs_line =
						strcmp(e->values[i].text, p->tiers[t].id) != 0;
				}
			if (e->values[i].needs_line && ini_unsafe(e->values[i].text)) {
				decide(pl,
				       "[values %s] %s: the value \"%s\" holds a line end or a \";\" "
				       "after a space, which program.ini cannot hold; rename it in the "
				       "export",
				       kind_names[e->kind], e->field, e->values[i].text);
				e->values[i].target = NULL;
				e->values[i].needs_line = false;
			}
		}
	}
}

static void place_enums(struct planner *pl)
{
	struct init_plan *p = pl->p;
	static const struct {
		enum init_kind kind;
		const char *field;
	} fields[] = {
		{INIT_DEALS, "outcome"},
		{INIT_DEALS, "attribution"},
		{INIT_REVIEWS, "kind"},
		{INIT_ENABLEMENT, "side"},
	};
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		const struct init_column *c = column_of(pl, fields[i].kind, fields[i].field);
		if (!c)
			continue;
		struct init_enum *e = new_enum(p, fields[i].kind, fields[i].field, c);
		if (e->many_values) {
			decide(pl,
			       "[columns %s] %s = %s: more than %d distinct values; is it the %s?",
			       kind_names[e->kind], e->field, c->name, INIT_MAX_VALUES, e->field);
			continue;
		}
		struct buf open = {0};
		size_t n_open = 0;
		for (size_t v = 0; v < e->n_values; v++) {
			struct init_placed *pv = &e->values[v];
			place(e->field, pv, &pl->fold);
			if (!pv->target && n_open++ < 3)
				buf_printf(&open, "%s\"%s\" (%zu row%s)", n_open > 1 ? ", " : "",
					   pv->text, pv->rows, pv->rows == 1 ? "" : "s");
		}
		if (n_open > 3)
			buf_printf(&open, " and %zu more", n_open - 3);
		if (n_open)
			decide(pl, "[values %s] %s: column \"%s\" has %s no %s matches yet: %s",
			       kind_names[e->kind], e->field, c->name,
			       n_open == 1 ? "a value" : "values", e->field, buf_cstr(&open));
		buf_free(&open);
	}
	/* the assets: every value of the asset column, in the order first seen */
	const struct init_column *ac = column_of(pl, INIT_ENABLEMENT, "asset");
	if (ac && !ac->many_values && ac->n_values) {
		struct init_enum *e = new_enum(p, INIT_ENABLEMENT, "asset", ac);
		size_t n = ac->n_values;
		size_t *order = xcalloc(n, sizeof *order);
		for (size_t i = 0; i < n; i++)
			order[i] = i;
		for (size_t i = 1; i < n; i++)
			for (size_t j = i; j && ac->values[order[j - 1]].first_row >
							ac->values[order[j]].first_row;
			     j--) {
				size_t t = order[j];
				order[j] = order[j - 1];
				order[j - 1] = t;
			}
		for (size_t i = 0; i < n; i++) {
			const char *text = ac->values[order[i]].text;
			if (strchr(text, ',') || strchr(text, '"') || ini_unsafe(text)) {
				decide(pl,
				       "[program] enablement_assets: the asset \"%s\" holds a comma, "
				       "a quote, a line end or a \";\" after a space; name it in "
				       "enablement_assets and map it in [values enablement]",
				       text);
				continue;
			}
			add_str(&p->assets, &p->n_assets, xstrdup(text));
		}
		for (size_t i = 0; i < e->n_values; i++) {
			e->values[i].target = e->values[i].text;
			e->values[i].why = xstrdup("one of enablement_assets");
		}
		p->assets_why =
			xasprintf("the %zu values of column \"%s\" in %s, in the order first "
				  "completed",
				  n, ac->name, file_of(pl, INIT_ENABLEMENT)->name);
		free(order);
	} else if (ac && ac->many_values) {
		decide(pl,
		       "[program] enablement_assets: column \"%s\" has more than %d distinct "
		       "values; is it the asset?",
		       ac->name, INIT_MAX_VALUES);
	} else if (ac) {
		decide(pl,
		       "[program] enablement_assets: column \"%s\" holds no value; name the assets "
		       "partners complete here, and fill the column in the export",
		       ac->name);
	}
}

/* ------------------------------------------------------------------------
 * Tier ranks and review cadence
 * ---------------------------------------------------------------------- */

/* Read the rows of an assigned file again: (fields, n) per data row. */
typedef void (*data_fn)(void *ctx, const struct init_row *r);
struct data_pass {
	data_fn fn;
	void *ctx;
	size_t n_cols;
};

static void data_row(void *ctx, const struct init_row *r, size_t index)
{
	struct data_pass *dp = ctx;
	size_t filled = 0;
	for (size_t i = 0; i < r->n; i++)
		filled += r->f[i].len > 0;
	if (index && filled && !(filled == 1 && dp->n_cols > 1))
		dp->fn(dp->ctx, r);
}

static void each_row(const struct init_file *f, data_fn fn, void *ctx)
{
	struct data_pass dp = {fn, ctx, f->n_cols};
	char delim = f->delimiter, enc[16];
	struct decode_error e;
	init_read_rows(f->bytes, f->n_bytes, strcmp(f->encoding, "utf-8") ? f->encoding : NULL,
		       &delim, enc, data_row, &dp, &e);
}

static const char *field_at(const struct init_row *r, int col)
{
	return col >= 0 && (size_t)col < r->n ? init_row_field(r, (size_t)col) : "";
}

struct held {
	size_t partner;
	day_t day;
};

struct cadence {
	struct planner *pl;
	char **tier_keys;
	int c_id, c_name, c_tier; /* partners' columns */
	char **ids, **names;      /* per partner; names folded */
	int *tier;
	size_t n, cap;
	int c_date, c_partner, c_kind; /* reviews' columns */
	const struct init_enum *kinds;
	enum date_format fmt;
	struct held *held;
	size_t n_held, cap_held;
};

static void cadence_partner(void *ctx, const struct init_row *r)
{
	struct cadence *cd = ctx;
	init_fold(&cd->pl->fold, field_at(r, cd->c_tier), strlen(field_at(r, cd->c_tier)));
	int tier = -1;
	for (size_t t = 0; t < cd->pl->p->n_tiers && tier < 0; t++)
		if (!strcmp(cd->tier_keys[t], cd->pl->fold.data))
			tier = (int)t;
	if (cd->n == cd->cap) {
		cd->cap = cd->cap ? cd->cap * 2 : 64;
		cd->ids = xrealloc(cd->ids, cd->cap * sizeof *cd->ids);
		cd->names = xrealloc(cd->names, cd->cap * sizeof *cd->names);
		cd->tier = xrealloc(cd->tier, cd->cap * sizeof *cd->tier);
	}
	const char *name = field_at(r, cd->c_name);
	init_fold(&cd->pl->fold, name, strlen(name));
	cd->ids[cd->n] = xstrdup(field_at(r, cd->c_id));
	cd->names[cd->n] = xstrdup(cd->pl->fold.data);
	cd->tier[cd->n++] = tier;
}

/* The partner a reference names: by id, else by name, else by a
 * Salesforce id's first 15 characters (SPEC 2, partner references). */
static long find_partner(struct cadence *cd, const char *ref)
{
	for (size_t i = 0; i < cd->n; i++)
		if (!strcmp(cd->ids[i], ref))
			return (long)i;
	init_fold(&cd->pl->fold, ref, strlen(ref));
	for (size_t i = 0; i < cd->n; i++)
		if (!strcmp(cd->names[i], cd->pl->fold.data))
			return (long)i;
	size_t len = strlen(ref);
	for (size_t i = 0; (len == 15 || len == 18) && i < cd->n; i++) {
		size_t il = strlen(cd->ids[i]);
		if ((il == 15 || il == 18) && !strncmp(cd->ids[i], ref, 15))
			return (long)i;
	}
	return -1;
}

static void cadence_review(void *ctx, const struct init_row *r)
{
	struct cadence *cd = ctx;
	const char *kind = field_at(r, cd->c_kind);
	init_fold(&cd->pl->fold, kind, strlen(kind));
	bool deal_review = false;
	struct buf other = {0};
	for (size_t i = 0; i < cd->kinds->n_values && !deal_review; i++) {
		init_fold(&other, cd->kinds->values[i].text, strlen(cd->kinds->values[i].text));
		deal_review = !strcmp(other.data, cd->pl->fold.data) &&
			      cd->kinds->values[i].target &&
			      !strcmp(cd->kinds->values[i].target, "deal_review");
	}
	buf_free(&other);
	if (!deal_review)
		return;
	long partner = find_partner(cd, field_at(r, cd->c_partner));
	const char *d = field_at(r, cd->c_date), *why;
	day_t day;
	if (partner < 0 || !field_parse_date(d, strlen(d), cd->fmt, NULL, &day, &why))
		return;
	if (cd->n_held == cd->cap_held) {
		cd->cap_held = cd->cap_held ? cd->cap_held * 2 : 256;
		cd->held = xrealloc(cd->held, cd->cap_held * sizeof *cd->held);
	}
	cd->held[cd->n_held].partner = (size_t)partner;
	cd->held[cd->n_held++].day = day;
}

static int cmp_held(const void *a, const void *b)
{
	const struct held *x = a, *y = b;
	if (x->partner != y->partner)
		return x->partner < y->partner ? -1 : 1;
	return (x->day > y->day) - (x->day < y->day);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* The cadence nearest a median gap, by ratio: weekly, fortnightly,
 * monthly, every two months, quarterly. */
static int snap_cadence(double days)
{
	static const int steps[] = {7, 14, 30, 60, 90};
	int best = steps[0];
	double best_r = 1e9;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		double r = days > steps[i] ? days / steps[i] : steps[i] / (days > 0 ? days : 1);
		if (r < best_r)
			best_r = r, best = steps[i];
	}
	return best;
}

/* review_every_days per tier: the median gap between its partners'
 * consecutive deal reviews, snapped to a usual cadence. *measured[t] is
 * the number of gaps seen. */
static void review_cadence(struct planner *pl, char **tier_keys, size_t *gaps_seen, double *median)
{
	struct init_plan *p = pl->p;
	const struct init_file *pf = file_of(pl, INIT_PARTNERS), *rf = file_of(pl, INIT_REVIEWS);
	const struct init_enum *ke = NULL;
	for (size_t i = 0; i < p->n_enums; i++)
		if (p->enums[i].kind == INIT_REVIEWS && !strcmp(p->enums[i].field, "kind"))
			ke = &p->enums[i];
	if (!pf || !rf || !ke ||
	    (rf->dates != INIT_DATES_ISO && !p->kinds[INIT_REVIEWS].date_format_set))
		return;
	struct cadence cd = {
		.pl = pl,
		.tier_keys = tier_keys,
		.c_id = column_index(pl, INIT_PARTNERS, "partner_id"),
		.c_name = column_index(pl, INIT_PARTNERS, "name"),
		.c_tier = column_index(pl, INIT_PARTNERS, "tier"),
		.c_date = column_index(pl, INIT_REVIEWS, "held_on"),
		.c_partner = column_index(pl, INIT_REVIEWS, "partner_id"),
		.c_kind = column_index(pl, INIT_REVIEWS, "kind"),
		.kinds = ke,
		.fmt = p->kinds[INIT_REVIEWS].date_format_set ? p->kinds[INIT_REVIEWS].date_format
							      : DATE_ISO,
	};
	if (cd.c_id < 0 || cd.c_tier < 0 || cd.c_date < 0 || cd.c_partner < 0 || cd.c_kind < 0)
		return;
	each_row(pf, cadence_partner, &cd);
	each_row(rf, cadence_review, &cd);
	if (cd.n_held) /* none: cd.held is NULL, which qsort must not get */
		qsort(cd.held, cd.n_held, sizeof *cd.held, cmp_held);
	for (size_t t = 0; t < p->n_tiers; t++) {
		int *gaps = xcalloc(cd.n_held + 1, sizeof *gaps);
		size_t ng = 0;
		for (size_t i = 1; i < cd.n_held; i++) {
			size_t partner = cd.held[i].partner;
			if (partner != cd.held[i - 1].partner || cd.tier[partner] != (int)t)
				continue;
			int gap = cd.held[i].day - cd.held[i - 1].day;
			if (gap > 0)
				gaps[ng++] = gap;
		}
		qsort(gaps, ng, sizeof *gaps, cmp_int);
		gaps_seen[t] = ng;
		if (ng)
			median[t] = ng % 2 ? gaps[ng / 2] : (gaps[ng / 2 - 1] + gaps[ng / 2]) / 2.0;
		free(gaps);
	}
	for (size_t i = 0; i < cd.n; i++) {
		free(cd.ids[i]);
		free(cd.names[i]);
	}
	free(cd.ids);
	free(cd.names);
	free(cd.tier);
	free(cd.held);
}

/* Tier names in their usual order, top first. */
static const char *const tier_words[] = {
	"diamond",    "platinum",   "elite",  "premier",   "premium",  "strategic", "gold",
	"advanced",   "select",     "silver", "core",      "growth",   "bronze",    "emerging",
	"registered", "authorized", "member", "associate", "standard", "basic",
};

static int tier_word(const char *label)
{
	char *n = normal(label);
	int at = -1;
	for (size_t i = 0; i < sizeof tier_words / sizeof tier_words[0] && at < 0; i++)
		if (strstr(n, tier_words[i]))
			at = (int)i;
	free(n);
	return at;
}

/* The first number in a label ("Tier 2"), or -1. */
static long tier_number(const char *label)
{
	const char *d = strpbrk(label, "0123456789");
	return d ? strtol(d, NULL, 10) : -1;
}

struct tier_key {
	size_t index;
	double key;
	const char *label;
};

static int cmp_tier_key(const void *a, const void *b)
{
	const struct tier_key *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return strcmp(x->label, y->label);
}

/* Rank the tiers: by their names' usual order, else by the numbers in
 * them, else by review cadence (the more frequent above), else by size
 * (the fewer partners above); set review_every_days. */
static void rank_tiers(struct planner *pl, char **tier_keys)
{
	struct init_plan *p = pl->p;
	size_t n = p->n_tiers;
	if (!n)
		return;
	size_t *gaps = xcalloc(n, sizeof *gaps);
	double *median = xcalloc(n, sizeof *median);
	review_cadence(pl, tier_keys, gaps, median);
	struct tier_key *k = xcalloc(n, sizeof *k);
	const char *how[] = {"the usual order of tier names", "the numbers in the names",
			     "review cadence, the most frequent first",
			     "number of partners, the fewest first"};
	int by = 0;
	for (; by < 4; by++) {
		bool distinct = true;
		for (size_t i = 0; i < n; i++) {
			double v = by == 0   ? tier_word(p->tiers[i].label)
				   : by == 1 ? tier_number(p->tiers[i].label)
				   : by == 2 ? (gaps[i] ? median[i] : -1)
					     : (double)p->tiers[i].partners;
			k[i] = (struct tier_key){i, v, p->tiers[i].label};
			distinct &= v >= 0 || by == 3;
			for (size_t j = 0; j < i && distinct && by < 3; j++)
				distinct = k[j].key != v;
		}
		if (distinct)
			break;
	}
	qsort(k, n, sizeof *k, cmp_tier_key);
	struct buf order = {0};
	for (size_t i = 0; i < n; i++)
		buf_printf(&order, "%s%s", i ? " > " : "", p->tiers[k[i].index].label);
	for (size_t i = 0; i < n; i++) {
		struct init_tier *t = &p->tiers[k[i].index];
		t->rank = (int)i + 1;
		t->rank_why = n == 1 ? xstrdup("the only tier")
				     : xasprintf("ranked by %s: %s", how[by], buf_cstr(&order));
		size_t ti = k[i].index;
		if (gaps[ti]) {
			t->review_every_days = snap_cadence(median[ti]);
			t->every_why =
				xasprintf("its partners' deal reviews came a median %.0f days "
					  "apart (%zu gaps)",
					  median[ti], gaps[ti]);
		} else { /* the usual operating model: weekly at the top, monthly below */
			t->review_every_days = i == 0 && n > 1 ? 7 : 30;
			t->every_why =
				xasprintf("a guess (%s): %s; set the cadence you expect",
					  file_of(pl, INIT_REVIEWS) ? "no deal reviews of its "
								      "partners to measure"
								    : "no reviews file to measure",
					  n == 1   ? "monthly"
					  : i == 0 ? "weekly for the top tier"
						   : "monthly below the top tier");
		}
	}
	if (n > 1)
		note(pl, "[tier] ranks: %s (by %s); change rank = to reorder", buf_cstr(&order),
		     how[by]);
	buf_free(&order);
	/* the sections in rank order */
	struct init_tier *sorted = xcalloc(n, sizeof *sorted);
	for (size_t i = 0; i < n; i++)
		sorted[p->tiers[i].rank - 1] = p->tiers[i];
	memcpy(p->tiers, sorted, n * sizeof *sorted);
	free(sorted);
	free(k);
	free(gaps);
	free(median);
}

/* ------------------------------------------------------------------------
 * Currency
 * ---------------------------------------------------------------------- */

/* Currency names some exports write instead of codes (Dynamics). */
static const struct {
	const char *norm, *code;
} currency_names[] = {
	{"usdollar", "USD"},       {"unitedstatesdollar", "USD"},
	{"dollar", "USD"},         {"euro", "EUR"},
	{"britishpound", "GBP"},   {"poundsterling", "GBP"},
	{"japaneseyen", "JPY"},    {"yen", "JPY"},
	{"canadiandollar", "CAD"}, {"australiandollar", "AUD"},
	{"swissfranc", "CHF"},     {"indianrupee", "INR"},
	{"swedishkrona", "SEK"},   {"norwegiankrone", "NOK"},
	{"danishkrone", "DKK"},    {"singaporedollar", "SGD"},
	{"brazilianreal", "BRL"},  {"mexicanpeso", "MXN"},
};

/* An ISO code for what an amount or a currency column names ("EUR", "€",
 * "US Dollar"), or NULL. */
static const char *code_for(const char *named)
{
	if (field_currency_valid(named) && strlen(named) == 3)
		return NULL; /* the caller uses the code itself */
	/* The first that a symbol agrees with is its code ("$" USD, "kr" SEK);
	 * every symbol an amount may carry (field.c) agrees with one. */
	static const char *const common[] = {"USD", "EUR", "GBP", "JPY", "INR", "CHF", "SEK",
					     "PLN", "CZK", "BRL", "KRW", "ZAR", "TRY", "ILS",
					     "RUB", "HUF", "RON", "THB", "IDR", "MYR", "CAD",
					     "AUD", "NZD", "SGD", "HKD", "MXN", "TWD", "VND",
					     "PHP", "UAH", "NGN", "PYG", "CRC", "KZT"};
	for (size_t i = 0; i < sizeof common / sizeof common[0]; i++)
		if (field_currency_agrees(named, common[i]))
			return common[i];
	char *n = normal(named);
	const char *code = NULL;
	for (size_t i = 0; i < sizeof currency_names / sizeof currency_names[0] && !code; i++)
		if (!strcmp(n, currency_names[i].norm))
			code = currency_names[i].code;
	free(n);
	return code;
}

static bool is_code(const char *s)
{
	return strlen(s) == 3 && field_currency_valid(s);
}

static void add_rate(struct init_plan *p, const char *code, size_t rows)
{
	for (size_t i = 0; i < p->n_rates; i++)
		if (!strcmp(p->rates[i].code, code)) {
			p->rates[i].rows += rows;
			return;
		}
	p->rates = xrealloc(p->rates, (p->n_rates + 1) * sizeof *p->rates);
	struct init_rate *r = &p->rates[p->n_rates++];
	*r = (struct init_rate){.rows = rows};
	snprintf(r->code, sizeof r->code, "%s", code);
}

/* The program's currency (deals' currency column, else the symbol on
 * deals' amounts, else USD) and the other currencies that need a rate. */
static void currencies(struct planner *pl)
{
	struct init_plan *p = pl->p;
	const struct init_file *df = file_of(pl, INIT_DEALS);
	const struct init_column *cc = column_of(pl, INIT_DEALS, "currency");
	const struct init_column *ac = column_of(pl, INIT_DEALS, "amount");
	if (cc && cc->n_values && !cc->many_values) {
		const struct init_value *top = &cc->values[0];
		bool codes = true;
		for (size_t i = 0; i < cc->n_values; i++)
			codes &= is_code(cc->values[i].text);
		if (codes) {
			p->currency = xstrdup(top->text);
			p->currency_why =
				xasprintf("%zu of %zu rows of %s are in %s (column \"%s\")",
					  top->rows, cc->filled, df->name, top->text, cc->name);
		} else if (cc->n_values == 1 && code_for(top->text) &&
			   strcasecmp(cc->name, "currency")) {
			p->currency = xstrdup(code_for(top->text));
			p->currency_why = xasprintf("every row of %s says \"%s\" (column \"%s\")",
						    df->name, top->text, cc->name);
			/* one currency named, not coded: the column is not read */
			struct init_filemap *fm = &p->kinds[INIT_DEALS];
			for (size_t i = 0; i < fm->n_fields; i++)
				if (!strcmp(fm->fields[i].field, "currency")) {
					free(fm->fields[i].columns);
					free(fm->fields[i].why);
					fm->fields[i].columns = NULL;
					fm->fields[i].why = NULL;
					pl->matches[INIT_DEALS][i].n = 0;
				}
		} else {
			/* name a value that is not a code (the top one may be) */
			const struct init_value *named = top;
			for (size_t i = 1; is_code(named->text) && i < cc->n_values; i++)
				named = &cc->values[i];
			decide(pl,
			       "[columns deals] currency: column \"%s\" holds names such as \"%s\", "
			       "not ISO codes such as EUR%s",
			       cc->name, named->text,
			       strcasecmp(cc->name, "currency")
				       ? ""
				       : "; export the currency's code instead");
			const char *code = is_code(top->text) ? top->text : code_for(top->text);
			if (code) {
				p->currency = xstrdup(code);
				p->currency_why = xasprintf(
					"%zu of %zu rows of %s say \"%s\" (column \"%s\")",
					top->rows, cc->filled, df->name, top->text, cc->name);
			}
		}
	} else if (ac && ac->symbol[0]) {
		const char *code = is_code(ac->symbol) ? ac->symbol : code_for(ac->symbol);
		p->currency = xstrdup(code ? code : "USD");
		p->currency_why = xasprintf(
			"%zu amounts in %s say \"%s\"%s", ac->symbol_rows, df->name, ac->symbol,
			!strcmp(ac->symbol, "$") ? " (also CAD, AUD, ...: change "
						   "it if yours is)"
						 : "");
		if (ac->mixed_symbols)
			decide(pl,
			       "[columns deals] currency: amounts in %s name more than one "
			       "currency, and no column gives each row's",
			       df->name);
	}
	if (!p->currency) {
		p->currency = xstrdup("USD");
		p->currency_why = xstrdup("no amount names a currency: USD, the default (change it "
					  "to yours)");
		note(pl, "[program] currency = USD: no amount names one; change it to yours");
	}
	static const enum init_kind with_currency[] = {INIT_DEALS, INIT_FORECAST, INIT_INCENTIVES};
	for (size_t k = 0; k < 3; k++) {
		const struct init_column *c = column_of(pl, with_currency[k], "currency");
		for (size_t i = 0; c && !c->many_values && i < c->n_values; i++)
			if (is_code(c->values[i].text) && strcmp(c->values[i].text, p->currency))
				add_rate(p, c->values[i].text, c->values[i].rows);
	}
	for (size_t i = 0; i < p->n_rates; i++) {
		struct init_rate *r = &p->rates[i];
		if (file_of(pl, INIT_FX)) {
			r->from_file = true;
			r->why = xasprintf("%zu row%s in %s: rates from %s", r->rows,
					   r->rows == 1 ? "" : "s", r->code,
					   file_of(pl, INIT_FX)->name);
			continue;
		}
		r->why = xasprintf("%zu row%s in %s: the rate is %s per %s", r->rows,
				   r->rows == 1 ? "" : "s", r->code, p->currency, r->code);
		decide(pl, "[fx] %s: %zu row%s in %s; give its rate in %s (or add an fx file)",
		       r->code, r->rows, r->rows == 1 ? " is" : "s are", r->code, p->currency);
	}
}

/* ------------------------------------------------------------------------
 * Fiscal year
 * ---------------------------------------------------------------------- */

/* Columns of a deals export that name each deal's fiscal quarter, that of
 * its close date, best first: Salesforce reports' "Fiscal Period"
 * ("Q3-2026") and "Fiscal Quarter" (3), Data Loader's FiscalQuarter (3)
 * and Fiscal ("2026 3"). */
static const char *const fiscal_columns[] = {"fiscal period", "fiscal quarter", "fiscal"};

static bool ascii_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* The quarter, 1..4, a value names: one "Q" and a digit 1..4 ("Q3-2026",
 * "FY2027 Q3"), a lone digit ("3") or "YYYY Q" ("2026 3"); 0 when it
 * names none. */
static int fiscal_quarter(const char *v)
{
	size_t n = strlen(v);
	if (n == 1 && v[0] >= '1' && v[0] <= '4')
		return v[0] - '0';
	if (n == 6 && strspn(v, "0123456789") == 4 && v[4] == ' ' && v[5] >= '1' && v[5] <= '4')
		return v[5] - '0';
	int q = 0;
	for (size_t i = 0; i + 1 < n; i++) {
		unsigned char before = i ? (unsigned char)(v[i - 1] | 0x20) : ' ';
		bool alone = !(before >= 'a' && before <= 'z') &&
			     (i + 2 == n || !ascii_digit((unsigned char)v[i + 2]));
		if ((v[i] == 'Q' || v[i] == 'q') && v[i + 1] >= '1' && v[i + 1] <= '4' && alone) {
			if (q)
				return 0; /* two quarters */
			q = v[i + 1] - '0';
		}
	}
	return q;
}

/* The start months m (as bit m - 1) of the fiscal years that start on the
 * 1st of a month and put calendar month month (1..12) in fiscal quarter q:
 * each m with ((month - m) mod 12) / 3 + 1 = q. */
static unsigned fiscal_starts(int month, int q)
{
	unsigned bits = 0;
	for (int m = 1; m <= 12; m++)
		if ((month - m + 12) % 12 / 3 + 1 == q)
			bits |= 1u << (m - 1);
	return bits;
}

struct fiscal {
	int c_quarter;
	struct match close;           /* closed_on's column(s) */
	enum date_format fmt;
	unsigned starts;              /* the start months every row so far agrees with */
	size_t rows;                  /* rows with a quarter and a close date */
	char *bad;                    /* the first value that names no quarter */
	char *clash, *clash_date;     /* the row after which no start month fits */
};

static void fiscal_row(void *ctx, const struct init_row *r)
{
	struct fiscal *fy = ctx;
	const char *q = field_at(r, fy->c_quarter), *close = field_at(r, fy->close.col[0]), *why;
	if (!*close && fy->close.n == 2)
		close = field_at(r, fy->close.col[1]);
	day_t day;
	if (!*q || !*close || !field_parse_date(close, strlen(close), fy->fmt, NULL, &day, &why))
		return;
	int quarter = fiscal_quarter(q);
	if (!quarter) {
		if (!fy->bad)
			fy->bad = xstrdup(q);
		return;
	}
	int y, m, d;
	date_to_ymd(day, &y, &m, &d);
	unsigned before = fy->starts;
	fy->starts &= fiscal_starts(m, quarter);
	fy->rows++;
	if (before && !fy->starts) {
		fy->clash = xstrdup(q);
		fy->clash_date = xstrdup(close);
	}
}

/* fiscal_year_start from the deals' fiscal quarter column: the one start
 * month every row agrees with; none or several are said (->fiscal_why),
 * and the line is left to the user. */
static void fiscal_year(struct planner *pl)
{
	struct init_plan *p = pl->p;
	const struct init_file *f = file_of(pl, INIT_DEALS);
	const struct header *h = &pl->heads[p->kinds[INIT_DEALS].file];
	int col = -1;
	for (size_t i = 0; i < sizeof fiscal_columns / sizeof fiscal_columns[0] && col < 0; i++)
		col = find_column(h, fiscal_columns[i], strlen(fiscal_columns[i]));
	if (col < 0)
		return;
	const char *name = f->cols[col].name;
	struct fiscal fy = {.c_quarter = col, .starts = 0xfff};
	for (size_t i = 0; i < kinds[INIT_DEALS].n; i++)
		if (!strcmp(kinds[INIT_DEALS].fields[i].name, "closed_on"))
			fy.close = pl->matches[INIT_DEALS][i];
	const struct init_filemap *fm = &p->kinds[INIT_DEALS];
	if (!fy.close.n || (f->dates != INIT_DATES_ISO && !fm->date_format_set)) {
		p->fiscal_why = xasprintf("column \"%s\" gives each deal's fiscal quarter, but the "
					  "close dates are not read yet (their column or format is "
					  "left to decide): set the month your fiscal year starts, "
					  "if not January",
					  name);
		return;
	}
	fy.fmt = fm->date_format_set ? fm->date_format : DATE_ISO;
	each_row(f, fiscal_row, &fy);
	const char *rows = fy.rows == 1 ? "row's" : "rows'", *agree = fy.rows == 1 ? "agrees" : "agree";
	int n = 0, first = 0;
	for (int m = 12; m >= 1; m--)
		if (fy.starts & 1u << (m - 1))
			n++, first = m;
	if (fy.bad) {
		p->fiscal_why = xasprintf("column \"%s\" has a value that names no fiscal quarter "
					  "(\"%s\"): set the month your fiscal year starts, if not "
					  "January",
					  name, fy.bad);
	} else if (!fy.rows) {
		p->fiscal_why = xasprintf("column \"%s\" is empty on every deal with a close "
					  "date: set the month your fiscal year starts, if not "
					  "January",
					  name);
	} else if (n == 1) {
		p->fiscal_year_start = first;
		p->fiscal_why = xasprintf("%zu %s \"%s\" %s with a year starting in %s", fy.rows,
					  rows, name, agree, month_name(p->fiscal_year_start));
	} else if (!n) {
		p->fiscal_why = xasprintf("no year of calendar months fits every row's \"%s\" "
					  "(\"%s\" for close date \"%s\" contradicts the rows "
					  "before it): set the month your fiscal year starts, if "
					  "not January",
					  name, fy.clash, fy.clash_date);
	} else {
		struct buf months = {0};
		int seen = 0;
		for (int m = 1; m <= 12; m++)
			if (fy.starts & 1u << (m - 1))
				buf_printf(&months, "%s%s", !seen++ ? "" : seen == n ? " or " : ", ",
					   month_name(m));
		p->fiscal_why = xasprintf("%zu %s \"%s\" %s with a year starting in %s: set "
					  "the one yours starts in",
					  fy.rows, rows, name, agree, buf_cstr(&months));
		buf_free(&months);
	}
	free(fy.bad);
	free(fy.clash);
	free(fy.clash_date);
}

/* ------------------------------------------------------------------------
 * Detection of a folder
 * ---------------------------------------------------------------------- */

/* "a, b, c, ... (N columns)" of a header, for messages. */
static void put_header(struct buf *b, const struct init_file *f)
{
	size_t shown = f->n_cols < 8 ? f->n_cols : 8;
	for (size_t i = 0; i < shown; i++)
		buf_printf(b, "%s\"%s\"", i ? ", " : "", f->cols[i].name);
	if (shown < f->n_cols)
		buf_printf(b, ", ... (%zu columns)", f->n_cols);
}

/* What became of each file, one line each, for the fatal message. */
static void put_files(struct buf *b, const struct init_plan *p)
{
	for (size_t i = 0; i < p->n_files; i++) {
		const struct init_file *f = p->files[i];
		buf_printf(b, "\n  %s: ", f->name);
		int kind = -1;
		for (int k = 0; k < INIT_N_KINDS; k++)
			if (p->kinds[k].file == (int)i)
				kind = k;
		if (f->problem)
			buf_printf(b, "not read: %s", f->problem);
		else if (kind >= 0)
			buf_printf(b, "%s%s%s", kind_names[kind], p->kinds[kind].source ? ", " : "",
				   p->kinds[kind].source ? p->kinds[kind].source : "");
		else {
			buf_puts(b, "not recognised; its columns: ");
			put_header(b, f);
		}
	}
}

static const char *const what_needed[INIT_N_KINDS] = {
	[INIT_PARTNERS] = "a partner id or name, a tier and a join date",
	[INIT_DEALS] = "a deal id, the partner, created and close dates, an outcome or stage, "
		       "and an amount",
};

static int cmp_input(const void *a, const void *b)
{
	const struct init_input *x = *(const struct init_input *const *)a;
	const struct init_input *y = *(const struct init_input *const *)b;
	return strcmp(x->name, y->name);
}

struct init_plan *init_detect(const struct init_input *in, size_t n)
{
	struct init_plan *p = xcalloc(1, sizeof *p);
	struct planner pl = {.p = p};
	const struct init_input **sorted = xcalloc(n ? n : 1, sizeof *sorted);
	for (size_t i = 0; i < n; i++)
		sorted[i] = &in[i];
	qsort(sorted, n, sizeof *sorted, cmp_input);
	p->files = xcalloc(n ? n : 1, sizeof *p->files);
	pl.heads = xcalloc(n ? n : 1, sizeof *pl.heads);
	for (size_t i = 0; i < n; i++) {
		p->files[p->n_files++] = init_scan(sorted[i]->name, sorted[i]->bytes, sorted[i]->n);
		pl.heads[i] = header_of(p->files[i]);
	}
	free(sorted);
	for (int k = 0; k < INIT_N_KINDS; k++)
		p->kinds[k].file = -1;
	assign_files(&pl);
	for (int k = 0; k < INIT_N_KINDS; k++)
		if (p->kinds[k].file >= 0)
			map_columns(&pl, (enum init_kind)k);
	static const enum init_kind needed[] = {INIT_DEALS, INIT_PARTNERS};
	for (size_t i = 0; i < 2 && !p->fatal; i++) {
		if (p->kinds[needed[i]].file >= 0)
			continue;
		struct buf b = {0};
		buf_printf(&b,
			   "no %s file: none of the %zu file%s read has the columns of one (%s)",
			   kind_names[needed[i]], p->n_files, p->n_files == 1 ? "" : "s",
			   what_needed[needed[i]]);
		if (!p->n_files)
			buf_puts(&b, "; the folder holds no CSV file");
		put_files(&b, p);
		p->fatal = buf_detach(&b);
	}
	if (!p->fatal) {
		char **tier_keys = NULL;
		dates_and_decimals(&pl);
		make_tiers(&pl, &tier_keys);
		place_enums(&pl);
		rank_tiers(&pl, tier_keys);
		currencies(&pl);
		fiscal_year(&pl);
		for (size_t t = 0; t < p->n_tiers; t++)
			free(tier_keys[t]);
		free(tier_keys);
		if (p->zoned)
			note(&pl,
			     "[program] timezone = UTC: dates carry a time zone; set yours "
			     "(e.g. America/New_York) if the day a deal closed should be yours");
		for (size_t i = 0; i < p->n_files; i++) {
			const struct init_file *f = p->files[i];
			bool used = false;
			for (int k = 0; k < INIT_N_KINDS; k++)
				used |= p->kinds[k].file == (int)i;
			bool also = false;
			for (int k = 0; k < INIT_N_KINDS; k++)
				also |= p->kinds[k].also && strstr(p->kinds[k].also, f->name);
			if (f->problem)
				note(&pl, "%s: not read: %s", f->name, f->problem);
			else if (!used && !also)
				note(&pl, "%s: not recognised, not read", f->name);
		}
		for (int k = 0; k < INIT_N_KINDS; k++)
			if (p->kinds[k].also)
				note(&pl,
				     "[file %s] also looks like %s: %s (not read; point path at the "
				     "one you mean)",
				     kind_names[k], kind_names[k], p->kinds[k].also);
		note(&pl, "[program] name: set your program's name (shown on every page)");
		if (p->fiscal_why && !p->fiscal_year_start)
			note(&pl, "[program] fiscal_year_start: %s", p->fiscal_why);
		else if (!p->fiscal_why)
			note(&pl, "[program] fiscal_year_start: the month your fiscal year starts, "
				  "if not January (year-to-date figures follow it)");
	}
	for (size_t i = 0; i < p->n_files; i++) {
		header_free(&pl.heads[i]);
		p->files[i]->bytes = NULL;
		p->files[i]->n_bytes = 0;
	}
	for (int k = 0; k < INIT_N_KINDS; k++)
		free(pl.matches[k]);
	free(pl.heads);
	buf_free(&pl.fold);
	return p;
}

void init_plan_free(struct init_plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n_files; i++)
		init_file_free(p->files[i]);
	free(p->files);
	free_strs(p->skipped, p->n_skipped);
	for (int k = 0; k < INIT_N_KINDS; k++) {
		struct init_filemap *fm = &p->kinds[k];
		for (size_t i = 0; i < fm->n_fields; i++) {
			free(fm->fields[i].columns);
			free(fm->fields[i].why);
		}
		free(fm->fields);
		free(fm->path);
		free(fm->path_why);
		free(fm->date_why);
		free(fm->also);
	}
	free(p->currency);
	free(p->currency_why);
	free(p->timezone_why);
	free_strs(p->assets, p->n_assets);
	free(p->assets_why);
	for (size_t i = 0; i < p->n_tiers; i++) {
		free(p->tiers[i].id);
		free(p->tiers[i].label);
		free(p->tiers[i].rank_why);
		free(p->tiers[i].every_why);
	}
	free(p->tiers);
	for (size_t i = 0; i < p->n_enums; i++) {
		for (size_t v = 0; v < p->enums[i].n_values; v++) {
			free(p->enums[i].values[v].text);
			free(p->enums[i].values[v].why);
		}
		free(p->enums[i].values);
	}
	free(p->enums);
	for (size_t i = 0; i < p->n_rates; i++)
		free(p->rates[i].why);
	free(p->rates);
	free(p->fiscal_why);
	free_strs(p->decide, p->n_decide);
	free_strs(p->notes, p->n_notes);
	free(p->fatal);
	free(p);
}

/* ------------------------------------------------------------------------
 * Reading a folder
 * ---------------------------------------------------------------------- */

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n > m && !strcasecmp(s + n - m, suffix);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct init_plan *init_read_folder(const char *dir, char **io_error)
{
	*io_error = NULL;
	DIR *d = opendir(dir);
	if (!d) {
		*io_error = xasprintf("cannot read '%s': %s", dir, strerror(errno));
		return NULL;
	}
	char **names = NULL, **workbooks = NULL;
	size_t n = 0, n_wb = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		const char *nm = de->d_name;
		if (nm[0] == '.')
			continue;
		if (ends_with(nm, ".csv") || ends_with(nm, ".tsv") || ends_with(nm, ".txt"))
			add_str(&names, &n, xstrdup(nm));
		else if (ends_with(nm, ".xlsx") || ends_with(nm, ".xls"))
			add_str(&workbooks, &n_wb, xstrdup(nm));
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof *names, cmp_names);
	if (n_wb)
		qsort(workbooks, n_wb, sizeof *workbooks, cmp_names);
	struct init_input *in = xcalloc(n ? n : 1, sizeof *in);
	size_t n_in = 0;
	for (size_t i = 0; i < n && !*io_error; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		struct stat st;
		if (fd < 0 || fstat(fd, &st)) {
			*io_error = xasprintf("cannot read '%s': %s", path, strerror(errno));
		} else if (S_ISREG(st.st_mode)) {
			void *map = NULL;
			if (st.st_size > 0) {
				map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
				if (map == MAP_FAILED) {
					*io_error = xasprintf("cannot read '%s': %s", path,
							      strerror(errno));
					map = NULL;
				}
			}
			if (!*io_error)
				in[n_in++] = (struct init_input){names[i], map ? map : "",
								 map ? (size_t)st.st_size : 0};
		}
		if (fd >= 0)
			close(fd);
		free(path);
	}
	struct init_plan *p = *io_error ? NULL : init_detect(in, n_in);
	for (size_t i = 0; i < n_in; i++)
		if (in[i].n)
			munmap((void *)in[i].bytes, in[i].n);
	free(in);
	free_strs(names, n);
	if (p) {
		for (size_t i = 0; i < n_wb; i++) {
			add_str(&p->notes, &p->n_notes,
				xasprintf(
					"%s: a workbook, not read: save it as CSV (UTF-8) to use it",
					workbooks[i]));
			add_str(&p->skipped, &p->n_skipped, xstrdup(workbooks[i]));
		}
	}
	free_strs(workbooks, n_wb);
	return p;
}

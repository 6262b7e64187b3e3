/* init: from a folder of raw export files to the program.ini that reads
 * them (SPEC 2, "Reading real exports"). Two steps, kept apart:
 *   detection (init_scan, init_detect): pure functions of the files'
 *     bytes; each guess carries what it saw;
 *   writing (init_write): the plan as program.ini text, every guess a
 *     comment, every value it could not place a commented-out line.
 * init_read_folder is the only part that touches the file system, and it
 * only reads. */
#ifndef REVIEWPACK_INIT_H
#define REVIEWPACK_INIT_H

#include <stdbool.h>
#include <stddef.h>

#include "date.h"

/* The files of SPEC 2, in [file NAME] order. */
enum init_kind {
	INIT_PARTNERS, INIT_DEALS, INIT_REVIEWS, INIT_ENABLEMENT, INIT_TIER_CHANGES,
	INIT_FORECAST, INIT_INCENTIVES, INIT_FX, INIT_N_KINDS
};
/* "partners", "deals", ...: the NAME of [file NAME]; static. */
const char *init_kind_name(enum init_kind k);

/* ------------------------------------------------------------------------
 * One file
 * ---------------------------------------------------------------------- */

/* How a file writes its dates. */
enum init_dates {
	INIT_DATES_NONE,      /* no column holds dates */
	INIT_DATES_ISO,       /* YYYY-MM-DD only (with or without a time): no setting */
	INIT_DATES_FORMAT,    /* date_format is known: MM/DD/YYYY, DD/MM/YYYY or DD.MM.YYYY */
	INIT_DATES_AMBIGUOUS, /* d/m/yyyy with neither number above 12: reads both ways */
	INIT_DATES_MIXED,     /* formats that contradict (13/7/2026 and 7/13/2026) */
};

/* The decimal mark amounts show. */
enum init_decimal {
	INIT_DECIMAL_NONE,    /* no amount has a separator: either reads */
	INIT_DECIMAL_DOT,     /* "79,605.99" */
	INIT_DECIMAL_COMMA,   /* "158.501,50" */
	INIT_DECIMAL_MIXED,   /* both kinds of value */
};

/* Distinct values kept per column (folded; the first spelling shown). A
 * column with more is not a column of enum values. */
#define INIT_MAX_VALUES 200
/* Bytes of an example value kept for a comment. */
#define INIT_EXAMPLE 48

struct init_value {
	char *text;           /* the first spelling seen, trimmed */
	size_t rows;          /* rows with this value, any case */
	size_t first_row;     /* the data row (0-based) where it was first seen */
};

struct init_column {
	char *name;                     /* the header, trimmed; "" when blank */
	size_t filled;                  /* rows with a non-empty value */
	/* dates: meaningful when is_date (every filled value reads as a date) */
	bool is_date;
	size_t slashed, dotted, timed, zoned;
	int max_first, max_second;      /* largest d and m of d/m/yyyy or d.m.yyyy */
	/* amounts: meaningful when is_amount (every filled value reads as one) */
	bool is_amount;
	size_t dot_only, comma_only;    /* values that read only with "." / "," */
	char symbol[8];                 /* the currency named by most amounts, "" none */
	size_t symbol_rows;
	bool mixed_symbols;             /* amounts name two currencies */
	/* exchange rates: every filled value reads as one ("1.0825": more
	 * fraction digits than an amount has) */
	bool is_rate;
	/* values */
	struct init_value *values;      /* by rows descending, then first seen */
	size_t n_values;
	bool many_values;               /* more than INIT_MAX_VALUES distinct values */
};

struct init_file {
	char *name;                     /* the file's name in the folder */
	char *problem;                  /* why it could not be read; NULL when read */
	char encoding[16];              /* "utf-8", "utf-16" or "windows-1252" */
	char delimiter;                 /* ',' ';' '\t' or '|' */
	size_t rows;                    /* data rows: not the header, blank or footer rows */
	size_t footer_rows;             /* rows with one non-empty field (report footers) */
	char footer[INIT_EXAMPLE];      /* the first of them, "" when none */
	struct init_column *cols;       /* the header's columns, in order */
	size_t n_cols;
	enum init_dates dates;
	enum date_format date_format;   /* when INIT_DATES_FORMAT */
	char date_example[INIT_EXAMPLE];  /* a value that decides or shows it */
	char date_example2[INIT_EXAMPLE]; /* INIT_DATES_MIXED: one of the other format */
	bool zoned;                     /* some date carries a time zone */
	char zoned_example[INIT_EXAMPLE];
	enum init_decimal decimal;
	char decimal_example[INIT_EXAMPLE];
	/* the input, for the second passes of init_detect; not owned, and
	 * NULL once init_detect has returned */
	const unsigned char *bytes;
	size_t n_bytes;
};

/* Read one CSV file's bytes: its encoding (UTF-8, with or without a BOM;
 * UTF-16 by its BOM, or by the NUL bytes of its first characters;
 * otherwise Windows-1252 when the bytes are not UTF-8 and read as it),
 * delimiter (decode_sniff_delimiter on the header line), header (the first
 * row), and for each column the dates, amounts and distinct values it
 * holds. Report footers (rows with at most one non-empty field) are
 * counted apart. Never fails: a file that is not text sets ->problem.
 * bytes[0..n) must stay unchanged while the result refers to it (see
 * ->bytes). Free with init_file_free. */
struct init_file *init_scan(const char *name, const void *bytes, size_t n);
void init_file_free(struct init_file *f);
/* The column named name (trimmed, case-insensitive), or NULL. */
const struct init_column *init_file_column(const struct init_file *f, const char *name);

/* ------------------------------------------------------------------------
 * The plan for a folder
 * ---------------------------------------------------------------------- */

/* One of our fields and the column(s) that feed it. */
struct init_field {
	const char *field;              /* our name ("closed_on"); static */
	bool required;
	char *columns;                  /* "Close Date", "A | B"; NULL when none found */
	bool same_name;                 /* the column has our name: no line needed */
	char *why;                      /* comment; NULL when same_name */
};

/* A value of an enum column and where it goes. */
struct init_placed {
	char *text;                     /* as the file writes it (first spelling) */
	size_t rows;
	const char *target;             /* "won", a tier id, an asset; NULL: undecided */
	bool needs_line;                /* false: the loader reads it as is */
	char *why;                      /* what placed it ("a Salesforce open stage") */
};

struct init_enum {
	enum init_kind kind;
	const char *field;              /* "outcome", "tier", "from_tier", ... */
	const char *column;             /* the column it comes from (owned by the file) */
	struct init_placed *values;     /* by rows descending */
	size_t n_values;
	bool many_values;               /* the column has more distinct values */
};

struct init_filemap {
	int file;                       /* index into plan->files; -1 when none */
	const char *source;             /* "a Salesforce report export"; static */
	char *path;                     /* what [file] path says: the name or a glob */
	char *path_why;                 /* NULL when path is the name */
	struct init_field *fields;
	size_t n_fields;
	char decimal;                   /* '.', ',' or 0 (not written) */
	bool date_format_set;           /* write date_format */
	enum date_format date_format;
	char *date_why;                 /* comment on the date format; NULL none */
	char *also;                     /* other files that looked like this one; NULL */
};

struct init_tier {
	char *id, *label;
	int rank;
	int review_every_days;
	size_t partners;                /* rows of partners in this tier */
	char *rank_why, *every_why;
};

struct init_rate {
	char code[4];
	size_t rows;                    /* rows in that currency */
	bool from_file;                 /* the fx file gives its rates: no [fx] line */
	char *why;
};

struct init_plan {
	struct init_file **files;       /* every file read, by name */
	size_t n_files;
	char **skipped;                 /* names not read as CSV, with why; for notes */
	size_t n_skipped;
	struct init_filemap kinds[INIT_N_KINDS];
	char *currency, *currency_why;
	bool zoned;                     /* some mapped date carries a zone */
	char *timezone_why;
	char **assets;                  /* enablement_assets; NULL when not measured */
	size_t n_assets;
	char *assets_why;
	struct init_tier *tiers;        /* by rank */
	size_t n_tiers;
	struct init_enum *enums;
	size_t n_enums;
	struct init_rate *rates;        /* currencies with no rate: commented-out [fx] lines */
	size_t n_rates;
	int fiscal_year_start;          /* 1..12: the one start month every row of the deals'
					   fiscal quarter column agrees with; 0 none */
	char *fiscal_why;               /* what that column showed (the why of the line, or
					   why there is none); NULL when there is no such
					   column */
	char **decide;                  /* what check refuses until the user decides */
	size_t n_decide;
	char **notes;                   /* guesses worth a look */
	size_t n_notes;
	char *fatal;                    /* no deals or partners file: the message, and
					   nothing may be written */
};

/* A file's name and bytes, as init_detect takes them. */
struct init_input {
	const char *name;
	const void *bytes;
	size_t n;
};

/* Scan every input (init_scan), recognise which is partners, deals, ...
 * from its header (the column names of Salesforce reports and Data
 * Loader, HubSpot, Pipedrive, Dynamics 365 and reviewpack's own), map
 * their columns onto our fields, place each enum value (built-in synonyms
 * and guesses, each saying why), make one tier per distinct tier value
 * (ranked by name, else by review cadence, else by size), read the fiscal
 * year's start month from a fiscal quarter column of the deals ("Fiscal
 * Period": Q3-2026, of the close date) when exactly one month fits every
 * row, and list what is left to decide. The inputs must stay unchanged until it returns; the
 * plan does not refer to them after. Free with init_plan_free. */
struct init_plan *init_detect(const struct init_input *in, size_t n);
void init_plan_free(struct init_plan *p);

/* The program.ini text of a plan without ->fatal; caller frees. */
char *init_write(const struct init_plan *p);

/* Read the folder dir: every regular file named *.csv, *.tsv or *.txt
 * (any case; not program.ini, not hidden) through init_detect; workbooks
 * (*.xlsx, *.xls) are noted for the user to save as CSV. Returns the plan,
 * or NULL with *io_error set to "cannot read 'PATH': reason" (caller
 * frees). Reads only. */
struct init_plan *init_read_folder(const char *dir, char **io_error);

#endif

/* load_private: what the loader's files share (load.c, load_ini.c,
 * load_csv.c, load_rows.c). Not for other stages: they call load.h. */
#ifndef REVIEWPACK_LOAD_PRIVATE_H
#define REVIEWPACK_LOAD_PRIVATE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "field.h"
#include "load.h"
#include "util.h"

enum {
	MAX_FIELD = 1 << 16,      /* bytes in one field: 64 KiB, far above any real value */
	MAX_COLUMNS = 10000,      /* fields in one row */
	CHUNK = 1 << 16,          /* bytes per read */
	MAX_SCHEMA = 12,          /* columns we know in one file */
	MAX_ALTS = 8,             /* columns listed for one field: "A | B | ..." */
	MAX_INI = 1 << 20,        /* bytes in program.ini */
	WARN_LINES = 3,           /* lines quoted in a summarised warning */
	MAX_UNMAPPED = 100,       /* distinct unmapped values remembered per field */
};

struct loader;

/* A value quoted for a message: escaped, cut after 60 characters. Returned
 * by value so it can be used inline in a printf argument list. */
struct qstr {
	char s[400];
};
struct qstr load_quote(const char *s);

/* ---- small containers ----------------------------------------------------- */

/* A map from strings to longs (0 is "absent"), open addressing. */
struct strmap {
	char **keys;
	long *vals;
	size_t cap, n;
};
long strmap_get(const struct strmap *m, const char *key);
/* Set key to val (val != 0), replacing an earlier value. */
void strmap_set(struct strmap *m, const char *key, long val);
void strmap_free(struct strmap *m);

/* A warning summarised per file: a count and the first few lines. */
struct tally {
	size_t count;
	long lines[WARN_LINES];
};

/* ---- the files and their columns (load_rows.c) ------------------------------ */

/* How an enum column's values are read (SPEC 2: [values NAME]). */
enum enum_kind { EK_NONE, EK_OUTCOME, EK_ATTRIBUTION, EK_TIER, EK_KIND, EK_SIDE, EK_ASSET };

struct colspec {
	const char *name;
	bool required;
	enum enum_kind ekind;     /* EK_NONE: not an enum */
};

struct csvfile;
typedef void (*row_fn)(struct csvfile *f);
struct span;
/* Called with a line's fields (s and its spans) before they are taken:
 * starts fetching what the row handler looks up. */
typedef void (*ahead_fn)(struct csvfile *f, const char *s, const struct span *sp, size_t k);

struct filespec {
	enum input_file id;
	const char *base;               /* name in [columns BASE], [file BASE], [values BASE] */
	const struct colspec *cols;
	int ncols;
	bool needs_rows;                /* a header-only file is an error */
	row_fn row;
	ahead_fn ahead;                 /* NULL: none */
};

/* The CSV files in load order (later files refer to earlier ones). */
extern const struct filespec load_files[];
extern const size_t load_n_files;
/* The file whose base name is base (case-insensitive), or NULL. */
const struct filespec *load_file_spec(const char *base);
/* The names an enum column's values are mapped onto (its targets), in
 * order: outcome open, won, lost; attribution none, sourced, influenced
 * (as enum attribution); tiers by rank; kinds; sides; assets. */
void load_enum_names(const struct loader *L, enum enum_kind k, const char *const **names,
		     size_t *n);

/* ---- program.ini's settings for the CSV files ------------------------------- */

/* [file NAME]: how one file is found and read. */
struct file_settings {
	char *path;               /* glob relative to DATA; NULL = the default name */
	char *encoding;           /* NULL = utf-8 */
	char delimiter;           /* 0 = auto */
	enum date_format date_format;
	bool has_date_format;     /* else [program] date_format */
	char decimal;             /* '.' or ',' */
	long line;                /* line of the [file NAME] header, 0 = none */
};

/* [columns NAME] field = A | B: the columns a field reads, first non-empty. */
struct colmap {
	char *names[MAX_ALTS];
	int n;                    /* 0 = not mapped: the field's own name */
	long line;                /* program.ini line of the mapping */
	char *text;               /* the mapping as written */
};

/* One source value of [values NAME] FIELD.TARGET = a, b, ... */
struct value_source {
	char *folded;             /* case-folded, for matching */
	int target;               /* index into load_enum_names, -1 while unresolved */
	long line;
};

/* A value of an enum column that nothing maps, with its row count. */
struct unmapped {
	char *text;
	char *folded;
	size_t rows;
	long line, column;        /* first row */
};

/* [values NAME] for one enum column, and what reading it found unmapped. */
struct value_map {
	struct value_source *src;
	size_t n, cap;
	int star;                 /* target of "*", -1 = none */
	long star_line;
	struct unmapped *un;
	size_t n_un, cap_un, more_un; /* more_un: distinct values beyond MAX_UNMAPPED */
	long col;                 /* header position the values came from (last row) */
	const char *colname;      /* that column's name (owned by the loader) */
};

/* An exchange rate from [fx] (month -1) or fx.csv. */
struct fx_rate {
	char currency[4];
	int month;
	struct field_rate rate;
	long line;                /* where it was given */
};

/* ---- the loader's state ---------------------------------------------------- */

struct loader {
	struct model *m;
	bool skip;                      /* --skip-bad-rows */
	size_t read_ahead_from;         /* load_options: 0 for the default */
	struct diag_list *errors;
	size_t errors_at_start;
	char *io_error;
	const char *dir;
	bool tiers_ok;                  /* program.ini tiers usable for references */
	bool assets_ok;
	bool read_csv;                  /* false when program.ini makes the CSVs unreadable */
	bool file_ok[FILE_COUNT];       /* read without a file-level error */
	struct file_settings files[FILE_COUNT];
	struct colmap colmap[FILE_COUNT][MAX_SCHEMA];
	struct value_map values[FILE_COUNT][MAX_SCHEMA];
	struct field_zone *zone;        /* [program] timezone; NULL = UTC */
	struct fx_rate *rates;          /* [fx] and fx.csv; sorted by (currency, month) once
					   the first row needs one */
	size_t n_rates, cap_rates;
	bool rates_sorted;
	size_t *rate_rows;              /* kept rows converted at each rate */
	const char **tier_names;        /* tier ids by rank, once program.ini's tiers are good */
	size_t data_rows[FILE_COUNT];   /* data rows read, kept or not */
	struct buf fold;                /* scratch for load_fold */
	/* the row handlers' state (load_rows.c) */
	struct strmap bad_partners, bad_deals; /* ids of rows that were not kept -> line */
	struct strmap partner_names, partner_sfids; /* -> index + 1, or -1 when two share it */
	bool partner_refs_ready;
	size_t cap_partners, cap_deals, cap_reviews, cap_completions, cap_changes;
	size_t cap_forecasts, cap_incentives, cap_fx_used;
	uint32_t *deal_lines;
	size_t cap_deal_lines;
	uint32_t *change_lines;
	size_t cap_change_lines;
	long change_to_col;             /* tier_changes.csv column of to_tier */
	struct tally untagged, deal_after_exit, deal_before_join, review_after_exit;
	struct tally completion_after_exit, forecast_after_exit, review_before_join;
	struct tally deal_early;
	cents_t total[FILE_COUNT];      /* sum of a file's kept amounts, up to the limit */
	long total_over[FILE_COUNT];    /* line where the sum passed MODEL_MAX_FILE_CENTS */
};

/* ---- reading one CSV file (load_csv.c) -------------------------------------- */

struct csvfile {
	struct loader *L;
	const struct filespec *spec;
	const char *name;               /* the file's name for messages (model's arena) */
	/* header */
	bool header_done;
	struct buf hdr;                 /* header names, NUL-separated */
	size_t *hdr_off;
	size_t n_hdr, cap_hdr;
	int *slot_of;                   /* header position -> value slot, -1 = not read */
	int n_slots;
	int alt_pos[MAX_SCHEMA][MAX_ALTS]; /* field -> header positions of its columns */
	int n_alt[MAX_SCHEMA];
	/* position in the file */
	long line;                      /* line of the bytes being parsed */
	long next_row_line;             /* line where the next row starts */
	long row_line;                  /* line where the current row started */
	size_t since_cb;                /* bytes parsed since the last callback */
	/* the current row */
	size_t nfields, nonempty;
	bool row_wide, row_bad, all_empty;
	struct buf row;                 /* values of the slots read, NUL-terminated */
	size_t *slot_off;
	bool *slot_have;
	struct buf first;               /* the row's first non-empty field (for footers) */
	size_t first_pos;
	/* the fields of the current row, after "A | B" is resolved */
	const char *value[MAX_SCHEMA];
	long colpos[MAX_SCHEMA];        /* 1-based header position of the value, 0 = absent */
	int alt[MAX_SCHEMA];            /* which of the field's columns gave it */
	/* a possible report footer: rows after an empty row with one field each */
	bool after_empty;
	struct footer_row { long line; size_t pos; char *text; } *held;
	size_t n_held, cap_held;
	bool delim_set;                 /* the parser has the file's delimiter */
	char delim;                     /* that delimiter */
	bool row_start;                 /* libcsv is between rows (no row or field begun) */
	size_t rows_ended;              /* rows ended so far, empty ones included */
	struct span *spans;             /* the fields of a line split without libcsv */
	size_t cap_spans;
	/* outcome */
	bool stop, failed;
	size_t data_rows;
	size_t rows_hint;               /* data rows the file is expected to hold, from its size
					   and its first rows; 0 until known */
	/* the account name a deals row's ahead looked up (a view into the line
	 * being read, NULL once the row is taken), and where */
	const char *ahead_text;
	size_t ahead_len;
	struct model_probe ahead_probe;
	/* each column's last value read as a date or an enum, and what it read
	 * as (load_rows.c): rows repeat them */
	struct memo {
		char text[40];
		size_t n;               /* 0: none yet */
		long value;             /* a day_t, or an index into load_enum_names */
	} memo[MAX_SCHEMA];
};

/* Bytes s[off .. off + len) of a line. */
struct span {
	size_t off, len;
};
/* The fields of a whole line s[0..n), without its line end, exactly as
 * libcsv reports them with the file's delimiter (CSV_STRICT): the line
 * split at each delimiter; an unquoted field without its leading and
 * trailing spaces and tabs (unless the delimiter is a tab), a quoted one
 * (blanks allowed around its quotes) without its quotes; a line of
 * blanks only is a row of no fields. Into (*spans)[at..at + k) (grown as
 * needed, *cap its size); returns k, or SIZE_MAX for a line only libcsv
 * reads: one with a quote anywhere else than around a whole field, or a
 * doubled quote. */
size_t load_split_line(const char *s, size_t n, char delim, struct span **spans, size_t *cap,
		       size_t at);
/* Read the CSV file of sp, calling sp->row for each data row. */
void load_csv(struct loader *L, const struct filespec *sp);
/* The name of column col's column in the file, as program.ini or the
 * schema names it; and that name quoted for a message. */
const char *load_col_name(const struct csvfile *f, int col);
struct qstr load_quote_col(const struct csvfile *f, int col);
/* True when the file's header has a column for field col. */
bool load_has_col(const struct csvfile *f, int col);
/* An invalid value in the current row at a 1-based column (0 = the whole
 * row), or in schema column col: an error, or with --skip-bad-rows a
 * dropped row (listed once). */
void load_row_err_at(struct csvfile *f, long column, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void load_row_err(struct csvfile *f, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The row refers to a row that was not kept: with --skip-bad-rows it is
 * dropped too (and listed); otherwise the first row's error says it all. */
void load_row_drop(struct csvfile *f, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "[file deals]" or "a [file deals] section" for a fix's message. */
const char *load_file_section(const struct loader *L, enum input_file fid, char out[64]);

/* ---- program.ini (load_ini.c) ------------------------------------------------ */

/* Read program.ini into L->m->program and L's file settings, column and
 * value mappings and fixed rates. */
void load_ini(struct loader *L);
/* Free what load_ini keeps in L. */
void load_ini_free(struct loader *L);

/* ---- checks across rows (load_rows.c) --------------------------------------- */

/* The latest tier change of each partner must move it to its tier. */
void load_check_latest_changes(struct loader *L);
/* The unmapped values of each enum column of file fid, once per column
 * with their row counts and the program.ini line that would map them. */
void load_report_unmapped(struct loader *L, enum input_file fid);
/* The summarised warnings into the model; the rates used into m->fx. */
void load_emit_warnings(struct loader *L);
/* Frees what the row handlers keep in L. */
void load_rows_free(struct loader *L);

/* ---- small helpers (load.c; the two blank ones here, inline where each
 * field is read) ---------------------------------------------------------- */

static inline bool load_is_blank(int c)
{
	return c == ' ' || c == '\t';
}
/* Trim spaces and tabs from both ends of (*s, *n). */
static inline void load_trim(const char **s, size_t *n)
{
	const char *p = *s;
	size_t len = *n;
	while (len && load_is_blank((unsigned char)p[0])) {
		p++;
		len--;
	}
	while (len && load_is_blank((unsigned char)p[len - 1]))
		len--;
	*s = p;
	*n = len;
}
/* True when s[0..n) is valid UTF-8 (no overlongs, surrogates or values
 * above U+10FFFF, no NUL); otherwise *bad is the offset of the first bad byte. */
bool load_utf8_valid(const unsigned char *s, size_t n, size_t *bad);
/* Digits only (a whole number >= 0) into *out, with overflow check. */
bool load_parse_count(const char *s, int64_t *out);
/* s[0..n) case-folded (Unicode, as g_utf8_casefold; ASCII without
 * allocating) into L->fold; the result lives until the next call. */
const char *load_fold(struct loader *L, const char *s, size_t n);
/* The same into a new string; caller frees. */
char *load_fold_dup(struct loader *L, const char *s);

/* A rate num / 10^scale as exact decimal text ("1.0825"). */
void load_put_rate(struct buf *b, int64_t num, int scale);

/* A file-level error of file fid. */
void load_file_err(struct loader *L, enum input_file fid, long line, long col,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The first system error: "cannot read 'PATH': reason". */
void load_io_error(struct loader *L, const char *path, int err);
/* DIR/name; caller frees. */
char *load_path(const struct loader *L, const char *name);
/* The name file fid is known by in messages: the file read, else the
 * default name. */
const char *load_file_name(const struct loader *L, enum input_file fid);

#endif

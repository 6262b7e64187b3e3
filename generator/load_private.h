/* load_private: what the loader's files share (load.c, load_ini.c,
 * load_csv.c, load_rows.c). Not for other stages: they call load.h. */
#ifndef REVIEWPACK_LOAD_PRIVATE_H
#define REVIEWPACK_LOAD_PRIVATE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "load.h"
#include "util.h"

enum {
	MAX_FIELD = 1 << 16,      /* bytes in one field: 64 KiB, far above any real value */
	MAX_COLUMNS = 10000,      /* fields in one row */
	CHUNK = 1 << 16,          /* bytes per read */
	MAX_SCHEMA = 12,          /* columns we know in one file */
	MAX_INI = 1 << 20,        /* bytes in program.ini */
	WARN_LINES = 3,           /* lines quoted in a summarised warning */
};

/* A value quoted for a message: escaped, cut after 60 characters. Returned
 * by value so it can be used inline in a printf argument list. */
struct qstr {
	char s[400];
};
struct qstr load_quote(const char *s);

/* ---- the loader's state ---------------------------------------------------- */

struct idset {
	char **keys;
	long *lines;
	size_t cap, n;
};

/* A warning summarised per file: a count and the first few lines. */
struct tally {
	size_t count;
	long lines[WARN_LINES];
};

struct loader {
	struct model *m;
	bool skip;                      /* --skip-bad-rows */
	struct diag_list *errors;
	size_t errors_at_start;
	char *io_error;
	const char *dir;
	bool tiers_ok;                  /* program.ini tiers usable for references */
	bool assets_ok;
	bool read_csv;                  /* false when program.ini makes the CSVs unreadable */
	bool file_ok[FILE_COUNT];       /* read without a file-level error */
	char *colmap[FILE_COUNT][MAX_SCHEMA]; /* [columns FILE]: their header name */
	struct idset bad_partners, bad_deals; /* ids of rows that were not kept */
	size_t cap_partners, cap_deals, cap_reviews, cap_completions, cap_changes;
	size_t cap_forecasts, cap_incentives;
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

/* ---- the files and their columns (load_rows.c) ------------------------------ */

struct colspec {
	const char *name;
	bool required;
};

struct csvfile;
typedef void (*row_fn)(struct csvfile *f);

struct filespec {
	enum input_file id;
	const char *base;               /* name in [columns BASE] */
	const struct colspec *cols;
	int ncols;
	bool needs_rows;                /* a header-only file is an error */
	row_fn row;
};

/* The CSV files in load order (later files refer to earlier ones). */
extern const struct filespec load_files[];
extern const size_t load_n_files;
/* The file whose [columns BASE] name is base (case-insensitive), or NULL. */
const struct filespec *load_file_spec(const char *base);

/* ---- reading one CSV file (load_csv.c) -------------------------------------- */

struct csvfile {
	struct loader *L;
	const struct filespec *spec;
	const char *name;
	/* header */
	bool header_done;
	int *pos_col;                   /* header position -> schema column, -1 = ignored */
	size_t n_pos;
	long colpos[MAX_SCHEMA];        /* schema column -> 1-based position, 0 = absent */
	struct buf hdr;                 /* header names, NUL-separated */
	size_t *hdr_off;
	size_t n_hdr, cap_hdr;
	/* position in the file */
	long line;                      /* line of the bytes being parsed */
	long next_row_line;             /* line where the next row starts */
	long row_line;                  /* line where the current row started */
	size_t since_cb;                /* bytes parsed since the last callback */
	/* the current row */
	size_t nfields;
	bool row_wide, row_bad, all_empty;
	struct buf row;
	size_t off[MAX_SCHEMA];
	bool have[MAX_SCHEMA];
	/* outcome */
	bool stop, failed;
	size_t data_rows;
};

/* Read the CSV file of sp, calling sp->row for each data row. */
void load_csv(struct loader *L, const struct filespec *sp);
/* The column's name in the file: its [columns] mapping, else ours; and
 * that name quoted for a message. */
const char *load_col_name(const struct csvfile *f, int col);
struct qstr load_quote_col(const struct csvfile *f, int col);
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

/* ---- program.ini (load_ini.c) ------------------------------------------------ */

/* Read program.ini into L->m->program and L->colmap. */
void load_ini(struct loader *L);

/* ---- checks across rows (load_rows.c) --------------------------------------- */

/* The latest tier change of each partner must move it to its tier. */
void load_check_latest_changes(struct loader *L);
/* The summarised warnings into the model. */
void load_emit_warnings(struct loader *L);
/* Frees what the row handlers keep in L. */
void load_rows_free(struct loader *L);

/* ---- small helpers (load.c) ------------------------------------------------- */

bool load_is_blank(int c);
/* Trim spaces and tabs from both ends of (*s, *n). */
void load_trim(const char **s, size_t *n);
/* True when s[0..n) is valid UTF-8 (no overlongs, surrogates or values
 * above U+10FFFF, no NUL); otherwise *bad is the offset of the first bad byte. */
bool load_utf8_valid(const unsigned char *s, size_t n, size_t *bad);
/* Digits only (a whole number >= 0) into *out, with overflow check. */
bool load_parse_count(const char *s, int64_t *out);


/* A file-level error of file fid. */
void load_file_err(struct loader *L, enum input_file fid, long line, long col,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The first system error: "cannot read 'PATH': reason". */
void load_io_error(struct loader *L, const char *path, int err);
/* DIR/name; caller frees. */
char *load_path(const struct loader *L, const char *name);

#endif

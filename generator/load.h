/* load: reads a data folder (program.ini and the CSV files of SPEC 2, in
 * the plain format or as a CRM exports them: "Reading real exports") into a
 * struct model, checking every rule of the input. */
#ifndef REVIEWPACK_LOAD_H
#define REVIEWPACK_LOAD_H

#include <stdbool.h>

#include "diag.h"
#include "model.h"

struct load_options {
	bool skip_bad_rows;   /* drop invalid rows (listed in model->skipped) instead of failing */
	size_t read_ahead_from; /* a file of at least this many bytes is decoded and split
				   into lines on a second thread (the same rows and errors);
				   0: 256 KiB; SIZE_MAX: never */
};

/* Load the data folder dir. Returns a new model (the caller frees it with
 * model_free) or NULL.
 * Data errors are appended to *errors as "FILE:LINE:COLUMN: message" entries
 * (FILE is the file as read, e.g. an export's own name; the list keeps the
 * first DIAG_MAX and counts the rest, and always keeps the lines that say
 * how to map unmapped values); NULL is returned when any was recorded. With
 * opt->skip_bad_rows, invalid rows are dropped and recorded in
 * model->skipped instead (one entry per row, counted per file in
 * model->dropped); file-level errors (missing file or column, malformed CSV,
 * bytes of another encoding, empty file, program.ini, a file's total over
 * the money limit) stay errors, and dropping more than
 * program.max_skipped_share of any file's rows is an error too.
 * On a system error (a file exists but cannot be read) *io_error is set to
 * "cannot read 'PATH': reason" (the caller frees it) and NULL is returned.
 * opt may be NULL (defaults). */
struct model *load_model(const char *dir, const struct load_options *opt,
			 struct diag_list *errors, char **io_error);

/* A short human summary of a loaded model for `reviewpack check`: rows per
 * file (with the file read, unknown amounts and a skipped report footer),
 * active partners per tier at the default period, the date range of deals,
 * the default period, the exchange rates used and the warnings. Control
 * characters are escaped. The caller frees it. */
char *load_summary(const struct model *m);

#endif

/* decode: a file's bytes as UTF-8 text, streamed chunk by chunk, and the
 * delimiter of a CSV header line. No loader knowledge: errors come back as
 * a struct with a line, a column and what was found, and the caller words
 * the located message. */
#ifndef REVIEWPACK_DECODE_H
#define REVIEWPACK_DECODE_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* What stopped decoding. */
enum decode_problem {
	DECODE_OK,
	DECODE_INVALID,     /* bytes that are not valid in the encoding read */
	DECODE_NUL,         /* a NUL character: text files have none */
	DECODE_DOUBLE_BOM,  /* a byte-order mark right after the one skipped */
	DECODE_TRUNCATED,   /* the file ends inside a character */
};

struct decode_error {
	enum decode_problem problem;
	long line;                 /* 1-based */
	long column;               /* 1-based, in characters (code points) of the
				      decoded line, the bad character included */
	unsigned char bytes[6];    /* the offending bytes as in the file (for
				      DECODE_DOUBLE_BOM: the byte-order mark) */
	int n_bytes;
	char encoding[48];         /* the encoding read: "UTF-8", "UTF-16LE",
				      "UTF-16BE" or the name given to decode_open
				      (cut to 47 bytes) */
	const char *suggest;       /* an encoding setting that would read the file
				      ("windows-1252", "utf-16"), or NULL; static */
};

struct decoder;

/* A decoder for a file in encoding (case-insensitive): NULL, "" or "utf-8"
 * (also "utf8"); "utf-16" (the byte-order mark decides LE or BE; without
 * one, the NUL bytes of the first character do, else LE as Windows
 * writes); or any name glibc's iconv knows ("windows-1252", "iso-8859-1",
 * "utf-16le", ...; names with '/' such as "//IGNORE" are refused).
 * Whatever the name, a byte-order mark at the start of the file decides:
 * a UTF-8 one (EF BB BF) or a UTF-16 one (FF FE, FE FF) is skipped and the
 * file read in that encoding. An unknown name returns NULL and sets *err
 * to a new message the caller frees (for a program.ini error). Free the
 * result with decode_free. */
struct decoder *decode_open(const char *encoding, char **err);
void decode_free(struct decoder *d);

/* Decode the next n bytes of the file (any split: a character, a CR LF or
 * the byte-order mark may straddle two calls). On success sets *out and
 * *out_n to the UTF-8 text these bytes complete (possibly none: bytes of a
 * character cut at the end of in, or a final CR, are held for the next
 * call). The text is either a view into in (valid UTF-8 passes through
 * uncopied) or into the decoder's own buffer: it stays valid until the
 * next call on d, and, when it is a view, while in is unchanged.
 * The text never contains NUL, and its line ends are LF or CR LF: a lone
 * CR (old Mac files) comes out as LF, inside quoted fields too, so lines
 * count the same in the file, in the decoder's errors and for the caller.
 * Returns false on the first bad byte and fills *e (then and on any later
 * call, which returns the same error); nothing is returned of the chunk
 * that holds it. The invalid UTF-8 of a file without a byte-order mark
 * suggests "windows-1252" when the bytes from there read as Windows-1252;
 * NUL bytes every other byte suggest "utf-16". */
bool decode_feed(struct decoder *d, const void *in, size_t n, const char **out, size_t *out_n,
		 struct decode_error *e);
/* The end of the file: returns the last text (a held CR as LF), or false
 * with *e when the file ends inside a character. Call once, after the
 * last decode_feed; no decode_feed after it. */
bool decode_finish(struct decoder *d, const char **out, size_t *out_n, struct decode_error *e);

/* The encoding being read: the name given (or "UTF-8") until the start of
 * the file has been seen, then "UTF-8", "UTF-16LE", "UTF-16BE" or the name
 * given. Owned by d. */
const char *decode_encoding(const struct decoder *d);

/* Append what e says, without its location or fix, to out, e.g.
 * "invalid UTF-8 (byte 0xFC)", "NUL character", "two byte-order marks at
 * the start of the file (EF BB BF EF BB BF)", "the file ends inside a
 * character (byte 0xE2)". */
void decode_error_describe(const struct decode_error *e, struct buf *out);

/* The delimiter of a CSV header line: the one of ',' ';' TAB '|' that
 * occurs most often outside double quotes in line[0..n) before its first
 * line end outside quotes (ties and none: ','; then ';' before TAB before
 * '|'). line is decoded text; it need not be NUL-terminated. */
char decode_sniff_delimiter(const char *line, size_t n);

#endif

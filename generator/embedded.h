/* embedded: the default templates and assets compiled into the program
 * (build/embedded.c, made by generator/embed.sh from templates/ and
 * assets/). Read-only data. */
#ifndef REVIEWPACK_EMBEDDED_H
#define REVIEWPACK_EMBEDDED_H

#include <stddef.h>

struct embedded_file {
	const char *name;            /* "templates/index.md", "assets/style.css" */
	const unsigned char *data;   /* NUL-terminated */
	size_t len;
};

extern const struct embedded_file embedded_files[];
extern const size_t embedded_count;

/* The embedded file with this name, or NULL. */
const struct embedded_file *embedded_find(const char *name);

#endif

/* embedded: looks up the default templates and assets compiled into the
 * program. Consumes a name, produces a pointer to read-only data. */
#include "embedded.h"

#include <string.h>

const struct embedded_file *embedded_find(const char *name)
{
	for (size_t i = 0; i < embedded_count; i++)
		if (!strcmp(embedded_files[i].name, name))
			return &embedded_files[i];
	return NULL;
}

/* site: publishes a month into the site folder OUT (SPEC 6) so that OUT
 * never holds half a month: the month folder OUT/YYYY-MM, the stylesheet
 * folder OUT/assets and the archive OUT/index.html are staged beside their
 * final places under new names and renamed in, other months untouched.
 *
 * Builds into one OUT take turns: site_open waits for the lock file
 * OUT/.reviewpack.lock (saying so on stderr) and holds it until
 * site_close. Holding it, a build removes what killed builds left (only
 * names of its own staging patterns), so the next build always repairs a
 * killed one. A build that fails before site_commit renames anything, or
 * whose renames fail (they are undone), leaves every month, the
 * stylesheet and the archive as they were; one that made OUT itself
 * leaves no OUT (its lock file goes while it holds it; a build waiting
 * for that lock opens OUT and the lock again).
 *
 * Use: site_open, site_add for each file as it is made (nothing in OUT
 * but the staging changes until site_commit), site_months to make the
 * archive from, site_commit, then always site_close. */
#ifndef REVIEWPACK_SITE_H
#define REVIEWPACK_SITE_H

#include <jansson.h>
#include <stddef.h>

enum site_part { SITE_MONTH, SITE_ASSETS };

struct site;

/* Take OUT (created when missing) to publish month ("YYYY-MM"): check
 * what can be checked (OUT writable, OUT/YYYY-MM and OUT/assets folders or
 * absent, OUT/index.html a file or absent), lock, repair, and stage a new
 * month folder. Returns the site (free with site_close) or NULL with *err
 * set (caller frees) on a file-system failure, naming the path. */
struct site *site_open(const char *out, const char *month, char **err);

/* Stage a file of the month folder or of the stylesheet folder at path
 * ("charts/x.svg": relative, no "." or ".." part). 0, or -1 with *err
 * set. Several threads may add files at once (not with the other
 * site_ calls): folders are made under a lock, files written outside it. */
int site_add(struct site *s, enum site_part part, const char *path, const void *data, size_t len,
	     char **err);

/* The month folders now in OUT other than the one being published: an
 * object from "YYYY-MM" to that month's metrics.json tree (a folder
 * without a readable metrics.json, or a link, is left out), in no
 * particular order; caller owns the reference. NULL with *err set when
 * one cannot be read. */
json_t *site_months(struct site *s, char **err);

/* Stage archive_html and rename the month, the stylesheet (when any was
 * added) and the archive in; the replaced folders are then removed. On a
 * failure the renames done are undone. 0, or -1 with *err set. */
int site_commit(struct site *s, const char *archive_html, char **err);

/* Remove what is left of the staging, release the lock and free s;
 * accepts NULL. */
void site_close(struct site *s);

#endif

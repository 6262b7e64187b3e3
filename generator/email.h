/* email: builds the email edition pack.eml (RFC 5322, MIME RFC 2045, 2046
 * and 2387): multipart/alternative with a plain-text part first and a
 * multipart/related HTML part whose PNG images are referenced by cid:.
 * CRLF line ends, base64 wrapped at 76 columns, non-ASCII header text
 * RFC 2047 encoded (the Subject and the From display name), no control
 * character from the data in a header. */
#ifndef REVIEWPACK_EMAIL_H
#define REVIEWPACK_EMAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct email_image {
	const char *cid;        /* Content-ID without <>, as "cid:NAME" in the HTML */
	const char *filename;   /* e.g. "tier-revenue.png" */
	const unsigned char *data;
	size_t len;
};

struct email_message {
	const char *from;             /* address */
	const char *from_name;        /* display name, UTF-8; NULL or "": none */
	const char *const *to;        /* addresses */
	size_t n_to;
	const char *subject;          /* UTF-8; encoded when not ASCII */
	int64_t date;                 /* unix seconds, for Date and Message-ID */
	const char *text;             /* UTF-8 plain text */
	const char *html;             /* UTF-8 HTML document */
	const struct email_image *images;
	size_t n_images;
};

/* True when s[0..len) is a plain addr-spec: a dot-atom local part of at
 * most 64 characters, "@", a host name of letters, digits, "-" and dots;
 * 254 characters at most. No quoted local parts, no address literals. */
bool email_address_valid(const char *s, size_t len);

/* The whole message, deterministic for the same input. Returns a new
 * buffer (caller frees) of *len bytes, or NULL with *err set to a new
 * message (caller frees) when an address is not a plain addr-spec. */
char *email_build(const struct email_message *msg, size_t *len, char **err);

#endif

/* send: sends a finished message (pack.eml) by SMTP with libcurl:
 * smtp:// (STARTTLS when the server offers it) or smtps://, credentials
 * from REVIEWPACK_SMTP_USER and REVIEWPACK_SMTP_PASSWORD only. */
#ifndef REVIEWPACK_SEND_H
#define REVIEWPACK_SEND_H

#include <stdbool.h>
#include <stddef.h>

struct send_options {
	const char *url;               /* smtp://host[:port] or smtps://host[:port] */
	const char *from;              /* envelope sender */
	const char *const *to;         /* envelope recipients */
	size_t n_to;
	bool verbose;                  /* the SMTP dialogue on stderr */
};

/* Read the envelope from the message's own From and To headers: *from
 * (one address) and *to (n addresses), new strings the caller frees with
 * send_addresses_free. Returns 0, or -1 when a header is missing or holds
 * no address (what was found is still returned). */
int send_read_envelope(const char *msg, size_t len, char **from, char ***to, size_t *n_to);
/* Frees what send_read_envelope returned; accepts NULLs. */
void send_addresses_free(char *from, char **to, size_t n_to);

/* NULL when url is one send_message takes (smtp:// or smtps://, a host,
 * no credentials, printable ASCII); else why not, in a new string the
 * caller frees. */
char *send_check_url(const char *url);

/* Send len bytes of msg. Returns 0, or -1 with *err set to a new message
 * (caller frees) naming the failure and the server's last reply. */
int send_message(const struct send_options *o, const char *msg, size_t len, char **err);

#endif

/* send: consumes a finished message (pack.eml), an smtp:// or smtps:// URL
 * and the envelope, and hands the message to the SMTP server with
 * libcurl: STARTTLS when the server offers it on smtp:// (required when
 * credentials are set, so a password never crosses in clear), TLS from
 * the start on smtps://, credentials from REVIEWPACK_SMTP_USER and
 * REVIEWPACK_SMTP_PASSWORD only. The envelope may also be read from the
 * message's own From and To headers. Refuses another URL scheme, a URL
 * holding credentials, and an envelope address that is not a plain
 * addr-spec; a failed send is reported with curl's reason and the
 * server's last reply. */
#include "send.h"
#include "email.h"
#include "util.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CONNECT_TIMEOUT 30L
#define TOTAL_TIMEOUT 120L
#define REPLY_MAX 200

/* --- addresses ----------------------------------------------------------- */

/* The envelope takes only what email_build accepts: nothing in a plain
 * addr-spec can break out of "MAIL FROM:<...>" or "RCPT TO:<...>". */
static bool address_ok(const char *s, size_t len)
{
	return email_address_valid(s, len);
}

/* One element of an address list, "Name <a@b>", "a@b (comment)" or "a@b":
 * its address when that is a plain addr-spec, appended to the list. */
static void add_element(const char *s, size_t n, char ***list, size_t *count, size_t *cap)
{
	struct buf bare = {0};
	const char *angle = NULL, *angle_end = NULL;
	int depth = 0;
	bool quoted = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\\' && (quoted || depth) && i + 1 < n) {
			i++;
		} else if (quoted) {
			quoted = c != '"';
		} else if (depth) {
			depth += c == '(' ? 1 : c == ')' ? -1 : 0;
		} else if (angle && !angle_end) {
			if (c == '>')
				angle_end = s + i;
		} else if (c == '"') {
			quoted = true;
		} else if (c == '(') {
			depth = 1;
		} else if (c == '<') {
			angle = s + i + 1;
		} else {
			buf_putc(&bare, c);
		}
	}
	const char *a;
	size_t len;
	if (angle) {
		a = angle;
		len = angle_end ? (size_t)(angle_end - angle) : 0;
	} else {
		a = buf_cstr(&bare);
		len = bare.len;
	}
	while (len && (*a == ' ' || *a == '\t')) {
		a++;
		len--;
	}
	while (len && (a[len - 1] == ' ' || a[len - 1] == '\t'))
		len--;
	if (address_ok(a, len)) {
		GROW(*list, *cap, *count + 1);
		(*list)[(*count)++] = xstrndup(a, len);
	}
	buf_free(&bare);
}

/* The addresses of an unfolded address-list header value: elements split
 * at "," (and ";" ending a group) outside quotes, comments and <>; a group
 * name before ":" is dropped. */
static void parse_list(const char *s, char ***list, size_t *count)
{
	size_t cap = *count;
	const char *start = s;
	int depth = 0;
	bool quoted = false, angle = false;
	for (const char *p = s;; p++) {
		char c = *p;
		if (c && c == '\\' && (quoted || depth) && p[1]) {
			p++;
			continue;
		}
		if (c && quoted) {
			quoted = c != '"';
		} else if (c && depth) {
			depth += c == '(' ? 1 : c == ')' ? -1 : 0;
		} else if (c && angle) {
			angle = c != '>';
		} else if (c == '"') {
			quoted = true;
		} else if (c == '(') {
			depth = 1;
		} else if (c == '<') {
			angle = true;
		} else if (c == ':') {
			start = p + 1;
		} else if (!c || c == ',' || c == ';') {
			add_element(start, (size_t)(p - start), list, count, &cap);
			if (!c)
				break;
			start = p + 1;
		}
	}
}

int send_read_envelope(const char *msg, size_t len, char **from, char ***to, size_t *n_to)
{
	*from = NULL;
	*to = NULL;
	*n_to = 0;
	struct buf fromv = {0}, tov = {0};
	struct buf *cur = NULL;
	size_t pos = 0;
	while (pos < len) {
		const char *line = msg + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - line) : len - pos;
		pos += n + (nl ? 1 : 0);
		if (n && line[n - 1] == '\r')
			n--;
		if (!n)
			break;
		if (line[0] == ' ' || line[0] == '\t') {
			if (cur)
				buf_add(cur, line, n);
			continue;
		}
		const char *colon = memchr(line, ':', n);
		cur = NULL;
		if (!colon)
			continue;
		size_t name = (size_t)(colon - line);
		while (name && (line[name - 1] == ' ' || line[name - 1] == '\t'))
			name--;
		if (name == 4 && !strncasecmp(line, "from", 4))
			cur = &fromv;
		else if (name == 2 && !strncasecmp(line, "to", 2))
			cur = &tov;
		else
			continue;
		/* A repeated header adds to the list. */
		if (cur->len)
			buf_putc(cur, ',');
		buf_add(cur, colon + 1, n - (size_t)(colon + 1 - line));
	}

	char **list = NULL;
	size_t count = 0;
	parse_list(buf_cstr(&fromv), &list, &count);
	if (count)
		*from = list[0];
	for (size_t i = 1; i < count; i++)
		free(list[i]);
	free(list);
	parse_list(buf_cstr(&tov), to, n_to);
	buf_free(&fromv);
	buf_free(&tov);
	return *from && *n_to ? 0 : -1;
}

void send_addresses_free(char *from, char **to, size_t n_to)
{
	free(from);
	for (size_t i = 0; to && i < n_to; i++)
		free(to[i]);
	free(to);
}

/* --- sending ------------------------------------------------------------- */

static char *refusal(const char *what, const char *s, const char *hint)
{
	struct buf b = {0};
	buf_printf(&b, "%s ", what);
	buf_put_quoted(&b, s, 64);
	buf_puts(&b, hint);
	return buf_detach(&b);
}

/* The URL's scheme is smtp or smtps and it holds no user name or password;
 * else a new message. */
static char *check_url(const char *url, bool *tls)
{
	if (!url || !*url)
		return xstrdup("no smtp url (use smtp://host[:port] or smtps://host[:port])");
	const char *sep = strstr(url, "://");
	size_t scheme = sep ? (size_t)(sep - url) : 0;
	if (!sep || !((scheme == 4 && !strncasecmp(url, "smtp", 4)) ||
		      (scheme == 5 && !strncasecmp(url, "smtps", 5)))) {
		char *name = sep ? xstrndup(url, scheme) : xstrdup(url);
		char *m = refusal(sep ? "unsupported url scheme" : "bad smtp url", name,
				  " (use smtp://host[:port] or smtps://host[:port])");
		free(name);
		return m;
	}
	*tls = scheme == 5;
	const char *host = sep + 3;
	size_t authority = strcspn(host, "/?#");
	if (memchr(host, '@', authority))
		return xstrdup("the smtp url must not hold credentials; set REVIEWPACK_SMTP_USER and "
			       "REVIEWPACK_SMTP_PASSWORD");
	for (const char *p = url; *p; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7f)
			return refusal("bad smtp url", url, "");
	if (!authority)
		return refusal("bad smtp url", url, " (no host)");
	return NULL;
}

char *send_check_url(const char *url)
{
	bool tls;
	return check_url(url, &tls);
}

struct upload {
	const char *data;
	size_t len, pos;
};

static size_t read_message(char *dst, size_t size, size_t nmemb, void *userp)
{
	struct upload *u = userp;
	size_t n = u->len - u->pos;
	if (n > size * nmemb)
		n = size * nmemb;
	memcpy(dst, u->data + u->pos, n);
	u->pos += n;
	return n;
}

/* What the debug callback keeps of the dialogue. */
struct dialogue {
	bool verbose;
	bool auth;                    /* between AUTH and its final reply */
	bool quit;                    /* QUIT sent: its reply tells nothing */
	char last[REPLY_MAX + 1];     /* the server's last reply line before */
};

static void keep_reply(struct dialogue *d, const char *line, size_t n)
{
	if (n > REPLY_MAX)
		n = REPLY_MAX;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)line[i];
		d->last[i] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	d->last[n] = 0;
}

/* Keeps the server's last reply line; with verbose, shows the dialogue on
 * stderr as curl would, credentials hidden. The reply that explains a
 * failure is the last one before QUIT. */
static int debug(CURL *h, curl_infotype type, char *data, size_t size, void *userp)
{
	(void)h;
	struct dialogue *d = userp;
	if (type != CURLINFO_HEADER_IN && type != CURLINFO_HEADER_OUT && type != CURLINFO_TEXT)
		return 0;
	for (size_t pos = 0; pos < size;) {
		const char *line = data + pos;
		const char *nl = memchr(line, '\n', size - pos);
		size_t n = nl ? (size_t)(nl - line) : size - pos;
		pos += n + (nl ? 1 : 0);
		if (n && line[n - 1] == '\r')
			n--;
		if (!n)
			continue;
		if (type == CURLINFO_HEADER_IN) {
			if (!d->quit)
				keep_reply(d, line, n);
			if (n < 3 || memcmp(line, "334", 3))
				d->auth = false;
			if (d->verbose)
				fprintf(stderr, "< %.*s\n", (int)n, line);
		} else if (type == CURLINFO_HEADER_OUT) {
			if (n == 4 && !strncasecmp(line, "QUIT", 4))
				d->quit = true;
			if (n >= 5 && !strncasecmp(line, "AUTH ", 5)) {
				size_t mech = 5;
				while (mech < n && line[mech] != ' ')
					mech++;
				if (d->verbose)
					fprintf(stderr, "> %.*s%s\n", (int)mech, line,
						mech < n ? " [hidden]" : "");
				d->auth = true;
			} else if (d->verbose) {
				fprintf(stderr, "> %.*s\n", d->auth ? 8 : (int)n, d->auth ? "[hidden]" : line);
			}
		} else if (d->verbose) {
			fprintf(stderr, "* %.*s\n", (int)n, line);
		}
	}
	return 0;
}

/* The message with every bare LF or CR made CRLF, as SMTP wants. */
static char *crlf(const char *msg, size_t len, size_t *out)
{
	struct buf b = {0};
	for (size_t i = 0; i < len; i++) {
		if (msg[i] == '\r' && i + 1 < len && msg[i + 1] == '\n') {
			buf_add(&b, "\r\n", 2);
			i++;
		} else if (msg[i] == '\r' || msg[i] == '\n') {
			buf_add(&b, "\r\n", 2);
		} else {
			buf_putc(&b, msg[i]);
		}
	}
	*out = b.len;
	return buf_detach(&b);
}

int send_message(const struct send_options *o, const char *msg, size_t len, char **err)
{
	bool tls = false;
	char *why = check_url(o->url, &tls);
	if (!why && (!o->from || !address_ok(o->from, strlen(o->from))))
		why = refusal("bad address", o->from ? o->from : "", "");
	if (!why && !o->n_to)
		why = xstrdup("no recipient address");
	for (size_t i = 0; !why && i < o->n_to; i++)
		if (!o->to[i] || !address_ok(o->to[i], strlen(o->to[i])))
			why = refusal("bad address", o->to[i] ? o->to[i] : "", "");
	const char *user = getenv("REVIEWPACK_SMTP_USER");
	const char *password = getenv("REVIEWPACK_SMTP_PASSWORD");
	if (!why && password && (!user || !*user))
		why = xstrdup("REVIEWPACK_SMTP_PASSWORD is set but REVIEWPACK_SMTP_USER is not");
	if (why) {
		*err = why;
		return -1;
	}

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		*err = xstrdup("send failed: cannot initialise libcurl");
		return -1;
	}
	CURL *h = curl_easy_init();
	if (!h) {
		curl_global_cleanup();
		*err = xstrdup("send failed: cannot initialise libcurl");
		return -1;
	}
	size_t n_data = 0;
	char *data = crlf(msg, len, &n_data);
	struct upload up = {data, n_data, 0};
	struct curl_slist *rcpt = NULL;
	for (size_t i = 0; i < o->n_to; i++) {
		char *r = xasprintf("<%s>", o->to[i]);
		struct curl_slist *next = curl_slist_append(rcpt, r);
		free(r);
		if (!next)
			BUG("out of memory");
		rcpt = next;
	}
	char *mail_from = xasprintf("<%s>", o->from);
	struct dialogue d = {.verbose = o->verbose};
	char errbuf[CURL_ERROR_SIZE] = "";
	bool auth = user && *user;

	curl_easy_setopt(h, CURLOPT_URL, o->url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
	curl_easy_setopt(h, CURLOPT_USE_SSL, (long)(tls || auth ? CURLUSESSL_ALL : CURLUSESSL_TRY));
	if (auth) {
		curl_easy_setopt(h, CURLOPT_USERNAME, user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, password ? password : "");
	}
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_message);
	curl_easy_setopt(h, CURLOPT_READDATA, &up);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, TOTAL_TIMEOUT);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	/* The debug callback only runs with CURLOPT_VERBOSE; it prints
	 * nothing unless asked. */
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, debug);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, &d);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);

	CURLcode rc = curl_easy_perform(h);
	int result = 0;
	if (rc != CURLE_OK) {
		long code = 0;
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		struct buf b = {0};
		const char *reason = curl_easy_strerror(rc);
		buf_printf(&b, "send failed: %s", reason);
		size_t n = strlen(errbuf);
		while (n && (errbuf[n - 1] == '\n' || errbuf[n - 1] == '\r'))
			errbuf[--n] = 0;
		if (n && strcmp(errbuf, reason)) {
			buf_puts(&b, ": ");
			for (size_t i = 0; i < n; i++)
				buf_putc(&b, (unsigned char)errbuf[i] < 0x20 ? ' ' : errbuf[i]);
		}
		if (rc == CURLE_USE_SSL_FAILED && auth && !tls)
			buf_puts(&b, "; credentials are only sent over TLS");
		if (d.last[0])
			buf_printf(&b, " (server said: %s)", d.last);
		else if (code)
			buf_printf(&b, " (server reply code %ld)", code);
		*err = buf_detach(&b);
		result = -1;
	}
	free(mail_from);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(h);
	curl_global_cleanup();
	free(data);
	return result;
}

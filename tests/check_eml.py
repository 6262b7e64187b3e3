#!/usr/bin/python3
"""Checks an email edition (pack.eml) with Python's own MIME parser.

usage: tests/check_eml.py PATH [--expect-text TEXT]... [--expect-subject TEXT]
         [--expect-from-name NAME] [--expect-preheader TEXT]
         [--expect-button HREF | --expect-no-button] [--max-actions N]

Checks: CRLF line ends and lines of at most 998 bytes; the headers Subject,
From, To, Date, Message-ID and MIME-Version; a multipart/alternative whose
first part is text/plain and whose second is a multipart/related holding a
text/html part and then only image/png parts; every cid: in the HTML names
an image part's Content-ID and every image part is named; the HTML decodes
to under 100 KB and has no <svg, no data: URI and no src="http; no inline
font-size below 14px outside the hidden preheader; each TEXT is in the
decoded plain-text part. Optionally: the decoded Subject, the From display
name, the hidden preheader's text (the first element of the body, hidden,
its text up to the filler), the "Open the full pack" button linking HREF
before the first section heading (or no such button), and at most N action
lines (elements of class "action" in the HTML, "- " lines under ACTIONS in
the text). Exits 0 when all hold, else prints every failure and exits 1 (2
for a usage error).
"""
import argparse
import email
import html.parser
import email.policy
import re
import sys

HTML_LIMIT = 100 * 1024


def check_lines(raw, fail):
    lines = raw.split(b"\n")
    if lines.pop() != b"" or not raw.endswith(b"\r\n"):
        fail("the message does not end in CRLF")
    for n, line in enumerate(lines, 1):
        if not line.endswith(b"\r"):
            fail("line %d ends in a bare LF" % n)
            break
        if b"\r" in line[:-1]:
            fail("line %d holds a bare CR" % n)
            break
    for n, line in enumerate(lines, 1):
        if len(line.rstrip(b"\r")) > 998:
            fail("line %d: %d bytes, more than 998" % (n, len(line.rstrip(b"\r"))))
            break


def cid_of(part):
    value = part.get("Content-ID")
    if value is None:
        return None
    value = str(value).strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    return value


class Body(html.parser.HTMLParser):
    """The hidden preheader, the links before the first <h2>, the action
    lines and every inline font size."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_body = False
        self.pre_depth = None   # element depth inside the preheader, None outside
        self.pre_seen = False
        self.preheader = ""
        self.depth = 0
        self.before_h2 = True
        self.link = None
        self.top_links = []     # (href, text) before the first <h2>
        self.actions = 0
        self.small_fonts = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        style = (a.get("style") or "").replace(" ", "").lower()
        if tag == "body":
            self.in_body = True
            return
        if not self.in_body:
            return
        self.depth += 1
        if not self.pre_seen and self.depth == 1:
            self.pre_seen = True
            if "display:none" in style:
                self.pre_depth = self.depth
        if tag == "h2":
            self.before_h2 = False
        if tag == "a" and self.before_h2:
            self.link = [a.get("href", ""), ""]
        if "action" in (a.get("class") or "").split():
            self.actions += 1
        for m in re.finditer(r"font-size:(\d+(?:\.\d+)?)px", style):
            if float(m.group(1)) < 14 and self.pre_depth is None:
                self.small_fonts.append("<%s style=%s>" % (tag, a.get("style")))

    def handle_endtag(self, tag):
        if not self.in_body or tag == "body":
            return
        if tag == "a" and self.link is not None:
            self.top_links.append((self.link[0], self.link[1].strip()))
            self.link = None
        if self.pre_depth is not None and self.depth == self.pre_depth:
            self.pre_depth = None
        self.depth -= 1

    def handle_data(self, data):
        if self.pre_depth is not None:
            self.preheader += data
        if self.link is not None:
            self.link[1] += data


def text_actions(text):
    """The "- " lines of the text part's ACTIONS section."""
    n, inside = 0, False
    for line in text.splitlines():
        if line == "ACTIONS":
            inside = True
        elif inside and line.startswith("- "):
            n += 1
        elif inside and line and not line.startswith("- "):
            inside = False
    return n


def check(raw, expect_text, opts=None):
    failures = []
    fail = failures.append
    check_lines(raw, fail)

    msg = email.message_from_bytes(raw, policy=email.policy.default)
    for name in ("Subject", "From", "To", "Date", "Message-ID", "MIME-Version"):
        if msg.get(name) is None:
            fail("header %s missing" % name)
    if msg.get_content_type() != "multipart/alternative":
        fail("top level is %s, not multipart/alternative" % msg.get_content_type())
        return failures
    parts = list(msg.iter_parts())
    if len(parts) != 2:
        fail("multipart/alternative holds %d parts, not 2" % len(parts))
    if not parts or parts[0].get_content_type() != "text/plain":
        fail("the first part is not text/plain")
        text = ""
    else:
        text = parts[0].get_content()
    if len(parts) < 2 or parts[1].get_content_type() != "multipart/related":
        fail("the second part is not multipart/related")
        return failures
    related = list(parts[1].iter_parts())
    if not related or related[0].get_content_type() != "text/html":
        fail("the first part of multipart/related is not text/html")
        return failures
    html_bytes = related[0].get_payload(decode=True)
    html = related[0].get_content()
    images = {}
    for n, part in enumerate(related[1:], 2):
        if part.get_content_type() != "image/png":
            fail("part %d of multipart/related is %s, not image/png" % (n, part.get_content_type()))
            continue
        cid = cid_of(part)
        if not cid:
            fail("image part %d has no Content-ID" % n)
            continue
        if cid in images:
            fail("Content-ID <%s> used twice" % cid)
        data = part.get_payload(decode=True)
        if not data or not data.startswith(b"\x89PNG\r\n\x1a\n"):
            fail("image part <%s> is not a PNG" % cid)
        images[cid] = part

    refs = set(re.findall(r"""cid:([^"'\s>)]+)""", html))
    for ref in sorted(refs - set(images)):
        fail("the HTML refers to cid:%s but no part has that Content-ID" % ref)
    for cid in sorted(set(images) - refs):
        fail("image part <%s> is not referred to in the HTML" % cid)

    if len(html_bytes) >= HTML_LIMIT:
        fail("the HTML part is %d bytes, not under %d" % (len(html_bytes), HTML_LIMIT))
    lower = html.lower()
    if "<svg" in lower:
        fail("the HTML holds <svg")
    if re.search(r"""(src|href|url)\s*[=(]\s*["']?\s*data:""", lower):
        fail("the HTML holds a data: URI")
    if re.search(r"""src\s*=\s*["']?\s*(https?:)?//""", lower):
        fail("the HTML loads something from the network (src=\"http)")

    for want in expect_text:
        if want not in text:
            fail("the text part does not hold %r" % want)

    body = Body()
    body.feed(html)
    for small in body.small_fonts[:3]:
        fail("text smaller than 14px: %s" % small)
    if opts is None:
        return failures
    if opts.expect_subject is not None and str(msg["subject"]) != opts.expect_subject:
        fail("the subject is %r, not %r" % (str(msg["subject"]), opts.expect_subject))
    if opts.expect_from_name is not None:
        name = msg["from"].addresses[0].display_name if msg["from"] else None
        if name != opts.expect_from_name:
            fail("the From display name is %r, not %r" % (name, opts.expect_from_name))
    if opts.expect_preheader is not None:
        pre = body.preheader.split("\u034f")[0].strip()
        if not body.preheader:
            fail("the HTML has no hidden preheader as the first element of its body")
        elif pre != opts.expect_preheader:
            fail("the preheader is %r, not %r" % (pre, opts.expect_preheader))
    buttons = [href for href, label in body.top_links if label == "Open the full pack"]
    if opts.expect_button is not None and opts.expect_button not in buttons:
        fail("no \"Open the full pack\" link to %s before the first section (links: %r)"
             % (opts.expect_button, body.top_links))
    if opts.expect_no_button and "Open the full pack" in html:
        fail("an \"Open the full pack\" link although the pack has no site_url")
    if opts.max_actions is not None:
        if body.actions > opts.max_actions:
            fail("the HTML holds %d action lines, more than %d" % (body.actions, opts.max_actions))
        if text_actions(text) > opts.max_actions:
            fail("the text holds %d action lines, more than %d" % (text_actions(text), opts.max_actions))
    return failures


def main():
    ap = argparse.ArgumentParser(description="Check an email edition (pack.eml).")
    ap.add_argument("path")
    ap.add_argument("--expect-text", action="append", default=[], metavar="TEXT")
    ap.add_argument("--expect-subject", metavar="TEXT")
    ap.add_argument("--expect-from-name", metavar="NAME")
    ap.add_argument("--expect-preheader", metavar="TEXT")
    ap.add_argument("--expect-button", metavar="HREF")
    ap.add_argument("--expect-no-button", action="store_true")
    ap.add_argument("--max-actions", type=int, metavar="N")
    args = ap.parse_args()
    try:
        with open(args.path, "rb") as f:
            raw = f.read()
    except OSError as e:
        print("cannot read %s: %s" % (args.path, e.strerror))
        return 1
    failures = check(raw, args.expect_text, args)
    for f in failures:
        print("%s: %s" % (args.path, f))
    if not failures:
        print("%s: ok" % args.path)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

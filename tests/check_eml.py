#!/usr/bin/python3
"""Checks an email edition (pack.eml) with Python's own MIME parser.

usage: tests/check_eml.py PATH [--expect-text TEXT]...

Checks: CRLF line ends and lines of at most 998 bytes; the headers Subject,
From, To, Date, Message-ID and MIME-Version; a multipart/alternative whose
first part is text/plain and whose second is a multipart/related holding a
text/html part and then only image/png parts; every cid: in the HTML names
an image part's Content-ID and every image part is named; the HTML decodes
to under 100 KB and has no <svg, no data: URI and no src="http; each TEXT is
in the decoded plain-text part. Exits 0 when all hold, else prints every
failure and exits 1 (2 for a usage error).
"""
import argparse
import email
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


def check(raw, expect_text):
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
    return failures


def main():
    ap = argparse.ArgumentParser(description="Check an email edition (pack.eml).")
    ap.add_argument("path")
    ap.add_argument("--expect-text", action="append", default=[], metavar="TEXT")
    args = ap.parse_args()
    try:
        with open(args.path, "rb") as f:
            raw = f.read()
    except OSError as e:
        print("cannot read %s: %s" % (args.path, e.strerror))
        return 1
    failures = check(raw, args.expect_text)
    for f in failures:
        print("%s: %s" % (args.path, f))
    if not failures:
        print("%s: ok" % args.path)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

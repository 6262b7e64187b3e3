#!/usr/bin/python3
"""Browser check of a generated reviewpack site.

usage: browser_check.py SITE        check every *.html page under SITE
       browser_check.py --self-test check a hand-made site with known defects
                                    and prove that every check reports them

Each page is opened in headless Chromium through a local HTTP server that
records every request and its status; Chromium runs behind a logging proxy
that refuses everything, so any request that leaves the site (fonts, scripts,
images, trackers) shows up there. A page fails on:
  - console output or an uncaught exception (Chromium's CONSOLE log lines),
  - any request the site's server answered with 4xx or 5xx,
  - any request that reached the proxy,
  - a relative href/src that does not resolve to a file inside SITE, a
    fragment that names no element, or any absolute http(s) reference,
  - a missing <html lang>, an empty <title>, an <img> without alt text.
One line per page, then "N passed, M failed"; exit status 0 only when all
pages pass. Screenshots of the newest month's executive summary and
governance page are written to /tmp for review and never fail the run.
Python 3 standard library only.
"""

import concurrent.futures
import functools
import html.parser
import http.server
import os
import posixpath
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import urllib.parse

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
	"--no-first-run", "--disable-background-networking",
	"--disable-component-update", "--disable-sync", "--disable-default-apps",
	"--disable-extensions", "--metrics-recording-only",
	"--no-default-browser-check",
	# the optimization guide fetches hints and models on its own
	"--disable-features=OptimizationGuideModelDownloading,OptimizationHintsFetching,"
	"OptimizationTargetPrediction,OptimizationHints",
]
PAGE_TIMEOUT = 60        # seconds of real time per Chromium run
PARALLEL = 2
SCREENSHOTS = (("index.html", "/tmp/reviewpack-summary.png"),
	       ("governance.html", "/tmp/reviewpack-governance.png"))

# Hosts that Chromium itself contacts even with the flags above, on a blank
# page too: its network-time query (GET clients2.google.com/time/1/current),
# its update client (POST update.googleapis.com/service/update2/json), its
# account check (CONNECT accounts.google.com:443) and its optimization guide
# (CONNECT optimizationguide-pa.googleapis.com:443). These requests are the
# browser's, not the page's. Only exact browser-owned hosts belong here, never
# a host the site could reference; the static check still fails any absolute
# URL in a page, these hosts included.
CHROMIUM_INTERNAL_HOSTS = frozenset([
	"clients2.google.com",
	"update.googleapis.com",
	"accounts.google.com",
	"optimizationguide-pa.googleapis.com",
])

# Chromium asks for /favicon.ico on its own when a page declares no icon; the
# static check covers any icon a page does declare.
AUTOMATIC_PATHS = frozenset(["/favicon.ico"])

# Chromium logs every console message of a page at INFO level as
#   [pid:tid:time:INFO:CONSOLE:LINE] "message", source: URL (LINE)
# (older builds wrote CONSOLE(LINE)); the console level is not in the line, so
# console.error, console.warn and console.log cannot be told apart. The site is
# static and has no scripts, so any console line from a page is a defect.
CONSOLE_RE = re.compile(r":CONSOLE(?::\d+|\(\d+\))\]\s*(.*)")


# --- recording servers ---------------------------------------------------

class Log:
	"""Thread-safe list of recorded requests."""

	def __init__(self):
		self.lock = threading.Lock()
		self.items = []

	def add(self, item):
		with self.lock:
			self.items.append(item)

	def snapshot(self):
		with self.lock:
			return list(self.items)


class SiteHandler(http.server.SimpleHTTPRequestHandler):
	"""Serves the site and records (path, status) of every request."""

	def __init__(self, *args, log, **kwargs):
		self.request_log = log
		super().__init__(*args, **kwargs)

	def log_request(self, code="-", size="-"):
		try:
			status = int(code)
		except (TypeError, ValueError):
			status = 0
		self.request_log.add((self.path, status))

	def log_message(self, format, *args):
		pass


class ProxyHandler(http.server.BaseHTTPRequestHandler):
	"""Records every proxied request (absolute URI or CONNECT) and refuses it."""

	def __init__(self, *args, log, **kwargs):
		self.request_log = log
		super().__init__(*args, **kwargs)

	def refuse(self):
		self.request_log.add((self.command, self.path))
		self.close_connection = True
		self.send_response(403)
		self.send_header("Content-Length", "0")
		self.send_header("Connection", "close")
		self.end_headers()

	do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = refuse
	do_OPTIONS = do_PATCH = do_CONNECT = refuse

	def log_message(self, format, *args):
		pass


class Server:
	"""An HTTP server on 127.0.0.1, a free port, in a thread."""

	def __init__(self, handler, log):
		self.log = log
		self.httpd = http.server.ThreadingHTTPServer(
			("127.0.0.1", 0), functools.partial(handler, log=log))
		self.httpd.daemon_threads = True
		self.port = self.httpd.server_address[1]
		self.thread = threading.Thread(target=self.httpd.serve_forever,
					       kwargs={"poll_interval": 0.05}, daemon=True)
		self.thread.start()

	def close(self):
		self.httpd.shutdown()
		self.httpd.server_close()
		self.thread.join()


def proxy_host(command, target):
	"""The host a proxied request was for."""
	if command == "CONNECT":
		return target.rsplit(":", 1)[0].strip("[]")
	return urllib.parse.urlsplit(target).hostname or target


# --- one page in Chromium ------------------------------------------------

def run_chromium(args):
	"""Runs Chromium with ARGS in a fresh profile; returns (status, out, err)."""
	with tempfile.TemporaryDirectory(prefix="reviewpack-chromium-") as profile:
		cmd = [CHROMIUM] + CHROMIUM_FLAGS + ["--user-data-dir=" + profile] + args
		proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
					stderr=subprocess.PIPE, start_new_session=True)
		try:
			out, err = proc.communicate(timeout=PAGE_TIMEOUT)
		except subprocess.TimeoutExpired:
			os.killpg(proc.pid, signal.SIGKILL)
			out, err = proc.communicate()
			return None, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
		# The launcher is a shell script; make sure no child outlives it.
		try:
			os.killpg(proc.pid, signal.SIGKILL)
		except ProcessLookupError:
			pass
		return proc.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


def browse(site, page, extra_args):
	"""Opens PAGE (path relative to SITE) in Chromium behind its own server and
	proxy; returns (findings, chromium stdout)."""
	findings = []
	site_log, proxy_log = Log(), Log()
	server = Server(functools.partial(SiteHandler, directory=site), site_log)
	proxy = Server(ProxyHandler, proxy_log)
	try:
		url = "http://127.0.0.1:%d/%s" % (server.port, urllib.parse.quote(page))
		status, out, err = run_chromium(
			["--proxy-server=http://127.0.0.1:%d" % proxy.port] + extra_args + [url])
	finally:
		server.close()
		proxy.close()
	if status is None:
		findings.append(("browser", "chromium did not finish within %d s" % PAGE_TIMEOUT))
	elif status != 0:
		findings.append(("browser", "chromium exited with status %d" % status))
	for line in err.splitlines():
		m = CONSOLE_RE.search(line)
		if m:
			kind = "uncaught" if "Uncaught" in m.group(1) else "console"
			findings.append((kind, "console: " + m.group(1)))
	for path, code in site_log.snapshot():
		if code >= 400 and path not in AUTOMATIC_PATHS:
			findings.append(("http", "server answered %d for %s" % (code, path)))
	for command, target in proxy_log.snapshot():
		if proxy_host(command, target) not in CHROMIUM_INTERNAL_HOSTS:
			findings.append(("proxy", "request left the site: %s %s" % (command, target)))
	return findings, out


def check_in_browser(site, page):
	findings, dom = browse(site, page, ["--enable-logging=stderr", "--v=0",
					    "--virtual-time-budget=5000", "--dump-dom"])
	if "<html" not in dom.lower():
		findings.append(("browser", "chromium returned no document"))
	return findings


# --- static checks -------------------------------------------------------

class PageParser(html.parser.HTMLParser):
	"""Collects what the static checks need from one page."""

	def __init__(self):
		super().__init__(convert_charrefs=True)
		self.lang = None
		self.titles = []
		self.in_title = False
		self.refs = []          # (tag, attribute, value, rel)
		self.ids = set()
		self.imgs_without_alt = []

	def handle_starttag(self, tag, attrs):
		a = {}
		for k, v in attrs:
			a.setdefault(k, v if v is not None else "")
		if "id" in a:
			self.ids.add(a["id"])
		if tag == "a" and "name" in a:
			self.ids.add(a["name"])
		if tag == "html":
			self.lang = a.get("lang", "").strip()
		elif tag == "title":
			self.in_title = True
			self.titles.append("")
		elif tag == "img" and not a.get("alt", "").strip():
			self.imgs_without_alt.append(a.get("src", "?"))
		rel = a.get("rel", "").lower().split()
		for attr in ("href", "src", "data", "poster"):
			if attr in a:
				self.refs.append((tag, attr, a[attr].strip(), rel))
		if "srcset" in a:
			for item in a["srcset"].split(","):
				if item.strip():
					self.refs.append((tag, "srcset", item.split()[0], rel))

	def handle_startendtag(self, tag, attrs):
		self.handle_starttag(tag, attrs)

	def handle_endtag(self, tag):
		if tag == "title":
			self.in_title = False

	def handle_data(self, data):
		if self.in_title:
			self.titles[-1] += data


def parse_file(path):
	p = PageParser()
	with open(path, encoding="utf-8", errors="replace") as f:
		p.feed(f.read())
	p.close()
	return p


def resolve(site, page, ref):
	"""The file inside SITE that a relative REF on PAGE names, or None when it
	leaves SITE; also the fragment (empty when none)."""
	parts = urllib.parse.urlsplit(ref)
	path = urllib.parse.unquote(parts.path)
	if path == "":
		target = page
	else:
		target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
	if target == ".." or target.startswith("../"):
		return None, parts.fragment
	full = os.path.join(site, target)
	if os.path.isdir(full):
		target = posixpath.join(target, "index.html")
	return target, urllib.parse.unquote(parts.fragment)


def check_static(site, page, parsed_pages):
	findings = []
	p = parsed_pages[page]
	if not p.lang:
		findings.append(("a11y", "<html> has no lang attribute"))
	if not p.titles or not p.titles[0].strip():
		findings.append(("a11y", "page has no <title> text"))
	for src in p.imgs_without_alt:
		findings.append(("a11y", "<img src=%s> has no alt text" % src))
	for tag, attr, value, rel in p.refs:
		where = "<%s %s=%s>" % (tag, attr, value)
		parts = urllib.parse.urlsplit(value)
		scheme = parts.scheme.lower()
		if scheme in ("http", "https") or value.startswith("//"):
			findings.append(("external", "%s is an external reference" % where))
			continue
		if scheme == "mailto" or (scheme == "data" and attr != "href"):
			continue
		if scheme:
			findings.append(("link", "%s uses an unexpected scheme" % where))
			continue
		if value == "":
			findings.append(("link", "%s is empty" % where))
			continue
		if value.startswith("/"):
			findings.append(("link", "%s is root-absolute; the site must work in any "
					 "folder" % where))
			continue
		target, fragment = resolve(site, page, value)
		if target is None:
			findings.append(("link", "%s points outside the site" % where))
			continue
		if not os.path.isfile(os.path.join(site, target)):
			findings.append(("link", "%s: no such file %s" % (where, target)))
			continue
		if fragment and target in parsed_pages and fragment not in parsed_pages[target].ids:
			findings.append(("link", "%s: no element with id \"%s\" in %s"
					 % (where, fragment, target)))
	return findings


CSS_URL_RE = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


def check_stylesheets(site):
	"""Every url() and @import in the site's CSS files is local and exists."""
	findings = {}
	for css in sorted(find_files(site, ".css")):
		with open(os.path.join(site, css), encoding="utf-8", errors="replace") as f:
			text = f.read()
		bad = []
		for m in CSS_URL_RE.finditer(text):
			ref = m.group(1) or m.group(2)
			if ref.startswith("data:") or ref.startswith("#"):
				continue
			if re.match(r"(?i)(https?:)?//", ref):
				bad.append(("external", "%s is an external reference" % ref))
				continue
			target, _ = resolve(site, css, ref)
			if target is None or not os.path.isfile(os.path.join(site, target)):
				bad.append(("link", "url(%s): no such file" % ref))
		if bad:
			findings[css] = bad
	return findings


def find_files(site, suffix):
	out = []
	for root, dirs, files in os.walk(site):
		dirs.sort()
		for name in files:
			if name.endswith(suffix):
				out.append(os.path.relpath(os.path.join(root, name), site).replace(os.sep, "/"))
	return sorted(out)


# --- the whole site ------------------------------------------------------

def check_site(site, report=print):
	"""Checks every page of SITE; returns {page: [(kind, message)]}."""
	pages = find_files(site, ".html")
	parsed = {page: parse_file(os.path.join(site, page)) for page in pages}
	results = {}
	with concurrent.futures.ThreadPoolExecutor(max_workers=PARALLEL) as pool:
		browsed = pool.map(lambda page: check_in_browser(site, page), pages)
		for page, runtime in zip(pages, browsed):
			findings = runtime + check_static(site, page, parsed)
			results[page] = findings
			report_page(page, findings, report)
	for css, findings in check_stylesheets(site).items():
		results[css] = findings
		report_page(css, findings, report)
	return results


def report_page(page, findings, report):
	if not findings:
		report("ok   " + page)
		return
	report("FAIL %s" % page)
	for kind, message in findings:
		report("       %s" % message)


def newest_month(site):
	months = sorted(d for d in os.listdir(site)
			if re.fullmatch(r"\d{4}-\d{2}", d) and os.path.isdir(os.path.join(site, d)))
	return months[-1] if months else None


def take_screenshots(site, month):
	for name, png in SCREENSHOTS:
		page = "%s/%s" % (month, name)
		if not os.path.isfile(os.path.join(site, page)):
			print("note: no %s, no screenshot" % page)
			continue
		try:
			os.unlink(png)
		except FileNotFoundError:
			pass
		browse(site, page, ["--hide-scrollbars", "--window-size=1280,2400",
				    "--virtual-time-budget=5000", "--screenshot=" + png])
		if os.path.isfile(png):
			print("screenshot of %s: %s" % (page, png))
		else:
			print("note: screenshot of %s was not written" % page)


def main_check(site):
	if not os.path.isdir(site):
		print("browser_check: no such folder %s" % site, file=sys.stderr)
		return 2
	if not os.path.isfile(os.path.join(site, "index.html")):
		print("FAIL index.html: the site has no archive index")
		return 1
	results = check_site(site)
	failed = sum(1 for f in results.values() if f)
	print("%d passed, %d failed" % (len(results) - failed, failed))
	month = newest_month(site)
	if month:
		take_screenshots(site, month)
	return 0 if failed == 0 else 1


# --- self-test: a site with one known defect per page --------------------

GOOD_HEAD = ('<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
	     '<title>%s</title><link rel="stylesheet" href="%sassets/style.css"></head>'
	     '<body><a href="#content">Skip</a><main id="content">')
GOOD_TAIL = '</main></body></html>\n'

# page -> (body, root, set of finding kinds it must produce)
SELF_TEST_PAGES = {
	"index.html": ('<a href="2026-10/index.html">October</a>', "", set()),
	"2026-10/index.html": (
		'<img src="charts/won.svg" alt="Won revenue by tier">'
		'<a href="partners/a.html#score">A</a> <a href="partners/">All</a>'
		'<a href="mailto:ops@example.com">Mail</a>', "../", set()),
	"2026-10/partners/index.html": ('<a href="a.html">A</a>', "../../", set()),
	"2026-10/partners/a.html": ('<h2 id="score">A</h2><a href="../index.html">Back</a>',
				    "../../", set()),
	"2026-10/missing-image.html": ('<img src="charts/gone.svg" alt="Gone">', "../",
				       {"http", "link"}),
	"2026-10/console-error.html": ('<script>console.error("broken figure")</script>',
				       "../", {"console"}),
	"2026-10/uncaught.html": ('<script>null.total;</script>', "../", {"uncaught"}),
	"2026-10/external-image.html": (
		'<img src="http://cdn.example.com/logo.png" alt="Logo">', "../",
		{"proxy", "external"}),
	"2026-10/external-font.html": (
		'<link rel="stylesheet" href="https://fonts.example.com/css?family=X">', "../",
		{"proxy", "external"}),
	"2026-10/external-link.html": ('<a href="https://example.com/">Out</a>', "../",
				       {"external"}),
	"2026-10/broken-link.html": ('<a href="tiers.html">Tiers</a>', "../", {"link"}),
	"2026-10/broken-fragment.html": ('<a href="#nowhere">Here</a>', "../", {"link"}),
	"2026-10/missing-css.html": ('<link rel="stylesheet" href="../assets/gone.css">',
				     "../", {"http", "link"}),
}
SELF_TEST_RAW = {
	# no lang, no title, an image without alt text
	"2026-10/no-a11y.html": ('<!DOCTYPE html><html><head><meta charset="utf-8">'
				 '<link rel="stylesheet" href="../assets/style.css"></head><body>'
				 '<img src="charts/won.svg"></body></html>\n', {"a11y"}),
}
SELF_TEST_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
		 '<rect width="10" height="10" fill="#0072b2"/></svg>\n')


def self_test():
	tmp = tempfile.mkdtemp(prefix="reviewpack-selftest-")
	try:
		expected = {}
		def write(rel, text):
			path = os.path.join(tmp, rel)
			os.makedirs(os.path.dirname(path), exist_ok=True)
			with open(path, "w", encoding="utf-8") as f:
				f.write(text)
		write("assets/style.css", "body { font-family: sans-serif; }\n")
		write("assets/print.css", '@import "https://fonts.example.com/x.css";\n'
		      'h1 { background: url(../img/gone.png); }\n')
		expected["assets/print.css"] = {"external", "link"}
		write("2026-10/charts/won.svg", SELF_TEST_SVG)
		for page, (body, root, kinds) in SELF_TEST_PAGES.items():
			write(page, GOOD_HEAD % (page, root) + body + GOOD_TAIL)
			expected[page] = kinds
		for page, (text, kinds) in SELF_TEST_RAW.items():
			write(page, text)
			expected[page] = kinds
		results = check_site(tmp, report=lambda line: None)
		bad = 0
		for page in sorted(expected):
			got = {kind for kind, _ in results.get(page, [])}
			if got == expected[page]:
				print("self-test ok   %s: %s" % (page, ", ".join(sorted(got)) or "clean"))
			else:
				bad += 1
				print("self-test FAIL %s: expected {%s}, got {%s}" % (
					page, ", ".join(sorted(expected[page])), ", ".join(sorted(got))))
				for kind, message in results.get(page, []):
					print("       %s: %s" % (kind, message))
		print("self-test: %d of %d pages as expected" % (len(expected) - bad, len(expected)))
		return 0 if bad == 0 else 1
	finally:
		shutil.rmtree(tmp, ignore_errors=True)


def main(argv):
	if len(argv) != 2:
		print("usage: browser_check.py SITE | --self-test", file=sys.stderr)
		return 2
	if not os.access(CHROMIUM, os.X_OK):
		print("browser_check: %s is missing; run 'make deps'" % CHROMIUM, file=sys.stderr)
		return 1
	if argv[1] == "--self-test":
		return self_test()
	return main_check(argv[1])


if __name__ == "__main__":
	sys.exit(main(sys.argv))

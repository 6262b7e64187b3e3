#!/usr/bin/python3
"""Browser check of a generated reviewpack site.

usage: browser_check.py [OPTIONS] SITE   check the pages of SITE
       browser_check.py --shots SITE DIR  full-page screenshots of the newest
                                          month's pages into DIR (for review)
       browser_check.py --email EML       open the email edition's HTML (its cid:
                                          images beside it) at 390 and 600 px wide
       browser_check.py --self-test       check a hand-made site with known
                                          defects and prove every check reports them

Statically, every *.html page under SITE fails on: a relative href/src that
does not resolve to a file inside SITE, a fragment that names no element, any
absolute http(s) reference, a missing <html lang>, an empty <title>, an <img>
without alt text; a partners index whose rows are not in the pack's order
(window won revenue, largest first: the order the sort script falls back to).

In the browser (one headless Chromium driven over its DevTools pipe, behind a
local HTTP server that records every request and a proxy that refuses
everything), each page opened is shown at 1366 and 390 px wide, light and
dark, and fails on: console output or an uncaught exception, a request the
site's server answered with 4xx or 5xx, any request that reached the proxy,
an image that did not load, a document wider than the screen (horizontal
overflow), and, in the dark theme, a chart drawn on an opaque white
background. Options:
  --sample-partners N  open only N partner pages (spread over the list) in
                       the browser; every page is still checked statically
  --max-height PAGE=PX fail when PAGE (e.g. governance.html, in the newest
                       month) is PX or taller at 1366 px
  --print PAGE=N       print PAGE to PDF on A4 and on Letter and fail when
                       either has more than N pages (counted by pdfinfo)
  --axe FILE           run axe-core (FILE is axe.min.js) on every page opened,
                       both themes, both widths; fail on WCAG 2.1 A/AA violations
  --heights            report each opened page's height at 1366 px
One line per page, then "N passed, M failed"; exit status 0 only when all
pages pass. The email fails when its document is wider than the frame it is
shown in (390 px, a phone; 600 px, a desktop client's reading pane).
Python 3 standard library only (and pdfinfo from poppler-utils for --print).
"""

import base64
import functools
import html.parser
import http.server
import json
import os
import posixpath
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
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
PAGE_TIMEOUT = 60        # seconds of real time for one DevTools call

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


class QuietServer(http.server.ThreadingHTTPServer):
	"""Says nothing when the browser drops a connection it no longer needs
	(it leaves a page before every image has arrived)."""

	def handle_error(self, request, client_address):
		if not isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
			super().handle_error(request, client_address)


class Server:
	"""An HTTP server on 127.0.0.1, a free port, in a thread."""

	def __init__(self, handler, log):
		self.log = log
		self.httpd = QuietServer(("127.0.0.1", 0), functools.partial(handler, log=log))
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


# --- Chromium over its DevTools pipe ---------------------------------------

WIDTHS = (1366, 390)
THEMES = ("light", "dark")


class Browser:
	"""One headless Chromium, driven over --remote-debugging-pipe (file
	descriptors 3 and 4, messages of JSON ended by a NUL byte), with one tab.
	Every request goes to the proxy (refused and recorded) unless it is for
	the local site server."""

	def __init__(self, proxy_port):
		self.profile = tempfile.mkdtemp(prefix="reviewpack-chromium-")
		to_child_r, self.to_child = os.pipe()
		self.from_child, from_child_w = os.pipe()

		def fds():  # the pipe's ends as fds 3 and 4 (pass_fds keeps those open)
			r, w = os.dup(to_child_r), os.dup(from_child_w)
			os.dup2(r, 3)
			os.dup2(w, 4)
		cmd = [CHROMIUM] + CHROMIUM_FLAGS + [
			"--user-data-dir=" + self.profile, "--remote-debugging-pipe",
			"--proxy-server=http://127.0.0.1:%d" % proxy_port,
			"--hide-scrollbars", "about:blank"]
		self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
					     stderr=subprocess.DEVNULL, pass_fds=(3, 4),
					     preexec_fn=fds, start_new_session=True)
		os.close(to_child_r)
		os.close(from_child_w)
		self.buf = b""
		self.next_id = 0
		self.events = []
		target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
		self.session = self.call("Target.attachToTarget",
					 {"targetId": target, "flatten": True})["sessionId"]
		for domain in ("Page", "Runtime", "Log"):
			self.call(domain + ".enable", session=True)

	def close(self):
		try:
			os.killpg(self.proc.pid, signal.SIGKILL)
		except ProcessLookupError:
			pass
		self.proc.wait()
		os.close(self.to_child)
		os.close(self.from_child)
		shutil.rmtree(self.profile, ignore_errors=True)

	def _read(self, deadline):
		while b"\0" not in self.buf:
			left = deadline - time.monotonic()
			if left <= 0:
				raise TimeoutError("chromium did not answer within %d s" % PAGE_TIMEOUT)
			ready, _, _ = select.select([self.from_child], [], [], left)
			if ready:
				chunk = os.read(self.from_child, 1 << 20)
				if not chunk:
					raise RuntimeError("chromium closed its DevTools pipe")
				self.buf += chunk
		msg, self.buf = self.buf.split(b"\0", 1)
		return json.loads(msg)

	def call(self, method, params=None, session=False):
		self.next_id += 1
		msg = {"id": self.next_id, "method": method, "params": params or {}}
		if session:
			msg["sessionId"] = self.session
		os.write(self.to_child, json.dumps(msg).encode() + b"\0")
		deadline = time.monotonic() + PAGE_TIMEOUT
		while True:
			m = self._read(deadline)
			if m.get("id") == self.next_id:
				if "error" in m:
					raise RuntimeError("%s: %s" % (method, m["error"].get("message")))
				return m.get("result", {})
			if "method" in m:
				self.events.append(m)

	def wait_event(self, method, timeout=PAGE_TIMEOUT):
		deadline = time.monotonic() + timeout
		while True:
			for i, e in enumerate(self.events):
				if e["method"] == method:
					del self.events[i]
					return e
			self.events.append(self._read(deadline))

	def evaluate(self, expr):
		r = self.call("Runtime.evaluate", {"expression": expr, "awaitPromise": True,
						   "returnByValue": True}, session=True)
		if "exceptionDetails" in r:
			raise RuntimeError("script failed: %s" % r["exceptionDetails"].get("text"))
		return r["result"].get("value")

	def show(self, url, width, theme, media="screen"):
		"""Loads URL at WIDTH css px in THEME; waits for images and fonts."""
		self.call("Emulation.setDeviceMetricsOverride",
			  {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 600},
			  session=True)
		self.call("Emulation.setEmulatedMedia",
			  {"media": media, "features": [{"name": "prefers-color-scheme", "value": theme}]},
			  session=True)
		self.events = [e for e in self.events if e["method"] != "Page.loadEventFired"]
		self.call("Page.navigate", {"url": url}, session=True)
		self.wait_event("Page.loadEventFired")
		self.evaluate(SETTLE_JS)

	def console(self):
		"""Console lines and uncaught exceptions since the last call."""
		out = []
		for e in self.events:
			m, p = e["method"], e.get("params", {})
			if m == "Runtime.consoleAPICalled":
				text = " ".join(str(a.get("value", a.get("description", ""))) for a in p.get("args", []))
				out.append(("console", "console.%s: %s" % (p.get("type"), text)))
			elif m == "Runtime.exceptionThrown":
				d = p.get("exceptionDetails", {})
				text = d.get("exception", {}).get("description") or d.get("text", "")
				out.append(("uncaught", "uncaught: %s" % text.splitlines()[0] if text else "uncaught"))
			elif (m == "Log.entryAdded" and p.get("entry", {}).get("level") in ("error", "warning")
			      and p["entry"].get("source") != "network"):  # requests: see Session.requests
				entry = p["entry"]
				out.append(("console", "%s: %s %s" % (entry.get("level"), entry.get("text"),
								   entry.get("url", ""))))
		self.events = []
		return out

	def pdf_pages(self, paper):
		"""Prints the page to PDF on PAPER (inches); the page count (pdfinfo)."""
		w, h = PAPERS[paper]
		data = self.call("Page.printToPDF", {"paperWidth": w, "paperHeight": h,
						    "printBackground": True}, session=True)["data"]
		with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
			f.write(base64.b64decode(data))
			f.flush()
			info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True).stdout
		m = re.search(r"^Pages:\s+(\d+)", info, re.M)
		return int(m.group(1)) if m else -1

	def screenshot(self, path):
		h = self.evaluate("document.documentElement.scrollHeight")
		w = self.evaluate("document.documentElement.clientWidth")
		data = self.call("Page.captureScreenshot",
				 {"captureBeyondViewport": True,
				  "clip": {"x": 0, "y": 0, "width": w, "height": min(h, 16000), "scale": 1}},
				 session=True)["data"]
		with open(path, "wb") as f:
			f.write(base64.b64decode(data))


PAPERS = {"A4": (8.27, 11.69), "Letter": (8.5, 11.0)}

# Waits until every image has loaded or failed (lazy ones are asked to load
# first) and the fonts are ready.
SETTLE_JS = """(async () => {
	/* every image loaded, as printing does, unless the page has more than a
	 * screenful of them: those load as the reader scrolls (loading=lazy) and
	 * the static check proves each one's file is there */
	if (document.images.length <= 200)
		for (const img of document.images) img.loading = "eager";
	await Promise.all(Array.from(document.images, img => img.complete ? 0 :
		new Promise(done => { img.onload = img.onerror = done; setTimeout(done, 5000); })));
	await document.fonts.ready;
	return true;
})()"""

# What one view of a page measures: the document's width against the
# screen's, its height, the images that did not load, and (dark theme) the
# charts whose drawing is mostly opaque white.
MEASURE_JS = """(async (dark) => {
	const root = document.documentElement;
	const out = {scroll: root.scrollWidth, client: root.clientWidth, height: root.scrollHeight,
		     broken: [], white: []};
	for (const img of document.images)
		if (img.complete && img.naturalWidth === 0) out.broken.push(img.getAttribute("src"));
	if (!dark) return out;
	for (const img of document.querySelectorAll("img.chart")) {
		if (!img.naturalWidth) continue;
		const w = Math.min(img.naturalWidth, 400), h = Math.max(1, Math.round(img.naturalHeight * w / img.naturalWidth));
		const c = document.createElement("canvas");
		c.width = w; c.height = h;
		const g = c.getContext("2d");
		g.drawImage(img, 0, 0, w, h);
		const px = g.getImageData(0, 0, w, h).data;
		let white = 0;
		for (let i = 0; i < px.length; i += 4)
			if (px[i + 3] > 200 && px[i] > 235 && px[i + 1] > 235 && px[i + 2] > 235) white++;
		if (white > 0.3 * w * h) out.white.push(img.currentSrc.split("/").pop());
	}
	return out;
})(%s)"""

AXE_RUN_JS = """axe.run(document, {runOnly: {type: "tag",
	values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}, resultTypes: ["violations"], preload: false})
	.then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
		nodes: v.nodes.length, targets: v.nodes.slice(0, 3).map(n => n.target.join(" "))})))"""


class Session:
	"""The site's server, the refusing proxy and one browser; opens pages and
	returns findings."""

	def __init__(self, site, axe=None):
		self.site_log, self.proxy_log = Log(), Log()
		self.server = Server(functools.partial(SiteHandler, directory=site), self.site_log)
		self.proxy = Server(ProxyHandler, self.proxy_log)
		self.browser = Browser(self.proxy.port)
		self.axe = axe
		self.seen_site = self.seen_proxy = 0

	def close(self):
		self.browser.close()
		self.server.close()
		self.proxy.close()

	def url(self, page):
		return "http://127.0.0.1:%d/%s" % (self.server.port, urllib.parse.quote(page))

	def requests(self):
		findings = []
		site, proxy = self.site_log.snapshot(), self.proxy_log.snapshot()
		for path, code in site[self.seen_site:]:
			if code >= 400 and path not in AUTOMATIC_PATHS:
				findings.append(("http", "server answered %d for %s" % (code, path)))
		for command, target in proxy[self.seen_proxy:]:
			if proxy_host(command, target) not in CHROMIUM_INTERNAL_HOSTS:
				findings.append(("proxy", "request left the site: %s %s" % (command, target)))
		self.seen_site, self.seen_proxy = len(site), len(proxy)
		return findings

	def view(self, page, width, theme, axe=False):
		"""Opens PAGE at WIDTH in THEME; returns (findings, measurements)."""
		b = self.browser
		where = "%d px %s" % (width, theme)
		try:
			b.show(self.url(page), width, theme)
			m = b.evaluate(MEASURE_JS % ("true" if theme == "dark" else "false"))
			found = []
			if axe and self.axe:
				b.evaluate(self.axe)
				for v in b.evaluate(AXE_RUN_JS):
					found.append(("axe", "%s: axe %s (%s, %d element%s): %s; e.g. %s" % (
						where, v["id"], v["impact"], v["nodes"], "" if v["nodes"] == 1 else "s",
						v["help"], ", ".join(v["targets"]))))
		except (RuntimeError, TimeoutError, OSError) as e:
			return [("browser", "%s: %s" % (where, e))], None
		found += [(k, "%s: %s" % (where, t)) for k, t in b.console()]
		found += self.requests()
		if m["scroll"] > m["client"]:
			found.append(("overflow", "%s: the page is %d px wide on a %d px screen" % (
				where, m["scroll"], m["client"])))
		for src in m["broken"]:
			found.append(("image", "%s: image did not load: %s" % (where, src)))
		for name in m["white"]:
			found.append(("dark", "%s: chart %s is drawn on an opaque white background" % (
				where, name)))
		return found, m

	def check(self, page, axe=False):
		"""Every width and theme; returns (findings, height at 1366 px light)."""
		findings, height = [], None
		for width in WIDTHS:
			for theme in THEMES:
				found, m = self.view(page, width, theme, axe)
				findings += found
				if m and width == WIDTHS[0] and theme == "light":
					height = m["height"]
		return findings, height

	def print_pages(self, page):
		"""{paper: pages} of PAGE printed to PDF."""
		self.browser.show(self.url(page), WIDTHS[0], "light", media="print")
		self.browser.console()
		return {paper: self.browser.pdf_pages(paper) for paper in PAPERS}


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

PARTNER_PAGE_RE = re.compile(r"(^|/)partners/(?!index\.html$)[^/]+\.html$")
INDEX_ROW_RE = re.compile(r'<tr data-tier="[^"]*" data-flags="[^"]*">(.*?)</tr>')
SORT_RE = re.compile(r'data-sort="([^"]*)"')


def check_index_order(site, page):
	"""A partners index lists its rows by window won revenue, largest first
	(its second data-sort column): the order the sort script falls back to."""
	with open(os.path.join(site, page), encoding="utf-8") as f:
		rows = INDEX_ROW_RE.findall(f.read())
	won = []
	for row in rows:
		keys = SORT_RE.findall(row)
		if len(keys) < 2 or keys[1] == "":
			return [("order", "a row of the partners table has no won-revenue sort value")]
		won.append(float(keys[1]))
	for i in range(1, len(won)):
		if won[i] > won[i - 1]:
			return [("order", "row %d (%.2f) comes after a smaller won revenue (%.2f): the "
				 "table is not in the pack's order" % (i + 1, won[i] / 100, won[i - 1] / 100))]
	return []


def sample(pages, n):
	"""N of PAGES spread evenly over the list (all when N is None or more)."""
	if n is None or n >= len(pages):
		return list(pages)
	step = len(pages) / n
	return [pages[int(i * step)] for i in range(n)]


def check_site(site, report=print, partners=None, axe=None, heights=False):
	"""Checks every page of SITE statically and opens the pages (all but
	partner pages beyond a sample of PARTNERS) in the browser; returns
	({page: [(kind, message)]}, {page: height at 1366 px})."""
	pages = find_files(site, ".html")
	parsed = {page: parse_file(os.path.join(site, page)) for page in pages}
	partner_pages = [p for p in pages if PARTNER_PAGE_RE.search(p)]
	opened = set(p for p in pages if p not in partner_pages) | set(sample(partner_pages, partners))
	results, sizes = {}, {}
	session = Session(site, axe) if opened else None
	try:
		for page in pages:
			findings = check_static(site, page, parsed)
			if page.endswith("partners/index.html"):
				findings += check_index_order(site, page)
			if page in opened:
				found, height = session.check(page, axe=axe is not None)
				findings = found + findings
				sizes[page] = height
				if heights:
					report("     %s: %s px tall at %d px" % (page, height, WIDTHS[0]))
			results[page] = findings
			report_page(page, findings, report)
	finally:
		if session:
			session.close()
	for css, findings in check_stylesheets(site).items():
		results[css] = findings
		report_page(css, findings, report)
	report("%d pages checked statically, %d opened in the browser at %s px, light and dark%s"
	       % (len(pages), len(opened), " and ".join(str(w) for w in WIDTHS),
		  ", with axe-core" if axe else ""))
	return results, sizes


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


def shots(site, out):
	"""Full-page screenshots of the newest month's pages (one partner page)
	at each width and theme, for a person to look at."""
	month = newest_month(site)
	pages = ["index.html"] + ["%s/%s" % (month, p) for p in (
		"index.html", "actions.html", "tiers.html", "attribution.html", "governance.html",
		"partners/index.html", "data-quality.html", "glossary.html")]
	partner = sorted(p for p in find_files(os.path.join(site, month), ".html") if PARTNER_PAGE_RE.search(p))
	if partner:
		pages.append("%s/%s" % (month, partner[0]))
	os.makedirs(out, exist_ok=True)
	session = Session(site)
	try:
		for page in pages:
			for width in WIDTHS:
				for theme in THEMES:
					session.browser.show(session.url(page), width, theme)
					name = "%s-%d-%s.png" % (page.replace("/", "_")[:-5], width, theme)
					session.browser.screenshot(os.path.join(out, name))
					print("screenshot %s" % os.path.join(out, name))
	finally:
		session.close()
	return 0


def parse_limits(values, what):
	out = {}
	for v in values:
		page, _, n = v.partition("=")
		if not n.isdigit():
			raise SystemExit("browser_check: %s needs PAGE=NUMBER, not %s" % (what, v))
		out[page] = int(n)
	return out


def main_check(site, partners=None, axe_file=None, max_heights=(), prints=(), heights=False):
	if not os.path.isdir(site):
		print("browser_check: no such folder %s" % site, file=sys.stderr)
		return 2
	if not os.path.isfile(os.path.join(site, "index.html")):
		print("FAIL index.html: the site has no archive index")
		return 1
	axe = None
	if axe_file:
		with open(axe_file, encoding="utf-8") as f:
			axe = f.read()
	results, sizes = check_site(site, partners=partners, axe=axe, heights=heights)
	month = newest_month(site)
	for page, limit in parse_limits(max_heights, "--max-height").items():
		key = "%s/%s" % (month, page)
		h = sizes.get(key)
		if h is None:
			results[key + " (height)"] = [("height", "%s was not opened" % key)]
		elif h >= limit:
			results[key + " (height)"] = [("height", "%s is %d px tall at %d px; the limit is %d"
							   % (key, h, WIDTHS[0], limit))]
		else:
			print("ok   %s is %d px tall at %d px (under %d)" % (key, h, WIDTHS[0], limit))
	limits = parse_limits(prints, "--print")
	if limits:
		session = Session(site)
		try:
			for page, limit in limits.items():
				key = "%s/%s" % (month, page)
				counts = session.print_pages(key)
				text = ", ".join("%s %d" % (paper, n) for paper, n in counts.items())
				over = [paper for paper, n in counts.items() if n < 1 or n > limit]
				if over:
					results[key + " (print)"] = [("print", "%s prints on %s pages; at most %d"
									 % (key, text, limit))]
					report_page(key + " (print)", results[key + " (print)"], print)
				else:
					print("ok   %s prints on %s pages (at most %d)" % (key, text, limit))
		finally:
			session.close()
	failed = sum(1 for f in results.values() if f)
	print("%d passed, %d failed" % (len(results) - failed, failed))
	return 0 if failed == 0 else 1


# --- the email edition -------------------------------------------------

EMAIL_WIDTHS = (390, 600)


def email_html(eml_path, folder):
	"""Writes the HTML part of EML_PATH into FOLDER as email.html, its cid:
	images beside it as files; returns the page's name."""
	import email
	import email.policy
	with open(eml_path, "rb") as f:
		msg = email.message_from_bytes(f.read(), policy=email.policy.default)
	related = [p for p in msg.walk() if p.get_content_type() == "multipart/related"]
	parts = list(related[0].iter_parts()) if related else []
	html = parts[0].get_content() if parts else ""
	for part in parts[1:]:
		cid = str(part.get("Content-ID", "")).strip().strip("<>")
		name = "cid-%s.png" % re.sub(r"[^A-Za-z0-9._-]", "_", cid)
		with open(os.path.join(folder, name), "wb") as f:
			f.write(part.get_payload(decode=True))
		html = html.replace("cid:" + cid, name)
	with open(os.path.join(folder, "email.html"), "w", encoding="utf-8") as f:
		f.write(html)
	return "email.html"


def check_email_widths(folder, page, report=print):
	"""Opens FOLDER/PAGE at each of EMAIL_WIDTHS; returns findings."""
	findings = []
	session = Session(folder)
	try:
		for width in EMAIL_WIDTHS:
			found, m = session.view(page, width, "light")
			findings += found
			if m and not found:
				report("email at %d px: %d px tall, no horizontal overflow" % (width, m["height"]))
	finally:
		session.close()
	return findings


def main_email(eml_path):
	with tempfile.TemporaryDirectory(prefix="reviewpack-email-") as folder:
		page = email_html(eml_path, folder)
		findings = check_email_widths(folder, page)
	report_page(eml_path, findings, print)
	return 1 if findings else 0


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
	# the pack's order is window won revenue, largest first
	"2026-09/partners/index.html": (
		'<table><tr data-tier="core" data-flags=""><td data-sort="2">A</td><td data-sort="500">5</td></tr>'
		'<tr data-tier="core" data-flags=""><td data-sort="2">B</td><td data-sort="900">9</td></tr></table>',
		"../../", {"order"}),
	"2026-10/partners/a.html": ('<h2 id="score">A</h2><a href="../index.html">Back</a>',
				    "../../", set()),
	"2026-10/missing-image.html": ('<img src="charts/gone.svg" alt="Gone">', "../",
				       {"http", "link", "image"}),
	"2026-10/console-error.html": ('<script>console.error("broken figure")</script>',
				       "../", {"console"}),
	"2026-10/uncaught.html": ('<script>null.total;</script>', "../", {"uncaught"}),
	"2026-10/external-image.html": (
		'<img src="http://cdn.example.com/logo.png" alt="Logo">', "../",
		{"proxy", "external", "image"}),
	"2026-10/too-wide.html": ('<table><tr><td style="min-width:1500px">Wide</td></tr></table>', "../",
				  {"overflow"}),
	"2026-10/white-chart.html": ('<img class="chart" src="charts/white.svg" alt="A chart on white">',
				     "../", {"dark"}),
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
SELF_TEST_WHITE_SVG = ('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
		       '<rect width="200" height="100" fill="#ffffff"/>'
		       '<rect x="20" y="40" width="40" height="60" fill="#0072b2"/></svg>\n')
# with axe-core: text far below AA contrast
SELF_TEST_AXE = ("2026-10/low-contrast.html",
		 '<p style="color:#bbbbbb;background:#ffffff">Faint figures</p>', "../", {"axe"})


def self_test(axe_file=None):
	tmp = tempfile.mkdtemp(prefix="reviewpack-selftest-")
	axe = None
	if axe_file:
		with open(axe_file, encoding="utf-8") as f:
			axe = f.read()
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
		write("2026-10/charts/white.svg", SELF_TEST_WHITE_SVG)
		pages = dict(SELF_TEST_PAGES)
		raw = dict(SELF_TEST_RAW)
		if axe:  # axe-core reports the same defects as the static check
			pages[SELF_TEST_AXE[0]] = SELF_TEST_AXE[1:]
			raw = {page: (text, kinds | {"axe"}) for page, (text, kinds) in raw.items()}
		for page, (body, root, kinds) in pages.items():
			write(page, GOOD_HEAD % (page, root) + body + GOOD_TAIL)
			expected[page] = kinds
		for page, (text, kinds) in raw.items():
			write(page, text)
			expected[page] = kinds
		results, _ = check_site(tmp, report=lambda line: None, axe=axe)
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
		# an email of fixed 600 px scrolls sideways on a phone; a fluid one does not
		for name, table, kinds in (("fixed.html", '<table width="600" style="width:600px">', {"overflow"}),
					   ("fluid.html", '<table width="100%" style="width:100%;max-width:600px">', set())):
			write("email/" + name, '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
			      '<meta name="viewport" content="width=device-width"><title>e</title></head>'
			      '<body style="margin:0">%s<tr><td>Figures</td></tr></table></body></html>\n' % table)
			got = {kind for kind, _ in check_email_widths(os.path.join(tmp, "email"), name,
								     report=lambda line: None)}
			if got == kinds:
				print("self-test ok   email %s: %s" % (name, ", ".join(sorted(got)) or "clean"))
			else:
				bad += 1
				print("self-test FAIL email %s: expected {%s}, got {%s}" % (
					name, ", ".join(sorted(kinds)), ", ".join(sorted(got))))
		return 0 if bad == 0 else 1
	finally:
		shutil.rmtree(tmp, ignore_errors=True)


def main(argv):
	import argparse
	ap = argparse.ArgumentParser(description="Browser check of a reviewpack site.")
	ap.add_argument("site", nargs="?")
	ap.add_argument("--email")
	ap.add_argument("--self-test", action="store_true")
	ap.add_argument("--shots", nargs=2, metavar=("SITE", "DIR"))
	ap.add_argument("--sample-partners", type=int)
	ap.add_argument("--axe")
	ap.add_argument("--max-height", action="append", default=[])
	ap.add_argument("--print", dest="prints", action="append", default=[])
	ap.add_argument("--heights", action="store_true")
	a = ap.parse_args(argv[1:])
	if not os.access(CHROMIUM, os.X_OK):
		print("browser_check: %s is missing; run 'make deps'" % CHROMIUM, file=sys.stderr)
		return 1
	if a.self_test:
		return self_test(a.axe)
	if a.email:
		return main_email(a.email)
	if a.shots:
		return shots(*a.shots)
	if not a.site:
		ap.print_usage(sys.stderr)
		return 2
	return main_check(a.site, a.sample_partners, a.axe, a.max_height, a.prints, a.heights)


if __name__ == "__main__":
	sys.exit(main(sys.argv))

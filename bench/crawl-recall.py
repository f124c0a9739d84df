#!/usr/bin/env python3
"""crawl-recall.py: the measuring half of bench/crawl-recall.sh (standard library only).

  crawl-recall.py truth START_URL OUT_FILE [DEPTH]
      Visits START_URL and every same-host page linked from it (a[href] of the DOM Chromium built,
      up to DEPTH link levels, default 5) in headless Chromium driven over --remote-debugging-pipe
      with script execution disabled (Emulation.setScriptExecutionDisabled), a 1280x900 viewport
      at device scale 1 and the cache off, and writes the URL paths of the requests of type Image
      that got a 200 (img, picture, CSS url() backgrounds...) to OUT_FILE, one per line; the pages
      visited go to OUT_FILE.pages.

  crawl-recall.py score SITE_DIR TRUTH_FILE NAME=DIR [NAME=DIR ...]
      Compares what each tool saved in DIR with the truth, by SHA-256: prints one Markdown row
      per tool (pictures in truth, found, missed, extra, duplicates) and the details below it.
"""
import hashlib
import html.parser
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

PICTURE_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".jxl", ".svg", ".bmp", ".ico", ".tif", ".tiff"}


class LinkParser(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []
        self.base = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "base" and a.get("href") and self.base is None:
            self.base = a["href"]


def chromium_binary():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        for d in os.environ.get("PATH", "").split(os.pathsep):
            p = os.path.join(d, name)
            if os.access(p, os.X_OK):
                return p
    sys.exit("crawl-recall: chromium not found")


class Browser:
    """Headless Chromium driven over --remote-debugging-pipe (NUL-separated JSON on fds 3 and 4)."""

    def __init__(self):
        self.profile = tempfile.mkdtemp(prefix="crawl-recall-profile.")
        to_chrome_r, self.to_chrome = os.pipe()
        self.from_chrome, from_chrome_w = os.pipe()
        # Chromium reads commands on fd 3 and writes on fd 4; the shell puts the pipes there.
        args = [chromium_binary(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-extensions", "--disable-background-networking", "--disable-sync",
                "--disable-component-update", "--no-default-browser-check", "--remote-debugging-pipe",
                f"--user-data-dir={self.profile}", "about:blank"]
        self.proc = subprocess.Popen(
            ["sh", "-c", f'exec "$@" 3<&{to_chrome_r} 4>&{from_chrome_w}', "sh", *args],
            pass_fds=(to_chrome_r, from_chrome_w), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self.buffer = b""
        self.next_id = 0
        self.events = []

    def close(self):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # a second TERM must not cut the cleanup short
        try:
            self.send("Browser.close", timeout=10)
        except Exception:
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self.to_chrome)
        os.close(self.from_chrome)
        for _ in range(100):  # Chromium's helper processes may still write there for a moment
            shutil.rmtree(self.profile, ignore_errors=True)
            if not os.path.exists(self.profile):
                break
            time.sleep(0.1)

    def read_message(self, deadline):
        while b"\0" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            ready, _, _ = select.select([self.from_chrome], [], [], left)
            if not ready:
                return None
            chunk = os.read(self.from_chrome, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed its pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method, params=None, session=None, timeout=60):
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self.to_chrome, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            reply = self.read_message(deadline)
            if reply is None:
                raise RuntimeError(f"no answer to {method}")
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def visit(self, url, quiet_s=1.5, limit_s=60):
        """Loads url with scripts off; returns (its HTML as Chromium parsed it, image URLs loaded)."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.events = []
        self.send("Emulation.setScriptExecutionDisabled", {"value": True}, session)
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session)
        self.send("Network.enable", {}, session)
        self.send("Network.setCacheDisabled", {"cacheDisabled": True}, session)
        self.send("Page.enable", {}, session)
        self.send("Page.navigate", {"url": url}, session)
        images, pending, loaded = {}, set(), False
        deadline = time.monotonic() + limit_s
        quiet_until = None
        while time.monotonic() < deadline:
            events, self.events = self.events, []
            for event in events:
                if event.get("sessionId") != session:
                    continue
                method, params = event.get("method"), event.get("params", {})
                if method == "Network.requestWillBeSent":
                    pending.add(params["requestId"])
                    if params.get("type") == "Image":
                        images[params["requestId"]] = [params["request"]["url"], None]
                elif method == "Network.responseReceived":
                    if params["requestId"] in images:
                        images[params["requestId"]][1] = params["response"]["status"]
                elif method in ("Network.loadingFinished", "Network.loadingFailed"):
                    pending.discard(params["requestId"])
                elif method == "Page.loadEventFired":
                    loaded = True
            if loaded and not pending:
                quiet_until = quiet_until or time.monotonic() + quiet_s
                if time.monotonic() >= quiet_until:
                    break
            else:
                quiet_until = None
            message = self.read_message(min(deadline, time.monotonic() + 0.2))
            if message is not None:
                self.events.append(message)
        root = self.send("DOM.getDocument", {"depth": 0}, session)["root"]["nodeId"]
        dom = self.send("DOM.getOuterHTML", {"nodeId": root}, session)["outerHTML"]
        self.send("Target.closeTarget", {"targetId": target})
        return dom, sorted({u for u, status in images.values() if status == 200})


def is_html(url):
    req = urllib.request.Request(url, method="HEAD")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status == 200 and r.headers.get_content_type() == "text/html"
    except Exception:
        return False


def truth(start, out_path, depth):
    origin = urllib.parse.urlsplit(start)
    seen = {urllib.parse.urldefrag(start)[0]}
    frontier = [start]
    pages, pictures = [], set()
    browser = Browser()
    try:
        for level in range(depth + 1):
            following = []
            for page in frontier:
                if not is_html(page):
                    continue
                dom, images = browser.visit(page)
                pages.append(page)
                for image in images:
                    parts = urllib.parse.urlsplit(image)
                    if parts.scheme in ("http", "https"):
                        pictures.add(urllib.parse.unquote(parts.path))
                if level == depth:
                    continue
                parser = LinkParser()
                parser.feed(dom)
                base = urllib.parse.urljoin(page, parser.base) if parser.base else page
                for href in parser.links:
                    target = urllib.parse.urldefrag(urllib.parse.urljoin(base, href.strip()))[0]
                    parts = urllib.parse.urlsplit(target)
                    if parts.scheme != origin.scheme or parts.netloc != origin.netloc or target in seen:
                        continue
                    seen.add(target)
                    following.append(target)
            frontier = following
    finally:
        browser.close()
    with open(out_path, "w") as f:
        f.writelines(p + "\n" for p in sorted(pictures))
    with open(out_path + ".pages", "w") as f:
        f.writelines(p + "\n" for p in pages)
    print(f"{len(pages)} pages, {len(pictures)} pictures", file=sys.stderr)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def files(root, skip_dirs=(".haul",)):
    for d, dirs, names in os.walk(root):
        dirs[:] = sorted(x for x in dirs if x not in skip_dirs)
        for n in sorted(names):
            yield os.path.join(d, n)


def score(site, truth_path, tools):
    by_hash = {}  # sha256 -> site paths ("/images/a.jpg") with that content
    for p in files(site, skip_dirs=(".git",)):
        by_hash.setdefault(sha256(p), []).append("/" + os.path.relpath(p, site).replace(os.sep, "/"))
    with open(truth_path) as f:
        wanted = [line.strip() for line in f if line.strip()]
    wanted_hash = {}
    for path in wanted:
        local = os.path.join(site, path.lstrip("/"))
        wanted_hash[path] = sha256(local) if os.path.isfile(local) else None
    truth_hashes = {h for h in wanted_hash.values() if h}
    truth_stems = {os.path.splitext(w)[0] for w in wanted}
    print("| site, tool | pictures in truth | found | missed | extra (not in truth) | of which another format of a truth picture | duplicates |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    details = []
    for name, out in tools:
        saved = {}  # sha256 -> saved files
        for p in files(out):
            h = sha256(p)
            site_paths = by_hash.get(h, [])
            picture = os.path.splitext(p)[1].lower() in PICTURE_EXTENSIONS or any(
                os.path.splitext(s)[1].lower() in PICTURE_EXTENSIONS for s in site_paths)
            if picture:
                saved.setdefault(h, []).append(os.path.relpath(p, out))
        found = [w for w, h in wanted_hash.items() if h in saved]
        missed = [w for w, h in wanted_hash.items() if h not in saved]
        extra = {h: v for h, v in saved.items() if h not in truth_hashes}
        extra_files = sum(len(v) for v in extra.values())
        dups = {h: v for h, v in saved.items() if len(v) > 1}
        dup_count = sum(len(v) - 1 for v in dups.values())
        other_format = sum(1 for h in extra for site_path in by_hash.get(h, [])[:1]
                           if os.path.splitext(site_path)[0] in truth_stems)
        print(f"| {name} | {len(wanted)} | {len(found)} | {len(missed)} | {extra_files} | {other_format} | {dup_count} |")
        details.append(f"{name}: missed {', '.join(missed) or 'nothing'}")
        for h, v in sorted(extra.items(), key=lambda kv: kv[1]):
            origin = ", ".join(by_hash.get(h, ["(not a file of the site)"]))
            details.append(f"{name}: extra {', '.join(v)} = {origin}")
        for h, v in sorted(dups.items(), key=lambda kv: kv[1]):
            details.append(f"{name}: duplicate {', '.join(v)}")
    print()
    for line in details:
        print(line)


def main():
    # A TERM from bench/crawl-recall.sh ends the run through the finally that closes Chromium.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    if len(sys.argv) >= 4 and sys.argv[1] == "truth":
        truth(sys.argv[2], sys.argv[3], int(sys.argv[4]) if len(sys.argv) > 4 else 5)
    elif len(sys.argv) >= 5 and sys.argv[1] == "score":
        score(sys.argv[2], sys.argv[3], [tuple(a.split("=", 1)) for a in sys.argv[4:]])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()

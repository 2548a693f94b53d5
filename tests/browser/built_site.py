"""Build the handbook into a directory, list its pages and serve it on loopback."""

from __future__ import annotations

import functools
import gzip
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from tests import loopback

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


class BuildError(RuntimeError):
    """`mkdocs build --strict` failed; the message carries its output."""


def build_site(dest: Path, *, config: Path = ROOT / "mkdocs.yml") -> Path:
    """Run `mkdocs build --strict` into `dest` (never the shared site/) and return `dest`."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "-d", str(dest)]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BuildError(f"mkdocs build failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return dest


def site_url(site_dir: Path) -> str:
    """The configured `site_url`, read back from the sitemap (its shortest <loc> is the home)."""
    tree = ET.parse(site_dir / "sitemap.xml")
    locs = [loc.text or "" for loc in tree.getroot().iterfind("sm:url/sm:loc", SITEMAP_NS)]
    return min(locs, key=len)


def base_path(site_dir: Path) -> str:
    """URL path the site is published under (e.g. `/korrigo-handbook/`), served the same here."""
    path = urlsplit(site_url(site_dir)).path
    return path if path.endswith("/") else path + "/"


def page_files(site_dir: Path) -> list[Path]:
    """Every HTML page of the built site, home first."""
    files = sorted(site_dir.rglob("*.html"), key=lambda p: (p != site_dir / "index.html", p))
    return [f for f in files if not f.relative_to(site_dir).parts[0].startswith(".")]


def page_path(site_dir: Path, file: Path) -> str:
    """The URL path of a page relative to the site root: `runbooks/quota/` for its index.html."""
    rel = file.relative_to(site_dir).as_posix()
    if rel == "index.html":
        return ""
    return rel.removesuffix("index.html")


def pages(site_dir: Path) -> list[str]:
    """URL paths (relative to the site root) of every page, home ("") first."""
    return [page_path(site_dir, f) for f in page_files(site_dir)]


# GitHub Pages gzips text when the browser accepts it: do the same, so page weights are the
# bytes a reader's browser really downloads.
COMPRESSED = {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".map"}


@functools.cache
def _gzipped(file: Path, mtime: float) -> bytes:
    return gzip.compress(file.read_bytes(), compresslevel=6, mtime=0)


class _SiteHandler(SimpleHTTPRequestHandler):
    """Serve `directory` under `prefix` only, like GitHub Pages serves a project site.

    The standard library's static file server, not the tests' `httpserver` (a fake API): a
    whole directory with index files, directory redirects and types guessed from names,
    gzipped as GitHub Pages does."""

    prefix = "/"

    def translate_path(self, path: str) -> str:
        clean = urlsplit(path).path
        if not clean.startswith(self.prefix):
            return str(Path(self.directory) / ".not-under-prefix")  # answered with a 404
        return super().translate_path("/" + clean[len(self.prefix) :])

    def do_GET(self) -> None:
        file = Path(self.translate_path(self.path))
        if file.is_dir():
            file = file / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and file.suffix in COMPRESSED and file.is_file()):
            super().do_GET()
            return
        if not urlsplit(self.path).path.endswith("/") and file.name == "index.html":
            super().do_GET()  # the stdlib's redirect to the directory URL
            return
        body = _gzipped(file, file.stat().st_mtime)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(file)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Stay quiet: the tests report what matters."""


@contextmanager
def serve(site_dir: Path) -> Iterator[str]:
    """Serve the built site on 127.0.0.1 (free port) and yield its base URL (ends with `/`)."""
    prefix = base_path(site_dir)
    handler = type("Handler", (_SiteHandler,), {"prefix": prefix})
    with loopback.serve(
        functools.partial(handler, directory=str(site_dir)),
        ThreadingHTTPServer,
    ) as port:
        yield f"http://{loopback.HOST}:{port}{prefix}"


def find_page(site_dir: Path, word: str, *, under: str = "runbooks/") -> str | None:
    """The page under `under` whose URL path contains `word` (else whose <title> does)."""
    candidates = [p for p in pages(site_dir) if p.startswith(under) and p != under]
    for path in candidates:
        if word.lower() in path.lower():
            return path
    for path in candidates:
        html = (site_dir / path / "index.html").read_text(encoding="utf-8")
        title = html.partition("<title>")[2].partition("</title>")[0]
        if word.lower() in title.lower():
            return path
    return None


def pages_containing(site_dir: Path, marker: str) -> list[str]:
    """Pages whose built HTML contains `marker` (e.g. `class="mermaid"`)."""
    return [
        page_path(site_dir, f)
        for f in page_files(site_dir)
        if marker in f.read_text(encoding="utf-8")
    ]

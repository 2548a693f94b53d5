"""`make zensical` (a stage of `make test`): build mkdocs.yml with Zensical, compare with MkDocs.

Material for MkDocs reaches end of life on 2027-05-05; Zensical is its successor and reads
mkdocs.yml. This builds the handbook with Zensical (`--strict`, on a temporary copy of the
repository: Zensical writes into its project) and compares it with the MkDocs build
(`--site DIR`: the one `make build` wrote; otherwise it builds its own): pages, navigation,
each page's content, title and table of contents (tools/zensical_compare.py), unrendered
macros (`{{`, `{%`), the search index, theme overrides, third-party requests, links. The
report goes to artifacts/zensical-report.md and to stdout.

Exit status: 0 when every page is there with the same content (differences listed in
zensical_compare.KNOWN, each with its upstream issue, are reported, not failed); 1 on a
regression (a page missing, different, a broken link, a failed Zensical build); 2 when the
MkDocs reference build fails.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

from tests.browser import built_site, html_scan
from tests.test_site_support import copy_repo
from tools import zensical_compare

REPORT = built_site.ARTIFACTS / "zensical-report.md"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
JINJA = re.compile(r"\{\{|\{%")
NAV_LINK = re.compile(r'<a href="([^"]*)" class="md-nav__link[^"]*"[^>]*>(.*?)</a>', re.DOTALL)
TAGS = re.compile(r"<[^>]+>")
#: What the handbook's own theme work puts in every page, and whether Zensical keeps it.
MARKERS = {
    "search dialog named (overrides/partials/search.html)": 'role="dialog" aria-label=',
    "repository link without GitHub API (overrides/partials/source.html)": 'class="md-source"',
    "a11y stylesheet (extra_css)": "assets/stylesheets/a11y.css",
    "mermaid served by the site (extra_javascript)": "assets/javascripts/mermaid-init.js",
}


@dataclass
class ZensicalBuild:
    """The outcome of `zensical build`."""

    returncode: int
    seconds: float
    output: str
    site: Path
    warnings: dict[str, list[str]] = field(default_factory=dict)  # message -> locations

    @property
    def error(self) -> str:
        """The last line that names an exception or error, if the build failed."""
        lines = [ln.strip() for ln in self.output.splitlines() if ln.strip()]
        named = [ln for ln in lines if re.match(r"^(\w+Error|Error)\b", ln)]
        return (named or lines or ["(no output)"])[-1] if self.returncode else ""


def zensical_build(project: Path) -> ZensicalBuild:
    """Run `zensical build` in `project` (a temporary copy: Zensical writes into it)."""
    env = {**os.environ, "PYTHONPATH": str(project), "NO_COLOR": "1", "NO_MKDOCS_2_WARNING": "1"}
    # The copy is the same checkout to git (a `.git` file pointing at ours), so the pages
    # that print the commit (macros.git_release) print the one MkDocs printed.
    (project / ".git").write_text(f"gitdir: {git_dir()}\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "zensical", "build", "--clean", "--strict", "-f", "mkdocs.yml"]
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, check=False)
    output = ANSI.sub("", done.stdout + done.stderr)
    build = ZensicalBuild(done.returncode, time.perf_counter() - start, output, project / "site")
    lines = output.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("Warning:"):
            where = next(
                (m.group(1) for ln in lines[i + 1 : i + 3] if (m := re.search(r"\[ (\S+) \]", ln))),
                "",
            )
            build.warnings.setdefault(line.removeprefix("Warning:").strip(), []).append(where)
    return build


def git_dir() -> Path:
    """This checkout's git directory (`.git`, or where a `.git` file points)."""
    done = subprocess.run(
        ["git", "rev-parse", "--absolute-git-dir"],
        cwd=built_site.ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return Path(done.stdout.strip() or built_site.ROOT / ".git")


def pages(site: Path) -> dict[str, str]:
    """URL path -> HTML, for every page of a built site (empty when there is none)."""
    if not site.is_dir():
        return {}
    return {
        built_site.page_path(site, f): f.read_text(encoding="utf-8")
        for f in built_site.page_files(site)
    }


def nav(html: str) -> list[str]:
    """The primary navigation's entries (titles) as the home page shows them."""
    start = html.find("md-sidebar--primary")
    end = html.find("md-sidebar--secondary", start)
    block = html[start : end if end > 0 else None] if start >= 0 else ""
    titles = [" ".join(unescape(TAGS.sub("", t)).split()) for _, t in NAV_LINK.findall(block)]
    return list(dict.fromkeys(t for t in titles if t))


def unrendered(html: str) -> int:
    """`{{` and `{%` left in a page (Jinja that the macros did not render)."""
    return len(JINJA.findall(unescape(html)))


def compare(mkdocs_site: Path, build: ZensicalBuild) -> tuple[list[str], list[str]]:
    """The report, as Markdown lines, and the regressions (empty: every page the same)."""
    ours, theirs = pages(mkdocs_site), pages(build.site)
    missing = sorted(set(ours) - set(theirs))
    extra = sorted(set(theirs) - set(ours))
    common = sorted(set(ours) & set(theirs))
    jinja = {p: (unrendered(ours[p]), unrendered(theirs[p])) for p in common}
    jinja = {p: n for p, n in jinja.items() if n[1] > n[0]}
    nav_ours, nav_theirs = nav(ours.get("", "")), nav(theirs.get("", ""))
    status = "built" if build.returncode == 0 else f"FAILED (exit {build.returncode})"
    changed = {p: zensical_compare.differences(p, ours[p], theirs[p]) for p in common}
    explained = {
        (p, d): why
        for p, ds in changed.items()
        for d in ds
        if (why := zensical_compare.known(p, d))
    }
    unexplained = [(p, d) for p, ds in changed.items() for d in ds if (p, d) not in explained]
    search = zensical_compare.search_differences(mkdocs_site, build.site) if theirs else []

    lines = [
        "# Zensical compatibility report",
        "",
        f"Zensical build of the same `mkdocs.yml`: **{status}** in {build.seconds:.1f} s.",
        "",
        "## Summary",
        "",
        f"- Pages: MkDocs {len(ours)}, Zensical {len(theirs)}; missing in Zensical: {len(missing)};"
        f" only in Zensical: {len(extra)}.",
        f"- Pages with unrendered macros (`{{{{`/`{{%` beyond the MkDocs build): {len(jinja)}.",
        f"- Pages whose content (article, table of contents, title) differs: "
        f"{len(unexplained)} unexplained, {len(explained)} known (listed below with upstream).",
        f"- Search index entries (location, tags) that differ: {len(search)}.",
        f"- Navigation entries missing in Zensical: {len(set(nav_ours) - set(nav_theirs))}"
        f" of {len(nav_ours)}.",
        f"- Warnings: {sum(len(v) for v in build.warnings.values())}"
        f" ({len(build.warnings)} kinds).",
    ]
    if build.error:
        lines.append(f"- Build error: `{build.error}`")
    lines += ["", "## Theme customisations (home page)", ""]
    home_ours, home_theirs = ours.get("", ""), theirs.get("", "")
    for what, marker in MARKERS.items():
        kept = "kept" if marker in home_theirs else "LOST" if home_theirs else "no page to check"
        found = "present" if marker in home_ours else "absent"
        lines.append(f"- {what}: {found} in MkDocs, {kept} in Zensical")

    lines += ["", "## Pages", ""]
    lines += [f"- missing in Zensical: `{p or '(home)'}`" for p in missing] or ["- none missing"]
    lines += [f"- only in Zensical: `{p or '(home)'}`" for p in extra]
    lines += ["", "## Macros", ""]
    lines += [
        f"- `{p or '(home)'}`: {n[1]} unrendered `{{{{`/`{{%` (MkDocs: {n[0]})"
        for p, n in jinja.items()
    ] or ["- every page common to both builds has its macros rendered"]
    lines += ["", "## Content", ""]
    lines += [f"- REGRESSION `{p or '(home)'}`: {d}" for p, d in unexplained]
    lines += [f"- known `{p or '(home)'}`: {d}. {why[1]}" for (p, d), why in explained.items()]
    if not changed or not any(changed.values()):
        lines.append("- every page common to both builds has the same content")
    lines += [f"- set aside on every page (theme chrome): {name}: {why}"
              for name, (why, _) in zensical_compare.THEME_CHROME.items()]  # fmt: skip
    lines += [f"- {d}" for d in search] or ["- search index: same entries, same tags"]
    lines += ["", "## What Zensical lacks that our code bridges", ""]
    lines += [
        f"- {what}: {bridge}; upstream: {upstream}"
        for what, (bridge, upstream) in zensical_compare.BRIDGED.items()
    ]
    lines += ["", "## Navigation", ""]
    lines += [f"- missing in Zensical: {t}" for t in nav_ours if t not in nav_theirs]
    lines += [f"- only in Zensical: {t}" for t in nav_theirs if t not in nav_ours]
    if nav_ours == nav_theirs:
        lines.append("- same entries, same order")

    lines += ["", "## Links and third-party requests in the Zensical output", ""]
    broken: list[str] = []
    foreign: list[str] = []
    if theirs and (build.site / "sitemap.xml").is_file():
        scan = html_scan.check_site(build.site)
        broken = scan.broken
        foreign = sorted({x.url for x in scan.external if x.is_resource})
        lines.append(f"- broken internal links or anchors: {len(scan.broken)}")
        lines += [f"  - {b}" for b in scan.broken[:10]]
        lines.append(f"- resources from other hosts: {len(foreign)}")
        lines += [f"  - <{u}>" for u in foreign[:10]]
    else:
        lines.append("- not checked: no sitemap.xml in the Zensical output")

    lines += ["", "## Zensical warnings", ""]
    for message, where in sorted(build.warnings.items(), key=lambda kv: -len(kv[1])):
        shown = ", ".join(w for w in where[:5] if w)
        lines.append(f"- {len(where)} x {message}" + (f" (e.g. {shown})" if shown else ""))
    if not build.warnings:
        lines.append("- none")
    if build.returncode:
        tail = "\n".join(build.output.strip().splitlines()[-15:])
        lines += ["", "## End of Zensical's output", "", "```text", tail, "```"]
    regressions = [f"Zensical build failed: {build.error}"] if build.returncode else []
    regressions += [f"page missing in Zensical: {p or '(home)'}" for p in missing]
    regressions += [f"page only in Zensical: {p or '(home)'}" for p in extra]
    regressions += [f"unrendered macros: {p or '(home)'}" for p in jinja]
    regressions += (
        [f"navigation differs: {nav_ours} -> {nav_theirs}"] if nav_ours != nav_theirs else []
    )
    regressions += [f"{p or '(home)'}: {d}" for p, d in unexplained] + search
    regressions += [f"broken link: {b}" for b in broken] + [f"third-party: {u}" for u in foreign]
    return lines, regressions


def main(argv: list[str] | None = None) -> int:
    """Build with Zensical, compare, write and print the report; 1 on a regression."""
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--site", type=Path, help="the MkDocs build to compare with (make build)")
    site = args.parse_args(argv).site
    try:
        with tempfile.TemporaryDirectory() as tmp:
            mkdocs_site = site or built_site.build_site(Path(tmp) / "mkdocs-site")
            build = zensical_build(copy_repo(Path(tmp) / "zensical-project"))
            lines, regressions = compare(mkdocs_site, build)
            counts = len(pages(build.site)), len(pages(mkdocs_site))
    except built_site.BuildError as error:
        print(f"zensical report: the MkDocs reference build failed, nothing to compare\n{error}")
        return 2
    text = "\n".join(lines) + "\n"
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text, encoding="utf-8")
    where = REPORT.relative_to(built_site.ROOT)
    if regressions:
        print(text)
        print(f"make zensical: {len(regressions)} regressions (report: {where}):")
        print("\n".join(f"  {r}" for r in regressions[:20]))
        return 1
    print(
        f"make zensical: {counts[0]} pages of {counts[1]}, same "
        f"content; Zensical build {build.seconds:.1f} s; known differences in {where}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

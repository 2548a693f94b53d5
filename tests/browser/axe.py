"""axe-core in the browser tests: the audit, what it ran, what blocks, and the report.

Every count (all impacts) goes to artifacts/axe-report.md, one file per xdist worker
(axe-report-gw0.md, ...), written when the session ends (tests/browser/conftest.py).
"""

from __future__ import annotations

import os
from collections import Counter

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser import built_site

BLOCKING = {"serious", "critical"}
#: The rules of axe-core's default ruleset that read colours (axe-core's
#: doc/rule-descriptions.md; color-contrast-enhanced, the AAA one, is off by default).
COLOUR_RULES = ["color-contrast", "link-in-text-block"]
#: The scheme Material shows under each system preference (its palette's "automatic" mode):
#: the light one is audited with the full ruleset, the dark one with COLOUR_RULES.
SCHEMES = {"light": "default", "dark": "slate"}
_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
REPORT = built_site.ARTIFACTS / f"axe-report{'-' + _WORKER if _WORKER else ''}.md"
#: state -> page -> violations, for the report.
findings: dict[str, dict[str, list[dict]]] = {}


#: axe-core's script, as axe-playwright-python ships it (read once).
_SCRIPT = Axe().axe_script
#: axe-core parses every colour string it reads (a background, a text colour, for each text
#: element and each element behind it) with colorjs, afresh each time: that parsing was a
#: quarter of an audit's CPU here, where a page repeats a few dozen colour strings thousands
#: of times. axe-core has no option for it, so its parser is wrapped in a cache by hand: same
#: function, same string, same result (a string that does not parse still throws each time).
#: The rules and what they read are unchanged.
_REMEMBER_COLOURS = """() => {
  const Color = axe.commons.color.Color;
  const parse = Color.prototype.parseString;
  const parsed = new Map();
  Color.prototype.parseString = function (text) {
    const known = parsed.get(text);
    if (known) {
      [this.r, this.g, this.b, this.alpha] = known;
      return this;
    }
    parse.call(this, text);
    parsed.set(text, [this.r, this.g, this.b, this.alpha]);
    return this;
  };
}"""


def audit(page: Page, rules: list[str] | None = None, within: str | None = None) -> dict:
    """Run axe-core on the page as it is now (its default ruleset, or only `rules`), on the
    whole document or only on the element `within` selects; the raw axe results. The script
    is injected once per loaded page (the wrapper's `Axe.run` injects its 500 kB on every
    call)."""
    options: dict = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_SCRIPT)
        page.evaluate(_REMEMBER_COLOURS)
    return page.evaluate(
        "([within, options]) => axe.run(within ? {include: [within]} : document, options)",
        [within, options],
    )


def audit_in_each_scheme(page: Page, name: str, within: str | None = None) -> dict[str, dict]:
    """Audit the loaded page (or the element `within` selects) in each of SCHEMES (light: the
    default ruleset; dark: COLOUR_RULES); scheme -> raw axe results, also kept for the report
    under `name`.

    The system preference is switched on the page as it is (Material's automatic palette
    follows it), which costs no second load; the page's own scheme attribute proves which
    one axe saw."""
    body = page.locator("body")
    audits = {}
    for color_scheme, material_scheme in SCHEMES.items():
        page.emulate_media(color_scheme=color_scheme)
        expect(body).to_have_attribute("data-md-color-scheme", material_scheme)
        # Material lifts its no-transition switch a frame later: audit the settled colours
        expect(body).not_to_have_attribute("data-md-color-switching", "")
        rules = COLOUR_RULES if color_scheme == "dark" else None
        audits[color_scheme] = audit(page, rules, within)
        findings.setdefault(color_scheme, {})[name] = audits[color_scheme]["violations"]
    return audits


def rules_run(results: dict) -> dict[str, list[str]]:
    """Rule id -> tags, for every rule axe evaluated (whatever its outcome)."""
    kinds = ("violations", "passes", "incomplete", "inapplicable")
    return {rule["id"]: rule["tags"] for kind in kinds for rule in results[kind]}


def blocking(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes): {v['help']}"
        for v in violations
        if v["impact"] in BLOCKING
    ]


def write_report() -> None:
    """artifacts/axe-report*.md from what this worker audited (nothing when it audited none)."""
    if not findings:
        return
    lines = [
        "# axe-core report",
        "",
        "| state | page | critical | serious | moderate | minor | rules |",
        "|---|---|---|---|---|---|---|",
    ]
    for state, by_page in sorted(findings.items()):
        for path, violations in sorted(by_page.items()):
            impacts = Counter(v["impact"] for v in violations)
            rules = ", ".join(sorted(f"{v['id']} ({v['impact']})" for v in violations)) or "-"
            counts = " | ".join(
                str(impacts[i]) for i in ("critical", "serious", "moderate", "minor")
            )
            lines.append(f"| {state} | {path or '(home)'} | {counts} | {rules} |")
    totals = Counter(
        v["impact"] for pages in findings.values() for vs in pages.values() for v in vs
    )
    lines += [
        "",
        "Totals: "
        + ", ".join(f"{k} {totals[k]}" for k in ("critical", "serious", "moderate", "minor")),
    ]
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines) + "\n", encoding="utf-8")

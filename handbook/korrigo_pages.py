"""The real Korrigo on the pages: the adoption's changes and Korrigo's names, with sources.

Site build only. `macros.py` registers `adopt_changes()` (what tools/adopt_korrigo.py
applies, shown from the same list) and `korrigo_names_table()` (data/korrigo.yaml with a link
to each Korrigo file at its commit and the excerpt read there).
"""

from __future__ import annotations

from korrigo_sentry.korrigo import korrigo
from tools.adopt_korrigo import changes

_FENCE = {".py": "python", ".yml": "yaml", ".txt": "text"}


def adopt_changes() -> str:
    """Each change as a numbered section: file, why, anchor line, the lines added."""
    out = []
    for number, change in enumerate(changes(), 1):
        language = next((v for k, v in _FENCE.items() if change.file.endswith(k)), "text")
        where = "Before" if change.before else "After"
        # Not a python fence: the doc tests run python fences, and these lines are Korrigo's.
        fence = "text" if language == "python" else language
        out.append(
            f"**{number}. `{change.file}`**: {change.why}\n\n"
            f"{where} the line `{change.anchor.strip()}`, add:\n\n"
            f"```{fence}\n{change.text.strip(chr(10))}\n```\n"
        )
    return "\n".join(out)


def korrigo_names_table() -> str:
    """Every name of korrigo.yaml: what it is, the Korrigo file (linked at its commit), excerpt."""
    rows = ["| Name | Read in | Excerpt |", "|---|---|---|"]
    for label, cited in korrigo().cited():
        excerpt = cited.excerpt.replace("|", "\\|").replace("`", "'")
        rows.append(f"| {label} | [{cited.file}]({cited.source}) | `{excerpt}` |")
    return "\n".join(rows)

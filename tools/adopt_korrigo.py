"""Adopt korrigo_sentry in a Korrigo checkout: every change its repository needs, by text anchor.

For maintainers (and `make korrigo-check`): no Korrigo code is kept in this repository, only
the lines to add and the line of Korrigo's each goes next to. Each change is found by its
anchor (an exact line of Korrigo's file); a change already there is left alone, so running
it twice changes nothing; a missing anchor stops with one sentence naming the file and the
anchor, before any file is written. The "Adopt in Korrigo" page shows the same changes
(`changes()`), so the page and the script cannot disagree.

    python -m tools.adopt_korrigo PATH            # apply
    python -m tools.adopt_korrigo PATH --check    # exit 1 when a change is missing
    python -m tools.adopt_korrigo --show          # print every change, touch nothing

Written by hand: a Korrigo checkout is text in several formats (pip requirements, Python,
Compose YAML); a YAML round-trip would rewrite Korrigo's comments and quoting.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

from korrigo_sentry import __version__, settings
from korrigo_sentry.korrigo import korrigo

EXIT_OK, EXIT_MISSING, EXIT_ANCHOR = 0, 1, 2
MARK = "korrigo_sentry"  # every added block names the package: a reader finds them by grep


class AnchorMissing(Exception):
    """A Korrigo file no longer has the line a change goes next to."""


@dataclass(frozen=True)
class Change:
    """Lines added to one Korrigo file, after (or before) an exact anchor line; with `scope`,
    the first anchor line after the `scope` line (a service's `environment:`, say)."""

    file: str
    why: str
    anchor: str
    text: str
    before: bool = False
    scope: str = ""

    def apply(self, content: str) -> str:
        """`content` with the change made; unchanged when already there."""
        if self.text in content:
            return content
        lines = content.splitlines(keepends=True)
        start = 0
        if self.scope:
            found = [i for i, line in enumerate(lines) if line.rstrip("\r\n") == self.scope]
            start = found[0] + 1 if found else len(lines)
        for index, line in enumerate(lines[start:], start):
            if line.rstrip("\r\n") == self.anchor:
                if not line.endswith("\n"):  # the file's last line, without a newline
                    lines[index] = line + "\n"
                at = index if self.before else index + 1
                lines.insert(at, self.text)
                return "".join(lines)
        anchor = repr(self.anchor.strip())
        if self.scope:
            anchor += f" (after {self.scope.strip()!r})"
        raise AnchorMissing(
            f"{self.file}: the line {anchor} is not there (Korrigo changed "
            f"this file since {korrigo().commit[:7]}): add these lines by hand where they "
            f"belong, as the Adopt in Korrigo page shows:\n{self.text}"
        )


def _compose_env_file(service: str) -> str:
    return (
        f"    # {MARK}: SENTRY_* from .env reach the {service} service too\n"
        "    env_file:\n      - ../../.env\n"
    )


def changes() -> tuple[Change, ...]:
    """Every change Korrigo's repository needs, in the order the page shows them."""
    facts = korrigo()
    base = facts.settings_module("base").replace(".", "/")
    test = facts.settings_module("test").replace(".", "/")
    local = facts.compose("infra/docker/docker-compose.local-prod.yml")
    prod = facts.compose("infra/docker/docker-compose.prod.yml")
    staging = facts.compose("infra/docker/docker-compose.staging.yml")
    return (
        Change(
            "backend/requirements.txt",
            "The SDK at the version korrigo_sentry is tested with, and the package itself "
            "(from your wheelhouse: pip install --find-links).",
            "prometheus-client==0.19.0",
            f"# {MARK}: Sentry, configured once for Korrigo\n"
            f"sentry-sdk[django,celery]=={settings.SDK_PIN}\n"
            f"korrigo-sentry=={__version__}\n",
        ),
        Change(
            f"backend/{base}.py",
            f"Start Sentry once, at the end of the settings every other settings module "
            f"imports ({', '.join(m.name for m in facts.settings_modules)}).",
            "    EMAIL_BACKEND = 'django.core.mail.backends.console.EmailBackend'",
            f"\n# {MARK}: reads SENTRY_DSN, SENTRY_ENVIRONMENT (else DJANGO_ENV), GIT_COMMIT_SHA\n"
            "from korrigo_sentry import init_sentry  # noqa: E402\n\ninit_sentry()\n",
        ),
        Change(
            f"backend/{test}.py",
            "The test suite never sends to Sentry, even with a DSN in .env; its events "
            "are reported as the test environment.",
            "from .settings import *",
            f"# {MARK}: the suite sends nothing, whatever the shell or the .env say\n"
            'os.environ["SENTRY_DSN"] = ""\n'
            'os.environ["SENTRY_ENVIRONMENT"] = "test"\n\n',
            before=True,
        ),
        Change(
            local.path,
            f"The `{local.by_role('worker').name}` service had no env_file: SENTRY_* from "
            ".env never reached the worker.",
            f"    command: {local.by_role('worker').command}",
            _compose_env_file(local.by_role("worker").name),
        ),
        Change(
            prod.path,
            f"The `{prod.by_role('web').name}` service reads .env (the file compose is "
            "run with, `--env-file .env`).",
            f"    command: {prod.by_role('web').command}",
            _compose_env_file(prod.by_role("web").name),
        ),
        Change(
            prod.path,
            f"The `{prod.by_role('worker').name}` service reads .env too.",
            f"    command: {prod.by_role('worker').command}",
            _compose_env_file(prod.by_role("worker").name),
        ),
        Change(
            prod.path,
            f"And `{prod.by_role('scheduler').name}` (it loads the settings, so it starts Sentry).",
            f"    command: {prod.by_role('scheduler').command}",
            _compose_env_file(prod.by_role("scheduler").name),
        ),
        *(
            Change(
                prod.path,
                f"The release of `{service.name}`: the deployed commit, which deploy.yml writes "
                "to .env as KORRIGO_SHA.",
                "    environment:",
                f'      GIT_COMMIT_SHA: "${{KORRIGO_SHA:-}}"  # {MARK}: release ({service.name})\n',
                scope=f"    command: {service.command}",
            )
            for service in (prod.by_role(r) for r in ("web", "worker", "scheduler"))
        ),
        Change(
            staging.path,
            f"The staging `{staging.by_role('worker').name}` service reads .env (the backend "
            "already does, with the same optional form).",
            f"    command: {staging.by_role('worker').command}",
            f"    # {MARK}: SENTRY_* from .env reach the celery service too\n"
            "    env_file:\n      - path: ../../.env\n        required: false\n",
        ),
        *(
            Change(
                staging.path,
                "Staging sets DJANGO_ENV: production, which would report as production: "
                f"`{service.name}` names its Sentry environment.",
                "    environment:",
                f"      SENTRY_ENVIRONMENT: staging  # {MARK} ({service.name})\n",
                scope=f"    command: {service.command}",
            )
            for service in (staging.by_role(r) for r in ("web", "worker"))
        ),
    )


def plan(checkout: Path) -> dict[Path, tuple[str, str]]:
    """Each file to change: (its text now, its text adopted). AnchorMissing, FileNotFoundError."""
    texts: dict[Path, tuple[str, str]] = {}
    for change in changes():
        path = checkout / change.file
        if path not in texts:
            if not path.is_file():
                raise FileNotFoundError(
                    f"{path}: not found; is {checkout} a Korrigo checkout (its root folder)?"
                )
            original = path.read_text(encoding="utf-8")
            texts[path] = (original, original)
        original, adopted = texts[path]
        texts[path] = (original, change.apply(adopted))
    return texts


def adopt(checkout: Path) -> list[str]:
    """Apply every change to `checkout`; one line per file: changed or already adopted."""
    report = []
    for path, (original, adopted) in plan(checkout).items():
        if adopted == original:
            report.append(f"already adopted: {path.relative_to(checkout)}")
        else:
            path.write_text(adopted, encoding="utf-8")
            report.append(f"changed: {path.relative_to(checkout)}")
    return report


def show() -> str:
    """Every change as text: file, why, anchor, lines added."""
    out = []
    for change in changes():
        where = "before" if change.before else "after"
        out.append(f"== {change.file}: {change.why}\n-- {where} the line: {change.anchor.strip()}")
        out.append(change.text)
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.adopt_korrigo", description=__doc__.splitlines()[0]
    )
    parser.add_argument("checkout", nargs="?", type=Path, help="a Korrigo checkout (its root)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if needed")
    parser.add_argument("--show", action="store_true", help="print every change, touch nothing")
    args = parser.parse_args(argv)
    if args.show:
        print(show())
        return EXIT_OK
    if args.checkout is None:
        parser.error("name a Korrigo checkout (its root folder), or use --show")
    try:
        if args.check:
            missing = [p for p, (old, new) in plan(args.checkout).items() if old != new]
            for path in missing:
                print(f"not adopted: {path.relative_to(args.checkout)}")
            return EXIT_MISSING if missing else EXIT_OK
        for line in adopt(args.checkout):
            print(line)
    except (AnchorMissing, FileNotFoundError) as exc:
        print(f"adopt_korrigo: {exc}", file=sys.stderr)
        return EXIT_ANCHOR
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

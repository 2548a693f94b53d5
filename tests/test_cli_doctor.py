"""`python -m korrigo_sentry doctor`: one line per check, exit status, JSON, no key shown."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from inline_snapshot import snapshot
from pytest_httpserver import HTTPServer

from korrigo_sentry.cli import main
from korrigo_sentry.cli.doctor import MARKS
from korrigo_sentry.oncall.doctor import CHECKS, run_checks
from korrigo_sentry.settings import ENV_VARS
from tests import loopback
from tests.wording import placeholders

Capture = pytest.CaptureFixture[str]
KEY = "examplePublicKey"
DSN = f"https://{KEY}@o0.ingest.sentry.io/0"
GOOD = {"SENTRY_DSN": DSN, "SENTRY_ENVIRONMENT": "production", "GIT_COMMIT_SHA": "01c1541"}
NAMES = [name for name, _ in CHECKS]


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No Sentry variable from the developer's shell, no `.env` from the repository."""
    for variable in ENV_VARS:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.chdir(tmp_path)


def doctor(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, env: dict[str, str], *args: str
) -> tuple[int, str, str]:
    """Run the doctor with `env` as the process environment: (status, lines by check name).

    `--offline`: the DSNs here name Sentry's real host, which no test may contact; the
    ingest check has its own tests against loopback servers.
    """
    for variable, value in env.items():
        monkeypatch.setenv(variable, value)
    status = main(["doctor", "--offline", *args])
    out, err = capsys.readouterr()
    assert KEY not in out + err
    return status, out, err


def lines_by_check(out: str) -> dict[str, str]:
    lines = {}
    for line in out.splitlines():
        mark, _, rest = line.partition(" ")
        name, sep, _ = rest.partition(":")
        if mark in MARKS.values() and sep:
            lines[name] = line
    return lines


def mark(status: str) -> str:
    return MARKS[status]


def test_good_configuration_passes_every_check(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    status, out, _ = doctor(monkeypatch, capsys, GOOD)

    assert status == 0
    lines = lines_by_check(out)
    assert list(lines) == NAMES
    assert all(line.startswith(mark("ok")) for line in lines.values()), out
    assert "https://***@o0.ingest.sentry.io/0" in lines["dsn"]  # the key masked
    assert "korrigo@01c1541" in lines["release"]
    assert "traces 0.1 (production)" in lines["sample_rates"]


def test_missing_dsn_fails(monkeypatch: pytest.MonkeyPatch, capsys: Capture) -> None:
    env = {k: v for k, v in GOOD.items() if k != "SENTRY_DSN"}

    status, out, _ = doctor(monkeypatch, capsys, env)

    assert status == 1
    lines = lines_by_check(out)
    assert lines["dsn"].startswith(mark("fail"))
    assert "SENTRY_DSN is not set" in lines["dsn"]
    assert lines["sdk"].startswith(mark("fail"))  # nothing to send through


@pytest.mark.parametrize(
    "dsn",
    [
        f"https://{KEY}@o0.ingest.sentry.io/not-a-project",
        "https://o0.ingest.sentry.io/0",  # no key at all
        f"ftp://{KEY}@o0.ingest.sentry.io/0",
        f"{KEY}",
        f"https://{KEY}@o0.ingest.sentry.io:port/0",
    ],
)
def test_malformed_dsn_fails_without_showing_the_key(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, dsn: str
) -> None:
    status, out, _ = doctor(monkeypatch, capsys, {**GOOD, "SENTRY_DSN": dsn})

    assert status == 1
    lines = lines_by_check(out)
    assert lines["dsn"].startswith(mark("fail"))
    assert "SENTRY_DSN" in lines["dsn"]
    assert "malformed" in lines["dsn"]
    assert lines["sdk"].startswith(mark("fail"))


@pytest.mark.parametrize("variable", ["SENTRY_TRACES_SAMPLE_RATE", "SENTRY_SAMPLE_RATE"])
@pytest.mark.parametrize("value", ["abc", "1.5", "-0.1", "nan"])
def test_bad_rate_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, variable: str, value: str
) -> None:
    status, out, _ = doctor(monkeypatch, capsys, {**GOOD, variable: value})

    assert status == 1
    line = lines_by_check(out)["sample_rates"]
    assert line.startswith(mark("fail"))
    assert variable in line
    assert value in line


def test_unknown_environment_fails(monkeypatch: pytest.MonkeyPatch, capsys: Capture) -> None:
    status, out, _ = doctor(monkeypatch, capsys, {**GOOD, "SENTRY_ENVIRONMENT": "prod"})

    assert status == 1
    line = lines_by_check(out)["environment"]
    assert line.startswith(mark("fail"))
    assert "SENTRY_ENVIRONMENT" in line


def test_missing_release_is_a_warning_not_a_failure(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    env = {k: v for k, v in GOOD.items() if k != "GIT_COMMIT_SHA"}

    status, out, _ = doctor(monkeypatch, capsys, env)

    assert status == 0
    assert lines_by_check(out)["release"].startswith(mark("warn"))


def test_bad_release_fails(monkeypatch: pytest.MonkeyPatch, capsys: Capture) -> None:
    status, out, _ = doctor(monkeypatch, capsys, {**GOOD, "GIT_COMMIT_SHA": "main; rm -rf /"})

    assert status == 1
    assert lines_by_check(out)["release"].startswith(mark("fail"))


@pytest.mark.parametrize("env", [GOOD, {**GOOD, "SENTRY_DSN": "nope"}], ids=["good", "bad"])
def test_json_output_parses_and_matches_the_exit_status(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, env: dict[str, str]
) -> None:
    status, out, _ = doctor(monkeypatch, capsys, env, "--json")

    report = json.loads(out)
    assert report["ok"] is (status == 0)
    assert [check["name"] for check in report["checks"]] == NAMES
    assert {check["status"] for check in report["checks"]} <= set(MARKS)
    assert report["ok"] is all(check["status"] != "fail" for check in report["checks"])


def test_env_file_is_read(monkeypatch: pytest.MonkeyPatch, capsys: Capture, tmp_path: Path) -> None:
    env_file = tmp_path / "korrigo.env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in GOOD.items()))

    status, out, _ = doctor(monkeypatch, capsys, {}, "--env-file", str(env_file))

    assert status == 0
    assert "https://***@o0.ingest.sentry.io/0" in lines_by_check(out)["dsn"]


def test_missing_env_file_is_an_error(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tmp_path: Path
) -> None:
    status, out, _ = doctor(monkeypatch, capsys, GOOD, "--env-file", str(tmp_path / "none"))

    assert status == 1  # a check failed: the env_file one (a usage error would be 2)
    assert placeholders(lines_by_check(out)["env_file"], tmp=tmp_path) == snapshot(
        "✗ env_file: <tmp>/none: no such .env file: check the path; Korrigo reads the environment only until then"
    )


def test_run_checks_restores_the_previous_sdk_client(sentry: Any) -> None:
    import sentry_sdk

    before = sentry_sdk.get_client()
    results = run_checks(environ=GOOD, network=False)

    assert [r.name for r in results] == NAMES
    assert sentry_sdk.get_client() is before
    sentry_sdk.capture_message("still captured by the test's transport")
    assert sentry.events


@pytest.mark.slow  # make check leaves it to make test
def test_python_dash_m_entry_point(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ENV_VARS}
    completed = subprocess.run(
        [sys.executable, "-m", "korrigo_sentry", "doctor", "--offline"],
        env={**env, **GOOD, "SENTRY_DSN": "https://o0.ingest.sentry.io/0"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 1
    assert lines_by_check(completed.stdout)["dsn"].startswith(mark("fail"))


@pytest.mark.parametrize("args", [(), ("--json",)], ids=["text", "json"])
def test_legacy_secret_key_is_never_printed(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, args: tuple[str, ...]
) -> None:
    secret = "exampleSecretKey"
    dsn = f"https://{KEY}:{secret}@o0.ingest.sentry.io/0"

    status, out, err = doctor(monkeypatch, capsys, {**GOOD, "SENTRY_DSN": dsn}, *args)

    assert status == 0
    assert secret not in out + err


# --- issue 10: the environment fallback, sources, .env files, pasted DSNs ---------------------


def test_a_dsn_without_environment_fails_with_the_fix(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    env = {k: v for k, v in GOOD.items() if k != "SENTRY_ENVIRONMENT"}

    status, out, _ = doctor(monkeypatch, capsys, env)

    assert status == 1
    lines = lines_by_check(out)
    assert lines["environment"] == snapshot(
        "✗ environment: SENTRY_ENVIRONMENT is not set although SENTRY_DSN is: set it to this server's environment (one of development, test, staging, production); using 'production' (neither SENTRY_ENVIRONMENT nor DJANGO_ENV is set: default)"
    )
    assert "traces 0.1 (production)" in lines["sample_rates"]  # never 100% on a server


def test_each_value_says_where_it_came_from(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text(f"# Korrigo\nSENTRY_DSN={DSN}\nGIT_COMMIT_SHA=01c1541\n")
    monkeypatch.delenv("GIT_COMMIT_SHA", raising=False)

    status, out, _ = doctor(monkeypatch, capsys, {"SENTRY_ENVIRONMENT": "production"})

    assert status == 0, out
    lines = lines_by_check(out)
    env_file = tmp_path / ".env"
    assert lines["env_file"] == f"✓ env_file: {env_file}"
    assert lines["dsn"].endswith(f"(SENTRY_DSN from {env_file} line 2)")
    assert lines["environment"].endswith("(SENTRY_ENVIRONMENT from environment)")
    assert lines["release"].endswith(f"(GIT_COMMIT_SHA from {env_file} line 3)")
    assert lines["debug"].endswith("(not set: default)")


def test_a_dotenv_two_folders_up_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("SENTRY_ENVIRONMENT=staging\n")
    deep = tmp_path / "srv" / "app"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)

    _, out, _ = doctor(monkeypatch, capsys, {"SENTRY_DSN": DSN})

    assert placeholders(lines_by_check(out)["env_file"], tmp=tmp_path) == snapshot(
        "! env_file: <tmp>/.env, found 2 folders above the working directory <tmp>/srv/app: is it this server's? Pass --env-file to choose"
    )


def test_junk_lines_in_dotenv_are_named_with_the_file(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tmp_path: Path
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("SENTRY_ENVIRONMENT=staging\nexport this is junk\n")

    _, out, err = doctor(monkeypatch, capsys, {"SENTRY_DSN": DSN})

    assert placeholders(lines_by_check(out)["env_file"], tmp=tmp_path) == snapshot(
        "! env_file: <tmp>/.env; <tmp>/.env line 2: not a NAME=value line, ignored"
    )
    assert "python-dotenv could not parse" not in out + err


@pytest.mark.parametrize(
    ("case", "dsn", "status"),
    [
        ("quotes", f'"{DSN}"', "fail"),
        ("inner space", f"{DSN[:20]} {DSN[20:]}", "fail"),
        ("spaces around", f" {DSN} ", "warn"),
    ],
    ids=["quotes", "inner space", "spaces around"],
)
def test_a_pasted_dsn_is_spotted(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, case: str, dsn: str, status: str
) -> None:
    _, out, _ = doctor(monkeypatch, capsys, {**GOOD, "SENTRY_DSN": dsn})  # asserts no key

    line = lines_by_check(out)["dsn"]
    assert line.startswith(mark(status))
    assert (
        line
        == snapshot(
            {
                "quotes": "✗ dsn: SENTRY_DSN is wrapped in quotes: remove them (a compose `environment:` list or a `docker run -e` keeps quotes as part of the value); Sentry is disabled (SENTRY_DSN from environment)",
                "inner space": "✗ dsn: SENTRY_DSN contains a space or a line break: paste it again in one piece; Sentry is disabled (SENTRY_DSN from environment)",
                "spaces around": "! dsn: https://***@o0.ingest.sentry.io/0, with spaces around it (ignored): remove them (SENTRY_DSN from environment)",
            }
        )[case]
    )


# --- issue 15: branches that must be able to fail ---------------------------------------------


def test_debug_in_production_is_a_warning(monkeypatch: pytest.MonkeyPatch, capsys: Capture) -> None:
    status, out, _ = doctor(monkeypatch, capsys, {**GOOD, "SENTRY_DEBUG": "on"})

    assert status == 0  # a warning does not fail
    assert lines_by_check(out)["debug"] == snapshot(
        "! debug: on in production: the SDK logs every event it sends (SENTRY_DEBUG from environment)"
    )


def test_debug_outside_production_is_fine(monkeypatch: pytest.MonkeyPatch, capsys: Capture) -> None:
    env = {**GOOD, "SENTRY_ENVIRONMENT": "staging", "SENTRY_DEBUG": "on"}
    _, out, _ = doctor(monkeypatch, capsys, env)

    assert lines_by_check(out)["debug"].startswith("✓ debug: on")


@pytest.mark.parametrize("installed", ["2.75.0", "3.0.0", "unknown"])
def test_an_sdk_the_wheel_refuses_is_a_warning_with_the_command_that_fixes_it(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, installed: str
) -> None:
    import sentry_sdk

    monkeypatch.setattr(sentry_sdk, "VERSION", installed)

    status, out, _ = doctor(monkeypatch, capsys, GOOD)

    assert status == 0
    assert placeholders(lines_by_check(out)["sdk_version"], installed=installed) == snapshot(
        "! sdk_version: sentry-sdk <installed> installed, Korrigo needs >=2.76,<3: pip install 'sentry-sdk[django,celery]==2.76.0'"
    )


@pytest.mark.parametrize("installed", ["2.77.0", "2.101.3"])
def test_a_newer_sdk_pip_chose_for_the_wheel_is_no_warning(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, installed: str
) -> None:
    """Issue 22: a new user never sees a warning they cannot act on. pip installs the
    newest release the wheel accepts, which may be newer than the handbook's pin."""
    import sentry_sdk

    monkeypatch.setattr(sentry_sdk, "VERSION", installed)

    status, out, _ = doctor(monkeypatch, capsys, GOOD)

    assert status == 0
    assert placeholders(lines_by_check(out)["sdk_version"], installed=installed) == snapshot(
        "✓ sdk_version: sentry-sdk <installed> (the handbook is tested with 2.76.0)"
    )


def test_the_pin_the_wheels_range_and_doctor_agree() -> None:
    """Issue 22: sentry-sdk 2.76.0 in requirements.txt, the wheel accepts 2.76 up to 3."""
    import tomllib

    from korrigo_sentry.oncall.doctor import sdk_range

    root = Path(__file__).resolve().parent.parent
    declared = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert "sentry-sdk[django,celery]>=2.76,<3" in declared["project"]["dependencies"]
    assert "sentry-sdk[django,celery]==2.76.0\n" in (root / "requirements.txt").read_text()
    assert sdk_range() == ">=2.76,<3"


BLOCK_REDIS = "import sys; sys.modules['redis'] = None; from korrigo_sentry.cli import main; "


def _without_redis(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI in a new process where `import redis` fails, as in an image without it."""
    env = {k: v for k, v in os.environ.items() if k not in ENV_VARS}
    return subprocess.run(
        [sys.executable, "-c", BLOCK_REDIS + f"sys.exit(main({list(args)!r}))"],
        env={**env, **GOOD},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )


def test_integrations_check_fails_when_a_package_is_missing(tmp_path: Path) -> None:
    run = _without_redis(tmp_path, "doctor", "--offline")

    assert run.returncode == 1, run.stdout + run.stderr
    assert lines_by_check(run.stdout)["integrations"] == snapshot(
        "✗ integrations: redis cannot start: package redis is not installed (pip install redis; korrigo-sentry's own dependencies include it)"
    )
    assert "Traceback" not in run.stderr


@pytest.mark.slow  # make check leaves it to make test
def test_a_command_that_initialises_sentry_says_one_line_when_a_package_is_missing(
    tmp_path: Path,
) -> None:
    run = _without_redis(tmp_path, "runbook", "sentry-not-capturing-errors")

    assert run.returncode == 21  # installation (exits.INSTALLATION), not usage
    assert run.stderr.strip().splitlines() == snapshot(
        [
            "error: a Sentry integration cannot start (Redis client not installed): install korrigo-sentry with its dependencies (pip install korrigo-sentry), or the missing package"
        ]
    )


# --- the ingest check: reaches the DSN's host, sends nothing ---------------------------------


# The ingest check against Relay's answers, and against a host that is down:
# tests/test_doctor_ingest_auth.py.


# --- mutation survivors (issue 15, item 5): every line as a reader reads it ------------------


def test_a_healthy_server_reads_line_by_line(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tmp_path: Path
) -> None:
    status, out, _ = doctor(monkeypatch, capsys, GOOD)

    assert status == 0
    assert placeholders(out, tmp=tmp_path).splitlines() == snapshot(
        [
            "✓ env_file: no .env file found from <tmp>: the environment only",
            "✓ dsn: https://***@o0.ingest.sentry.io/0 (SENTRY_DSN from environment)",
            "✓ environment: production (SENTRY_ENVIRONMENT from environment)",
            "✓ release: korrigo@01c1541 (GIT_COMMIT_SHA from environment)",
            "✓ sample_rates: traces 0.1 (production), errors 1.0 (not set: default)",
            "✓ debug: off (not set: default)",
            "✓ sdk: active, sending to https://***@o0.ingest.sentry.io/0 (HttpTransport)",
            "✓ integrations: django, celery, redis, logging",
            "✓ sdk_version: sentry-sdk 2.76.0",
            "✓ ingest: not checked (--offline)",
            "Sentry configuration OK",
        ]
    )


def test_a_laptop_without_dsn_reads_line_by_line(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    monkeypatch.setenv("SENTRY_ENVIRONMENT", "staging")
    monkeypatch.setenv("SENTRY_TRACES_SAMPLE_RATE", "0.25")
    monkeypatch.setenv("SENTRY_SAMPLE_RATE", "0.5")

    status = main(["doctor"])  # no DSN: the ingest check has nowhere to go, nothing is reached
    lines = lines_by_check(capsys.readouterr().out)

    assert status == 1
    assert {name: lines[name] for name in ("dsn", "release", "sample_rates", "sdk", "ingest")} == (
        snapshot(
            {
                "dsn": "✗ dsn: SENTRY_DSN is not set: Sentry is disabled (not set: default)",
                "release": "! release: GIT_COMMIT_SHA is not set: sentry-sdk guesses (SENTRY_RELEASE, git, a CI variable), or sends none (not set: default)",
                "sample_rates": "✓ sample_rates: traces 0.25 (SENTRY_TRACES_SAMPLE_RATE), errors 0.5 (SENTRY_TRACES_SAMPLE_RATE from environment; SENTRY_SAMPLE_RATE from environment)",
                "sdk": "✗ sdk: active but without a transport: events are dropped",
                "ingest": "✗ ingest: no usable DSN: nowhere to reach",
            }
        )
    )


@pytest.mark.parametrize(
    ("env", "check"),
    [
        ({"SENTRY_DSN": "https://o0.ingest.sentry.io/0"}, "dsn"),
        ({"SENTRY_ENVIRONMENT": "prod"}, "environment"),
        ({"GIT_COMMIT_SHA": "main"}, "release"),
        ({"SENTRY_TRACES_SAMPLE_RATE": "2", "SENTRY_SAMPLE_RATE": "-1"}, "sample_rates"),
        ({"SENTRY_DEBUG": "verbose"}, "debug"),
    ],
    ids=["dsn", "environment", "release", "rates", "debug"],
)
def test_each_failure_says_the_problem_and_what_happens_instead(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, env: dict[str, str], check: str
) -> None:
    status, out, _ = doctor(monkeypatch, capsys, {**GOOD, **env})  # asserts no key

    assert status == 1
    line = lines_by_check(out)[check]
    assert line.startswith(mark("fail"))
    assert (
        line
        == snapshot(
            {
                "dsn": "✗ dsn: SENTRY_DSN is malformed (Missing public key); expected https://<public key>@<org>.ingest.sentry.io/<project id>; Sentry is disabled (SENTRY_DSN from environment)",
                "environment": "✗ environment: SENTRY_ENVIRONMENT is 'prod', not one of development, test, staging, production; using 'production' (SENTRY_ENVIRONMENT from environment)",
                "release": "✗ release: GIT_COMMIT_SHA must be a git commit SHA (7 to 40 hex digits); release left to sentry-sdk's guess (GIT_COMMIT_SHA from environment)",
                "sample_rates": "✗ sample_rates: SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1, got '2'; SENTRY_SAMPLE_RATE must be a number from 0 to 1, got '-1'; using traces 0.1 (production), errors 1.0 (SENTRY_TRACES_SAMPLE_RATE from environment; SENTRY_SAMPLE_RATE from environment)",
                "debug": "✗ debug: SENTRY_DEBUG must be 1 or 0 (or true/false, yes/no, on/off); debug is off (SENTRY_DEBUG from environment)",
            }
        )[check]
    )


def test_a_dotenv_one_folder_up_is_named_in_the_singular(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tmp_path: Path
) -> None:
    (tmp_path / ".env").write_text("SENTRY_ENVIRONMENT=staging\n")
    (tmp_path / "app").mkdir()
    monkeypatch.chdir(tmp_path / "app")

    _, out, _ = doctor(monkeypatch, capsys, {"SENTRY_DSN": DSN})

    assert placeholders(lines_by_check(out)["env_file"], tmp=tmp_path) == snapshot(
        "! env_file: <tmp>/.env, found 1 folder above the working directory <tmp>/app: is it this server's? Pass --env-file to choose"
    )


def test_an_env_file_given_on_the_command_line_is_marked(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tmp_path: Path
) -> None:
    env_file = tmp_path / "korrigo.env"
    env_file.write_text("SENTRY_ENVIRONMENT=staging\n")

    _, out, _ = doctor(monkeypatch, capsys, {}, "--env-file", str(env_file))

    assert lines_by_check(out)["env_file"] == f"✓ env_file: {env_file} (--env-file)"


def test_a_missing_package_is_reported_in_process_without_initialising(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    """The same branch as the subprocess test above, in this process (as `run_checks` sees it)."""
    import importlib.util

    real_find_spec = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        return None if name in ("redis", "celery") else real_find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)

    status, out, _ = doctor(monkeypatch, capsys, GOOD)

    assert status == 1
    lines = lines_by_check(out)
    assert (lines["sdk"], lines["integrations"]) == snapshot(
        (
            "✗ sdk: not initialised: see integrations",
            "✗ integrations: celery, redis cannot start: package celery redis is not installed (pip install celery redis; korrigo-sentry's own dependencies include it)",
        )
    )
    assert list(lines) == NAMES


def _closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_run_checks_reads_the_environment_it_is_given_and_stays_offline_when_told() -> None:
    # A loopback DSN on a closed port: were the ingest check made, it would fail.
    port = _closed_port()
    dsn = f"http://{KEY}@127.0.0.1:{port}/1"
    env = {**GOOD, "SENTRY_DSN": dsn, "SENTRY_ENVIRONMENT": "staging", "SENTRY_DEBUG": "1"}

    results = {r.name: r for r in run_checks(env, network=False)}

    assert results["environment"].detail == "staging"
    assert results["debug"].source == "SENTRY_DEBUG from environment"
    assert (results["sdk"].status, results["sdk"].detail) == (
        "ok",
        f"active, sending to http://***@127.0.0.1:{port}/1 (HttpTransport)",
    )
    assert (results["ingest"].status, results["ingest"].detail) == (
        "ok",
        "not checked (--offline)",
    )


def test_run_checks_reaches_for_sentry_unless_told_not_to() -> None:
    from korrigo_sentry.oncall.doctor import CheckResult, diagnose

    unreachable = CheckResult("ingest", "fail", "no usable DSN: nowhere to reach")
    env = {"SENTRY_ENVIRONMENT": "staging"}  # no DSN: the check has nowhere to go

    assert run_checks(env)[-1] == unreachable
    assert diagnose(env).results[-1] == unreachable


def test_run_checks_reads_the_named_dotenv_file(tmp_path: Path) -> None:
    env_file = tmp_path / "korrigo.env"
    env_file.write_text("SENTRY_ENVIRONMENT=staging\n")

    results = {r.name: r for r in run_checks({}, env_file, network=False)}

    assert results["env_file"].detail == f"{env_file} (--env-file)"
    assert results["environment"].detail == "staging"
    assert results["environment"].source == f"SENTRY_ENVIRONMENT from {env_file} line 1"


def test_the_doctor_logs_nothing_while_it_initialises_the_sdk(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, caplog: pytest.LogCaptureFixture
) -> None:
    """init_sentry would log again each problem the doctor already shows as a line."""
    import logging

    env = {**GOOD, "SENTRY_ENVIRONMENT": "prod", "SENTRY_DEBUG": "maybe"}
    with caplog.at_level(logging.DEBUG, logger="korrigo_sentry"):
        status, _, _ = doctor(monkeypatch, capsys, env)

    assert status == 1
    assert [r.getMessage() for r in caplog.records if r.name == "korrigo_sentry"] == []
    assert logging.getLogger("korrigo_sentry").disabled is False  # and it is on again


def test_the_ingest_check_gives_up_after_its_timeout(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    import socket

    from korrigo_sentry.oncall import doctor as doctor_module

    monkeypatch.setattr(doctor_module, "INGEST_TIMEOUT", 0.3)
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        for variable, value in {**GOOD, "SENTRY_DSN": f"http://{KEY}@127.0.0.1:{port}/1"}.items():
            monkeypatch.setenv(variable, value)
        status = main(["doctor"])
    out = capsys.readouterr().out

    assert status == 1
    assert placeholders(lines_by_check(out)["ingest"], port=port) == snapshot(
        "✗ ingest: 127.0.0.1:<port> did not answer within 0.3 s: a firewall dropping the packets, or a network that is down. (send-test says more)"
    )


def test_a_missing_named_dotenv_file_fails_the_env_file_check(tmp_path: Path) -> None:
    results = {r.name: r for r in run_checks({}, tmp_path / "none.env", network=False)}

    assert results["env_file"].status == "fail"
    assert placeholders(results["env_file"].detail, tmp=tmp_path) == snapshot(
        "<tmp>/none.env: no such .env file: check the path; Korrigo reads the environment only until then"
    )


def test_the_ingest_check_names_the_proxy_it_went_through(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(re.compile(".*"), method="POST").respond_with_data(b"", 200)
    proxy = f"http://127.0.0.1:{httpserver.port}"  # it answers every request itself
    port = _closed_port()  # only the proxy listens: an answer came through it
    for name in ("no_proxy", "NO_PROXY", "https_proxy", "HTTPS_PROXY", "HTTP_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", proxy)
    for variable, value in {**GOOD, "SENTRY_DSN": f"http://{KEY}@127.0.0.1:{port}/1"}.items():
        monkeypatch.setenv(variable, value)
    status = main(["doctor"])
    out = capsys.readouterr().out

    assert status == 0, out
    assert placeholders(lines_by_check(out)["ingest"], port=port, proxy=proxy) == snapshot(
        "✓ ingest: 127.0.0.1:<port> accepts the key for project 1 through the proxy <proxy>"
    )
    # a forward proxy is asked for the absolute URL
    asked = [request.environ["REQUEST_URI"] for request in loopback.requests(httpserver)]
    assert asked == [f"http://127.0.0.1:{port}/api/1/envelope/"]


def test_the_doctor_closes_the_client_it_made() -> None:
    import sentry_sdk

    from korrigo_sentry.oncall.doctor import diagnose

    made: list[Any] = []

    def keep_client(result: Any) -> None:
        if result.name == "sdk":  # reported while the doctor's own client is active
            made.append(sentry_sdk.get_client())

    diagnose(
        {**GOOD, "SENTRY_DSN": f"http://{KEY}@127.0.0.1:9/1"}, network=False, on_result=keep_client
    )

    (client,) = made
    assert client is not sentry_sdk.get_client()
    assert client.transport is None  # closed: its worker thread is gone


def test_an_inactive_sdk_and_a_missing_integration_fail() -> None:
    """Neither happens through init_sentry today; the checks are there for when it does."""
    from types import SimpleNamespace

    from sentry_sdk.client import NonRecordingClient

    from korrigo_sentry.oncall.doctor import CheckResult, _check_integrations, _check_sdk
    from korrigo_sentry.settings import INTEGRATIONS

    config = SimpleNamespace(dsn=DSN)
    assert _check_sdk(NonRecordingClient(), config) == CheckResult(
        "sdk", "fail", "init_sentry() left the SDK inactive"
    )
    only_two = SimpleNamespace(
        integrations={n: object() for n in INTEGRATIONS if n not in ("celery", "redis")}
    )
    assert _check_integrations(only_two) == CheckResult(
        "integrations", "fail", "not enabled: celery, redis"
    )


def test_a_dotenv_above_with_junk_says_both(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, tmp_path: Path
) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text("SENTRY_ENVIRONMENT=staging\nexport this is junk\n")
    (tmp_path / "app").mkdir()
    monkeypatch.chdir(tmp_path / "app")

    _, out, _ = doctor(monkeypatch, capsys, {"SENTRY_DSN": DSN})

    assert placeholders(lines_by_check(out)["env_file"], tmp=tmp_path) == snapshot(
        "! env_file: <tmp>/.env, found 1 folder above the working directory <tmp>/app: is it this server's? Pass --env-file to choose; <tmp>/.env line 2: not a NAME=value line, ignored"
    )


def test_the_traces_rate_shown_is_the_environment_s_own(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture
) -> None:
    env = {**GOOD, "SENTRY_ENVIRONMENT": "staging", "SENTRY_SAMPLE_RATE": "high"}

    _, out, _ = doctor(monkeypatch, capsys, env)

    assert lines_by_check(out)["sample_rates"] == snapshot(
        "✗ sample_rates: SENTRY_SAMPLE_RATE must be a number from 0 to 1, got 'high'; using traces 0.5 (staging), errors 1.0 (SENTRY_SAMPLE_RATE from environment)"
    )


@pytest.mark.parametrize("listed", ["127.0.0.1", "localhost,127.0.0.1"])
def test_the_ingest_check_goes_direct_to_a_host_listed_in_no_proxy(
    monkeypatch: pytest.MonkeyPatch, capsys: Capture, listed: str, httpserver: HTTPServer
) -> None:
    """Issue 25, item 5: `no_proxy` is honoured; the proxy is never asked."""
    httpserver.expect_request("/api/1/envelope/", method="POST").respond_with_data(b"", 200)
    port = httpserver.port
    with loopback.server() as proxy:  # asked for nothing: no expectation, any request fails
        for name in ("NO_PROXY", "https_proxy", "HTTPS_PROXY", "HTTP_PROXY"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("http_proxy", f"http://127.0.0.1:{proxy.port}")
        monkeypatch.setenv("no_proxy", listed)
        for variable, value in {**GOOD, "SENTRY_DSN": f"http://{KEY}@127.0.0.1:{port}/1"}.items():
            monkeypatch.setenv(variable, value)
        status = main(["doctor"])
        assert proxy.log == []
    out = capsys.readouterr().out

    assert status == 0, out
    assert placeholders(lines_by_check(out)["ingest"], port=port) == snapshot(
        "✓ ingest: 127.0.0.1:<port> accepts the key for project 1"
    )
    assert loopback.paths(httpserver) == ["/api/1/envelope/"]  # the DSN's host, directly

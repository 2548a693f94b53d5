"""Configuration from the environment: good values pass, bad ones never stop Korrigo."""

from __future__ import annotations

import logging
import warnings

import pytest
import sentry_sdk
from inline_snapshot import snapshot

from korrigo_sentry import ConfigError, init_sentry, load_config
from korrigo_sentry.dsn import mask_dsn
from korrigo_sentry.testing import TEST_DSN, FakeTransport, reset_scopes, sentry_capture
from tests.wording import placeholders

SECRET_KEY = "c0ffee0ddba11cafe"  # a made-up key, planted to prove it is never echoed
GOOD_DSN = f"https://{SECRET_KEY}@o0.ingest.sentry.io/42"

BAD_DSNS = [
    f"ftp://{SECRET_KEY}@o0.ingest.sentry.io/42",  # scheme
    "https://o0.ingest.sentry.io/42",  # no key
    f"https://{SECRET_KEY}@o0.ingest.sentry.io/not-a-project",  # project id
    f"https://{SECRET_KEY}@o0.ingest.sentry.io:port/42",  # port
    f"{SECRET_KEY}",  # not a URL at all
]


def test_good_environment_is_read() -> None:
    config = load_config(
        {"SENTRY_DSN": GOOD_DSN, "SENTRY_ENVIRONMENT": "staging", "GIT_COMMIT_SHA": "01C1541"}
    )
    assert config.dsn == GOOD_DSN
    assert config.environment == "staging"
    assert config.release == "korrigo@01c1541"  # lower case: the SHA as git prints it
    assert config.traces_sample_rate is None
    assert config.sample_rate == 1.0  # every error is kept (the sampling page)
    assert config.enabled


def test_missing_dsn_is_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="korrigo_sentry"):
        config = load_config({})
    assert not config.enabled
    assert [r.levelname for r in caplog.records] == ["WARNING"]
    assert "SENTRY_DSN is not set" in caplog.text


@pytest.mark.parametrize("dsn", BAD_DSNS)
def test_malformed_dsn_disables_sentry_and_names_variable(
    dsn: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="korrigo_sentry"):
        config = load_config({"SENTRY_DSN": dsn, "SENTRY_ENVIRONMENT": "production"})
    assert config.dsn is None
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1
    assert errors[0].getMessage().startswith("SENTRY_DSN is malformed")
    assert SECRET_KEY not in caplog.text


@pytest.mark.parametrize("dsn", BAD_DSNS)
def test_malformed_dsn_raises_when_strict(dsn: str) -> None:
    with pytest.raises(ConfigError) as info:
        load_config({"SENTRY_DSN": dsn}, strict=True)
    assert info.value.variable == "SENTRY_DSN"
    assert SECRET_KEY not in str(info.value)


@pytest.mark.parametrize("raw", ["abc", "1.5", "-0.1", "nan", "-nan", "inf", "1e999", "0,5"])
@pytest.mark.parametrize("variable", ["SENTRY_TRACES_SAMPLE_RATE", "SENTRY_SAMPLE_RATE"])
def test_bad_rate_falls_back(raw: str, variable: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="korrigo_sentry"):
        config = load_config(
            {"SENTRY_DSN": GOOD_DSN, "SENTRY_ENVIRONMENT": "staging", variable: raw}
        )
    assert config.enabled
    assert config.traces_sample_rate is None
    assert config.sample_rate == 1.0  # every error is kept (the sampling page)
    (record,) = caplog.records
    assert record.getMessage().startswith(f"{variable} must be a number from 0 to 1")
    with pytest.raises(ConfigError, match=variable):
        load_config({variable: raw}, strict=True)


@pytest.mark.parametrize("raw", ["0", "0.25", "1", " 1.0 "])
def test_good_rate_overrides(raw: str) -> None:
    config = load_config({"SENTRY_TRACES_SAMPLE_RATE": raw})
    assert config.traces_sample_rate == float(raw)


def test_a_rate_of_minus_zero_is_zero_not_minus_zero() -> None:
    """float("-0") is -0.0, which doctor printed as `traces -0.0`."""
    rate = load_config({"SENTRY_TRACES_SAMPLE_RATE": "-0"}).traces_sample_rate
    assert str(rate) == "0.0"


def test_unknown_environment_falls_back_to_production(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="korrigo_sentry"):
        config = load_config({"SENTRY_ENVIRONMENT": "prod"})
    assert config.environment == "production"
    assert "SENTRY_ENVIRONMENT is 'prod'" in caplog.text
    with pytest.raises(ConfigError, match="SENTRY_ENVIRONMENT"):
        load_config({"SENTRY_ENVIRONMENT": "prod"}, strict=True)


@pytest.mark.parametrize("sha", ["main", "01c1541; rm -rf /", "g" * 7, "a" * 41, "abc"])
def test_bad_commit_sha_is_refused(sha: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="korrigo_sentry"):
        config = load_config({"GIT_COMMIT_SHA": sha})
    assert config.release is None
    assert "GIT_COMMIT_SHA must be a git commit SHA" in caplog.text


def test_dotenv_file_is_read_and_environment_wins(tmp_path, monkeypatch) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"SENTRY_DSN={GOOD_DSN}\nSENTRY_ENVIRONMENT=staging\n")
    monkeypatch.setenv("SENTRY_ENVIRONMENT", "test")
    monkeypatch.delenv("SENTRY_DSN", raising=False)
    config = load_config(dotenv_path=env_file)
    assert config.dsn == GOOD_DSN
    assert config.environment == "test"


def test_missing_dotenv_file_is_named(tmp_path, caplog: pytest.LogCaptureFixture) -> None:
    missing = tmp_path / "nope.env"
    with caplog.at_level(logging.WARNING, logger="korrigo_sentry"):
        load_config(dotenv_path=missing)
    assert str(missing) in caplog.text


def test_mask_dsn_keeps_host_and_project_only() -> None:
    masked = mask_dsn(GOOD_DSN)
    assert SECRET_KEY not in masked
    assert masked == "https://***@o0.ingest.sentry.io/42"
    for dsn in BAD_DSNS:
        assert SECRET_KEY not in mask_dsn(dsn), dsn


def test_init_sentry_keeps_serving_on_bad_input(caplog: pytest.LogCaptureFixture) -> None:
    """A malformed DSN turns Sentry off; the call returns, it does not raise."""
    reset_scopes()
    try:
        with caplog.at_level(logging.ERROR, logger="korrigo_sentry"):
            config = init_sentry(environ={"SENTRY_DSN": "not a dsn"})
        assert not config.enabled
        assert sentry_sdk.get_client().transport is None  # nothing can be sent
        assert sentry_sdk.capture_message("still serving") is None  # a no-op, not a crash
    finally:
        sentry_sdk.get_client().close()
        reset_scopes()


def test_init_sentry_raises_no_deprecation_warning() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with sentry_capture():
            active = sentry_sdk.get_client().is_active()  # init really ran
    assert active
    assert [f"{w.category.__name__}: {w.message}" for w in caught] == []


def test_init_sentry_passes_data_collection_not_send_default_pii() -> None:
    with sentry_capture():
        options = sentry_sdk.get_client().options
    assert options["send_default_pii"] is None
    assert options["data_collection"]["provided_by_user"] is True
    assert options["data_collection"]["user_info"] is False


def test_overrides_are_applied_last() -> None:
    transport = FakeTransport()
    with sentry_capture(transport=transport, environment="staging") as sent:
        sentry_sdk.capture_message("x")
    assert sent is transport
    assert transport.events[0]["environment"] == "staging"


def test_sentry_capture_uses_test_environment() -> None:
    with sentry_capture() as sent:
        sentry_sdk.capture_message("x")
        assert sentry_sdk.get_client().dsn == TEST_DSN
    assert sent.events[0]["environment"] == "test"


def test_check_config_lists_problems_without_logging(caplog: pytest.LogCaptureFixture) -> None:
    from korrigo_sentry.config import check_config

    with caplog.at_level(logging.DEBUG, logger="korrigo_sentry"):
        config, problems = check_config(
            {
                "SENTRY_DSN": BAD_DSNS[0],
                "SENTRY_ENVIRONMENT": "test",
                "SENTRY_TRACES_SAMPLE_RATE": "abc",
                "GIT_COMMIT_SHA": "x",
            }
        )
    assert sorted(problems) == ["GIT_COMMIT_SHA", "SENTRY_DSN", "SENTRY_TRACES_SAMPLE_RATE"]
    assert all(error.variable == name for name, error in problems.items())
    assert not config.enabled
    assert caplog.records == []
    assert SECRET_KEY not in " ".join(map(str, problems.values()))


# --- the environment fallback: DSN set/unset/malformed x SENTRY_ENVIRONMENT unset/known/unknown

MALFORMED = f"ftp://{SECRET_KEY}@o0.ingest.sentry.io/42"
# (SENTRY_DSN, SENTRY_ENVIRONMENT) -> (environment reported, traces rate, problem variables).
# A process with a DSN (even a malformed one) is a server: never "development", never 100%.
MATRIX = {
    ("", ""): ("development", 1.0, set()),
    ("", "staging"): ("staging", 0.5, set()),
    ("", "prod"): ("production", 0.1, {"SENTRY_ENVIRONMENT"}),
    (GOOD_DSN, ""): ("production", 0.1, {"SENTRY_ENVIRONMENT"}),
    (GOOD_DSN, "staging"): ("staging", 0.5, set()),
    (GOOD_DSN, "prod"): ("production", 0.1, {"SENTRY_ENVIRONMENT"}),
    (MALFORMED, ""): ("production", 0.1, {"SENTRY_DSN", "SENTRY_ENVIRONMENT"}),
    (MALFORMED, "staging"): ("staging", 0.5, {"SENTRY_DSN"}),
    (MALFORMED, "prod"): ("production", 0.1, {"SENTRY_DSN", "SENTRY_ENVIRONMENT"}),
}


@pytest.mark.parametrize(
    ("dsn", "environment"),
    MATRIX,
    ids=[f"dsn={d[:5] or 'unset'}-env={e or 'unset'}" for d, e in MATRIX],
)
def test_environment_matrix(dsn: str, environment: str) -> None:
    from korrigo_sentry.config import check_config
    from korrigo_sentry.sampling import make_traces_sampler

    expected_environment, expected_rate, expected_problems = MATRIX[(dsn, environment)]
    env = {k: v for k, v in {"SENTRY_DSN": dsn, "SENTRY_ENVIRONMENT": environment}.items() if v}
    config, problems = check_config(env)

    assert config.environment == expected_environment
    sampler = make_traces_sampler(config.environment, config.traces_sample_rate)
    assert sampler({"transaction_context": {"name": "/exams/"}}) == expected_rate
    assert set(problems) == expected_problems
    if "SENTRY_ENVIRONMENT" in problems and not environment:
        # The problem says what to do, not only what is wrong.
        assert "set it to this server's environment" in str(problems["SENTRY_ENVIRONMENT"])
    assert SECRET_KEY not in " ".join(map(str, problems.values()))


def test_a_server_without_environment_is_logged_as_an_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="korrigo_sentry"):
        config = load_config({"SENTRY_DSN": GOOD_DSN})
    assert config.environment == "production"
    assert config.enabled  # events still go out, as production
    assert [r.getMessage() for r in caplog.records] == snapshot(
        [
            "SENTRY_ENVIRONMENT is not set although SENTRY_DSN is: set it to this server's environment (one of development, test, staging, production); reporting as 'production'"
        ]
    )


# --- DSNs pasted with quotes or spaces ---------------------------------------------------


@pytest.mark.parametrize(
    ("dsn", "problem"),
    [
        (f'"{GOOD_DSN}"', "SENTRY_DSN is wrapped in quotes"),
        (f"'{GOOD_DSN}'", "SENTRY_DSN is wrapped in quotes"),
        (f"https://{SECRET_KEY}@o0.ingest.sentry.io /42", "SENTRY_DSN contains a space"),
    ],
)
def test_a_pasted_dsn_is_named_for_what_it_is(dsn: str, problem: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config({"SENTRY_DSN": dsn, "SENTRY_ENVIRONMENT": "production"}, strict=True)
    assert str(raised.value).startswith(problem)
    assert SECRET_KEY not in str(raised.value)


def test_spaces_around_the_dsn_are_ignored() -> None:
    config = load_config({"SENTRY_DSN": f"  {GOOD_DSN} ", "SENTRY_ENVIRONMENT": "production"})
    assert config.dsn == GOOD_DSN


# --- where values come from; .env junk lines ----------------------------------------------


def test_sources_name_the_environment_and_the_dotenv_line(tmp_path, monkeypatch) -> None:
    from korrigo_sentry.config import read_sources

    env_file = tmp_path / ".env"
    env_file.write_text(f"# Korrigo\nSENTRY_ENVIRONMENT=staging\n\nSENTRY_DSN={GOOD_DSN}\n")
    monkeypatch.setenv("SENTRY_ENVIRONMENT", "test")
    monkeypatch.delenv("SENTRY_DSN", raising=False)
    monkeypatch.delenv("GIT_COMMIT_SHA", raising=False)

    sources = read_sources(dotenv_path=env_file)

    assert sources.of("SENTRY_DSN") == f"{env_file} line 4"
    assert sources.of("SENTRY_ENVIRONMENT") == "environment"
    assert sources.of("GIT_COMMIT_SHA") == "default"


def test_dotenv_junk_lines_are_reported_with_the_file_name(
    tmp_path, caplog: pytest.LogCaptureFixture
) -> None:
    env_file = tmp_path / "korrigo.env"
    env_file.write_text("SENTRY_ENVIRONMENT=staging\nthis is not a variable\nSENTRY_DEBUG=0\n")

    with caplog.at_level(logging.WARNING):
        config = load_config({}, dotenv_path=env_file)

    assert config.environment == "staging"
    about_the_file = [r for r in caplog.records if "line" in r.getMessage()]
    assert [placeholders(r.getMessage(), tmp=tmp_path) for r in about_the_file] == snapshot(
        ["<tmp>/korrigo.env line 2: not a NAME=value line, ignored"]
    )
    assert [r.name for r in about_the_file] == ["korrigo_sentry"]  # not python-dotenv's


def test_dotenv_found_above_the_working_directory_is_said(tmp_path, monkeypatch) -> None:
    from korrigo_sentry.config import read_sources

    (tmp_path / ".env").write_text("SENTRY_ENVIRONMENT=staging\n")
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    monkeypatch.delenv("SENTRY_ENVIRONMENT", raising=False)

    sources = read_sources()

    assert sources.dotenv.path == tmp_path / ".env"
    assert sources.dotenv.folders_up == 2
    assert sources.of("SENTRY_ENVIRONMENT") == f"{tmp_path / '.env'} line 1"


# --- small branches (issue 15) -------------------------------------------------------------


@pytest.mark.parametrize(
    ("sha", "release"),
    [
        ("01c154", None),  # 6 hex digits: git's short SHAs have at least 7
        ("01c1541", "korrigo@01c1541"),
        ("A" * 40, "korrigo@" + "a" * 40),
    ],
)
def test_commit_sha_needs_seven_to_forty_hex_digits(sha: str, release: str | None) -> None:
    assert load_config({"GIT_COMMIT_SHA": sha}).release == release


@pytest.mark.parametrize(
    ("raw", "debug"), [("on", True), ("ON", True), ("yes", True), ("off", False), ("", False)]
)
def test_sentry_debug_words(raw: str, debug: bool) -> None:
    assert load_config({"SENTRY_DEBUG": raw}, strict=True).debug is debug


def test_sentry_debug_refuses_other_words() -> None:
    with pytest.raises(ConfigError, match="SENTRY_DEBUG"):
        load_config({"SENTRY_DEBUG": "verbose"}, strict=True)


# --- mutation survivors (issue 15, item 5): the exact words and bounds ------------------------


@pytest.mark.parametrize(
    ("raw", "debug"),
    [
        ("1", True),
        ("true", True),
        (" True ", True),
        ("yes", True),
        ("on", True),
        ("0", False),
        ("false", False),
        ("no", False),
        ("off", False),
        ("  ", False),
    ],
)
def test_every_documented_debug_word(raw: str, debug: bool) -> None:
    assert load_config({"SENTRY_DEBUG": raw}, strict=True).debug is debug


def test_an_unknown_debug_word_turns_debug_off_and_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="korrigo_sentry"):
        config = load_config({"SENTRY_DEBUG": "verbose"})
    assert config.debug is False
    assert [r.getMessage() for r in caplog.records] == snapshot(
        ["SENTRY_DEBUG must be 1 or 0 (or true/false, yes/no, on/off); debug is off"]
    )


#: A bad rate, quoted short with its fallback; a long value is cut after 16 characters (it
#: may be a pasted secret).
BAD_RATES = {
    "long traces rate": ("SENTRY_TRACES_SAMPLE_RATE", "x" * 16),
    "error rate above 1": ("SENTRY_SAMPLE_RATE", "1.5"),
    "17 characters": ("SENTRY_SAMPLE_RATE", "abcdefghijklmnopq"),
}


def test_a_bad_rate_is_quoted_short_with_its_fallback(caplog: pytest.LogCaptureFixture) -> None:
    said = {}
    for case, (variable, raw) in BAD_RATES.items():
        caplog.clear()
        with caplog.at_level(logging.ERROR, logger="korrigo_sentry"):
            load_config({variable: raw})
        said[case] = [r.getMessage() for r in caplog.records]
    assert "abcdefghijklmnopq" not in str(said)  # never the whole value
    assert said == snapshot(
        {
            "long traces rate": [
                "SENTRY_TRACES_SAMPLE_RATE must be a number from 0 to 1, got 'xxxxxxxxxxxxxxxx'; using the default (per environment)"
            ],
            "error rate above 1": [
                "SENTRY_SAMPLE_RATE must be a number from 0 to 1, got '1.5'; using the default (1.0)"
            ],
            "17 characters": [
                "SENTRY_SAMPLE_RATE must be a number from 0 to 1, got 'abcdefghijklmnop'... (17 characters); using the default (1.0)"
            ],
        }
    )


@pytest.mark.parametrize("raw", ["0", "1", "0.5"])
def test_error_sample_rate_bounds_are_accepted(raw: str) -> None:
    assert load_config({"SENTRY_SAMPLE_RATE": raw}, strict=True).sample_rate == float(raw)


def test_mask_dsn_says_when_no_dsn_is_set() -> None:
    assert mask_dsn(None) == "(not set)"
    assert mask_dsn("") == "(not set)"
    assert mask_dsn(SECRET_KEY) == "*** (malformed)"


def test_a_malformed_dsn_shows_the_expected_shape() -> None:
    with pytest.raises(ConfigError) as raised:
        load_config({"SENTRY_DSN": "https://o0.ingest.sentry.io/42"}, strict=True)
    assert str(raised.value) == snapshot(
        "SENTRY_DSN is malformed (Missing public key); expected https://<public key>@<org>.ingest.sentry.io/<project id>"
    )


def test_read_environ_merges_the_given_environment_over_the_named_file(tmp_path) -> None:
    from korrigo_sentry.config import read_environ

    env_file = tmp_path / ".env"
    env_file.write_text("SENTRY_ENVIRONMENT=staging\nGIT_COMMIT_SHA=01c1541\n")

    values = read_environ({"SENTRY_ENVIRONMENT": "test"}, env_file)

    assert values == {"SENTRY_ENVIRONMENT": "test", "GIT_COMMIT_SHA": "01c1541"}


def test_check_config_reads_the_named_dotenv_file(tmp_path) -> None:
    from korrigo_sentry.config import check_config

    env_file = tmp_path / "korrigo.env"
    env_file.write_text("SENTRY_ENVIRONMENT=staging\nSENTRY_DEBUG=maybe\n")

    config, problems = check_config({}, dotenv_path=env_file)

    assert config.environment == "staging"
    assert list(problems) == ["SENTRY_DEBUG"]


def test_no_dotenv_file_found_is_no_file(tmp_path, monkeypatch) -> None:
    from korrigo_sentry.config import read_sources

    monkeypatch.chdir(tmp_path)

    dotenv = read_sources().dotenv

    assert dotenv.path is None
    assert dotenv.cwd == tmp_path
    assert dotenv.explicit is False


def test_a_named_dotenv_file_is_marked_explicit(tmp_path, caplog) -> None:
    from korrigo_sentry.config import read_sources

    env_file = tmp_path / "korrigo.env"
    env_file.write_text("SENTRY_ENVIRONMENT=staging\n")

    dotenv = read_sources({}, env_file).dotenv

    assert (dotenv.path, dotenv.explicit, dotenv.cwd) == (env_file, True, None)
    assert dotenv.folders_up == 0
    with caplog.at_level(logging.WARNING, logger="korrigo_sentry"):
        load_config({}, dotenv_path=tmp_path / "nope.env")
    assert placeholders(caplog.records[0].getMessage(), tmp=tmp_path) == snapshot(
        "<tmp>/nope.env: no such .env file: check the path; Korrigo reads the environment only until then"
    )


def test_a_value_naming_its_own_variable_keeps_the_line_of_its_name(tmp_path) -> None:
    from korrigo_sentry.config import read_sources

    env_file = tmp_path / ".env"
    env_file.write_text('\n\nNOTE="first line\nNOTE again on the second"\n')

    assert read_sources({}, env_file).of("NOTE") == f"{env_file} line 3"


def test_an_invalid_sha_says_who_picks_the_release(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="korrigo_sentry"):
        load_config({"GIT_COMMIT_SHA": "main"})
    assert [r.getMessage() for r in caplog.records] == snapshot(
        [
            "GIT_COMMIT_SHA must be a git commit SHA (7 to 40 hex digits); the release is left to sentry-sdk's guess (SENTRY_RELEASE, git, or a CI variable)"
        ]
    )


@pytest.mark.parametrize("dsn", [f'"{GOOD_DSN}', f"{GOOD_DSN}'"], ids=["leading", "trailing"])
def test_a_single_stray_quote_is_named_too(dsn: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load_config({"SENTRY_DSN": dsn, "SENTRY_ENVIRONMENT": "production"}, strict=True)
    assert SECRET_KEY not in str(raised.value)
    assert str(raised.value) == snapshot(
        "SENTRY_DSN is wrapped in quotes: remove them (a compose `environment:` list or a `docker run -e` keeps quotes as part of the value)"
    )


def test_the_missing_dsn_warning_word_for_word(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="korrigo_sentry"):
        load_config({})
    assert [r.getMessage() for r in caplog.records] == snapshot(
        ["SENTRY_DSN is not set: Sentry is disabled, no event will be sent"]
    )


def test_the_environment_errors_word_for_word(caplog: pytest.LogCaptureFixture) -> None:
    said = {}
    for case, env in {
        "unset on a server": {"SENTRY_DSN": GOOD_DSN},
        "unknown": {"SENTRY_ENVIRONMENT": "prod"},
    }.items():
        caplog.clear()
        with caplog.at_level(logging.ERROR, logger="korrigo_sentry"):
            load_config(env)
        said[case] = [r.getMessage() for r in caplog.records]
    assert said == snapshot(
        {
            "unset on a server": [
                "SENTRY_ENVIRONMENT is not set although SENTRY_DSN is: set it to this server's environment (one of development, test, staging, production); reporting as 'production'"
            ],
            "unknown": [
                "SENTRY_ENVIRONMENT is 'prod', not one of development, test, staging, production; using 'production'"
            ],
        }
    )


#: DSNs as they get pasted wrong, each with the key in it.
PASTED_WRONG = {
    "quotes": f'"{GOOD_DSN}"',
    "space": f"https://{SECRET_KEY}@o0.ingest.sentry.io /42",
    "letter before": f"Xhttps://{SECRET_KEY}@o0.ingest.sentry.io/42",
    "letter after": f"https://{SECRET_KEY}@o0.ingest.sentry.io/42X",
}


def test_each_dsn_problem_word_for_word(caplog: pytest.LogCaptureFixture) -> None:
    said = {}
    for case, dsn in PASTED_WRONG.items():
        caplog.clear()
        with caplog.at_level(logging.ERROR, logger="korrigo_sentry"):
            config = load_config({"SENTRY_DSN": dsn, "SENTRY_ENVIRONMENT": "production"})
        assert config.dsn is None, case
        said[case] = [r.getMessage() for r in caplog.records]
    assert SECRET_KEY not in str(said)  # the key is never in a message
    assert said == snapshot(
        {
            "quotes": [
                "SENTRY_DSN is wrapped in quotes: remove them (a compose `environment:` list or a `docker run -e` keeps quotes as part of the value); Sentry is disabled"
            ],
            "space": [
                "SENTRY_DSN contains a space or a line break: paste it again in one piece; Sentry is disabled"
            ],
            "letter before": [
                "SENTRY_DSN is malformed (Unsupported scheme 'xhttps'); expected https://<public key>@<org>.ingest.sentry.io/<project id>; Sentry is disabled"
            ],
            "letter after": [
                "SENTRY_DSN is malformed (Invalid project in DSN ('42X')); expected https://<public key>@<org>.ingest.sentry.io/<project id>; Sentry is disabled"
            ],
        }
    )


def test_a_given_environment_does_not_read_the_dotenv_found_nearby(tmp_path, monkeypatch) -> None:
    from korrigo_sentry.config import read_sources

    (tmp_path / ".env").write_text("SENTRY_ENVIRONMENT=staging\n")
    monkeypatch.chdir(tmp_path)

    sources = read_sources({"GIT_COMMIT_SHA": "01c1541"})

    assert sources.values == {"GIT_COMMIT_SHA": "01c1541"}
    assert sources.dotenv.path is None

"""The event pass, part by part: what a span, a breadcrumb, a request, a transaction name and
a log entry look like once `before_send` / `before_breadcrumb` ran.

Expected values are written as Sentry would show them: `[Filtered]` where a value went,
`%s` where an SQL literal was, the rest of the text unchanged.
"""

from __future__ import annotations

from typing import Any

import pytest

from korrigo_sentry.privacy import before_breadcrumb, scrub_breadcrumb, scrub_event

SQL = "SELECT id FROM grading_copy WHERE owner = 'Alice Martin' AND exam_id = 42"
SQL_PARAMETRIZED = "SELECT id FROM grading_copy WHERE owner = %s AND exam_id = %s"


def _span(**fields: Any) -> dict[str, Any]:
    """The one span of a transaction after the pass."""
    return scrub_event({"type": "transaction", "spans": [fields]})["spans"][0]


# --- spans -------------------------------------------------------------------------------


def test_sql_span_keeps_the_statement_without_its_literals() -> None:
    span = _span(op="db", description=SQL)
    assert span == {"op": "db", "description": SQL_PARAMETRIZED}


def test_span_without_op_is_only_scrubbed_as_text() -> None:
    assert _span(description=SQL) == {"description": SQL}


def test_redis_span_keys_keep_their_prefix_and_numeric_ids() -> None:
    span = _span(
        op="db.redis",
        description="GET 'grades:alice.martin'",
        tags={"redis.key": "grades:alice.martin"},
        data={"redis.key": "exam:7:copies"},
    )
    assert span == {
        "op": "db.redis",
        "description": "GET 'grades:[Filtered]'",
        "tags": {"redis.key": "grades:[Filtered]"},
        "data": {"redis.key": "exam:7:[Filtered]"},
    }


def test_cache_span_keys_are_reduced_one_by_one() -> None:
    span = _span(
        op="cache.get",
        description="exam:7:copies, grades:alice.martin",
        data={"cache.key": ["exam:7:copies", "grades:alice.martin"]},
    )
    assert span == {
        "op": "cache.get",
        "description": "exam:7:[Filtered], grades:[Filtered]",
        "data": {"cache.key": ["exam:7:[Filtered]", "grades:[Filtered]"]},
    }


def test_http_span_data_url_query_and_fragment() -> None:
    # The url is read as one URL even with a raw space (text scrubbing would stop there);
    # the query keeps only allowlisted values; the fragment goes whole (OAuth tokens).
    span = _span(
        op="http.client",
        description="GET https://api.example.com/search",
        data={
            "url": "https://api.example.com/search?q=Alice Martin",
            "http.query": "code=8841&page=2",
            "http.fragment": "page=2",
        },
    )
    assert span["data"] == {
        "url": "https://api.example.com/search?q=[Filtered]",
        "http.query": "code=[Filtered]&page=2",
        "http.fragment": "[Filtered]",
    }
    assert span["description"] == "GET https://api.example.com/search"


def test_http_span_url_keeps_host_and_path() -> None:
    span = _span(op="http.client", data={"url": "https://api.example.com/v1/exams"})
    assert span["data"] == {"url": "https://api.example.com/v1/exams"}


# --- breadcrumbs -------------------------------------------------------------------------


def test_query_breadcrumb_in_an_event_keeps_the_statement_without_literals() -> None:
    crumb = {"category": "query", "message": SQL, "data": {"db.system": "postgresql"}}
    event = scrub_event({"breadcrumbs": {"values": [crumb]}})
    assert event["breadcrumbs"]["values"] == [
        {"category": "query", "message": SQL_PARAMETRIZED, "data": {"db.system": "postgresql"}}
    ]


@pytest.mark.parametrize("hook", [scrub_breadcrumb, lambda crumb: before_breadcrumb(crumb, {})])
def test_breadcrumb_hook_scrubs_message_and_data(hook: Any) -> None:
    query = {"category": "query", "message": SQL}
    assert hook(query) == {"category": "query", "message": SQL_PARAMETRIZED}

    login = {
        "category": "auth",
        "message": "login failed: password=hunter2x",
        "data": {"password": "hunter2x", "attempt": 3, "realm": "lycee"},
    }
    assert hook(login) == {
        "category": "auth",
        "message": "login failed: password=[Filtered]",
        "data": {"password": "[Filtered]", "attempt": 3, "realm": "lycee"},
    }


def test_breadcrumb_hook_returns_the_crumb_it_was_given() -> None:
    crumb = {"category": "auth", "message": "ok"}
    assert before_breadcrumb(crumb, {}) is crumb
    assert crumb == {"category": "auth", "message": "ok"}


# --- request -----------------------------------------------------------------------------


def test_request_url_query_headers_cookies_and_address() -> None:
    event = scrub_event(
        {
            "request": {
                "method": "GET",
                "url": "https://korrigo.example.fr/exams/7/?code=8841",
                "query_string": "code=8841&page=2",
                "headers": {
                    "Accept": "text/html",
                    "Referer": "https://korrigo.example.fr/exams/7/",
                    "X-Request-Id": "r-42",
                },
                "cookies": {"sessionid": "abc"},
                "env": {"REMOTE_ADDR": "203.0.113.7", "SERVER_NAME": "korrigo"},
            }
        }
    )
    assert event["request"] == {
        "method": "GET",
        "url": "https://korrigo.example.fr/exams/7/?code=[Filtered]",
        "query_string": "code=[Filtered]&page=2",
        "headers": {"Accept": "text/html", "Referer": "[Filtered]", "X-Request-Id": "r-42"},
        "env": {"SERVER_NAME": "korrigo"},
    }


# --- transaction name --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        # A path: a segment holding an `@` goes whole, even when it is no full address.
        ("/users/alice.martin@lycee/", "/users/[Filtered]/"),
        # Not a path (a task name): scrubbed as text, the words around the address stay.
        ("send_mail to alice.martin@lycee.example.fr", "send_mail to [Filtered]"),
        ("/exams/{exam_id}/grade/", "/exams/{exam_id}/grade/"),
    ],
)
def test_transaction_name(name: str, expected: str) -> None:
    assert scrub_event({"transaction": name})["transaction"] == expected


# --- log entry ---------------------------------------------------------------------------


def test_log_parameters_the_formatted_message_shows_are_kept() -> None:
    entry = {
        "message": "grading exam %s for copy %s",
        "params": ["maths", 42],
        "formatted": "grading exam maths for copy 42",
    }
    assert scrub_event({"logentry": entry})["logentry"]["params"] == ["maths", 42]

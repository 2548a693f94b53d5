"""The hooks sentry-sdk calls: `before_breadcrumb` scrubs the breadcrumb it is given."""

from __future__ import annotations

from korrigo_sentry import privacy

F = "[Filtered]"


def test_before_breadcrumb_scrubs_message_and_data() -> None:
    crumb = {"category": "http", "message": "sent to eleve@lycee.fr", "data": {"password": "x"}}
    assert privacy.before_breadcrumb(crumb, {}) == {
        "category": "http",
        "message": f"sent to {F}",
        "data": {"password": F},
    }

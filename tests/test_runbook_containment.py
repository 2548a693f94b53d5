"""Where harm is ongoing, the page starts with containment (issue 23): on Sensitive data, the
deletion (with where Delete is in Sentry, and the tag list that deleting an issue leaves);
on Quota exhausted, the usage screen that answers the page. Read from the built pages."""

from __future__ import annotations

import re

import pytest

from tests.test_site_support import Build, page_text, unchanged_site

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Build:
    result = unchanged_site(tmp_path_factory.mktemp("containment-site"))
    assert result.returncode == 0, result.output[-3000:]
    return result


def _text(site: Build, slug: str) -> str:
    html = (site.site / "runbooks" / slug / "index.html").read_text(encoding="utf-8")
    text = page_text(html.split("<article", 1)[1])  # the page's content, not the navigation
    return " ".join(text.split())


def test_sensitive_data_starts_with_deleting_the_events_and_the_tag(site: Build) -> None:
    text = _text(site, "sensitive-data-in-event")
    first = text.index("First, while the data is still in Sentry")
    assert first < text.index("Summary")
    box = text[first : text.index("Summary")]
    steps = [
        box.index(s) for s in ("Delete the events", "sent as a tag", "data protection officer")
    ]
    assert steps == sorted(steps), "the deletion comes first"
    assert "More Actions" in box  # where Delete is, in Sentry's own words
    assert re.search(r"Tags & Context . Remove tag", box)  # the tag survives the issue
    assert "Security & Privacy" in box


def test_quota_starts_with_the_usage_screen(site: Build) -> None:
    text = _text(site, "quota-exhausted")
    first = text.index("First: is the quota gone")
    assert first < text.index("Summary")
    box = text[first : text.index("Summary")]
    assert box.index("Stats → Usage Stats") < box.index("Find the noisy issue")
    assert "Delete and discard future events" in box


@pytest.mark.parametrize(
    "slug",
    ["critical-errors", "high-error-rate", "celery-failures-not-reported", "quota-exhausted",
     "sensitive-data-in-event", "sentry-not-capturing-errors", "performance-degradation"],
)  # fmt: skip
def test_escalation_names_a_contact_of_contacts_yaml(site: Build, slug: str) -> None:
    text = _text(site, slug)
    escalation = text[text.index("Escalation") : text.index("Verification")]
    roles = (
        r"(Backend lead|Data protection officer \(DPO\)|Owner of the Sentry subscription[^:]*): "
    )
    assert re.search(roles, escalation), escalation[:300]

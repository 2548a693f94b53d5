"""Root conftest: how the handbook's code blocks run as tests.

Every ```python fence in docs/ and runbooks/ is a test (pytest-markdown-docs). Each runs
with the SDK initialised as Korrigo does it, sending to a FakeTransport bound to the
global name `sentry` in the block, so the block can assert what Sentry would receive.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from markdown_it import MarkdownIt
from pytest_markdown_docs.plugin import MarkdownInlinePythonItem

from korrigo_sentry.oncall.markdown import page_parser
from korrigo_sentry.testing import FakeTransport


def pytest_markdown_docs_markdown_it() -> MarkdownIt:
    """A parser that also finds fences inside admonitions, details and content tabs."""
    return page_parser()


@pytest.fixture(autouse=True)
def _doc_block_sentry(request: pytest.FixtureRequest) -> Iterator[FakeTransport | None]:
    """For doc blocks only: bind `sentry` (a FakeTransport) in the block's globals."""
    if not isinstance(request.node, MarkdownInlinePythonItem):
        yield None
        return
    transport = request.getfixturevalue("sentry")
    request.node.funcargs["sentry"] = transport
    # As in Korrigo's Django shell, where Django has loaded Korrigo's Celery app: blocks
    # that use `celery.current_app` (high-error-rate's Celery steps) get the demo's.
    from demo.tasks import celery_app

    celery_app.set_current()
    yield transport

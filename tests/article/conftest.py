"""Fixtures of the article tests: fixture files, local HTTP servers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from montage.options.article import ArticleOptions
from tests.article.local_http import LocalServer

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture
def server() -> Iterator[LocalServer]:
    """A real HTTP server on 127.0.0.1 (a private address: reachable only with allow_private_hosts)."""
    local = LocalServer().start()
    yield local
    local.close()


@pytest.fixture
def local_options() -> ArticleOptions:
    """Options that allow loopback hosts, with short time limits."""
    return ArticleOptions(allow_private_hosts=True, connect_timeout_s=2.0, total_timeout_s=5.0)

"""Fixtures for the stored-query API and /compare (issue 7): one app over the session's seed build."""
from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def api_app(seed_build):
    """The real app (embedded pyoxigraph) over the seed build; queries in threads (no worker processes)."""
    from server import create_app

    app = create_app({"KUNTAKG_DATA": str(seed_build.out / "kuntakg.trig"), "ISOLATION": "thread",
                      "TESTING": True})
    yield app
    app.extensions["kuntakg"].close()


@pytest.fixture
def api(api_app):
    return api_app.test_client()


@pytest.fixture(scope="session")
def seed_documents(seed_build) -> set[str]:
    return set(seed_build.documents)

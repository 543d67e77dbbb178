"""Fixtures for the embed page tests: a site whose rules let a test's comment through."""

from __future__ import annotations

import pytest

from tests.factories import make_site

# Tests post at machine speed; the fill-time and rate rules have their own tests elsewhere.
FAST_POLICY = {"min_fill_seconds": 0, "rate_per_minute": 1000, "rate_per_hour": 10000}


@pytest.fixture
def site(app):
    return make_site("blog", policy=FAST_POLICY)


@pytest.fixture
def premoderated(app):
    return make_site("held", mode="pre", policy=FAST_POLICY)

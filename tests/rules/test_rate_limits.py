"""Submission rate limits: 429 with Retry-After, nothing stored, shared through Redis."""

import os
import subprocess
import sys
import uuid

import pytest
import redis
import sqlalchemy as sa

from service.extensions import db
from service.models import Comment
from tests.factories import make_site

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
URL = "/api/v1/sites/blog/comments"


def post(client, n: int, **fields):
    body = {"article": "a", "author": "Ann", "body": f"Comment number {n}."}
    body.update(fields)
    return client.post(URL, json=body)


def stored() -> int:
    return db.session.execute(sa.select(sa.func.count()).select_from(Comment)).scalar_one()


def test_per_minute_limit_answers_429_with_retry_after_and_stores_nothing(make_app):
    app = make_app(RATELIMIT_ENABLED=True, IP_HASH_KEY=uuid.uuid4().hex)
    with app.app_context():
        client = app.test_client()
        make_site(policy={"rate_per_minute": 2})
        assert [post(client, i).status_code for i in range(2)] == [201, 201]
        refused = post(client, 3)
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert refused.json["code"] == 429 and refused.json["status"] == "Too Many Requests"
        assert refused.json["message"].startswith("Too many comments from you in the last minute")
        assert stored() == 2


def test_per_email_limit_applies_across_addresses(make_app):
    app = make_app(RATELIMIT_ENABLED=True, IP_HASH_KEY=uuid.uuid4().hex)
    email = f"{uuid.uuid4().hex}@example.com"
    with app.app_context():
        client = app.test_client()
        make_site(policy={"rate_per_minute": 1})
        first = client.post(URL, json={"article": "a", "author": "A", "body": "one", "email": email},
                            environ_base={"REMOTE_ADDR": "10.0.0.1"})
        second = client.post(URL, json={"article": "a", "author": "A", "body": "two", "email": email},
                             environ_base={"REMOTE_ADDR": "10.0.0.2"})
        assert (first.status_code, second.status_code) == (201, 429)


def test_ratelimit_enabled_false_turns_limits_off(make_app):
    app = make_app(RATELIMIT_ENABLED=False)
    with app.app_context():
        client = app.test_client()
        make_site(policy={"rate_per_minute": 1})
        assert [post(client, i).status_code for i in range(3)] == [201, 201, 201]


@pytest.fixture
def redis_url():
    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"Redis is not reachable at {TEST_REDIS_URL}")
    return TEST_REDIS_URL


SECOND_PROCESS = """
import sys
from service import create_app
from tests.conftest import settings_for
app = create_app(settings_for(sys.argv[1], RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=sys.argv[2],
                               IP_HASH_KEY=sys.argv[3]))
with app.app_context():
    client = app.test_client()
    for n in range(2):
        r = client.post("/api/v1/sites/blog/comments", json={"article": "a", "author": "B", "body": f"other {n}"})
        print(r.status_code)
"""


def test_limits_are_shared_by_every_process_through_redis(make_app, database_url, redis_url):
    ip_key = uuid.uuid4().hex  # fresh counters for this run
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=redis_url, IP_HASH_KEY=ip_key)
    with app.app_context():
        make_site(policy={"rate_per_minute": 3})
        other = subprocess.run([sys.executable, "-c", SECOND_PROCESS, database_url, redis_url, ip_key],
                               capture_output=True, text=True, timeout=60, cwd=os.getcwd())
        assert other.stdout.split() == ["201", "201"], other.stderr
        client = app.test_client()
        assert post(client, 1).status_code == 201
        assert post(client, 2).status_code == 429
        assert stored() == 3

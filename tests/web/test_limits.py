"""HTTP rate limits: the account forms per username and per address (no hash computed
for a throttled attempt), IPv6 clients by their /64, the heavy endpoints per address."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from race import create_app
from race.config import Config
from race.limits import Budgets
from race.limits import bucket
from race.web import passwords
from tests.db.records import pid
from tests.services import REDIS_URL
from tests.services import unavailable
from tests.web.test_accounts import csrf
from tests.web.test_accounts import log_in
from tests.web.test_accounts import register

PID = pid(1)


@pytest.fixture
def make_app(tmp_path: Path) -> Callable[..., Flask]:
    """Return a factory of apps with the given RATE_LIMITS."""

    def make(limits: str = "") -> Flask:
        env = {
            "CODERACE_INSTANCE": str(tmp_path / "instance"),
            "CODERACE_TESTING": "1",
            "CODERACE_WORKER": "threading",
            "RATE_LIMITS": limits,
        }
        return create_app(Config(env))

    return make


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the Argon2 computations (hash or verify) the forms run."""
    done: list[str] = []
    real = passwords.offload

    def counted(fn: Callable[..., object], *args: object) -> object:
        done.append(getattr(fn, "__name__", "?"))
        return real(fn, *args)

    monkeypatch.setattr(passwords, "offload", counted)
    return done


def from_ip(app: Flask, address: str) -> FlaskClient:
    """Return a browser whose requests come from ``address``."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def ada_registered(make_app: Callable[..., Flask], hashes: list[str], limits: str = "") -> Flask:
    """Return an app where Ada has an account (and no hash counted yet)."""
    app = make_app(limits)
    register(app.test_client(), app, "Ada", None)
    hashes.clear()
    return app


def test_wrong_passwords_from_one_address_throttle_it_and_not_the_owner(
    make_app: Callable[..., Flask], hashes: list[str]
) -> None:
    app = ada_registered(make_app, hashes)
    budget = bucket(Budgets().logins_per_username_ip)[1]
    stranger = from_ip(app, "198.51.100.7")
    answers = [log_in(stranger, "Ada", "wrong password") for _ in range(budget + 3)]
    codes = [a.status_code for a in answers]
    assert codes == [200] * budget + [429] * 3
    assert len(hashes) == budget  # a throttled attempt computes no hash
    refused = answers[-1]
    wait = int(refused.headers["Retry-After"])
    assert wait == 90  # 10 per 15 minutes: one attempt back every 90 s
    html = refused.get_data(as_text=True)
    assert f"too many attempts for this username from your address: try again in {wait}" in html
    assert "wrong username or password" in answers[0].get_data(as_text=True)
    # The right password is refused too from that address while it is spent (no oracle) ...
    assert log_in(stranger, "Ada").status_code == 429 and len(hashes) == budget
    # ... but Ada, from her own address (another /64), logs in: no lockout.
    assert log_in(from_ip(app, "2001:db8:5:6::1"), "Ada").status_code == 302


def test_the_usernames_ceiling_from_every_address_still_bites(
    make_app: Callable[..., Flask], hashes: list[str]
) -> None:
    app = ada_registered(make_app, hashes, "logins_per_username=15/15 minutes")
    answers = [log_in(from_ip(app, f"198.51.100.{i + 1}"), "Ada", "wrong") for i in range(20)]
    assert [a.status_code for a in answers] == [200] * 15 + [429] * 5
    assert len(hashes) == 15
    refused = answers[-1]
    assert refused.headers["Retry-After"] == "60"
    assert "too many attempts for this username: try again in 60 seconds" in refused.get_data(
        as_text=True
    )
    late = log_in(from_ip(app, "198.51.100.200"), "Ada")
    assert late.status_code == 429 and len(hashes) == 15
    assert Budgets().logins_per_username == "100/15 minutes"  # 10 addresses' worth


def test_every_spelling_of_a_username_spends_its_one_budget(
    make_app: Callable[..., Flask], hashes: list[str]
) -> None:
    app = ada_registered(make_app, hashes, "logins_per_username=12/15 minutes")
    spellings = ["Ada", "ada", " Ada", "ADA  ", "\uff21\uff44\uff41", "aDa"]
    one = from_ip(app, "203.0.113.9")
    per_address = [log_in(one, spellings[i % 6], "wrong").status_code for i in range(16)]
    assert per_address == [200] * 10 + [429] * 6  # one budget per address for every spelling
    anywhere = [
        log_in(from_ip(app, f"198.51.100.{i + 1}"), spellings[i], "wrong") for i in range(4)
    ]
    assert [a.status_code for a in anywhere] == [200] * 2 + [429] * 2  # and one ceiling
    assert len(hashes) == 12


def test_one_address_is_throttled_over_many_usernames(
    make_app: Callable[..., Flask], hashes: list[str]
) -> None:
    app = make_app("logins_per_ip=5/minute")
    browser = from_ip(app, "203.0.113.7")
    codes = [log_in(browser, f"Someone{i}", "wrong password").status_code for i in range(8)]
    assert codes == [200] * 5 + [429] * 3 and len(hashes) == 5
    assert log_in(from_ip(app, "203.0.113.8"), "Someone9", "x" * 8).status_code == 200


def test_ipv6_clients_in_one_64_share_a_bucket(
    make_app: Callable[..., Flask], hashes: list[str]
) -> None:
    app = make_app("logins_per_ip=3/minute")
    prefix = "2001:db8:1:2:"
    codes = [
        log_in(from_ip(app, f"{prefix}{i:x}::{i + 1:x}"), f"Name{i}", "wrong pw").status_code
        for i in range(5)
    ]
    assert codes == [200, 200, 200, 429, 429]
    assert log_in(from_ip(app, "2001:db8:1:3::1"), "Other", "wrong pw").status_code == 200


def test_registrations_are_throttled_before_hashing(
    make_app: Callable[..., Flask], hashes: list[str]
) -> None:
    app = make_app("registers_per_ip=2/hour")
    browser = from_ip(app, "203.0.113.20")
    first = register(browser, app, "Ada", None)
    browser.post("/logout", data={"csrf_token": csrf(browser, "/login")})
    second = register(browser, app, "Bob", None)
    browser.post("/logout", data={"csrf_token": csrf(browser, "/login")})
    hashes.clear()
    third = register(browser, app, "Cy Young", None)
    assert (first.status_code, second.status_code, third.status_code) == (302, 302, 429)
    assert third.headers["Retry-After"] == "1800" and not hashes
    assert "too many attempts from your address" in third.get_data(as_text=True)
    assert browser.get("/api/me").get_json() is None


@pytest.mark.integration
def test_workers_on_one_redis_share_the_buckets(tmp_path: Path, hashes: list[str]) -> None:
    prefix = f"crtest-{uuid.uuid4().hex[:12]}:"
    try:
        client = redis.Redis.from_url(REDIS_URL)
        client.ping()
    except redis.RedisError as exc:
        unavailable("Redis", exc)
    workers = [
        create_app(
            Config(
                {
                    "CODERACE_INSTANCE": str(tmp_path / f"instance{i}"),
                    "CODERACE_TESTING": "1",
                    "CODERACE_WORKER": "threading",
                    "REDIS_URL": REDIS_URL,
                    "REDIS_PREFIX": prefix,
                    "RATE_LIMITS": "logins_per_ip=4/minute",
                }
            )
        )
        for i in range(2)
    ]
    try:
        codes = [
            log_in(from_ip(workers[i % 2], "203.0.113.30"), f"N{i}", "wrong pw").status_code
            for i in range(6)
        ]
        assert codes == [200] * 4 + [429] * 2 and len(hashes) == 4
    finally:
        keys = list(client.scan_iter(match=prefix + "*", count=1000))
        if keys:
            client.delete(*keys)
        client.close()


@pytest.mark.parametrize(
    ("paths", "budget"),
    [
        (["/api/races/AAAAAAAAAAAAAAAA.1/trace", "/api/races/AAAAAAAAAAAAAAAA.1/log/" + PID], 4),
        (["/leaderboard", "/api/leaderboard", "/api/snippets/boards"], 3),
    ],
)
def test_heavy_endpoints_are_limited_per_address(
    make_app: Callable[..., Flask], paths: list[str], budget: int
) -> None:
    app = make_app("traces_per_ip=4/minute;boards_per_ip=3/minute")
    browser = from_ip(app, "2001:db8:9:9::1")
    answers = [browser.get(paths[i % len(paths)]) for i in range(budget + 2)]
    assert all(a.status_code != 429 for a in answers[:budget])
    for refused in answers[budget:]:
        assert refused.status_code == 429
        assert refused.headers["Retry-After"] == str(60 // budget)
        if refused.request.path.startswith("/api/"):
            error = refused.get_json()["error"]
            assert error["code"] == "rate_limited" and "try again in" in error["message"]
            assert error["retry_ms"] == 1000 * (60 // budget)
        else:
            assert "too many requests from your address" in refused.get_data(as_text=True)
    # Another /64 has its own budget; the other kind of endpoint is not spent.
    assert from_ip(app, "2001:db8:9:a::1").get(paths[0]).status_code != 429
    other = "/api/leaderboard" if "trace" in paths[0] else "/api/races/AAAAAAAAAAAAAAAA.1/trace"
    assert browser.get(other).status_code != 429


def test_guest_proofs_are_limited_per_address(make_app: Callable[..., Flask]) -> None:
    app = make_app("proofs_per_ip=3/minute")
    browser = from_ip(app, "203.0.113.7")
    codes = [browser.post("/api/me/guest", json={"token": "x"}).status_code for _ in range(5)]
    assert codes == [400, 400, 400, 429, 429]  # bad tokens spend it too: no free probing

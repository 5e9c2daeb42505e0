"""The deployment's load balancer (deploy/nginx.conf, run by the real nginx) in front of
three real workers: sockets spread by each page's balance token, a long-polling session
stays whole on one worker, and a player refused by a full worker finds a seat on another
by drawing a new token, as the browser does (static/js/net.js)."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

from tests.realtime.harness import Client
from tests.scale.balancer import Balancer
from tests.scale.cluster import Cluster

pytestmark = pytest.mark.integration


def connected(worker_url: str) -> int:
    """Return how many sockets a worker reports on /metrics."""
    text = requests.get(worker_url + "/metrics", timeout=5).text
    for family in text_string_to_metric_families(text):
        if family.name == "coderace_connected_sockets":
            return int(family.samples[0].value)
    raise AssertionError("no coderace_connected_sockets on /metrics")


def test_sockets_spread_by_token_and_a_polling_session_stays_on_one_worker(
    cluster_factory: Callable[..., Cluster], balancer: Callable[[Cluster], Balancer]
) -> None:
    cluster = cluster_factory(3)
    lb = balancer(cluster)
    assert requests.get(lb.url + "/healthz", timeout=5).status_code == 200
    for path in ("/metrics", "//metrics", "/metrics?x=1", "/%6detrics"):  # internal only
        assert requests.get(lb.url + path, timeout=5).status_code == 403, path
    # Twelve pages from one address: with ip_hash they would all sit on one worker.
    clients = [Client(f"{lb.url}/?lb=page{i}", name=f"P{i}") for i in range(12)]
    polling = Client(f"{lb.url}/?lb=slow", name="Poll", transports=("polling",))
    try:
        counts = [connected(url) for url in cluster.urls]
        assert sum(counts) == 13 and min(counts) > 0, counts
        # Every long-polling request of the session must reach the worker that holds it.
        for _ in range(5):
            assert polling.call("sync", {"c": 1.0})["ok"]
        answer = polling.ok("practice", {"snippet_id": "py-short"})
        assert polling.wait("room", lambda r: r["code"] == answer["room"]["code"], timeout=10)
    finally:
        for c in (*clients, polling):
            c.close()


def test_a_player_refused_by_a_full_worker_finds_a_seat_with_a_new_token(
    cluster_factory: Callable[..., Cluster], balancer: Callable[[Cluster], Balancer]
) -> None:
    cluster = cluster_factory(3, worker_env={0: {"CODERACE_MAX_RACERS": "0"}})  # worker 0 full
    lb = balancer(cluster)
    seated: list[Client] = []
    refused: list[str] = []
    try:
        for i in range(9):
            token = f"p{i}"
            for attempt in range(12):
                client = Client(f"{lb.url}/?lb={token}", name=f"R{i}")
                answer = client.call("practice", {"snippet_id": "py-short"})
                if answer["ok"]:
                    seated.append(client)
                    break
                client.close()
                assert answer["code"] == "busy", answer
                refused.append(token)
                token = f"p{i}-{attempt}"  # what the page does: a new token, then again
        assert len(seated) == 9, "a player never found a seat"
        assert refused, "no token reached the full worker: the test proves nothing"
        assert connected(cluster.urls[0]) == 0
    finally:
        for c in seated:
            c.close()


def test_assets_through_nginx_are_compressed_cached_and_cookieless(
    cluster_factory: Callable[..., Cluster], balancer: Callable[[Cluster], Balancer]
) -> None:
    cluster = cluster_factory(3)  # deploy/nginx.conf names three workers
    lb = balancer(cluster)
    page = requests.get(lb.url + "/play/practice", timeout=5)
    assert page.headers["Content-Encoding"] in ("br", "gzip")
    found = re.search(r'"socket.io-client": "([^"]+)"', page.text)
    assert found, "the race page's import map names socket.io-client"
    for encoding in ("gzip", "br"):
        asset = requests.get(
            lb.url + found.group(1), headers={"Accept-Encoding": encoding}, timeout=5
        )
        assert asset.status_code == 200
        assert asset.headers["Content-Encoding"] == encoding
        assert "max-age=31536000" in asset.headers["Cache-Control"]
        assert "Set-Cookie" not in asset.headers
    stale = requests.get(lb.url + found.group(1).split("?")[0], timeout=5)
    assert stale.headers["Cache-Control"] == "no-cache"

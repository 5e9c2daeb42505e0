"""Fixtures for multi-worker tests: a cluster of real workers sharing the real Redis."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from race.store.client import connect
from tests.realtime.conftest import FAST
from tests.realtime.conftest import SNIPPETS
from tests.scale.balancer import Balancer
from tests.scale.balancer import nginx_binary
from tests.scale.cluster import Cluster
from tests.services import REDIS_URL
from tests.services import unavailable


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """Write the tiny test corpus to a folder the workers load."""
    folder = tmp_path / "corpus"
    for name, text in SNIPPETS.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return folder


@pytest.fixture
def cluster_factory(tmp_path: Path, corpus_dir: Path) -> Iterator[Callable[..., Cluster]]:
    """Return a factory of started clusters; all are stopped and their keys deleted after."""
    client = connect(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:
        unavailable("Redis", exc)
    made: list[Cluster] = []

    def make(
        workers: int = 3,
        worker_type: str = "eventlet",
        env: dict[str, str] | None = None,
        worker_env: dict[int, dict[str, str]] | None = None,
    ) -> Cluster:
        cluster = Cluster(
            tmp_path,
            workers,
            worker_type,
            redis_url=REDIS_URL,
            timing=FAST,
            corpus=corpus_dir,
            env=env,
            worker_env=worker_env,
        )
        made.append(cluster)
        return cluster.start()

    yield make
    for cluster in made:
        cluster.stop()
        keys = list(client.scan_iter(match=cluster.prefix + "*", count=1000))
        if keys:
            client.delete(*keys)
    client.close()


@pytest.fixture
def balancer(tmp_path: Path) -> Iterator[Callable[[Cluster], Balancer]]:
    """Return a factory of nginx balancers (deploy/nginx.conf) in front of a cluster."""
    binary = nginx_binary()
    if binary is None:
        unavailable("nginx", FileNotFoundError("no nginx executable"))
    assert binary is not None
    made: list[Balancer] = []

    def make(cluster: Cluster) -> Balancer:
        folder = tmp_path / f"nginx{len(made)}"
        folder.mkdir()
        lb = Balancer(binary, folder, cluster.ports)
        made.append(lb)
        return lb.start()

    yield make
    for lb in made:
        lb.stop()

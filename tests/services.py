"""Access to the real services the integration tests use (Redis, Postgres, a local Redis
Cluster started here).

Outside CI a missing service skips the test with the reason; in CI (``CI=true``) it fails.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
POSTGRES_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg2://postgres@127.0.0.1:5432/test"
)
#: Masters of the local test cluster (no replicas), and how long it may take to form.
CLUSTER_MASTERS = 3
CLUSTER_START_S = 30.0
#: How long a cluster node may take to stop before it is killed.
CLUSTER_STOP_S = 10.0


def unavailable(service: str, error: Exception) -> None:
    """Skip (locally) or fail (in CI) a test whose service is missing."""
    message = f"{service} is not reachable ({error}); start it to run this test"
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI needs {message}")
    pytest.skip(message)


def _free_port() -> int:
    """Return a loopback port free now, whose cluster bus port (+10000) is free too."""
    for _ in range(50):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = int(s.getsockname()[1])
        if port + 10000 >= 65536:
            continue
        with socket.socket() as bus:
            try:
                bus.bind(("127.0.0.1", port + 10000))
            except OSError:
                continue
        return port
    raise RuntimeError("no free loopback port pair for a cluster node")


def _cli(*args: str, timeout: float = CLUSTER_START_S) -> str:
    done = subprocess.run(
        ["redis-cli", *args], capture_output=True, text=True, timeout=timeout, check=True
    )
    return done.stdout


@contextlib.contextmanager
def local_cluster(folder: Path, masters: int = CLUSTER_MASTERS) -> Iterator[list[tuple[str, int]]]:
    """Run a Redis Cluster of ``masters`` masters on loopback ports, in ``folder``; yield
    its nodes (host, port) once every node reports ``cluster_state:ok``; stop it after.

    Raises (``FileNotFoundError``, ``subprocess`` errors, ``TimeoutError``) if it cannot
    be started within ``CLUSTER_START_S``.
    """
    if shutil.which("redis-server") is None or shutil.which("redis-cli") is None:
        raise FileNotFoundError("redis-server and redis-cli must be on PATH")
    procs: list[subprocess.Popen[bytes]] = []
    nodes: list[tuple[str, int]] = []
    try:
        for i in range(masters):
            port = _free_port()
            home = folder / f"node-{i}"
            home.mkdir(parents=True)
            log = (home / "redis.log").open("wb")
            procs.append(
                subprocess.Popen(
                    ["redis-server", "--port", str(port), "--bind", "127.0.0.1",
                     "--cluster-enabled", "yes", "--cluster-config-file", str(home / "nodes.conf"),
                     "--cluster-node-timeout", "5000", "--dir", str(home),
                     "--save", "", "--appendonly", "no"],
                    stdout=log, stderr=subprocess.STDOUT,
                )
            )  # fmt: skip
            log.close()
            nodes.append(("127.0.0.1", port))
        deadline = time.monotonic() + CLUSTER_START_S
        for host, port in nodes:  # each node answers before the cluster is made
            while _ping(host, port) is False:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"cluster node {host}:{port} did not start")
                time.sleep(0.05)
        _cli("--cluster", "create", *[f"{h}:{p}" for h, p in nodes],
             "--cluster-replicas", "0", "--cluster-yes")  # fmt: skip
        for host, port in nodes:
            while "cluster_state:ok" not in _cli("-h", host, "-p", str(port), "cluster", "info"):
                if time.monotonic() > deadline:
                    raise TimeoutError(f"the cluster was not ok within {CLUSTER_START_S} s")
                time.sleep(0.1)
        yield nodes
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(CLUSTER_STOP_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _ping(host: str, port: int) -> bool:
    try:
        return "PONG" in _cli("-h", host, "-p", str(port), "ping", timeout=2)
    except (subprocess.SubprocessError, OSError):
        return False

"""Real worker processes on loopback ports, sharing the real Redis, as deployed."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import asdict
from pathlib import Path
from typing import IO

import requests

from race.core.timing import Timing


def free_port() -> int:
    """Return a free loopback port."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Cluster:
    """N CodeRace workers (``python -m race.serve``) sharing one Redis key prefix."""

    def __init__(
        self,
        folder: Path,
        workers: int,
        worker_type: str,
        *,
        redis_url: str,
        timing: Timing,
        corpus: Path,
        env: dict[str, str] | None = None,
        worker_env: dict[int, dict[str, str]] | None = None,
    ) -> None:
        self.folder = folder
        self.prefix = f"crtest-{uuid.uuid4().hex[:10]}:"
        self.env = {
            **os.environ,
            "REDIS_URL": redis_url,
            "REDIS_PREFIX": self.prefix,
            "SECRET_KEY": uuid.uuid4().hex,
            "CODERACE_WORKER": worker_type,
            "CODERACE_TIMING": json.dumps(asdict(timing)),
            "CODERACE_CORPUS": str(corpus),
            "LOG_LEVEL": "WARNING",
            **(env or {}),
        }
        #: Settings of single workers, by index, over ``env``.
        self.worker_env = worker_env or {}
        self.procs: list[subprocess.Popen[bytes] | None] = [None] * workers
        self.urls: list[str] = [""] * workers
        self.ports: list[int] = [0] * workers
        self._logs: list[IO[str]] = []

    def start(self) -> Cluster:
        """Start every worker and wait until each answers /healthz."""
        for i in range(len(self.procs)):
            self.spawn(i)
        for i in range(len(self.procs)):
            self.wait_healthy(i)
        return self

    def spawn(self, i: int) -> None:
        """Start worker ``i`` on a fresh port."""
        port = free_port()
        log = (self.folder / f"worker{i}.log").open("a")
        self._logs.append(log)
        env = {
            **self.env,
            **self.worker_env.get(i, {}),
            "CODERACE_INSTANCE": str(self.folder / f"instance{i}"),
        }
        self.procs[i] = subprocess.Popen(
            [sys.executable, "-m", "race.serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.urls[i] = f"http://127.0.0.1:{port}"
        self.ports[i] = port

    def wait_healthy(self, i: int, timeout: float = 20) -> None:
        """Wait for worker ``i`` to answer /healthz with 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            proc = self.procs[i]
            if proc is None or proc.poll() is not None:
                break
            try:
                if requests.get(self.urls[i] + "/healthz", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"worker {i} did not start:\n{self.log(i)}")

    def log(self, i: int) -> str:
        """Return what worker ``i`` printed."""
        path = self.folder / f"worker{i}.log"
        return path.read_text() if path.exists() else ""

    def kill(self, i: int) -> None:
        """SIGKILL worker ``i`` (no clean shutdown, like a crash)."""
        proc = self.procs[i]
        assert proc is not None
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop(self) -> None:
        """Stop every worker that is still running."""
        for proc in self.procs:
            if proc is not None and proc.poll() is None:
                proc.terminate()
        for proc in self.procs:
            if proc is not None:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        for log in self._logs:
            log.close()

"""The deployment's load balancer: the real nginx running deploy/nginx.conf in front of
real workers on loopback ports (the compose file's service names replaced by them)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

from tests.scale.cluster import free_port

SITE = Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf"


def nginx_binary() -> str | None:
    """Return the nginx executable, if installed (`apt-get install nginx-light`)."""
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


class Balancer:
    """nginx in the foreground with deploy/nginx.conf, its files under ``folder``."""

    def __init__(self, binary: str, folder: Path, worker_ports: list[int]) -> None:
        self.binary = binary
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        site = SITE.read_text()
        for i, port in enumerate(worker_ports, start=1):
            assert f"worker{i}:5000" in site, f"deploy/nginx.conf lost worker{i}"
            site = site.replace(f"worker{i}:5000", f"127.0.0.1:{port}")
        assert "listen 80;" in site
        site = site.replace("listen 80;", f"listen 127.0.0.1:{self.port};")
        (folder / "site.conf").write_text(site)
        temp = "\n".join(
            f"    {kind}_temp_path {folder / kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        # Root starts nginx in CI; its workers would switch to an account without access
        # to the folder, so they stay root there.
        user = "user root;\n" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(
            f"{user}daemon off;\nworker_processes 1;\npid {folder / 'nginx.pid'};\n"
            f"error_log {folder / 'error.log'} warn;\nevents {{}}\n"
            f"http {{\n    access_log off;\n{temp}\n    include {folder / 'site.conf'};\n}}\n"
        )
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Balancer:
        """Check the configuration, start nginx and wait until it listens."""
        conf = str(self.folder / "nginx.conf")
        args = [self.binary, "-p", str(self.folder), "-e", str(self.folder / "error.log")]
        subprocess.run([*args, "-t", "-q", "-c", conf], check=True, capture_output=True)
        self.proc = subprocess.Popen([*args, "-c", conf], stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"nginx exited: {self.log()}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"nginx did not listen: {self.log()}")

    def log(self) -> str:
        """Return nginx's error log."""
        path = self.folder / "error.log"
        return path.read_text() if path.exists() else ""

    def stop(self) -> None:
        """Stop nginx."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()

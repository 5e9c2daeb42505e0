"""Time how long a call to a peer that accepts TCP and never answers takes to fail.

Run as a script in a fresh interpreter (monkey patching must come first):

    .venv/bin/python -m tests.faults.hang_probe --worker eventlet --service postgres \\
        --hole PORT --proxy PORT [--reply-s S]

``--hole`` is a port that accepts connections and never answers (a black hole);
``--proxy`` forwards to the real service, and the parent freezes it (holds every byte)
when this script prints ``{"step": "ready"}`` and answers with a line on stdin. For each
call (``connect``: a new connection to the hole; ``statement``: a command on a connection
that then stops answering) one JSON line: how long it took to fail, the error, and the
largest gap of a 10 ms ticker meanwhile (the hub must keep running). ``--reply-s``
shortens the client's reply deadline (the constants are used otherwise);
``--old-callback`` puts back what ran before ``race.db.green`` (eventlet's own wait
callback, which has no deadline; under gevent none: a blocking driver).
"""

import sys


def _arg(name: str, default: str = "") -> str:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


WORKER = _arg("--worker", "eventlet")
if WORKER == "eventlet":
    import eventlet

    eventlet.monkey_patch()
elif WORKER == "gevent":
    from gevent import monkey

    monkey.patch_all()

import itertools  # noqa: E402
import json  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

TICK_S = 0.01


def timed(step: str, call: Callable[[], object]) -> None:
    """Run ``call`` beside a ticker; print how long it took to fail, and the worst gap."""
    stamps: list[float] = []
    done = threading.Event()

    def ticker() -> None:
        while not done.is_set():
            stamps.append(time.perf_counter())
            time.sleep(TICK_S)

    tick = threading.Thread(target=ticker)
    tick.start()
    time.sleep(0.05)
    began = time.perf_counter()
    error = ""
    try:
        call()
    except Exception as exc:
        error = f"{type(exc).__module__}.{type(exc).__name__}: {exc}".splitlines()[0]
    took = time.perf_counter() - began
    time.sleep(0.05)  # the ticker ticks again: a gap spanning the call is counted
    done.set()
    tick.join()
    gaps = [1000 * (b - a) for a, b in itertools.pairwise(stamps)]
    figures: dict[str, Any] = {"worker": WORKER, "service": SERVICE, "step": step}
    figures |= {"s": round(took, 2), "error": error, "max_gap_ms": round(max(gaps), 1)}
    print(json.dumps(figures), flush=True)


def ready() -> None:
    """Tell the parent this side is connected; wait until it froze the proxy."""
    print(json.dumps({"step": "ready"}), flush=True)
    sys.stdin.readline()


def postgres(hole: int, proxy: int) -> None:
    """Connect to the hole; then run a statement on a connection the proxy freezes."""
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from race.db import green
    from race.db.engine import make_engine
    from tests.services import POSTGRES_URL

    if _arg("--reply-s"):
        green.REPLY_S = float(_arg("--reply-s"))
    if "--old-callback" in sys.argv:  # as before race.db.green: the worker's own, or none
        green.install = lambda: False  # make_engine leaves the callback alone
        if WORKER == "eventlet":
            from eventlet.support import psycopg2_patcher

            psycopg2_patcher.make_psycopg_green()
        else:
            from psycopg2 import extensions

            extensions.set_wait_callback(None)
    url = make_url(POSTGRES_URL).set(host="127.0.0.1")

    def at(port: int) -> str:
        return url.set(port=port).render_as_string(hide_password=False)

    timed("connect", lambda: make_engine(at(hole)).connect())
    with make_engine(at(proxy)).connect() as connection:
        connection.execute(text("SELECT 1"))
        ready()
        timed("statement", lambda: connection.execute(text("SELECT 1")))


def redis(hole: int, proxy: int) -> None:
    """A store call on the hole; then one on a store whose connection the proxy freezes."""
    from race.store.client import connect
    from race.store.redis import RedisStore

    timed("connect", lambda: RedisStore(connect(f"redis://127.0.0.1:{hole}/0")).ping())
    store = RedisStore(connect(f"redis://127.0.0.1:{proxy}/0"), prefix="crtest-hang:")
    store.ping()
    ready()
    timed("statement", store.ping)


SERVICE = _arg("--service", "postgres")
if __name__ == "__main__":
    {"postgres": postgres, "redis": redis}[SERVICE](int(_arg("--hole")), int(_arg("--proxy")))

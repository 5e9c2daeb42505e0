"""The server entry point: monkey-patch for the configured worker type first, then serve."""

import os

WORKER = os.environ.get("CODERACE_WORKER", "eventlet")
if WORKER == "eventlet":
    import eventlet

    eventlet.monkey_patch()
elif WORKER == "gevent":
    from gevent import monkey

    monkey.patch_all()

import argparse  # noqa: E402
import gc  # noqa: E402
import logging  # noqa: E402
import socket  # noqa: E402
import sys  # noqa: E402

from race import create_app  # noqa: E402
from race.config import SettingError  # noqa: E402
from race.realtime import services  # noqa: E402


def main() -> None:
    """Serve CodeRace with Socket.IO on the configured async worker."""
    parser = argparse.ArgumentParser(prog="race run")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5000)
    args = parser.parse_args()
    logging.basicConfig(
        level=os.environ.get("LOG_LEVEL", "INFO"), format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        app = create_app()
    except SettingError as exc:
        sys.exit(f"race run: {exc}")
    svc = services(app)
    svc.start_background()
    if os.environ.get("CODERACE_GC_TUNING", "1") == "1":
        # Move start-up objects out of the collector's way and collect young objects less
        # often: halves the p99 of batch round trips and tick lag under load
        # (bench/load.py, 300 racers on one worker: ~150 -> 60-85 ms).
        gc.collect()
        gc.freeze()
        gc.set_threshold(50_000, 50, 100)
    print(f"CodeRace ({WORKER}) on http://{args.host}:{args.port}/", flush=True)
    if WORKER == "eventlet":
        import eventlet.wsgi

        from race.realtime import websocket

        websocket.install_unmask()
        listener = eventlet.listen((args.host, args.port), backlog=2048)
        _no_delay(listener)
        eventlet.wsgi.server(listener, app, log_output=False)
    elif WORKER == "gevent":
        from gevent import pywsgi
        from gevent.socket import socket as green_socket

        sock = green_socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        _no_delay(sock)
        sock.bind((args.host, args.port))
        sock.listen(2048)
        pywsgi.WSGIServer(sock, app, log=None).serve_forever()
    else:
        svc.socketio.run(app, host=args.host, port=args.port, allow_unsafe_werkzeug=True)


def _no_delay(listener: socket.socket) -> None:
    """Turn off Nagle's algorithm; accepted sockets inherit it on Linux.

    Without it, a small reply written right after another (an error event, then the
    acknowledgement) waits for the client's delayed ACK: measured 18-44 ms per request
    on loopback, against under 1 ms with it.
    """
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


if __name__ == "__main__":
    main()

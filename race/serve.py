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
import logging  # noqa: E402

from race import create_app  # noqa: E402
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
    app = create_app()
    svc = services(app)
    svc.start_background()
    print(f"CodeRace ({WORKER}) on http://{args.host}:{args.port}/", flush=True)
    svc.socketio.run(app, host=args.host, port=args.port, log_output=False)


if __name__ == "__main__":
    main()

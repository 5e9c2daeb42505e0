"""The server entry point can monkey-patch before anything else is imported."""

from __future__ import annotations

import subprocess
import sys


def test_importing_race_loads_no_framework_or_io_library() -> None:
    probe = (
        "import sys, race; "
        "print(sorted(m for m in ('flask', 'socketio', 'redis', 'threading', 'sqlalchemy') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout

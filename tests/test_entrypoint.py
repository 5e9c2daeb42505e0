"""The server entry point can monkey-patch before anything else is imported."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from race import create_app
from race.config import Config
from race.config import SettingError
from race.core.timing import Timing
from race.limits import Budgets
from race.realtime import services


def test_importing_race_loads_no_framework_or_io_library() -> None:
    probe = (
        "import sys, race; "
        "print(sorted(m for m in ('flask', 'socketio', 'redis', 'threading', 'sqlalchemy') "
        "if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout


def failed_start(env: dict[str, str]) -> str:
    """Start the server with a bad setting; check it stops with no traceback; return its
    standard error."""
    out = subprocess.run(
        [sys.executable, "-m", "race.serve", "--port", "0"],
        capture_output=True,
        text=True,
        env={**env, "PATH": "/usr/bin:/bin"},
        timeout=60,
        check=False,
    )
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    return out.stderr


def test_a_bad_setting_stops_start_up_with_one_clear_line() -> None:
    stderr = failed_start({"CODERACE_TIMING": '{"quick_countdown": 5}'})
    assert "CODERACE_TIMING: unknown key 'quick_countdown'" in stderr
    assert "quick_countdown_ms" in stderr  # it says which keys there are


def test_a_bad_rate_limit_stops_start_up_with_one_clear_line() -> None:
    bad = "joins_per_ip=40/minute;logins_per_ip=often"
    stderr = failed_start({"RATE_LIMITS": bad, "CODERACE_WORKER": "threading"})
    lines = stderr.strip().splitlines()
    assert lines[-1] == (
        "race run: RATE_LIMITS: logins_per_ip='often' is not a limit like '30/minute'"
    )


def test_rate_limits_are_parsed_once_and_shared_by_every_limiter(tmp_path: Path) -> None:
    env = {
        "CODERACE_INSTANCE": str(tmp_path),
        "CODERACE_WORKER": "threading",
        "RATE_LIMITS": "joins_per_ip=9/minute;logins_per_ip=3/hour;",
    }
    app = create_app(Config(env))
    budgets = app.config["RATE_LIMITS"]
    assert budgets == Budgets(joins_per_ip="9/minute", logins_per_ip="3/hour")
    assert services(app).throttle.budgets is budgets
    assert app.extensions["coderace_limits"].budgets is budgets
    with pytest.raises(TypeError, match="RATE_LIMITS must be Budgets"):
        create_app({**Config(env).as_mapping(), "RATE_LIMITS": "joins_per_ip=9/minute"})


def test_settings_are_checked_with_a_message_naming_them() -> None:
    cases = {
        "CODERACE_TIMING": ("[1]", "must be a JSON object"),
        "CODERACE_MAX_RACERS": ("lots", "CODERACE_MAX_RACERS must be a float"),
        "TRUSTED_PROXIES": ("-1", "TRUSTED_PROXIES must not be negative"),
        "CODERACE_WORKER": ("twisted", "CODERACE_WORKER must be one of"),
        "RATE_LIMITS": ("joins=1/second", "RATE_LIMITS: unknown budget 'joins'; known: "),
    }
    for name, (raw, message) in cases.items():
        with pytest.raises(SettingError, match=message):
            Config({name: raw})
    with pytest.raises(SettingError, match="whole number of ms"):
        Config({"CODERACE_TIMING": '{"grace_ms": "30s"}'})
    assert Timing(grace_ms=100) == Config({"CODERACE_TIMING": '{"grace_ms": 100}'}).TIMING

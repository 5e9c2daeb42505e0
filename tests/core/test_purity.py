"""Guard: race/core imports no framework or I/O library and calls no clock or file API."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

CORE = Path(__file__).resolve().parents[2] / "race" / "core"
#: Standard-library modules that do no I/O and read no clock.
ALLOWED = {
    "__future__",
    "array",
    "base64",
    "bisect",
    "collections",
    "collections.abc",
    "dataclasses",
    "enum",
    "functools",
    "hashlib",
    "ipaddress",
    "itertools",
    "json",
    "math",
    "operator",
    "re",
    "statistics",
    "typing",
    "unicodedata",
}
FORBIDDEN_CALLS = {"open", "print", "input", "exec", "eval", "__import__"}


def core_modules() -> list[Path]:
    """Return every Python file of the pure core."""
    return sorted(CORE.rglob("*.py"))


@pytest.mark.parametrize("path", core_modules(), ids=lambda p: p.name)
def test_core_module_is_pure(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            names = [node.module or ""]
        else:
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                assert node.func.id not in FORBIDDEN_CALLS, f"{path.name} calls {node.func.id}()"
            continue
        for name in names:
            assert name in ALLOWED or name.startswith("race.core"), (
                f"{path.name}:{node.lineno} imports {name}; race/core must stay pure"
            )


def test_guard_sees_every_core_module() -> None:
    names = {p.name for p in core_modules()}
    assert {"scorer.py", "keys.py", "snippet.py", "figures.py"} <= names

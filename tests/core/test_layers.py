"""Guard: imports point one way. ``race.realtime`` and ``race.web`` never import each
other (both take identity from ``race.identity``), and ``race.identity`` imports neither."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

RACE = Path(__file__).resolve().parents[2] / "race"

#: Package -> packages none of its modules may import.
FORBIDDEN = {
    "realtime": ("race.web",),
    "web": ("race.realtime",),
    "identity": ("race.web", "race.realtime"),
}


def imported(path: Path) -> list[tuple[int, str]]:
    """Return every module a file imports (relative imports resolved), with its line."""
    package = ".".join(("race", *path.relative_to(RACE).parent.parts))
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parent = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{parent}.{base}" if base else parent
            # ``from race import web`` imports race.web too
            found += [(node.lineno, f"{base}.{alias.name}") for alias in node.names]
            found.append((node.lineno, base))
    return found


def modules(package: str) -> list[Path]:
    """Return every Python file of one of race's packages."""
    return sorted((RACE / package).rglob("*.py"))


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_a_layer_does_not_import_its_neighbour(package: str) -> None:
    assert modules(package), f"race/{package} has no modules"
    for path in modules(package):
        for line, name in imported(path):
            for banned in FORBIDDEN[package]:
                assert not (name == banned or name.startswith(banned + ".")), (
                    f"{path.relative_to(RACE)}:{line} imports {name}"
                )


def test_the_guard_sees_an_import_written_either_way(tmp_path: Path) -> None:
    sample = RACE / "web" / "_probe_for_the_guard.py"
    try:
        sample.write_text("from race import realtime\nfrom ..realtime import engine\n")
        names = [name for _, name in imported(sample)]
    finally:
        sample.unlink()
    assert "race.realtime" in names and "race.realtime.engine" in names

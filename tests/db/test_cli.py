"""The ``race db`` commands."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import func
from sqlalchemy import select
from sqlalchemy.orm import Session

from race.cli import main
from race.corpus import builtin
from race.db.engine import make_engine
from race.db.migrate import head
from race.db.models import Best
from race.db.models import Snippet
from race.db.write import save_race
from tests.db.records import pid
from tests.db.records import record
from tests.db.records import standing


def test_upgrade_current_and_rebuild(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'sub' / 'results.db'}"
    runner = CliRunner()
    behind = runner.invoke(main, ["db", "current", "--url", url])
    assert behind.exit_code == 1 and "race db upgrade" in behind.output
    done = runner.invoke(main, ["db", "upgrade", "--url", url])
    assert done.exit_code == 0, done.output
    assert f"empty -> {head()}; {len(builtin())} new snippet versions" in done.output
    again = runner.invoke(main, ["db", "upgrade", "--url", url])
    assert f"already at {head()}; 0 new snippet versions" in again.output
    assert runner.invoke(main, ["db", "current", "--url", url]).exit_code == 0
    engine = make_engine(url)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Snippet)) == len(builtin())
        save_race(session, record("AAAAAAAAAAAAAAAAAAAAA1", [standing(pid(1))]))
        session.commit()
        rows = session.scalar(select(func.count()).select_from(Best))
    rebuilt = runner.invoke(main, ["db", "rebuild-bests", "--url", url])
    assert rebuilt.exit_code == 0 and f"{rows} bests rebuilt" in rebuilt.output
    engine.dispose()

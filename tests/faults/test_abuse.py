"""An abuser at the most the rate limits allow cannot make a round large or stall a worker."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from sqlalchemy import Engine
from sqlalchemy import text

from race.core.bounds import MAX_LOG_BYTES
from race.core.bounds import key_budget
from race.core.course import Course
from race.core.snippet import custom_snippet
from race.store.client import connect
from tests.faults import abuse
from tests.faults.conftest import worker_db_url
from tests.scale.cluster import Cluster
from tests.services import REDIS_URL

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_an_abuser_at_the_rate_limit_stays_in_its_bounds_and_others_keep_racing(
    workers: Callable[..., Cluster], results_db: tuple[str, Engine]
) -> None:
    schema, engine = results_db
    cluster = workers(1, worker_db_url(schema))
    proc = cluster.procs[0]
    assert proc is not None
    store = connect(REDIS_URL)
    fig = abuse.run(cluster.urls[0], proc.pid, store, cluster.prefix, limit_s=15)
    store.close()
    snippet = custom_snippet(abuse.ABUSED_CODE)
    budget = key_budget(Course(snippet.text, indent_unit=snippet.indent_unit).typeable)
    assert fig.completed, "the abused race ended with the abuser in its standings"
    assert 0 < fig.log_keys <= budget and fig.log_bytes <= MAX_LOG_BYTES
    assert fig.refused.get("key_limit", 0) > 10 * fig.accepted  # refused for the rest
    assert set(fig.refused) == {"key_limit"}
    # The other room was ticked all along: at least 4 ticks a second of the race (of 5).
    assert len(fig.tick_gaps) >= 4 * 15
    # The worker's memory grew by less than the uncapped log alone used to take (~60 MB).
    assert fig.rss_kib[1] - fig.rss_kib[0] < 40 * 1024
    # Its result is stored once, like anyone's (the outbox drains within seconds).
    deadline = time.monotonic() + 20
    rows = 0
    while rows == 0 and time.monotonic() < deadline:
        time.sleep(0.2)
        with engine.connect() as db:
            rows = db.execute(text("select count(*) from results")).scalar_one()
    assert rows == 1

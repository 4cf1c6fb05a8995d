"""Study groups at scale, against a real PostgreSQL: the board, a big sync, an empty sync.

The group: 1,000 members on the packaged catalogue with a year of events each
(500 per member: about 500,000 events). 999 members' rows and events are loaded
on the server in SQL (untimed; they are data, so their roles need not exist);
the measured member is a real role that joins with dltrack, and whose first sync
pulls the whole group (timed once, reported on its own line).

Timed, in fresh processes of the `dltrack` script beside this Python (medians of
--runs, rounds interleaved so that background load hits every case alike):

* `dltrack group board` (the 1,000 members, the first track);
* `dltrack group sync` pushing 10,000 new own events (made untimed before each
  run with dltrack's own recorder, as `done` would);
* `dltrack group sync` pulling 10,000 new events of others (inserted on the
  server before each run: 20 members x 500, a class catching up after a week);
* `dltrack group sync` with nothing new;
* peers, for ratios: `python -c "import typer, rich.console"` (the CLI's floor),
  the same plus `import sqlalchemy, psycopg` and one connection with one query
  (the floor of a command that talks to the group's server through SQLAlchemy),
  and the same without sqlalchemy (the floor of an empty sync, which asks its
  question over the bare driver);
* `dltrack done 1` with --auto off and on (the background sync it starts is left
  two seconds to finish before the next run);
* and, in this process with everything imported, an empty sync and the board's
  data: what dltrack and the server do, without the interpreter's start-up and
  the libraries' imports.

The server is a throw-away cluster started like the tests' (tests/pgserver.py:
initdb in a temporary directory, a loopback port, an unprivileged user; fsync
off), or the one named by DLTRACK_TEST_PG.

    python bench/group.py            # 9 runs per case
    python bench/group.py --runs 5

Exit status: 0 when every run succeeded (a missed target is a finding), 1 when
a command failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from commands import DLTRACK, PYTHON, REAL_SEED, base_env, failure, run_once

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from pgserver import Cluster, from_environment, started

MEMBERS = 1_000
# The study group's targets, by case: milliseconds.
TARGETS = {
    "dltrack group board": 1_000.0,
    "dltrack group sync, nothing new": 200.0,
    "dltrack group sync, push 10,000 own events": 2_000.0,
    "dltrack group sync, pull 10,000 others' events": 2_000.0,
}
EVENTS_EACH = 500


def _item_ids() -> list[int]:
    seed = json.loads(REAL_SEED.read_text(encoding="utf-8"))
    return sorted({i["id"] for t in seed["tracks"] for s in t["stages"] for i in s["items"]})


def _load_group(admin, items: list[int], first: int, count: int, each: int, tag: str) -> None:  # type: ignore[no-untyped-def]
    """Members first..first+count-1, each with `each` events over a year, in SQL."""
    admin.execute(
        "INSERT INTO dltrack.member (role, name, joined_at) "
        "SELECT 'bench_m' || m, '成员' || m, now() FROM generate_series(%s::int, %s::int) m "
        "ON CONFLICT (role) DO NOTHING",
        (first, first + count - 1),
    )
    # Mostly finishes, some starts, skips and resets, one event a day or so.
    admin.execute(
        """
        INSERT INTO dltrack.event (member, id, lamport, device, command, command_name,
            item_id, action, at, day, recorded_at)
        SELECT 'bench_m' || m, md5(%(tag)s || m || '-' || k), k, 'bench', md5('c' || m || k),
            'done', (%(items)s::bigint[])[1 + (m * 7 + k * 13) %% cardinality(%(items)s::bigint[])],
            CASE WHEN k %% 11 = 0 THEN 'reset' WHEN k %% 7 = 0 THEN 'started'
                 WHEN k %% 13 = 0 THEN 'skipped' ELSE 'done' END,
            to_char(d, 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"'), to_char(d, 'YYYY-MM-DD'),
            to_char(d, 'YYYY-MM-DD"T"HH24:MI:SS"+00:00"')
        FROM generate_series(%(first)s::int, %(last)s::int) m,
            generate_series(1, %(each)s::int) k,
            LATERAL (SELECT now() - make_interval(
                days => ((%(each)s::int - k) * 365 / %(each)s::int)::int,
                hours => m %% 24)) t(d)
        """,
        {"tag": tag, "items": items, "first": first, "last": first + count - 1, "each": each},
    )


def _own_events(db: Path, n: int, items: list[int]) -> None:
    """n new events of one's own, recorded by dltrack's recorder (untimed)."""
    from dltrack.learner.days import when
    from dltrack.learner.history import Action, NewEvent, Recorder
    from dltrack.store.db import connect

    store = connect(db)
    try:
        with store.write():
            Recorder(store, "done", when()).record(
                [NewEvent(items[k % len(items)], Action.DONE) for k in range(n)]
            )
    finally:
        store.close()


def _marking(env: dict[str, str], db: Path, runs: int) -> dict[str, list[float]]:
    """`done 1` timed with the background sync off and on, interleaved."""

    def auto(on: bool) -> None:
        with sqlite3.connect(db) as conn:
            conn.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES ('group_auto', ?)",
                ("1" if on else "0",),
            )

    found: dict[str, list[float]] = {"without --auto": [], "with --auto": []}
    for number in range(runs + 1):
        for label, on in (("without --auto", False), ("with --auto", True)):
            auto(on)
            elapsed, done = run_once([DLTRACK, "done", "1"], env)
            if done.returncode != 0:
                raise SystemExit(f"done 1: {failure(done)}")
            auto(False)
            run_once([DLTRACK, "reset", "1"], env)
            if number:
                found[label].append(elapsed)
            # Let the background sync finish: the next run should not share the CPU with it.
            time.sleep(2.0 if on else 0.2)
    return found


def _in_process(db: Path, password: str, runs: int) -> dict[str, list[float]]:
    """Empty syncs and boards timed inside this process: dltrack's own work and the server's."""
    from datetime import date

    from dltrack.group.board import board
    from dltrack.group.exchange import sync
    from dltrack.session import session

    os.environ["PGPASSWORD"] = password
    found: dict[str, list[float]] = {"group sync, nothing new": [], "group board (data only)": []}
    with session(db, REAL_SEED) as store:
        sync(store)  # warm
        for _ in range(runs):
            start = time.perf_counter()
            sync(store)
            found["group sync, nothing new"].append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            board(store, None, date.today())
            found["group board (data only)"].append((time.perf_counter() - start) * 1000)
    return found


def _median(times: list[float]) -> float:
    return statistics.median(times) if times else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args(argv)
    given = from_environment()
    if given is not None:
        return _bench(given, args.runs)
    with started() as cluster:
        return _bench(cluster, args.runs)


def _bench(cluster: Cluster, runs: int) -> int:
    tmp = Path(tempfile.mkdtemp(prefix="dltrack-bench-group-"))
    try:
        return _measure(cluster, runs, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _measure(cluster: Cluster, runs: int, tmp: Path) -> int:
    import psycopg
    from psycopg import sql

    items = _item_ids()
    password = "bench-" + os.urandom(6).hex()
    role, owner, dbname = "bench_me", "bench_owner", "bench_group"
    with psycopg.connect(
        cluster.dsn("postgres"), password=cluster.password, autocommit=True
    ) as admin:
        drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
        admin.execute(drop.format(sql.Identifier(dbname)))
        for r in (role, owner):
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(r)))
            admin.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(r), sql.Literal(password)
                )
            )
        create = sql.SQL("CREATE DATABASE {} OWNER {}")
        admin.execute(create.format(sql.Identifier(dbname), sql.Identifier(owner)))
        version = str(admin.execute("SHOW server_version").fetchone()[0])  # type: ignore[index]
    env = base_env(tmp / "pycache")
    env.update(PGPASSWORD=password, DLTRACK_SEED=str(REAL_SEED))
    owner_env = {**env, "DLTRACK_DB": str(tmp / "owner.db")}
    me_env = {**env, "DLTRACK_DB": str(tmp / "me.db")}

    def dltrack(e: dict[str, str], *words: str) -> float:
        elapsed, done = run_once([DLTRACK, *words], e)
        if done.returncode != 0:
            raise SystemExit(f"dltrack {' '.join(words)}: {failure(done)}")
        return elapsed

    dltrack(owner_env, "group", "init", cluster.dsn(dbname, owner), "--as", "老师")
    dltrack(owner_env, "group", "admit", role)
    dltrack(me_env, "group", "join", cluster.dsn(dbname, role), "--as", "我")
    with psycopg.connect(cluster.dsn(dbname), password=cluster.password, autocommit=True) as admin:
        _load_group(admin, items, 1, MEMBERS - 1, EVENTS_EACH, "y")
        total = admin.execute("SELECT COUNT(*) FROM dltrack.event").fetchone()[0]  # type: ignore[index]
        admin.execute("VACUUM ANALYZE dltrack.event")
    print(f"PostgreSQL {version}; {MEMBERS} members, {total:,} events on the server")
    first = dltrack(me_env, "group", "sync")
    print(f"first sync of the member (pulls the whole group): {first / 1000:.2f} s")

    floor_ui = [PYTHON, "-c", "import typer, rich.console"]
    connect_code = (
        "import typer, rich.console, sqlalchemy, psycopg, sys; "
        "psycopg.connect(sys.argv[1]).execute('SELECT 1')"
    )
    floor_pg = [PYTHON, "-c", connect_code, cluster.dsn(dbname, role)]
    # The floor of an empty sync, which asks over the bare driver.
    driver_code = connect_code.replace(" sqlalchemy,", "")
    floor_driver = [PYTHON, "-c", driver_code, cluster.dsn(dbname, role)]
    pull_round = [0]

    def before_push() -> None:
        _own_events(tmp / "me.db", 10_000, items)

    def before_pull() -> None:
        pull_round[0] += 1
        start = MEMBERS + 20 * pull_round[0]
        with psycopg.connect(
            cluster.dsn(dbname), password=cluster.password, autocommit=True
        ) as admin:
            _load_group(admin, items, start, 20, 500, f"r{pull_round[0]}")

    cases: list[tuple[str, list[str], Callable[[], None] | None]] = [
        ("python -c 'import typer, rich.console' (floor)", floor_ui, None),
        ("the same + sqlalchemy, psycopg, connect, SELECT 1", floor_pg, None),
        ("the same without sqlalchemy", floor_driver, None),
        ("dltrack group board", [DLTRACK, "group", "board"], None),
        ("dltrack group sync, nothing new", [DLTRACK, "group", "sync"], None),
        ("dltrack group sync, push 10,000 own events", [DLTRACK, "group", "sync"], before_push),
        ("dltrack group sync, pull 10,000 others' events", [DLTRACK, "group", "sync"], before_pull),
    ]
    times: dict[str, list[float]] = {label: [] for label, _, _ in cases}
    for number in range(runs + 1):  # the first round warms caches and is not kept
        for label, command, setup in cases:
            if setup is not None:
                setup()
            e = me_env if command[0] == DLTRACK else env
            elapsed, done = run_once(command, e)
            if done.returncode != 0:
                print(f"{label}: {failure(done)}")
                return 1
            if number:
                times[label].append(elapsed)
    with sqlite3.connect(tmp / "me.db") as conn:
        pulled = conn.execute("SELECT COUNT(*) FROM group_event").fetchone()[0]
    print(f"the member's machine holds {pulled:,} events of the others")
    floor = _median(times[cases[0][0]])
    pg_floor = _median(times[cases[1][0]])
    print(f"\n| case (medians of {runs} fresh runs) | median | × CLI floor | × server floor |")
    print("| --- | ---: | ---: | ---: |")
    for label, _, _ in cases:
        m = _median(times[label])
        print(f"| {label} | {m:.0f} ms | {m / floor:.2f} | {m / pg_floor:.2f} |")
    print("\ntargets:")
    for label, limit in TARGETS.items():
        m = _median(times[label])
        print(f"  {'PASS' if m < limit else 'MISS'}  {label}: {m:.0f} ms (< {limit:.0f} ms)")
    marking = _marking(me_env, tmp / "me.db", runs)
    print("\n`dltrack done ID` with and without --auto (each run then reset, untimed):")
    for label, values in marking.items():
        print(f"- {label}: {_median(values):.0f} ms")
    warm = _in_process(tmp / "me.db", password, runs)
    print("\nIn one process with the libraries loaded (the work itself, past the imports):")
    for label, values in warm.items():
        print(f"- {label}: {_median(values):.0f} ms")
    print(f"\n(taken {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

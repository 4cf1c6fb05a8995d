"""Hostile command lines and hostile surroundings: huge numbers, too many ids, output
that cannot be written, a reader that leaves, Ctrl-C and SIGTERM at any moment.

Each failure is one plain line on stderr with its documented exit code, and a failed
command changes nothing. What is about the process (signals, stdout, exit codes) runs
in real processes.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers import one_line
from linkserver import LinkServer

ROOT = Path(__file__).parents[1]
BIG = str(2**63)
HUGE = "9" * 5000


def progress_rows(db_path: Path) -> list[tuple]:
    if not db_path.exists():
        return []
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT item_id, status FROM progress ORDER BY item_id").fetchall()


def dltrack(
    *args: str, env: dict[str, str] | None = None, **kwargs: object
) -> subprocess.CompletedProcess[bytes]:
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE} | kwargs
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [sys.executable, "-m", "dltrack", *args],
        env=env or dict(os.environ),
        timeout=120,
        **streams,
    )


# ---------------------------------------------------------------- 10: huge numbers


@pytest.mark.parametrize(
    "args",
    [
        ("done", BIG),
        ("done", HUGE),
        ("start", f"1-{BIG}"),
        ("skip", f"{HUGE}-{HUGE}"),
        ("undo", f"3,{BIG}"),
        ("done", str(2**53)),
        ("show", BIG),
        ("show", HUGE),
        ("open", BIG),
        ("check-links", "--id", BIG),
        ("check-links", "--id", HUGE),
        ("next", "--track", BIG),
        ("next", "--track", HUGE),
        ("list", "--stage", BIG),
        ("list", "--track", "1", "--stage", HUGE),
        ("stages", "--track", HUGE),
        ("progress", "--track", BIG),
        ("search", "--track", BIG, "卷积"),
        ("use", HUGE),
        ("check-links", "--track", BIG),
        ("check-links", "--stage", HUGE),
    ],
)
def test_huge_numbers_are_one_line_and_exit_1(run, db_path: Path, args: tuple[str, ...]) -> None:
    run("next")
    result = run(*args)
    # check-links keeps exit 1 for dead links: a selection it cannot make is usage (2).
    assert result.code == (2 if args[0] == "check-links" else 1), result
    line = one_line(result.err)
    assert len(line) < 400  # a 5,000-digit number is not echoed whole
    assert progress_rows(db_path) == []


def test_the_largest_id_is_just_unknown(run) -> None:
    result = run("done", str(2**53 - 1))
    assert result.code == 1
    assert one_line(result.err) == f"dltrack: no item with id {2**53 - 1}\n"
    too_big = run("done", str(2**53))
    assert "ids are below 2^53" in one_line(too_big.err)


@pytest.mark.parametrize("name", ["0", "3", "100000000000000000000", "²", "１"])
def test_track_and_stage_numbers_beyond_the_count_are_no_track(run, name: str) -> None:
    result = run("next", "--track", name)
    assert result.code == 1
    assert one_line(result.err).startswith(f"dltrack: no track {name!r}; tracks are:")
    result = run("list", "--track", "basics", "--stage", name)
    assert result.code == 1
    assert one_line(result.err).startswith(f"dltrack: no stage {name!r} in track basics")


def test_numbers_within_the_count_still_name_a_track_and_stage(run) -> None:
    listed = json.loads(run("list", "--track", "2", "--stage", "2", "--json").out)
    assert (listed["track"]["slug"], listed["stage"]) == ("cv-path", "step-02")


# ---------------------------------------------------------------- 15: too many ids


def test_too_many_ids_are_a_user_error(run, db_path: Path) -> None:
    run("next")
    ids = [str(n) for n in range(1, 40_001)]  # more than SQLite takes in one query
    result = run("done", *ids)
    assert result.code == 1, result.err
    assert one_line(result.err) == "dltrack: too many ids: at most 10000 at once\n"
    # Ranges add up too: each is short enough, together they are not.
    result = run("done", "1-10000", "20001-20002")
    assert result.code == 1
    assert "too many ids" in one_line(result.err)
    assert progress_rows(db_path) == []


def test_ten_thousand_ids_are_still_taken(run) -> None:
    result = run("done", "1-5", *(str(n) for n in range(6, 10_001)))
    assert result.code == 1
    assert one_line(result.err) == "dltrack: no item with id 7 (and 9993 more)\n"


# ---------------------------------------------------------------- 11: output write errors


@pytest.fixture
def real_env(tmp_path: Path) -> dict[str, str]:
    """A process environment with the real catalogue (long listings) and a fresh database."""
    env = dict(os.environ, DLTRACK_SEED=str(ROOT / "data" / "seed.json"))
    env.pop("PYTHONUNBUFFERED", None)  # block-buffered, as in a shell pipe
    return env


@pytest.mark.parametrize(
    "args", [("list",), ("next", "--json"), ("done", "1"), ("export",), ("--help",)]
)
def test_a_full_disk_on_stdout_is_one_line_and_exit_3(
    real_env: dict[str, str], args: tuple[str, ...]
) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full here")
    with open("/dev/full", "w") as full:
        done = dltrack(*args, env=real_env, stdout=full, stderr=subprocess.PIPE)
    assert done.returncode == 3, done.stderr
    assert done.stderr == b"dltrack: cannot write the output: No space left on device\n"


def test_a_closed_stdout_is_refused_before_anything_is_done(
    real_env: dict[str, str], db_path: Path
) -> None:
    dltrack("next", env=real_env)
    before = progress_rows(db_path)
    # `dltrack done 1 >&-`: fd 1 is closed in the child before dltrack starts.
    done = subprocess.run(
        ["sh", "-c", 'exec "$0" -m dltrack done 1 >&-', sys.executable],
        capture_output=False,
        stderr=subprocess.PIPE,
        env=real_env,
        timeout=120,
    )
    assert done.returncode == 3
    assert done.stderr == b"dltrack: standard output is closed; nothing was done\n"
    assert progress_rows(db_path) == before


def _reader_leaves(env: dict[str, str], args: tuple[str, ...], read: int) -> tuple[int, bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "dltrack", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert proc.stdout is not None and proc.stderr is not None
    if read:
        assert proc.stdout.read(read)
    proc.stdout.close()  # as `head` does once it has its line
    err = proc.stderr.read()
    return proc.wait(timeout=120), err


@pytest.mark.parametrize("read", [0, 1, 5000])
@pytest.mark.parametrize(
    "args",
    [
        # Far longer than a pipe holds (64 KiB): the writer is still writing when the reader goes.
        ("list", "--track", "jiqizhixin-2016"),
        ("list", "--track", "jiqizhixin-2016", "--json"),
        ("search", "学习"),
    ],
)
def test_a_reader_that_leaves_is_exit_0_and_silent(
    real_env: dict[str, str], args: tuple[str, ...], read: int
) -> None:
    dltrack("next", env=real_env)
    code, err = _reader_leaves(real_env, args, read)
    assert (code, err) == (0, b"")


def test_a_reader_that_leaves_an_export_is_exit_0(real_env: dict[str, str], tmp_path: Path) -> None:
    # Enough progress for an export much larger than a pipe buffer (241 is retired).
    marked = dltrack("done", "1-240", "242-401", "--note", "读过" * 100, env=real_env)
    assert marked.returncode == 0, marked.stderr
    code, err = _reader_leaves(real_env, ("export",), 100)
    assert (code, err) == (0, b"")


def test_the_whole_pipe_still_gets_everything(real_env: dict[str, str]) -> None:
    dltrack("next", env=real_env)
    done = dltrack("list", "--track", "jiqizhixin-2016", "--json", env=real_env)
    assert done.returncode == 0 and done.stderr == b""
    assert len(json.loads(done.stdout)["items"]) > 100


# ---------------------------------------------------------------- 17: Ctrl-C and SIGTERM


def test_ctrl_c_inside_a_command_says_interrupted(run, monkeypatch, db_path: Path) -> None:
    import dltrack.learner.items as items

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(items, "first_places", interrupted)
    result = run("done", "1")
    assert result.code == 130
    assert result.err == "dltrack: interrupted\n"
    assert progress_rows(db_path) == []


def _slow_catalogue(path: Path, items: int = 100_000) -> None:
    """A catalogue whose first sync takes seconds: something long to interrupt."""
    entries = [
        {"id": i, "title": f"文章 {i}", "url": f"https://example.org/{i}"}
        for i in range(1, items + 1)
    ]
    stages = [
        {"slug": f"s{n}", "title": f"阶段 {n}", "items": entries[n * 500 : (n + 1) * 500]}
        for n in range(items // 500)
    ]
    catalogue = {
        "schema": 1,
        "last_id": items,
        "tracks": [{"slug": "big", "title": "大", "stages": stages}],
    }
    path.write_text(json.dumps(catalogue, ensure_ascii=False), encoding="utf-8")


def _catches(pid: int, signum: int) -> bool:
    """True once the process has a handler for signum (Linux: SigCgt in /proc)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
    return bool(int(caught.split()[1], 16) & (1 << (signum - 1)))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("after", [0.0, 0.05, 0.3, 0.6])
def test_a_signal_at_any_moment_is_one_line_and_exit_130(
    tmp_path: Path, signum: int, after: float
) -> None:
    """From the moment dltrack's own code runs (the start-up guard catches SIGTERM) on:
    during the imports of typer and rich, during the catalogue sync, during the command."""
    catalogue = tmp_path / "slow.json"
    _slow_catalogue(catalogue)
    db = tmp_path / "interrupted.db"
    env = dict(os.environ, DLTRACK_DB=str(db), DLTRACK_SEED=str(catalogue))
    proc = subprocess.Popen(
        [sys.executable, "-m", "dltrack", "next"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    deadline = time.monotonic() + 60
    while not _catches(proc.pid, signal.SIGTERM):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the start-up guard never went up"
        time.sleep(0.001)
    time.sleep(after)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert err == b"dltrack: interrupted\n"
    assert out == b""
    if db.exists():
        with sqlite3.connect(db) as conn:
            # The sync is one transaction: interrupted, none of it is there.
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if "item" in tables:
                assert conn.execute("SELECT COUNT(*) FROM item").fetchone() == (0,)


def test_sigterm_stops_check_links_and_keeps_what_it_checked(
    linkserver: LinkServer, catalogue_path: Path, tmp_path: Path
) -> None:
    items = [{"id": 1, "title": "甲", "url": linkserver.url("/ok?id=t1")}]
    items += [
        {"id": n, "title": f"慢 {n}", "url": linkserver.url(f"/slow?secs=30&id=t{n}")}
        for n in range(2, 6)
    ]
    catalogue_path.write_text(
        json.dumps(
            {
                "schema": 1,
                "tracks": [
                    {
                        "slug": "links",
                        "title": "链接",
                        "stages": [{"slug": "a", "title": "甲", "items": items}],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    db = tmp_path / "terminated.db"
    env = dict(os.environ, DLTRACK_DB=str(db), DLTRACK_SEED=str(catalogue_path))
    proc = subprocess.Popen(
        [sys.executable, "-m", "dltrack", "check-links", "--timeout", "60"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    deadline = time.monotonic() + 60
    while sum(linkserver.hits[f"/slow?secs=30&id=t{n}"] for n in range(2, 6)) < 4:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the slow links were never requested"
        time.sleep(0.05)
    time.sleep(0.3)  # the fast link's verdict is recorded
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Interrupted after 1 link" in out
    assert err.endswith("dltrack: interrupted\n") and "Traceback" not in err
    with sqlite3.connect(db) as conn:
        kept = conn.execute("SELECT item_id, verdict FROM link_check").fetchall()
    assert kept == [(1, "ok")]


# ---------------------------------------------------------------- 19: notes


def test_a_note_over_64_kib_is_a_usage_error(run, db_path: Path) -> None:
    run("next")
    result = run("done", "1", "--note", "字" * 21846)  # 65,538 bytes of UTF-8
    assert result.code == 2
    assert "the note is longer than 64 KiB" in one_line(result.err)
    assert progress_rows(db_path) == []
    assert run("done", "1", "--note", "x" * 65536).code == 0


def test_show_gives_the_head_of_an_older_longer_note(run, db_path: Path) -> None:
    run("next")
    long_note = "开头" + "字" * 100_000 + "结尾"  # 300,012 bytes
    with sqlite3.connect(db_path) as conn:
        # As the upgrade to the event log turns an older database's notes into events.
        for n, (text, at) in enumerate(
            [(long_note, "2024-01-01T00:00:00+00:00"), ("短", "2024-01-02T00:00:00+00:00")]
        ):
            conn.execute(
                "INSERT INTO event (id, lamport, device, command, command_name, catalogue, "
                "item_id, action, at, day, recorded_at, text) VALUES "
                "(?, ?, 'old', 'upgrade', 'upgrade', ?, 1, 'note_added', ?, ?, ?, ?)",
                (f"e{n}", n + 1, "test-catalogue", at, at[:10], at, text),
            )
        conn.execute("DELETE FROM meta WHERE key IN ('seed_sha256', 'seed_stamp')")
    data = json.loads(run("show", "1", "--json").out)
    first, second = data["notes"]
    assert first["truncated"] is True
    shown = len(first["text"].encode())
    assert 65536 - 3 < shown <= 65536 and first["text"].startswith("开头")
    assert first["omitted_bytes"] == len(long_note.encode()) - shown
    assert second == {
        "text": "短",
        "created_at": "2024-01-02T00:00:00+00:00",
        "omitted_bytes": 0,
        "truncated": False,
    }
    screen = run("show", "1").out
    assert f"{first['omitted_bytes']:,} more bytes" in screen
    assert "结尾" not in screen
    # export keeps the whole note.
    exported = [json.loads(line) for line in run("export").out.splitlines()]
    assert long_note in [e.get("text") for e in exported]


# ---------------------------------------------------------------- 21: all-digit slugs


def test_an_all_digit_slug_is_refused_by_the_schema(
    run, catalogue_path: Path, db_path: Path
) -> None:
    run("done", "1")
    before = progress_rows(db_path)
    data = json.loads(catalogue_path.read_text())
    data["tracks"][1]["slug"] = "2024"
    catalogue_path.write_text(json.dumps(data, ensure_ascii=False))
    result = run("next")
    assert result.code == 3
    assert one_line(result.err) == (
        f"dltrack: {catalogue_path}: tracks[1].slug: a slug cannot be only digits "
        "(a number names a position): '2024'; add a letter or a word, like 'y2024'\n"
    )
    data["tracks"][1]["slug"] = "cv-path"
    data["tracks"][1]["stages"][0]["slug"] = "01"
    catalogue_path.write_text(json.dumps(data, ensure_ascii=False))
    result = run("next")
    assert result.code == 3
    assert "tracks[1].stages[0].slug: a slug cannot be only digits" in one_line(result.err)
    assert progress_rows(db_path) == before


def test_import_refuses_an_all_digit_track_slug(run, tmp_path: Path, catalogue_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("# 2024\n\n- [文章](https://example.org/new)\n", encoding="utf-8")
    before = catalogue_path.read_bytes()
    result = run("import", str(page), "--track", "2024", "--catalogue", str(catalogue_path))
    assert result.code == 2
    assert "cannot be only digits" in one_line(result.err)
    # A heading "2024" becomes a numbered stage, never a stage slug "2024".
    result = run("import", str(page), "--track", "y2024", "--catalogue", str(catalogue_path))
    assert result.code == 0, result.err
    track = json.loads(catalogue_path.read_text())["tracks"][-1]
    assert [s["slug"] for s in track["stages"]] == ["stage-01"]
    assert before != catalogue_path.read_bytes()


def test_a_failure_after_marking_undoes_the_marking(run, monkeypatch, db_path: Path) -> None:
    """The answer of `done` (the stages' new progress) is part of its transaction."""
    import dltrack.learner.marking as marking
    from dltrack.errors import UserError

    run("next")

    def broken(*args: object) -> None:
        raise UserError("the stages cannot be read")

    monkeypatch.setattr(marking, "stage_summaries", broken)
    result = run("done", "1", "--note", "读完")
    assert result.code == 1
    assert progress_rows(db_path) == []
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM note").fetchone() == (0,)

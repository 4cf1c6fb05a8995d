"""The learner's record at scale: everyday commands on 100,000 events from three devices.

What it measures: the wall time of a FRESH process (one subprocess per run, no
shell), timed the way bench/commands.py times it, for

* `dltrack next`, `done ID`, `list` and `progress` on a database with an empty
  history and on one holding 100,000 events ("years of reading on three
  devices"), and `dltrack log` on the latter;
* `dltrack sync DIR` of the three devices' event files (100,000 events) into a
  fresh copy of the empty-history database on every run: the cost of a new
  machine catching up;
* the same everyday commands on the code of the release before the event log
  (git revision 7e096ae, taken out with `git archive` into the temporary
  directory) and on today's code, both run as `python -m dltrack` with
  PYTHONPATH pointing at their `src/`, so that neither pays for an entry point
  the other does not.

The history is generated, seeded (the same events on every run) and written in
the event-file format `dltrack sync` reads, against a snapshot of the packaged
catalogue (data/seed.json): one learner working along the catalogue for three
years, on a phone in the morning, a desktop in the afternoon and a laptop at
night, starting, finishing, skipping and resetting items, writing notes, now and
then backdating a finish or undoing a slip, each device syncing through the shared
folder now and then (so Lamport clocks interleave as they do in real use). Before
anything is timed, dltrack itself reads the files: a sync into a new database must
report every event as new.

`done ID` is followed by an untimed reset of the same item, so every timed run has
a change to record and the history does not drift. The peers (`python -c pass` and
`python -c "import typer, rich.console"`) give the floors; rounds are interleaved.

Run it from the dev virtualenv (it uses the `dltrack` script next to the Python
running it, and git for the older code):

    python bench/record.py             # 15 timed runs per case
    python bench/record.py --quick     # 5 runs, for a smoke test
    python bench/record.py --runs 40   # steadier medians

Everything (event files, databases, the older code, bytecode) goes in a temporary
directory, removed afterwards; DLTRACK_DB and DLTRACK_SEED are set for every
process, so the caller's own database and catalogue are never touched.

Exit status: 0 when every run succeeded (a missed target is a finding, not a
crash), 1 when a command failed or dltrack did not read the generated history.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

# The runner, peers, report and table of the start-up benchmark (this directory is
# on sys.path when a script in it runs).
from commands import (
    DEFAULT_RUNS,
    DLTRACK,
    PYTHON,
    PYTHON_FLOOR,
    QUICK_RUNS,
    UI_FLOOR,
    Case,
    base_env,
    busy_note,
    dltrack_cases,
    dltrack_env,
    failure,
    first_track_ids,
    machine,
    p90,
    peer_median,
    run_once,
    table,
)

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "data" / "seed.json"
BEFORE = "7e096ae"  # the last release whose record was a table of states, not a log
EVENTS = 100_000
YEARS = 3

# Targets: the ratio a command may reach against its reference.
NEAR = 1.10  # next/done/list against the code before, and against the typer+rich floor
PROGRESS_RATIO = 1.5  # progress on 100,000 events against progress before
SYNC_LIMIT_MS = 2000.0
# "Not measurably slower": the difference of medians stays within the noise of
# fresh-process timings, here the larger of these.
NOISE_MS = 3.0
NOISE_FRACTION = 0.05

# ---------------------------------------------------------------- generated history

# The catalogue is a Chinese reading list: the learner's day is a day in UTC+8.
LOCAL = timedelta(hours=8)
# (device, the local hours its sessions start in, chance of a session on a given day).
_HABITS = [
    ("phone", (7, 9), 0.55),
    ("desktop", (13, 17), 0.55),
    ("laptop", (20, 22), 0.55),
]
_NOTE_FORMS = [
    "{zh}这一节的推导没看懂，回头再看",
    "和 {en} 那篇对照着读，思路一样",
    "重点：{zh}的直观解释，适合复习",
    "代码跑通了（{en}），笔记见本子第{n}页",
    "{en}: revisit the section on {zh}",
    "作者的结论有待商榷，{zh}部分写得好",
    "第{n}遍读，终于理解{zh}",
]
_ZH = ["反向传播", "注意力机制", "卷积", "梯度消失", "正则化", "位置编码", "损失函数", "优化器"]
_EN = ["Transformer", "ResNet", "BERT", "Adam", "BatchNorm", "LSTM", "word2vec", "GAN"]


def _hex(rng: random.Random, digits: int) -> str:
    return f"{rng.getrandbits(4 * digits):0{digits}x}"


def _stamp(moment: datetime) -> str:
    """A UTC time as event files carry it: YYYY-MM-DDTHH:MM:SS+00:00."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _local_day(moment: datetime) -> str:
    return (moment.astimezone(UTC) + LOCAL).date().isoformat()


def catalogue_items(seed: dict[str, object]) -> dict[int, tuple[str | None, str]]:
    """Every item once, in catalogue order: id -> (url, title)."""
    items: dict[int, tuple[str | None, str]] = {}
    for track in seed.get("tracks") or []:  # type: ignore[union-attr]
        for stage in track["stages"]:
            for item in stage.get("items", []):
                items.setdefault(item["id"], (item.get("url"), item["title"]))
    return items


@dataclass
class Device:
    """One of the learner's machines, with its Lamport clock and the events it wrote."""

    name: str
    id: str
    hours: tuple[int, int]
    chance: float
    clock: int = 0
    published: int = 0  # its clock when it last wrote its file to the shared folder
    events: list[dict[str, object]] = field(default_factory=list)
    # The last command made here that an undo could take back: (id, item -> status before).
    last: tuple[str, dict[int, str]] | None = None


class Learner:
    """Three years of one learner's commands, along the catalogue and round it again."""

    def __init__(
        self, rng: random.Random, catalogue: str, items: dict[int, tuple[str | None, str]]
    ):
        self.rng = rng
        self.catalogue = catalogue
        self.items = items
        self.order = list(items)
        self.status = dict.fromkeys(self.order, "unread")
        self.reading: list[int] = []
        self.cursor = 0

    def _event(
        self,
        device: Device,
        command: str,
        name: str,
        item: int,
        action: str,
        moment: datetime,
        *,
        on: date | None = None,
        text: str | None = None,
        target: str | None = None,
    ) -> dict[str, object]:
        device.clock += 1
        url, title = (None, None) if action == "undone" else self.items[item]
        at, day = _stamp(moment), _local_day(moment)
        if on is not None:
            # `--date`: noon of that local day, as dltrack places a backdated change.
            noon = datetime.combine(on, time(12), tzinfo=UTC) - LOCAL
            at, day = _stamp(noon), on.isoformat()
        # The keys in the order dltrack writes them (eventfile.event_line).
        return {
            "id": _hex(self.rng, 16),
            "lamport": device.clock,
            "device": device.id,
            "command": command,
            "command_name": name,
            "catalogue": self.catalogue,
            "action": action,
            "at": at,
            "day": day,
            "recorded_at": _stamp(moment),
            "url": url,
            "title": title,
            "text": text,
            "target": target,
            "item": item,
        }

    def _note(self) -> str:
        form = self.rng.choice(_NOTE_FORMS)
        return form.format(
            zh=self.rng.choice(_ZH), en=self.rng.choice(_EN), n=self.rng.randint(1, 9)
        )

    def _ahead(self, count: int) -> list[int]:
        """The next items along the catalogue from the cursor, round it again at the end."""
        picked = []
        for _ in range(count):
            item = self.order[self.cursor]
            self.cursor = (self.cursor + 1) % len(self.order)
            if self.status[item] != "reading":
                picked.append(item)
        return picked

    def command(self, device: Device, moment: datetime, room: int) -> list[dict[str, object]]:
        """One command's events (at most room of them), and the learner's state after it."""
        rng = self.rng
        r = rng.random()
        if r < 0.004 and device.last is not None and len(device.last[1]) <= room:
            return self._undo(device, moment)
        if r < 0.08:
            # Back to unread: a stage to read again from scratch.
            start = rng.randrange(len(self.order))
            chosen = [
                i
                for i in self.order[start : start + rng.randint(1, 6)]
                if self.status[i] != "unread"
            ]
            return self._mark(device, moment, room, "reset", "reset", chosen)
        if self.reading and (r < 0.45 or len(self.reading) > 4):
            chosen = self.reading[: rng.randint(1, 2)]
            if rng.random() < 0.1:
                return self._mark(device, moment, room, "skip", "skipped", chosen)
            return self._mark(
                device, moment, room, "done", "done", chosen, note=rng.random() < 0.25
            )
        chosen = self._ahead(rng.randint(1, 3))
        if r < 0.70:  # a paper or a book: started first, finished another day
            return self._mark(
                device, moment, room, "start", "started", chosen, note=rng.random() < 0.1
            )
        if r < 0.75:
            return self._mark(device, moment, room, "skip", "skipped", chosen)
        return self._mark(device, moment, room, "done", "done", chosen, note=rng.random() < 0.2)

    def _mark(
        self,
        device: Device,
        moment: datetime,
        room: int,
        name: str,
        action: str,
        chosen: list[int],
        *,
        note: bool = False,
    ) -> list[dict[str, object]]:
        new = {"started": "reading", "done": "done", "skipped": "skipped", "reset": "unread"}[
            action
        ]
        # As dltrack records: an event only for an item whose status changes.
        changed = [i for i in dict.fromkeys(chosen) if self.status[i] != new][: max(1, room // 2)]
        text = self._note() if note else None
        if not changed or len(changed) * (2 if text else 1) > room:
            text = None
            changed = changed[:room]
        if not changed:
            return []
        command = _hex(self.rng, 16)
        # `done --date yesterday` now and then: finished on the train, marked the day after.
        on = None
        if action == "done" and self.rng.random() < 0.03:
            on = (moment.astimezone(UTC) + LOCAL).date() - timedelta(days=1)
        events = [self._event(device, command, name, i, action, moment, on=on) for i in changed]
        if text is not None:
            events += [
                self._event(device, command, name, i, "note_added", moment, text=text)
                for i in changed
            ]
        device.last = (command, {i: self.status[i] for i in changed})
        for i in changed:
            self._set(i, new)
        return events

    def _undo(self, device: Device, moment: datetime) -> list[dict[str, object]]:
        assert device.last is not None
        command, before = device.last
        undo = _hex(self.rng, 16)
        events = [
            self._event(device, undo, "undo", i, "undone", moment, target=command) for i in before
        ]
        for i, status in before.items():
            self._set(i, status)
        device.last = None  # undoing again would go further back; once is enough here
        return events

    def _set(self, item: int, status: str) -> None:
        if self.status[item] == "reading":
            self.reading.remove(item)
        self.status[item] = status
        if status == "reading":
            self.reading.append(item)


def generate_history(
    catalogue: str, items: dict[int, tuple[str | None, str]], total: int, now: datetime
) -> list[Device]:
    """Seeded: exactly total events over YEARS years, ending yesterday (the learner's day)."""
    rng = random.Random(20261202)
    devices = [Device(name, _hex(rng, 12), hours, chance) for name, hours, chance in _HABITS]
    learner = Learner(rng, catalogue, items)
    today = (now + LOCAL).date()
    first = today - timedelta(days=365 * YEARS)
    sessions: list[tuple[datetime, Device]] = []
    day, away = first, 0
    while day < today:
        away = max(0, away - 1)
        if away == 0 and rng.random() < 0.01:
            away = rng.randint(4, 15)  # a holiday or a busy fortnight: nothing read
        if away == 0 and rng.random() > 0.1:
            for device in devices:
                if rng.random() < device.chance:
                    hour = rng.randint(*device.hours)
                    start = datetime.combine(day, time(hour, rng.randrange(60)), tzinfo=UTC)
                    sessions.append((start - LOCAL, device))
        day += timedelta(days=1)
    sessions.sort(key=lambda s: s[0])
    made = 0
    for n, (start, device) in enumerate(sessions):
        # A sync at the start of a session reads what the others last wrote.
        if rng.random() < 0.5:
            device.clock = max(device.clock, *(d.published for d in devices if d is not device))
        left = len(sessions) - n
        budget = total - made if left == 1 else round((total - made) / left * rng.uniform(0.5, 1.5))
        moment, in_session = start, 0
        while in_session < budget and made < total:
            events = learner.command(device, moment, min(budget - in_session, total - made))
            device.events += events
            in_session += len(events)
            made += len(events)
            moment += timedelta(seconds=rng.randint(30, 240))
        if rng.random() < 0.5:
            device.published = device.clock
    if made != total:
        raise RuntimeError(f"generated {made} events, not {total}")
    return devices


def write_event_file(path: Path, device: Device, written_at: str) -> None:
    """A device's file in the shared folder, as `dltrack sync` writes one."""
    encoder = json.JSONEncoder(ensure_ascii=False)
    header = {
        "format": "dltrack-events",
        "version": 1,
        "device": device.id,
        "written_at": written_at,
    }
    ordered = sorted(device.events, key=lambda e: (e["lamport"], e["id"]))
    with path.open("w", encoding="utf-8", newline="\n") as file:
        file.write(encoder.encode(header) + "\n")
        for e in ordered:
            file.write(encoder.encode(e) + "\n")
        file.write(encoder.encode({"end": len(ordered)}) + "\n")


def describe(devices: list[Device]) -> str:
    """One line per device, and the mix of actions: what the history is made of."""
    mix: dict[str, int] = {}
    lines = []
    for d in devices:
        days = {e["day"] for e in d.events}
        lines.append(
            f"  {d.name:<8} {d.id}  {len(d.events):>6,} events on {len(days):,} days, "
            f"clock up to {d.clock:,}"
        )
        for e in d.events:
            mix[str(e["action"])] = mix.get(str(e["action"]), 0) + 1
    shown = ", ".join(f"{a} {n:,}" for a, n in sorted(mix.items(), key=lambda x: -x[1]))
    days = sorted({str(e["day"]) for d in devices for e in d.events})
    span = f"  days:    {days[0]} to {days[-1]} (the learner's local days, UTC+8)"
    return "\n".join([*lines, f"  actions: {shown}", span])


# ---------------------------------------------------------------- cases


def module_env(base: dict[str, str], src: Path, db: Path, seed: Path) -> dict[str, str]:
    """The environment for `python -m dltrack` on one copy of the code."""
    return dltrack_env(base, db, seed) | {"PYTHONPATH": str(src)}


def module_cases(key: str, env: dict[str, str], ids: list[int], reset: str) -> list[Case]:
    """next, done, list and progress as `python -m dltrack`; reset names the undoing command."""

    def argv(*words: str) -> list[str]:
        return [PYTHON, "-m", "dltrack", *words]

    def put_back(n: int) -> str | None:
        _, done = run_once(argv(reset, str(ids[n % len(ids)])), env)
        return None if done.returncode == 0 else f"{reset} failed: {failure(done)}"

    return [
        Case(key, "next", lambda _n: argv("next"), env),
        Case(key, "done ID", lambda n: argv("done", str(ids[n % len(ids)])), env, after=put_back),
        Case(key, "list", lambda _n: argv("list"), env),
        Case(key, "progress", lambda _n: argv("progress"), env),
    ]


def which_code(env: dict[str, str]) -> str:
    """Where `python -m dltrack` finds dltrack in an environment (to be sure of the copy)."""
    done = subprocess.run(
        [PYTHON, "-c", "import dltrack; print(dltrack.__file__)"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip()


def take_out(revision: str, into: Path) -> str | None:
    """The older code's src/ and catalogue, from git; an error message when that fails."""
    into.mkdir()
    try:
        archive = subprocess.run(
            ["git", "-C", str(REPO), "archive", revision, "src", "data/seed.json"],
            capture_output=True,
            check=False,
        )
    except OSError as error:
        return f"git: {error}"
    if archive.returncode != 0:
        return archive.stderr.decode("utf-8", "replace").strip() or "git archive failed"
    untar = subprocess.run(
        ["tar", "-x", "-C", str(into)], input=archive.stdout, capture_output=True, check=False
    )
    return None if untar.returncode == 0 else untar.stderr.decode("utf-8", "replace").strip()


def synced_events(done: subprocess.CompletedProcess[bytes]) -> int | None:
    """How many events `sync --json` called new, or None when it said nothing readable."""
    try:
        data = json.loads(done.stdout)
    except ValueError:
        return None
    value = data.get("new_events") if isinstance(data, dict) else None
    return value if isinstance(value, int) else None


# ---------------------------------------------------------------- report


def median_of(cases: list[Case], key: str, label: str) -> float | None:
    """The median of one case, or None when it did not run or failed."""
    case = next((c for c in cases if c.catalogue == key and c.label == label), None)
    return statistics.median(case.times) if case is not None and case.times else None


def verdict(ok: bool | None) -> str:
    """PASS, MISS, or n/a for a target that could not be measured."""
    return "n/a " if ok is None else ("PASS" if ok else "MISS")


def main(argv: list[str] | None = None) -> int:
    """Build the history, time every case and print the report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--runs", type=int, default=None, help=f"timed runs per case (default {DEFAULT_RUNS})"
    )
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_RUNS} runs per case")
    parser.add_argument(
        "--before", default=BEFORE, help=f"git revision of the code to compare with ({BEFORE})"
    )
    args = parser.parse_args(argv)
    runs = args.runs if args.runs is not None else (QUICK_RUNS if args.quick else DEFAULT_RUNS)
    if runs < 1:
        parser.error("--runs must be at least 1")
    if not Path(DLTRACK).exists():
        parser.error(f"no dltrack script next to {PYTHON}; run from the dev virtualenv")

    print("\n".join(machine()))
    print(
        f"method:  {runs} timed fresh processes per case after 1 untimed warm-up; no shell,\n"
        "         output captured (pipe), COLUMNS=100, rounds interleaved, bytecode cached\n"
        "         (in a temp PYTHONPYCACHEPREFIX); `done ID` followed by an untimed reset"
    )

    failed = False
    with tempfile.TemporaryDirectory(prefix="dltrack-bench-record-") as tmp_name:
        tmp = Path(tmp_name)
        seed = tmp / "seed.json"
        shutil.copyfile(SEED, seed)  # a snapshot: the file may be edited while we run
        raw = json.loads(seed.read_text(encoding="utf-8"))
        items = catalogue_items(raw)
        catalogue = raw.get("catalogue")
        ids = first_track_ids(raw)[:3]
        if not isinstance(catalogue, str) or not ids:
            print(f"error: {SEED} has no catalogue name or no items", file=sys.stderr)
            return 1

        now = datetime.now(UTC).replace(microsecond=0)
        devices = generate_history(catalogue, items, EVENTS, now)
        folder = tmp / "shared"
        folder.mkdir()
        for device in devices:
            write_event_file(folder / f"dltrack-{device.id}.events", device, _stamp(now))
        size = sum(p.stat().st_size for p in folder.iterdir())
        print(
            f"history: {EVENTS:,} events of catalogue {catalogue!r} ({len(items)} items, "
            f"snapshot of {SEED}), {size:,} bytes in 3 files:"
        )
        print(describe(devices))
        del devices  # about 80 MB of dicts: not held while the timed processes run

        env = base_env(tmp / "pycache")
        # Untimed: compiles the create-and-sync path into the bytecode cache.
        run_once([DLTRACK, "next"], dltrack_env(env, tmp / "prime.db", seed))

        # The empty-history database every other one starts from.
        template = tmp / "template.db"
        template_env = dltrack_env(env, template, seed)
        created_ms, created = run_once([DLTRACK, "--db", str(template), "next"], template_env)
        if created.returncode != 0:
            print(f"error: creating the database: {failure(created)}", file=sys.stderr)
            return 1
        before_files = set(folder.iterdir())

        # dltrack reads the generated history: every event must be new to a new database.
        big = tmp / "history.db"
        shutil.copyfile(template, big)
        big_env = dltrack_env(env, big, seed)
        sync_ms, synced = run_once(
            [DLTRACK, "--db", str(big), "sync", "--json", str(folder)], big_env
        )
        new = synced_events(synced)
        if synced.returncode != 0 or new != EVENTS:
            said = failure(synced) if synced.returncode != 0 else f"{new} new events"
            print(f"error: dltrack did not read the history as {EVENTS:,} new events: {said}")
            if synced.stderr:
                print(synced.stderr.decode("utf-8", "replace").rstrip())
            return 1
        print(
            f"check:   `dltrack sync` of the 3 files into a new database: {new:,} new events, "
            "exit 0"
        )
        for extra in set(folder.iterdir()) - before_files:
            extra.unlink()  # the new database's own (empty) file: not part of the history

        empty = tmp / "empty.db"
        shutil.copyfile(template, empty)
        empty_env = dltrack_env(env, empty, seed)

        # A fresh copy of the empty-history database for every sync run, its own file gone.
        fresh = tmp / "fresh.db"
        fresh_env = dltrack_env(env, fresh, seed)

        def renew(_n: int = 0) -> str | None:
            shutil.copyfile(template, fresh)
            for extra in set(folder.iterdir()) - before_files:
                extra.unlink()
            return None

        renew()

        cases: list[Case] = [
            Case("peer", PYTHON_FLOOR, lambda _n: [PYTHON, "-c", "pass"], env),
            Case("peer", UI_FLOOR, lambda _n: [PYTHON, "-c", "import typer, rich.console"], env),
        ]
        cases += dltrack_cases("empty", empty_env, ids, runs)
        cases += dltrack_cases("100k", big_env, ids, runs)
        cases.append(Case("100k", "log", lambda _n: [DLTRACK, "log"], big_env))
        cases.append(
            Case("sync", "sync DIR", lambda _n: [DLTRACK, "sync", str(folder)], fresh_env, renew)
        )

        # The comparison: both copies of the code run the same way, `python -m dltrack`.
        first_lines = [
            ("new database (`next`)", created_ms),
            (f"sync of {EVENTS:,} events into it", sync_ms),
        ]
        old = tmp / "before"
        problem = take_out(args.before, old)
        now_src = REPO / "src"
        if problem is None:
            old_env = module_env(env, old / "src", tmp / "before.db", old / "data" / "seed.json")
            found = which_code(old_env)
            if not found.startswith(str(old / "src")):
                problem = f"python -m dltrack ran {found or 'nothing'}, not the older copy"
        if problem is None:
            elapsed, done = run_once([PYTHON, "-m", "dltrack", "next"], old_env)
            first_lines.append((f"new database, code of {args.before}", elapsed))
            if done.returncode != 0:
                problem = (
                    f"the code of {args.before} could not create its database: {failure(done)}"
                )
        if problem is None:
            cases += module_cases("before", old_env, ids, "undo")  # it had no `reset` yet
            now_empty = tmp / "now-empty.db"
            now_big = tmp / "now-history.db"
            shutil.copyfile(template, now_empty)
            shutil.copyfile(big, now_big)
            cases += module_cases("now", module_env(env, now_src, now_empty, seed), ids, "reset")
            cases += module_cases("now-100k", module_env(env, now_src, now_big, seed), ids, "reset")
        else:
            print(f"note: no comparison with {args.before}: {problem}")
        print()

        total = len(cases) * (runs + 1)
        sys.stdout.flush()  # the header first, when both streams go to one file
        print(
            f"timing {len(cases)} cases x {runs + 1} runs = {total} processes ...", file=sys.stderr
        )
        for number in range(runs + 1):
            for case in cases:
                case.run(number, record=number > 0)

    floor_ms = peer_median(cases, PYTHON_FLOOR)
    ui_ms = peer_median(cases, UI_FLOOR)
    names = {
        "peer": ("-", "-"),
        "empty": ("empty", "dltrack"),
        "100k": (f"{EVENTS // 1000}k events", "dltrack"),
        "sync": (f"3 files, {EVENTS // 1000}k", "dltrack"),
        "before": (f"empty, {args.before}", "python -m"),
        "now": ("empty, today", "python -m"),
        "now-100k": (f"{EVENTS // 1000}k, today", "python -m"),
    }

    print("untimed setup runs (once each):")
    for label, elapsed in first_lines:
        print(f"  {label:<36} {elapsed:,.0f} ms")
    print()

    rows = [["history", "run as", "command", "min ms", "median ms", "p90 ms", "x python", "+UI ms"]]
    for case in cases:
        history, how = names[case.catalogue]
        if case.error is not None:
            failed = True
            rows.append([history, how, case.label, "-", "FAILED", "-", "-", case.error])
            continue
        median = statistics.median(case.times)
        rows.append(
            [
                history,
                how,
                case.label,
                f"{min(case.times):.1f}",
                f"{median:.1f}",
                f"{p90(case.times):.1f}",
                f"{median / floor_ms:.1f}" if floor_ms else "-",
                f"{median - ui_ms:+.1f}" if ui_ms else "-",
            ]
        )
    print("\n".join(table(rows, right={3, 4, 5, 6, 7})))
    print()
    print(f"floors:  {PYTHON_FLOOR}: {floor_ms or 0:.1f} ms; {UI_FLOOR}: {ui_ms or 0:.1f} ms")
    print()

    everyday = ["next", "done ID", "list", "progress"]
    if any(c.catalogue == "before" for c in cases):
        print(f"today against {args.before} (python -m dltrack, median ms):")
        rows = [["command", args.before, "today", "ratio", f"today {EVENTS // 1000}k", "ratio"]]
        for label in everyday:
            was = median_of(cases, "before", label)
            cells = [label, f"{was:.1f}" if was else "-"]
            for key in ("now", "now-100k"):
                is_ = median_of(cases, key, label)
                cells += [
                    f"{is_:.1f}" if is_ else "-",
                    f"{is_ / was:.2f}" if is_ and was else "-",
                ]
            rows.append(cells)
        print("\n".join(table(rows, right={1, 2, 3, 4, 5})))
        print()

    print("targets (medians of fresh runs):")

    def ratio_target(text: str, value: float | None, reference: float | None, limit: float) -> None:
        if value is None or reference is None:
            print(f"  n/a   {text}: not measured")
            return
        ratio = value / reference
        print(
            f"  {verdict(ratio <= limit)}  {text}: {value:.1f} / {reference:.1f} ms = {ratio:.2f}"
        )

    sync_median = median_of(cases, "sync", "sync DIR")
    ok = None if sync_median is None else sync_median <= SYNC_LIMIT_MS
    shown = "not measured" if sync_median is None else f"{sync_median:.1f} ms"
    print(
        f"  {verdict(ok)}  sync of {EVENTS:,} events from 3 files "
        f"<= {SYNC_LIMIT_MS:.0f} ms: {shown}"
    )
    for label in ("next", "done ID", "list"):
        for key in ("now", "now-100k"):
            ratio_target(
                f"{label} ({names[key][0]}) <= {NEAR:.2f} x {args.before}",
                median_of(cases, key, label),
                median_of(cases, "before", label),
                NEAR,
            )
    for label in ("next", "done ID", "list"):
        for key in ("empty", "100k"):
            ratio_target(
                f"{label} ({names[key][0]}) <= {NEAR:.2f} x typer+rich floor",
                median_of(cases, key, label),
                ui_ms,
                NEAR,
            )
    ratio_target(
        f"progress ({names['now-100k'][0]}) <= {PROGRESS_RATIO} x {args.before} (empty)",
        median_of(cases, "now-100k", "progress"),
        median_of(cases, "before", "progress"),
        PROGRESS_RATIO,
    )
    for label in ("next", "done ID"):
        small, large = median_of(cases, "empty", label), median_of(cases, "100k", label)
        if small is None or large is None:
            print(f"  n/a   {label}: 100k history not slower than empty: not measured")
            continue
        allowed = max(NOISE_MS, NOISE_FRACTION * small)
        print(
            f"  {verdict(large - small <= allowed)}  {label}: {EVENTS // 1000}k history not "
            f"measurably slower than empty (<= +{allowed:.1f} ms): {large:.1f} vs {small:.1f} ms "
            f"({large - small:+.1f})"
        )

    if busy := busy_note():
        print()
        print(busy)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

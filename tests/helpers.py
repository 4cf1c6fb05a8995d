"""What several test modules share: a raw server's event loop, the one-line check, old exports."""

from __future__ import annotations

import asyncio
import json
import os
import pty
import shutil
import subprocess
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple

import pytest

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


def _chattr(flag: str, path: Path) -> None:
    if os.geteuid() != 0:
        path.chmod(0o555 if path.is_dir() else 0o444)
        return
    if not shutil.which("chattr"):
        pytest.skip("running as root without chattr: cannot make a path read-only")
    done = subprocess.run(["chattr", flag, str(path)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"chattr {flag} not supported here: {done.stderr.decode().strip()}")


@contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    """The paths cannot be written, even by root, for the duration."""
    try:
        for path in paths:
            _chattr("+i", path)
        yield
    finally:
        for path in paths:
            if os.geteuid() == 0:
                subprocess.run(["chattr", "-i", str(path)], check=False)
            path.chmod(0o755 if path.is_dir() else 0o644)


def v1_export(items: list[dict[str, object]], current_track: str | None = None) -> str:
    """A progress export as dltrack 0.1 wrote it: a head, one item a line, the end."""
    head = {
        "format": "dltrack-progress",
        "version": 1,
        "exported_at": "2026-03-10T08:00:00+00:00",
        "current_track": current_track,
    }
    lines = ["{", *(f"  {json.dumps(k)}: {json.dumps(v)}," for k, v in head.items())]
    lines.append('  "items": [')
    body = [f"    {json.dumps(item, ensure_ascii=False)}" for item in items]
    lines.append(",\n".join(body))
    lines += ["  ]", "}"]
    return "\n".join(line for line in lines if line) + "\n"


def one_line(err: str) -> str:
    """err, after checking it is one plain line: what every refusal must look like."""
    assert err.endswith("\n") and err.count("\n") == 1, repr(err[:500])
    assert "Traceback" not in err
    return err


class LoopThread:
    """Serve handler on 127.0.0.1 from an event loop in a daemon thread.

    Raw servers script bytes by hand, so they run on asyncio streams; the loop lives
    in its own thread because the code under test often runs its own loop, or none.
    """

    def __init__(self, handler: Handler) -> None:
        self._handler = handler
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> int:
        """Start serving; the port it listens on."""
        ready = threading.Event()
        port = 0

        def main() -> None:
            nonlocal port
            loop = self._loop = asyncio.new_event_loop()
            server = loop.run_until_complete(asyncio.start_server(self._handler, "127.0.0.1", 0))
            port = server.sockets[0].getsockname()[1]
            ready.set()
            loop.run_forever()
            server.close()
            for task in asyncio.all_tasks(loop):
                task.cancel()  # connections left hanging on purpose end here
            loop.run_until_complete(asyncio.sleep(0))
            loop.close()

        self._thread = threading.Thread(target=main, daemon=True)
        self._thread.start()
        if not ready.wait(10):
            raise RuntimeError("the test server did not start")
        return port

    def stop(self) -> None:
        """Stop serving and wait for the thread."""
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)


class OnTerminal(NamedTuple):
    """What a run of dltrack with some of its streams on a pseudo-terminal left."""

    out: str  # stdout, when it was a pipe
    err: str  # stderr, when it was a pipe
    shown: str  # what the terminal received, line ends as "\n"


def on_terminal(args: list[str], *, streams: set[str], env: dict[str, str]) -> OnTerminal:
    """Run the real program with the named streams (stdin, stdout, stderr) on a pty."""
    main, child = pty.openpty()
    try:
        pipe_or_tty = {s: child if s in streams else subprocess.PIPE for s in ("stdout", "stderr")}
        done = subprocess.run(
            [sys.executable, "-m", "dltrack", *args],
            stdin=child if "stdin" in streams else None,
            **pipe_or_tty,
            env=env,
            timeout=60,
            check=True,
        )
        os.close(child)
        child = -1
        shown = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal's other end is closed: all is read
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(main)
        if child != -1:
            os.close(child)
    return OnTerminal(
        (done.stdout or b"").decode(),
        (done.stderr or b"").decode(),
        shown.decode(errors="replace").replace("\r\n", "\n"),
    )

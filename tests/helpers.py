"""What several test modules share: a raw server's event loop, and the one-line check."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


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

"""The server's stop as the app sees it: SSE streams end and WebSockets close with 1001 as soon
as SIGTERM or SIGINT arrives.

Neither uvicorn nor Granian tells an ASGI app that a stop has begun: the lifespan's shutdown
comes only after the server has drained its connections, and an open SSE stream holds that
drain up (uvicorn until `--timeout-graceful-shutdown`, then cancels it; Granian without limit),
while Granian drops open WebSockets without a close frame. So the lifespan chains a handler in
front of the server's own for both signals: it marks the stop, then calls the server's handler,
which stops accepting and drains as before.
"""

import asyncio
import signal
from collections.abc import Callable
from types import FrameType
from typing import Any

from starlette.websockets import WebSocket, WebSocketState

GOING_AWAY = 1001

SignalHandler = Callable[[int, FrameType | None], Any]


class Stopping:
    def __init__(self) -> None:
        self.event = asyncio.Event()
        self.sockets: set[WebSocket] = set()
        self._closing: set[asyncio.Task[None]] = set()

    def is_set(self) -> bool:
        return self.event.is_set()

    def install(self) -> None:
        """Called from the lifespan (the main thread, the server's handlers already in place)."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            server_handler = signal.getsignal(sig)
            if not callable(server_handler):
                continue  # the server does not catch it: leave the default in place

            def handler(signum: int, frame: FrameType | None, server_handler: SignalHandler = server_handler) -> None:
                loop.call_soon_threadsafe(self.stop)
                server_handler(signum, frame)

            signal.signal(sig, handler)

    def stop(self) -> None:
        if self.event.is_set():
            return
        self.event.set()
        for socket in self.sockets:
            task = asyncio.ensure_future(self._close(socket))
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    @staticmethod
    async def _close(socket: WebSocket) -> None:
        if socket.application_state is WebSocketState.CONNECTED:
            try:
                await socket.close(GOING_AWAY, "server shutting down")
            except (RuntimeError, OSError):
                pass  # closed meanwhile by its handler or the client

    async def pause(self, seconds: float) -> None:
        """Sleeps for `seconds`, or less if the server stops meanwhile."""
        try:
            async with asyncio.timeout(seconds):
                await self.event.wait()
        except TimeoutError:
            pass

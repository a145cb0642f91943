"""Request bodies in the contract's order: media type (415), size (413), then syntax and schema.

`@accepts(media_type, max_bytes)` wraps an endpoint: it checks the media type and the declared
`Content-Length` before anything is read, then hands the endpoint a `Request` whose body stream
fails with 413 as soon as it passes the limit (a chunked body is never buffered past it).
Starlette's own `request.body()`, `request.form()` and `UploadFile` work on it unchanged.
"""

import functools
from collections.abc import Awaitable, Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive

from errors import ApiError

MiB = 1 << 20
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"

Endpoint = Callable[[Request], Awaitable[Response]]


def media_type_of(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


class LimitedReceive:
    """Wraps `receive`: raises 413 as soon as the body passes `max_bytes`."""

    def __init__(self, receive: Receive, max_bytes: int) -> None:
        self._receive = receive
        self.max_bytes = max_bytes
        self.received = 0
        self.complete = False

    async def __call__(self) -> Message:
        message = await self._receive()
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            if self.received > self.max_bytes:
                raise ApiError(413, f"body over {self.max_bytes} bytes")
            self.complete = not message.get("more_body", False)
        else:
            self.complete = True  # disconnected
        return message

    async def drain(self) -> None:
        """Reads (and drops) the rest of the body: 413 if it is over the limit."""
        while not self.complete:
            await self()


def accepts(media_type: str, max_bytes: int) -> Callable[[Endpoint], Endpoint]:
    def decorate(endpoint: Endpoint) -> Endpoint:
        @functools.wraps(endpoint)
        async def checked(request: Request) -> Response:
            if media_type_of(request) != media_type:
                raise ApiError(415, f"expected {media_type}")
            length = request.headers.get("content-length")
            if length is not None and int(length) > max_bytes:
                raise ApiError(413, f"body over {max_bytes} bytes")
            receive = LimitedReceive(request.receive, max_bytes)
            try:
                return await endpoint(Request(request.scope, receive))
            except HTTPException as exc:
                # Starlette's form parsers fail at the first bad byte with a 400; size comes
                # before syntax, so a malformed body that is also too large is a 413.
                if exc.status_code == 400:
                    await receive.drain()
                raise

        return checked

    return decorate

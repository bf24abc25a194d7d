"""ASGI middleware that bounds request bodies and insists on JSON for POST bodies.

Why buffer the body here rather than trust Content-Length: a chunked request has no
length, and a lying one is cut off at the limit either way. Bodies of this API are a
few KiB, so reading one fully before the app sees it costs nothing.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyLimit:
    """Answer 413 for bodies over ``max_bytes`` and 415 for non-JSON POST bodies, as JSON errors."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_bytes:
            await _error(send, 413, "PAYLOAD_TOO_LARGE", f"request body over {self.max_bytes} bytes")
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > self.max_bytes:
                await _error(send, 413, "PAYLOAD_TOO_LARGE", f"request body over {self.max_bytes} bytes")
                return
            if not message.get("more_body", False):
                break
        media = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if body and media != b"application/json" and not media.endswith(b"+json"):
            await _error(
                send, 415, "UNSUPPORTED_MEDIA_TYPE", "send the body as JSON with Content-Type: application/json"
            )
            return
        await self.app(scope, _replay(bytes(body), receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive() that hands the app the buffered body once, then waits on the real channel."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay


async def _error(send: Send, status: int, code: str, message: str) -> None:
    payload = json.dumps({"error": code, "message": message}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})

"""ASGI middleware that bounds request bodies and insists on JSON for POST bodies.

Why buffer the body here rather than trust Content-Length: a chunked request has no
length, and a lying one is cut off at the limit either way. Bodies of this API are a
few KiB, so reading one fully before the app sees it costs nothing.

Why check the JSON here, before any route sees it: free-form fields (``opaque``,
``reasoning``) are stored and echoed back later, and a value that parses can still
fail to encode: nesting deeper than pydantic's serializer goes (~250 levels) or
Python's recursion limit, NaN and Infinity (not JSON), lone UTF-16 surrogates (not
Unicode). Any of them turned a later reply into a 500; refusing the body at once
with a 400 naming the limit covers every route and field, present and future.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

MAX_JSON_DEPTH = 64  # arrays and objects inside each other, the body itself included; pydantic fails near 250


def json_depth(value: Any, limit: int = MAX_JSON_DEPTH) -> int:
    """How deeply arrays and objects nest in a parsed JSON value (a scalar is 0); stops counting past ``limit``."""
    deepest, stack = 0, [(value, 1)]
    while stack:  # a loop, not recursion: the point is to survive values that recursion cannot
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = item.values()
        elif not isinstance(item, list):
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            break
        stack.extend((child, depth + 1) for child in item)
    return deepest


def json_problem(body: bytes) -> str | None:
    """Why JSON ``body`` could not be echoed back, or None (also for non-JSON: the route's parser answers that)."""
    too_deep = f"request body nests arrays and objects more than {MAX_JSON_DEPTH} levels deep; send flatter values"
    try:
        value = json.loads(body)
    except RecursionError:
        return too_deep
    except ValueError:
        return None
    if json_depth(value) > MAX_JSON_DEPTH:
        return too_deep
    try:
        json.dumps(value, ensure_ascii=False, allow_nan=False).encode()
    except UnicodeEncodeError:  # before ValueError, its base class
        return "request body holds a lone UTF-16 surrogate escape (\\ud800-\\udfff) in a string; send valid Unicode"
    except ValueError:
        return "request body holds NaN, Infinity or a number too large for a double; JSON numbers must be finite"
    return None


class BodyLimit:
    """Answer 413 for bodies over ``max_bytes`` (a path's own limit in ``larger``), 415 for non-JSON POST bodies
    and 400 for JSON that cannot be echoed."""

    def __init__(self, app: ASGIApp, max_bytes: int, larger: dict[str, int] | None = None) -> None:
        self.app, self.default_max, self.larger = app, max_bytes, dict(larger or {})  # larger: path -> its limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        await self._limited(scope, receive, send, self.larger.get(scope["path"], self.default_max))

    async def _limited(self, scope: Scope, receive: Receive, send: Send, max_bytes: int) -> None:
        headers = dict(scope["headers"])
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > max_bytes:
            await _error(send, 413, "PAYLOAD_TOO_LARGE", f"request body over {max_bytes} bytes")
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            if len(body) > max_bytes:
                await _error(send, 413, "PAYLOAD_TOO_LARGE", f"request body over {max_bytes} bytes")
                return
            if not message.get("more_body", False):
                break
        media = headers.get(b"content-type", b"").split(b";")[0].strip().lower()
        if body and media != b"application/json" and not media.endswith(b"+json"):
            await _error(
                send, 415, "UNSUPPORTED_MEDIA_TYPE", "send the body as JSON with Content-Type: application/json"
            )
            return
        problem = json_problem(bytes(body)) if body else None
        if problem:
            await _error(send, 400, "VALIDATION_ERROR", problem)
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

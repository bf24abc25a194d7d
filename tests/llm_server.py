"""A scripted OpenAI-compatible chat completions server for the LLM agent's tests.

It runs on 127.0.0.1 (port 0: the OS picks a free one) in a thread and answers
``POST /v1/chat/completions`` from a queue of :class:`Reply` specs set up by the test:
tool calls, JSON text, malformed text, HTTP errors, slow replies, replies that drip
byte by byte, bad token counts, error bodies that echo the request's headers. Every
request body is kept in ``requests`` so tests can assert on the prompts the agent sent.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Reply:
    """One scripted answer. ``status`` != 200 sends an OpenAI-style error body instead."""

    tool_args: dict[str, Any] | str | None = None  # a take_action call (a str is sent verbatim)
    text: str | None = None  # message content
    status: int = 200
    delay: float = 0.0  # seconds to wait before answering (beyond the client's timeout: a timeout)
    headers: dict[str, str] = field(default_factory=dict)
    usage: Any = True  # True: estimated token counts; False: none; anything else is sent as "usage" verbatim
    drip: float = 0.0  # > 0: send the whole HTTP response one byte per this many seconds
    echo_headers: bool = False  # an error body that repeats the request's headers (as some proxies do)
    body: bytes | None = None  # sent verbatim as a 200 JSON body instead of a completion


def tool(action: str, x: int | None = None, y: int | None = None, note: str = "", **extra: Any) -> Reply:
    """A ``take_action`` tool call."""
    args: dict[str, Any] = {"action": action, **extra}
    if x is not None or y is not None:
        args |= {"x": x, "y": y}
    if note:
        args["note"] = note
    return Reply(tool_args=args)


def text(content: str) -> Reply:
    """A plain text reply (the strict-JSON mode, or a model ignoring the tool)."""
    return Reply(text=content)


def error(status: int, message: str = "scripted error", echo_headers: bool = False, **headers: str) -> Reply:
    return Reply(status=status, text=message, headers=headers, echo_headers=echo_headers)


def estimate_tokens(data: Any) -> int:
    """About 4 characters per token, as real tokenizers give on English and JSON."""
    return max(1, len(json.dumps(data)) // 4)


class LLMServer:
    """The server: ``script`` is consumed one reply per request; ``default`` answers when it is empty."""

    def __init__(self) -> None:
        self.script: deque[Reply] = deque()
        self.default: Reply | None = None
        self.reject_tools = False  # answer 400 to any request with "tools", like servers without tool calling
        self.requests: list[dict[str, Any]] = []
        self.hangups: list[float] = []  # perf_counter times at which a client left a dripping reply
        self._lock = threading.Lock()
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._http.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._http.serve_forever, args=(0.05,), daemon=True)  # quick shutdown

    def start(self) -> LLMServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    def add(self, *replies: Reply) -> None:
        self.script.extend(replies)

    def _next(self, body: dict[str, Any]) -> Reply:
        with self._lock:
            self.requests.append(body)
            if self.reject_tools and "tools" in body:
                return error(400, "tools are not supported by this server")
            if self.script:
                return self.script.popleft()
            if self.default is not None:
                return self.default
        # 409 is not retried by the agent, so an exhausted script fails the test at once.
        return error(409, "test server: the reply script is empty")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                if self.path != "/v1/chat/completions":
                    return self._send(404, {"error": {"message": f"no route {self.path}"}}, {})
                reply = server._next(body)
                time.sleep(reply.delay)
                if reply.status != 200:
                    message = reply.text
                    if reply.echo_headers:
                        message = f"{message}; your request: " + "; ".join(f"{k}: {v}" for k, v in self.headers.items())
                    payload = {"error": {"message": message, "type": "scripted", "code": reply.status}}
                    return self._send(reply.status, payload, reply.headers, reply.drip)
                self._send(200, reply.body or completion(body, reply), reply.headers, reply.drip)

            def _send(self, status: int, payload: Any, headers: dict[str, str], drip: float = 0) -> None:
                data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
                if drip:
                    return self._drip(status, data, drip)
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client timed out and left: that was the point of a slow reply

            def _drip(self, status: int, data: bytes, drip: float) -> None:
                head = f"HTTP/1.1 {status} OK\r\nContent-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
                raw = head.encode() + data
                self.close_connection = True
                try:
                    for i in range(len(raw)):
                        self.wfile.write(raw[i : i + 1])
                        self.wfile.flush()
                        time.sleep(drip)
                except OSError:  # the client gave up on us, as it should
                    server.hangups.append(time.perf_counter())

        return Handler


def completion(request: dict[str, Any], reply: Reply) -> dict[str, Any]:
    """A chat.completion object for ``reply``, with token counts estimated from the request."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.text}
    finish = "stop"
    if reply.tool_args is not None:
        arguments = reply.tool_args if isinstance(reply.tool_args, str) else json.dumps(reply.tool_args)
        call = {"id": f"call_{len(arguments)}", "type": "function",
                "function": {"name": "take_action", "arguments": arguments}}  # fmt: skip
        message["tool_calls"] = [call]
        finish = "tool_calls"
    result: dict[str, Any] = {
        "id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
        "model": request.get("model", "test-model"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish}],
    }  # fmt: skip
    if reply.usage is not True and reply.usage is not False:
        result["usage"] = reply.usage
    elif reply.usage:
        prompt = estimate_tokens(request["messages"]) + (estimate_tokens(request["tools"]) if "tools" in request else 0)
        answer = estimate_tokens(message.get("tool_calls") or message["content"] or "")
        result["usage"] = {"prompt_tokens": prompt, "completion_tokens": answer, "total_tokens": prompt + answer}
    return result

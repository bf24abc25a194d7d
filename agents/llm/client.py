"""The HTTP side: one chat completion from any OpenAI-compatible server, with our own retries.

The ``openai`` client's built-in retries are switched off (``max_retries=0``) so that
the policy is visible and testable here: exponential backoff with jitter on rate
limits, timeouts and 5xx answers — and on nothing else, so a bad request or a wrong
key fails at once with the server's message. A refused or dropped connection is
tried once more at once (a stale kept-alive connection), then the turn fails with
:class:`ServerUnreachableError`: a server that is not there will not come back
within a backoff, and a run should not spend minutes finding that out.

Everything the server sends is untrusted:

- **Time.** ``timeout`` bounds each request by wall time, however the reply arrives:
  the socket timeout alone restarts with every byte, so a server that drips bytes or
  never ends its reply would hold a run forever. The request runs in a helper thread;
  at the deadline its connection is closed and a fresh client takes over.
- **Token counts** (what the budget counts). A reported count is used only when it is
  an int in 0..``MAX_REPORTED_TOKENS``, and never below a floor counted here from what
  was sent and received: one token per ``BYTES_PER_TOKEN_FLOOR`` bytes of text (images
  left out). Real tokenizers give about 4 bytes per token on English and JSON, so the
  floor undercounts honest servers and is never what they are charged; a server that
  reports nothing, negative, absurd or non-numeric counts is charged the floor, so the
  token budget still trips.
- **Text.** Reply strings are cut at ``REPLY_CHARS`` and the API key is redacted from
  every string we keep or raise (some error bodies echo the request's headers).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import random
import threading
import time
from dataclasses import dataclass, replace
from typing import Any

import openai

RETRYABLE = (openai.RateLimitError, openai.APITimeoutError, openai.InternalServerError)
KEY_VARIABLES = ("ARCGAMES_LLM_API_KEY", "OPENAI_API_KEY")
LOCAL_KEY = "not-needed"  # local servers (llama.cpp, vLLM) ignore the key, but the client wants one
BYTES_PER_TOKEN_FLOOR = 8
MAX_REPORTED_TOKENS = 10_000_000  # per request: above any model's context, so a larger count is a lie
REPLY_CHARS = 20_000  # of one reply string (a frame's worth of thinking is far less)
REDACTED = "[redacted API key]"
MIN_SECRET_CHARS = 8  # shorter "keys" are placeholders, and redacting them would mangle ordinary text


def sleep(seconds: float) -> None:
    """Wait between retries (a module function so tests can record delays instead of waiting)."""
    time.sleep(seconds)


class RequestDeadlineError(TimeoutError):
    """A request that did not complete within its wall-time deadline (retried like a timeout)."""


class ServerUnreachableError(ConnectionError):
    """The server refused or dropped the connection twice in a row: it is not there."""


class ToolsUnsupportedError(RuntimeError):
    """The server refused a request with ``tools`` (400/404): use strict-JSON replies instead."""


@dataclass(frozen=True)
class LLMResponse:
    """One completion, typed: what the model said and what it cost."""

    text: str | None  # the message content, if any
    tool_name: str | None  # the first tool call's function name, if the model called one
    tool_args: str | None  # ... and its raw JSON arguments
    tool_call_id: str | None
    tokens_in: int  # prompt tokens: the server's count, or the byte floor when that is higher or the count bad
    tokens_out: int  # completion tokens, the same way
    usage_reported: bool  # the server reported plausible counts for both
    latency: float  # seconds for the successful request
    attempts: int  # 1 + the retries it took
    problem: str | None = None  # why the reply cannot be read at all (its body was no usable JSON)


def resolve_api_key(api_key_env: str | None, base_url: str | None) -> str:
    """The API key from ``api_key_env``, else ARCGAMES_LLM_API_KEY, else OPENAI_API_KEY."""
    names = (api_key_env,) if api_key_env else KEY_VARIABLES
    for name in names:
        if os.environ.get(name):
            return os.environ[name]
    if base_url and not api_key_env:
        return LOCAL_KEY
    raise ValueError(f"no API key: set {' or '.join(names)} in the environment, or pass base_url for a local server")


def text_bytes(value: Any) -> int:
    """UTF-8 bytes of the text in a request or reply part; images are left out (billed by size, not bytes)."""
    if isinstance(value, str):
        return len(value.encode(errors="replace"))
    if isinstance(value, dict):
        return 0 if value.get("type") == "image_url" else sum(text_bytes(v) for v in value.values())
    if isinstance(value, list):
        return sum(text_bytes(v) for v in value)
    return 0


def counted_tokens(reported: Any, floor: int) -> tuple[int, bool]:
    """The tokens to charge for a reported count and our floor, and whether the report was plausible."""
    plausible = isinstance(reported, int) and not isinstance(reported, bool) and 0 <= reported <= MAX_REPORTED_TOKENS
    return (max(reported, floor), True) if plausible else (floor, False)


class LLMClient:
    """Chat completions against ``base_url`` (default: the OpenAI API) with backoff retries.

    ``timeout`` is the wall-time deadline of one request. ``retries`` is how many times
    one request is retried after a retryable error; the delay before retry k (0-based)
    is ``min(max_backoff, backoff * 2**k)`` stretched by up to 25% random jitter, or the
    server's ``Retry-After`` if that is longer.
    """

    def __init__(
        self,
        model: str,
        base_url: str | None = None,
        api_key_env: str | None = None,
        timeout: float = 60.0,
        retries: int = 5,
        backoff: float = 1.0,
        max_backoff: float = 30.0,
        seed: int = 0,
    ) -> None:
        self.model, self.retries, self.backoff, self.max_backoff = model, retries, backoff, max_backoff
        self.base_url, self.timeout = base_url, timeout
        self.rng = random.Random(seed)  # jitter: spreads parallel workers' retries apart
        self._key = resolve_api_key(api_key_env, base_url)
        self.secret = self._key if len(self._key) >= MIN_SECRET_CHARS and self._key != LOCAL_KEY else None
        self.client = self._new_client()
        self.retries_done = 0  # over the client's life, for the agent's stats

    def _new_client(self) -> openai.OpenAI:
        return openai.OpenAI(base_url=self.base_url, api_key=self._key, timeout=self.timeout, max_retries=0)

    def redact(self, text: str) -> str:
        """``text`` without the API key in it."""
        return text.replace(self.secret, REDACTED) if self.secret else text

    def _scrub(self, err: BaseException) -> None:
        """Redact the key from an exception's message (and an API error's body) before anyone prints it."""
        err.args = tuple(self.redact(a) if isinstance(a, str) else a for a in err.args)
        if isinstance(err, openai.APIError):
            err.message = self.redact(err.message)
            with contextlib.suppress(TypeError, ValueError):  # a body that is no JSON value is left as it is
                err.body = json.loads(self.redact(json.dumps(err.body)))

    def delay(self, retry: int, error: Exception) -> float:
        """Seconds to wait before retry number ``retry`` (0-based)."""
        base = min(self.max_backoff, self.backoff * 2**retry)
        wait = base * (1 + 0.25 * self.rng.random())
        response = getattr(error, "response", None)
        if response is not None:
            with contextlib.suppress(ValueError):  # an HTTP-date Retry-After: our own backoff will do
                wait = max(wait, min(self.max_backoff, float(response.headers.get("retry-after", 0))))
        return wait

    def complete(
        self, messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None = None, **params: Any
    ) -> LLMResponse:
        """One completion; ``params`` go to the API as they are (temperature, max_tokens, seed)."""
        request: dict[str, Any] = {"model": self.model, "messages": messages, **params}
        if tools:
            request["tools"] = tools
            request["tool_choice"] = {"type": "function", "function": {"name": tools[0]["function"]["name"]}}
        try:
            return self._complete(request)
        except Exception as err:
            self._scrub(err)
            raise

    def _complete(self, request: dict[str, Any]) -> LLMResponse:
        attempt, connection_failures = 0, 0
        sent = math.ceil(text_bytes([request["messages"], request.get("tools")]) / BYTES_PER_TOKEN_FLOOR)
        while True:
            start = time.perf_counter()
            try:
                completion, problem = self._create(request)
                reply = self._response(completion, sent, time.perf_counter() - start, attempt + 1)
                return replace(reply, problem=problem and f"the server's reply was not readable JSON ({problem})")
            except (openai.BadRequestError, openai.NotFoundError) as err:
                if "tools" in request:
                    raise ToolsUnsupportedError(f"the server refused tool calling: {self.redact(str(err))}") from err
                raise
            except (*RETRYABLE, RequestDeadlineError) as err:
                if attempt >= self.retries:
                    raise
                sleep(self.delay(attempt, err))
            except openai.APIConnectionError as err:  # refused, reset, no such host (timeouts were caught above)
                connection_failures += 1
                if connection_failures > 1 or attempt >= self.retries:
                    cause = err.__cause__ or err
                    raise ServerUnreachableError(
                        f"cannot reach the LLM server at {self.base_url or 'the OpenAI API'}: {cause}; "
                        "start the server or fix --base-url"
                    ) from err
            self.retries_done += 1
            attempt += 1

    def _create(self, request: dict[str, Any]) -> tuple[Any, str | None]:
        """One HTTP request, bounded by ``timeout`` of wall time however slowly the reply comes.

        Returns the completion, or None and the reason when the body could not be decoded.
        """
        outcome: dict[str, Any] = {}

        def call() -> None:
            try:
                outcome["completion"] = self.client.chat.completions.create(**request)
            except (ValueError, RecursionError) as err:  # the SDK's json.loads on a hostile body
                outcome["completion"], outcome["problem"] = None, self.redact(f"{type(err).__name__}: {str(err)[:100]}")
            except Exception as err:  # handed to the caller's thread as it is
                outcome["error"] = err

        thread = threading.Thread(target=call, name="llm-request", daemon=True)
        thread.start()
        thread.join(self.timeout)
        if thread.is_alive():
            self.client.close()  # cuts the stuck connection: the thread ends with an error nobody waits for
            self.client = self._new_client()
            raise RequestDeadlineError(f"the server did not complete its reply within {self.timeout:g} s")
        if "error" in outcome:
            raise outcome["error"]
        return outcome["completion"], outcome.get("problem")

    def _text(self, value: Any) -> str | None:
        return self.redact(value[:REPLY_CHARS]) if isinstance(value, str) else None

    def _response(self, completion: Any, sent: int, latency: float, attempts: int) -> LLMResponse:
        """The reply as typed fields; any field of any type may be missing (an empty reply parses as malformed)."""
        choices = getattr(completion, "choices", None)
        choice = choices[0] if isinstance(choices, list) and choices else None
        message = getattr(choice, "message", None)
        calls = getattr(message, "tool_calls", None)
        call = calls[0] if isinstance(calls, list) and calls else None
        function = getattr(call, "function", None)
        text = self._text(getattr(message, "content", None))
        # A call whose arguments are no string is a call with bad arguments, not a reply without a call.
        tool_args = None if function is None else self._text(getattr(function, "arguments", None)) or ""
        received = math.ceil(text_bytes([text, tool_args]) / BYTES_PER_TOKEN_FLOOR)
        usage = getattr(completion, "usage", None)
        tokens_in, in_ok = counted_tokens(getattr(usage, "prompt_tokens", None), sent)
        tokens_out, out_ok = counted_tokens(getattr(usage, "completion_tokens", None), received)
        return LLMResponse(
            text=text,
            tool_name=self._text(getattr(function, "name", None)),
            tool_args=tool_args,
            tool_call_id=self._text(getattr(call, "id", None)),
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            usage_reported=in_ok and out_ok,
            latency=latency,
            attempts=attempts,
        )

"""The HTTP side: one chat completion from any OpenAI-compatible server, with our own retries.

The ``openai`` client's built-in retries are switched off (``max_retries=0``) so that
the policy is visible and testable here: exponential backoff with jitter on rate
limits, timeouts, connection errors and 5xx answers — and on nothing else, so a bad
request or a wrong key fails at once with the server's message.
"""

from __future__ import annotations

import contextlib
import os
import random
import time
from dataclasses import dataclass
from typing import Any

import openai

RETRYABLE = (openai.RateLimitError, openai.APITimeoutError, openai.APIConnectionError, openai.InternalServerError)
KEY_VARIABLES = ("ARCGAMES_LLM_API_KEY", "OPENAI_API_KEY")
LOCAL_KEY = "not-needed"  # local servers (llama.cpp, vLLM) ignore the key, but the client wants one


def sleep(seconds: float) -> None:
    """Wait between retries (a module function so tests can record delays instead of waiting)."""
    time.sleep(seconds)


class ToolsUnsupportedError(RuntimeError):
    """The server refused a request with ``tools`` (400/404): use strict-JSON replies instead."""


@dataclass(frozen=True)
class LLMResponse:
    """One completion, typed: what the model said and what it cost."""

    text: str | None  # the message content, if any
    tool_name: str | None  # the first tool call's function name, if the model called one
    tool_args: str | None  # ... and its raw JSON arguments
    tool_call_id: str | None
    tokens_in: int  # prompt tokens (0 when the server reports no usage)
    tokens_out: int  # completion tokens
    usage_reported: bool
    latency: float  # seconds for the successful request
    attempts: int  # 1 + the retries it took


def resolve_api_key(api_key_env: str | None, base_url: str | None) -> str:
    """The API key from ``api_key_env``, else ARCGAMES_LLM_API_KEY, else OPENAI_API_KEY."""
    names = (api_key_env,) if api_key_env else KEY_VARIABLES
    for name in names:
        if os.environ.get(name):
            return os.environ[name]
    if base_url and not api_key_env:
        return LOCAL_KEY
    raise ValueError(f"no API key: set {' or '.join(names)} in the environment, or pass base_url for a local server")


class LLMClient:
    """Chat completions against ``base_url`` (default: the OpenAI API) with backoff retries.

    ``retries`` is how many times one request is retried after a retryable error; the
    delay before retry k (0-based) is ``min(max_backoff, backoff * 2**k)`` stretched by
    up to 25% random jitter, or the server's ``Retry-After`` if that is longer.
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
        self.rng = random.Random(seed)  # jitter: spreads parallel workers' retries apart
        key = resolve_api_key(api_key_env, base_url)
        self.client = openai.OpenAI(base_url=base_url, api_key=key, timeout=timeout, max_retries=0)
        self.retries_done = 0  # over the client's life, for the agent's stats

    def delay(self, retry: int, error: openai.APIError) -> float:
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
        attempt = 0
        while True:
            start = time.perf_counter()
            try:
                completion = self.client.chat.completions.create(**request)
                return _response(completion, time.perf_counter() - start, attempt + 1)
            except (openai.BadRequestError, openai.NotFoundError) as err:
                if tools:
                    raise ToolsUnsupportedError(f"the server refused tool calling: {err}") from err
                raise
            except RETRYABLE as err:
                if attempt >= self.retries:
                    raise
                sleep(self.delay(attempt, err))
                self.retries_done += 1
                attempt += 1


def _response(completion: Any, latency: float, attempts: int) -> LLMResponse:
    message = completion.choices[0].message if completion.choices else None  # no choice: an empty reply
    call = (getattr(message, "tool_calls", None) or [None])[0]
    function = getattr(call, "function", None)
    usage = completion.usage
    return LLMResponse(
        text=getattr(message, "content", None),
        tool_name=function.name if function else None,
        tool_args=function.arguments if function else None,
        tool_call_id=call.id if call is not None else None,
        tokens_in=(usage.prompt_tokens or 0) if usage else 0,
        tokens_out=(usage.completion_tokens or 0) if usage else 0,
        usage_reported=usage is not None,
        latency=latency,
        attempts=attempts,
    )

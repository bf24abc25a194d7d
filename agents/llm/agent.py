"""The LLM agent: ask an OpenAI-compatible model for each action.

One turn: build the prompt (:mod:`.prompt`), ask the server (:mod:`.client`), parse the
reply (:mod:`.parse`). A malformed reply is answered with the error and asked again up
to ``max_retries`` times, then the default action is taken; both are counted in
``stats``. The harness reads ``last_usage`` after each ``act`` and records it with the
step; the recording and the scorer do all other I/O.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from arcgames.actions import Action, ActionId
from arcgames.agent import AgentBudgetExceeded, GameInfo

from .client import LLMClient, LLMResponse, ToolsUnsupportedError
from .parse import ReplyError, parse_reply
from .prices import PRICES_VARIABLE, price_for
from .prompt import History, describe_outcome, prompt_fingerprint, take_action_tool, turn_messages

EVENT_LIMIT = 1000  # malformed-reply events kept in stats (a broken model would otherwise grow it per step)


def default_action(available: tuple[ActionId, ...]) -> Action:
    """The first available action other than RESET (a click goes to the corner pixel)."""
    first = next((ActionId(a) for a in sorted(available) if a != ActionId.RESET), ActionId.RESET)
    return Action.click(0, 0) if first == ActionId.ACTION6 else Action(first)


@dataclass
class Stats:
    """What happened during one play, beyond what the recording holds (not part of ``config``)."""

    requests: int = 0  # completions received (retries after malformed replies included)
    http_retries: int = 0  # retries after rate limits, timeouts, connection errors, 5xx
    malformed_replies: int = 0  # replies that did not parse into an available action
    default_actions: int = 0  # actions taken by default after max_retries malformed replies
    auto_resets: int = 0  # RESETs sent without asking, because after GAME OVER nothing else is allowed
    tools_fallback: str | None = None  # why tool calling was dropped for strict-JSON replies
    usage_missing: int = 0  # replies without plausible token counts (charged the byte floor, see .client)
    tokens_in: int = 0
    tokens_out: int = 0
    cost: float = 0.0  # USD
    latency: float = 0.0  # seconds spent in successful requests
    events: list[dict[str, Any]] = field(default_factory=list)  # one per malformed reply or default action


class LLMAgent:
    """Plays through any OpenAI-compatible chat completions server.

    Args:
        model: the model name the server knows (also the key into the price table).
        base_url: the server, e.g. ``http://127.0.0.1:8080/v1`` for llama.cpp; default OpenAI.
        api_key_env: the environment variable holding the key (default ARCGAMES_LLM_API_KEY,
            then OPENAI_API_KEY; a local ``base_url`` needs none).
        temperature: sampling temperature; None leaves it to the server (o-series models).
        max_retries: how often one turn's malformed reply is answered and asked again.
        history: how many recent actions (with outcomes and the model's notes) the prompt shows.
        use_tools: offer a ``take_action`` function; servers that refuse tools (400/404)
            switch the agent to strict-JSON text replies for the rest of the play.
        image: also send the frame as a PNG, for vision models.
        rle: run-length encode the frame text (fewer tokens, rows no longer aligned).
        timeout: wall-clock seconds one HTTP request may take, however slowly the reply
            arrives (a reply that drips or never ends is cut off); retried like a rate limit.
        http_retries: retries of one request after rate limits, timeouts and 5xx answers. A
            connection the server refuses is tried once more, then the play ends at once.
        max_reply_tokens: the ``max_tokens`` of each completion (None: the server's default).
        max_tokens_total: token budget of one play (prompt + completion); when spent,
            ``act`` raises AgentBudgetExceeded and the harness ends the run with "budget".
            Counts the server's figures, but never less than a floor counted from the bytes
            sent and received (see :mod:`.client`), so a server's bad counts cannot evade it.
        max_cost: the same in USD, priced by :mod:`.prices`.
    """

    name = "llm"

    def __init__(
        self,
        model: str = "gpt-4o-mini",
        base_url: str | None = None,
        api_key_env: str | None = None,
        temperature: float | None = 0.0,
        max_retries: int = 2,
        history: int = 16,
        use_tools: bool = True,
        image: bool = False,
        rle: bool = False,
        timeout: float = 60.0,
        http_retries: int = 5,
        max_reply_tokens: int | None = None,
        max_tokens_total: int | None = None,
        max_cost: float | None = None,
        seed: int = 0,
    ) -> None:
        for setting, value in (("max_retries", max_retries), ("history", history), ("http_retries", http_retries)):
            if value < 0:
                raise ValueError(f"{setting} must be 0 or more, got {value}")
        for setting, value in (("timeout", timeout), ("max_tokens_total", max_tokens_total), ("max_cost", max_cost)):
            if value is not None and value <= 0:
                raise ValueError(f"{setting} must be positive (or None for no limit), got {value}")
        self.model, self.base_url, self.temperature = model, base_url, temperature
        self.max_retries, self.use_tools, self.image, self.rle = max_retries, use_tools, image, rle
        self.max_reply_tokens, self.max_tokens_total, self.max_cost = max_reply_tokens, max_tokens_total, max_cost
        self.history = History(history)
        self.client = LLMClient(model, base_url, api_key_env, timeout=timeout, retries=http_retries, seed=seed)
        self.price = price_for(model)
        self._settings = {"history": history, "use_tools": use_tools, "timeout": timeout, "http_retries": http_retries}
        self.stats = Stats()
        self.last_usage: dict[str, int | float | bool] | None = (
            None  # the last act's tokens and cost, for the recording
        )
        self.available: tuple[ActionId, ...] = ()
        self._previous: tuple[np.ndarray, dict[str, Any]] | None = None

    def config(self) -> dict[str, Any]:
        """Everything that shapes the agent's play (hashed into the recording header); no secrets."""
        price: dict[str, Any] = {"unknown": f"no price for {self.model!r}: cost counted as 0 (see {PRICES_VARIABLE})"}
        if self.price is not None:
            price = {"input": self.price.input, "output": self.price.output, "source": self.price.source}
        return {
            "agent": self.name, "model": self.model, "base_url": self.base_url, "temperature": self.temperature,
            "max_retries": self.max_retries, "image": self.image, "rle": self.rle,
            "max_reply_tokens": self.max_reply_tokens, "max_tokens_total": self.max_tokens_total,
            "max_cost": self.max_cost, "prompt": prompt_fingerprint(), "price": price, **self._settings,
        }  # fmt: skip

    def reset(self, game: GameInfo) -> None:
        self.available = tuple(game.available_actions)
        self.history.clear()
        self.stats = Stats(tools_fallback=self.stats.tools_fallback)  # a server without tools stays without
        self.last_usage, self._previous = None, None

    def act(self, frame: np.ndarray, info: dict[str, Any]) -> Action:
        if self._previous is not None:
            self.history.set_outcome(describe_outcome(*self._previous, frame, info))
        self.last_usage = {"tokens_in": 0, "tokens_out": 0, "cost": 0.0}
        if info["state"] == "GAME_OVER":
            self.stats.auto_resets += 1
            action, note = Action.RESET, "automatic RESET after game over"
        else:
            action, note = self._ask(frame, info)
        self.history.add(info["action_count"] + 1, str(action), note)
        self._previous = (frame.copy(), dict(info))
        return action

    def _ask(self, frame: np.ndarray, info: dict[str, Any]) -> tuple[Action, str]:
        """One turn: ask, and on a malformed reply say what was wrong and ask again."""
        available = tuple(info["available_actions"]) or self.available
        messages = self._messages(frame, info)
        failures = 0
        while failures <= self.max_retries:
            self._check_budget()
            try:
                reply = self._complete(messages, available)
            except ToolsUnsupportedError as err:
                self.use_tools, self.stats.tools_fallback = False, str(err)
                messages = self._messages(frame, info)  # the same turn again, asking for JSON text
                continue
            try:
                if reply.problem:
                    raise ReplyError(reply.problem)
                parsed = parse_reply(reply.text, reply.tool_args, available)
                if failures:
                    self.last_usage["invalid_replies"] = failures
                return parsed.action, parsed.note
            except ReplyError as err:
                failures += 1
                problem = str(err)
                if self.use_tools and reply.tool_args is None and not reply.problem:
                    problem = f"no take_action call: {problem}"
                self._event(info, "malformed", problem)
                messages += self._retry_messages(reply, problem)
        action = default_action(available)
        self.stats.default_actions += 1
        self.last_usage |= {"invalid_replies": failures, "default_action": True}
        self._event(info, "default", f"took {action} after {failures} malformed replies")
        return action, f"(default action: {failures} malformed replies)"

    def _messages(self, frame: np.ndarray, info: dict[str, Any]) -> list[dict[str, Any]]:
        mode = "tools" if self.use_tools else "json"
        return turn_messages(frame, info, self.history, mode, rle=self.rle, image=self.image)

    def _complete(self, messages: list[dict[str, Any]], available: tuple[ActionId, ...]) -> LLMResponse:
        params: dict[str, Any] = {}
        if self.temperature is not None:
            params["temperature"] = self.temperature
        if self.max_reply_tokens is not None:
            params["max_tokens"] = self.max_reply_tokens
        tools = [take_action_tool(available)] if self.use_tools else None
        retries_before = self.client.retries_done
        reply = self.client.complete(messages, tools, **params)
        cost = self.price.cost(reply.tokens_in, reply.tokens_out) if self.price else 0.0
        stats, usage = self.stats, self.last_usage
        stats.requests += 1
        stats.http_retries += self.client.retries_done - retries_before
        stats.usage_missing += not reply.usage_reported
        stats.tokens_in, stats.tokens_out = stats.tokens_in + reply.tokens_in, stats.tokens_out + reply.tokens_out
        stats.cost, stats.latency = stats.cost + cost, stats.latency + reply.latency
        usage["tokens_in"] += reply.tokens_in
        usage["tokens_out"] += reply.tokens_out
        usage["cost"] += cost
        return reply

    @staticmethod
    def _retry_messages(reply: LLMResponse, problem: str) -> list[dict[str, Any]]:
        """The bad reply and our answer to it, in the shape the API expects for tool calls or text."""
        if reply.tool_call_id is None:
            return [
                {"role": "assistant", "content": reply.text or ""},
                {"role": "user", "content": f"Error: {problem}. Reply again."},
            ]
        function = {"name": reply.tool_name or "take_action", "arguments": reply.tool_args or ""}
        call = {"id": reply.tool_call_id, "type": "function", "function": function}
        return [
            {"role": "assistant", "content": reply.text, "tool_calls": [call]},
            {"role": "tool", "tool_call_id": reply.tool_call_id, "content": f"Error: {problem}. Call it again."},
        ]

    def _check_budget(self) -> None:
        used = self.stats.tokens_in + self.stats.tokens_out
        if self.max_tokens_total is not None and used >= self.max_tokens_total:
            raise AgentBudgetExceeded(f"token budget spent: {used} of {self.max_tokens_total} tokens")
        if self.max_cost is not None and self.stats.cost >= self.max_cost:
            raise AgentBudgetExceeded(f"cost budget spent: ${self.stats.cost:.4f} of ${self.max_cost:.4f}")

    def _event(self, info: dict[str, Any], kind: str, detail: str) -> None:
        if kind == "malformed":
            self.stats.malformed_replies += 1
        if len(self.stats.events) < EVENT_LIMIT:
            self.stats.events.append({"step": info["action_count"] + 1, "kind": kind, "detail": detail})

    def summary(self) -> dict[str, Any]:
        """The stats as a plain dict (for logs and reports)."""
        return asdict(self.stats)

"""Playing a remote host's games through its ARC-AGI-3 HTTP API with the same Agent protocol as local play.

:class:`RemoteGame` looks to the evaluation harness like a local env: ``reset`` and
``step`` return a frame and an ``info`` with the keys an agent may see. The host records
the play, so nothing is recorded here; the agent still sees only frames, available actions
and level progress, and an opaque per-run id instead of the host's game id. Every reply is
untrusted: sizes are bounded, shapes checked, and a malformed reply ends the run as a crash.
"""

from __future__ import annotations

import http.client
import json
import urllib.parse
from typing import Any

import numpy as np

from arcgames.actions import Action, ActionId
from arcgames.engine import GameState

MAX_REPLY_BYTES = 4 * 1024 * 1024  # a frame is 4096 small ints: ~20 KB of JSON
TIMEOUT_S = 30.0


class RemoteError(RuntimeError):
    """The host refused a request or answered something that is not its API; names the route and reason."""

    def __init__(self, message: str, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.code, self.status = code, status


class RunEnded(Exception):
    """The host ended the run (a spent budget, all runs played): the harness records why and moves on."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason, self.detail = reason, detail


class RemoteHost:
    """A small JSON client for one host, over one kept-alive connection."""

    def __init__(self, url: str, api_key: str | None, timeout: float = TIMEOUT_S) -> None:
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ValueError(f"--remote {url!r} is not an http(s) URL like http://127.0.0.1:8001")
        self.url, self.api_key, self.timeout = url.rstrip("/"), api_key, timeout
        connection = http.client.HTTPSConnection if parsed.scheme == "https" else http.client.HTTPConnection
        self._connection = connection(parsed.hostname, parsed.port, timeout=timeout)

    def request(self, method: str, route: str, body: dict[str, Any] | None = None) -> Any:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.api_key:
            headers["X-API-Key"] = self.api_key
        data = json.dumps(body).encode() if body is not None else None
        for attempt in (1, 2):
            try:
                self._connection.request(method, route, body=data, headers=headers)
                reply = self._connection.getresponse()
                raw = reply.read(MAX_REPLY_BYTES + 1)
                break
            except (BrokenPipeError, http.client.RemoteDisconnected) as err:
                # The host closed the kept-alive connection while it was idle, before reading this request:
                # safe to send it once more on a new connection (what urllib3 does too).
                self._connection.close()
                if attempt == 2:
                    raise RemoteError(f"{method} {self.url}{route}: the host closed the connection ({err})") from None
            except (OSError, http.client.HTTPException) as err:
                self._connection.close()
                raise RemoteError(f"{method} {self.url}{route}: cannot reach the host ({err})") from None
        if len(raw) > MAX_REPLY_BYTES:
            self._connection.close()
            raise RemoteError(f"{method} {route}: the reply is over {MAX_REPLY_BYTES:,} bytes")
        try:
            payload = json.loads(raw)
        except ValueError:
            raise RemoteError(f"{method} {route}: HTTP {reply.status} with a reply that is not JSON") from None
        if reply.status >= 400:
            error = payload if isinstance(payload, dict) else {}
            message = str(error.get("message", ""))[:500]
            raise RemoteError(f"{method} {route}: HTTP {reply.status} {message}", str(error.get("error")), reply.status)
        return payload

    def close(self) -> None:
        self._connection.close()


class RemoteGame:
    """One run of one hosted game on a scorecard, with the env-like interface the harness plays."""

    def __init__(self, host: RemoteHost, card_id: str, game_id: str) -> None:
        self.host, self.card_id, self.game_id = host, card_id, game_id
        self.guid: str | None = None
        self.action_count = self.level_action_count = 0
        self.end: tuple[str, str] | None = None  # (reason, detail) once the run is over

    def reset(self, seed: int | None = None) -> tuple[np.ndarray, dict[str, Any]]:
        reply = self._command("RESET", {"game_id": self.game_id, "card_id": self.card_id})
        self.guid = _text(reply.get("guid"), "guid")
        return self._observe(reply, levels_before=0)

    def step(self, action: Action) -> tuple[np.ndarray, float, bool, bool, dict[str, Any]]:
        body: dict[str, Any] = {"game_id": self.game_id, "guid": self.guid}
        if action.id == ActionId.ACTION6:
            body |= {"x": action.x, "y": action.y}
        before = self.info["levels_completed"]
        reply = self._command(action.id.name, body)
        self.action_count += 1
        self.level_action_count += 1
        frame, info = self._observe(reply, levels_before=before)
        reward = float(info["levels_completed"] - before)
        return frame, reward, info["state"] != GameState.NOT_FINISHED.value, False, info

    def finish(self, reason: str, detail: str = "") -> None:
        self.end = (reason, detail)

    def annotate(self, **extra: int | float | bool) -> None:
        """LLM agents' token counts: the host records the play, and the API has no field for them."""

    def _command(self, name: str, body: dict[str, Any]) -> dict[str, Any]:
        try:
            reply = self.host.request("POST", f"/api/cmd/{name}", body)
        except RemoteError as err:
            if err.code in ("BUDGET_SPENT", "RUNS_SPENT"):
                raise RunEnded("budget", str(err)) from None
            raise
        if not isinstance(reply, dict):
            raise RemoteError(f"POST /api/cmd/{name}: the reply is not a JSON object")
        return reply

    def _observe(self, reply: dict[str, Any], levels_before: int) -> tuple[np.ndarray, dict[str, Any]]:
        frame = _frame(reply.get("frame"))
        levels = _count(reply.get("levels_completed"), "levels_completed")
        num_levels = _count(reply.get("win_levels"), "win_levels")
        state = _text(reply.get("state"), "state")
        if state not in {s.value for s in GameState}:
            raise RemoteError(f"the host sent an unknown state {state[:40]!r}")
        if levels > levels_before:
            self.level_action_count = 0
        actions = reply.get("available_actions")
        if not isinstance(actions, list) or len(actions) > 16:
            raise RemoteError("the host's available_actions is not a short list")
        available = (ActionId.RESET, *(ActionId(a) for a in actions if a in (1, 2, 3, 4, 5, 6, 7)))
        self.info = {
            "game_id": self.game_id, "level": min(levels, max(num_levels - 1, 0)), "levels_completed": levels,
            "num_levels": num_levels, "state": state, "available_actions": available,
            "action_count": self.action_count, "level_action_count": self.level_action_count,
        }  # fmt: skip
        return frame, dict(self.info)


def _frame(value: Any) -> np.ndarray:
    """The last 64x64 grid of a FrameData ``frame`` (a list of grids), checked cell by cell."""
    try:
        grid = np.asarray(value[-1], dtype=np.int64)
    except (TypeError, ValueError, IndexError, OverflowError):
        raise RemoteError("the host's frame is not a list of 64x64 grids") from None
    if grid.shape != (64, 64) or grid.min() < 0 or grid.max() > 15:
        raise RemoteError(f"the host's frame has shape {grid.shape} or colours outside 0..15")
    return grid.astype(np.uint8)


def _count(value: Any, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 1_000_000:
        raise RemoteError(f"the host's {what} is not a small whole number")
    return value


def _text(value: Any, what: str) -> str:
    if not isinstance(value, str) or len(value) > 200:
        raise RemoteError(f"the host's {what} is not a short string")
    return value


def open_card(host: RemoteHost, tags: list[str]) -> str:
    reply = host.request("POST", "/api/scorecard/open", {"tags": tags})
    return _text(reply.get("card_id") if isinstance(reply, dict) else None, "card_id")


def hosted_games(host: RemoteHost) -> tuple[list[str], int | None]:
    """The host's game ids and, in a competition, the runs each game allows on a card."""
    listed = host.request("GET", "/api/games")
    if not isinstance(listed, list) or len(listed) > 10_000:
        raise RemoteError("GET /api/games: not a list of games")
    games = [_text(g.get("game_id") if isinstance(g, dict) else None, "game_id") for g in listed]
    try:
        rules = host.request("GET", "/api/competition")
    except RemoteError as err:
        if err.status == 404:
            return games, None
        raise
    return games, _count(rules.get("runs") if isinstance(rules, dict) else None, "runs")

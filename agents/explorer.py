"""The explorer agent: systematic exploration of the state graph, through the agent API only.

States are frame hashes (the agent knows nothing of game internals). At each state it
tries actions it has not tried there yet — moves and ACTION5 first, plus one click per
distinct object on screen — and when a state is exhausted it walks back along known
transitions (or RESETs to the level start) to the nearest state with untried actions.
Actions that led to GAME_OVER are never repeated. A new level starts a new graph.
"""

from __future__ import annotations

import zlib
from collections import deque
from typing import Any

import numpy as np

from arcgames.actions import Action, ActionId
from arcgames.agent import GameInfo

Key = tuple[int, int]  # (level, frame hash)


def object_clicks(frame: np.ndarray, limit: int) -> list[Action]:
    """One click per connected single-colour region that is not the background colour."""
    colours, counts = np.unique(frame, return_counts=True)
    background = colours[counts.argmax()]
    seen = np.zeros(frame.shape, dtype=bool)
    clicks = []
    h, w = frame.shape
    for y, x in zip(*np.nonzero(frame != background), strict=True):
        if seen[y, x]:
            continue
        colour, region = frame[y, x], []
        queue = deque([(int(y), int(x))])
        seen[y, x] = True
        while queue:
            cy, cx = queue.popleft()
            region.append((cy, cx))
            for ny, nx in ((cy - 1, cx), (cy + 1, cx), (cy, cx - 1), (cy, cx + 1)):
                if 0 <= ny < h and 0 <= nx < w and not seen[ny, nx] and frame[ny, nx] == colour:
                    seen[ny, nx] = True
                    queue.append((ny, nx))
        cy, cx = region[len(region) // 2]
        clicks.append(Action.click(cx, cy))
        if len(clicks) >= limit:
            break
    return clicks


class ExplorerAgent:
    name = "explorer"

    def __init__(self, seed: int = 0, max_clicks: int = 64) -> None:
        self.seed, self.max_clicks = seed, max_clicks
        self.rng = np.random.default_rng(seed)
        self.available: tuple[ActionId, ...] = ()

    def config(self) -> dict[str, Any]:
        return {"agent": self.name, "seed": self.seed, "max_clicks": self.max_clicks}

    def reset(self, game: GameInfo) -> None:
        self.rng = np.random.default_rng(self.seed)
        self.available = game.available_actions
        self._new_level(None)

    def _new_level(self, start: Key | None) -> None:
        self.edges: dict[Key, dict[Action, Key]] = {}
        self.untried: dict[Key, list[Action]] = {}
        self.deadly: set[tuple[Key, Action]] = set()
        self.start = start
        self.previous: tuple[Key, Action] | None = None
        self.plan: list[Action] = []
        self.levels_completed = -1

    def _candidates(self, frame: np.ndarray) -> list[Action]:
        simple = [Action(a) for a in self.available if a not in (ActionId.RESET, ActionId.ACTION6, ActionId.ACTION7)]
        self.rng.shuffle(simple)
        clicks = object_clicks(frame, self.max_clicks) if ActionId.ACTION6 in self.available else []
        self.rng.shuffle(clicks)
        return simple + clicks

    def act(self, frame: np.ndarray, info: dict[str, Any]) -> Action:
        key = (info["level"], zlib.crc32(np.ascontiguousarray(frame)))
        if info["levels_completed"] != self.levels_completed:
            self._new_level(key)
            self.levels_completed = info["levels_completed"]
        if info["state"] == "GAME_OVER":
            if self.previous is not None:
                self.deadly.add(self.previous)
            self.previous, self.plan = None, []
            return Action.RESET
        if self.previous is not None:
            before, action = self.previous
            expected = self.edges.setdefault(before, {}).get(action)
            self.edges[before][action] = key
            if expected is not None and expected != key:
                self.plan = []  # the world surprised us: re-plan
        if self.start is None:
            self.start = key
        if key not in self.untried:
            self.untried[key] = self._candidates(frame)
        action = self._choose(key)
        self.previous = (key, action) if action != Action.RESET else None
        return action

    def _choose(self, key: Key) -> Action:
        untried = [a for a in self.untried[key] if (key, a) not in self.deadly]
        self.untried[key] = untried
        if untried:
            self.plan = []
            return untried.pop(0)
        if not self.plan:
            self.plan = self._path_to_frontier(key)
        if self.plan:
            return self.plan.pop(0)
        simple = [a for a in self.available if a not in (ActionId.RESET, ActionId.ACTION6)]
        return Action(simple[self.rng.integers(len(simple))]) if simple else Action.RESET

    def _path_to_frontier(self, key: Key) -> list[Action]:
        """Shortest known action sequence to a state with untried actions (RESET reaches the start)."""
        queue = deque([key])
        paths: dict[Key, list[Action]] = {key: []}
        while queue:
            node = queue.popleft()
            if self.untried.get(node):
                return paths[node]
            steps = list(self.edges.get(node, {}).items())
            if self.start is not None:
                steps.append((Action.RESET, self.start))
            for action, nxt in steps:
                if nxt not in paths and (node, action) not in self.deadly:
                    paths[nxt] = [*paths[node], action]
                    queue.append(nxt)
        return []

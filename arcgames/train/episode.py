"""One training episode of one game: what the OpenEnv, TRL and verifiers adapters all drive.

The reward is defined here, once, and comes from the engine only:

- a level the engine reports completed pays the score's own per-level formula,
  :func:`arcgames.scoring.level_score` ``min(1.15, (baseline / spent) ** 2)``, where ``spent``
  counts every action taken on the level: RESET and undo (as the engine counts them) and
  every invalid call (an unknown or unavailable action, a malformed reply, anything but RESET
  after GAME OVER), which the engine never sees but which costs one action here, as an action
  costs one in the game;
- nothing else pays: the model's text, notes and claims are never read for reward;
- an episode ends on WIN or when a level's budget (``budget_factor`` x its baseline, as in
  ``arcgames eval``) is spent, invalid calls included, so loops of RESET, undo or bad calls
  end it with nothing.

docs/training.md lists the hacks this was checked against; tests/test_train.py has one test each.
The model sees what an agent sees (agents/llm/prompt.py's text, an opaque id); never the game's
id, title, rules or baseline.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from arcgames.actions import Action, ActionId, InvalidActionError
from arcgames.agent import agent_view, opaque_run_id
from arcgames.agents.llm.parse import ReplyError, action_from_args, parse_reply
from arcgames.agents.llm.prompt import (
    RLE_NOTE,
    SYSTEM_PROMPT,
    History,
    Mode,
    describe_outcome,
    frame_png_url,
    turn_messages,
)
from arcgames.baselines import baseline_for
from arcgames.env import ArcGameEnv
from arcgames.registry import list_games
from arcgames.scoring import level_score

DEFAULT_BUDGET_FACTOR = 5.0
DIRECTIONS = {"up": ActionId.ACTION1, "down": ActionId.ACTION2, "left": ActionId.ACTION3, "right": ActionId.ACTION4}

# The named tools (TRL advises them over one generic step) as the LLM agent's action names: both end in
# action_from_args, so a tool call and a take_action reply are checked by the same code.
NAMED_TOOLS_NOTE = """Each turn, call exactly one tool: move(direction) with direction up, down, left or right
(ACTION1..ACTION4), interact() (ACTION5), click(x, y) (ACTION6), undo() (ACTION7) or reset_level() (RESET).
Only the available actions work; any other call is wasted and counts as an action."""


def named_tools_prompt(rle: bool = False) -> str:
    """The system prompt for named tools: the LLM agent's, with the tool note in place of take_action's."""
    return "\n\n".join(part for part in (SYSTEM_PROMPT, RLE_NOTE if rle else "", NAMED_TOOLS_NOTE) if part)


def budgets(counts: list[int], factor: float) -> list[int]:
    """Each level's action budget: ``factor`` x its baseline count, at least 1 (what ``arcgames eval`` uses)."""
    if not factor > 0:
        raise ValueError(f"budget_factor must be positive, got {factor}")
    return [max(1, round(factor * n)) for n in counts]


@dataclass(frozen=True)
class Turn:
    """What one call did: the reward it earned (a completed level, else 0), and what the model is told."""

    reward: float
    done: bool
    outcome: str  # as the history shows it: "3 pixels changed", "completed level 1; ...", "invalid: ..."
    error: str | None = None  # why the call was invalid (it still cost an action)


@dataclass
class Episode:
    """One game played from its first level by a trainer's model.

    Args:
        game_id: the registry id; the model never sees it (it is shown an opaque ``run_id``).
        budget_factor: each level may take this many times its baseline count (invalid calls included).
        history: recent actions the prompt shows (agents/llm/prompt.py's bounded history).
        rle: run-length encode the frame text; image: add the frame as a PNG for vision models.
        baselines_file: a human baseline file (default: the solver counts, as scoring uses).
    """

    game_id: str
    budget_factor: float = DEFAULT_BUDGET_FACTOR
    history: int = 16
    rle: bool = False
    image: bool = False
    baselines_file: str | None = None
    run_id: str = field(default_factory=opaque_run_id)

    def __post_init__(self) -> None:
        self.env = ArcGameEnv(self.game_id)
        self.baseline = baseline_for(self.game_id, self.baselines_file).counts
        self.budgets = budgets(self.baseline, self.budget_factor)
        self.reset()

    def reset(self) -> None:
        """Start again from the first level, with no reward and an empty history."""
        self.frame, self._info = self.env.reset()
        self.recent = History(self.history)
        self.level_rewards: list[float] = []
        self.spent = 0  # actions on the current level, invalid calls included
        self.calls = 0
        self.invalid = 0
        self.done = False

    @property
    def info(self) -> dict[str, Any]:
        """What an agent may see of the play (agent_view), under the opaque run id."""
        return agent_view(self._info, self.run_id)

    @property
    def available(self) -> tuple[ActionId, ...]:
        return tuple(self._info["available_actions"])

    @property
    def reward(self) -> float:
        """The episode's reward so far: the sum of its completed levels' scores."""
        return float(sum(self.level_rewards))

    @property
    def levels_completed(self) -> int:
        return self._info["levels_completed"]

    def messages(self, mode: Mode = "json") -> list[dict[str, Any]]:
        """The turn's conversation exactly as the LLM agent sends it: system prompt, then this frame."""
        return turn_messages(self.frame, self.info, self.recent, mode, rle=self.rle, image=self.image)

    def observation(self) -> str:
        """The current user message's text: history, progress, available actions, the frame."""
        content = self.messages()[1]["content"]
        return content if isinstance(content, str) else content[0]["text"]

    def image_url(self) -> str:
        return frame_png_url(self.frame)

    def play(self, action: Action, note: str = "") -> Turn:
        """Take an action; one the game refuses costs an action and pays nothing."""
        if self.done:
            return Turn(0.0, True, "the episode is over", "the episode is over; no more actions are taken")
        before, info_before = self.frame, self._info
        try:
            self.frame, _, _, _, self._info = self.env.step(action)
        except InvalidActionError as err:
            return self._invalid(str(action), str(err))
        self.calls += 1
        self.spent += 1
        reward = 0.0
        if self._info["levels_completed"] > info_before["levels_completed"]:
            reward = level_score(self.baseline[info_before["level"]], self.spent)
            self.level_rewards.append(reward)
            self.spent = 0
        outcome = describe_outcome(before, info_before, self.frame, self._info)
        self.recent.add(self.calls, str(action), note)
        self.recent.set_outcome(outcome)
        self._check_end()
        return Turn(reward, self.done, outcome)

    def play_args(self, args: dict[str, Any]) -> Turn:
        """A take_action call's arguments (``{"action": ..., "x": ..., "y": ...}``), checked as the agent does."""
        try:
            parsed = action_from_args(args, self.available)
        except ReplyError as err:
            return self._invalid(_shown_call(args), str(err))
        return self.play(parsed.action, parsed.note)

    def play_reply(self, text: str | None, tool_args: str | None = None) -> Turn:
        """A model's raw reply (JSON text, or a take_action call's arguments), parsed as the LLM agent does."""
        try:
            parsed = parse_reply(text, tool_args, self.available)
        except ReplyError as err:
            return self._invalid(_shown_call(tool_args if tool_args is not None else text), str(err))
        return self.play(parsed.action, parsed.note)

    def move(self, direction: str) -> Turn:
        action = DIRECTIONS.get(direction.strip().lower()) if isinstance(direction, str) else None
        if action is None:
            return self._invalid(f"move({_shown_call(direction)})", "direction must be up, down, left or right")
        return self.play_args({"action": action.name})

    def _invalid(self, shown: str, error: str) -> Turn:
        if self.done:
            return Turn(0.0, True, "the episode is over", "the episode is over; no more actions are taken")
        self.calls += 1
        self.spent += 1
        self.invalid += 1
        outcome = f"invalid, counted as an action: {error}"
        self.recent.add(self.calls, shown)
        self.recent.set_outcome(outcome)
        self._check_end()
        return Turn(0.0, self.done, outcome, error)

    def _check_end(self) -> None:
        level = self._info["level"]
        self.done = self._info["state"] == "WIN" or self.spent >= self.budgets[level]

    def summary(self) -> dict[str, Any]:
        """The episode's numbers for logs and metadata (no game id: this may reach the model's side)."""
        return {"reward": round(self.reward, 6), "levels_completed": self.levels_completed,
                "num_levels": self._info["num_levels"], "calls": self.calls, "invalid_calls": self.invalid,
                "done": self.done}  # fmt: skip


def _shown_call(value: Any) -> str:
    """A bad call as the history shows it: short, one line."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    text = " ".join(str(text).split())
    return text if len(text) <= 40 else text[:40] + "..."


def frame_list(frame: np.ndarray) -> list[list[int]]:
    """The frame as nested lists of colour indices (JSON for pixel-reading models)."""
    return frame.astype(int).tolist()


def training_games(split: str = "public") -> list[str]:
    """The games to train on; the evaluation split only when asked for by name (it measures generalisation)."""
    if split not in ("public", "evaluation", "all"):
        raise ValueError(f"unknown split {split!r}; use public, evaluation or all")
    return list_games(None if split == "all" else split)

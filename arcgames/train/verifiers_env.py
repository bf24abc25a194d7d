"""The games as a verifiers (Prime Intellect) environment: ``load_environment(**kwargs)``.

A ``MultiTurnEnv``: the first prompt is the LLM agent's strict-JSON turn for the game's first
frame (agents/llm/prompt.py, ``mode="json"``); each reply is parsed as the agent parses it
(agents/llm/parse.py) and answered with what the action did and the next frame; the rollout
stops on WIN or a spent level budget. The ``Rubric`` holds the engine's reward (the shared
definition in :mod:`arcgames.train.episode`) and, at weight 0 for logging, the levels won and the
invalid replies. Use::

    env = load_environment(games="public")            # vf-eval / prime-rl load it the same way
    results = env.evaluate_sync(client=AsyncOpenAI(base_url=...), model="...")

The dataset's ``info`` names the game; the prompt, which the model reads, never does.
"""

from __future__ import annotations

from typing import Any

import verifiers as vf
from datasets import Dataset

from arcgames.train.episode import DEFAULT_BUDGET_FACTOR, Episode, training_games


def _game_ids(games: str | list[str]) -> list[str]:
    if isinstance(games, str):
        return training_games(games) if games in ("public", "evaluation", "all") else games.split(",")
    return list(games)


def game_dataset(games: list[str], repeats: int = 1, history: int = 0, rle: bool = False) -> Dataset:
    """One row per game: the LLM agent's first turn of it as the prompt, the game in ``info`` (unseen)."""
    rows = []
    for game_id in games:
        prompt = Episode(game_id, history=history, rle=rle).messages("json")
        rows += [{"prompt": prompt, "info": {"game_id": game_id}}] * repeats
    return Dataset.from_list(rows)


def _episode(state: vf.State) -> Episode | None:
    return state.get("arcgames_episode")


async def level_reward(state: vf.State, **kwargs: Any) -> float:
    """The engine's reward: each completed level's score (see arcgames.train.episode)."""
    episode = _episode(state)
    return episode.reward if episode is not None else 0.0


async def levels_completed(state: vf.State, **kwargs: Any) -> float:
    episode = _episode(state)
    return float(episode.levels_completed) if episode is not None else 0.0


async def invalid_replies(state: vf.State, **kwargs: Any) -> float:
    episode = _episode(state)
    return float(episode.invalid) if episode is not None else 0.0


class ArcGamesEnv(vf.MultiTurnEnv):
    """Each rollout plays its row's game from the first level, one JSON reply per action."""

    def __init__(self, budget_factor: float = DEFAULT_BUDGET_FACTOR, history: int = 0, rle: bool = False,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(**kwargs)
        self.settings = {"budget_factor": budget_factor, "history": history, "rle": rle}

    async def setup_state(self, state: vf.State, **kwargs: Any) -> vf.State:
        state["arcgames_episode"] = Episode(state["info"]["game_id"], **self.settings)
        return state

    async def env_response(self, messages: vf.Messages, state: vf.State, **kwargs: Any) -> vf.Messages:
        episode = _episode(state)
        turn = episode.play_reply(_last_text(messages))
        said = f"Error: {turn.error}. It counted as an action." if turn.error else f"Result: {turn.outcome}."
        if turn.done:
            response = [vf.UserMessage(content=f"{said}\nThe episode is over: {episode.levels_completed} levels.")]
            state["final_env_response"] = response
            return response
        # The agent's next turn, as it would send it: its system prompt stays, the user message is new.
        return [vf.UserMessage(content=f"{said}\n\n{episode.observation()}")]


def _last_text(messages: vf.Messages) -> str | None:
    """The last assistant message's text (the reply the agent would parse)."""
    for message in reversed(messages):
        role = message.get("role") if isinstance(message, dict) else getattr(message, "role", None)
        if role == "assistant":
            content = message.get("content") if isinstance(message, dict) else getattr(message, "content", None)
            return content if isinstance(content, str) else None
    return None


def load_environment(
    games: str | list[str] = "public",
    repeats: int = 1,
    budget_factor: float = DEFAULT_BUDGET_FACTOR,
    history: int = 0,  # the conversation itself holds the earlier turns
    rle: bool = False,
    max_turns: int = -1,
    **kwargs: Any,
) -> ArcGamesEnv:
    """The verifiers entry point. ``games``: public (default), evaluation, all or comma-separated ids."""
    ids = _game_ids(games)
    rubric = vf.Rubric(funcs=[level_reward, levels_completed, invalid_replies], weights=[1.0, 0.0, 0.0])
    return ArcGamesEnv(budget_factor=budget_factor, history=history, rle=rle, max_turns=max_turns,
                       dataset=game_dataset(ids, repeats, history, rle), rubric=rubric, **kwargs)  # fmt: skip

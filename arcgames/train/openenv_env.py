"""The games as an OpenEnv environment, its server (``create_app``) and its client.

OpenEnv (openenv-core) is what TRL, Unsloth, SkyRL, ART, Oumi and torchforge load. Its
contract: an ``Environment`` with ``reset(seed, episode_id, **kw)``, ``step(action)`` and a
``state`` property, pydantic ``Action`` / ``Observation(done, reward, metadata)`` models,
served over HTTP and WebSocket by ``create_app``, and an ``EnvClient`` subclass. Run a server::

    python -m arcgames.train.openenv_env --port 8000            # the public games
    # a trainer:  ArcGamesClient(base_url="http://127.0.0.1:8000").sync()

Rewards come from :class:`arcgames.train.episode.Episode` (the shared definition). The
observation carries what an agent sees: the LLM agent's text, the frame (as numbers and,
with ``image=True``, a PNG data URL), the available actions and level progress; never the
game's id (the trainer chooses it, in ``reset(game_id=...)``, and the model is not told).
"""

from __future__ import annotations

import argparse
import random
import uuid
from typing import Any

from openenv.core.client_types import StepResult
from openenv.core.env_client import EnvClient
from openenv.core.env_server import Action, Environment, Observation, State, create_app
from pydantic import Field

from arcgames.agents.llm.prompt import listed
from arcgames.registry import get_game
from arcgames.train.episode import DEFAULT_BUDGET_FACTOR, Episode, frame_list, training_games

MAX_FIELD_CHARS = 200  # of an action's name or note: a hostile client may send megabytes


class ArcAction(Action):
    """One action, as the LLM agent's take_action call names it: ``{"action": "ACTION6", "x": 3, "y": 9}``.

    ``action`` is RESET or ACTION1..ACTION7 (or up/down/left/right/interact/click/undo);
    x and y (0..63) are for ACTION6. An action the game refuses costs an action.
    """

    action: str = Field(max_length=MAX_FIELD_CHARS)
    x: int | None = None
    y: int | None = None
    note: str = Field(default="", max_length=MAX_FIELD_CHARS)


class ArcObservation(Observation):
    """What the model sees after reset or an action (``reward``: what that action earned)."""

    text: str = ""  # the LLM agent's user message: recent history, progress, actions, the frame
    image: str | None = None  # the frame as a PNG data URL (image=True)
    frame: list[list[int]] = Field(default_factory=list)  # 64 rows of 64 colour indices
    available_actions: list[str] = Field(default_factory=list)
    level: int = 0  # 0-based
    num_levels: int = 0
    levels_completed: int = 0
    state: str = "NOT_FINISHED"
    action_count: int = 0
    error: str | None = None  # why the last action was invalid (it still cost an action)


class ArcState(State):
    """The episode's numbers (no game id: a client may be the model's side)."""

    levels_completed: int = 0
    num_levels: int = 0
    total_reward: float = 0.0
    invalid_calls: int = 0


class ArcGamesEnvironment(Environment[ArcAction, ArcObservation, ArcState]):
    """Any arcgames game as an OpenEnv environment.

    Args:
        games: the games ``reset`` picks from when it is not given a ``game_id`` (by seed);
            default: the public split.
        budget_factor, rle, image: as :class:`arcgames.train.episode.Episode`.
    """

    SUPPORTS_CONCURRENT_SESSIONS = True  # each instance holds its own engine

    def __init__(
        self,
        games: list[str] | None = None,
        budget_factor: float = DEFAULT_BUDGET_FACTOR,
        rle: bool = False,
        image: bool = False,
    ) -> None:
        super().__init__()
        self.games = list(games) if games is not None else training_games("public")
        for game_id in self.games:
            get_game(game_id)  # an unknown id fails here, listing the known ones
        if not self.games:
            raise ValueError("no games to play; pass game ids")
        self.settings = {"budget_factor": budget_factor, "rle": rle, "image": image}
        self.episode: Episode | None = None
        self.episode_id: str | None = None

    def reset(
        self, seed: int | None = None, episode_id: str | None = None, game_id: str | None = None, **kwargs: Any
    ) -> ArcObservation:
        """A new episode of ``game_id`` (one of ``games``), or of a game drawn by ``seed``."""
        if game_id is None:
            game_id = random.Random(seed).choice(self.games)
        elif game_id not in self.games:
            raise ValueError(f"game {game_id!r} is not served here; this environment serves {len(self.games)} games")
        self.episode = Episode(game_id, **self.settings)
        self.episode_id = episode_id or uuid.uuid4().hex
        return self._observation(None, None)

    def step(self, action: ArcAction, timeout_s: float | None = None, **kwargs: Any) -> ArcObservation:
        episode = self._require_episode()
        args = {"action": action.action, "x": action.x, "y": action.y, "note": action.note}
        turn = episode.play_args(args)
        return self._observation(turn.reward, turn.error)

    @property
    def state(self) -> ArcState:
        episode = self.episode
        if episode is None:
            return ArcState()
        return ArcState(episode_id=self.episode_id, step_count=episode.calls,
                        levels_completed=episode.levels_completed, num_levels=episode.info["num_levels"],
                        total_reward=episode.reward, invalid_calls=episode.invalid)  # fmt: skip

    def _require_episode(self) -> Episode:
        if self.episode is None:
            raise RuntimeError("call reset() before step()")
        return self.episode

    def _observation(self, reward: float | None, error: str | None) -> ArcObservation:
        episode = self._require_episode()
        info = episode.info
        return ArcObservation(
            text=episode.observation(), image=episode.image_url() if episode.image else None,
            frame=frame_list(episode.frame), available_actions=listed(episode.available), level=info["level"],
            num_levels=info["num_levels"], levels_completed=info["levels_completed"], state=info["state"],
            action_count=episode.calls, error=error, done=episode.done, reward=reward,
            metadata=episode.summary(),
        )  # fmt: skip


class ArcGamesClient(EnvClient[ArcAction, ArcObservation, ArcState]):
    """The client of an arcgames OpenEnv server: ``ArcGamesClient(base_url=...).sync()`` for blocking calls."""

    def _step_payload(self, action: ArcAction) -> dict[str, Any]:
        return action.model_dump(exclude={"metadata"})

    def _parse_result(self, payload: dict[str, Any]) -> StepResult[ArcObservation]:
        reward, done = payload.get("reward"), bool(payload.get("done", False))
        observation = ArcObservation(**payload.get("observation", {}), reward=reward, done=done)
        return StepResult(observation=observation, reward=reward, done=done)

    def _parse_state(self, payload: dict[str, Any]) -> ArcState:
        return ArcState(**payload)


def build_app(games: list[str] | None = None, **settings: Any):  # -> fastapi.FastAPI
    """The OpenEnv server app: one environment per WebSocket session."""
    ArcGamesEnvironment(games, **settings)  # bad settings fail now, not in the first session
    return create_app(lambda: ArcGamesEnvironment(games, **settings), ArcAction, ArcObservation, env_name="arcgames")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m arcgames.train.openenv_env", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default: this machine only)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument("--split", default="public", help="public (default), evaluation or all")
    parser.add_argument("--budget-factor", type=float, default=DEFAULT_BUDGET_FACTOR, help="level budget x baseline")
    parser.add_argument("--image", action="store_true", help="also send the frame as a PNG data URL")
    args = parser.parse_args(argv)
    import uvicorn

    app = build_app(training_games(args.split), budget_factor=args.budget_factor, image=args.image)
    uvicorn.run(app, host=args.host, port=args.port)


if __name__ == "__main__":
    main()

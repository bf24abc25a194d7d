"""Gymnasium wrappers. :class:`RecordTrajectory` records any env use in the recording format."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import gymnasium as gym

from arcgames.actions import Action, ActionId, InvalidActionError
from arcgames.adapters.arc import OfficialArcEnv
from arcgames.env import ArcGameEnv
from arcgames.game import ENGINE_VERSION
from arcgames.recording import SCHEMA_VERSION, EndReason, EvalSettings, Header, Recorder

AGENT_FIELDS = frozenset({"tokens_in", "tokens_out", "cost", "invalid_replies", "default_action"})


def config_hash(config: dict[str, Any]) -> str:
    """A short stable hash of an agent's configuration (JSON-serialisable values)."""
    return hashlib.blake2b(json.dumps(config, sort_keys=True, default=str).encode(), digest_size=8).hexdigest()


def safe_name(text: str) -> str:
    """A string made safe for file names."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("._")[:40] or "anon"


class RecordTrajectory(gym.Wrapper):
    """Record every play of the wrapped arcgames env as a JSONL recording.

    Each ``reset()`` starts a new file in ``out_dir`` (or exactly ``path`` for a
    single play). A play ends with reason ``win``, ``budget`` (truncated), ``reset``
    (a new play began), ``quit`` (``close()``) or ``crash`` (the env raised; call
    :meth:`finish` with ``"crash"`` when the agent raised).
    """

    def __init__(
        self,
        env: gym.Env,
        out_dir: str | Path | None = None,
        *,
        path: str | Path | None = None,
        player: str,
        player_kind: Literal["human", "agent"] = "agent",
        config: dict[str, Any] | None = None,
        first_play: bool | None = None,
        mode: str = "play",
        evaluation: EvalSettings | None = None,
    ) -> None:
        super().__init__(env)
        if not isinstance(env.unwrapped, ArcGameEnv | OfficialArcEnv):
            raise TypeError("RecordTrajectory wraps arcgames envs (arcgames.make) and official games (OfficialArcEnv)")
        self._arc: ArcGameEnv | OfficialArcEnv = env.unwrapped  # cached: `unwrapped` walks every wrapper each call
        if (out_dir is None) == (path is None):
            raise ValueError("give exactly one of out_dir (a folder, one file per play) or path (one play)")
        self.out_dir = Path(out_dir) if out_dir is not None else None
        self.path = Path(path) if path is not None else None
        self.player, self.player_kind, self.mode, self.first_play = player, player_kind, mode, first_play
        self.evaluation = evaluation
        self.config_hash = config_hash(config) if config is not None else None
        self.recorder: Recorder | None = None
        self.recordings: list[Path] = []
        self._extra: dict[str, int | float | bool] | None = None

    @property
    def arc(self) -> ArcGameEnv | OfficialArcEnv:
        return self._arc

    def reset(self, *, seed: int | None = None, options: dict[str, Any] | None = None):
        self.finish("reset")
        frame, info = self.env.reset(seed=seed, options=options)
        header = Header(
            schema_version=SCHEMA_VERSION,
            game_id=self.arc.game.id,
            game_version=self.arc.game.version,
            engine_version=getattr(self.arc, "engine_version", ENGINE_VERSION),
            engine=getattr(self.arc, "engine_name", None),  # official games name theirs; arcgames' own stays unset
            seed=seed if seed is not None else 0,
            start_level=info["level"],
            player_kind=self.player_kind,
            player=self.player,
            config_hash=self.config_hash,
            first_play=self.first_play,
            mode=self.mode,
            max_actions=self.arc.max_actions,
            evaluation=self.evaluation,
            started_at=datetime.now(UTC),
        )
        self.recorder = Recorder(self._next_path(), header)
        self.recordings.append(self.recorder.path)
        return frame, info

    def annotate(self, **extra: int | float | bool) -> None:
        """Attach agent fields (tokens_in, tokens_out, cost, invalid_replies, default_action) to the next step."""
        unknown = set(extra) - AGENT_FIELDS
        if unknown:
            raise ValueError(f"unknown recording fields {sorted(unknown)}; allowed: {sorted(AGENT_FIELDS)}")
        self._extra = extra

    def step(self, action: Action | ActionId | int):
        action = self.arc.codec.to_action(action)  # invalid actions raise here and are not recorded
        engine = self.arc.engine
        level, done_before, level_actions = engine.level, engine.levels_completed, engine.level_actions
        try:
            frame, reward, terminated, truncated, info = self.env.step(action)
        except InvalidActionError:
            raise  # refused before anything changed: not part of the play
        except Exception as err:
            self.finish("crash", detail=repr(err))
            raise
        if self.recorder is not None:
            done = info["levels_completed"]
            self.recorder.step(info["action_count"], level, str(action), frame, engine.game_state, done, self._extra)
            self._extra = None
            if info["levels_completed"] > done_before:
                self.recorder.level_done(level, level_actions + 1, info["action_count"])
            if info["state"] == "WIN":
                self.finish("win")
            elif truncated:
                self.finish("budget")
        return frame, reward, terminated, truncated, info

    def finish(self, reason: EndReason, detail: str = "") -> None:
        """End the current recording (if one is open) with ``reason``."""
        if self.recorder is not None and not self.recorder.closed:
            engine = self.arc.engine
            self.recorder.end(reason, engine.action_count, engine.levels_completed, engine.game_state, detail)
        self.recorder = None

    def close(self) -> None:
        self.finish("quit")
        super().close()

    def _next_path(self) -> Path:
        if self.path is not None:
            if self.recordings:
                raise ValueError(f"path={self.path} holds one play; use out_dir to record several")
            return self.path
        # A random suffix: two plays started in the same microsecond must not collide.
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
        return self.out_dir / f"{self.arc.game.id}-{safe_name(self.player)}-{stamp}-{uuid.uuid4().hex[:6]}.jsonl"

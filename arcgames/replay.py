"""Verified replay: re-run a recording's actions and check every frame and the end state."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel

from arcgames.actions import Action, InvalidActionError
from arcgames.engine import Engine, GameState
from arcgames.game import ENGINE_VERSION
from arcgames.recording import Header, Recording, RecordingError, Step, frame_hash, read_recording
from arcgames.registry import UnknownGameError, get_game

if TYPE_CHECKING:
    from arcgames.adapters.arc import OfficialEngine


class Verification(BaseModel):
    """The verdict on one recording."""

    path: Path
    ok: bool
    reason: str | None = None  # the first problem found, when not ok
    step: int | None = None  # the first diverging step, when the problem is a step
    game_id: str | None = None
    player: str | None = None
    start_level: int = 0  # 0-based level the play started at
    actions: int = 0
    levels_completed: int = 0
    level_actions: list[int] = []  # actions per completed level, in order
    state: GameState | None = None
    complete: bool = False  # the recording has its end line (the play was not killed)
    torn_tail: bool = False


class Divergence(RecordingError):
    """The replay disagrees with the recording at a step."""

    def __init__(self, step: int, reason: str) -> None:
        super().__init__(f"step {step}: {reason}")
        self.step, self.reason = step, reason


def _arcgames_engine(header: Header, path: Path) -> Engine:
    game = get_game(header.game_id)
    if header.game_version != game.version:
        raise RecordingError(
            f"{path}: recorded with game {game.id} version {header.game_version}, but the installed "
            f"version is {game.version} (engine {ENGINE_VERSION}, recorded with {header.engine_version}); "
            "it can only be replayed with the arcgames version that made it"
        )
    if not 0 <= header.start_level < game.num_levels:
        raise RecordingError(f"{path}: start level {header.start_level + 1} does not exist in game {game.id}")
    return Engine(game, header.start_level)


def _arcengine_engine(header: Header, path: Path) -> OfficialEngine:
    from arcgames.adapters.arc import replay_engine  # official games only: it loads their files

    return replay_engine(header, path)


# The header's ``engine`` -> a fresh engine at the recording's start; None is arcgames' own.
REPLAY_ENGINES: dict[str | None, Callable[[Header, Path], Engine | OfficialEngine]] = {
    None: _arcgames_engine,
    "arcgames": _arcgames_engine,
    "arcengine": _arcengine_engine,
}


def start_engine(recording: Recording) -> Engine | OfficialEngine:
    """The engine the recording was made with, at its start (both kinds step alike); RecordingError if unavailable."""
    header = recording.header
    make_engine = REPLAY_ENGINES.get(header.engine)
    if make_engine is None:
        known = ", ".join(name for name in REPLAY_ENGINES if name)
        raise RecordingError(f"{recording.path}: recorded with engine {header.engine!r}; this arcgames replays {known}")
    return make_engine(header, recording.path)


def simulate(recording: Recording) -> Iterator[tuple[Step, Engine | OfficialEngine]]:
    """Re-run the recording, yielding each step with the engine just after it; raises Divergence."""
    engine = start_engine(recording)
    for step in recording.steps:
        if step.level != engine.level:
            raise Divergence(step.index, f"recorded in level {step.level + 1}, replay is in level {engine.level + 1}")
        try:
            engine.step(Action.parse(step.action))
        except InvalidActionError as err:
            raise Divergence(step.index, f"{step.action} was refused on replay: {err}") from None
        if frame_hash(engine.frame) != step.frame:
            raise Divergence(step.index, f"frame after {step.action} differs from the recorded one")
        if engine.game_state != step.state or engine.levels_completed != step.levels_completed:
            raise Divergence(
                step.index,
                f"recorded state {step.state.value} with {step.levels_completed} levels, "
                f"replay gives {engine.game_state.value} with {engine.levels_completed}",
            )
        yield step, engine


def verify(path: str | Path) -> Verification:
    """Replay a recording file and report whether it is exactly what the engine produces."""
    path = Path(path)
    try:
        recording = read_recording(path)
    except RecordingError as err:
        return Verification(path=path, ok=False, reason=str(err))
    header = recording.header
    result = Verification(
        path=path, ok=False, game_id=header.game_id, player=header.player, start_level=header.start_level,
        torn_tail=recording.torn_tail,
    )  # fmt: skip
    try:
        last = deque(simulate(recording), maxlen=1)
    except Divergence as err:
        return result.model_copy(update={"reason": str(err), "step": err.step})
    except (RecordingError, UnknownGameError) as err:
        return result.model_copy(update={"reason": str(err)})
    engine = last[0][1] if last else None
    actions = engine.action_count if engine else 0
    done = engine.levels_completed if engine else 0
    state = engine.game_state if engine else GameState.NOT_FINISHED
    problem = (
        _check_levels(recording) or _check_end(recording, actions, done, state) or _check_budgets(recording, engine)
    )
    if problem:
        return result.model_copy(update={"reason": problem})
    return result.model_copy(
        update={
            "ok": True,
            "actions": actions,
            "levels_completed": done,
            "level_actions": [level.actions for level in recording.levels],
            "state": state,
            "complete": recording.end is not None,
        }
    )


def _check_levels(recording: Recording) -> str | None:
    """Level lines must sit where the replayed level count rose, with the right action counts."""
    rises, previous, level_start = [], 0, 0
    for step in recording.steps:
        if step.levels_completed > previous:
            rises.append((step.level, step.index - level_start, step.index))
            level_start = step.index
        previous = step.levels_completed
    recorded = [(level.level, level.actions, level.index) for level in recording.levels]
    if recorded != rises:
        return f"level lines {recorded} do not match the replay's level completions {rises}"
    return None


def _check_budgets(recording: Recording, engine: Engine | None) -> str | None:
    """An evaluation run must keep each level within the budget its header states (the replay's counts)."""
    settings = recording.header.evaluation
    if settings is None or engine is None:
        return None
    spent = [level.actions for level in recording.levels] + [engine.level_actions]
    for level, (actions, budget) in enumerate(zip(spent, settings.budgets, strict=False), start=1):
        if actions > budget:
            return f"level {level} took {actions} actions, over the budget of {budget} its header states"
    return None


def _check_end(recording: Recording, actions: int, done: int, state: GameState) -> str | None:
    end = recording.end
    if end is None:
        return None
    if (end.actions, end.levels_completed, end.state) != (actions, done, state):
        return (
            f"end line claims {end.actions} actions, {end.levels_completed} levels, {end.state.value}; "
            f"replay gives {actions}, {done}, {state.value}"
        )
    if (end.reason == "win") != (state == GameState.WIN):
        return f"end reason {end.reason!r} does not match the final state {state.value}"
    return None


def replay_frames(recording: Recording) -> Iterator[np.ndarray]:
    """The frames of a recording: the start frame, then one per action (copies)."""
    yield start_engine(recording).frame.copy()
    for _, engine in simulate(recording):
        yield engine.frame.copy()

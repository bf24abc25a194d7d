"""SFT data from recordings: each action a chat example in the LLM agent's own prompt and reply format.

One example per action the model would have been asked for: the conversation the LLM agent
sends for that turn (agents/llm/prompt.py: system prompt, recent history, progress, the
frame) and, as the assistant's reply, the recorded action as the strict-JSON reply the
agent parses (agents/llm/parse.py). Turns after GAME OVER are skipped: the agent sends that
RESET itself, without asking. Lines are JSONL with a ``messages`` column, which
``datasets.load_dataset("json", data_files=...)`` and TRL's SFTTrainer read as they are.

Every recording is replay-verified first and refused when it fails: training data is what
the engine produced, never what a file claims.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from arcgames.actions import Action
from arcgames.agent import agent_view, opaque_run_id
from arcgames.agents.llm.parse import action_args
from arcgames.agents.llm.prompt import History, describe_outcome, turn_messages
from arcgames.baselines import baseline_for
from arcgames.env import ArcGameEnv
from arcgames.recording import Recording, RecordingError, frame_hash, read_recording
from arcgames.replay import verify

Filter = Literal["first-plays", "wins", "efficient"]
FILTERS: tuple[str, ...] = ("first-plays", "wins", "efficient")


class ExportError(ValueError):
    """A recording that cannot become training data; names the file and the reason."""


@dataclass(frozen=True)
class ExportSettings:
    """How examples are rendered (the LLM agent's settings of the same names) and which plays are kept.

    Args:
        history: recent actions each prompt shows (the agent's ``history``).
        rle: run-length encoded frame text (the agent's ``rle``).
        filters: ``first-plays`` (human first plays and every agent play), ``wins`` (the game
            was won), ``efficient`` (every completed level within ``max_ratio`` x its baseline).
        max_ratio: for ``efficient``: the most actions per level, as a multiple of the baseline.
    """

    history: int = 16
    rle: bool = False
    filters: tuple[str, ...] = ()
    max_ratio: float = 2.0

    def __post_init__(self) -> None:
        if self.history < 0:
            raise ValueError(f"history must be 0 or more, got {self.history}")
        if not self.max_ratio > 0:
            raise ValueError(f"max_ratio must be positive, got {self.max_ratio}")
        unknown = set(self.filters) - set(FILTERS)
        if unknown:
            raise ValueError(f"unknown filters {sorted(unknown)}; use {', '.join(FILTERS)}")


def kept(recording: Recording, level_actions: list[int], settings: ExportSettings) -> str | None:
    """Why a verified recording is filtered out, or None to keep it."""
    header = recording.header
    if "first-plays" in settings.filters and header.player_kind == "human" and header.first_play is not True:
        return "not a first play"
    if "wins" in settings.filters and (recording.end is None or recording.end.reason != "win"):
        return "not a win"
    if "efficient" in settings.filters:
        baseline = baseline_for(header.game_id).counts[header.start_level :]
        slow = [i for i, (spent, n) in enumerate(zip(level_actions, baseline, strict=False))
                if spent > settings.max_ratio * n]  # fmt: skip
        if slow:
            return f"level {header.start_level + slow[0] + 1} took over {settings.max_ratio:g}x its baseline"
    return None


def examples(recording: Recording, settings: ExportSettings) -> Iterator[dict[str, Any]]:
    """The recording's turns as chat examples (the recording must have been verified)."""
    header = recording.header
    if header.engine not in (None, "arcgames"):
        raise ExportError(f"{recording.path}: recorded with engine {header.engine!r}; only arcgames games export")
    env = ArcGameEnv(header.game_id)
    frame, info = env.reset(seed=header.seed, options={"level": header.start_level})
    run_id, history, previous = opaque_run_id(), History(settings.history), None
    for step in recording.steps:
        view = agent_view(info, run_id)
        if previous is not None:
            history.set_outcome(describe_outcome(*previous, frame, view))
        action = Action.parse(step.action)
        if view["state"] == "GAME_OVER":
            note = "automatic RESET after game over"  # as the agent: no question, so no example
        else:
            note = ""
            reply = json.dumps(action_args(action))
            messages = turn_messages(frame, view, history, "json", rle=settings.rle)
            yield {"messages": [*messages, {"role": "assistant", "content": reply}]}
        history.add(view["action_count"] + 1, str(action), note)
        previous = (frame.copy(), view)
        frame, _, _, _, info = env.step(action)
        if frame_hash(frame) != step.frame:  # verify() passed, so this is a bug here, not a bad file
            raise ExportError(f"{recording.path}: step {step.index} diverged while exporting")


def export(paths: Iterable[Path], out: Path, settings: ExportSettings) -> dict[str, Any]:
    """Verify each recording, write the kept ones' examples to ``out`` (JSONL); refuse any that fails to verify.

    Returns counts and, per file, why it was skipped. Nothing is written when a recording fails.
    """
    chosen, skipped = [], {}
    for path in expand(paths):
        check = verify(path)
        if not check.ok:
            raise ExportError(f"{path}: does not verify ({check.reason}); only verified recordings become data")
        recording = read_recording(path)
        reason = kept(recording, check.level_actions, settings)
        if reason:
            skipped[str(path)] = reason
        else:
            chosen.append(recording)
    rows = [row for recording in chosen for row in examples(recording, settings)]
    write_jsonl(rows, out)
    return {"out": str(out), "recordings": len(chosen), "examples": len(rows), "skipped": skipped}


def expand(paths: Iterable[Path]) -> list[Path]:
    """Recording files, with folders expanded to their ``*.jsonl`` files (sorted)."""
    files: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files += sorted(path.rglob("*.jsonl"))
        elif path.is_file():
            files.append(path)
        else:
            raise ExportError(f"{path}: no such file or folder")
    if not files:
        raise ExportError("no recordings (*.jsonl) found in the given paths")
    return files


def write_jsonl(rows: list[dict[str, Any]], out: Path) -> None:
    """Write rows as JSONL through a temporary file, so a failed export leaves no half file."""
    out = Path(out)
    partial = out.with_name(out.name + ".partial")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("w") as handle:
            for row in rows:
                handle.write(json.dumps(row) + "\n")
        partial.replace(out)
    except OSError as err:
        partial.unlink(missing_ok=True)
        raise ExportError(f"cannot write {out}: {err.strerror}; choose a writable path") from None


def record_solutions(game_ids: Iterable[str], out_dir: Path) -> list[Path]:
    """Play the solver's shortest solution of every level of each game, recorded (the recordings to export).

    The solver reads game internals; what it leaves is an ordinary recording of a winning play.
    """
    from arcgames.solver import solve
    from arcgames.wrappers import RecordTrajectory

    paths = []
    for game_id in game_ids:
        env = RecordTrajectory(ArcGameEnv(game_id), out_dir, player="solver", config={"agent": "solver"})
        env.reset(seed=0)
        for level in range(env.arc.game.num_levels):
            solution = solve(env.arc.game, level)
            if solution is None:
                raise RecordingError(f"game {game_id} level {level + 1} has no solution")
            for action in solution.actions:
                env.step(action)
        env.close()
        paths += env.recordings
    return paths

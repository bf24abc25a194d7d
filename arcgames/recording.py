"""Recordings: one JSONL file per play, the same for people and agents.

Line 1 is a :class:`Header`; then one :class:`Step` per action, a :class:`LevelDone`
after each action that completed a level, and an :class:`End` line. Every line after
the header carries ``prev``, a running CRC-32 over all earlier lines, so an edited,
deleted or reordered line is caught on read. The chain is tamper-*evident*, not a
signature: what makes a recording trustworthy is that :mod:`arcgames.replay`
re-runs its actions and checks every frame, and the scorer reads only verified files.

Why CRC-32 for frames and the chain: a frame hash only has to expose divergence
between the recorded and the replayed run (anyone can recompute any hash, so
cryptographic strength buys nothing here), and CRC-32 of a 64x64 frame costs ~1 µs
against ~5 µs for blake2b — the step budget is ~20 µs.
"""

from __future__ import annotations

import json
import os
import time
import zlib
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from arcgames.engine import GameState
from arcgames.paths import read_regular_file

SCHEMA_VERSION = 2  # 2 added Header.evaluation; version 1 files are still read
READABLE_SCHEMA_VERSIONS = (1, 2)
# Read-time limits against hostile files: a step line is ~150 bytes and a header well under 2 KB, so a
# million-action play fits. Names are short; a megabyte name once made the leaderboard take minutes.
MAX_RECORDING_BYTES = 256 * 1024 * 1024
MAX_LINE_BYTES = 16 * 1024
MAX_NAME_CHARS = 200
MAX_DETAIL_CHARS = 2000
EndReason = Literal["win", "quit", "budget", "crash", "reset"]


class RecordingError(ValueError):
    """A recording that cannot be read or trusted; names the file, line and reason."""


class _Line(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


Name = Annotated[str, Field(max_length=MAX_NAME_CHARS)]


class EvalSettings(BaseModel):
    """The harness settings a run was played under, so a leaderboard can refuse anything but its own rules.

    A local header is a claim (anyone can write one); a board checks what it can against the replay
    (every level within its budget) and trusts the rest only when a host signed the recording.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    agent: Name  # the --agent value: a built-in name or "package.module:Class"
    agent_kwargs_hash: Name  # hash of the agent's keyword arguments (config_hash)
    # What the evaluation covers: "public", "evaluation", "all", or a comma-separated list of ids.
    games: Annotated[str, Field(max_length=4096)]
    runs: int  # runs per game in the evaluation
    run: int  # this run's index, 0-based
    budget_factor: float  # each level's budget is this many times its baseline count
    budgets: list[int]  # the action budget of each level, in order


class Header(_Line):
    type: Literal["header"] = "header"
    schema_version: int
    game_id: Name
    game_version: Name  # Game.version: changes whenever the game's maps or rules change
    engine_version: Name
    # None (never written): arcgames' own engine. "arcengine": an official ARC-AGI-3 game
    # (arcgames.adapters.arc), replayed through arcengine. Unset, old recordings stay byte for byte.
    engine: Name | None = None
    seed: int
    start_level: int = 0  # 0-based level the play started at
    player_kind: Literal["human", "agent"]
    player: Name  # a human's id, or an agent's name
    config_hash: Name | None = None  # agents: hash of their configuration
    first_play: bool | None = None  # humans: no earlier local recording of this game by this player
    mode: Name = "play"  # play, eval, serve, ...
    max_actions: int | None = None  # the action budget, if any
    evaluation: EvalSettings | None = None  # runs of `arcgames eval` (and hosted competitions)
    started_at: datetime


class Step(_Line):
    type: Literal["step"] = "step"
    index: int  # 1-based action number in the play
    level: int  # 0-based level the action was taken in
    action: str  # str(Action): "ACTION3", "RESET", "ACTION6(12,40)"
    frame: str  # CRC-32 (hex) of the frame after the action
    state: GameState
    levels_completed: int
    time: float  # seconds since the play started
    tokens_in: int | None = None  # LLM agents: prompt tokens for this action
    tokens_out: int | None = None
    cost: float | None = None  # LLM agents: USD for this action
    invalid_replies: int | None = None  # LLM agents: malformed replies before this action
    default_action: bool | None = None  # LLM agents: the fallback action, taken after too many malformed replies
    prev: str


class LevelDone(_Line):
    type: Literal["level"] = "level"
    level: int  # 0-based level just completed
    actions: int  # actions spent on that level, RESET and undo included
    index: int  # the step that completed it
    prev: str


class End(_Line):
    type: Literal["end"] = "end"
    reason: EndReason
    actions: int
    levels_completed: int
    state: GameState
    time: float
    detail: str | None = None  # e.g. the exception of a crash
    prev: str


Line = Annotated[Header | Step | LevelDone | End, Field(discriminator="type")]
_LINE = TypeAdapter(Line)


class Recording(BaseModel):
    """A recording as read from disk."""

    path: Path
    header: Header
    steps: list[Step]
    levels: list[LevelDone]
    end: End | None  # None when the play was killed before its end line
    torn_tail: bool = False  # the last line was cut off mid-write and ignored


def frame_hash(frame: np.ndarray) -> str:
    """CRC-32 of a frame's bytes, as 8 hex digits."""
    if frame.dtype != np.uint8 or not frame.flags.c_contiguous:
        frame = np.ascontiguousarray(frame, dtype=np.uint8)
    return f"{zlib.crc32(frame):08x}"


class Recorder:
    """Writes one recording, a line at a time, each line handed to the OS as it happens.

    A process killed mid-play loses at most the line being written. The file is
    created exclusively: an existing recording is never overwritten.
    """

    def __init__(self, path: Path, header: Header) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._fd: int | None = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
        except FileExistsError:
            raise RecordingError(f"{self.path}: already exists; recordings are never overwritten") from None
        except OSError as err:
            raise RecordingError(
                f"cannot create recording {self.path}: {err.strerror}; choose a writable output folder"
            ) from None
        self._chain = 0
        self._t0 = time.perf_counter()
        self._write(header.model_dump_json(exclude_none=True))

    def _write(self, body: str) -> None:
        """Write one line and extend the chain over its bytes."""
        if self._fd is None:
            raise RecordingError(f"{self.path}: the recording is closed")
        data = body.encode()
        try:
            os.write(self._fd, data + b"\n")
        except OSError as err:
            raise RecordingError(f"cannot write {self.path}: {err.strerror} (earlier lines are kept)") from None
        self._chain = zlib.crc32(data, self._chain)

    def elapsed(self) -> float:
        return time.perf_counter() - self._t0

    def step(
        self,
        index: int,
        level: int,
        action: str,
        frame: np.ndarray,
        state: GameState,
        levels_completed: int,
        extra: dict[str, int | float | bool] | None = None,
    ) -> None:
        """Record one action. ``extra`` holds optional agent fields (tokens, cost, invalid replies, default)."""
        # Hand-formatted: json.dumps of the same dict costs ~3 µs, a third of the budget.
        # Every value is an int, a float or a string without quotes or backslashes
        # (str(Action) and GameState values), and tests validate the output with the schema.
        tail = "".join(f',"{k}":{json.dumps(v)}' for k, v in extra.items()) if extra else ""
        # Env frames are fresh contiguous uint8 copies, so crc32 reads them directly; GameState is a
        # StrEnum, so "{state}" is its value without the (slow) enum property lookup.
        crc = zlib.crc32(frame) if frame.flags.c_contiguous else zlib.crc32(np.ascontiguousarray(frame))
        self._write(
            f'{{"type":"step","index":{index},"level":{level},"action":"{action}","frame":"{crc:08x}",'
            f'"state":"{state}","levels_completed":{levels_completed},"time":{time.perf_counter() - self._t0:.4f}'
            f'{tail},"prev":"{self._chain:08x}"}}'
        )

    def level_done(self, level: int, actions: int, index: int) -> None:
        self._write(
            f'{{"type":"level","level":{level},"actions":{actions},"index":{index},"prev":"{self._chain:08x}"}}'
        )

    def end(self, reason: EndReason, actions: int, levels_completed: int, state: GameState, detail: str = "") -> None:
        """Write the end line and close the file."""
        line = {"type": "end", "reason": reason, "actions": actions, "levels_completed": levels_completed}
        line |= {"state": state.value, "time": round(self.elapsed(), 4)}
        if detail:  # exception texts can be long; the line must stay under MAX_LINE_BYTES
            line["detail"] = detail[:MAX_DETAIL_CHARS]
        self._write(json.dumps(line, separators=(",", ":"))[:-1] + f',"prev":"{self._chain:08x}"}}')
        self.close()

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    @property
    def closed(self) -> bool:
        return self._fd is None


def read_recording(path: str | Path) -> Recording:
    """Read and check a recording file: schema, line order and the hash chain.

    A torn last line (a killed writer) is tolerated and reported in ``torn_tail``;
    anything else wrong raises RecordingError naming the line and the reason.
    """
    path = Path(path)
    try:
        raw = read_regular_file(path, MAX_RECORDING_BYTES, "recording")
    except ValueError as err:
        raise RecordingError(str(err)) from None
    lines = raw.split(b"\n")
    torn = lines[-1] != b""  # a complete file ends with a newline
    if not torn:
        lines.pop()
    if not lines or lines == [b""]:
        raise RecordingError(f"{path}: empty file, not a recording")
    parsed: list = []
    chain = 0
    for number, data in enumerate(lines, start=1):
        last = number == len(lines)
        if len(data) > MAX_LINE_BYTES:
            raise RecordingError(f"{path}, line {number}: {len(data):,} bytes; a line is at most {MAX_LINE_BYTES:,}")
        if parsed and isinstance(parsed[-1], End):  # checked first: bytes after the end line are never a torn tail
            raise RecordingError(f"{path}, line {number}: data after the end line; a recording ends with its end line")
        if data.endswith(b"\r"):
            raise RecordingError(
                f"{path}, line {number}: a CRLF line ending; recordings are written with LF only (was the file "
                "converted by an editor or a Windows checkout?)"
            )
        try:
            obj = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError):
            if last and torn:
                break
            raise RecordingError(f"{path}, line {number}: not valid JSON") from None
        if number == 1:
            parsed.append(_header(path, obj))
            chain = zlib.crc32(data)
            continue
        try:
            line = _LINE.validate_python(obj)
        except ValidationError as err:
            if last and torn:
                break
            raise RecordingError(f"{path}, line {number}: {_first_error(err)}") from None
        if isinstance(line, Header):
            raise RecordingError(f"{path}, line {number}: a second header; recordings hold one play")
        if line.prev != f"{chain:08x}":
            raise RecordingError(
                f"{path}, line {number}: hash chain broken (a line before it was edited, removed or reordered)"
            )
        chain = zlib.crc32(data, chain)
        parsed.append(line)
    if not parsed:  # a lone torn line: not even the header was written in full
        raise RecordingError(f"{path}: no complete header line, not a recording")
    steps = [line for line in parsed if isinstance(line, Step)]
    for expected, step in enumerate(steps, start=1):
        if step.index != expected:
            raise RecordingError(f"{path}: step {step.index} where step {expected} was expected")
    end = parsed[-1] if isinstance(parsed[-1], End) else None
    levels = [line for line in parsed if isinstance(line, LevelDone)]
    return Recording(path=path, header=parsed[0], steps=steps, levels=levels, end=end, torn_tail=torn)


def _header(path: Path, obj: object) -> Header:
    if not isinstance(obj, dict) or obj.get("type") != "header":
        raise RecordingError(f"{path}, line 1: not a recording header")
    version = obj.get("schema_version")
    if version not in READABLE_SCHEMA_VERSIONS:
        readable = ", ".join(map(str, READABLE_SCHEMA_VERSIONS))
        raise RecordingError(
            f"{path}, line 1: schema version {version!r} is not supported; this arcgames reads versions {readable}"
        )
    try:
        return Header.model_validate(obj)
    except ValidationError as err:
        raise RecordingError(f"{path}, line 1: {_first_error(err)}") from None


def _first_error(err: ValidationError) -> str:
    first = err.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"field {where!r}: {first['msg']}" if where else first["msg"]

"""Play history: the local recordings, newest first, and whether a play is someone's first.

First plays matter because human baselines are built only from them: a person who
has played a game before knows its rules, so later plays say little about how fast
a newcomer learns it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel

from arcgames.paths import recordings_dir
from arcgames.recording import RecordingError, read_recording

UNKNOWN = "?"  # game or player of a file that could not be read


class PlaySummary(BaseModel):
    """One recording, summarised for listing."""

    path: Path
    game_id: str
    player: str
    player_kind: str  # "human", "agent", or "?" when unreadable
    first_play: bool | None = None
    started_at: datetime  # the file's modification time when the file is unreadable
    levels_completed: int
    actions: int
    end: str  # the end reason, "interrupted" (no end line) or "unreadable: <reason>"


def summarise(path: Path) -> PlaySummary:
    """Summarise one recording file; a file that cannot be read is summarised as unreadable."""
    try:
        recording = read_recording(path)
    except RecordingError as err:
        return _unreadable(path, str(err))
    header, steps, end = recording.header, recording.steps, recording.end
    return PlaySummary(
        path=path,
        game_id=header.game_id,
        player=header.player,
        player_kind=header.player_kind,
        first_play=header.first_play,
        started_at=header.started_at,
        levels_completed=end.levels_completed if end else (steps[-1].levels_completed if steps else 0),
        actions=end.actions if end else len(steps),
        end=end.reason if end else "interrupted",
    )


def _unreadable(path: Path, reason: str) -> PlaySummary:
    # RecordingError messages start with the path; the listing shows the path already.
    reason = reason.removeprefix(f"{path}, ").removeprefix(f"{path}: ")
    try:
        mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    except OSError:
        mtime = datetime.fromtimestamp(0, UTC)
    return PlaySummary(
        path=path,
        game_id=UNKNOWN,
        player=UNKNOWN,
        player_kind=UNKNOWN,
        started_at=mtime,
        levels_completed=0,
        actions=0,
        end=f"unreadable: {reason}",
    )


def recording_files(directory: Path | None = None) -> list[Path]:
    """The ``.jsonl`` files in ``directory`` (default: the local recordings folder) and its subfolders."""
    directory = Path(directory) if directory is not None else recordings_dir()
    if directory.exists() and not directory.is_dir():
        raise NotADirectoryError(f"{directory} is a file; give the folder that holds the recordings")
    return sorted(directory.rglob("*.jsonl")) if directory.is_dir() else []


def list_plays(directory: Path | None = None) -> list[PlaySummary]:
    """Every recording in ``directory`` (default: the local recordings folder), newest first."""
    plays = [summarise(path) for path in recording_files(directory)]
    return sorted(plays, key=lambda p: (p.started_at, p.path.name), reverse=True)


def is_first_play(player: str, game_id: str, directory: Path | None = None) -> bool:
    """True when ``directory`` holds no earlier human recording of ``game_id`` by ``player``.

    Unreadable files are ignored: a damaged file must not cost a player their first play.
    """
    return not any(
        p.player == player and p.game_id == game_id and p.player_kind == "human" for p in list_plays(directory)
    )

"""Submitting a run: verify every recording, re-score it, and store it whole or not at all.

A submission is a folder of recordings (what ``arcgames eval --out DIR`` writes). What
the submitter claims — a results.json, a score field, an edited end line — is never
read: each recording is replayed by :func:`arcgames.replay.verify`, and the score is
recomputed by :mod:`arcgames.scoring` over every game of the split (unplayed games 0).
One bad recording rejects the whole submission, so a ranking never rests on a subset
the submitter chose to keep.
"""

from __future__ import annotations

import hashlib
import unicodedata
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from arcgames.baselines import Baseline, baseline_for
from arcgames.game import ENGINE_VERSION
from arcgames.leaderboard.store import (
    DuplicateSubmissionError,
    GameRow,
    NewSubmission,
    RecordingRow,
    Submission,
    connect,
    duplicate_message,
    find_by_content_hash,
    insert_submission,
)
from arcgames.recording import Header, RecordingError, read_recording
from arcgames.registry import UnknownGameError, get_game, list_games
from arcgames.replay import Verification, verify
from arcgames.scoring import ScoreReport, score_recordings

SPLITS = ("public", "evaluation")
MAX_NAME_LENGTH = 80
MAX_NOTES_LENGTH = 1000


class SubmissionRejected(ValueError):
    """A submission that was not stored; ``problems`` lists each recording's reason."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or []
        detail = "".join(f"\n  - {p}" for p in self.problems)
        super().__init__(f"{message}{detail}\nnothing was stored")


def check_name(name: str) -> str:
    """A leaderboard name: one line of 1..80 characters, stored exactly as given."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError("a submission needs a name, e.g. --name 'explorer v2'")
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"the name is {len(name)} characters long; at most {MAX_NAME_LENGTH} fit the leaderboard")
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise ValueError("the name contains control characters (newline, tab, ...); use one line of plain text")
    return name


def submit(
    run_dir: str | Path,
    name: str,
    split: str = "public",
    baselines_file: Path | None = None,
    db: Path | str | None = None,
    notes: str = "",
) -> Submission:
    """Verify and score the recordings in ``run_dir`` over ``split`` and store them as one submission.

    Raises SubmissionRejected (a ValueError) naming every recording that failed, and
    DuplicateSubmissionError when the same recordings were submitted before.
    """
    check_name(name)
    if len(notes) > MAX_NOTES_LENGTH:
        raise ValueError(f"the notes are {len(notes)} characters long; at most {MAX_NOTES_LENGTH}")
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    paths = _recording_paths(Path(run_dir))
    hashes = _content_hashes(paths)
    content_hash = _submission_hash(hashes)
    with closing(connect(db)) as conn:
        # Fail fast before replaying everything; insert_submission checks again under the write lock.
        earlier = find_by_content_hash(conn, content_hash)
        if earlier is not None:
            raise DuplicateSubmissionError(duplicate_message(earlier))
        games = list_games(split)
        baselines = _baselines(games, baselines_file)
        checks = _verify_all(paths, games, split)
        report = score_recordings(paths, games, baselines_file)
        if report.rejected or _content_hashes(paths) != hashes:
            raise SubmissionRejected("the recordings changed while they were being scored; submit again")
        new = _new_submission(name, notes, split, report, checks, hashes, baselines, content_hash)
        return insert_submission(conn, new)


def _recording_paths(run_dir: Path) -> list[Path]:
    if not run_dir.is_dir():
        raise SubmissionRejected(f"{run_dir} is not a folder of recordings; pass the --out folder of `arcgames eval`")
    paths = sorted(run_dir.glob("*.jsonl"))
    partial = sorted(p.name for p in run_dir.glob("*.jsonl.partial"))
    if partial:
        raise SubmissionRejected(
            f"{run_dir} holds unfinished runs; re-run the same `arcgames eval` to finish them", partial
        )
    if not paths:
        raise SubmissionRejected(f"{run_dir} holds no recordings (*.jsonl); run `arcgames eval --out {run_dir}` first")
    return paths


def _content_hashes(paths: list[Path]) -> dict[Path, str]:
    hashes, problems = {}, []
    for path in paths:
        try:
            hashes[path] = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError as err:
            problems.append(f"{path.name}: cannot read it ({err.strerror})")
    if problems:
        raise SubmissionRejected("some recordings cannot be read", problems)
    seen: dict[str, Path] = {}
    copies = []
    for path, digest in hashes.items():
        if digest in seen:
            copies.append(f"{path.name}: identical to {seen[digest].name}")
        seen.setdefault(digest, path)
    if copies:  # a copied good run would count twice in the mean over runs
        raise SubmissionRejected("the folder holds copies of the same recording", copies)
    return hashes


def _submission_hash(hashes: dict[Path, str]) -> str:
    """The submission's identity: its recordings' contents, whatever the files are called."""
    return hashlib.sha256("\n".join(sorted(hashes.values())).encode()).hexdigest()


def _baselines(games: list[str], baselines_file: Path | None) -> dict[str, Baseline]:
    """Each game's baseline, checked to cover every level before anything is scored."""
    baselines = {}
    for game_id in games:
        try:
            baseline = baseline_for(game_id, baselines_file)
        except ValueError as err:  # StaleBaselineError, or an unreadable human baseline file
            raise SubmissionRejected(f"cannot score game {game_id}: {err}") from None
        levels = get_game(game_id).num_levels
        if len(baseline.counts) != levels:
            raise SubmissionRejected(
                f"the baseline for game {game_id} covers {len(baseline.counts)} levels but the game has {levels}; "
                "run `arcgames solve --write-counts` to regenerate games/solver_counts.json"
            )
        baselines[game_id] = baseline
    return baselines


def _verify_all(paths: list[Path], games: list[str], split: str) -> dict[Path, Verification]:
    checks, problems = {}, []
    other_version = False
    for path in paths:
        check = verify(path)
        problem = _problem(path, check, games, split)
        if problem is None:
            checks[path] = check
            continue
        problems.append(f"{path.name}: {problem}")
        other_version = other_version or _other_game_version(path)
    if problems:
        hint = ""
        if other_version:
            hint = "; recordings of another game version can only be submitted with the arcgames version that made them"
        raise SubmissionRejected(f"{len(problems)} of {len(paths)} recordings failed verification{hint}", problems)
    players = sorted({check.player for check in checks.values() if check.player})
    if len(players) > 1:
        raise SubmissionRejected(f"the recordings are by {len(players)} players ({', '.join(players)}); "
                                 "submit one agent's run per submission")  # fmt: skip
    return checks


def _problem(path: Path, check: Verification, games: list[str], split: str) -> str | None:
    if not check.ok:
        return check.reason.replace(f"{path}: ", "").replace(f"{path}, ", "") if check.reason else "not verified"
    if check.game_id not in games:
        return f"game {check.game_id} is not in the {split} split ({', '.join(games)})"
    if not check.complete:
        return "no end line: the play was interrupted, and only finished runs are ranked"
    start = _start_level(path)
    if start != 0:  # the scorer maps completed levels to baselines from level 1 on
        return f"the play started at level {start + 1}; ranked runs start at level 1"
    return None


def _start_level(path: Path) -> int:
    with path.open("rb") as file:  # verified already: line 1 is a valid header
        return Header.model_validate_json(file.readline()).start_level


def _other_game_version(path: Path) -> bool:
    try:
        header = read_recording(path).header
        return header.game_version != get_game(header.game_id).version
    except (RecordingError, UnknownGameError):
        return False


def _new_submission(
    name: str,
    notes: str,
    split: str,
    report: ScoreReport,
    checks: dict[Path, Verification],
    hashes: dict[Path, str],
    baselines: dict[str, Baseline],
    content_hash: str,
) -> NewSubmission:
    games = [
        GameRow(game_id=g.game_id, game_version=get_game(g.game_id).version, score=g.score,
                best_run_score=g.best_run_score, levels_completed=g.levels_completed, num_levels=g.num_levels,
                runs=len(g.runs), baseline_provenance=g.baseline.provenance, baseline_counts=g.baseline.counts)
        for g in report.games
    ]  # fmt: skip
    recordings = [
        RecordingRow(file_name=run.path.name, content_hash=hashes[run.path], game_id=run.game_id, score=run.score,
                     levels_completed=run.levels_completed, actions=run.actions, verified=checks[run.path].ok)
        for g in report.games for run in g.runs
    ]  # fmt: skip
    return NewSubmission(
        name=name, notes=notes, player=report.player or "unknown", submitted_at=datetime.now(UTC), split=split,
        engine_version=ENGINE_VERSION, total=report.total, total_ci=report.total_ci, iqm=report.iqm,
        iqm_ci=report.iqm_ci, best_run_total=report.best_run_total, levels_completed=report.levels_completed,
        total_levels=report.total_levels, baseline_provenance=provenance_summary(list(baselines.values())),
        efficiency_curve=report.efficiency_curve, content_hash=content_hash, games=games, recordings=recordings,
    )  # fmt: skip


def provenance_summary(baselines: list[Baseline]) -> str:
    """``solver`` when every game's baseline is the solver's, else each distinct provenance."""
    kinds = sorted({b.provenance for b in baselines})
    return kinds[0] if len(kinds) == 1 else "mixed: " + "; ".join(kinds)

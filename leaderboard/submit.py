"""Submitting a run: verify every recording, hold it to the board's rules, re-score it, store it whole or not at all.

A submission is one whole evaluation: a folder of recordings (what ``arcgames eval --out
DIR`` writes), or a hosted scorecard's folder (what an ``arcgames serve --competition``
host writes and signs). What the submitter claims — a results.json, a score field, an
edited end line, a baseline file — is never read: each recording is replayed by
:func:`arcgames.replay.verify`, the board's own rules decide what must have been played,
and the score is recomputed by :func:`arcgames.scoring.score_runs` against the board's
own baselines over every game (unplayed games 0). One bad recording rejects the whole
submission, so a ranking never rests on a subset the submitter chose to keep.

Two tiers (docs/leaderboard.md): ``hosted`` rows rest on a host's signature over every
recording of a scorecard, so they cannot be edited, trimmed or picked from; ``self-reported``
rows rest on the replay alone, which proves the actions are legal and give the frames, not
how they were chosen.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import unicodedata
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

from arcgames.baselines import Baseline
from arcgames.game import ENGINE_VERSION
from arcgames.hosting import MANIFEST_FILE, HostedEvaluation, read_signed_manifest
from arcgames.leaderboard.store import (
    BaselineSet,
    BoardRules,
    DuplicateSubmissionError,
    GameRow,
    NewSubmission,
    RecordingRow,
    Submission,
    Tier,
    board_rules,
    connect,
    current_baselines,
    duplicate_message,
    find_by_content_hash,
    find_plays,
    insert_submission,
    trusted_host,
)
from arcgames.paths import read_regular_file
from arcgames.recording import MAX_RECORDING_BYTES, Recording, read_recording
from arcgames.registry import get_game, list_games
from arcgames.replay import Verification, verify
from arcgames.scoring import PlayedRun, ScoreReport, played_run, score_runs

SPLITS = ("public", "evaluation")
MAX_NAME_LENGTH = 80
MAX_NOTES_LENGTH = 1000
MAX_RECORDINGS = 10_000


class SubmissionRejected(ValueError):
    """A submission that was not stored; ``problems`` lists each recording's reason."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or []
        detail = "".join(f"\n  - {p}" for p in self.problems[:50])
        more = f"\n  (and {len(self.problems) - 50} more)" if len(self.problems) > 50 else ""
        super().__init__(f"{message}{detail}{more}\nnothing was stored")


def check_name(name: str) -> str:
    """A leaderboard name: one line of 1..80 characters, stored exactly as given."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError("a submission needs a name, e.g. --name 'explorer v2'")
    if len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"the name is {len(name)} characters long; at most {MAX_NAME_LENGTH} fit the leaderboard")
    if any(unicodedata.category(c) == "Cc" for c in name):
        raise ValueError("the name contains control characters (newline, tab, ...); use one line of plain text")
    return name


def content_hash(path: Path) -> str:
    """SHA-256 of a recording's bytes (read as a regular file of bounded size)."""
    try:
        return hashlib.sha256(read_regular_file(path, MAX_RECORDING_BYTES, "recording")).hexdigest()
    except ValueError as err:
        raise SubmissionRejected("a recording cannot be read", [str(err)]) from None


class _Run:
    """One recording as the board sees it: its bytes' hash, its verdict, what was played."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.content_hash = content_hash(path)
        self.check: Verification = verify(path)
        self.recording: Recording | None = read_recording(path) if self.check.ok else None

    @property
    def play_hash(self) -> str:
        """What was played, whatever the bytes: game, version, start level and the actions in order."""
        header = self.recording.header
        actions = [step.action for step in self.recording.steps]
        played = [header.game_id, header.game_version, header.start_level, actions]
        return hashlib.sha256(json.dumps(played, separators=(",", ":")).encode()).hexdigest()


def submit(
    run_dir: str | Path,
    name: str,
    split: str = "public",
    db: Path | str | None = None,
    notes: str = "",
) -> Submission:
    """Verify the recordings in ``run_dir``, hold them to the board's rules, score and store them as one submission.

    A folder with a host's signed manifest goes to the hosted tier (``split`` is then the
    host's competition); any other folder is a self-reported evaluation of ``split``. Raises
    SubmissionRejected (a ValueError) naming every problem, and DuplicateSubmissionError when
    the same plays were submitted before.
    """
    check_name(name)
    if len(notes) > MAX_NOTES_LENGTH:
        raise ValueError(f"the notes are {len(notes)} characters long; at most {MAX_NOTES_LENGTH}")
    run_dir = Path(run_dir)
    hosted = (run_dir / MANIFEST_FILE).exists()
    if not hosted and split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose one of {', '.join(SPLITS)}")
    paths = _recording_paths(run_dir)
    with closing(connect(db, create=True)) as conn:
        rules, yardstick = board_rules(conn), current_baselines(conn)
        if hosted:
            manifest = trusted_manifest(conn, run_dir, paths)
            games, tier, host, suite = manifest.games, "hosted", manifest.host_name, manifest.label
            _check_competition(manifest, rules)
        else:
            games, tier, host, suite = list_games(split), "self-reported", None, split
        baselines = _board_baselines(yardstick, games)
        runs = [_Run(path) for path in paths]
        _check_recordings(runs, games, suite)
        if not hosted:
            _check_whole_evaluation(runs, games, rules, baselines)
        played = [played_run(run.check) for run in runs]
        report = score_runs(played, games, baselines)
        if any(content_hash(run.path) != run.content_hash for run in runs):
            raise SubmissionRejected("the recordings changed while they were being scored; submit again")
        new = _new_submission(name, notes, tier, host, suite, report, runs, yardstick)
        reused = find_plays(conn, [r.play_hash for r in new.recordings])
        # The whole submission again is a duplicate, some of its plays a rejection; asked in this order,
        # a twin committed between the two questions still reads as a duplicate. insert_submission asks
        # both again under the write lock.
        earlier = find_by_content_hash(conn, new.content_hash)
        if earlier is not None:
            raise DuplicateSubmissionError(duplicate_message(earlier))
        if reused:
            problems = [f"{r.file_name}: played exactly as a run of #{reused[r.play_hash].id} "
                        f"{reused[r.play_hash].name!r}" for r in new.recordings if r.play_hash in reused]  # fmt: skip
            raise SubmissionRejected("some runs were ranked before; a run is ranked once", problems)
        try:
            return insert_submission(conn, new)
        except sqlite3.Error as err:  # disk full, a locked or damaged file: rolled back whole
            raise SubmissionRejected(f"the leaderboard database refused the write ({err})") from None


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
    if len(paths) > MAX_RECORDINGS:
        raise SubmissionRejected(f"{run_dir} holds {len(paths)} recordings; a submission has at most {MAX_RECORDINGS}")
    return paths


def trusted_manifest(conn, run_dir: Path, paths: list[Path]) -> HostedEvaluation:
    """The host's signed manifest, checked against a host this board trusts and against every file."""
    try:
        manifest = read_signed_manifest(run_dir, lambda fingerprint: trusted_host(conn, fingerprint))
    except ValueError as err:
        raise SubmissionRejected(f"not a valid hosted evaluation: {err}") from None
    listed = {entry.file: entry.sha256 for entry in manifest.recordings}
    problems = [f"{p.name}: not in the host's manifest" for p in paths if p.name not in listed]
    for file, digest in listed.items():
        path = run_dir / file
        if not path.is_file():
            problems.append(f"{file}: listed in the host's manifest but missing")
            continue
        try:
            actual = content_hash(path)
        except SubmissionRejected as err:
            problems += err.problems
            continue
        if actual != digest:
            problems.append(f"{file}: changed since the host signed it")
    if problems:
        raise SubmissionRejected("the recordings are not exactly what the host signed", problems)
    return manifest


def _check_competition(manifest: HostedEvaluation, rules: BoardRules) -> None:
    if (manifest.runs, manifest.budget_factor) != (rules.runs_per_game, rules.budget_factor):
        raise SubmissionRejected(
            f"the host ran {manifest.runs} runs per game at budgets x{manifest.budget_factor}; this board ranks "
            f"{rules.runs_per_game} runs at x{rules.budget_factor}: submit to a board with the host's rules"
        )
    missing = [g for g in manifest.games if not _installed(g)]
    if missing:
        raise SubmissionRejected(
            f"the host's games {', '.join(missing)} are not installed here; load the host's pack with --pack DIR "
            "to replay them"
        )


def _installed(game_id: str) -> bool:
    return game_id in list_games()


def _board_baselines(yardstick: BaselineSet, games: list[str]) -> dict[str, Baseline]:
    """The board's baseline for each game, refused when missing or made for another version of the game."""
    problems = []
    for game_id in games:
        if game_id not in yardstick.baselines:
            problems.append(f"{game_id}: the board has no baseline for it")
        elif yardstick.game_versions[game_id] != get_game(game_id).version:
            problems.append(f"{game_id}: the board's baseline is for another version of the game")
    if problems:
        raise SubmissionRejected(
            f"the board's baselines (version {yardstick.version}) do not cover the installed games; its operator "
            "adds them with `arcgames leaderboard baselines --update` (with --pack DIR for a pack)", problems
        )  # fmt: skip
    return {game_id: yardstick.baselines[game_id] for game_id in games}


def _check_recordings(runs: list[_Run], games: list[str], suite: str) -> None:
    problems = [f"{run.path.name}: {problem}" for run in runs if (problem := _problem(run, games, suite))]
    if problems:
        hint = ""
        if any("version" in p and "installed" in p for p in problems):
            hint = "; recordings of another game version can only be submitted with the arcgames version that made them"
        raise SubmissionRejected(f"{len(problems)} of {len(runs)} recordings failed verification{hint}", problems)
    players = sorted({run.check.player for run in runs if run.check.player})
    if len(players) > 1:
        raise SubmissionRejected(f"the recordings are by {len(players)} players ({', '.join(players)}); "
                                 "submit one agent's run per submission")  # fmt: skip


def _problem(run: _Run, games: list[str], suite: str) -> str | None:
    check = run.check
    if not check.ok:
        path = run.path
        return check.reason.replace(f"{path}: ", "").replace(f"{path}, ", "") if check.reason else "not verified"
    if check.game_id not in games:
        return f"game {check.game_id} is not in the {suite} games ({', '.join(games)})"
    if not check.complete:
        return "no end line: the play was interrupted, and only finished runs are ranked"
    if check.start_level != 0:  # the scorer maps completed levels to baselines from level 1 on
        return f"the play started at level {check.start_level + 1}; ranked runs start at level 1"
    return None


def _check_whole_evaluation(runs: list[_Run], games: list[str], rules: BoardRules, baselines: dict) -> None:
    """A self-reported submission must be exactly the board's evaluation: every game, every run, its budgets."""
    problems, claimed = [], {}
    for run in runs:
        header = run.recording.header
        settings = header.evaluation
        if settings is None:
            problems.append(f"{run.path.name}: not an `arcgames eval` run (its header has no evaluation settings)")
            continue
        where = f"{run.path.name}"
        if settings.runs != rules.runs_per_game:
            problems.append(f"{where}: from an evaluation of {settings.runs} runs per game; the board ranks "
                            f"{rules.runs_per_game}")  # fmt: skip
        if settings.budget_factor != rules.budget_factor:
            problems.append(f"{where}: budgets x{settings.budget_factor}; the board ranks x{rules.budget_factor}")
        allowed = [rules.budget(n) for n in baselines[header.game_id].counts]
        if any(b > a for b, a in zip(settings.budgets, allowed, strict=False)) or len(settings.budgets) != len(allowed):
            problems.append(f"{where}: level budgets {settings.budgets} exceed the board's {allowed}")
        if header.seed != rules.seed_of(settings.run):
            problems.append(f"{where}: run {settings.run} played with seed {header.seed}; the board's seed for it "
                            f"is {rules.seed_of(settings.run)}")  # fmt: skip
        key = (header.game_id, settings.run)
        if key in claimed:
            problems.append(f"{where}: run {settings.run} of game {header.game_id} again (also {claimed[key]})")
        claimed.setdefault(key, run.path.name)
    for game_id in games:
        for index in range(rules.runs_per_game):
            if (game_id, index) not in claimed:
                problems.append(f"run {index} of game {game_id} is missing")
    problems += [f"{file}: run {index} of game {g} is beyond the board's {rules.runs_per_game} runs per game"
                 for (g, index), file in claimed.items() if index >= rules.runs_per_game]  # fmt: skip
    agents = {(r.recording.header.evaluation.agent, r.recording.header.evaluation.agent_kwargs_hash)
              for r in runs if r.recording.header.evaluation}  # fmt: skip
    if len(agents) > 1:
        problems.append(f"the runs come from {len(agents)} agent configurations; an evaluation is one agent's")
    if problems:
        command = (f"arcgames eval --agent AGENT --games <split> --runs {rules.runs_per_game} --seed {rules.seed} "
                   f"--budget-factor {rules.budget_factor} --out NEW_FOLDER")  # fmt: skip
        raise SubmissionRejected(
            f"not one whole evaluation under this board's rules ({rules.runs_per_game} runs of every game, seeds "
            f"{rules.seed}.., budgets x{rules.budget_factor}); run `{command}` and submit that folder",
            problems,
        )


def _new_submission(
    name: str,
    notes: str,
    tier: Tier,
    host: str | None,
    suite: str,
    report: ScoreReport,
    runs: list[_Run],
    yardstick: BaselineSet,
) -> NewSubmission:
    by_path = {run.path: run for run in runs}
    recordings = [_recording_row(by_path[r.path], r.score) for g in report.games for r in g.runs]
    content_hash = hashlib.sha256("\n".join(sorted(r.play_hash for r in recordings)).encode()).hexdigest()
    return NewSubmission(
        name=name, notes=notes, player=report.player or "unknown", submitted_at=datetime.now(UTC), tier=tier,
        host=host, split=suite, engine_version=ENGINE_VERSION, baseline_version=yardstick.version,
        content_hash=content_hash, recordings=recordings, **_scores(report),
    )  # fmt: skip


def _recording_row(run: _Run, score: float) -> RecordingRow:
    header = run.recording.header
    return RecordingRow(
        file_name=run.path.name, content_hash=run.content_hash, play_hash=run.play_hash, game_id=header.game_id,
        run=header.evaluation.run if header.evaluation else 0, score=score,
        levels_completed=run.check.levels_completed, actions=run.check.actions,
        level_actions=run.check.level_actions, verified=run.check.ok,
    )  # fmt: skip


def _scores(report: ScoreReport) -> dict:
    """The stored score fields of a report (also what re-scoring against new baselines replaces)."""
    games = [
        GameRow(game_id=g.game_id, game_version=get_game(g.game_id).version, score=g.score,
                best_run_score=g.best_run_score, levels_completed=g.levels_completed, num_levels=g.num_levels,
                runs=len(g.runs), baseline_provenance=g.baseline.provenance, baseline_counts=g.baseline.counts)
        for g in report.games
    ]  # fmt: skip
    return {
        "games": games, "total": report.total, "total_ci": report.total_ci, "iqm": report.iqm,
        "iqm_ci": report.iqm_ci, "best_run_total": report.best_run_total,
        "levels_completed": report.levels_completed, "total_levels": report.total_levels,
        "baseline_provenance": provenance_summary([g.baseline for g in report.games]),
        "efficiency_curve": report.efficiency_curve,
    }  # fmt: skip


def rescore(submission: Submission, yardstick: BaselineSet) -> NewSubmission:
    """A stored submission scored again against another baseline set, from the level counts it stored."""
    games = [g.game_id for g in submission.games]
    missing = [g for g in games if g not in yardstick.baselines]
    if missing:
        raise ValueError(f"the new baselines lack games {', '.join(missing)} of submission #{submission.id}")
    played = [PlayedRun(path=Path(r.file_name), game_id=r.game_id, player=submission.player,
                        levels_completed=r.levels_completed, actions=r.actions, level_actions=r.level_actions)
              for r in submission.recordings]  # fmt: skip
    report = score_runs(played, games, {g: yardstick.baselines[g] for g in games})
    scores = {r.path.name: r.score for g in report.games for r in g.runs}
    recordings = [r.model_copy(update={"score": scores[r.file_name]}) for r in submission.recordings]
    fields = submission.model_dump(exclude={"id", "recordings", *_scores(report)})
    return NewSubmission(**fields, recordings=recordings, **_scores(report))


def provenance_summary(baselines: list[Baseline]) -> str:
    """``solver`` when every game's baseline is the solver's, else each distinct provenance."""
    kinds = sorted({b.provenance for b in baselines})
    return kinds[0] if len(kinds) == 1 else "mixed: " + "; ".join(kinds)

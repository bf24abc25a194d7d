"""The leaderboard database: one embedded SQLite file holding the board's rules, its baselines and its rankings.

Why SQLite: a local leaderboard needs no server, and SQLite gives us what a folder of
JSON files would not — atomic multi-row writes and safe concurrent writers. Every write
is one ``BEGIN IMMEDIATE`` transaction (the write lock is taken up front, so two
submitters queue instead of deadlocking on a lock upgrade), WAL mode lets readers see
the last committed ranking while a submission is written, and foreign keys tie each
per-game and per-recording row to its submission. A submission is therefore stored
whole or not at all; play fingerprints, checked under the write lock, make the second of
two identical, concurrent submissions fail cleanly instead of storing twice.

The board owns its yardstick: its rules (runs per game, seeds, budget factor) are fixed
when it is created, and its baselines are a versioned set stored inside it. Nothing a
submitter sends changes either. A damaged file is refused, never taken for a new board:
only a path that does not exist yet becomes a new database, every open runs SQLite's
``quick_check``, and each successful write refreshes a backup copy beside the file.

Every query is parameterised: names such as ``'; DROP TABLE submissions; --`` are data.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import warnings
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from arcgames.baselines import Baseline
from arcgames.paths import data_dir

SCHEMA_VERSION = 2
DB_FILE = "leaderboard.sqlite"
BACKUP_SUFFIX = ".bak"
BUSY_TIMEOUT_S = 30.0  # how long a submitter waits for another one's write to finish
Tier = Literal["hosted", "self-reported"]
TIERS: tuple[Tier, ...] = ("hosted", "self-reported")

_SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE board (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    runs_per_game INTEGER NOT NULL CHECK (runs_per_game >= 1),
    seed INTEGER NOT NULL,               -- run r of every game plays with seed + r
    budget_factor REAL NOT NULL CHECK (budget_factor > 0),
    created_at TEXT NOT NULL
);
CREATE TABLE baseline_sets (
    version INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    description TEXT NOT NULL,
    content TEXT NOT NULL                -- JSON {game_id: {"game_version", "levels": [LevelBaseline]}}
);
CREATE TABLE hosts (
    fingerprint TEXT PRIMARY KEY,        -- sha256 of the host's public key, hex
    name TEXT NOT NULL UNIQUE,
    public_key TEXT NOT NULL,            -- PEM
    added_at TEXT NOT NULL
);
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    notes TEXT NOT NULL DEFAULT '',
    player TEXT NOT NULL,                -- the agent name(s) in the recordings' headers
    submitted_at TEXT NOT NULL,          -- ISO 8601, UTC
    tier TEXT NOT NULL CHECK (tier IN ('hosted', 'self-reported')),
    host TEXT REFERENCES hosts(name),    -- hosted: the host that recorded and signed the runs
    split TEXT NOT NULL,                 -- what was played: a split, or a hosted competition's label
    engine_version TEXT NOT NULL,
    baseline_version INTEGER NOT NULL REFERENCES baseline_sets(version),
    total REAL NOT NULL,
    ci_low REAL NOT NULL,
    ci_high REAL NOT NULL,
    iqm REAL NOT NULL,
    iqm_ci_low REAL NOT NULL,
    iqm_ci_high REAL NOT NULL,
    best_run_total REAL NOT NULL,
    levels_completed INTEGER NOT NULL,
    total_levels INTEGER NOT NULL,
    baseline_provenance TEXT NOT NULL,
    efficiency_curve TEXT NOT NULL,      -- JSON list, null where no run completed the level
    content_hash TEXT NOT NULL UNIQUE    -- sha256 over the sorted play fingerprints
);
CREATE TABLE game_scores (
    submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    game_id TEXT NOT NULL,
    game_version TEXT NOT NULL,
    score REAL NOT NULL,
    best_run_score REAL NOT NULL,
    levels_completed REAL NOT NULL,      -- mean over runs
    num_levels INTEGER NOT NULL,
    runs INTEGER NOT NULL,
    baseline_provenance TEXT NOT NULL,
    baseline_counts TEXT NOT NULL,       -- JSON list
    PRIMARY KEY (submission_id, game_id)
);
CREATE TABLE recordings (
    submission_id INTEGER NOT NULL REFERENCES submissions(id) ON DELETE CASCADE,
    file_name TEXT NOT NULL,
    content_hash TEXT NOT NULL,          -- sha256 of the file's bytes
    play_hash TEXT NOT NULL,             -- sha256 of what was played (game, version, start level, actions)
    game_id TEXT NOT NULL,
    run INTEGER NOT NULL,
    score REAL NOT NULL,
    levels_completed INTEGER NOT NULL,
    actions INTEGER NOT NULL,
    level_actions TEXT NOT NULL,         -- JSON list: actions per completed level, to re-score
    verified INTEGER NOT NULL CHECK (verified IN (0, 1)),
    PRIMARY KEY (submission_id, file_name)
);
CREATE INDEX recordings_by_play ON recordings (play_hash);
"""


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class BoardRules(_Record):
    """What every submission to this board must have played: the board's, never the submitter's, choice."""

    runs_per_game: int = 3
    seed: int = 0
    budget_factor: float = 5.0  # ARC-AGI-3 allows 5x the baseline per level

    def seed_of(self, run: int) -> int:
        return self.seed + run

    def budget(self, baseline_count: int) -> int:
        return max(1, round(self.budget_factor * baseline_count))


class BaselineSet(_Record):
    """One version of the board's baselines; submissions are scored against the newest."""

    version: int
    created_at: datetime
    description: str
    game_versions: dict[str, str]
    baselines: dict[str, Baseline]


class Host(_Record):
    fingerprint: str
    name: str
    public_key: str


class GameRow(_Record):
    game_id: str
    game_version: str
    score: float  # mean over runs
    best_run_score: float
    levels_completed: float  # mean over runs
    num_levels: int
    runs: int
    baseline_provenance: str
    baseline_counts: list[int]


class RecordingRow(_Record):
    file_name: str
    content_hash: str
    play_hash: str
    game_id: str
    run: int
    score: float
    levels_completed: int
    actions: int
    level_actions: list[int]
    verified: bool


class NewSubmission(_Record):
    """Everything stored for one submission, before it has an id."""

    name: str
    notes: str = ""
    player: str
    submitted_at: datetime
    tier: Tier
    host: str | None = None
    split: str
    engine_version: str
    baseline_version: int
    total: float
    total_ci: tuple[float, float]
    iqm: float
    iqm_ci: tuple[float, float]
    best_run_total: float
    levels_completed: int
    total_levels: int
    baseline_provenance: str
    efficiency_curve: list[float | None]
    content_hash: str
    games: list[GameRow]
    recordings: list[RecordingRow]


class Submission(NewSubmission):
    """A stored submission."""

    id: int


class DuplicateSubmissionError(ValueError):
    """The same plays were submitted before."""


class DamagedDatabaseError(ValueError):
    """A leaderboard file that exists but cannot be trusted; nothing is written to it."""


def default_db_path() -> Path:
    """``data_dir()/leaderboard.sqlite`` (set ``ARCGAMES_HOME`` to move it)."""
    return data_dir() / DB_FILE


def connect(
    path: Path | str | None = None, create: bool = False, rules: BoardRules | None = None
) -> sqlite3.Connection:
    """Open the leaderboard at ``path`` (default: :func:`default_db_path`).

    With ``create``, a path that does not exist becomes a new board with ``rules`` (default:
    :class:`BoardRules`) and the installed games' solver counts as its first baseline set. An
    existing file must be a sound leaderboard database of this schema, or DamagedDatabaseError
    (a ValueError) names what is wrong.
    """
    path = Path(path) if path is not None else default_db_path()
    if not path.exists():
        if not create:
            raise ValueError(f"no leaderboard at {path}; create one with `arcgames leaderboard init --db {path}`")
        _create(path, rules or BoardRules())
    if path.is_file() and path.stat().st_size == 0:
        raise DamagedDatabaseError(_damaged(path, "it is empty (0 bytes)"))
    try:
        # isolation_level=None: no implicit transactions; we issue BEGIN IMMEDIATE ourselves.
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except (OSError, sqlite3.Error) as err:
        raise ValueError(f"cannot open leaderboard database {path}: {err}; choose another --db") from None
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        _check_sound(conn, path)
        conn.execute("PRAGMA journal_mode = WAL")  # after the checks: never switch another program's database
    except sqlite3.DatabaseError as err:
        conn.close()
        raise DamagedDatabaseError(_damaged(path, f"SQLite says: {err}")) from None
    except ValueError:
        conn.close()
        raise
    return conn


def _damaged(path: Path, why: str) -> str:
    backup = path.with_name(path.name + BACKUP_SUFFIX)
    restore = f"restore the last good copy with `cp {backup} {path}`, or " if backup.is_file() else ""
    return (
        f"{path} is not a usable leaderboard database ({why}); nothing was changed. To go on, "
        f"{restore}move it aside and create a new board with `arcgames leaderboard init`, or choose another --db"
    )


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction that takes the write lock up front; rolled back on any error, backed up on success."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:  # SQLite may already have rolled back (e.g. disk full)
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    _back_up(conn)


def _back_up(conn: sqlite3.Connection) -> None:
    """Copy the committed database beside itself: a later damage to the file loses nothing.

    Best effort: the commit has happened, so a failed copy (disk full) warns instead of failing the write.
    Each writer copies to its own temporary name, so concurrent submitters never share a half-made copy.
    """
    path = Path(conn.execute("PRAGMA database_list").fetchone()[2])
    partial = path.with_name(f".{path.name}{BACKUP_SUFFIX}.{os.getpid()}-{threading.get_ident()}.partial")
    try:
        with closing(sqlite3.connect(partial)) as copy:
            conn.backup(copy)
        partial.replace(path.with_name(path.name + BACKUP_SUFFIX))
    except (OSError, sqlite3.Error) as err:
        partial.unlink(missing_ok=True)
        warnings.warn(f"the leaderboard was written, but its backup copy was not: {err}", stacklevel=2)


def _create(path: Path, rules: BoardRules) -> None:
    """Make a complete new board aside, then link it into place: a reader never sees a half-made one,
    and of two first submitters one board wins while the other simply opens it."""
    from arcgames.leaderboard.baselines import solver_baseline_set

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        aside = path.with_name(f".{path.name}.new-{os.getpid()}-{threading.get_ident()}")
        with closing(sqlite3.connect(aside, isolation_level=None)) as conn:
            conn.execute("BEGIN")
            # executescript would COMMIT our transaction; run the statements one by one instead.
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
            conn.execute(
                "INSERT INTO board (id, runs_per_game, seed, budget_factor, created_at) VALUES (1, ?, ?, ?, ?)",
                (rules.runs_per_game, rules.seed, rules.budget_factor, datetime.now(UTC).isoformat()),
            )
            _insert_baselines(conn, solver_baseline_set().model_copy(update={"version": 1}))
            conn.execute("COMMIT")
        try:
            os.link(aside, path)
        except FileExistsError:
            pass  # another process made the board first: use theirs
        finally:
            aside.unlink()
    except (OSError, sqlite3.Error) as err:
        raise ValueError(f"cannot create leaderboard database {path}: {err}; choose another --db") from None


def _check_sound(conn: sqlite3.Connection, path: Path) -> None:
    verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
    if verdict != "ok":
        raise DamagedDatabaseError(_damaged(path, f"SQLite's integrity check says: {verdict}"))
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").fetchone():
        raise ValueError(f"{path} is an SQLite database of something else; choose another --db")
    row = conn.execute("SELECT version FROM schema_version").fetchone()
    version = row[0] if row else "missing"
    if version != SCHEMA_VERSION:
        raise ValueError(
            f"{path} has leaderboard schema version {version}, this arcgames reads version {SCHEMA_VERSION}; "
            "use the arcgames version that wrote it, or create a new board with `arcgames leaderboard init`"
        )


def board_rules(conn: sqlite3.Connection) -> BoardRules:
    runs, seed, factor = conn.execute("SELECT runs_per_game, seed, budget_factor FROM board").fetchone()
    return BoardRules(runs_per_game=runs, seed=seed, budget_factor=factor)


def current_baselines(conn: sqlite3.Connection) -> BaselineSet:
    version, created_at, description, content = conn.execute(
        "SELECT version, created_at, description, content FROM baseline_sets ORDER BY version DESC LIMIT 1"
    ).fetchone()
    games = json.loads(content)
    return BaselineSet(
        version=version, created_at=datetime.fromisoformat(created_at), description=description,
        game_versions={g: entry["game_version"] for g, entry in games.items()},
        baselines={g: Baseline(game_id=g, levels=entry["levels"]) for g, entry in games.items()},
    )  # fmt: skip


def _insert_baselines(conn: sqlite3.Connection, baselines: BaselineSet) -> None:
    content = {
        g: {"game_version": baselines.game_versions[g], "levels": [lv.model_dump() for lv in b.levels]}
        for g, b in sorted(baselines.baselines.items())
    }
    conn.execute(
        "INSERT INTO baseline_sets (version, created_at, description, content) VALUES (?, ?, ?, ?)",
        (baselines.version, baselines.created_at.isoformat(), baselines.description, json.dumps(content)),
    )


def add_baselines(conn: sqlite3.Connection, baselines: BaselineSet, rescored: list[NewSubmission]) -> BaselineSet:
    """Store a new baseline version and every submission re-scored against it, in one transaction."""
    with transaction(conn):
        version = conn.execute("SELECT max(version) FROM baseline_sets").fetchone()[0] + 1
        stored = baselines.model_copy(update={"version": version})
        _insert_baselines(conn, stored)
        for sub in rescored:
            sub_id = conn.execute("SELECT id FROM submissions WHERE content_hash = ?", (sub.content_hash,)).fetchone()
            conn.execute(
                """UPDATE submissions SET baseline_version = ?, total = ?, ci_low = ?, ci_high = ?, iqm = ?,
                       iqm_ci_low = ?, iqm_ci_high = ?, best_run_total = ?, baseline_provenance = ?,
                       efficiency_curve = ? WHERE id = ?""",
                (version, sub.total, *sub.total_ci, sub.iqm, *sub.iqm_ci, sub.best_run_total,
                 sub.baseline_provenance, json.dumps(sub.efficiency_curve), sub_id[0]),
            )  # fmt: skip
            conn.execute("DELETE FROM game_scores WHERE submission_id = ?", (sub_id[0],))
            _insert_games(conn, sub_id[0], sub.games)
            conn.executemany(
                "UPDATE recordings SET score = ? WHERE submission_id = ? AND file_name = ?",
                [(r.score, sub_id[0], r.file_name) for r in sub.recordings],
            )
    return stored


def add_host(conn: sqlite3.Connection, host: Host) -> None:
    with transaction(conn):
        known = conn.execute("SELECT name FROM hosts WHERE fingerprint = ? OR name = ?",
                             (host.fingerprint, host.name)).fetchone()  # fmt: skip
        if known:
            raise ValueError(f"the board already trusts a host named {known[0]!r} or with this key")
        conn.execute("INSERT INTO hosts (fingerprint, name, public_key, added_at) VALUES (?, ?, ?, ?)",
                     (host.fingerprint, host.name, host.public_key, datetime.now(UTC).isoformat()))  # fmt: skip


def trusted_host(conn: sqlite3.Connection, fingerprint: str) -> Host | None:
    row = conn.execute("SELECT fingerprint, name, public_key FROM hosts WHERE fingerprint = ?", (fingerprint,))
    found = row.fetchone()
    return Host(fingerprint=found[0], name=found[1], public_key=found[2]) if found else None


def duplicate_message(earlier: Submission) -> str:
    return (
        f"these plays were already submitted as #{earlier.id} {earlier.name!r} "
        f"on {earlier.submitted_at:%Y-%m-%d %H:%M} UTC; a run is ranked once"
    )


def find_by_content_hash(conn: sqlite3.Connection, content_hash: str) -> Submission | None:
    row = conn.execute("SELECT id FROM submissions WHERE content_hash = ?", (content_hash,)).fetchone()
    return get_submission(conn, row[0]) if row else None


def find_plays(conn: sqlite3.Connection, play_hashes: list[str]) -> dict[str, Submission]:
    """Earlier submissions holding any of these plays, by play fingerprint."""
    found = {}
    for play in play_hashes:
        row = conn.execute("SELECT submission_id FROM recordings WHERE play_hash = ?", (play,)).fetchone()
        if row:
            found[play] = get_submission(conn, row[0])
    return found


def insert_submission(conn: sqlite3.Connection, new: NewSubmission) -> Submission:
    """Store a whole submission in one transaction; raises DuplicateSubmissionError for known plays."""
    with transaction(conn):
        # Checked inside the write lock, so a concurrent twin cannot slip in between check and insert.
        earlier = find_by_content_hash(conn, new.content_hash)
        if earlier is None:
            earlier = next(iter(find_plays(conn, [r.play_hash for r in new.recordings]).values()), None)
        if earlier is not None:
            raise DuplicateSubmissionError(duplicate_message(earlier))
        cursor = conn.execute(
            """INSERT INTO submissions (name, notes, player, submitted_at, tier, host, split, engine_version,
                   baseline_version, total, ci_low, ci_high, iqm, iqm_ci_low, iqm_ci_high, best_run_total,
                   levels_completed, total_levels, baseline_provenance, efficiency_curve, content_hash)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (new.name, new.notes, new.player, new.submitted_at.isoformat(), new.tier, new.host, new.split,
             new.engine_version, new.baseline_version, new.total, *new.total_ci, new.iqm, *new.iqm_ci,
             new.best_run_total, new.levels_completed, new.total_levels, new.baseline_provenance,
             json.dumps(new.efficiency_curve), new.content_hash),
        )  # fmt: skip
        submission_id = cursor.lastrowid
        _insert_games(conn, submission_id, new.games)
        conn.executemany(
            "INSERT INTO recordings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(submission_id, r.file_name, r.content_hash, r.play_hash, r.game_id, r.run, r.score, r.levels_completed,
              r.actions, json.dumps(r.level_actions), int(r.verified)) for r in new.recordings],
        )  # fmt: skip
    return Submission(id=submission_id, **new.model_dump())


def _insert_games(conn: sqlite3.Connection, submission_id: int, games: list[GameRow]) -> None:
    conn.executemany(
        "INSERT INTO game_scores VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(submission_id, g.game_id, g.game_version, g.score, g.best_run_score, g.levels_completed, g.num_levels,
          g.runs, g.baseline_provenance, json.dumps(g.baseline_counts)) for g in games],
    )  # fmt: skip


def get_submission(conn: sqlite3.Connection, submission_id: int) -> Submission | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM submissions WHERE id = ?", (submission_id,)).fetchone()
    return _submission(conn, row) if row else None


def list_submissions(conn: sqlite3.Connection) -> list[Submission]:
    """All submissions, best first within each tier and split (ties: higher IQM, then the earlier submission)."""
    rows = conn.execute(f"SELECT {_COLUMNS} FROM submissions ORDER BY tier, split, total DESC, iqm DESC, id")
    return [_submission(conn, row) for row in rows.fetchall()]


_COLUMNS = (
    "id, name, notes, player, submitted_at, tier, host, split, engine_version, baseline_version, total, ci_low, "
    "ci_high, iqm, iqm_ci_low, iqm_ci_high, best_run_total, levels_completed, total_levels, baseline_provenance, "
    "efficiency_curve, content_hash"
)


def _submission(conn: sqlite3.Connection, row: tuple) -> Submission:
    (id_, name, notes, player, submitted_at, tier, host, split, engine_version, baseline_version, total, ci_low,
     ci_high, iqm, iqm_low, iqm_high, best, levels, total_levels, provenance, curve, content_hash) = row  # fmt: skip
    games = [
        GameRow(game_id=g[0], game_version=g[1], score=g[2], best_run_score=g[3], levels_completed=g[4],
                num_levels=g[5], runs=g[6], baseline_provenance=g[7], baseline_counts=json.loads(g[8]))
        for g in conn.execute(
            "SELECT game_id, game_version, score, best_run_score, levels_completed, num_levels, runs, "
            "baseline_provenance, baseline_counts FROM game_scores WHERE submission_id = ? ORDER BY game_id",
            (id_,),
        )
    ]  # fmt: skip
    recordings = [
        RecordingRow(file_name=r[0], content_hash=r[1], play_hash=r[2], game_id=r[3], run=r[4], score=r[5],
                     levels_completed=r[6], actions=r[7], level_actions=json.loads(r[8]), verified=bool(r[9]))
        for r in conn.execute(
            "SELECT file_name, content_hash, play_hash, game_id, run, score, levels_completed, actions, "
            "level_actions, verified FROM recordings WHERE submission_id = ? ORDER BY file_name",
            (id_,),
        )
    ]  # fmt: skip
    return Submission(
        id=id_, name=name, notes=notes, player=player, submitted_at=datetime.fromisoformat(submitted_at), tier=tier,
        host=host, split=split, engine_version=engine_version, baseline_version=baseline_version, total=total,
        total_ci=(ci_low, ci_high), iqm=iqm, iqm_ci=(iqm_low, iqm_high), best_run_total=best, levels_completed=levels,
        total_levels=total_levels, baseline_provenance=provenance, efficiency_curve=json.loads(curve),
        content_hash=content_hash, games=games, recordings=recordings,
    )  # fmt: skip

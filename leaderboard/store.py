"""The leaderboard database: one embedded SQLite file, written only in whole submissions.

Why SQLite: a local leaderboard needs no server, and SQLite gives us what a folder of
JSON files would not — atomic multi-row writes and safe concurrent writers. Every write
is one ``BEGIN IMMEDIATE`` transaction (the write lock is taken up front, so two
submitters queue instead of deadlocking on a lock upgrade), WAL mode lets readers see
the last committed ranking while a submission is written, and foreign keys tie each
per-game and per-recording row to its submission. A submission is therefore stored
whole or not at all; the ``UNIQUE`` content hash makes the second of two identical,
concurrent submissions fail cleanly instead of storing twice.

Every query is parameterised: names such as ``'; DROP TABLE submissions; --`` are data.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from arcgames.paths import data_dir

SCHEMA_VERSION = 1
DB_FILE = "leaderboard.sqlite"
BUSY_TIMEOUT_S = 30.0  # how long a submitter waits for another one's write to finish

_SCHEMA = """
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    notes TEXT NOT NULL DEFAULT '',
    player TEXT NOT NULL,                -- the agent name(s) in the recordings' headers
    submitted_at TEXT NOT NULL,          -- ISO 8601, UTC
    split TEXT NOT NULL,
    engine_version TEXT NOT NULL,
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
    content_hash TEXT NOT NULL UNIQUE    -- sha256 over the sorted recording hashes
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
    game_id TEXT NOT NULL,
    score REAL NOT NULL,
    levels_completed INTEGER NOT NULL,
    actions INTEGER NOT NULL,
    verified INTEGER NOT NULL CHECK (verified IN (0, 1)),
    PRIMARY KEY (submission_id, file_name)
);
CREATE INDEX recordings_by_hash ON recordings (content_hash);
"""


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


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
    game_id: str
    score: float
    levels_completed: int
    actions: int
    verified: bool


class NewSubmission(_Record):
    """Everything stored for one submission, before it has an id."""

    name: str
    notes: str = ""
    player: str
    submitted_at: datetime
    split: str
    engine_version: str
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
    """The same recordings were submitted before."""


def default_db_path() -> Path:
    """``data_dir()/leaderboard.sqlite`` (set ``ARCGAMES_HOME`` to move it)."""
    return data_dir() / DB_FILE


def connect(path: Path | str | None = None) -> sqlite3.Connection:
    """Open (creating if needed) the leaderboard database at ``path`` (default: :func:`default_db_path`)."""
    path = Path(path) if path is not None else default_db_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: no implicit transactions; we issue BEGIN IMMEDIATE ourselves.
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    except (OSError, sqlite3.Error) as err:
        raise ValueError(f"cannot open leaderboard database {path}: {err}; choose another --db") from None
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        _ensure_schema(conn, path)
        conn.execute("PRAGMA journal_mode = WAL")  # after the check: never switch another program's database
    except sqlite3.DatabaseError as err:
        conn.close()
        raise ValueError(f"{path} is not a usable leaderboard database ({err}); choose another --db") from None
    except ValueError:
        conn.close()
        raise
    return conn


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction that takes the write lock up front; rolled back on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        if conn.in_transaction:  # SQLite may already have rolled back (e.g. disk full)
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _ensure_schema(conn: sqlite3.Connection, path: Path) -> None:
    version = _schema_version(conn)
    if version is None:
        with transaction(conn):  # two first submitters must not both create the tables
            if _schema_version(conn) is None:
                if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                    raise ValueError(f"{path} is an SQLite database of something else; choose another --db")
                # executescript would COMMIT our transaction; run the statements one by one instead.
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION,))
        version = _schema_version(conn)
    if version != SCHEMA_VERSION:
        raise ValueError(
            f"{path} has leaderboard schema version {version}, this arcgames reads version {SCHEMA_VERSION}; "
            "use the arcgames version that wrote it, or another --db"
        )


def _schema_version(conn: sqlite3.Connection) -> int | str | None:
    """The stored schema version; None for a new, empty database."""
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").fetchone():
        return None
    row = conn.execute("SELECT version FROM schema_version").fetchone()
    return row[0] if row else "missing"


def duplicate_message(earlier: Submission) -> str:
    return (
        f"these recordings were already submitted as #{earlier.id} {earlier.name!r} "
        f"on {earlier.submitted_at:%Y-%m-%d %H:%M} UTC; a run is ranked once"
    )


def find_by_content_hash(conn: sqlite3.Connection, content_hash: str) -> Submission | None:
    row = conn.execute("SELECT id FROM submissions WHERE content_hash = ?", (content_hash,)).fetchone()
    return get_submission(conn, row[0]) if row else None


def insert_submission(conn: sqlite3.Connection, new: NewSubmission) -> Submission:
    """Store a whole submission in one transaction; raises DuplicateSubmissionError for known recordings."""
    with transaction(conn):
        # Checked inside the write lock, so a concurrent twin cannot slip in between check and insert.
        earlier = find_by_content_hash(conn, new.content_hash)
        if earlier is not None:
            raise DuplicateSubmissionError(duplicate_message(earlier))
        cursor = conn.execute(
            """INSERT INTO submissions (name, notes, player, submitted_at, split, engine_version, total, ci_low,
                   ci_high, iqm, iqm_ci_low, iqm_ci_high, best_run_total, levels_completed, total_levels,
                   baseline_provenance, efficiency_curve, content_hash)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            (new.name, new.notes, new.player, new.submitted_at.isoformat(), new.split, new.engine_version, new.total,
             *new.total_ci, new.iqm, *new.iqm_ci, new.best_run_total, new.levels_completed, new.total_levels,
             new.baseline_provenance, json.dumps(new.efficiency_curve), new.content_hash),
        )  # fmt: skip
        submission_id = cursor.lastrowid
        conn.executemany(
            "INSERT INTO game_scores VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(submission_id, g.game_id, g.game_version, g.score, g.best_run_score, g.levels_completed, g.num_levels,
              g.runs, g.baseline_provenance, json.dumps(g.baseline_counts)) for g in new.games],
        )  # fmt: skip
        conn.executemany(
            "INSERT INTO recordings VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(submission_id, r.file_name, r.content_hash, r.game_id, r.score, r.levels_completed, r.actions,
              int(r.verified)) for r in new.recordings],
        )  # fmt: skip
    return Submission(id=submission_id, **new.model_dump())


def get_submission(conn: sqlite3.Connection, submission_id: int) -> Submission | None:
    row = conn.execute(f"SELECT {_COLUMNS} FROM submissions WHERE id = ?", (submission_id,)).fetchone()
    return _submission(conn, row) if row else None


def list_submissions(conn: sqlite3.Connection) -> list[Submission]:
    """All submissions, best first within each split (ties: higher IQM, then the earlier submission)."""
    rows = conn.execute(f"SELECT {_COLUMNS} FROM submissions ORDER BY split, total DESC, iqm DESC, id").fetchall()
    return [_submission(conn, row) for row in rows]


_COLUMNS = (
    "id, name, notes, player, submitted_at, split, engine_version, total, ci_low, ci_high, iqm, iqm_ci_low, "
    "iqm_ci_high, best_run_total, levels_completed, total_levels, baseline_provenance, efficiency_curve, content_hash"
)


def _submission(conn: sqlite3.Connection, row: tuple) -> Submission:
    (id_, name, notes, player, submitted_at, split, engine_version, total, ci_low, ci_high, iqm, iqm_low, iqm_high,
     best, levels, total_levels, provenance, curve, content_hash) = row  # fmt: skip
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
        RecordingRow(file_name=r[0], content_hash=r[1], game_id=r[2], score=r[3], levels_completed=r[4],
                     actions=r[5], verified=bool(r[6]))
        for r in conn.execute(
            "SELECT file_name, content_hash, game_id, score, levels_completed, actions, verified FROM recordings "
            "WHERE submission_id = ? ORDER BY file_name",
            (id_,),
        )
    ]  # fmt: skip
    return Submission(
        id=id_, name=name, notes=notes, player=player, submitted_at=datetime.fromisoformat(submitted_at), split=split,
        engine_version=engine_version, total=total, total_ci=(ci_low, ci_high), iqm=iqm, iqm_ci=(iqm_low, iqm_high),
        best_run_total=best, levels_completed=levels, total_levels=total_levels, baseline_provenance=provenance,
        efficiency_curve=json.loads(curve), content_hash=content_hash, games=games, recordings=recordings,
    )  # fmt: skip

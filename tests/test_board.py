"""A board's own rules: one whole evaluation per submission, the board's seeds and budgets; a damaged file refused."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

import arcgames.leaderboard.submit as submit_module
import arcgames.scoring as scoring_module
from arcgames.cli import main
from arcgames.evaluate import evaluate
from arcgames.leaderboard.store import BoardRules, DamagedDatabaseError, connect
from arcgames.leaderboard.submit import SubmissionRejected, submit
from arcgames.leaderboard.views import load

GAMES = ["ujzd", "pf91"]  # a two-game split: enough to leave one out


@pytest.fixture(autouse=True)
def two_game_split(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(submit_module, "list_games", lambda split=None: GAMES)
    monkeypatch.setattr(scoring_module, "list_games", lambda split=None: GAMES)


@pytest.fixture(scope="module")
def whole(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("whole") / "random"
    evaluate("random", games=GAMES, runs=2, out=out)
    return out


def board(tmp_path: Path, runs: int = 2, budget_factor: float = 5.0) -> Path:
    db = tmp_path / "board.sqlite"
    connect(db, create=True, rules=BoardRules(runs_per_game=runs, budget_factor=budget_factor)).close()
    return db


def copy(whole: Path, dest: Path) -> Path:
    return Path(shutil.copytree(whole, dest))


def test_a_whole_evaluation_is_accepted(whole: Path, tmp_path: Path) -> None:
    sub = submit(whole, "random", db=board(tmp_path))
    assert [g.runs for g in sub.games] == [2, 2] and sub.tier == "self-reported"


def test_a_subset_a_missing_run_or_extra_runs_are_refused(whole: Path, tmp_path: Path) -> None:
    db = board(tmp_path)
    subset = copy(whole, tmp_path / "subset")
    for path in subset.glob("pf91-*.jsonl"):
        path.unlink()  # only the game it did well on
    with pytest.raises(SubmissionRejected, match="run 0 of game pf91 is missing"):
        submit(subset, "subset", db=db)
    missing = copy(whole, tmp_path / "missing")
    (missing / "ujzd-r001.jsonl").unlink()  # only the best run
    with pytest.raises(SubmissionRejected, match="run 1 of game ujzd is missing"):
        submit(missing, "best run only", db=db)
    extra = tmp_path / "extra"
    evaluate("random", games=GAMES, runs=3, out=extra)
    with pytest.raises(SubmissionRejected, match="from an evaluation of 3 runs per game; the board ranks 2"):
        submit(extra, "three runs", db=db)
    assert load(db) == []


def test_another_budget_or_seed_is_refused(whole: Path, tmp_path: Path) -> None:
    db = board(tmp_path)
    generous = tmp_path / "generous"
    evaluate("random", games=GAMES, runs=2, out=generous, budget_factor=100)
    with pytest.raises(SubmissionRejected, match=r"budgets x100.0; the board ranks x5.0") as err:
        submit(generous, "100x budget", db=db)
    assert "exceed the board's" in str(err.value) and "--budget-factor 5.0" in str(err.value)
    seeded = tmp_path / "seeded"
    evaluate("random", games=GAMES, runs=2, out=seeded, seed=5)
    with pytest.raises(SubmissionRejected, match="run 0 played with seed 5; the board's seed for it is 0"):
        submit(seeded, "other seeds", db=db)
    assert load(db) == []


def test_a_recording_without_harness_settings_is_refused(whole: Path, tmp_path: Path) -> None:
    from arcgames import make
    from arcgames.wrappers import RecordTrajectory

    db = board(tmp_path)
    mixed = copy(whole, tmp_path / "mixed")
    (mixed / "ujzd-r001.jsonl").unlink()
    env = RecordTrajectory(make("ujzd"), path=mixed / "ujzd-r001.jsonl", player="random")
    env.reset()
    env.close()
    with pytest.raises(SubmissionRejected, match="not an `arcgames eval` run"):
        submit(mixed, "hand made", db=db)


def test_the_board_keeps_its_rules(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    db = tmp_path / "b.sqlite"
    assert main(["leaderboard", "init", "--db", str(db), "--runs", "4", "--budget-factor", "2"]) == 0
    assert "4 runs per game" in capsys.readouterr().out
    assert main(["leaderboard", "init", "--db", str(db)]) == 2
    assert "rules are fixed" in capsys.readouterr().err
    with closing(connect(db)) as conn:
        assert conn.execute("SELECT runs_per_game, budget_factor FROM board").fetchone() == (4, 2.0)


def test_a_damaged_database_is_refused_and_left_as_it_was(whole: Path, tmp_path: Path) -> None:
    db = board(tmp_path)
    submit(whole, "random", db=db)
    backup = db.with_name(db.name + ".bak")
    assert backup.is_file()  # each write refreshes a backup copy
    with closing(sqlite3.connect(backup)) as conn:
        assert conn.execute("SELECT count(*) FROM submissions").fetchone() == (1,)

    empty = tmp_path / "empty.sqlite"
    empty.write_bytes(b"")
    with pytest.raises(DamagedDatabaseError, match=r"empty \(0 bytes\)\); nothing was changed"):
        load(empty)
    with pytest.raises(DamagedDatabaseError, match="empty"):
        submit(whole, "random", db=empty)
    assert empty.read_bytes() == b""

    corrupt = tmp_path / "corrupt.sqlite"
    shutil.copy(db, corrupt)
    with closing(sqlite3.connect(corrupt)) as conn:
        conn.execute("PRAGMA journal_mode = DELETE")  # fold the WAL into the file
    data = bytearray(corrupt.read_bytes())
    page = 4096
    data[2 * page : 3 * page] = b"\xff" * page  # a page in the middle of the tables
    corrupt.write_bytes(bytes(data))
    shutil.copy(backup, corrupt.with_name(corrupt.name + ".bak"))
    before = corrupt.read_bytes()
    with pytest.raises(DamagedDatabaseError, match=r"not a usable leaderboard database.*cp .*corrupt.sqlite.bak"):
        submit(whole, "again", db=corrupt)
    assert corrupt.read_bytes() == before
    code = main(["leaderboard", "--db", str(corrupt)])
    assert code == 2


def test_a_missing_board_is_not_created_by_reading(tmp_path: Path) -> None:
    assert load(tmp_path / "none.sqlite") == []
    with pytest.raises(ValueError, match="leaderboard init"):
        connect(tmp_path / "none.sqlite")
    assert not (tmp_path / "none.sqlite").exists()


def test_a_fifo_in_a_submission_is_refused_at_once(whole: Path, tmp_path: Path) -> None:
    import os

    folder = copy(whole, tmp_path / "fifo")
    (folder / "ujzd-r001.jsonl").unlink()
    os.mkfifo(folder / "ujzd-r001.jsonl")  # reading it would block forever
    with pytest.raises(SubmissionRejected, match="not a regular file"):
        submit(folder, "fifo", db=board(tmp_path))


def test_the_page_links_docs_only_where_they_exist(whole: Path, tmp_path: Path, monkeypatch) -> None:
    import arcgames.leaderboard.views as views

    db = board(tmp_path)
    submit(whole, "random", db=db)
    monkeypatch.setattr(views, "SCORING_DOC", tmp_path / "no-such-checkout" / "scoring.md")  # a wheel install
    page = views.write_html(db, tmp_path / "site").read_text()
    assert "docs/scoring.md in the arcgames source repository" in page and 'href="docs/scoring.md"' not in page

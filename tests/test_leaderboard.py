"""The local leaderboard: verified submissions, ranking, tampering, duplicates, concurrency, escaping, the page."""

from __future__ import annotations

import html
import itertools
import json
import shutil
import sqlite3
import subprocess
import threading
import zlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from contextlib import closing
from datetime import UTC, datetime
from multiprocessing import get_context
from pathlib import Path

import pytest
from PIL import Image
from rich.console import Console

import arcgames
import arcgames.leaderboard.submit as submit_module
import arcgames.scoring as scoring_module
from arcgames.cli import main
from arcgames.evaluate import evaluate
from arcgames.leaderboard.store import (
    BoardRules,
    DuplicateSubmissionError,
    NewSubmission,
    RecordingRow,
    connect,
    insert_submission,
)
from arcgames.leaderboard.submit import SubmissionRejected, submit
from arcgames.leaderboard.views import SOLVER_LABEL, load, ranked, tables, to_json, write_html
from arcgames.scoring import score_directory
from arcgames.solver import solve
from arcgames.wrappers import RecordTrajectory

GAME = "ujzd"
TABLES = ("submissions", "game_scores", "recordings")
SQL_NAME = "'; DROP TABLE submissions; --"
SCRIPT_NAME = "<script>alert(1)</script>"
IMG_NAME = "<img src=x onerror=\"document.title='pwned'\">"
CHROMIUM = Path("/usr/bin/chromium")
RUNS = BoardRules().runs_per_game  # a board made by the first submit has the default rules


def _pin_split(split: str | None = None) -> list[str]:
    return [GAME]


@pytest.fixture(autouse=True)
def one_game_split(monkeypatch: pytest.MonkeyPatch) -> None:
    """Score submissions over one game: the real splits grow as games are added (each needs solver counts)."""
    monkeypatch.setattr(submit_module, "list_games", _pin_split)
    monkeypatch.setattr(scoring_module, "list_games", _pin_split)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real evaluation folders, made once; tests copy them before changing anything."""
    root = tmp_path_factory.mktemp("runs")
    for agent in ("random", "explorer"):
        evaluate(agent, games=[GAME], runs=RUNS, out=root / agent)
    return {agent: root / agent for agent in ("random", "explorer")}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "lb.sqlite"


def copy_run(runs: dict[str, Path], agent: str, dest: Path) -> Path:
    return Path(shutil.copytree(runs[agent], dest))


def row_counts(db: Path) -> dict[str, int]:
    if not db.exists():
        return dict.fromkeys(TABLES, 0)
    with sqlite3.connect(db) as conn:
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}


def flat(text: str) -> str:
    """Terminal output with rich's line wrapping undone."""
    return " ".join(text.split())


def rewrite(path: Path, edit: Callable[[list[dict]], None]) -> None:
    """Edit a recording's lines and recompute the hash chain, as a forger who read recording.py would."""
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    edit(lines)
    out, chain = [], 0
    for number, obj in enumerate(lines):
        if number:
            obj["prev"] = f"{chain:08x}"
        data = json.dumps(obj, separators=(",", ":")).encode()
        chain = zlib.crc32(data, chain) if number else zlib.crc32(data)
        out.append(data)
    path.write_bytes(b"\n".join(out) + b"\n")


def test_submissions_are_ranked_by_their_verified_scores(runs: dict[str, Path], db: Path) -> None:
    first = submit(runs["random"], "random baseline", db=db, notes="uniform over actions")
    second = submit(runs["explorer"], "explorer", db=db)
    for sub, agent in ((first, "random"), (second, "explorer")):
        report = score_directory(runs[agent])  # the submission is exactly the scorer's verdict
        assert sub.total == pytest.approx(report.total) and sub.total_ci == pytest.approx(report.total_ci)
        assert sub.iqm == pytest.approx(report.iqm) and sub.best_run_total == pytest.approx(report.best_run_total)
        assert (sub.levels_completed, sub.total_levels) == (report.levels_completed, report.total_levels)
        assert sub.player == agent and sub.baseline_provenance == "solver" and sub.split == "public"
        assert [g.game_id for g in sub.games] == [GAME] and sub.games[0].runs == RUNS
        assert len(sub.recordings) == RUNS and all(r.verified for r in sub.recordings)
        assert sub.tier == "self-reported" and sub.baseline_version == 1
    board = ranked(load(db))
    assert [r for r, _ in board] == [1, 2]
    totals = [s.total for _, s in board]
    assert totals == sorted(totals, reverse=True)
    if second.total > first.total:
        assert board[0][1].name == "explorer"
    stored = {s.id: s for s in load(db)}
    assert stored[first.id] == first and stored[second.id] == second  # everything round-trips
    assert [row["rank"] for row in to_json(load(db))] == [1, 2]
    assert row_counts(db) == {"submissions": 2, "game_scores": 2, "recordings": 2 * RUNS}


def test_tampered_recordings_are_rejected_with_the_reason_and_nothing_is_stored(
    runs: dict[str, Path], db: Path, tmp_path: Path
) -> None:
    submit(runs["random"], "random", db=db)
    before = row_counts(db)
    naive = copy_run(runs, "explorer", tmp_path / "naive")
    path = naive / f"{GAME}-r000.jsonl"
    lines = path.read_text().splitlines(keepends=True)
    step = json.loads(lines[1])
    step["action"] = "ACTION2" if step["action"] != "ACTION2" else "ACTION1"
    lines[1] = json.dumps(step, separators=(",", ":")) + "\n"  # edited in place, chain left as it was
    path.write_text("".join(lines))
    with pytest.raises(SubmissionRejected, match=rf"1 of {RUNS} recordings failed verification") as err:
        submit(naive, "tampered", db=db)
    assert f"{GAME}-r000.jsonl" in str(err.value) and "hash chain broken" in str(err.value)
    assert "nothing was stored" in str(err.value)

    # A forger who recomputes the chain is caught by the replay.
    forged = copy_run(runs, "explorer", tmp_path / "forged")
    path = forged / f"{GAME}-r001.jsonl"

    def change_a_move(lines: list[dict]) -> None:
        steps = [line for line in lines if line["type"] == "step"]
        moved = next(b for a, b in itertools.pairwise(steps) if a["frame"] != b["frame"])
        moved["action"] = {"ACTION1": "ACTION2"}.get(moved["action"], "ACTION1")

    rewrite(path, change_a_move)
    with pytest.raises(SubmissionRejected, match=rf"{GAME}-r001.jsonl: step \d+: "):
        submit(forged, "forged", db=db)
    assert row_counts(db) == before


def test_claims_outside_the_recordings_are_ignored_and_forged_end_lines_rejected(
    runs: dict[str, Path], db: Path, tmp_path: Path
) -> None:
    claimed = copy_run(runs, "random", tmp_path / "claimed")
    (claimed / "results.json").write_text(json.dumps({"total": 1.0, "levels_completed": 5, "score": 1.0}))
    sub = submit(claimed, "claims a perfect score", db=db)
    assert sub.total == pytest.approx(score_directory(runs["random"]).total) and sub.total < 1.0

    forged = copy_run(runs, "explorer", tmp_path / "forged")

    def claim_a_win(lines: list[dict]) -> None:
        lines[-1].update(levels_completed=5, reason="win", state="WIN")

    rewrite(forged / f"{GAME}-r000.jsonl", claim_a_win)
    before = row_counts(db)
    with pytest.raises(SubmissionRejected, match=r"end line claims .* 5 levels, WIN; replay gives"):
        submit(forged, "forged end line", db=db)
    assert row_counts(db) == before


def test_duplicates_are_rejected_naming_the_earlier_submission(runs: dict[str, Path], db: Path, tmp_path: Path) -> None:
    submit(runs["explorer"], "first", db=db)
    renamed = tmp_path / "renamed"
    renamed.mkdir()
    for i, path in enumerate(sorted(runs["explorer"].glob("*.jsonl"))):
        shutil.copy(path, renamed / f"other-name-{i}.jsonl")  # same contents, other file names
    with pytest.raises(DuplicateSubmissionError, match=r"already submitted as #1 'first' on \d{4}-\d\d-\d\d"):
        submit(renamed, "second", db=db)
    # The best run copied over the others, with the header's run index and seed changed to fit.
    padded = copy_run(runs, "random", tmp_path / "padded")
    best = f"{GAME}-r000.jsonl"

    def as_run(index: int) -> Callable[[list[dict]], None]:
        def edit(lines: list[dict]) -> None:
            lines[0]["evaluation"]["run"], lines[0]["seed"] = index, index

        return edit

    for index in range(1, RUNS):
        shutil.copy(padded / best, padded / f"{GAME}-r00{index}.jsonl")
        rewrite(padded / f"{GAME}-r00{index}.jsonl", as_run(index))
    # Replay-valid and whole, so the self-reported tier cannot tell it from an agent whose runs agree
    # (a confident policy plays the same each time); what it can refuse is any of those plays again.
    padded_sub = submit(padded, "padded", db=db)
    assert padded_sub.tier == "self-reported"
    again = copy_run(runs, "random", tmp_path / "again")
    with pytest.raises(SubmissionRejected, match=rf"{best}: played exactly as a run of #{padded_sub.id}"):
        submit(again, "again", db=db)
    # Byte-level changes do not make a new play: CRLF is refused, and whitespace inside lines is the same play.
    spaced = tmp_path / "spaced"
    spaced.mkdir()
    for path in sorted(runs["explorer"].glob("*.jsonl")):
        lines = path.read_text().splitlines(keepends=True)
        (spaced / path.name).write_text(lines[0].replace('":', '": ') + "".join(lines[1:]))
        rewrite(spaced / path.name, lambda lines: None)
    with pytest.raises(DuplicateSubmissionError, match="already submitted as #1"):
        submit(spaced, "respaced", db=db)
    crlf = copy_run(runs, "explorer", tmp_path / "crlf")
    (crlf / best).write_bytes((crlf / best).read_bytes().replace(b"\n", b"\r\n"))
    with pytest.raises(SubmissionRejected, match="CRLF"):
        submit(crlf, "crlf", db=db)
    trailing = copy_run(runs, "explorer", tmp_path / "trailing")
    (trailing / best).write_bytes((trailing / best).read_bytes() + b"  ")
    with pytest.raises(SubmissionRejected, match="data after the end line"):
        submit(trailing, "trailing", db=db)
    assert row_counts(db)["submissions"] == 2


def _submit_in_a_process(run_dir: Path, name: str, db: Path) -> int:
    submit_module.list_games = _pin_split  # a spawned process does not inherit the test's monkeypatch
    return submit(run_dir, name, db=db).id


def test_concurrent_submissions_are_stored_whole(runs: dict[str, Path], db: Path, tmp_path: Path) -> None:
    # Two processes with different runs: both stored.
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(_submit_in_a_process, runs[agent], agent, db) for agent in ("random", "explorer")]
        ids = sorted(f.result() for f in futures)
    assert ids == [1, 2]
    # Four threads with the same run, started together: one is stored, the others fail cleanly as duplicates.
    dup_dir = tmp_path / "seeded"
    evaluate("fake_agents:SeededAgent", games=[GAME], runs=RUNS, out=dup_dir)
    barrier, outcomes = threading.Barrier(4), []

    def race(i: int) -> None:
        barrier.wait()
        try:
            outcomes.append(submit(dup_dir, f"racer {i}", db=db).id)
        except DuplicateSubmissionError:
            outcomes.append("duplicate")

    threads = [threading.Thread(target=race, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes, key=str) == [3, "duplicate", "duplicate", "duplicate"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        per_submission = conn.execute(
            "SELECT s.id, (SELECT count(*) FROM game_scores g WHERE g.submission_id = s.id), "
            "(SELECT count(*) FROM recordings r WHERE r.submission_id = s.id) FROM submissions s ORDER BY s.id"
        ).fetchall()
    assert per_submission == [(1, 1, RUNS), (2, 1, RUNS), (3, 1, RUNS)]  # no partial submission


def test_a_failing_insert_leaves_no_partial_rows(runs: dict[str, Path], db: Path) -> None:
    sub = submit(runs["random"], "random", db=db)
    fields = sub.model_dump(exclude={"id"})
    row = RecordingRow(file_name="same.jsonl", content_hash="x", play_hash="p", game_id=GAME, run=0, score=0,
                       levels_completed=0, actions=1, level_actions=[], verified=True)  # fmt: skip
    # Two recordings with one file name violate the primary key after the submission row went in.
    broken = NewSubmission(**{**fields, "content_hash": "other", "recordings": [row, row]})
    with closing(connect(db)) as conn, pytest.raises(sqlite3.IntegrityError):
        insert_submission(conn, broken)
    assert row_counts(db) == {"submissions": 1, "game_scores": 1, "recordings": RUNS}


def test_hostile_names_are_stored_verbatim_and_escaped_everywhere(
    runs: dict[str, Path], db: Path, tmp_path: Path
) -> None:
    names = {"random": SQL_NAME, "explorer": SCRIPT_NAME}
    for agent, name in names.items():
        submit(runs[agent], name, db=db, notes=IMG_NAME)
    assert row_counts(db)["submissions"] == 2  # the table is still there
    assert {s.name for s in load(db)} == set(names.values())
    assert {s.notes for s in load(db)} == {IMG_NAME}
    console = Console(record=True, width=200)
    for table in tables(load(db)):
        console.print(table)
    text = console.export_text()
    assert SQL_NAME in text and SCRIPT_NAME in text  # rich printed the names, not markup
    page = write_html(db, tmp_path / "site").read_text()
    for name in (SQL_NAME, SCRIPT_NAME, IMG_NAME):
        assert name not in page and html.escape(name) in page
    assert "<script" not in page.lower()


def test_bad_names_are_refused_before_anything_is_stored(runs: dict[str, Path], db: Path) -> None:
    for name, message in (("", "needs a name"), ("   ", "needs a name"), ("x" * 81, "at most 80"),
                          ("two\nlines", "control characters")):  # fmt: skip
        with pytest.raises(ValueError, match=message):
            submit(runs["random"], name, db=db)
    assert not db.exists()
    assert submit(runs["random"], "x" * 80, db=db).name == "x" * 80


def test_the_board_scores_against_its_own_baselines_never_a_file(
    runs: dict[str, Path], db: Path, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    generous = tmp_path / "human.json"  # a hand-written "human" file with huge counts: it once raised a total 5x
    generous.write_text(json.dumps({"provenance": "human", "built_at": datetime.now(UTC).isoformat(), "games": {
        GAME: {"game_version": arcgames.get_game(GAME).version, "players": 9,
               "levels": [{"count": 999, "completers": 9, "status": "ok"}] * 5}}}))  # fmt: skip
    code = main(["submit", str(runs["explorer"]), "--name", "x", "--db", str(db), "--baselines", str(generous)])
    assert code == 2 and "its own baselines, never a submitter's file" in flat(capsys.readouterr().err)
    assert not db.exists()
    sub = submit(runs["explorer"], "explorer", db=db)
    assert sub.baseline_provenance == "solver" and sub.total == pytest.approx(score_directory(runs["explorer"]).total)


def test_baselines_for_another_game_version_are_refused_with_the_fix(runs: dict[str, Path], db: Path) -> None:
    submit(runs["random"], "random", db=db)
    with sqlite3.connect(db) as conn:
        (content,) = conn.execute("SELECT content FROM baseline_sets").fetchone()
        stale = json.loads(content)
        stale[GAME]["game_version"] = "0" * 16
        conn.execute("UPDATE baseline_sets SET content = ?", (json.dumps(stale),))
    with pytest.raises(SubmissionRejected, match=r"(?s)leaderboard baselines --update.*ujzd: .*another version"):
        submit(runs["explorer"], "explorer", db=db)
    assert row_counts(db)["submissions"] == 1


def test_empty_missing_and_unfinished_run_folders(runs: dict[str, Path], db: Path, tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(SubmissionRejected, match=r"holds no recordings \(\*\.jsonl\); run `arcgames eval --out"):
        submit(tmp_path / "empty", "nothing", db=db)
    with pytest.raises(SubmissionRejected, match="is not a folder of recordings"):
        submit(tmp_path / "missing", "nothing", db=db)
    unfinished = copy_run(runs, "random", tmp_path / "unfinished")
    (unfinished / f"{GAME}-r000.jsonl").rename(unfinished / f"{GAME}-r000.jsonl.partial")
    with pytest.raises(SubmissionRejected, match=f"(?s)unfinished runs.*{GAME}-r000.jsonl.partial"):
        submit(unfinished, "unfinished", db=db)
    assert row_counts(db)["submissions"] == 0


def test_other_game_versions_mixed_players_cut_plays_and_late_starts(
    runs: dict[str, Path], db: Path, tmp_path: Path
) -> None:
    old = copy_run(runs, "explorer", tmp_path / "old")

    def older_game(lines: list[dict]) -> None:
        lines[0]["game_version"] = "0123456789abcdef"

    rewrite(old / f"{GAME}-r000.jsonl", older_game)
    with pytest.raises(SubmissionRejected, match="version 0123456789abcdef, but the installed version") as err:
        submit(old, "old", db=db)
    assert "only be submitted with the arcgames version that made them" in str(err.value)

    mixed = copy_run(runs, "explorer", tmp_path / "mixed")
    shutil.copy(runs["random"] / f"{GAME}-r000.jsonl", mixed / "random-run.jsonl")
    with pytest.raises(SubmissionRejected, match=r"by 2 players \(explorer, random\)"):
        submit(mixed, "mixed", db=db)

    cut = copy_run(runs, "explorer", tmp_path / "cut")
    path = cut / f"{GAME}-r000.jsonl"
    path.write_text("".join(path.read_text().splitlines(keepends=True)[:-1]))  # drop the end line
    with pytest.raises(SubmissionRejected, match="no end line: the play was interrupted"):
        submit(cut, "cut", db=db)

    # A play from a later level would be scored against level 1's baseline.
    late = tmp_path / "late"
    env = RecordTrajectory(arcgames.make(GAME), late, player="explorer")
    env.reset(options={"level": 4})
    for action in solve(arcgames.get_game(GAME), 4).actions:
        env.step(action)
    env.close()
    with pytest.raises(SubmissionRejected, match="the play started at level 5; ranked runs start at level 1"):
        submit(late, "late", db=db)
    assert row_counts(db)["submissions"] == 0


def test_default_database_lives_in_the_data_folder(
    runs: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ARCGAMES_HOME", str(tmp_path / "home"))
    assert load() == []  # reading creates nothing
    assert not (tmp_path / "home").exists()
    submit(runs["random"], "random")
    assert (tmp_path / "home" / "leaderboard.sqlite").is_file()
    assert [s.name for s in load()] == ["random"]


def test_html_page_with_plots(runs: dict[str, Path], db: Path, tmp_path: Path) -> None:
    for agent in ("random", "explorer"):
        submit(runs[agent], f"{agent} $x$", db=db)  # "$" must not be read as TeX by matplotlib
    page = write_html(db, tmp_path / "site")
    text = page.read_text()
    order = [s.name for _, s in ranked(load(db))]
    assert text.index(f">{order[0]}<") < text.index(f">{order[1]}<")
    assert SOLVER_LABEL in text and "min(1.15, (baseline actions / agent actions)²)" in text
    assert 'scoring.md">docs/scoring.md</a>' in text
    assert "self-reported · public split" in text and "nothing proves how they were chosen" in text
    for png in ("scores-1.png", "efficiency-1.png"):
        assert f'src="{png}"' in text
        with Image.open(page.parent / png) as image:
            assert image.format == "PNG" and image.width > 300
    empty = write_html(tmp_path / "none.sqlite", tmp_path / "empty-site").read_text()
    assert "No submissions yet" in empty
    assert "<code>arcgames replay FILE</code>" in text and "<a href=" not in text.split("runs</summary>")[1][:200]
    file_name = load(db)[0].recordings[0].file_name
    linked = write_html(db, tmp_path / "linked", replay_url="http://lab.example:8001/").read_text()
    assert f'<a href="http://lab.example:8001/replay?file={file_name.replace("+", "%2B")}">replay</a>' in linked
    with pytest.raises(ValueError, match="--replay-url must be an http"):
        write_html(db, tmp_path / "x", replay_url="javascript:alert(1)")


def test_cli_submit_and_leaderboard(
    runs: dict[str, Path], db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["submit", str(runs["explorer"]), "--name", "[bold]explorer[/]", "--db", str(db), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["rank"] == 1 and out["name"] == "[bold]explorer[/]" and len(out["recordings"]) == RUNS
    assert main(["submit", str(runs["random"]), "--name", "random", "--db", str(db)]) == 0
    assert "submitted #2 random" in capsys.readouterr().out
    # A duplicate: exit 2, and the quoted name "[/]" is printed, not parsed as rich markup.
    assert main(["submit", str(runs["explorer"]), "--name", "again", "--db", str(db)]) == 2
    assert "already submitted as #1 '[bold]explorer[/]'" in flat(capsys.readouterr().err)
    assert main(["submit", str(tmp_path / "missing"), "--name", "x", "--db", str(db)]) == 2
    assert "is not a folder of recordings" in flat(capsys.readouterr().err)
    assert main(["leaderboard", "--db", str(db), "--json", "--html", str(tmp_path / "site")]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["rank"] for r in rows] == [1, 2] and {r["baseline_label"] for r in rows} == {SOLVER_LABEL}
    assert {r["tier"] for r in rows} == {"self-reported"}
    assert (tmp_path / "site" / "index.html").is_file()
    assert main(["leaderboard", "--db", str(db)]) == 0
    assert "[bold]" in capsys.readouterr().out  # shown literally, not as markup
    assert main(["leaderboard", "--db", str(tmp_path / "none.sqlite")]) == 0
    assert "no submissions yet" in capsys.readouterr().out


@pytest.mark.slow
@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"
)
def test_page_in_headless_chromium(runs: dict[str, Path], db: Path, tmp_path: Path) -> None:
    submit(runs["random"], SCRIPT_NAME, db=db, notes=IMG_NAME)
    submit(runs["explorer"], IMG_NAME, db=db)
    page = write_html(db, tmp_path / "site")
    command = [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run",
               f"--user-data-dir={tmp_path / 'profile'}"]  # fmt: skip
    dom = subprocess.run([*command, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120,
                         check=True).stdout  # fmt: skip
    assert "<title>arcgames leaderboard</title>" in dom  # no injected script changed it
    assert "<script" not in dom.lower() and '<img src="x"' not in dom  # no element came from a name
    rows = [line for line in dom.splitlines() if 'class="submission"' in line]
    expected = [html.escape(s.name, quote=False) for _, s in ranked(load(db))]
    assert len(rows) == 2 and all(name in row for name, row in zip(expected, rows, strict=True))
    shot = tmp_path / "page.png"
    subprocess.run([*command, f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri()],
                   capture_output=True, timeout=120, check=True)  # fmt: skip
    with Image.open(shot) as image:
        assert image.size == (1200, 1600)

"""The command line: JSON for scripts, exit codes, and errors that name the fix."""

import json
from pathlib import Path

import pytest
from helpers import forge

import arcgames
from arcgames.cli import main


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> object:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_list_json(capsys: pytest.CaptureFixture[str]) -> None:
    games = run_json(capsys, "list", "--split", "evaluation")
    assert [g["id"] for g in games] == arcgames.list_games("evaluation")
    assert all(g["split"] == "evaluation" and g["levels"] >= 5 for g in games)


def test_show_json_is_the_levels_first_frame(capsys: pytest.CaptureFixture[str]) -> None:
    shown = run_json(capsys, "show", "ujzd", "--level", "2")
    frame, _ = arcgames.make("ujzd").reset(options={"level": 1})
    assert shown["frame"] == frame.tolist() and shown["level"] == 2


def test_run_json_with_any_agent(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(capsys, "run", "ujzd", "--agent", "explorer", "--steps", "400")
    assert result["agent"] == "explorer" and 0 < result["actions"] <= 400 and result["levels_completed"] >= 1


def test_solve_json_labels_solver_data(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_json(capsys, "solve", "ujzd", "--level", "1")
    assert result["source"] == "solver"
    solution = ["ACTION1", "ACTION1", "ACTION3", "ACTION3", "ACTION3", "ACTION2", "ACTION3", "ACTION1", "ACTION1"]
    assert result["levels"][0]["solver_actions"] == 9 and result["levels"][0]["solution"] == solution


def test_cards_json(capsys: pytest.CaptureFixture[str]) -> None:
    (card,) = run_json(capsys, "cards", "--games", "ujzd")
    assert card["priors"] and len(card["levels"]) == len(card["solver_counts"]) == 7


def test_eval_score_and_verify_round_trip(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    result = run_json(capsys, "eval", "--agent", "explorer", "--games", "ujzd", "--out", str(tmp_path))
    (run,) = result["runs"]
    score = run_json(capsys, "score", str(tmp_path))
    (played,) = [g for g in score["games"] if g["runs"]]  # scored over the whole split, as a board does
    assert played["game_id"] == "ujzd" and played["runs"][0]["levels_completed"] == run["levels_completed"]
    (check,) = run_json(capsys, "replay", run["path"], "--verify")
    assert check["ok"] and check["actions"] == run["actions"]


def test_suite_report_json_has_the_counts_and_the_audit(capsys: pytest.CaptureFixture[str]) -> None:
    report = run_json(capsys, "suite-report", "--games", "eh60", "--plays", "2", "--workers", "1")
    (game,) = report["games"]
    counts = [lv["solver_actions"] for lv in game["levels"]]
    assert (game["first_level_actions"], game["last_level_actions"], game["total_actions"]) == (
        counts[0], counts[-1], sum(counts))  # fmt: skip
    level = game["levels"][0]
    assert set(level["audit"]) == {"uniform", "aimed", "repeat", "frame-change", "explorer"}
    assert set(level["audit"]["uniform"]["beaten"]) == {"5x", "20x"} and level["audit"]["uniform"]["plays"] == 2
    depth = {goal["name"]: goal for goal in report["depth"]}
    assert depth["games"] == {"name": "games", "target": ">= 24", "value": "1", "passed": False}
    assert depth["solver actions of level 1, median"]["value"] == str(counts[0])
    audit = report["audit"]
    assert audit["plays"] == 2 and "levels" not in audit
    assert audit["summary"]["explorer"]["levels_played"] == len(counts)
    assert [g["name"] for g in audit["goals"]][-1] == "no level falls to more than one strategy at 5x"


def test_suite_report_prints_the_targets_pass_or_fail(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["suite-report", "--games", "eh60", "--plays", "1", "--workers", "1", "--color", "never"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "exploit audit" in out and "levels that fall at 5x" in out and "issue 15 targets" in out
    assert "FAIL" in out and "PASS" in out  # one game is far from 24 games; one play of each strategy is not lucky
    assert main(["suite-report", "--games", "eh60", "--plays", "1", "--workers", "1", "--strict", "--json"]) == 1


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["show", "zzzz"], "unknown game id 'zzzz'; known games:"),
        (["show", "ujzd", "--level", "9"], "--level must be in 1..7"),
        (["run", "ujzd", "--steps", "0"], "--steps must be at least 1"),
        (["run", "ujzd", "--agent", "nope"], "unknown agent 'nope'"),
        (["eval", "--agent", "random", "--games", "nope"], "unknown game id 'nope'"),
        (["score", "/no/such/folder"], "is not a folder of recordings"),
        (["solve"], "give a game id, or --write-counts"),
        (["list", "--pack", "/no/such/pack"], "is not a folder"),
        (["play", "ujzd", "--level", "8"], "--level must be in 1..7 for game ujzd (level 1 is the first), got 8"),
        (["play", "ujzd", "--level", "0"], "--level must be in 1..7 for game ujzd (level 1 is the first), got 0"),
        (["show", "ujzd", "--level", "8"], "--level must be in 1..7 for game ujzd (level 1 is the first), got 8"),
        (["solve", "ujzd", "--level", "0"], "--level must be in 1..7 for game ujzd (level 1 is the first), got 0"),
        (["suite-report", "--plays", "0"], "--plays and --workers must be at least 1, got 0 and"),
        (["suite-report", "--workers", "0"], "--plays and --workers must be at least 1, got 20 and 0"),
    ],
)
def test_bad_input_exits_2_with_a_clear_message(capsys: pytest.CaptureFixture[str], argv, message) -> None:
    assert main(argv) == 2
    assert message in " ".join(capsys.readouterr().err.split())


def test_failed_verification_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n")
    assert main(["replay", str(bad), "--verify"]) == 1
    assert "FAILED" in capsys.readouterr().out


def test_version_and_python_dash_m(capsys: pytest.CaptureFixture[str]) -> None:
    import subprocess
    import sys

    import arcgames

    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out.strip() == f"arcgames {arcgames.__version__}"
    result = subprocess.run([sys.executable, "-m", "arcgames", "list", "--json"], capture_output=True, text=True,
                            timeout=60)  # fmt: skip
    assert result.returncode == 0 and {g["id"] for g in json.loads(result.stdout)} == set(arcgames.list_games())


HOSTILE = "[bold red]x[/]\x1b[2J\x1b]0;pwned\x07"


def hostile_recording(tmp_path: Path) -> Path:
    """A recording whose game id and player carry rich markup and terminal control sequences."""
    import arcgames
    from arcgames.wrappers import RecordTrajectory

    env = RecordTrajectory(arcgames.make("ujzd"), path=tmp_path / "plain.jsonl", player="p")
    env.reset()
    env.close()
    text = (tmp_path / "plain.jsonl").read_text().splitlines(keepends=True)
    header = json.loads(text[0])
    header["game_id"], header["player"] = HOSTILE, HOSTILE
    text[0] = json.dumps(header, separators=(",", ":")) + "\n"
    return forge(tmp_path / "hostile.jsonl", text)


def test_hostile_strings_print_as_plain_text(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = hostile_recording(tmp_path)
    assert main(["replay", str(path), "--verify"]) == 1
    out = capsys.readouterr().out
    assert "FAILED" in out and "[bold red]x[/]" in " ".join(out.split()) and "\x1b" not in out and "\\x1b" in out
    assert main(["history", "--dir", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out
    assert main(["show", HOSTILE]) == 2
    err = capsys.readouterr().err
    assert "unknown game id" in err and "\x1b" not in err and "Traceback" not in err

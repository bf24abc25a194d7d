"""The scorer (ARC-AGI-3 formula) and human baselines built from real recordings."""

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import arcgames
from arcgames.actions import Action
from arcgames.baselines import StaleBaselineError, baseline_for, build_human_baselines, solver_counts, upper_median
from arcgames.scoring import LEVEL_CAP, interquartile_mean, level_score, run_score, score_directory, score_recordings
from arcgames.solver import solve
from arcgames.wrappers import RecordTrajectory

GAME = "ujzd"


def test_arc_agi_3_worked_example() -> None:
    """From the official toolkit's scorecard: baselines [3,12,13,7,17], level 1 beaten in 11 actions."""
    assert level_score(3, 11) * 100 == pytest.approx(7.438016528925619)
    assert run_score([11], [3, 12, 13, 7, 17]) * 100 == pytest.approx(0.4958677685950413)
    assert run_score([3, 12, 13, 7, 17], [3, 12, 13, 7, 17]) == pytest.approx(1.0)


def test_level_score_is_capped() -> None:
    assert level_score(10, 5) == LEVEL_CAP
    assert level_score(10, 10) == 1.0


def test_run_score_is_capped_by_the_weighted_fraction_completed() -> None:
    # Two of three levels far faster than baseline: 1.15 each, but only (1+2)/6 of the weight is done.
    assert run_score([1, 1], [10, 10, 10]) == pytest.approx(3 / 6)
    # All levels faster than baseline: the fraction (1.0) caps the 1.15 weighted mean.
    assert run_score([1, 1, 1], [10, 10, 10]) == 1.0


def test_levels_not_completed_score_zero() -> None:
    assert run_score([], [3, 4, 5]) == 0.0
    # Level 1 at baseline, level 2 at twice baseline, level 3 not completed.
    assert run_score([3, 8], [3, 4, 5]) == pytest.approx((1 * 1.0 + 2 * 0.25) / 6)


def test_bad_score_inputs() -> None:
    with pytest.raises(ValueError, match="must be positive"):
        level_score(3, 0)
    with pytest.raises(ValueError, match="only 2 baselines"):
        run_score([1, 1, 1], [1, 1])


@given(
    baselines=st.lists(st.integers(1, 200), min_size=1, max_size=8),
    data=st.data(),
)
def test_run_score_properties(baselines: list[int], data: st.DataObject) -> None:
    done = data.draw(st.integers(0, len(baselines)))
    actions = data.draw(st.lists(st.integers(1, 500), min_size=done, max_size=done))
    score = run_score(actions, baselines)
    assert 0.0 <= score <= 1.0 <= LEVEL_CAP
    if actions:  # more actions on any completed level never raises the score
        slower = [a + data.draw(st.integers(0, 50)) for a in actions]
        assert run_score(slower, baselines) <= score + 1e-12


@given(st.lists(st.floats(0, 1.15), min_size=1, max_size=40))
def test_interquartile_mean_is_within_range(values: list[float]) -> None:
    assert min(values) - 1e-9 <= interquartile_mean(values) <= max(values) + 1e-9


def play(out: Path, actions: list[Action], player: str = "agent-x", kind: str = "agent", first: bool | None = None):
    env = RecordTrajectory(arcgames.make(GAME), out, player=player, player_kind=kind, first_play=first)
    env.reset()
    for action in actions:
        env.step(action)
    env.close()
    return env.recordings[-1]


def played_game(report):
    (game,) = [g for g in report.games if g.runs]
    return game


def solution(level: int) -> list[Action]:
    return list(solve(arcgames.get_game(GAME), level).actions)


def test_score_from_recordings_counts_reset_and_undo(tmp_path: Path) -> None:
    counts = solver_counts(GAME)
    wasted = [Action.ACTION1, Action.UNDO, Action.RESET]
    play(tmp_path, wasted + solution(0) + solution(1))
    report = score_directory(tmp_path)
    game = played_game(report)
    expected = run_score([counts[0] + 3, counts[1]], counts)
    split = arcgames.list_games(arcgames.get_game(GAME).split)
    assert report.over == f"all {len(split)} games of the {arcgames.get_game(GAME).split} split"
    assert [g.game_id for g in report.games] == split  # as the leaderboard scores: unplayed games count 0
    assert game.score == pytest.approx(expected) and report.total == pytest.approx(expected / len(split))
    assert game.runs[0].efficiency == pytest.approx([counts[0] / (counts[0] + 3), 1.0])
    assert report.levels_completed == 2 and game.baseline.provenance == "solver"


def test_unplayed_games_count_zero_and_order_does_not_matter(tmp_path: Path) -> None:
    path = play(tmp_path, solution(0))
    others = [g for g in arcgames.list_games() if g != GAME][:2]
    one = score_recordings([path], [GAME])
    three = score_recordings([path], [GAME, *others])
    reordered = score_recordings([path], [*reversed(others), GAME])
    assert three.total == pytest.approx(one.total / 3)
    assert reordered.total == pytest.approx(three.total)


def test_mean_over_runs_is_the_headline_and_best_run_is_reported(tmp_path: Path) -> None:
    play(tmp_path, solution(0))
    play(tmp_path, [Action.ACTION1] * 4)
    report = score_directory(tmp_path)
    game = played_game(report)
    best = run_score([solver_counts(GAME)[0]], solver_counts(GAME))
    assert game.best_run_score == pytest.approx(best)
    assert game.score == pytest.approx(best / 2)
    low, high = report.total_ci
    assert low <= report.total <= high


def test_tampered_recordings_are_not_scored(tmp_path: Path) -> None:
    path = play(tmp_path, solution(0))
    lines = path.read_text().splitlines(keepends=True)
    lines[-1] = lines[-1].replace('"levels_completed":1', '"levels_completed":5')
    path.write_text("".join(lines))
    report = score_directory(tmp_path)
    assert report.total == 0 and not any(g.runs for g in report.games) and "end line claims" in report.rejected[0]


def test_empty_or_missing_run_dir(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="holds no recordings"):
        score_directory(tmp_path)
    with pytest.raises(ValueError, match="is not a folder"):
        score_directory(tmp_path / "missing")


def test_upper_median() -> None:
    assert upper_median([5]) == 5
    assert upper_median([9, 3, 5]) == 5
    assert upper_median([3, 9, 5, 7]) == 7


def test_human_baselines_from_first_plays(tmp_path: Path) -> None:
    base = solution(0)
    level2 = solution(1)
    # Three first-time players finish level 1 with 0, 2 and 4 extra actions; only one of them finishes level 2.
    play(tmp_path, base, player="ann", kind="human", first=True)
    play(tmp_path, [Action.ACTION1, Action.ACTION2, *base, *level2], player="bob", kind="human", first=True)
    play(tmp_path, [Action.ACTION1, Action.ACTION2] * 2 + base, player="cy", kind="human", first=True)
    play(tmp_path, base, player="ann", kind="human", first=False)  # a replay measures memory: skipped
    play(tmp_path, base, player="bot")  # an agent: skipped
    baselines, skipped = build_human_baselines(sorted(tmp_path.glob("*.jsonl")))
    game = baselines.games[GAME]
    assert game.players == 3
    assert game.levels[0].count == len(base) + 2 and game.levels[0].completers == 3  # upper median of 0, +2, +4
    assert game.levels[1].status == "insufficient" and game.levels[1].count is None
    assert len(skipped) == 2 and any("not a first play" in s for s in skipped)
    assert any("agent, not a human" in s for s in skipped)
    # Nobody solved every level: the game fails the human test, so even level 1's count is no baseline.
    assert not game.validated and game.full_completers == 0 and game.levels[0].status == "game_not_validated"
    assert (
        baselines.failures()[0] == f"game {GAME}: 0 of 3 first-time players solved every level; the human test needs 2"
    )
    assert f"game {GAME} level 2: 1 of 3 players completed it; a baseline needs 2" in baselines.failures()
    file = tmp_path / "human.json"
    file.write_text(baselines.model_dump_json())
    assert all(level.source == "solver" for level in baseline_for(GAME, file).levels)


def test_human_baselines_of_a_validated_game(tmp_path: Path) -> None:
    whole = [a for level in range(arcgames.get_game(GAME).num_levels) for a in solution(level)]
    play(tmp_path, whole, player="ann", kind="human", first=True)
    play(tmp_path, [Action.ACTION1, Action.UNDO, *whole], player="bob", kind="human", first=True)
    play(tmp_path, solution(0), player="cy", kind="human", first=True)  # stopped after level 1
    baselines, skipped = build_human_baselines(sorted(tmp_path.glob("*.jsonl")), study="pilot", expected=[GAME, "0ce9"])
    game = baselines.games[GAME]
    assert game.validated and game.full_completers == 2 and game.players == 3 and not skipped
    assert game.levels[0].count == len(solution(0)) and game.levels[0].completers == 3  # upper median of n, n+2, n
    assert [lv.status for lv in game.levels] == ["ok"] * len(game.levels)
    assert baselines.games["0ce9"].players == 0  # a study game nobody played is reported, and fails
    assert baselines.failures()[0] == "game 0ce9: 0 of 0 first-time players solved every level; the human test needs 2"
    file = tmp_path / "human.json"
    file.write_text(baselines.model_dump_json())
    assert json.loads(file.read_text())["provenance"] == "human" and json.loads(file.read_text())["study"] == "pilot"
    combined = baseline_for(GAME, file)
    assert [lv.source for lv in combined.levels] == ["human"] * len(combined.levels)
    assert combined.levels[0].count == len(solution(0))
    assert combined.provenance == "human (study pilot, up to 3 players)"


def test_stale_human_baselines_are_refused(tmp_path: Path) -> None:
    play(tmp_path, solution(0), player="ann", kind="human", first=True)
    play(tmp_path, solution(0), player="bob", kind="human", first=True)
    baselines, _ = build_human_baselines(sorted(tmp_path.glob("*.jsonl")))
    data = json.loads(baselines.model_dump_json())
    data["games"][GAME]["game_version"] = "0" * 16
    file = tmp_path / "old.json"
    file.write_text(json.dumps(data))
    with pytest.raises(StaleBaselineError, match="rebuild it"):
        baseline_for(GAME, file)


def test_plays_from_later_levels_copies_and_other_games_are_not_scored(tmp_path: Path) -> None:
    scored = play(tmp_path, solution(0))
    (tmp_path / "copy.jsonl").write_bytes(scored.read_bytes())
    env = RecordTrajectory(arcgames.make(GAME), tmp_path, player="agent-x")
    env.reset(options={"level": 1})
    for action in solution(1):
        env.step(action)
    env.close()
    report = score_recordings(sorted(tmp_path.glob("*.jsonl")), [GAME])
    assert len(report.games[0].runs) == 1
    reasons = "\n".join(report.rejected)
    assert "started at level 2; only plays from level 1 are scored" in reasons
    assert "byte-identical copy" in reasons
    other = next(g for g in arcgames.list_games() if g != GAME)
    assert "is not among the games scored" in "".join(score_recordings([scored], [other]).rejected)


def test_baseline_build_reports_each_game_and_level(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from arcgames.cli import main

    whole = [a for level in range(arcgames.get_game(GAME).num_levels) for a in solution(level)]
    (tmp_path / "card-a").mkdir()
    play(tmp_path / "card-a", whole, player="ann", kind="human", first=True)  # folders of folders: a study's out
    play(tmp_path, solution(0), player="bob", kind="human", first=True)
    out = tmp_path / "human.json"
    assert main(["baseline", "--color", "never", "build", str(tmp_path), "-o", str(out), "--study", "pilot",
                 "--games", f"{GAME},0ce9"]) == 0  # fmt: skip
    text = capsys.readouterr().out
    assert f"{GAME}: 2 first-time players, 1 solved every level: FAILED the human test" in text
    assert "0ce9: 0 first-time players, 0 solved every level: FAILED the human test" in text
    assert f"failed game {GAME} level 2: 1 of 2 players completed it; a baseline needs 2" in text
    assert "game_not_validated" in text and "study pilot" in text
    assert main(["baseline", "build", str(tmp_path), "-o", str(out), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert (
        report["failures"][0].startswith(f"game {GAME}: 1 of 2") and report["baselines"]["games"][GAME]["players"] == 2
    )
    assert main(["baseline", "build", str(tmp_path / "card-a" / "nothing"), "-o", str(out)]) == 2
    assert "no such file or folder" in capsys.readouterr().err
    (tmp_path / "empty").mkdir()
    assert main(["baseline", "build", str(tmp_path / "empty"), "-o", str(out)]) == 2
    assert "no recordings given" in capsys.readouterr().err

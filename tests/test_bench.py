"""The step-rate benchmark runs and reports consistent numbers (speed targets live in the benchmark)."""

from __future__ import annotations

import json
import sys

import pytest

import arcgames
from arcgames.bench import BenchReport, main_bench, measure_minigrid, render_report, run_bench

TINY = 0.05  # seconds per measurement: enough to exercise the code, not to time anything


@pytest.fixture(scope="module")
def report() -> BenchReport:
    return run_bench(arcgames.list_games()[:1], seconds=TINY)


def test_rates_are_positive_and_ratios_match_them(report: BenchReport) -> None:
    pytest.importorskip("minigrid")
    (game,) = report.games
    assert game.steps > 0 and game.steps_per_s > 0
    assert game.steps_per_s == pytest.approx(game.steps / game.seconds)
    assert len(report.minigrid_samples) == 2  # before and after the game
    assert report.minigrid_steps_per_s == pytest.approx(sum(report.minigrid_samples) / 2)
    assert report.ratios[game.game_id] == pytest.approx(game.steps_per_s / report.minigrid_steps_per_s)
    assert report.median_ratio == pytest.approx(report.ratios[game.game_id])
    assert [t.passed is not None for t in report.targets] == [True, True, True]


def test_report_table_renders(report: BenchReport) -> None:
    assert render_report(report).row_count >= 2


def test_json_output_is_valid(capsys: pytest.CaptureFixture[str]) -> None:
    game_id = arcgames.list_games()[0]
    assert main_bench([game_id], TINY, as_json=True) == 0
    data = json.loads(capsys.readouterr().out)
    expected = {"games", "minigrid_samples", "minigrid_steps_per_s", "ratios", "median_ratio", "platform", "targets"}
    assert expected <= data.keys()
    assert data["games"][0]["game_id"] == game_id
    assert {"python", "cpu", "numpy"} <= data["platform"].keys()
    assert BenchReport.model_validate(data).games[0].steps == data["games"][0]["steps"]


def test_unknown_game_is_an_error_not_a_traceback(capsys: pytest.CaptureFixture[str]) -> None:
    assert main_bench(["zzzz"], TINY, as_json=False) == 2
    assert "known games" in capsys.readouterr().err


def test_minigrid_missing_gives_none(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "minigrid", None)  # makes `import minigrid` raise ImportError
    assert measure_minigrid(seconds=TINY) is None
    report = run_bench(arcgames.list_games()[:1], seconds=TINY)
    assert report.minigrid_steps_per_s is None and report.ratios == {} and report.median_ratio is None
    assert report.targets[0].passed is None
    render_report(report)


def test_recording_cost_is_measured_side_by_side() -> None:
    from arcgames.bench import measure_recording

    cost = measure_recording("ujzd", seconds=0.05, rounds=1)
    assert cost.plain_steps_per_s > 0 and cost.recorded_steps_per_s > 0
    assert cost.overhead == pytest.approx(cost.plain_steps_per_s / cost.recorded_steps_per_s - 1)
    assert 100 < cost.bytes_per_action < 220  # frame hashes, not frames

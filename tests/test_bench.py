"""The step-rate benchmark runs and reports consistent numbers (speed targets live in the benchmark)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

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
    arc_measured = report.arcengine_steps_per_s is not None
    assert [t.passed is not None for t in report.targets] == [True, True, arc_measured]


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


def test_the_arc_engine_target_is_judged_only_on_a_measurement_of_the_same_run(report: BenchReport) -> None:
    from arcgames.bench import print_report

    unmeasured = report.model_copy(update={"arcengine_steps_per_s": None})
    arc = unmeasured.targets[-1]
    assert arc.passed is None and "did not run in this run" in arc.detail
    median = unmeasured.median_steps_per_s
    for arc_rate, passed in ((median / 20, True), (median / 5, False)):
        target = report.model_copy(update={"arcengine_steps_per_s": arc_rate}).targets[-1]
        assert target.passed is passed and "measured in this run" in target.name
        assert f"{median / arc_rate:.1f}x" in target.detail
    console = Console(record=True, width=200)
    print_report(unmeasured, console)
    lines = [line for line in console.export_text().splitlines() if "ARC-AGI-3" in line]
    assert lines and all(line.startswith("SKIP") for line in lines)


def test_json_stays_valid_when_libraries_write_to_stdout(
    monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    import logging
    import os

    import arcgames.bench as bench

    def noisy_arcengine(**kwargs) -> float:
        print("arc_agi: loading games")  # print()
        handler = logging.StreamHandler(sys.stdout)  # a handler a library set up on stdout
        logger = logging.getLogger("noisy-library")
        logger.addHandler(handler)
        logger.warning("arcengine: no local games")
        logger.removeHandler(handler)
        os.write(1, b"native code writes to fd 1\n")  # below Python's sys.stdout
        return 1000.0

    monkeypatch.setattr(bench, "measure_arcengine", noisy_arcengine)
    assert main_bench([arcgames.list_games()[0]], TINY, as_json=True) == 0
    out, err = capfd.readouterr()
    data = json.loads(out)
    assert data["arcengine_steps_per_s"] == 1000.0
    for line in ("arc_agi: loading games", "arcengine: no local games", "native code writes to fd 1"):
        assert line in err and line not in out


BREAKDOWN = Path(__file__).resolve().parent.parent / "benchmarks" / "batched_breakdown.py"


@pytest.mark.slow
def test_the_batched_breakdown_parts_add_up_to_the_engines_step() -> None:
    done = subprocess.run([sys.executable, str(BREAKDOWN), "--games", "d6nc", "ujzd", "--envs", "64", "--json"],
                          capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)["games"]
    assert [row["game_id"] for row in rows] == ["d6nc", "ujzd"]
    for row in rows:
        parts = row["ns_per_env_step"]
        assert set(parts) == {"bookkeeping", "rules", "drawing", "python"}
        assert parts["bookkeeping"] > 0 and row["batched_ns"] > 0
        assert sum(parts.values()) == pytest.approx(row["batched_ns"], rel=1e-6)
        assert row["scalar_us"] > 0


@pytest.mark.parametrize(
    ("arguments", "message"),
    [(["--games", "nope"], "unknown game ids ['nope']"), (["--envs", "0"], "--envs must be positive")],
)
def test_the_batched_breakdown_refuses_bad_arguments(arguments: list[str], message: str) -> None:
    done = subprocess.run([sys.executable, str(BREAKDOWN), *arguments], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr

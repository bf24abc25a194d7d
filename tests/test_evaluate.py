"""The evaluation harness: recordings written and verified, results from recordings, bad agents, resume."""

from pathlib import Path

import pytest

import arcgames
from arcgames.agent import AgentLoadError
from arcgames.evaluate import EvaluationInterrupted, evaluate
from arcgames.recording import read_recording
from arcgames.replay import verify

GAMES = ["ujzd"]


def test_random_and_explorer_runs_are_recorded_and_verified(tmp_path: Path) -> None:
    for agent in ("random", "explorer"):
        result = evaluate(agent, games=GAMES, runs=2, out=tmp_path / agent)
        assert len(result.runs) == 2
        for run in result.runs:
            check = verify(run.path)
            assert check.ok and run.verified
            recording = read_recording(run.path)
            assert recording.header.player == agent and recording.header.mode == "eval"
            assert run.levels_completed == check.levels_completed == len(recording.levels)
            assert run.actions == len(recording.steps)
            assert run.end == recording.end.reason


def test_explorer_beats_random_on_the_first_level(tmp_path: Path) -> None:
    explorer = evaluate("explorer", games=GAMES, runs=2, out=tmp_path / "e")
    random = evaluate("random", games=GAMES, runs=2, out=tmp_path / "r")
    assert sum(r.levels_completed for r in explorer.runs) > sum(r.levels_completed for r in random.runs)


def test_budget_ends_a_run_per_level(tmp_path: Path) -> None:
    result = evaluate("random", games=GAMES, runs=1, out=tmp_path, max_actions=4)
    (run,) = result.runs
    assert run.end == "budget" and run.actions <= 4 * arcgames.get_game("ujzd").num_levels
    assert "budget of 4 actions" in run.detail


@pytest.mark.parametrize(
    ("agent", "message"),
    [
        ("fake_agents:RaisingAgent", "agent raised RuntimeError: boom"),
        ("fake_agents:NoneAgent", "agent returned None, not an arcgames.Action"),
        ("fake_agents:OffFrameClickAgent", "agent raised InvalidActionError: click x=70 is outside the frame"),
        ("fake_agents:UnusedActionAgent", "invalid action ACTION6(3,3): ACTION6 is not used by this game"),
    ],
)
def test_misbehaving_agents_are_recorded_as_crashes(tmp_path: Path, agent: str, message: str) -> None:
    result = evaluate(agent, games=GAMES, runs=2, out=tmp_path)
    assert len(result.runs) == 2  # the evaluation went on after the first crash
    for run in result.runs:
        assert run.end == "crash" and message in run.detail and run.verified
        assert read_recording(run.path).end.detail == run.detail


def test_bad_agent_paths_games_and_output(tmp_path: Path) -> None:
    with pytest.raises(AgentLoadError, match="cannot import agent module 'no_such_module'"):
        evaluate("no_such_module:Agent", games=GAMES, out=tmp_path)
    with pytest.raises(AgentLoadError, match="has no agent class 'Missing'"):
        evaluate("fake_agents:Missing", games=GAMES, out=tmp_path)
    with pytest.raises(AgentLoadError, match="unknown agent 'cleverest'"):
        evaluate("cleverest", games=GAMES, out=tmp_path)
    with pytest.raises(arcgames.UnknownGameError, match="known games"):
        evaluate("random", games="ujzd,nope", out=tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ValueError, match="not a writable folder"):
        evaluate("random", games=GAMES, out=blocker / "out")


def test_rerun_keeps_finished_runs(tmp_path: Path) -> None:
    first = evaluate("random", games=GAMES, runs=2, out=tmp_path)
    stamps = {r.path: r.path.stat().st_mtime_ns for r in first.runs}
    second = evaluate("random", games=GAMES, runs=3, out=tmp_path)
    assert len(second.runs) == 3
    assert all(r.path.stat().st_mtime_ns == stamps[r.path] for r in second.runs if r.path in stamps)


@pytest.mark.slow
def test_killed_worker_then_resume_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "kill-now"
    marker.touch()
    out = tmp_path / "out"
    kwargs = {"marker": str(marker)}
    with pytest.raises(EvaluationInterrupted, match="running the same evaluation again resumes"):
        evaluate("fake_agents:KillerAgent", games=GAMES, runs=3, out=out, workers=2, agent_kwargs=kwargs)
    assert (out / "ujzd-r001.jsonl.partial").exists()
    marker.unlink()
    result = evaluate("fake_agents:KillerAgent", games=GAMES, runs=3, out=out, workers=2, agent_kwargs=kwargs)
    assert [r.run for r in result.runs] == [0, 1, 2]
    assert all(r.verified and r.end == "budget" for r in result.runs)
    assert sorted(p.name for p in out.iterdir()) == [f"ujzd-r00{i}.jsonl" for i in range(3)]


@pytest.mark.slow
def test_ray_executor_writes_the_same_recordings(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray", reason="the ray extra is not installed (pip install 'arcgames[ray]')")
    try:
        ray_result = evaluate("explorer", games=GAMES, runs=2, out=tmp_path / "ray", executor="ray", workers=2)
    finally:
        ray.shutdown()
    local = evaluate("explorer", games=GAMES, runs=2, out=tmp_path / "local")
    assert [r.path.name for r in ray_result.runs] == [r.path.name for r in local.runs]
    for a, b in zip(ray_result.runs, local.runs, strict=True):
        assert a.verified and (a.levels_completed, a.actions, a.level_actions) == (
            b.levels_completed,
            b.actions,
            b.level_actions,
        )
        assert [s.frame for s in read_recording(a.path).steps] == [s.frame for s in read_recording(b.path).steps]

"""The evaluation harness: recordings written and verified, results from recordings, bad agents, resume."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import forge

import arcgames
from arcgames.agent import AgentLoadError
from arcgames.baselines import solver_counts
from arcgames.evaluate import EvaluationInterrupted, RunSpec, evaluate, play_run
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
    # ujzd's level 1 is built to hold off blind search at 5x its solver count (the exploit audit); with a budget
    # of 50x a systematic search gets through more often than random play.
    explorer = evaluate("explorer", games=GAMES, runs=2, out=tmp_path / "e", budget_factor=50)
    random = evaluate("random", games=GAMES, runs=2, out=tmp_path / "r", budget_factor=50)
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
    first.runs[1].path.unlink()  # as if the evaluation had been killed before its second run ended
    stamp = first.runs[0].path.stat().st_mtime_ns
    second = evaluate("random", games=GAMES, runs=2, out=tmp_path)
    assert [r.run for r in second.runs] == [0, 1] and all(r.verified for r in second.runs)
    assert second.runs[0].path.stat().st_mtime_ns == stamp


@pytest.mark.parametrize(
    "change",
    [
        {"agent": "explorer"},
        {"runs": 3},
        {"budget_factor": 10.0},
        {"seed": 7},
        {"agent_kwargs": {"click_objects": True}},
    ],
)
def test_a_folder_of_another_evaluation_is_refused_and_kept(tmp_path: Path, change: dict) -> None:
    settings = {"agent": "random", "games": GAMES, "runs": 2, "out": tmp_path}
    evaluate(**settings)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    with pytest.raises(ValueError, match=r"holds runs of another evaluation.*Use a new --out folder"):
        evaluate(**(settings | change))
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


def test_headers_record_the_harness_settings(tmp_path: Path) -> None:
    result = evaluate("random", games=GAMES, runs=2, out=tmp_path, budget_factor=3.0)
    for run in result.runs:
        settings = read_recording(run.path).header.evaluation
        assert (settings.agent, settings.games, settings.runs, settings.run) == ("random", "ujzd", 2, run.run)
        assert settings.budget_factor == 3.0
        assert settings.budgets == [max(1, round(3.0 * n)) for n in solver_counts("ujzd")]


def test_an_agent_cannot_look_its_game_up_in_the_registry(tmp_path: Path) -> None:
    result = evaluate("fake_agents:RegistryLookupAgent", games=GAMES, runs=2, out=tmp_path)
    for run in result.runs:
        assert run.end == "crash" and "not in the registry" in run.detail
    ids = {run.detail.split("id ")[1].split(" ")[0] for run in result.runs}
    assert len(ids) == 2 and "ujzd" not in ids  # a fresh opaque id per run


def test_memory_does_not_survive_from_one_run_to_the_next(tmp_path: Path) -> None:
    def actions(result) -> list[list[str]]:
        return [[step.action for step in read_recording(run.path).steps] for run in result.runs]

    result = evaluate("fake_agents:MemoryAgent", games=GAMES, runs=3, out=tmp_path / "eval", budget_factor=2)
    assert all(play == actions(result)[0] for play in actions(result))
    # The control: the same runs in one process, as the harness once played them, do differ.
    shared_dir = tmp_path / "shared"
    specs = [RunSpec(game_id="ujzd", run=run, seed=run, agent="fake_agents:MemoryAgent", budgets=[4] * 5,
                     out_dir=shared_dir, games="ujzd", runs=2, budget_factor=2) for run in range(2)]  # fmt: skip
    shared_dir.mkdir()
    shared = [play_run(spec) for spec in specs]
    first, second = ([s.action for s in read_recording(r.path).steps] for r in shared)
    assert first != second


def test_every_run_plays_in_a_fresh_process(tmp_path: Path) -> None:
    marker = tmp_path / "pids"
    evaluate("fake_agents:PidAgent", games=GAMES, runs=3, out=tmp_path / "out", agent_kwargs={"log": str(marker)})
    pids = marker.read_text().split()
    assert len(pids) == 3 and len(set(pids)) == 3 and str(os.getpid()) not in pids


@pytest.mark.slow
def test_killing_eval_kills_its_workers(tmp_path: Path) -> None:
    log = tmp_path / "pids"
    out = tmp_path / "out"
    script = (f"from arcgames.evaluate import evaluate; evaluate('fake_agents:SlowAgent', games={GAMES!r}, runs=2, "
              f"workers=2, out={str(out)!r}, agent_kwargs={{'log': {str(log)!r}}})")  # fmt: skip
    command = [sys.executable, "-c", script]
    env = os.environ | {"PYTHONPATH": os.pathsep.join([str(Path(__file__).parent), os.environ.get("PYTHONPATH", "")])}
    main = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while (not log.exists() or len(log.read_text().split()) < 2) and time.monotonic() < deadline:
        time.sleep(0.1)
    workers = [int(pid) for pid in log.read_text().split()]
    main.kill()
    main.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers), "workers outlived the killed eval"
    sizes = {p: p.stat().st_size for p in out.iterdir()}
    time.sleep(1)
    assert {p: p.stat().st_size for p in out.iterdir()} == sizes  # nobody writes into the folder any more


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is dead but not yet reaped by its (dead) parent's adopter
        return Path(f"/proc/{pid}/stat").read_text().split(")")[1].split()[0] != "Z"
    except OSError:
        return False


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


def test_a_run_over_its_stated_budget_fails_verification(tmp_path: Path) -> None:
    (run,) = evaluate("random", games=GAMES, out=tmp_path / "out").runs
    lines = run.path.read_text().splitlines(keepends=True)
    header = json.loads(lines[0])
    spent = read_recording(run.path).steps[-1].index
    header["evaluation"]["budgets"] = [max(1, spent // 2)] * len(header["evaluation"]["budgets"])
    lines[0] = json.dumps(header, separators=(",", ":")) + "\n"
    result = verify(forge(tmp_path / "forged.jsonl", lines))
    assert not result.ok and "over the budget" in result.reason


LOCAL_AGENT = """
from arcgames.actions import Action


class MyAgent:
    name = "mine"

    def reset(self, game):
        pass

    def act(self, frame, info):
        return Action.ACTION4
"""


def test_an_agent_file_in_the_current_folder_loads_in_workers_too(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from arcgames.cli import main

    (tmp_path / "my_local_agent.py").write_text(LOCAL_AGENT)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", [p for p in sys.path if p not in ("", str(tmp_path))])  # as the console script
    argv = ["eval", "--agent", "my_local_agent:MyAgent", "--games", "ujzd", "--runs", "2", "--workers", "2",
            "--max-actions", "3", "--out", str(tmp_path / "out"), "--json"]  # fmt: skip
    assert main(argv) == 0
    runs = json.loads(capsys.readouterr().out)["runs"]
    assert len(runs) == 2 and all(r["verified"] and r["end"] == "budget" for r in runs)
    assert main(["run", "ujzd", "--agent", "my_local_agent:MyAgent", "--steps", "2", "--json"]) == 0
    capsys.readouterr()
    assert main(["eval", "--agent", "no_such_agent_file:MyAgent", "--games", "ujzd", "--out", str(tmp_path)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert f"looked up in the current folder ({tmp_path})" in err and "PYTHONPATH" in err and "Traceback" not in err

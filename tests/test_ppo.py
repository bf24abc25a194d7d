"""The PPO baseline: a tiny CPU run must learn, and the agent plays from its checkpoint."""

from pathlib import Path

import pytest

torch = pytest.importorskip("torch", reason="the PPO baseline needs torch: pip install 'arcgames[rl]'")

from helpers import MOVES, tiny_game  # noqa: E402

import arcgames  # noqa: E402
from arcgames.agent import GameInfo  # noqa: E402
from arcgames.agents.ppo.agent import CheckpointError, PPOAgent  # noqa: E402
from arcgames.agents.ppo.train import Args, parse_args, train  # noqa: E402
from arcgames.primitives import move_avatar, reach_goal  # noqa: E402
from arcgames.registry import provisional  # noqa: E402

TINY = ["--games", "tp01", "--start-levels", "1", "--total-steps", "8192", "--num-envs", "64", "--num-steps", "32",
        "--episode-actions", "16", "--hidden", "64", "--device", "cpu"]  # fmt: skip
# The suite's first levels take 8 or more actions now: learning is shown on a corridor of 4 moves, which a
# random policy still finishes now and then in 16 actions.
CORRIDOR = tiny_game("#######\n#@...G#\n#######", rules=(move_avatar,), win=(reach_goal,), actions=MOVES,
                     game_id="tp01")  # fmt: skip


@pytest.mark.slow
def test_tiny_cpu_run_learns_and_the_agent_plays_from_its_checkpoint(tmp_path: Path) -> None:
    with provisional(CORRIDOR):
        summary = train(parse_args([*TINY, "--out", str(tmp_path)]))
        # Levels completed per episode: the trained policy must clearly beat a random one.
        assert summary["final_levels_per_episode"] > 1.5 * summary["random_levels_per_episode"]
        for name in ("checkpoint.pt", "config.json", "metrics.jsonl", "learning_curves.png"):
            assert (tmp_path / name).stat().st_size > 0
        assert summary["hardware"].startswith("CPU") and summary["games"] == ["tp01"]

        agent = PPOAgent(tmp_path / "checkpoint.pt")
        env = arcgames.make("tp01")
        wins = 0
        for seed in range(2):
            frame, info = env.reset(seed=seed)
            agent.reset(GameInfo(game_id="run", num_levels=1, available_actions=CORRIDOR.actions))
            for _ in range(40):
                frame, _, terminated, _, info = env.step(agent.act(frame, info))
                if terminated:
                    wins += info["state"] == "WIN"
                    break
        assert wins >= 1


def test_checkpoint_errors_name_the_fix(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match=r"no PPO checkpoint at .*python -m arcgames\.agents\.ppo\.train"):
        PPOAgent(tmp_path / "missing.pt")
    torch.save({"encoding_version": -1, "model": {}, "hidden": 8}, tmp_path / "old.pt")
    with pytest.raises(CheckpointError, match="action encoding -1"):
        PPOAgent(tmp_path / "old.pt")


def test_every_hyperparameter_is_documented() -> None:
    import dataclasses

    from arcgames.agents.ppo.train import _field_docs

    assert {f.name for f in dataclasses.fields(Args)} == set(_field_docs())


def test_bad_training_settings(tmp_path: Path) -> None:
    for levels in ("9", "0", "one", ""):  # ujzd has 7 levels
        with pytest.raises(ValueError, match=rf"--start-levels '{levels}': give \"all\" or level numbers in 1\.\.7"):
            train(parse_args(["--games", "ujzd", "--start-levels", levels, "--out", str(tmp_path)]))
    with pytest.raises(SystemExit):
        parse_args(["--amp", "perhaps"])


def test_shipped_checkpoint_is_small_documented_and_loads() -> None:
    import json

    from arcgames.agents.ppo.agent import DEFAULT_CHECKPOINT

    folder = DEFAULT_CHECKPOINT.parent
    assert DEFAULT_CHECKPOINT.stat().st_size < 20 * 2**20
    config = json.loads((folder / "config.json").read_text())
    for key in ("hardware", "commit", "wall_seconds", "env_steps", "games", "args", "random_levels_per_episode"):
        assert key in config, f"config.json lacks {key}"
    assert (folder / "learning_curves.png").stat().st_size > 0
    agent = PPOAgent()
    assert agent.trained_on == config["games"]


class _RunsCode:
    """Unpickling this calls exec(): what a hostile checkpoint would do."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        import builtins

        return builtins.exec, (f"open({str(self.marker)!r}, 'w').write('ran')",)


def test_a_checkpoint_that_would_run_code_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "code-ran"
    evil = tmp_path / "evil.pt"
    torch.save({"model": {}, "hidden": 8, "encoding_version": 2, "payload": _RunsCode(marker)}, evil)
    with pytest.raises(CheckpointError, match=r"refused to load .*evil\.pt: it holds more than weights .*exec"):
        PPOAgent(evil)
    assert not marker.exists()


def test_broken_checkpoints_are_clear_errors(tmp_path: Path) -> None:
    from arcgames.agents.ppo.agent import DEFAULT_CHECKPOINT

    (tmp_path / "text.pt").write_text("not a checkpoint")
    (tmp_path / "cut.pt").write_bytes(DEFAULT_CHECKPOINT.read_bytes()[:5000])
    for name in ("text.pt", "cut.pt"):
        with pytest.raises(CheckpointError, match=f"{name} is not a readable PPO checkpoint"):
            PPOAgent(tmp_path / name)
    torch.save({"model": {"w": torch.zeros(1)}, "hidden": 8, "encoding_version": 2}, tmp_path / "other.pt")
    with pytest.raises(CheckpointError, match="does not fit the PPO policy"):
        PPOAgent(tmp_path / "other.pt")
    torch.save([1, 2], tmp_path / "list.pt")
    with pytest.raises(CheckpointError, match="no model weights in it"):
        PPOAgent(tmp_path / "list.pt")


# The shipped checkpoint's play before it was loaded weights-only (arcgames eval --agent ppo --max-actions 30);
# re-recorded with the same loader on the deeper suite and the status strip (issue 15), whose frames it sees.
SHIPPED_PLAY = {
    "0ce9": (
        "ACTION6(50,2) ACTION6(24,43) ACTION6(28,32) ACTION6(20,19) ACTION7 ACTION7 ACTION6(31,19) "
        "ACTION6(33,52) ACTION6(59,51) ACTION6(36,39) ACTION6(9,51) ACTION6(11,33) ACTION6(24,63) "
        "ACTION6(61,23) ACTION6(35,20) ACTION6(6,31) ACTION6(30,31) ACTION6(46,63) ACTION6(1,36) ACTION7 "
        "ACTION6(52,60) ACTION6(54,28) ACTION6(4,24) ACTION6(9,48) ACTION7 ACTION6(53,32) ACTION6(45,28) "
        "ACTION6(23,62) ACTION6(46,48) ACTION7"
    ),
    "ujzd": (
        "ACTION2 ACTION4 ACTION1 ACTION4 ACTION4 ACTION7 ACTION2 ACTION4 ACTION4 ACTION4 ACTION2 ACTION4 "
        "ACTION4 ACTION4 ACTION2 ACTION2 ACTION2 ACTION2 ACTION4 ACTION4 ACTION3 ACTION2 ACTION4 ACTION4 "
        "ACTION4 ACTION2 ACTION4 ACTION4 ACTION3 ACTION3"
    ),
}


def test_the_shipped_checkpoint_plays_as_it_did_before_weights_only_loading(tmp_path: Path) -> None:
    from arcgames.cli import main
    from arcgames.recording import read_recording

    args = ["eval", "--agent", "ppo", "--games", ",".join(SHIPPED_PLAY), "--max-actions", "30", "--out", str(tmp_path)]
    assert main([*args, "--json"]) == 0
    for game_id, actions in SHIPPED_PLAY.items():
        steps = read_recording(tmp_path / f"{game_id}-r000.jsonl").steps
        assert " ".join(str(s.action) for s in steps) == actions


def test_ppo_without_torch_names_the_extra(monkeypatch: pytest.MonkeyPatch, capsys, tmp_path: Path) -> None:
    import sys

    from arcgames.cli import main

    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    for name in [m for m in sys.modules if m.startswith("arcgames.agents.ppo")]:
        monkeypatch.delitem(sys.modules, name)
    for argv in (
        ["run", "ujzd", "--agent", "ppo"],
        ["eval", "--agent", "ppo", "--games", "ujzd", "--out", str(tmp_path)],
    ):
        assert main(argv) == 2
        err = " ".join(capsys.readouterr().err.split())  # rich wraps long lines
        assert "needs torch" in err and "--index-url https://download.pytorch.org/whl/cpu" in err
        assert "arcgames[rl]" in err and "Traceback" not in err
    assert not list(tmp_path.glob("*.jsonl"))  # eval failed before playing anything


def test_a_trial_run_reports_progress_and_never_writes_into_the_package(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from arcgames.agents.ppo.agent import DEFAULT_CHECKPOINT

    shipped = {p.name: p.stat().st_mtime_ns for p in DEFAULT_CHECKPOINT.parent.iterdir()}
    monkeypatch.chdir(tmp_path)
    tiny = ["--games", "ujzd", "--total-steps", "64", "--num-envs", "8", "--num-steps", "16", "--episode-actions",
            "8", "--hidden", "16", "--update-epochs", "1", "--num-minibatches", "2", "--device", "cpu"]  # fmt: skip
    train(parse_args([*tiny, "--progress-seconds", "0"]))
    out = capsys.readouterr().out
    assert "less than one update (8 envs x 16 steps = 128 env steps)" in out
    assert "measuring a random policy" in out
    assert out.count("update 1/1: rollout step") == 16 and "update 1/1: optimising" in out
    (run,) = (tmp_path / "ppo-runs").iterdir()
    assert (run / "checkpoint.pt").is_file() and f"wrote ppo-runs/{run.name}" in out
    assert {p.name: p.stat().st_mtime_ns for p in DEFAULT_CHECKPOINT.parent.iterdir()} == shipped
    assert PPOAgent(run / "checkpoint.pt").trained_on == ["ujzd"]

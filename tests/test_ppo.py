"""The PPO baseline: a tiny CPU run must learn, and the agent plays from its checkpoint."""

from pathlib import Path

import pytest

torch = pytest.importorskip("torch", reason="the PPO baseline needs torch: pip install 'arcgames[rl]'")

from arcgames.agents.ppo.agent import CheckpointError, PPOAgent  # noqa: E402
from arcgames.agents.ppo.train import Args, parse_args, train  # noqa: E402
from arcgames.evaluate import evaluate  # noqa: E402

TINY = ["--games", "ujzd", "--start-levels", "0", "--total-steps", "8192", "--num-envs", "64", "--num-steps", "32",
        "--episode-actions", "16", "--hidden", "64", "--device", "cpu"]  # fmt: skip


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict, Path]:
    out = tmp_path_factory.mktemp("ppo")
    summary = train(parse_args([*TINY, "--out", str(out)]))
    return summary, out


@pytest.mark.slow
def test_tiny_cpu_run_learns_the_easiest_level(tiny_run: tuple[dict, Path]) -> None:
    summary, out = tiny_run
    # Levels completed per episode on ujzd level 1: the trained policy must clearly beat a random one.
    assert summary["final_levels_per_episode"] > 1.5 * summary["random_levels_per_episode"]
    for name in ("checkpoint.pt", "config.json", "metrics.jsonl", "learning_curves.png"):
        assert (out / name).stat().st_size > 0
    assert summary["hardware"].startswith("CPU") and summary["games"] == ["ujzd"]


@pytest.mark.slow
def test_agent_plays_from_the_checkpoint_on_the_cpu(tiny_run: tuple[dict, Path], tmp_path: Path) -> None:
    _, out = tiny_run
    result = evaluate(
        "ppo", games=["ujzd"], runs=2, out=tmp_path, agent_kwargs={"checkpoint": str(out / "checkpoint.pt")}
    )
    assert all(r.verified for r in result.runs)
    assert max(r.levels_completed for r in result.runs) >= 1


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
    with pytest.raises(ValueError, match="start levels '9' must be 0-based levels below 5"):
        train(parse_args(["--games", "ujzd", "--start-levels", "9", "--out", str(tmp_path)]))
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

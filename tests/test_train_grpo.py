"""The training run: SFT warm-up and a GRPO step through TRL, on CPU, with a tiny model built here (no download)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any, ClassVar

import pytest
from train_support import need, solution

from arcgames.train.episode import Episode
from arcgames.train.trl_env import ArcGamesToolEnv

GAME = "ujzd"


def test_tool_calls_of_solver_actions_replay_through_the_named_tools() -> None:
    need("transformers")
    from arcgames.train.grpo import parse_tool_call, tool_call

    env, episode = ArcGamesToolEnv(), Episode(GAME)
    env.reset(game_id=GAME)
    for action in solution(GAME, 0):
        call = tool_call(action)["function"]
        text = f"<tool_call>\n{json.dumps(call)}\n</tool_call>"
        name, arguments = parse_tool_call(text)
        getattr(env, name)(**arguments)
        episode.play(action)
        assert (env.episode.frame == episode.frame).all()
    assert env.get_reward() == episode.reward == 1.0


@pytest.mark.parametrize("text", ["no call", "<tool_call>{bad json}</tool_call>",
                                  '<tool_call>{"name": "win", "arguments": {}}</tool_call>'])  # fmt: skip
def test_completions_without_a_valid_tool_call_parse_to_none(text: str) -> None:
    need("transformers")
    from arcgames.train.grpo import parse_tool_call

    assert parse_tool_call(text) is None


class CountingEnv(ArcGamesToolEnv):
    resets: ClassVar[list[Any]] = []

    def reset(self, game_id: str | None = None, **row: Any) -> str:
        CountingEnv.resets.append(game_id)
        return super().reset(game_id, **row)


@pytest.mark.slow
def test_sft_then_grpo_run_end_to_end_on_cpu_with_a_tiny_local_model(tmp_path: Path, monkeypatch) -> None:
    for module in ("trl", "transformers", "datasets", "tokenizers"):
        need(module)
    from arcgames.train import grpo

    monkeypatch.setattr(grpo, "ArcGamesToolEnv", CountingEnv)
    args = grpo.Args(model="tiny", out=tmp_path, games=GAME, sft_examples=4, grpo_steps=1, eval_turns=1, eval_games=1,
                     eval_tokens=4, max_completion_length=16, max_tool_calls=1, tiny_vocab=1000)  # fmt: skip
    result = grpo.run(args)
    assert len(result["sft"]["loss"]) >= 1 and all(math.isfinite(x) for x in result["sft"]["loss"])
    assert len(result["grpo"]["reward"]) == 1 and result["grpo"]["reward"][0] >= 0.0
    assert CountingEnv.resets.count(GAME) == 2  # each rollout of the group reset on its dataset row's game
    for when in ("before", "after"):
        assert set(result[when]) == {"public", "evaluation"} and result[when]["public"]["games"] == 1
    assert json.loads((tmp_path / "result.json").read_text())["games"] == [GAME]


@pytest.mark.parametrize(("argv", "message"), [(["--model", "no/such/model"], "not found"),
                                               (["--games", "nope"], "unknown game id")])  # fmt: skip
def test_run_errors_name_the_fix_before_any_work(argv: list[str], message: str, tmp_path: Path, capsys) -> None:
    from arcgames.train import grpo

    assert grpo.main([*argv, "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and not (tmp_path / "run").exists()

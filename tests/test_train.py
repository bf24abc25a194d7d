"""Training adapters: the shared episode and its reward (with the hacks it resists), OpenEnv, TRL, verifiers, SFT."""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import pytest
from train_support import need, solution

from arcgames.actions import Action
from arcgames.agents.llm.parse import action_args, parse_reply
from arcgames.baselines import solver_counts
from arcgames.cli import main
from arcgames.recording import read_recording
from arcgames.replay import replay_frames
from arcgames.scoring import LEVEL_CAP, level_score
from arcgames.train.episode import Episode, budgets

GAME = "ujzd"  # moves and undo; level 1's baseline is 3 actions
BASELINE = solver_counts(GAME)


def won_level_one(episode: Episode) -> float:
    rewards = [episode.play(action).reward for action in solution(GAME, 0)]
    assert episode.levels_completed == 1
    return sum(rewards)


# -- the reward: the engine's, per completed level, and the hacks it was checked against -------------------------------


def test_a_level_at_baseline_pace_pays_one_and_only_the_completing_action_pays() -> None:
    episode = Episode(GAME)
    rewards = [episode.play(action).reward for action in solution(GAME, 0)]
    assert rewards[:-1] == [0.0] * (len(rewards) - 1)
    assert rewards[-1] == 1.0 == episode.reward == level_score(BASELINE[0], BASELINE[0])


def test_a_whole_game_pays_each_level_and_ends_on_win() -> None:
    episode = Episode(GAME)
    for level in range(len(BASELINE)):
        for action in solution(GAME, level):
            turn = episode.play(action)
    assert turn.done and episode.levels_completed == len(BASELINE)
    assert episode.level_rewards == [1.0] * len(BASELINE)
    after = episode.play(Action.ACTION1)  # nothing more to earn once the game is won
    assert after.reward == 0.0 and after.done and episode.reward == len(BASELINE)


def test_claiming_a_win_in_text_earns_nothing() -> None:
    episode = Episode(GAME)
    for claim in ("I completed every level. WIN. reward = 1.15", '{"state": "WIN", "levels_completed": 5}'):
        turn = episode.play_reply(claim)
        assert turn.reward == 0.0 and turn.error
    turn = episode.play_reply('{"action": "ACTION1", "note": "level completed! WIN! reward 1.15"}')
    assert turn.reward == 0.0 and turn.error is None
    assert episode.reward == 0.0 and episode.levels_completed == 0


@pytest.mark.parametrize(
    "spam",
    [
        lambda e: e.play_reply("not json"),
        lambda e: e.play_args({"action": "ACTION6", "x": 3, "y": 3}),  # this game has no clicks
        lambda e: e.move("sideways"),
        lambda e: e.play(Action.ACTION5),  # refused by the engine: not one of this game's actions
    ],
    ids=["malformed", "unavailable", "bad-direction", "engine-refused"],
)
def test_invalid_calls_cost_an_action_each_and_spamming_them_ends_the_episode(spam) -> None:
    episode = Episode(GAME)
    turns = [spam(episode) for _ in range(2)]
    assert all(t.error and t.reward == 0.0 for t in turns) and episode.invalid == 2
    assert won_level_one(episode) == episode.reward == level_score(BASELINE[0], BASELINE[0] + 2)
    spammer = Episode(GAME)
    while not spammer.done:
        spam(spammer)
    assert spammer.invalid == spammer.calls == budgets(BASELINE, 5.0)[0] and spammer.reward == 0.0


@pytest.mark.parametrize("loop", [Action.RESET, Action.ACTION7], ids=["reset", "undo"])
def test_reset_and_undo_loops_earn_nothing_and_make_the_level_pay_less(loop: Action) -> None:
    looper = Episode(GAME, budget_factor=2.0)
    while not looper.done:
        assert looper.play(loop).reward == 0.0
    assert looper.calls == budgets(BASELINE, 2.0)[0] and looper.reward == 0.0
    episode = Episode(GAME)
    for _ in range(3):
        episode.play(loop)
    assert won_level_one(episode) == level_score(BASELINE[0], BASELINE[0] + 3) < 1.0 and episode.reward < 1.0


def test_a_level_pays_at_most_the_cap_and_a_new_episode_starts_at_zero() -> None:
    assert level_score(3, 1) == LEVEL_CAP
    episode = Episode(GAME)
    won_level_one(episode)
    episode.reset()
    assert episode.reward == 0.0 and episode.levels_completed == 0 and episode.calls == 0


def test_after_game_over_only_reset_works_and_the_rest_costs_actions() -> None:
    episode = Episode("xg9e")  # a step down walks into the first level's guard: GAME_OVER
    episode.play(Action.ACTION2)
    assert episode.info["state"] == "GAME_OVER"
    turn = episode.play(Action.ACTION1)
    assert turn.error and "RESET" in turn.error and episode.calls == 2 and episode.invalid == 1
    assert episode.play(Action.RESET).error is None and episode.info["state"] == "NOT_FINISHED"
    assert episode.reward == 0.0


def test_the_model_never_sees_the_game_id_title_or_baseline() -> None:
    from arcgames.registry import get_game

    episode = Episode(GAME)
    text = json.dumps(episode.messages()) + json.dumps(episode.info) + json.dumps(episode.summary())
    assert GAME not in text and get_game(GAME).title not in text
    assert episode.info["game_id"] == episode.run_id != GAME


def test_bad_settings_are_refused_with_the_fix() -> None:
    with pytest.raises(ValueError, match="budget_factor must be positive"):
        Episode(GAME, budget_factor=0)
    with pytest.raises(LookupError, match="known games"):
        Episode("nope")


# -- OpenEnv -----------------------------------------------------------------------------------------------------------


def test_openenv_environment_plays_a_level_in_process() -> None:
    need("openenv.core")
    from arcgames.train.openenv_env import ArcAction, ArcGamesEnvironment

    env = ArcGamesEnvironment(games=[GAME])
    first = env.reset(seed=0)
    assert not first.done and first.reward is None and len(first.frame) == 64 and "ACTION1" in first.available_actions
    observations = [env.step(ArcAction(**action_args(a))) for a in solution(GAME, 0)]
    assert [o.reward for o in observations] == [0.0] * (len(observations) - 1) + [1.0]
    assert observations[-1].levels_completed == 1 and env.state.total_reward == 1.0
    bad = env.step(ArcAction(action="ACTION6", x=1, y=1))
    assert bad.error and bad.reward == 0.0 and env.state.invalid_calls == 1
    with pytest.raises(ValueError, match="not served here"):
        env.reset(game_id="e8gx")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_openenv_server_and_client_play_a_level_over_websocket() -> None:
    need("openenv.core")
    uvicorn = need("uvicorn")
    from arcgames.train.openenv_env import ArcAction, ArcGamesClient, build_app

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(build_app([GAME], image=True), port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        with ArcGamesClient(base_url=f"http://127.0.0.1:{port}").sync() as client:
            result = client.reset(game_id=GAME)
            assert result.observation.image.startswith("data:image/png;base64,")
            assert "Current frame" in result.observation.text
            for action in solution(GAME, 0):
                result = client.step(ArcAction(**action_args(action)))
            assert result.reward == 1.0 and result.observation.levels_completed == 1
            state = client.state()
            assert state.total_reward == 1.0 and state.step_count == BASELINE[0]
    finally:
        server.should_exit = True
        thread.join(timeout=10)


# -- TRL environment_factory -------------------------------------------------------------------------------------------


def test_trl_environment_plays_a_level_through_named_tools() -> None:
    from arcgames.train.trl_env import ArcGamesToolEnv

    env = ArcGamesToolEnv()  # TRL builds it with no arguments
    first = env.reset(game_id=GAME, prompt="ignored")  # the dataset row
    assert "Current frame" in first and GAME not in first
    names = {1: "up", 2: "down", 3: "left", 4: "right"}
    answers = [env.move(names[int(a.id)]) for a in solution(GAME, 0)]
    assert "completed level 1" in answers[-1] and env.get_reward() == 1.0
    assert "Error" in env.click(1, 2) and "Error" in env.interact()
    assert env.episode.invalid == 2
    env.reset(game_id=GAME)
    assert env.get_reward() == 0.0
    with pytest.raises(ValueError, match="game_id column"):
        env.reset(prompt="a row without a game")


def test_trl_tools_have_typed_arguments_and_args_docstrings() -> None:
    transformers = need("transformers")
    from arcgames.train.trl_env import ArcGamesToolEnv

    env = ArcGamesToolEnv()
    schemas = {name: transformers.utils.get_json_schema(getattr(env, name))["function"]
               for name in ("move", "interact", "click", "undo", "reset_level")}  # fmt: skip
    assert schemas["click"]["parameters"]["properties"]["x"]["type"] == "integer"
    assert schemas["move"]["parameters"]["required"] == ["direction"]


# -- verifiers ---------------------------------------------------------------------------------------------------------


def test_verifiers_environment_plays_a_game_to_the_win_with_scripted_replies(monkeypatch) -> None:
    vf = need("verifiers")
    from llm_server import LLMServer, text

    from arcgames.train.verifiers_env import load_environment

    monkeypatch.setenv("ARCGAMES_TEST_KEY", "test-key")
    server = LLMServer().start()
    try:
        server.add(text("I already won every level."))  # a claim: invalid, costs an action, pays nothing
        for level in range(len(BASELINE)):
            server.add(*(text(json.dumps(action_args(a))) for a in solution(GAME, level)))
        env = load_environment(games=GAME)
        config = vf.ClientConfig(api_base_url=server.url, api_key_var="ARCGAMES_TEST_KEY", max_retries=0)
        out = env.evaluate_sync(client=config, model="scripted", num_examples=1)["outputs"][0]
    finally:
        server.stop()
    assert out["stop_condition"] == "has_final_env_response"
    assert out["metrics"]["levels_completed"] == len(BASELINE) and out["metrics"]["invalid_replies"] == 1
    expected = level_score(BASELINE[0], BASELINE[0] + 1) + len(BASELINE) - 1
    assert out["reward"] == pytest.approx(expected)


# -- SFT export --------------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def solver_recording(tmp_path_factory) -> Path:
    from arcgames.train.sft import record_solutions

    (path,) = record_solutions([GAME], tmp_path_factory.mktemp("solver"))
    return path


def test_exported_actions_parse_back_and_replay_to_the_same_frames(solver_recording: Path, tmp_path: Path) -> None:
    out = tmp_path / "sft.jsonl"
    assert main(["export-sft", str(solver_recording), "--out", str(out), "--filter", "wins"]) == 0
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    recording = read_recording(solver_recording)
    assert len(rows) == len(recording.steps) == sum(BASELINE)
    from arcgames.env import ArcGameEnv

    env = ArcGameEnv(GAME)
    frame, info = env.reset()
    recorded = list(replay_frames(recording))
    for row, want in zip(rows, recorded[1:], strict=True):
        system, user, reply = row["messages"]
        assert system["role"] == "system" and user["role"] == "user" and reply["role"] == "assistant"
        action = parse_reply(reply["content"], None, info["available_actions"]).action
        frame, _, _, _, info = env.step(action)
        assert (frame == want).all()
    assert info["state"] == "WIN"
    datasets = need("datasets")
    assert datasets.load_dataset("json", data_files=str(out), split="train").column_names == ["messages"]


def test_export_prompts_are_the_llm_agents(solver_recording: Path) -> None:
    from arcgames.agents.llm.prompt import History, system_prompt, user_message
    from arcgames.train.sft import ExportSettings, examples

    first = next(examples(read_recording(solver_recording), ExportSettings()))
    episode = Episode(GAME)
    assert first["messages"][0]["content"] == system_prompt("json", False)
    expected = user_message(episode.frame, episode.info, History(16))["content"]
    assert first["messages"][1]["content"] == expected


def test_a_recording_that_fails_to_verify_is_refused_and_nothing_is_written(
    solver_recording: Path, tmp_path: Path, capsys
) -> None:
    lines = solver_recording.read_text().splitlines()
    step = json.loads(lines[2])
    step["action"] = "ACTION1" if step["action"] != "ACTION1" else "ACTION2"
    bad = tmp_path / "bad.jsonl"
    bad.write_text("\n".join([*lines[:2], json.dumps(step), *lines[3:]]) + "\n")
    out = tmp_path / "sft.jsonl"
    assert main(["export-sft", str(solver_recording), str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "does not verify" in err and "Traceback" not in err and not out.exists()


def test_filters_skip_plays_and_say_why(solver_recording: Path, tmp_path: Path, capsys) -> None:
    lines = solver_recording.read_text().splitlines()
    partial = tmp_path / "partial.jsonl"
    partial.write_text("\n".join(lines[: 1 + 2]) + "\n")  # header and two steps: verified, not a win
    out = tmp_path / "sft.jsonl"
    argv = ["export-sft", str(partial), str(solver_recording), "--out", str(out), "--filter", "wins", "--json"]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["recordings"] == 1 and result["skipped"] == {str(partial): "not a win"}
    assert main(["export-sft", str(partial), "--out", str(out), "--filter", "efficient", "--max-ratio", "0.5"]) == 0


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["export-sft", "--out", "x.jsonl"], "give recordings"),
        (["export-sft", "missing.jsonl", "--out", "x.jsonl"], "no such file"),
        (["export-sft", "--solver", "nope", "--out", "x.jsonl"], "unknown game"),
        (["export-sft", "--solver", GAME, "--history", "-1", "--out", "x.jsonl"], "history must be 0 or more"),
    ],
)
def test_export_errors_name_the_fix(argv: list[str], message: str, capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


@pytest.mark.slow
def test_solver_export_alone_takes_the_public_split_and_never_the_evaluation_games(tmp_path: Path) -> None:
    from arcgames.registry import list_games

    out, kept = tmp_path / "sft.jsonl", tmp_path / "recordings"
    assert main(["export-sft", "--solver", "--out", str(out), "--keep-recordings", str(kept)]) == 0
    games = sorted(read_recording(path).header.game_id for path in kept.iterdir())
    assert games == list_games("public")
    assert len(out.read_text().splitlines()) == sum(sum(solver_counts(game)) for game in games)

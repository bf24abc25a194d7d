"""The LLM agent end to end: the real ``openai`` client over HTTP against a scripted local server.

No network beyond 127.0.0.1 and no real API key: ``llm_server.LLMServer`` plays the
model, and each test scripts its replies (good tool calls, JSON text, malformed output,
429/5xx, slow replies, a server without tool calling).
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import socket
import time
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import numpy as np
import openai
import pytest
from llm_server import LLMServer, Reply, error, text, tool
from PIL import Image

import arcgames
from arcgames.actions import Action, ActionId
from arcgames.agent import GameInfo, agent_view
from arcgames.agents.llm import LLMAgent
from arcgames.agents.llm import client as llm_client
from arcgames.agents.llm.parse import ReplyError, parse_reply
from arcgames.agents.llm.prices import load_prices, price_for
from arcgames.agents.llm.prompt import rle_row
from arcgames.cli import main
from arcgames.evaluate import evaluate
from arcgames.recording import read_recording
from arcgames.render import frame_to_text
from arcgames.solver import solve

MODEL = "test-model"
PRICE_IN, PRICE_OUT = 3.0, 15.0  # USD per 1M tokens, from the test's price file
GAME = "ujzd"  # moves and undo, no clicks


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[LLMServer]:
    monkeypatch.setenv("ARCGAMES_LLM_API_KEY", "test-key")  # a dummy: the local server checks nothing
    prices = tmp_path / "prices.json"
    prices.write_text(json.dumps({MODEL: {"input": PRICE_IN, "output": PRICE_OUT}}))
    monkeypatch.setenv("ARCGAMES_LLM_PRICES", str(prices))
    llm = LLMServer().start()
    yield llm
    llm.stop()


@pytest.fixture
def delays(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Backoff delays the client asked for, recorded instead of slept."""
    recorded: list[float] = []
    monkeypatch.setattr(llm_client, "sleep", recorded.append)
    return recorded


def make_agent(server: LLMServer, **kwargs) -> LLMAgent:
    return LLMAgent(model=MODEL, base_url=server.url, **kwargs)


class Play:
    """An agent playing one game by hand (no harness), to look at single turns."""

    def __init__(self, agent: LLMAgent, game_id: str = GAME) -> None:
        self.agent, self.env = agent, arcgames.make(game_id)
        self.frame, self.info = self.env.reset(seed=0)
        agent.reset(GameInfo(game_id=game_id, num_levels=self.info["num_levels"],
                             available_actions=self.info["available_actions"]))  # fmt: skip

    def turn(self) -> Action:
        action = self.agent.act(self.frame, agent_view(self.info, "run1"))
        self.frame, _, _, _, self.info = self.env.step(action)
        return action


def user_text(request: dict) -> str:
    content = request["messages"][1]["content"]
    return content if isinstance(content, str) else content[0]["text"]


def click_game() -> str:
    """A game that uses clicks (ids are opaque codes, so look one up)."""
    return next(g for g in arcgames.list_games() if ActionId.ACTION6 in arcgames.get_game(g).actions)


@cache
def winning_line(game_id: str) -> tuple[Action, ...]:
    game = arcgames.get_game(game_id)
    return tuple(a for level in range(game.num_levels) for a in solve(game, level).actions)


# --- whole games through the harness ---------------------------------------------------------


def test_plays_a_full_game_from_tool_calls_and_records_tokens_and_cost(server: LLMServer, tmp_path: Path) -> None:
    line = winning_line(GAME)
    server.add(*(tool(a.id.name, note=f"move {i}") for i, a in enumerate(line)))
    result = evaluate("llm", games=[GAME], out=tmp_path, agent_kwargs={"model": MODEL, "base_url": server.url})
    (run,) = result.runs
    assert run.verified and run.end == "win" and run.levels_completed == run.num_levels == 7
    assert run.actions == len(line) == len(server.requests)
    recording = read_recording(run.path)
    assert recording.header.player == "llm"
    for step, request in zip(recording.steps, server.requests, strict=True):
        assert step.tokens_in > 1000 and step.tokens_out > 0  # a 64x64 frame is ~1,000 tokens
        assert step.cost == pytest.approx((step.tokens_in * PRICE_IN + step.tokens_out * PRICE_OUT) / 1e6)
        assert request["model"] == MODEL and request["tools"][0]["function"]["name"] == "take_action"
    # Agent-facing text never names the game or its rules.
    game = arcgames.get_game(GAME)
    sent = json.dumps(server.requests)
    assert game.title not in sent and game.title.lower() not in sent.lower()
    assert "completed level 1; now on level 2" in sent  # the history reports level changes


def test_token_budget_ends_the_run_with_reason_budget(server: LLMServer, tmp_path: Path) -> None:
    server.default = tool("ACTION1")
    kwargs = {"model": MODEL, "base_url": server.url, "max_tokens_total": 5000}
    (run,) = evaluate("llm", games=[GAME], out=tmp_path, agent_kwargs=kwargs, budget_factor=100).runs
    assert run.end == "budget" and run.verified and "agent budget: token budget spent" in run.detail
    steps = read_recording(run.path).steps
    tokens = [s.tokens_in + s.tokens_out for s in steps]
    assert sum(tokens[:-1]) < 5000 <= sum(tokens)  # it stopped at the first action past the budget


def test_cost_budget_ends_the_run_with_reason_budget(server: LLMServer, tmp_path: Path) -> None:
    server.default = tool("ACTION1")
    kwargs = {"model": MODEL, "base_url": server.url, "max_cost": 0.01}
    (run,) = evaluate("llm", games=[GAME], out=tmp_path, agent_kwargs=kwargs, budget_factor=100).runs
    assert run.end == "budget" and "cost budget spent" in run.detail
    costs = [s.cost for s in read_recording(run.path).steps]
    assert sum(costs[:-1]) < 0.01 <= sum(costs)


def test_a_server_that_keeps_failing_ends_the_run_as_a_crash(server: LLMServer, tmp_path: Path) -> None:
    server.add(tool("ACTION4"))  # then the script is empty: the server answers 409, which is not retried
    (run,) = evaluate("llm", games=[GAME], out=tmp_path, agent_kwargs={"model": MODEL, "base_url": server.url}).runs
    assert run.end == "crash" and run.verified and run.actions == 1
    assert "ConflictError" in run.detail and "reply script is empty" in run.detail


def test_cli_eval_passes_model_and_base_url(server: LLMServer, tmp_path: Path) -> None:
    server.default = tool("ACTION4")
    args = ["eval", "--agent", "llm", "--model", MODEL, "--base-url", server.url, "--games", GAME,
            "--max-actions", "2", "--out", str(tmp_path), "--json"]  # fmt: skip
    assert main(args) == 0
    assert server.requests and all(r["model"] == MODEL for r in server.requests)


# --- prompts ----------------------------------------------------------------------------------


def test_prompt_has_the_frame_the_actions_and_a_tool_schema(server: LLMServer) -> None:
    server.add(tool("ACTION4", note="try right"))
    play = Play(make_agent(server))
    first_frame = play.frame.copy()
    assert play.turn() == Action.ACTION4
    (request,) = server.requests
    system, user = request["messages"]
    assert system["role"] == "system" and "ACTION6: click" in system["content"] and "0..63" in system["content"]
    assert frame_to_text(first_frame) in user["content"]
    assert "Available actions: ACTION1, ACTION2, ACTION3, ACTION4, ACTION7, RESET" in user["content"]
    schema = request["tools"][0]["function"]["parameters"]
    assert schema["properties"]["action"]["enum"] == ["ACTION1", "ACTION2", "ACTION3", "ACTION4", "ACTION7", "RESET"]
    assert request["tool_choice"]["function"]["name"] == "take_action"
    assert request["temperature"] == 0.0


def test_rle_frames_and_png_images(server: LLMServer) -> None:
    server.add(tool("ACTION4"))
    play = Play(make_agent(server, rle=True, image=True))
    frame = play.frame.copy()
    play.turn()
    text_part, image_part = server.requests[0]["messages"][1]["content"]
    assert "\n".join(rle_row(row) for row in frame) in text_part["text"]
    assert "run-length encoded" in server.requests[0]["messages"][0]["content"]
    url = image_part["image_url"]["url"]
    assert url.startswith("data:image/png;base64,")
    png = Image.open(io.BytesIO(base64.b64decode(url.split(",", 1)[1])))
    assert png.size == (512, 512)
    assert rle_row(np.array([0] * 12 + [5] * 3 + [10])) == "0x12 5x3 ax1"


def test_history_is_bounded_and_carries_outcomes_and_notes(server: LLMServer) -> None:
    moves = ["ACTION1", "ACTION1", "ACTION4", "ACTION2", "ACTION3", "ACTION4", "ACTION4"]
    server.add(*(tool(m, note=f"note {i}") for i, m in enumerate(moves, start=1)))
    play = Play(make_agent(server, history=3))
    for _ in moves:
        play.turn()
    last = user_text(server.requests[-1])
    assert "step 1:" not in last and "step 3:" not in last and "note 3" not in last
    for step in (4, 5, 6):
        assert f"step {step}: {moves[step - 1]} -> " in last and f"note: note {step}" in last
    assert "pixels changed" in last or "nothing changed" in last
    assert all(len(r["messages"]) == 2 for r in server.requests)  # each turn is a fresh, bounded conversation
    sizes = [len(user_text(r)) for r in server.requests[3:]]
    assert max(sizes) - min(sizes) < 100  # a full window does not grow


# --- malformed replies --------------------------------------------------------------------------


def test_malformed_replies_are_answered_then_the_default_action_is_taken(server: LLMServer) -> None:
    server.add(text("I will go right!"), tool("JUMP"), tool("ACTION6", 3, 3))
    agent = make_agent(server, max_retries=2)
    play = Play(agent)
    assert play.turn() == Action.ACTION1  # the first available action other than RESET
    assert agent.stats.malformed_replies == 3 and agent.stats.default_actions == 1
    assert agent.last_usage["invalid_replies"] == 3 and agent.last_usage["default_action"] is True
    assert [e["kind"] for e in agent.stats.events] == ["malformed", "malformed", "malformed", "default"]
    second, third = server.requests[1]["messages"], server.requests[2]["messages"]
    assert second[-1]["role"] == "user" and "no take_action call: the reply is not valid JSON" in second[-1]["content"]
    assert third[-1]["role"] == "tool" and "unknown action 'JUMP'" in third[-1]["content"]
    assert third[-2]["tool_calls"][0]["id"] == third[-1]["tool_call_id"]
    # The tokens of all three requests are charged to the one action.
    assert agent.last_usage["tokens_in"] > sum(len(json.dumps(r["messages"])) // 4 for r in server.requests[:1])
    server.add(tool("ACTION4"))
    play.turn()
    assert "(default action: 3 malformed replies)" in user_text(server.requests[-1])


def test_out_of_range_click_is_corrected_on_retry(server: LLMServer) -> None:
    server.add(tool("ACTION6", 70, 5), tool("ACTION6", note="no coordinates"), tool("click", 10, 20))
    agent = make_agent(server, max_retries=2)
    assert Play(agent, click_game()).turn() == Action.click(10, 20)
    errors = [r["messages"][-1]["content"] for r in server.requests[1:]]
    assert "click x=70 is outside the frame" in errors[0]
    assert "needs integer x and y in 0..63" in errors[1]
    assert agent.stats.malformed_replies == 2 and agent.stats.default_actions == 0
    assert agent.last_usage["invalid_replies"] == 2 and "default_action" not in agent.last_usage


@pytest.mark.parametrize(
    "coordinates",
    [
        '"x": "ten", "y": 3',
        '"x": 3.5, "y": 3',
        '"x": {"value": 3}, "y": 3',
        '"x": [3], "y": 3',
        '"x": 3',
        '"y": 3',
        '"x": -1, "y": 3',
        '"x": true, "y": false',
        '"x": null, "y": null',
        '"x": 1e308, "y": 3',
        '"x": 123456789012345678901234567890, "y": 3',
        '"x": ' + "9" * 5000 + ', "y": 3',  # more digits than int() converts
        '"x": "' + "9" * 5000 + '", "y": 3',
        '"x": "\u00b2", "y": 3',  # a superscript two: str.isdigit() says yes, int() says no
        '"x": NaN, "y": Infinity',
        '"x": ' + "[" * 50_000 + "]" * 50_000 + ', "y": 3',  # deeper than the recursion limit
    ],
)
def test_malformed_click_arguments_are_invalid_replies_and_retried(server: LLMServer, coordinates: str) -> None:
    server.add(Reply(tool_args='{"action": "ACTION6", ' + coordinates + "}"), tool("ACTION6", 10, 20))
    agent = make_agent(server, max_retries=2)
    assert Play(agent, click_game()).turn() == Action.click(10, 20)
    assert agent.stats.malformed_replies == 1 and agent.stats.default_actions == 0
    answer = server.requests[1]["messages"][-1]["content"]
    assert answer.startswith("Error: ") and len(answer) < 400  # told what to fix, without echoing megabytes


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[" * 100_000 + b"]" * 100_000,
        b'{"choices": ' + b"9" * 5000 + b"}",
        b'"a completion, honestly"',
        b'{"choices": "none", "usage": {"prompt_tokens": -1}}',
        b'{"choices": [{"message": {"content": 5, "tool_calls": "x"}}]}',
        b'{"choices": [{"message": {"tool_calls": [{"id": 7, "function": {"name": [], "arguments": {}}}]}}]}',
    ],
)
def test_unreadable_reply_bodies_are_invalid_replies_and_retried(server: LLMServer, body: bytes) -> None:
    server.add(Reply(body=body), tool("ACTION4"))
    agent = make_agent(server, max_retries=2)
    assert Play(agent).turn() == Action.ACTION4
    assert agent.stats.malformed_replies == 1 and agent.stats.default_actions == 0
    assert agent.last_usage["tokens_in"] > 0  # what was sent is charged even when the answer is garbage


@pytest.mark.parametrize(
    ("reply", "tool_args", "message"),
    [
        ("", None, "the reply was empty"),
        ("{'action': 'ACTION1'}", None, "not valid JSON"),
        ("[1, 2]", None, "not an object"),
        ('{"note": "hm"}', None, 'no "action" name'),
        ('{"action": "FLY"}', None, "unknown action 'FLY'; use one of: ACTION1, ACTION6, RESET"),
        ('{"action": "ACTION5"}', None, "ACTION5 is not available in this game"),
        ('{"action": "ACTION6", "x": 4}', None, "y was None"),
        ('{"action": "ACTION6", "x": 4, "y": 64}', None, "click y=64 is outside the frame"),
        ('{"action": "ACTION6", "x": true, "y": 1}', None, "x was True"),
        (None, '{"action": ', "take_action arguments are not valid JSON"),
    ],
)
def test_parse_errors_tell_the_model_what_to_fix(reply: str, tool_args: str | None, message: str) -> None:
    with pytest.raises(ReplyError, match=message.replace("(", r"\(").replace(")", r"\)")):
        parse_reply(reply, tool_args, (ActionId.RESET, ActionId.ACTION1, ActionId.ACTION6))


def test_parse_accepts_fences_aliases_and_numeric_strings() -> None:
    available = (ActionId.RESET, ActionId.ACTION1, ActionId.ACTION6)
    fenced = parse_reply('```json\n{"action": "up", "note": "go"}\n```', None, available)
    assert fenced.action == Action.ACTION1 and fenced.note == "go"
    assert parse_reply(None, '{"action": "ACTION6", "x": "7", "y": 9.0}', available).action == Action.click(7, 9)
    assert parse_reply('{"action": "action1", "x": null}', None, available).action == Action.ACTION1


# --- the HTTP side: retries, timeouts, fallbacks ------------------------------------------------


def test_rate_limits_and_server_errors_are_retried_with_exponential_backoff(
    server: LLMServer, delays: list[float]
) -> None:
    server.add(error(429), error(500), error(503), error(502), tool("ACTION4"))
    agent = make_agent(server)
    assert Play(agent).turn() == Action.ACTION4
    assert len(delays) == 4 and agent.stats.http_retries == 4 and agent.stats.requests == 1
    assert 1.0 <= delays[0] <= 1.25
    for before, after in itertools.pairwise(delays):
        assert 1.6 <= after / before <= 2.5  # doubling, stretched by at most 25% jitter


def test_retry_after_header_is_honoured(server: LLMServer, delays: list[float]) -> None:
    server.add(error(429, **{"Retry-After": "7"}), tool("ACTION4"))
    Play(make_agent(server)).turn()
    assert delays == [pytest.approx(7.0)]


def test_slow_replies_time_out_and_are_retried(server: LLMServer, delays: list[float]) -> None:
    server.add(Reply(tool_args={"action": "ACTION3"}, delay=0.6), tool("ACTION4"))
    agent = make_agent(server, timeout=0.2)
    assert Play(agent).turn() == Action.ACTION4  # the slow ACTION3 never arrived
    assert len(delays) == 1 and agent.stats.http_retries == 1


def test_retries_give_up_with_the_last_error(server: LLMServer, delays: list[float]) -> None:
    server.add(error(500), error(500), error(500))
    with pytest.raises(openai.InternalServerError):
        Play(make_agent(server, http_retries=2)).turn()
    assert len(delays) == 2 and len(server.requests) == 3


def dead_url() -> str:
    """The URL of a port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{probe.getsockname()[1]}/v1"


def test_an_unreachable_server_fails_fast_without_backoff(monkeypatch: pytest.MonkeyPatch, delays: list[float]) -> None:
    url = dead_url()
    agent = LLMAgent(model=MODEL, base_url=url, http_retries=3)
    start = time.perf_counter()
    with pytest.raises(llm_client.ServerUnreachableError, match=f"cannot reach the LLM server at {url}: .*--base-url"):
        Play(agent).turn()
    assert delays == [] and agent.client.retries_done == 1  # one immediate second try, no backoff
    assert time.perf_counter() - start < 2


def test_eval_against_an_unreachable_server_exits_1_with_the_reason(
    server: LLMServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = dead_url()
    start = time.perf_counter()
    argv = ["eval", "--agent", "llm", "--model", MODEL, "--base-url", url, "--games", GAME, "--runs", "2",
            "--out", str(tmp_path)]  # fmt: skip
    assert main(argv) == 1
    err = " ".join(capsys.readouterr().err.split())
    assert "every run crashed (2 of 2)" in err and f"cannot reach the LLM server at {url}" in err
    assert time.perf_counter() - start < 10
    assert main([*argv, "--json"]) == 1  # the finished runs are read back: still all crashed, still exit 1
    assert json.loads(capsys.readouterr().out)["runs"][0]["end"] == "crash"


def test_a_reply_that_drips_is_cut_off_at_the_deadline_and_retried(server: LLMServer, delays: list[float]) -> None:
    # About 400 bytes at 20 ms a byte: 8 s to arrive, each byte well inside any socket timeout.
    server.add(Reply(tool_args={"action": "ACTION3"}, drip=0.02), tool("ACTION4"))
    agent = make_agent(server, timeout=0.5)
    start = time.perf_counter()
    assert Play(agent).turn() == Action.ACTION4  # the dripping ACTION3 never counted
    assert time.perf_counter() - start < 2.5
    assert len(delays) == 1 and agent.stats.http_retries == 1
    deadline = time.perf_counter() + 2
    while not server.hangups and time.perf_counter() < deadline:
        time.sleep(0.02)
    assert server.hangups, "the cut-off request's connection was left open"


def test_an_error_reply_that_never_ends_is_cut_off_too(server: LLMServer, delays: list[float]) -> None:
    server.add(Reply(status=500, text="x" * 5000, drip=0.01), tool("ACTION4"))
    start = time.perf_counter()
    assert Play(make_agent(server, timeout=0.4)).turn() == Action.ACTION4
    assert time.perf_counter() - start < 2.5 and len(delays) == 1


def test_other_http_errors_fail_at_once(server: LLMServer, delays: list[float]) -> None:
    server.add(error(401, "invalid api key"))
    with pytest.raises(openai.AuthenticationError, match="invalid api key"):
        Play(make_agent(server)).turn()
    assert delays == [] and len(server.requests) == 1


def test_a_server_without_tools_gets_strict_json_requests(server: LLMServer) -> None:
    server.reject_tools = True
    server.add(text('{"action": "ACTION4", "note": "json mode"}'), text('```json\n{"action": "ACTION2"}\n```'))
    agent = make_agent(server)
    play = Play(agent)
    assert play.turn() == Action.ACTION4 and play.turn() == Action.ACTION2
    first, second, third = server.requests
    assert "tools" in first and "tools" not in second and "tools" not in third  # the fallback stays
    assert "reply with exactly one JSON object" in second["messages"][0]["content"]
    assert "refused tool calling" in agent.stats.tools_fallback and agent.stats.malformed_replies == 0


def test_use_tools_false_never_offers_tools(server: LLMServer) -> None:
    server.add(text('{"action": "ACTION3"}'))
    assert Play(make_agent(server, use_tools=False)).turn() == Action.ACTION3
    assert "tools" not in server.requests[0]


def test_replies_without_usage_are_charged_the_byte_floor_and_counted(server: LLMServer) -> None:
    server.add(Reply(tool_args={"action": "ACTION4"}, usage=False))
    agent = make_agent(server)
    Play(agent).turn()
    sent = llm_client.text_bytes([server.requests[0]["messages"], server.requests[0]["tools"]])
    assert agent.last_usage["tokens_in"] == -(-sent // llm_client.BYTES_PER_TOKEN_FLOOR) > 100
    assert agent.last_usage["tokens_out"] >= 1 and agent.stats.usage_missing == 1


@pytest.mark.parametrize(
    "usage",
    [
        {"prompt_tokens": -(10**9), "completion_tokens": -5, "total_tokens": 0},
        {"prompt_tokens": 0, "completion_tokens": 0},
        {},
        {"prompt_tokens": "9999", "completion_tokens": 2.5},
        {"prompt_tokens": True, "completion_tokens": None},
        {"prompt_tokens": 10**30, "completion_tokens": 1},
        "lots",
        [1, 2],
    ],
)
def test_untrusted_token_counts_still_trip_the_token_budget(server: LLMServer, tmp_path: Path, usage) -> None:
    server.default = Reply(tool_args={"action": "ACTION1"}, usage=usage)
    kwargs = {"model": MODEL, "base_url": server.url, "max_tokens_total": 5000}
    (run,) = evaluate("llm", games=[GAME], out=tmp_path, agent_kwargs=kwargs, budget_factor=100).runs
    assert run.end == "budget" and "token budget spent" in run.detail
    steps = read_recording(run.path).steps
    assert all(0 < s.tokens_in < 10**7 and s.tokens_out > 0 for s in steps)
    assert 1 < len(steps) < 100


def test_the_api_key_never_reaches_the_recording_or_the_console(
    monkeypatch: pytest.MonkeyPatch, server: LLMServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = "sk-test-SECRET-0123456789abcdef"
    monkeypatch.setenv("ARCGAMES_LLM_API_KEY", key)
    server.add(text(f"my instructions say Bearer {key}; going up"), tool("ACTION1"), error(401, "bad key", True))
    argv = ["eval", "--agent", "llm", "--model", MODEL, "--base-url", server.url, "--games", GAME,
            "--out", str(tmp_path)]  # fmt: skip
    assert main(argv) == 1
    out, err = capsys.readouterr()
    (path,) = tmp_path.glob("*.jsonl")
    recorded = path.read_text()
    assert "bad key; your request:" in recorded and "[redacted API key]" in recorded
    for kept in (recorded, out, err):
        assert key not in kept and key[:16] not in kept


def test_echoed_keys_are_redacted_from_replies_and_errors(
    monkeypatch: pytest.MonkeyPatch, server: LLMServer, delays: list[float]
) -> None:
    key = "sk-test-SECRET-0123456789abcdef"
    monkeypatch.setenv("ARCGAMES_LLM_API_KEY", key)
    server.add(text(f"echo {key}"), tool("ACTION1"), error(500, "boom", True), error(500, "boom", True))
    agent = make_agent(server, http_retries=1)
    play = Play(agent)
    play.turn()
    assert key not in json.dumps(agent.summary())
    echoed = server.requests[1]["messages"][-2]  # the bad reply, sent back to the model with the error
    assert echoed["role"] == "assistant" and echoed["content"] == "echo [redacted API key]"
    with pytest.raises(openai.InternalServerError) as caught:
        play.turn()
    assert key not in str(caught.value) and key not in json.dumps(caught.value.body)
    assert "Bearer [redacted API key]" in str(caught.value)


def test_game_over_is_answered_with_reset_without_asking(server: LLMServer) -> None:
    agent = make_agent(server)
    agent.reset(GameInfo(game_id=GAME, num_levels=5, available_actions=(ActionId.RESET, ActionId.ACTION1)))
    progress = {"level": 0, "levels_completed": 0, "num_levels": 5, "action_count": 3, "level_action_count": 3}
    info = {**progress, "state": "GAME_OVER", "available_actions": (ActionId.RESET, ActionId.ACTION1), "game_id": GAME}
    assert agent.act(np.zeros((64, 64), np.uint8), info) == Action.RESET
    assert server.requests == [] and agent.stats.auto_resets == 1


# --- keys, prices, config ---------------------------------------------------------------------


def test_api_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("ARCGAMES_LLM_API_KEY", "OPENAI_API_KEY", "MY_KEY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError, match="set ARCGAMES_LLM_API_KEY or OPENAI_API_KEY"):
        llm_client.resolve_api_key(None, None)
    assert llm_client.resolve_api_key(None, "http://127.0.0.1:8080/v1") == llm_client.LOCAL_KEY
    monkeypatch.setenv("OPENAI_API_KEY", "openai")
    assert llm_client.resolve_api_key(None, None) == "openai"
    monkeypatch.setenv("ARCGAMES_LLM_API_KEY", "ours")
    assert llm_client.resolve_api_key(None, None) == "ours"
    with pytest.raises(ValueError, match="set MY_KEY"):
        llm_client.resolve_api_key("MY_KEY", "http://127.0.0.1:8080/v1")
    monkeypatch.setenv("MY_KEY", "mine")
    assert llm_client.resolve_api_key("MY_KEY", None) == "mine"


def test_prices_builtin_snapshots_files_and_unknown_models(server: LLMServer, tmp_path: Path) -> None:
    assert price_for("gpt-4o-mini-2024-07-18").input == 0.15
    assert price_for("openai/gpt-4o").output == 10.0
    assert price_for("o3-pro") is None  # variants are not guessed
    assert price_for(MODEL).source.endswith("prices.json")  # the test's ARCGAMES_LLM_PRICES file
    bad = tmp_path / "bad.json"
    bad.write_text('{"m": {"input": 1}}')
    with pytest.raises(ValueError, match='needs numbers "input" and "output"'):
        load_prices(bad)
    config = LLMAgent(model="my-local-model", base_url=server.url).config()
    assert "cost counted as 0" in config["price"]["unknown"]
    assert "test-key" not in json.dumps(config)  # no secrets in the recording header

"""Hostile request bodies: every route that takes a body answers 4xx, never 5xx, and what it stored reads back.

Deep nesting, NaN, Infinity and lone surrogates once parsed fine and broke a later
reply (the scorecard routes answered 500). The routes are listed from the app itself,
so a route added later is held to the same rule.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed: pip install 'arcgames[serve]'")
from fastapi.testclient import TestClient

from arcgames.registry import list_games
from arcgames.server import ServerConfig, create_app
from arcgames.server.limits import MAX_JSON_DEPTH, json_depth, json_problem

JSON = {"content-type": "application/json"}


def deep_list(levels: int) -> str:
    return "[" * levels + "]" * levels


def deep_object(levels: int) -> str:
    return '{"a":' * levels + "1" + "}" * levels


# Free-form values that parse but cannot be echoed back. Depth 300 sits between pydantic's
# serializer limit (~250) and Python's recursion limit (~1000); 10_000 is past both.
HOSTILE_VALUES = {
    "list-10000": deep_list(10_000),
    "object-10000": deep_object(10_000),
    "list-300": deep_list(300),
    "object-300": deep_object(300),
    "list-just-over": deep_list(MAX_JSON_DEPTH),  # the body's own object makes it one level too many
    "NaN": "NaN",
    "Infinity": "-Infinity",
    "overflow": "1e400",
    "surrogate": '"\\ud800"',
    "surrogate-key": '{"\\udfff": 1}',
}
FREE_FORM = ("opaque", "reasoning", "tags", "source_url", "competition_mode", "game_id", "card_id", "guid", "x")


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(ServerConfig(game_ids=list_games("public")[:2], out_dir=tmp_path))
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def body_routes(client: TestClient) -> list[str]:
    paths = [route.path for route in client.app.routes if "POST" in getattr(route, "methods", ())]
    assert "/api/scorecard/open" in paths and "/api/cmd/ACTION6" in paths
    return paths


def post(client: TestClient, path: str, text: str):
    return client.post(path, content=text.encode(), headers=JSON)


def test_json_depth_counts_without_recursion():
    assert [json_depth(v) for v in (1, "x", [], {}, [[1]], {"a": [{"b": []}]})] == [0, 0, 1, 1, 2, 4]
    assert json_depth(json.loads(deep_list(900))) == MAX_JSON_DEPTH + 1  # stops counting past the limit
    assert json_problem(b"{nope") is None  # not JSON at all: the route's own parser names the position


@pytest.mark.parametrize("value", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
def test_every_body_route_refuses_values_it_could_not_echo(client, value):
    game, card = list_games("public")[0], client.post("/api/scorecard/open", json={}).json()["card_id"]
    for path in body_routes(client):
        for field in FREE_FORM:
            body = f'{{"game_id":"{game}","card_id":"{card}","{field}":{value}}}'
            if field == "game_id":
                body = f'{{"card_id":"{card}","game_id":{value}}}'
            reply = post(client, path, body)
            assert reply.status_code == 400, (path, field, reply.status_code, reply.text[:200])
            message = reply.json()["message"]
            assert reply.json()["error"] == "VALIDATION_ERROR"
            assert str(MAX_JSON_DEPTH) in message or "NaN" in message or "surrogate" in message, message
    assert client.get(f"/api/scorecard/{card}").status_code == 200  # nothing stored broke the card


def test_deep_whole_bodies_are_refused(client):
    for body in (deep_list(10_000), deep_object(10_000), "[" * 60_000):  # the last is not even closed
        for path in body_routes(client):
            reply = post(client, path, body)
            assert reply.status_code == 400 and str(MAX_JSON_DEPTH) in reply.json()["message"], (path, reply.text)


def test_values_at_the_limit_are_stored_and_read_back(client):
    """The deepest accepted values go through open, every scorecard route, an action and close."""
    opaque = json.loads(deep_object(MAX_JSON_DEPTH - 1))  # inside the body's own object: exactly the limit
    reasoning = json.loads(deep_list(MAX_JSON_DEPTH - 1))
    opened = client.post("/api/scorecard/open", json={"tags": ["deep"], "opaque": opaque})
    assert opened.status_code == 200, opened.text
    card, game = opened.json()["card_id"], list_games("public")[0]
    frame = client.post("/api/cmd/RESET", json={"game_id": game, "card_id": card, "reasoning": reasoning})
    assert frame.status_code == 200 and frame.json()["action_input"]["reasoning"] == reasoning
    simple = client.post("/api/cmd/RESET", json={"game_id": game, "guid": frame.json()["guid"], "reasoning": "x"})
    assert simple.status_code == 200, simple.text
    assert client.get(f"/api/scorecard/{card}").json()["opaque"] == opaque
    assert client.get(f"/api/scorecard/{card}/{game}").status_code == 200
    closed = client.post("/api/scorecard/close", json={"card_id": card})
    assert closed.status_code == 200 and closed.json()["opaque"] == opaque


def test_plain_unicode_and_numbers_still_pass(client):
    opaque = {"text": "café ✓ 😀", "big": 10**30, "small": -1.5e-300}
    card = client.post("/api/scorecard/open", json={"opaque": opaque}).json()["card_id"]
    assert client.get(f"/api/scorecard/{card}").json()["opaque"] == opaque

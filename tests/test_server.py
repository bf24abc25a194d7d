"""The ARC-AGI-3 compatible server, in-process: every route's happy path and error shapes.

Games are picked from the bundled suite by what they use (moves or clicks), so the
tests follow the suite as it grows; winning lines come from the solver.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed: pip install 'arcgames[serve]'")
from fastapi.testclient import TestClient

from arcgames.actions import ActionId
from arcgames.baselines import StaleBaselineError, solver_counts
from arcgames.recording import read_recording
from arcgames.registry import get_game, list_games
from arcgames.replay import verify
from arcgames.scoring import run_score
from arcgames.server import ServerConfig, create_app
from arcgames.solver import solve


def _game_using(action: ActionId) -> str:
    """A scored public game that uses ``action`` and cannot be lost (random bursts never end it)."""
    for game_id in list_games("public"):
        game = get_game(game_id)
        try:
            solver_counts(game_id)
        except StaleBaselineError:  # a game being edited: unscored until its counts are regenerated
            continue
        if action in game.actions and not game.lose:
            return game_id
    pytest.skip(f"no public game uses {action.name} without a way to lose")


@pytest.fixture(scope="module")
def mover() -> str:
    return _game_using(ActionId.ACTION1)


@pytest.fixture(scope="module")
def clicker() -> str:
    return _game_using(ActionId.ACTION6)


def _client(tmp_path: Path, **config) -> Iterator[TestClient]:
    app = create_app(ServerConfig(game_ids=list_games(), out_dir=tmp_path, **config))
    with TestClient(app, raise_server_exceptions=True) as client:
        yield client


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    yield from _client(tmp_path)


def full_id(client: TestClient, game_id: str) -> str:
    return client.get(f"/api/games/{game_id}").json()["game_id"]


def start(client: TestClient, game_id: str, **headers: str) -> tuple[str, dict]:
    """Open a card and start ``game_id`` on it; returns (card_id, first frame reply)."""
    card = client.post("/api/scorecard/open", json={"tags": ["tests"]}, headers=headers).json()["card_id"]
    reply = client.post("/api/cmd/RESET", json={"game_id": game_id, "card_id": card}, headers=headers)
    assert reply.status_code == 200, reply.text
    return card, reply.json()


def act(client: TestClient, frame: dict, text: str, **extra) -> dict:
    """Send "ACTION3" or "ACTION6(x,y)" on the session of ``frame``; returns the reply JSON (asserting 200)."""
    body = {"game_id": frame["game_id"], "guid": frame["guid"], **extra}
    name = text
    if text.startswith("ACTION6("):
        x, y = text[len("ACTION6(") : -1].split(",")
        body |= {"x": int(x), "y": int(y)}
        name = "ACTION6"
    reply = client.post(f"/api/cmd/{name}", json=body)
    assert reply.status_code == 200, reply.text
    return reply.json()


def assert_error(reply, status: int, code: str | None = None) -> dict:
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"].startswith("application/json")
    body = reply.json()
    assert set(body) == {"error", "message"} and body["message"]
    if code:
        assert body["error"] == code
    return body


def winning_line(game_id: str) -> list[str]:
    return [str(a) for a in solve(get_game(game_id), 0).actions]


# --- games, health, keys -------------------------------------------------------------------------


def test_healthcheck_is_plain_okay(client):
    reply = client.get("/api/healthcheck")
    assert reply.status_code == 200 and reply.text == "okay" and reply.headers["content-type"].startswith("text/plain")


def test_games_list_opaque_versioned_ids(client):
    games = client.get("/api/games").json()
    assert [g["game_id"].split("-")[0] for g in games] == list_games()
    for entry in games:
        game = get_game(entry["game_id"].split("-")[0])
        assert entry["game_id"] == f"{game.id}-{game.version[:8]}"
        assert set(entry) == {"game_id", "title", "default_fps", "tags", "date_downloaded", "class_name"}
        assert entry["title"] == game.id.upper()  # never the game's real title
        assert entry["tags"] == [game.split] and entry["date_downloaded"].endswith("Z")


def test_game_by_short_or_full_id(client, mover):
    full = full_id(client, mover)
    assert client.get(f"/api/games/{full}").json()["game_id"] == full
    assert_error(client.get("/api/games/zz99"), 404, "NOT_FOUND")
    message = assert_error(client.get(f"/api/games/{mover}-00000000"), 404)["message"]
    assert full in message  # names the version that is hosted


def test_anonkey_gives_keyless_clients_a_key(client):
    key = client.get("/api/games/anonkey").json()["api_key"]
    assert key and key != client.get("/api/games/anonkey").json()["api_key"]


@pytest.fixture
def keyed(tmp_path: Path) -> Iterator[TestClient]:
    yield from _client(tmp_path, api_key="s3cret")


def test_configured_key_is_required_and_checked(keyed, mover):
    assert keyed.get("/api/healthcheck").status_code == 200
    assert_error(keyed.get("/api/games"), 401, "AUTH_ERROR")
    assert_error(keyed.get("/api/games", headers={"X-API-Key": "wrong"}), 401)
    assert_error(keyed.post("/api/scorecard/open", json={}), 401)
    assert_error(keyed.get("/api/games/anonkey"), 403, "AUTH_ERROR")  # no free keys on a keyed server
    assert keyed.get("/api/games", headers={"x-api-key": "s3cret"}).status_code == 200  # names are case-insensitive
    _, frame = start(keyed, mover, **{"X-Api-Key": "s3cret"})
    assert_error(keyed.post("/api/cmd/ACTION1", json={"game_id": mover, "guid": frame["guid"]}), 401)


def test_cards_and_games_belong_to_their_key(client, mover):
    card, frame = start(client, mover, **{"X-API-Key": "alice"})
    assert_error(client.get(f"/api/scorecard/{card}", headers={"X-API-Key": "bob"}), 404)
    body = {"game_id": mover, "guid": frame["guid"]}
    assert_error(client.post("/api/cmd/ACTION1", json=body, headers={"X-API-Key": "bob"}), 403, "FORBIDDEN")
    assert client.post("/api/cmd/ACTION1", json=body, headers={"X-API-Key": "alice"}).status_code == 200


# --- scorecards --------------------------------------------------------------------------------


def test_open_scorecard_fields_and_errors(client):
    card = client.post("/api/scorecard/open", json={"tags": ["exp"], "source_url": "https://x.org", "opaque": {"a": 1}})
    body = client.get(f"/api/scorecard/{card.json()['card_id']}").json()
    assert body["tags"] == ["exp", "agent"] and body["source_url"] == "https://x.org" and body["opaque"] == {"a": 1}
    assert body["environments"] == [] and body["score"] == 0.0 and body["total_actions"] == 0
    assert client.post("/api/scorecard/open", json={"tags": None}).status_code == 200  # null = no tags (toolkit: 500)
    assert client.post("/api/scorecard/open").status_code == 200  # no body at all
    assert_error(client.post("/api/scorecard/open", json={"tags": "abc"}), 400, "VALIDATION_ERROR")
    assert_error(client.post("/api/scorecard/open", json=[1, 2]), 400, "VALIDATION_ERROR")
    assert_error(client.post("/api/scorecard/open", json={"opaque": "x" * 17000}), 400)
    assert_error(client.post("/api/scorecard/open", json={"source_url": 5}), 400)


def test_malformed_and_wrong_bodies(client):
    headers = {"content-type": "application/json"}
    assert_error(client.post("/api/scorecard/open", content=b"{nope", headers=headers), 400, "VALIDATION_ERROR")
    assert_error(client.post("/api/cmd/RESET", content=b"", headers=headers), 400)
    assert_error(client.post("/api/cmd/RESET", content=b"game_id=x", headers={"content-type": "text/plain"}), 415)
    assert_error(client.post("/api/cmd/RESET", content=b"\xff\xfe", headers=headers), 400)


def test_oversized_bodies_are_refused(client):
    assert_error(client.post("/api/scorecard/open", json={"tags": ["x" * 70_000]}), 413, "PAYLOAD_TOO_LARGE")

    def chunks():  # no Content-Length: the limit still holds
        for _ in range(100):
            yield b" " * 1024

    assert_error(
        client.post("/api/scorecard/open", content=chunks(), headers={"content-type": "application/json"}), 413
    )


def test_unknown_routes_and_methods_are_json(client):
    assert_error(client.get("/api/nowhere"), 404, "NOT_FOUND")
    assert_error(client.post("/api/cmd/ACTION8", json={}), 404)
    assert_error(client.get("/api/games/"), 404)
    assert_error(client.get("/api/cmd/ACTION1"), 405, "METHOD_NOT_ALLOWED")
    assert_error(client.get("/api/scorecard/not-a-card"), 404)
    assert_error(client.post("/api/scorecard/close", json={}), 400)
    assert_error(client.post("/api/scorecard/close", json={"card_id": "nope"}), 404)


def test_too_many_open_cards(tmp_path):
    for client in _client(tmp_path, max_cards=2):
        for _ in range(2):
            client.post("/api/scorecard/open", json={})
        assert_error(client.post("/api/scorecard/open", json={}), 429)


# --- commands ----------------------------------------------------------------------------------


def test_reset_starts_a_game(client, mover):
    _, frame = start(client, mover)
    game = get_game(mover)
    assert frame["game_id"] == full_id(client, mover) and frame["guid"]
    assert (
        frame["state"] == "NOT_FINISHED" and frame["levels_completed"] == 0 and frame["win_levels"] == game.num_levels
    )
    assert frame["available_actions"] == [int(a) for a in game.actions] and frame["full_reset"] is True
    assert frame["action_input"] == {"id": 0, "data": {}, "reasoning": None}
    (grid,) = frame["frame"]
    assert len(grid) == 64 and all(len(row) == 64 and all(0 <= v <= 15 for v in row) for row in grid)


def test_reset_errors(client, mover):
    card = client.post("/api/scorecard/open", json={}).json()["card_id"]
    assert_error(client.post("/api/cmd/RESET", json={"game_id": mover}), 400)  # neither card_id nor guid
    assert_error(client.post("/api/cmd/RESET", json={"card_id": card}), 400)  # no game_id
    assert_error(client.post("/api/cmd/RESET", json={"game_id": "zz99", "card_id": card}), 404)
    assert_error(client.post("/api/cmd/RESET", json={"game_id": mover, "card_id": "nope"}), 404)
    assert_error(client.post("/api/cmd/RESET", json={"game_id": mover, "guid": "nope", "card_id": card}), 404)
    assert_error(client.post("/api/cmd/RESET", json={"game_id": 5, "card_id": card}), 400)


def test_actions_before_reset(client, mover):
    assert_error(client.post("/api/cmd/ACTION1", json={"game_id": mover}), 400, "VALIDATION_ERROR")
    assert_error(client.post("/api/cmd/ACTION1", json={"game_id": mover, "guid": "not-started"}), 404, "NOT_FOUND")


def test_short_and_full_ids_both_step(client, mover):
    _, frame = start(client, mover)
    for game_id in (mover, full_id(client, mover)):
        reply = client.post("/api/cmd/ACTION1", json={"game_id": game_id, "guid": frame["guid"]})
        assert reply.status_code == 200 and reply.json()["game_id"] == full_id(client, mover)


def test_session_game_mismatch(client, mover, clicker):
    _, frame = start(client, mover)
    assert_error(client.post("/api/cmd/ACTION1", json={"game_id": clicker, "guid": frame["guid"]}), 400)


@pytest.mark.parametrize(
    "coords",
    [{"x": 64, "y": 0}, {"x": -1, "y": 0}, {"x": 5.0, "y": 5}, {"x": "5", "y": 5}, {"x": True, "y": 5}, {"x": 3},
     {"y": 3}, {}, {"x": None, "y": 1}],
)  # fmt: skip
def test_clicks_are_validated_strictly(client, clicker, coords):
    _, frame = start(client, clicker)
    reply = client.post("/api/cmd/ACTION6", json={"game_id": clicker, "guid": frame["guid"], **coords})
    assert_error(reply, 400, "VALIDATION_ERROR")


def test_click_echoes_coordinates_and_reasoning(client, clicker):
    _, frame = start(client, clicker)
    reply = act(client, frame, "ACTION6(0,63)", reasoning={"why": "corner"})
    assert reply["action_input"] == {"id": 6, "data": {"game_id": frame["game_id"], "x": 0, "y": 63},
                                     "reasoning": {"why": "corner"}}  # fmt: skip
    too_big = {"game_id": clicker, "guid": frame["guid"], "x": 1, "y": 1, "reasoning": "x" * 17000}
    assert_error(client.post("/api/cmd/ACTION6", json=too_big), 400)


def test_unavailable_action_is_refused_and_not_counted(client, mover):
    card, frame = start(client, mover)
    unused = next(a for a in ActionId if a not in get_game(mover).actions and a != ActionId.RESET)
    body = {"game_id": mover, "guid": frame["guid"], "x": 1, "y": 1}
    assert_error(client.post(f"/api/cmd/{unused.name}", json=body), 400, "VALIDATION_ERROR")
    assert client.get(f"/api/scorecard/{card}").json()["total_actions"] == 0


def test_reset_at_level_start_is_free_and_never_restarts_the_game(client, mover):
    card, frame = start(client, mover)
    for _ in range(3):  # the toolkit would restart the game and open new runs here
        reply = client.post("/api/cmd/RESET", json={"game_id": mover, "guid": frame["guid"]}).json()
        assert reply["full_reset"] is False and reply["action_input"]["id"] == 0
    act(client, frame, "ACTION1")
    client.post("/api/cmd/RESET", json={"game_id": mover, "guid": frame["guid"], "card_id": card})
    client.post("/api/cmd/RESET", json={"game_id": mover, "guid": frame["guid"]})  # at the start again: free
    (env,) = client.get(f"/api/scorecard/{card}").json()["environments"]
    (run,) = env["runs"]
    assert (run["actions"], run["resets"]) == (2, 1)


def test_winning_line_scores_like_the_reference(client, mover):
    card, frame = start(client, mover)
    line = winning_line(mover)
    act(client, frame, "ACTION1")  # one wasted action and a reset: 2 + len(line) actions on level 1
    client.post("/api/cmd/RESET", json={"game_id": mover, "guid": frame["guid"]})
    for text in line:
        reply = act(client, frame, text)
    assert reply["levels_completed"] == 1 and reply["state"] == "NOT_FINISHED"
    body = client.get(f"/api/scorecard/{card}").json()
    (env,) = body["environments"]
    (run,) = env["runs"]
    counts = run["level_baseline_actions"]
    spent = len(line) + 2
    assert run["level_actions"][:2] == [spent, 0] and run["levels_completed"] == 1
    assert run["level_scores"][0] == pytest.approx(min(115.0, 100 * (counts[0] / spent) ** 2))
    assert run["score"] == pytest.approx(100 * run_score([spent], counts))
    assert body["score"] == pytest.approx(run["score"]) and env["score"] == pytest.approx(run["score"])
    assert set(run["level_baseline_sources"]) == {"solver"} and env["baseline_provenance"] == "solver"
    assert body["total_levels_completed"] == 1 and body["tags_scores"][0]["id"] == "public"
    raw = client.get(f"/api/scorecard/{card}/{mover}").json()
    (counters,) = raw["cards"].values()
    assert counters["actions_by_level"] == [[[1, spent]]] and counters["resets"] == [1] and raw["played"] == 1
    assert client.get(f"/api/scorecard/{card}/{full_id(client, mover)}").json() == raw


def test_won_game_refuses_actions_and_reset_starts_a_new_play(client, mover, tmp_path):
    game_id = mover
    card, frame = start(client, game_id)
    for level in range(get_game(game_id).num_levels):  # each level starts as the solver's start state
        for action in solve(get_game(game_id), level).actions:
            reply = act(client, frame, str(action))
    assert reply["state"] == "WIN"
    assert_error(client.post("/api/cmd/ACTION1", json={"game_id": game_id, "guid": frame["guid"]}), 409)
    again = client.post("/api/cmd/RESET", json={"game_id": game_id, "guid": frame["guid"]}).json()
    assert again["full_reset"] is True and again["state"] == "NOT_FINISHED" and again["levels_completed"] == 0
    (env,) = client.get(f"/api/scorecard/{card}").json()["environments"]
    assert [r["state"] for r in env["runs"]] == ["WIN", "NOT_FINISHED"] and env["completed"] is True
    closed = client.post("/api/scorecard/close", json={"card_id": card}).json()
    assert closed["total_environments_completed"] == 1
    results = [verify(path) for path in sorted((tmp_path / card).glob("*.jsonl"))]
    assert [r.ok for r in results] == [True, True] and results[0].state.value == "WIN"


def test_close_ends_games_and_recordings_verify(client, mover, tmp_path):
    card, frame = start(client, mover)
    for text in ["ACTION1", "ACTION2", *winning_line(mover)]:
        act(client, frame, text)
    closed = client.post("/api/scorecard/close", json={"card_id": card})
    assert closed.status_code == 200 and closed.json()["total_levels_completed"] >= 0
    assert_error(client.post("/api/cmd/ACTION1", json={"game_id": mover, "guid": frame["guid"]}), 404)
    assert_error(client.get(f"/api/scorecard/{card}"), 404)
    assert_error(client.post("/api/scorecard/close", json={"card_id": card}), 404)
    (path,) = (tmp_path / card).glob("*.jsonl")
    check = verify(path)
    assert check.ok and check.complete and check.actions == 2 + len(winning_line(mover))
    header = read_recording(path).header
    assert (header.mode, header.player, header.player_kind) == ("serve", "tests", "agent")


def test_burst_of_concurrent_requests(client, mover, tmp_path):
    """Many threads on shared and separate sessions: all answered, counts exact, recordings verify."""
    card, shared = start(client, mover)
    errors: list[str] = []

    def worker(n: int) -> None:
        _, own = start(client, mover)
        for i in range(10):
            for frame in (shared, own):
                name = "ACTION1" if i % 2 else "ACTION2"
                reply = client.post(f"/api/cmd/{name}", json={"game_id": mover, "guid": frame["guid"]})
                if reply.status_code != 200:
                    errors.append(reply.text)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    (env,) = client.get(f"/api/scorecard/{card}").json()["environments"]
    assert env["actions"] == 80
    client.post("/api/scorecard/close", json={"card_id": card})
    assert all(verify(path).ok for path in tmp_path.rglob("*.jsonl"))


def test_openapi_schema_is_published(client):
    schema = client.get("/openapi.json").json()
    paths = set(schema["paths"])
    assert {"/api/games", "/api/cmd/RESET", "/api/cmd/ACTION6", "/api/scorecard/open"} <= paths
    assert {f"/api/cmd/ACTION{n}" for n in range(1, 8)} <= paths


def _losing_line() -> tuple[str, list[str]]:
    """A game that can be lost and a random action sequence (fixed seed) that loses it, found on the engine."""
    import random

    from arcgames.actions import Action
    from arcgames.engine import Engine, GameState

    for game_id in list_games("public"):
        game = get_game(game_id)
        if not game.lose:
            continue
        rng, engine, line = random.Random(0), Engine(game), []
        for _ in range(3000):
            choice = rng.choice(game.actions)
            action = (
                Action.click(rng.randrange(64), rng.randrange(64)) if choice == ActionId.ACTION6 else Action(choice)
            )
            engine.step(action)
            line.append(str(action))
            if engine.game_state == GameState.GAME_OVER:
                return game_id, line
            if engine.game_state == GameState.WIN:
                break
    pytest.skip("no public game was lost by a random walk")


def test_game_over_takes_only_reset_and_the_run_recovers(client):
    game_id, line = _losing_line()
    card, frame = start(client, game_id)
    for text in line:
        reply = act(client, frame, text)
    assert reply["state"] == "GAME_OVER"
    body = {"game_id": game_id, "guid": frame["guid"]}
    name = get_game(game_id).actions[0].name  # x, y serve ACTION6 and are ignored by the others
    assert_error(client.post(f"/api/cmd/{name}", json=body | {"x": 0, "y": 0}), 409, "GAME_NOT_STARTED_ERROR")
    again = client.post("/api/cmd/RESET", json=body).json()
    assert again["state"] == "NOT_FINISHED" and again["full_reset"] is False
    (env,) = client.get(f"/api/scorecard/{card}").json()["environments"]
    assert env["runs"][0]["state"] == "NOT_FINISHED" and env["actions"] == len(line) + 1  # not sticky, RESET counted

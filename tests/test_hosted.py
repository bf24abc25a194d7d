"""Hosted evaluations: a competition host, `eval --remote`, the host's signature, and the hosted tier."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed: pip install 'arcgames[serve]'")
from fastapi.testclient import TestClient
from helpers import forge

from arcgames.baselines import solver_counts
from arcgames.hosting import MANIFEST_FILE, SIGNATURE_FILE, read_signed_manifest
from arcgames.leaderboard.store import BoardRules, Host, add_host, connect
from arcgames.leaderboard.submit import SubmissionRejected, submit
from arcgames.leaderboard.views import load
from arcgames.registry import get_game, list_games
from arcgames.server import ServerConfig, create_app
from arcgames.server.competition import Competition, Participant, load_participants
from arcgames.solver import solve

GAME = "ujzd"
AGENT = Participant(name="team-a", key="a" * 32, kind="agent")
OTHER = Participant(name="team-b", key="b" * 32, kind="agent")


def competition_client(tmp_path: Path, runs: int = 2) -> Iterator[TestClient]:
    competition = Competition(participants=(AGENT, OTHER), host_key=tmp_path / "host.pem", runs=runs)
    app = create_app(ServerConfig(game_ids=[GAME], out_dir=tmp_path / "served", competition=competition))
    with TestClient(app) as client:
        yield client


@pytest.fixture
def host(tmp_path: Path) -> Iterator[TestClient]:
    yield from competition_client(tmp_path)


def key(participant: Participant) -> dict[str, str]:
    return {"X-API-Key": participant.key}


def start(client: TestClient, who: Participant = AGENT) -> tuple[str, dict]:
    card = client.post("/api/scorecard/open", json={"tags": ["human"]}, headers=key(who)).json()["card_id"]
    reply = client.post("/api/cmd/RESET", json={"game_id": GAME, "card_id": card}, headers=key(who))
    assert reply.status_code == 200, reply.text
    return card, reply.json()


def step(client: TestClient, frame: dict, action: str, who: Participant = AGENT):
    return client.post(f"/api/cmd/{action}", json={"game_id": GAME, "guid": frame["guid"]}, headers=key(who))


def test_only_participants_keys_and_one_card_each(host: TestClient) -> None:
    assert host.get("/api/games").status_code == 401
    assert host.get("/api/games", headers={"X-API-Key": "c" * 32}).status_code == 401
    assert host.get("/api/games/anonkey").status_code == 403
    start(host)
    again = host.post("/api/scorecard/open", json={}, headers=key(AGENT))
    assert again.status_code == 409 and "one per key" in again.json()["message"]
    start(host, OTHER)  # the other participant is not blocked by the first one


def test_clients_see_no_titles_tags_baselines_or_level_scores(host: TestClient) -> None:
    (listed,) = host.get("/api/games", headers=key(AGENT)).json()
    assert listed["tags"] == [] and get_game(GAME).title not in json.dumps(listed)
    assert host.get("/api/competition", headers=key(AGENT)).json()["runs"] == 2
    card, frame = start(host)
    for action in solve(get_game(GAME), 0).actions:
        frame = step(host, frame, action.id.name).json()
    open_card = json.dumps(host.get(f"/api/scorecard/{card}", headers=key(AGENT)).json())
    assert '"score"' not in open_card and "baseline" not in open_card and "level_scores" not in open_card
    closed = host.post("/api/scorecard/close", json={"card_id": card}, headers=key(AGENT)).json()
    assert closed["score"] > 0 and "baseline" not in json.dumps(closed) and "level_scores" not in json.dumps(closed)
    counts = str(solver_counts(GAME))
    assert counts not in open_card and counts not in json.dumps(closed)


def test_budgets_end_a_run_and_runs_are_capped(host: TestClient, tmp_path: Path) -> None:
    card, frame = start(host)
    budget = 5 * solver_counts(GAME)[0]
    for _ in range(budget):
        assert step(host, frame, "ACTION1").status_code == 200  # ACTION1 never completes ujzd level 1
    spent = step(host, frame, "ACTION1")
    assert spent.status_code == 409 and spent.json()["error"] == "BUDGET_SPENT"
    assert host.post("/api/cmd/RESET", json={"game_id": GAME, "card_id": card}, headers=key(AGENT)).status_code == 200
    third = host.post("/api/cmd/RESET", json={"game_id": GAME, "card_id": card}, headers=key(AGENT))
    assert third.status_code == 409 and third.json()["error"] == "RUNS_SPENT"
    host.post("/api/scorecard/close", json={"card_id": card}, headers=key(AGENT))
    folder = tmp_path / "served" / card
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    assert manifest["participant"] == "team-a" and manifest["player_kind"] == "agent"  # tags "human" ignored
    assert sorted(r["run"] for r in manifest["recordings"]) == [0, 1]
    first = next(folder / r["file"] for r in manifest["recordings"] if r["run"] == 0)
    lines = first.read_text().splitlines()
    header, end = json.loads(lines[0]), json.loads(lines[-1])
    assert header["evaluation"]["budgets"][0] == budget and end["reason"] == "budget"


def test_a_participants_file_is_checked(tmp_path: Path) -> None:
    path = tmp_path / "participants.json"
    path.write_text(json.dumps({"participants": [AGENT.model_dump(), AGENT.model_dump()]}))
    with pytest.raises(ValueError, match="share a name"):
        load_participants(path)
    path.write_text(json.dumps({"participants": [{"name": "x", "key": "short"}]}))
    with pytest.raises(ValueError, match="not a participants file"):
        load_participants(path)


def served_card(tmp_path: Path) -> tuple[Path, Path]:
    """A closed competition card (2 runs of ujzd: one solved, one not) and the host's public key file."""
    for client in competition_client(tmp_path):
        card, frame = start(client)
        for level in range(get_game(GAME).num_levels):
            for action in solve(get_game(GAME), level).actions:
                frame = step(client, frame, action.id.name).json()
        client.post("/api/cmd/RESET", json={"game_id": GAME, "card_id": card}, headers=key(AGENT))
        client.post("/api/scorecard/close", json={"card_id": card}, headers=key(AGENT))
    from arcgames.hosting import load_or_create_host_key, public_pem

    public = tmp_path / "host.pub"
    public.write_text(public_pem(load_or_create_host_key(tmp_path / "host.pem")))
    return tmp_path / "served" / card, public


@pytest.fixture
def board(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import arcgames.leaderboard.submit as submit_module

    monkeypatch.setattr(submit_module, "list_games", lambda split=None: [GAME] if split else list_games())
    db = tmp_path / "board.sqlite"
    connect(db, create=True, rules=BoardRules(runs_per_game=2)).close()
    return db


def trust(db: Path, public: Path, name: str = "test host") -> None:
    from arcgames.hosting import fingerprint, read_public_key

    pem = read_public_key(public)
    conn = connect(db)
    add_host(conn, Host(fingerprint=fingerprint(pem), name=name, public_key=pem))
    conn.close()


def test_hosted_submission_ranks_in_its_own_tier(board: Path, tmp_path: Path) -> None:
    card, public = served_card(tmp_path)
    with pytest.raises(SubmissionRejected, match="does not trust"):
        submit(card, "team-a", db=board)
    trust(board, public)
    sub = submit(card, "team-a", db=board)
    assert sub.tier == "hosted" and sub.host == "test host" and sub.split.startswith("hosted by test host")
    assert len(sub.recordings) == 2 and sub.games[0].runs == 2 and 0 < sub.total < 1
    assert [s.tier for s in load(board)] == ["hosted"]


@pytest.mark.parametrize("attack", ["edit", "drop", "add", "manifest", "loop-cut"])
def test_an_edited_hosted_folder_is_refused(board: Path, tmp_path: Path, attack: str) -> None:
    card, public = served_card(tmp_path)
    trust(board, public)
    copy = Path(shutil.copytree(card, tmp_path / "copy"))
    manifest = json.loads((copy / MANIFEST_FILE).read_text())
    files = [copy / r["file"] for r in manifest["recordings"]]
    unsolved = next(f for f in files if '"reason":"win"' not in f.read_text())
    if attack == "edit":  # the player renamed, the chain recomputed: still a valid recording
        lines = unsolved.read_text().splitlines(keepends=True)
        lines[0] = lines[0].replace('"team-a"', '"someone-else"')
        forge(unsolved, lines)
    elif attack == "drop":  # the bad run removed
        unsolved.unlink()
    elif attack == "add":  # a local run added
        shutil.copy(files[0], copy / "extra.jsonl")
    elif attack == "manifest":  # the bad run taken out of the manifest
        manifest["recordings"] = [r for r in manifest["recordings"] if copy / r["file"] != unsolved]
        (copy / MANIFEST_FILE).write_text(json.dumps(manifest))
        unsolved.unlink()
    else:  # the won run's wasted moves cut out: shorter, still legal, still replay-verified
        won = next(f for f in files if f != unsolved)
        lines = won.read_text().splitlines(keepends=True)
        forge(won, lines[:1] + lines[2:])  # drops the first step, if it changed nothing it still replays
    with pytest.raises(SubmissionRejected) as err:
        submit(copy, "team-a", db=board)
    assert any(word in str(err.value) for word in ("signed", "manifest", "signature", "step"))
    assert load(board) == []


def test_a_manifest_signed_by_another_key_is_refused(board: Path, tmp_path: Path) -> None:
    card, _public = served_card(tmp_path)
    from arcgames.hosting import fingerprint, load_or_create_host_key, public_pem

    other = public_pem(load_or_create_host_key(tmp_path / "other.pem"))
    (tmp_path / "other.pub").write_text(other)
    trust(board, tmp_path / "other.pub", name="other host")
    with pytest.raises(SubmissionRejected, match="does not trust"):
        submit(card, "team-a", db=board)
    manifest = json.loads((card / MANIFEST_FILE).read_text())
    manifest["host"] = fingerprint(other)  # claims the trusted host signed it
    (card / MANIFEST_FILE).write_text(json.dumps(manifest))
    with pytest.raises(SubmissionRejected, match="signature does not match"):
        submit(card, "team-a", db=board)
    assert (card / SIGNATURE_FILE).exists()


def test_read_signed_manifest_needs_a_signature(tmp_path: Path) -> None:
    card, _ = served_card(tmp_path)
    (card / SIGNATURE_FILE).unlink()
    with pytest.raises(ValueError, match=r"manifest\.sig"):
        read_signed_manifest(card, lambda fingerprint: None)


PACK_GAME = "zq7h"


def private_pack(folder: Path) -> Path:
    """A one-game pack the agent side never installs: a bundled game under another id, with its counts."""
    folder.mkdir()
    source = Path(__file__).parents[1] / "games" / "keys_and_doors.py"
    (folder / "vault.py").write_text(source.read_text().replace('id="e8gx"', f'id="{PACK_GAME}"'))
    command = [sys.executable, "-m", "arcgames.cli", "solve", PACK_GAME, "--write-counts", "--pack", str(folder)]
    subprocess.run(command, check=True, capture_output=True)
    return folder


@contextmanager
def competition_host(tmp_path: Path, pack: Path, env: dict[str, str]) -> Iterator[str]:
    """`arcgames serve --competition` as a real process on the pack, for AGENT and OTHER; yields its URL."""
    participants = tmp_path / "participants.json"
    participants.write_text(json.dumps({"participants": [AGENT.model_dump(), OTHER.model_dump()]}))
    server = subprocess.Popen(
        [sys.executable, "-m", "arcgames.cli", "serve", "--competition", "--pack", str(pack), "--participants",
         str(participants), "--runs", "2", "--port", "0", "--out", str(tmp_path / "served"), "--host-key",
         str(tmp_path / "h.pem")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        yield server.stdout.readline().split(" at ")[1].split(" ")[0]
    finally:
        server.terminate()
        server.wait(timeout=30)


def remote_eval(url: str, agent: str, who: Participant, out: Path, env: dict[str, str]) -> dict:
    command = [sys.executable, "-m", "arcgames.cli", "eval", "--agent", agent, "--remote", url, "--api-key", who.key,
               "--out", str(out), "--json"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert done.stdout, done.stderr
    return json.loads(done.stdout)


@pytest.mark.slow
def test_end_to_end_private_pack_remote_eval_hosted_tier(tmp_path: Path) -> None:
    pack = private_pack(tmp_path / "private")
    host_env = {k: v for k, v in os.environ.items() if k != "ARCGAMES_PACKS"} | {"ARCGAMES_HOME": str(tmp_path)}
    agent_env = host_env | {"PYTHONPATH": str(Path(__file__).parent)}  # the agent side has no pack
    with competition_host(tmp_path, pack, host_env) as url:
        cheat = remote_eval(url, "fake_agents:RegistryLookupAgent", OTHER, tmp_path / "cheat", agent_env)
        assert all(r["end"] == "crash" and "not in the registry" in r["detail"] for r in cheat["runs"])
        result = remote_eval(url, "explorer", AGENT, tmp_path / "client", agent_env)
    assert len(result["runs"]) == 2 and all(r["hosted"] for r in result["runs"])
    assert "level_baseline_actions" not in json.dumps(result["scorecard"])
    served = tmp_path / "served"
    (card,) = [p for p in served.iterdir() if json.loads((p / MANIFEST_FILE).read_text())["participant"] == "team-a"]
    db = tmp_path / "board.sqlite"
    board_env = host_env | {"ARCGAMES_PACKS": str(pack)}
    cli = [sys.executable, "-m", "arcgames.cli"]
    for command in (["leaderboard", "init", "--db", str(db), "--runs", "2"],
                    ["leaderboard", "trust-host", str(tmp_path / "h.pub"), "--name", "private host", "--db", str(db)],
                    ["submit", str(card), "--name", "explorer (hosted)", "--db", str(db)]):  # fmt: skip
        ran = subprocess.run(cli + command, capture_output=True, text=True, env=board_env)
        assert ran.returncode == 0, ran.stdout + ran.stderr
    shown = subprocess.run([*cli, "leaderboard", "--db", str(db), "--json"], capture_output=True, text=True,
                           env=board_env)  # fmt: skip
    (row,) = json.loads(shown.stdout)
    assert row["tier"] == "hosted" and row["host"] == "private host" and row["games"][0]["game_id"] == PACK_GAME
    edited = Path(shutil.copytree(card, tmp_path / "edited"))
    victim = sorted(edited.glob("*.jsonl"))[0]
    victim.write_bytes(victim.read_bytes().replace(b'"team-a"', b'"team-z"'))
    ran = subprocess.run([*cli, "submit", str(edited), "--name", "edited", "--db", str(db)], capture_output=True,
                         text=True, env=board_env)  # fmt: skip
    assert ran.returncode == 2 and "changed since the host signed it" in " ".join(ran.stderr.split())


HUMANS = (Participant(name="h1", key="1" * 32, kind="human"), Participant(name="h2", key="2" * 32, kind="human"))


def test_board_baselines_take_human_counts_only_from_hosts_human_participants(
    board: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from arcgames.leaderboard.baselines import update_baselines

    competition = Competition(participants=(*HUMANS, AGENT), host_key=tmp_path / "host.pem", runs=1)
    app = create_app(ServerConfig(game_ids=[GAME], out_dir=tmp_path / "served", competition=competition))
    wasted = {"h1": 2, "h2": 4, "team-a": 0}  # extra moves (down, into the wall) before solving level 1
    with TestClient(app) as client:
        for who in (*HUMANS, AGENT):
            card, frame = start(client, who)
            for _ in range(wasted[who.name]):
                frame = step(client, frame, "ACTION2", who).json()
            # The whole game: a game counts only when 2 first-time players solved every level (the human test).
            for level in range(get_game(GAME).num_levels if who.kind == "human" else 1):
                for action in solve(get_game(GAME), level).actions:
                    frame = step(client, frame, action.id.name, who).json()
            client.post("/api/scorecard/close", json={"card_id": card}, headers=key(who))
    from arcgames.hosting import load_or_create_host_key, public_pem

    (tmp_path / "host.pub").write_text(public_pem(load_or_create_host_key(tmp_path / "host.pem")))
    trust(board, tmp_path / "host.pub")
    cards = sorted(p for p in (tmp_path / "served").iterdir() if p.is_dir())
    conn = connect(board)
    try:
        baselines, skipped = update_baselines(conn, cards)
    finally:
        conn.close()
    level_one = baselines.baselines[GAME].levels[0]
    optimum = solver_counts(GAME)[0]
    assert level_one.source == "human" and level_one.completers == 2
    assert level_one.count == optimum + 4  # the upper median of the two humans' counts
    later = baselines.baselines[GAME].levels[1]
    assert later.source == "human" and later.count == solver_counts(GAME)[1]
    assert any("registered as an agent" in reason for reason in skipped)  # the agent's card never counts
    assert baselines.version == 2

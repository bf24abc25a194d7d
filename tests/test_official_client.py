"""End to end: `arcgames serve` as a real process, played by the official ARC-AGI-3 client.

The official client (``arc-agi``) needs Python 3.12+, so it runs in the 3.12 venv of
py312.py (cached; the test skips without Python 3.12 or network, except in CI).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed: pip install 'arcgames[serve]'")

from py312 import venv_python

from arcgames.actions import ActionId
from arcgames.registry import get_game, list_games
from arcgames.replay import verify
from arcgames.solver import solve

SCRIPT = Path(__file__).with_name("arc_client_script.py")
JSON = {"Content-Type": "application/json"}
pytestmark = pytest.mark.slow


@contextmanager
def server(out: Path, *args: str) -> Iterator[str]:
    """Run `arcgames serve --port 0` and yield its base URL; SIGTERM at the end (recordings get end lines)."""
    command = [sys.executable, "-m", "arcgames.cli", "serve", "--port", "0", "--out", str(out), *args]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = iter(proc.stdout.readline, "")
        line = next((text for text in lines if not text.startswith("arcgames: compil")), "")  # first-run progress
        assert " at http://" in line, f"server did not start: {line}{proc.stdout.read() if proc.poll() else ''}"
        url = line.split(" at ", 1)[1].split()[0]
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def click_game() -> tuple[str, list[str]]:
    """A public game with clicks, so the client's ACTION6 path is exercised, and its level-1 solution."""
    games = list_games("public")
    games.sort(key=lambda g: ActionId.ACTION6 not in get_game(g).actions)
    for game_id in games:
        solution = solve(get_game(game_id), 0)
        if solution is not None:
            return game_id, [str(a) for a in solution.actions]
    pytest.skip("no solvable public game")


def run_client(python: str, url: str, game_id: str, line: list[str], steps: int, key: str, cwd: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("ARC_API_KEY", "ARC_BASE_URL", "OPERATION_MODE")}
    args = [python, str(SCRIPT), url, game_id, json.dumps(line), str(steps), *([key] if key else [])]
    done = subprocess.run(args, capture_output=True, text=True, cwd=cwd, env=env, timeout=300)
    assert done.returncode == 0, f"client failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_official_client_plays_and_wins_a_level(tmp_path):
    python = venv_python()
    game_id, line = click_game()
    out = tmp_path / "served"
    with server(out) as url:
        seen = run_client(python, url, game_id, line, steps=25, key="", cwd=tmp_path)
    assert seen["api_key_from_server"]  # keyless: the client got a key from /api/games/anonkey
    assert seen["full_id"].startswith(f"{game_id}-") and seen["full_id"] in seen["listed"]
    assert seen["frame_shape"] == [1, 64, 64] and seen["start_levels_completed"] == 0
    assert seen["random_steps"] >= 1
    assert seen["levels_completed"] == 1 and seen["scorecard_levels"] >= 1 and seen["closed_runs"] == 2
    recordings = sorted(out.rglob("*.jsonl"))
    assert len(recordings) == 2
    checks = [verify(path) for path in recordings]
    assert all(c.ok for c in checks), [c.reason for c in checks]
    assert any(c.levels_completed >= 1 for c in checks)


def test_official_client_with_a_server_key(tmp_path):
    python = venv_python()
    game_id, line = click_game()
    with server(tmp_path / "served", "--api-key", "local-key") as url:
        seen = run_client(python, url, game_id, line, steps=3, key="local-key", cwd=tmp_path)
        assert seen["levels_completed"] == 1
        env = {k: v for k, v in os.environ.items() if k != "ARC_API_KEY"}
        wrong = subprocess.run([python, str(SCRIPT), url, game_id, json.dumps(line), "1", "wrong-key"],
                               capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120)  # fmt: skip
        assert wrong.returncode != 0 and "401" in wrong.stdout + wrong.stderr


def _request(url: str, body: dict | None = None) -> int:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers=JSON)
    try:
        with urllib.request.urlopen(request, timeout=30) as reply:
            return reply.status
    except urllib.error.HTTPError as err:
        return err.code


def test_burst_against_a_real_server(tmp_path):
    """Hundreds of concurrent requests, good and bad, on uvicorn: no 5xx, and the server stays up."""
    game_id = list_games("public")[0]
    with server(tmp_path / "served") as url:
        opened = urllib.request.Request(f"{url}/api/scorecard/open", data=b"{}", headers=JSON)
        card = json.loads(urllib.request.urlopen(opened).read())["card_id"]
        calls = []
        for n in range(300):
            if n % 3 == 0:
                calls.append((f"{url}/api/cmd/RESET", {"game_id": game_id, "card_id": card}))
            elif n % 3 == 1:
                calls.append((f"{url}/api/cmd/ACTION6", {"game_id": game_id, "guid": "nope", "x": 99, "y": -1}))
            else:
                calls.append((f"{url}/api/games", None))
        start = time.perf_counter()
        with ThreadPoolExecutor(max_workers=64) as pool:
            statuses = list(pool.map(lambda call: _request(*call), calls))
        assert all(status < 500 for status in statuses), sorted(set(statuses))
        assert statuses.count(200) == 200 and time.perf_counter() - start < 60
        assert _request(f"{url}/api/healthcheck") == 200

"""The browser pages in a real headless Chromium: play with keys, clicks and touch buttons, replay, a study.

Chromium is Debian's (``apt-get install chromium``, in .ci/run), driven by Playwright's Python
package; Playwright's own browser download is never used (the tests need no network).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed: pip install 'arcgames[serve]'")

from arcgames.actions import ActionId
from arcgames.env import make
from arcgames.recording import read_recording
from arcgames.registry import get_game
from arcgames.replay import replay_frames, verify
from arcgames.server.pages import hex_frame
from arcgames.solver import solve
from arcgames.wrappers import RecordTrajectory

CHROMIUM = os.environ.get("ARCGAMES_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
DOCS = Path(__file__).parents[1] / "docs" / "images"
KEY_OF = {ActionId.ACTION1: "ArrowUp", ActionId.ACTION2: "s", ActionId.ACTION3: "ArrowLeft", ActionId.ACTION4: "d",
          ActionId.ACTION5: " ", ActionId.ACTION7: "z", ActionId.RESET: "r"}  # fmt: skip
MOVER, CLICKER = "1u33", "5v2s"  # arrows and undo; clicks and undo


def _missing_browser() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed: pip install -e '.[dev]'"
    if not Path(CHROMIUM).is_file():
        return f"no Chromium at {CHROMIUM}: apt-get install chromium (or set ARCGAMES_CHROMIUM)"
    return None


@pytest.fixture(scope="module")
def browser():
    problem = _missing_browser()
    if problem:
        if os.environ.get("ARCGAMES_REQUIRE_BROWSER"):
            pytest.fail(problem)
        pytest.skip(problem)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def start_server(args: list[str], tmp_path: Path) -> tuple[subprocess.Popen, str]:
    """Run ``arcgames ARGS`` (a server on a free port); returns the process and the first URL it prints."""
    env = {k: v for k, v in os.environ.items() if k != "ARCGAMES_PACKS"} | {"ARCGAMES_HOME": str(tmp_path / "home")}
    process = subprocess.Popen([sys.executable, "-m", "arcgames.cli", *args], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, env=env)  # fmt: skip
    line = process.stdout.readline()
    if "http://" not in line:
        process.kill()
        raise AssertionError(f"no URL from {args}: {line!r} {process.stderr.read()}")
    url = next(word for word in line.split() if word.startswith("http://"))
    return process, url.rstrip(";,")


def stop(process: subprocess.Popen) -> str:
    process.terminate()
    _, err = process.communicate(timeout=30)
    return err


@pytest.fixture
def web_play(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    out = tmp_path / "plays"
    process, url = start_server(["play", "--web", MOVER, "--no-browser", "--player", "ada", "--out", str(out)],
                                tmp_path)  # fmt: skip
    yield url, out
    stop(process)


def wait_actions(page, count: int) -> None:
    # "document.body &&": the predicate may run while a navigation has no body yet
    page.wait_for_function(f"() => document.body && document.body.dataset.actions === '{count}'", timeout=10_000)


def frame_of(page) -> str:
    return page.eval_on_selector("#board", "c => c.dataset.frame")


def click_pixel(page, x: int, y: int) -> None:
    box = page.locator("#board").bounding_box()
    page.mouse.click(box["x"] + (x + 0.5) * box["width"] / 64, box["y"] + (y + 0.5) * box["height"] / 64)


@pytest.mark.slow
def test_play_page_keys_undo_reset_win_and_a_verified_recording(browser, web_play) -> None:
    url, out = web_play
    page = browser.new_page(viewport={"width": 900, "height": 900})
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(url)
    wait_actions(page, 0)
    scale = int(page.eval_on_selector("#board", "c => c.dataset.scale"))
    assert scale >= 8 and page.locator("#board").bounding_box()["width"] == 64 * scale  # a whole-number scale
    assert (
        page.text_content("#status-line")
        == f"level 1 of {get_game(MOVER).num_levels}    actions: 0 this level, 0 total    playing"
    )
    available = {b.get_attribute("data-action") for b in page.locator("#pad button.available").all()}
    assert available == {"ACTION1", "ACTION2", "ACTION3", "ACTION4", "ACTION7", "RESET"}

    page.keyboard.press(" ")  # this game has no ACTION5: refused with the window's hint, never sent
    page.wait_for_function("() => document.getElementById('status-note').textContent.includes('space key')")
    page.keyboard.press("Control+w")  # a browser shortcut is not an action
    start = frame_of(page)
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Control+z")
    wait_actions(page, 2)
    assert frame_of(page) == start  # undone
    page.keyboard.press("ArrowRight")
    page.keyboard.press("r")
    wait_actions(page, 4)
    assert frame_of(page) == start
    assert "actions: 4 this level, 4 total" in page.text_content("#status-line")

    solution = solve(get_game(MOVER), 0).actions
    for action in solution:
        page.keyboard.press(KEY_OF[action.id])
    page.wait_for_function("() => document.body && document.body.dataset.levels === '1'", timeout=10_000)
    levels = get_game(MOVER).num_levels
    page.wait_for_function(
        f"() => document.getElementById('status-line').textContent.startsWith('level 2 of {levels}')"
    )
    if os.environ.get("ARCGAMES_SCREENSHOTS"):  # refreshes the README's pictures
        page.keyboard.press("ArrowUp")
        wait_actions(page, 5 + len(solution))
        page.wait_for_timeout(2600)  # the space key's hint has gone: the status bar's usual note
        page.screenshot(path=str(DOCS / "play-page.png"), full_page=True)
    page.keyboard.press("Escape")  # quit: the card closes, the play is saved
    page.wait_for_function("() => document.body && document.body.dataset.closed === 'yes'")
    assert not errors

    [path] = sorted(out.glob("*/*.jsonl"))
    check = verify(path)
    assert check.ok and check.complete and check.levels_completed == 1, check.reason
    recording = read_recording(path)
    assert recording.header.player == "ada" and recording.header.player_kind == "human"
    assert recording.header.first_play is True
    sent = [step.action for step in recording.steps]
    assert sent[:4] == ["ACTION2", "ACTION7", "ACTION4", "RESET"]  # no ACTION5, no Ctrl+W
    assert sent[4 : 4 + len(solution)] == [str(a) for a in solution]


@pytest.fixture
def open_host(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    out = tmp_path / "served"
    process, url = start_server(["serve", "--port", "0", "--games", f"{MOVER},{CLICKER}", "--out", str(out)], tmp_path)
    yield url, out
    stop(process)


@pytest.mark.slow
def test_clicks_and_touch_buttons_on_a_phone_sized_screen(browser, open_host) -> None:
    url, out = open_host
    page = browser.new_page(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page.goto(f"{url}/play")
    page.click(f"text={CLICKER}")  # the chooser lists the host's games by id
    page.wait_for_url(f"**game={CLICKER}*")
    wait_actions(page, 0)
    box = page.locator("#board").bounding_box()
    assert box["width"] <= 390 and box["width"] % 64 == 0
    available = {b.get_attribute("data-action") for b in page.locator("#pad button.available").all()}
    assert available == {"ACTION7", "RESET"}  # a click game: no arrows, no space
    assert page.locator("#pad button[data-action=ACTION1]").is_visible()
    page.click("#pad button[data-action=ACTION1]")  # unused: the hint, no action
    page.wait_for_function("() => document.getElementById('status-note').textContent.includes('arrow keys')")
    start = frame_of(page)
    solution = solve(get_game(CLICKER), 0).actions
    assert all(action.id == ActionId.ACTION6 for action in solution)
    first = solution[0]
    miss = next((x, y) for x in range(64) for y in range(64) if (x, y) != (first.x, first.y))
    click_pixel(page, *miss)
    page.click("#pad button[data-action=ACTION7]")  # undo by the touch button
    wait_actions(page, 2)
    assert frame_of(page) == start
    for done, click in enumerate(solution[:-1], start=3):  # level 1 takes several turns
        click_pixel(page, click.x, click.y)
        wait_actions(page, done)
    click_pixel(page, solution[-1].x, solution[-1].y)
    page.wait_for_function("() => document.body && document.body.dataset.levels === '1'", timeout=10_000)
    page.click("#quit")
    page.wait_for_function("() => document.body && document.body.dataset.closed === 'yes'")
    [path] = sorted(out.glob("*/*.jsonl"))
    recording = read_recording(path)
    assert [s.action for s in recording.steps] == [f"ACTION6({miss[0]},{miss[1]})", "ACTION7", *map(str, solution)]
    assert verify(path).ok


@pytest.mark.slow
def test_replay_page_shows_the_engines_frames_of_an_upload_and_of_a_host_recording(browser, web_play) -> None:
    url, out = web_play
    page = browser.new_page(viewport={"width": 900, "height": 1000})
    page.goto(url)
    wait_actions(page, 0)
    for key in ("ArrowRight", "ArrowDown", "z", "ArrowLeft"):
        page.keyboard.press(key)
    wait_actions(page, 4)
    page.keyboard.press("Escape")
    page.wait_for_function("() => document.body && document.body.dataset.closed === 'yes'")
    [path] = sorted(out.glob("*/*.jsonl"))
    expected = [hex_frame(frame) for frame in replay_frames(read_recording(path))]
    assert len(set(expected)) > 1

    replay = url.split("/play")[0] + "/replay"
    held = []  # the page's palette request, answered only after the file is picked
    page.route("**/web/api/controls", lambda route: held.append(route))
    page.goto(replay)
    page.set_input_files("#file", str(path))  # a file picked before the page has its palette waits for it
    while not held:
        page.wait_for_timeout(20)
    held[0].continue_()
    page.wait_for_function(f"() => document.body && document.body.dataset.frames === '{len(expected)}'")
    assert page.eval_on_selector("body", "b => b.dataset.verified") == "true"
    shown = []
    for step in range(len(expected)):
        page.wait_for_function(f"() => document.body && document.body.dataset.step === '{step}'")
        shown.append(frame_of(page))
        page.click("#next")
    assert shown == expected
    assert "actions: 4 this level, 4 total" in page.text_content("#status-line")
    if os.environ.get("ARCGAMES_SCREENSHOTS"):
        page.click("#prev")
        page.screenshot(path=str(DOCS / "replay-page.png"))

    tampered = path.read_text().splitlines()  # a step line's frame hash changed: rejected as unreadable
    tampered[2] = tampered[2].replace('"frame":"', '"frame":"0', 1)
    bad = path.with_name("bad.jsonl")
    bad.write_text("\n".join(tampered) + "\n")
    page.set_input_files("#file", str(bad))
    page.wait_for_function("() => document.getElementById('message').textContent.startsWith('Cannot replay')")

    for query in (f"card={path.parent.name}&file={path.name}", f"file={path.name}"):  # the leaderboard's link
        page = browser.new_page(viewport={"width": 900, "height": 1000})
        page.goto(f"{replay}?{query}")  # one of the host's recordings
        page.wait_for_function(f"() => document.body && document.body.dataset.frames === '{len(expected)}'")
        page.click("#last")
        page.wait_for_function(f"() => document.body && document.body.dataset.step === '{len(expected) - 1}'")
        assert frame_of(page) == expected[-1]


def test_hex_frame_is_one_digit_per_pixel() -> None:
    frame = np.arange(64 * 64, dtype=np.uint8).reshape(64, 64) % 16
    text = hex_frame(frame)
    assert len(text) == 4096 and text[:17] == "0123456789abcdef0"
    assert [int(c, 16) for c in text] == frame.flatten().tolist()


# --- the page routes without a browser ------------------------------------------------------------


def test_the_browser_key_table_is_the_windows_table() -> None:
    from arcgames.controls import KEYS, browser_keys
    from arcgames.play import KEYS as PYGAME_KEYS
    from arcgames.window import pygame

    assert {pygame.key.name(code): action for code, action in PYGAME_KEYS.items()} == {
        ("space" if name == "SPACE" else name.lower()): action for name, action in KEYS.items()
    }
    browser = browser_keys()
    assert browser["ArrowUp"] == browser["w"] == browser["W"] == "ACTION1"
    assert browser[" "] == "ACTION5" and browser["z"] == "ACTION7" and browser["r"] == "RESET"
    assert set(browser.values()) == {a.name for a in KEYS.values()}


@pytest.fixture
def pages(tmp_path: Path):
    from fastapi.testclient import TestClient

    from arcgames.server import ServerConfig, create_app

    app = create_app(ServerConfig(game_ids=[MOVER, CLICKER], out_dir=tmp_path))
    with TestClient(app) as client:
        key = {"X-API-Key": client.get("/api/games/anonkey").json()["api_key"]}
        card = client.post("/api/scorecard/open", json={"tags": ["human", "bo"]}, headers=key).json()["card_id"]
        yield client, key, card


def _error(reply, status: int, words: str) -> None:
    assert reply.status_code == status, reply.text
    assert words in reply.json()["message"], reply.json()


def test_pages_are_served_with_a_strict_csp_and_nothing_else_is(pages) -> None:
    client, _, _ = pages
    for route in ("/play", "/replay", "/study", "/study/admin", "/static/player.js"):
        reply = client.get(route)
        assert reply.status_code == 200, route
        assert "script-src 'self'" in reply.headers["content-security-policy"]
        assert "'unsafe-inline'" not in reply.headers["content-security-policy"]
    html = client.get("/play").text
    assert "<script>" not in html and "style=" not in html  # no inline script or style
    for bad in ("/static/app.py", "/static/..%2Fapp.py", "/static/PLAY.HTML", "/static/nothing.js"):
        assert client.get(bad).status_code == 404, bad
    assert client.get("/", follow_redirects=False).headers["location"] == "/play"


def test_page_actions_count_as_in_the_window(pages) -> None:
    client, key, card = pages
    view = client.post("/web/api/start", json={"card_id": card, "game_id": MOVER}, headers=key).json()
    assert view["status"] == f"level 1 of {get_game(MOVER).num_levels}    actions: 0 this level, 0 total    playing"
    assert view["help"][0] == "Controls" and "space\tinteract (not used here)" in view["help"]
    assert "R\trestart the level" in view["help"] and "RESET" in view["available"]
    guid = view["guid"]

    def act(action: str, **extra):
        return client.post("/web/api/act", json={"guid": guid, "action": action, **extra}, headers=key)

    assert act("ACTION5").json()["hint"] == "this game doesn't use the space key"
    assert act("ACTION6", x=1, y=2).json()["hint"] == "this game doesn't use clicks"
    untouched = act("RESET").json()  # nothing to restart: refused with the window's hint, not counted
    assert untouched["actions"] == 0 and untouched["hint"] == "the level is at its start already"
    assert act("ACTION1").json()["actions"] == 1
    assert act("RESET").json()["actions"] == 2
    _error(act("ACTION9"), 400, "action")
    _error(act("ACTION1", x=64, y=0), 400, "less than or equal to 63")
    _error(client.post("/web/api/act", json={"guid": guid, "action": "ACTION1"}), 403, "another API key")
    _error(client.post("/web/api/act", json={"guid": "nope", "action": "ACTION1"}, headers=key), 404, "not found")
    _error(client.post("/web/api/start", json={"card_id": card, "game_id": "zzzz"}, headers=key), 404, "not found")
    click = client.post("/web/api/start", json={"card_id": card, "game_id": CLICKER}, headers=key).json()
    _error(client.post("/web/api/act", json={"guid": click["guid"], "action": "ACTION6"}, headers=key), 400, "x and y")
    client.post("/api/scorecard/close", json={"card_id": card}, headers=key)
    _error(act("ACTION1"), 404, "not found")


def test_replay_routes_refuse_bad_input(pages, tmp_path: Path) -> None:
    client, key, card = pages
    view = client.post("/web/api/start", json={"card_id": card, "game_id": MOVER}, headers=key).json()
    client.post("/web/api/act", json={"guid": view["guid"], "action": "ACTION2"}, headers=key)
    client.post("/api/scorecard/close", json={"card_id": card}, headers=key)
    [path] = sorted(tmp_path.glob("*/*.jsonl"))
    good = client.post("/web/api/replay", json={"text": path.read_text()}).json()
    assert good["verified"] and len(good["frames"]) == 2 and good["player"] == "bo"
    _error(client.post("/web/api/replay", json={"text": "x"}), 400, "no complete header line")
    _error(client.post("/web/api/replay", json={"text": "{}\n"}), 400, "not a readable recording")
    assert str(tmp_path) not in client.post("/web/api/replay", json={"text": "{}\n"}).text  # no server paths
    _error(client.post("/web/api/replay", json={"text": 7}), 400, "string")
    huge = json.dumps({"text": "x" * (5 * 1024 * 1024)})
    reply = client.post("/web/api/replay", content=huge, headers={"Content-Type": "application/json"})
    assert reply.status_code == 413
    folder = tmp_path.parent / f"{tmp_path.name}-other"  # outside the host's folder
    elsewhere = RecordTrajectory(make("e8gx"), folder, player="cy", player_kind="human")
    elsewhere.reset(seed=0)
    elsewhere.close()
    [other] = folder.glob("*.jsonl")
    _error(client.post("/web/api/replay", json={"text": other.read_text()}), 400, "does not serve game e8gx")
    _error(client.get(f"/web/api/recordings/{path.parent.name}/nothing.jsonl"), 404, "no recording")
    _error(client.get(f"/web/api/recordings/{path.parent.name}/x.txt"), 400, ".jsonl")
    assert client.get("/web/api/recordings").json() == [{"card": path.parent.name, "file": path.name}]


def test_a_keyed_host_keeps_its_recordings_and_uploads_to_the_admin(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    from arcgames.server import ServerConfig, create_app

    app = create_app(ServerConfig(game_ids=[MOVER], out_dir=tmp_path, api_key="k" * 20, admin_key="a" * 20))
    with TestClient(app) as client:
        _error(client.get("/web/api/recordings"), 401, "X-Admin-Key")
        _error(client.post("/web/api/replay", json={"text": "x"}), 401, "X-Admin-Key")
        assert client.get("/web/api/recordings", headers={"X-Admin-Key": "a" * 20}).json() == []
    app = create_app(ServerConfig(game_ids=[MOVER], out_dir=tmp_path, api_key="k" * 20))
    with TestClient(app) as client:
        _error(client.get("/web/api/recordings", headers={"X-Admin-Key": "a" * 20}), 403, "private")


# --- a study with scripted participants -------------------------------------------------------------


def play_level_by_keys(page, game_id: str, level: int) -> None:
    """Press the solver's line for ``level``; then wait until the next level (or the win) is on screen."""
    game = get_game(game_id)
    for action in solve(game, level).actions:
        page.keyboard.press(KEY_OF[action.id])
    if level + 1 < game.num_levels:
        page.wait_for_function(f"() => document.getElementById('status-line').textContent.startsWith("
                               f"'level {level + 2} of')", timeout=15_000)  # fmt: skip
    else:
        page.wait_for_function("() => document.body && document.body.dataset.state === 'WIN'", timeout=15_000)


def start_next_game(page, number: int) -> None:
    page.wait_for_function("() => !document.getElementById('between').hidden")
    page.click("#start")
    shown = f"document.body.dataset.game === '{number}' && document.body.dataset.actions === '0'"
    page.wait_for_function(f"() => document.body && {shown}")


@pytest.mark.slow
def test_a_study_assigns_games_records_first_plays_and_builds_baselines(browser, tmp_path: Path) -> None:
    study = tmp_path / "study.json"
    study.write_text(json.dumps({"name": "pilot", "games": [MOVER, CLICKER], "players_per_game": 2,
                                 "games_per_participant": 2, "minutes": 30, "contact": "lab@example.org"}))  # fmt: skip
    out = tmp_path / "study-out"
    process, url = start_server(["serve", "--port", "0", "--study", str(study), "--out", str(out),
                                 "--host-key", str(tmp_path / "host.pem")], tmp_path)  # fmt: skip
    try:
        admin_key = (out / "study-admin.key").read_text().strip()
        codes = []
        for person in range(2):  # each plays the mover game through, and gives up on the click game
            context = browser.new_context(viewport={"width": 800, "height": 900})
            page = context.new_page()
            page.goto(f"{url}/study")
            page.wait_for_function("() => !document.getElementById('consent').hidden")
            consent = page.text_content("#consent")
            assert "30 minutes" in consent and "lab@example.org" in consent and "voluntary" in consent
            assert "arrows / WASD" in consent
            page.click("#agree")
            start_next_game(page, 1)
            codes.append(page.eval_on_selector("body", "b => b.dataset.participant"))
            assert page.url.endswith(f"#p={codes[-1]}")
            if person == 1:  # a reload resumes the game under way, with nothing lost or replayed
                page.keyboard.press("ArrowDown")
                wait_actions(page, 1)
                page.reload()
                page.wait_for_function("() => document.body && document.body.dataset.actions === '1'")
                page.keyboard.press("z")
                wait_actions(page, 2)
            for level in range(get_game(MOVER).num_levels):
                play_level_by_keys(page, MOVER, level)
            page.click("#quit")  # "done with this game"
            start_next_game(page, 2)
            click_pixel(page, 0, 0)
            wait_actions(page, 1)
            page.keyboard.press("Escape")
            page.wait_for_function("() => document.body && document.body.dataset.finished === 'yes'")
            if person == 0:
                page.screenshot(path=str(tmp_path / "thanks.png"))
            context.close()
        assert len(set(codes)) == 2

        late = browser.new_page()  # every game has its players: a third person is thanked, and given nothing
        late.goto(f"{url}/study")
        late.click("#agree")
        late.wait_for_function("() => (document.body.dataset.error || '').includes('all the players it needs')")

        admin = browser.new_page()
        admin.goto(f"{url}/study/admin#admin={admin_key}")
        admin.wait_for_function("() => document.body && document.body.dataset.participants === '2'")
        cells = [admin.text_content(f"#progress tbody tr:nth-child({i}) td:nth-child(6)") for i in (1, 2)]
        assert cells == ["2", "0"]  # solved every level: both players for the mover game, nobody for the other
        admin = browser.new_page()  # a new page: changing only the "#" part would not reload it
        admin.goto(f"{url}/study/admin#admin=wrong")
        admin.wait_for_function("() => document.getElementById('message').textContent.includes('X-Admin-Key')")
    finally:
        stop(process)

    cards = sorted(p for p in out.iterdir() if p.is_dir())
    assert len(cards) == 2 and all((card / "manifest.sig").is_file() for card in cards)
    for card in cards:
        for path in card.glob("*.jsonl"):
            header = read_recording(path).header
            assert header.player_kind == "human" and header.first_play is True and header.player.startswith("pilot-")
            assert verify(path).ok
    cli = [sys.executable, "-m", "arcgames.cli"]
    env = {k: v for k, v in os.environ.items() if k != "ARCGAMES_PACKS"} | {"ARCGAMES_HOME": str(tmp_path / "home")}
    built = subprocess.run([*cli, "baseline", "--color", "never", "build", str(out), "-o", str(tmp_path / "h.json"),
                            "--study", "pilot", "--games", f"{MOVER},{CLICKER}"], capture_output=True, text=True,
                           env=env)  # fmt: skip
    assert built.returncode == 0, built.stderr
    report = " ".join(built.stdout.split())
    assert f"{MOVER}: 2 first-time players, 2 solved every level: validated" in report
    assert f"failed game {CLICKER}: 0 of 2 first-time players solved every level; the human test needs 2" in report
    baselines = json.loads((tmp_path / "h.json").read_text())
    mover = baselines["games"][MOVER]
    assert mover["validated"] and [lv["status"] for lv in mover["levels"]] == ["ok"] * get_game(MOVER).num_levels
    solver_first = len(solve(get_game(MOVER), 0).actions)
    assert mover["levels"][0]["count"] == solver_first + 2  # upper median of n and n+2 (the reload player's undo)

    db = tmp_path / "board.sqlite"
    trust = ["leaderboard", "trust-host", str(tmp_path / "host.pub"), "--name", "lab", "--db", str(db)]
    for command in (["leaderboard", "init", "--db", str(db)], trust):
        ran = subprocess.run(cli + command, capture_output=True, text=True, env=env)
        assert ran.returncode == 0, ran.stdout + ran.stderr
    ran = subprocess.run([*cli, "leaderboard", "baselines", "--update", "--human", *map(str, cards), "--db", str(db),
                          "--json"], capture_output=True, text=True, env=env)  # fmt: skip
    assert ran.returncode == 0, ran.stderr
    board = json.loads(ran.stdout)
    assert not board["skipped"]
    levels = board["baselines"][MOVER]["levels"]
    assert [lv["source"] for lv in levels] == ["human"] * get_game(MOVER).num_levels
    assert levels[0]["count"] == solver_first + 2
    assert {lv["study"] for lv in levels} == {"pilot"}  # the provenance every leaderboard row shows
    assert json.loads((cards[0] / "manifest.json").read_text())["study"] == "pilot"
    assert all(lv["source"] == "solver" for lv in board["baselines"][CLICKER]["levels"])  # failed the human test


def study_client(tmp_path: Path, **spec):
    from fastapi.testclient import TestClient

    from arcgames.server import ServerConfig, create_app
    from arcgames.server.competition import Competition
    from arcgames.server.study import StudySpec

    study = StudySpec(**({"name": "s1", "games": [MOVER, CLICKER], "players_per_game": 2, "games_per_participant": 1}
                         | spec))  # fmt: skip
    competition = Competition(participants=(), host_key=tmp_path / "host.pem", runs=1)
    config = ServerConfig(game_ids=study.games, out_dir=tmp_path / "out", competition=competition, study=study,
                          admin_key="admin-key-0123456789")  # fmt: skip
    return TestClient(create_app(config))


def test_study_assignment_balances_games_and_never_repeats_one(tmp_path: Path) -> None:
    with study_client(tmp_path) as client:
        keys = [{"X-API-Key": client.post("/web/api/study/join").json()["key"]} for _ in range(4)]
        _error(client.post("/web/api/study/join"), 409, "all the players it needs")
        games = []
        for key in keys:
            reply = client.post("/web/api/study/next", headers=key).json()
            assert reply == client.post("/web/api/study/next", headers=key).json() | {"view": reply["view"]}
            games.append(reply["view"]["game_id"].split("-")[0])
            assert client.post("/web/api/study/next", headers=key).json()["view"]["guid"] == reply["view"]["guid"]
            done = client.post("/web/api/study/finish", json={"guid": reply["view"]["guid"]}, headers=key).json()
            assert done["finished"] and client.post("/web/api/study/next", headers=key).json()["finished"]
        assert sorted(games) == sorted([MOVER, MOVER, CLICKER, CLICKER])  # each game reaches 2 players
        _error(client.get("/web/api/study/progress"), 401, "X-Admin-Key")
        progress = client.get("/web/api/study/progress", headers={"X-Admin-Key": "admin-key-0123456789"}).json()
        assert progress["complete"] and [g["finished"] for g in progress["games"]] == [2, 2]
        _error(client.get("/web/api/study/me", headers={"X-API-Key": "x" * 30}), 401, "participants' keys")
        _error(client.get("/web/api/study/me"), 401, "participants' keys")
    with study_client(tmp_path) as client:  # a restarted host keeps its study: the same people, no new places
        _error(client.post("/web/api/study/join"), 409, "all the players it needs")
        assert client.get("/web/api/study/me", headers=keys[0]).json()["finished"]


def test_a_play_cut_by_a_restart_is_never_shown_again(tmp_path: Path) -> None:
    with study_client(tmp_path, games_per_participant=2, players_per_game=5) as client:
        key = {"X-API-Key": client.post("/web/api/study/join").json()["key"]}
        first = client.post("/web/api/study/next", headers=key).json()["view"]
        client.post("/web/api/act", json={"guid": first["guid"], "action": "ACTION1"}, headers=key)
    with study_client(tmp_path, games_per_participant=2, players_per_game=5) as client:
        second = client.post("/web/api/study/next", headers=key).json()
        assert second["view"]["game_id"] != first["game_id"] and second["done"] == 1
        _error(client.post("/web/api/study/finish", json={"guid": first["guid"]}, headers=key), 404, "not found")
    state = json.loads((tmp_path / "out" / "study-state.json").read_text())
    assert state["participants"][0]["plays"][0]["interrupted"] is True


def test_study_files_and_state_are_checked(tmp_path: Path) -> None:
    from arcgames.cli import main
    from arcgames.server.study import load_study

    bad = tmp_path / "study.json"
    for text, words in (("{", "not a study file"), ('{"name": "x y", "games": ["1u33"]}', "name"),
                        ('{"name": "x", "games": []}', "games"),
                        ('{"name": "x", "games": ["1u33"], "players_per_game": 1}', "players_per_game"),
                        ('{"name": "x", "games": ["1u33"], "rules": "push"}', "rules")):  # fmt: skip
        bad.write_text(text)
        with pytest.raises(ValueError, match=words):
            load_study(bad)
    bad.write_text('{"name": "x", "games": ["zzzz"]}')
    assert main(["serve", "--study", str(bad), "--out", str(tmp_path / "o")]) == 2
    bad.write_text('{"name": "x", "games": ["1u33"]}')
    assert main(["serve", "--study", str(bad), "--competition", "--out", str(tmp_path / "o")]) == 2
    with study_client(tmp_path) as client:
        client.post("/web/api/study/join")
    (tmp_path / "out" / "study-state.json").write_text("{broken")
    with pytest.raises(ValueError, match="is damaged"):
        study_client(tmp_path)
    (tmp_path / "out" / "study-state.json").write_text('{"study": "other", "participants": []}')
    with pytest.raises(ValueError, match="belongs to study 'other'"):
        study_client(tmp_path)


def test_play_web_and_replay_links_refuse_bad_options(capsys: pytest.CaptureFixture[str]) -> None:
    from arcgames.cli import main

    assert main(["play", "zzzz", "--web", "--no-browser"]) == 2
    assert "unknown game id 'zzzz'" in capsys.readouterr().err
    assert main(["play", MOVER, "--web", "--level", "2", "--no-browser"]) == 2
    assert "drop --level and --seed" in " ".join(capsys.readouterr().err.split())
    assert main(["leaderboard", "--replay-url", "http://lab.example"]) == 2
    assert "--replay-url needs --html DIR" in capsys.readouterr().err

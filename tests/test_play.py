"""Human play in the pygame window, driven headless through pygame's real event queue.

Every test posts real KEYDOWN / MOUSEBUTTONDOWN events (see window_script.py) into the
loop of :func:`arcgames.play.play_game` and then checks the recording it wrote. The
Xvfb test at the end opens the window on a real X server and reads its pixels back
from the server's framebuffer.
"""

from __future__ import annotations

import json
import os
import random
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageGrab
from window_script import Script, click, click_at, key

from arcgames.actions import Action, ActionId
from arcgames.engine import Engine, GameState
from arcgames.history import is_first_play
from arcgames.palette import PALETTE_RGB
from arcgames.paths import recordings_dir
from arcgames.play import PlaySession, help_lines, play_game
from arcgames.recording import read_recording
from arcgames.registry import get_game, list_games
from arcgames.replay import verify
from arcgames.solver import candidate_actions, solve
from arcgames.window import (
    BACKGROUND,
    BAR_HEIGHT,
    NoDisplayError,
    frame_pixel_at,
    frame_rect,
    pygame,
    window_pos_of,
)

ARROWS = {
    ActionId.ACTION1: pygame.K_UP,
    ActionId.ACTION2: pygame.K_DOWN,
    ActionId.ACTION3: pygame.K_LEFT,
    ActionId.ACTION4: pygame.K_RIGHT,
    ActionId.ACTION5: pygame.K_SPACE,
}
WASD = {
    ActionId.ACTION1: pygame.K_w,
    ActionId.ACTION2: pygame.K_s,
    ActionId.ACTION3: pygame.K_a,
    ActionId.ACTION4: pygame.K_d,
}
# ujzd's level 1 solved: the play tests below key it in (test_ujzd_level_1_is_this_line pins it).
LEVEL_1 = (Action.UP, Action.UP, Action.LEFT, Action.LEFT, Action.LEFT, Action.DOWN, Action.LEFT, Action.UP, Action.UP)
LEVEL_1_NAMES = [a.id.name for a in LEVEL_1]


@pytest.fixture(autouse=True)
def headless(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No real screen and no real data folder: SDL's dummy driver, ARCGAMES_HOME in tmp."""
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("ARCGAMES_HOME", str(tmp_path / "home"))


def actions_of(path: Path) -> list[str]:
    return [step.action for step in read_recording(path).steps]


def test_ujzd_level_1_is_this_line() -> None:
    # The play tests below rely on this; if the level changes, LEVEL_1 needs the new line.
    assert solve(get_game("ujzd"), 0).actions == LEVEL_1


def test_keyboard_play_beats_level_1_and_records_a_verified_human_play() -> None:
    first, second, *rest = LEVEL_1  # the second move by its letter key (WASD), then a frame with no input
    script = Script([key(ARROWS[first.id])], [key(WASD[second.id])], [], *[[key(ARROWS[a.id])] for a in rest],
                    [key(pygame.K_ESCAPE)])  # fmt: skip
    path = play_game("ujzd", "alice", None, events=script)

    assert path.parent == recordings_dir() and path.exists()
    recording = read_recording(path)
    assert recording.header.player_kind == "human" and recording.header.player == "alice"
    assert recording.header.first_play is True and recording.header.mode == "play"
    assert actions_of(path) == LEVEL_1_NAMES
    assert recording.end is not None and recording.end.reason == "quit"
    result = verify(path)
    assert result.ok, result.reason
    assert result.levels_completed == 1 and result.level_actions == [len(LEVEL_1)]

    second = play_game("ujzd", "alice", None, events=Script([key(pygame.K_q)]))
    assert read_recording(second).header.first_play is False
    assert not is_first_play("alice", "ujzd", None)
    # Another player, or another game, is still a first play.
    assert read_recording(play_game("ujzd", "bob", None, events=Script())).header.first_play is True
    assert is_first_play("alice", "e8gx", None)


def test_out_dir_seed_and_start_level(tmp_path: Path) -> None:
    path = play_game("ujzd", "carol", tmp_path / "mine", seed=7, level=2, events=Script([key(pygame.K_w)]))
    assert path.parent == tmp_path / "mine"
    header = read_recording(path).header
    assert (header.seed, header.start_level) == (7, 2)
    assert verify(path).ok


def test_controls_the_game_does_not_use_cost_no_action() -> None:
    # ujzd has no interact (space) and no clicks: neither may reach the recording.
    script = Script([key(pygame.K_SPACE)], [click(32, 32)], [click_at((3, 3))], [key(pygame.K_h)], [key(pygame.K_x)])
    path = play_game("ujzd", "dave", None, events=script)
    assert actions_of(path) == []
    assert read_recording(path).end.actions == 0


def test_unused_controls_flash_a_hint() -> None:
    session = PlaySession(env=None, frame=np.zeros((64, 64), np.uint8), info={"state": "NOT_FINISHED",
                          "available_actions": (ActionId.RESET, ActionId.ACTION1)})  # fmt: skip
    session.request(Action.click(1, 2))
    assert session.hint == "this game doesn't use clicks"
    session.request(Action.INTERACT)
    assert session.hint == "this game doesn't use the space key"
    session.request(Action.RESET)  # nothing to restart yet: not sent
    assert session.hint == "the level is at its start already"
    session.info["state"] = "GAME_OVER"
    session.request(Action.UP)
    assert "R to retry" in session.hint
    session.info["state"] = "WIN"
    session.request(Action.RESET)
    assert "Esc" in session.hint


def test_reset_and_undo_are_recorded_and_shortcuts_are_not_moves() -> None:
    ctrl = pygame.KMOD_LCTRL
    script = Script(
        [key(pygame.K_LEFT)],
        [key(pygame.K_z)],  # undo
        [key(pygame.K_LEFT), key(pygame.K_z, ctrl)],  # two events in one frame; Ctrl+Z is undo too
        [key(pygame.K_d, ctrl), key(pygame.K_w, pygame.KMOD_ALT)],  # shortcuts for other programs: ignored
        [key(pygame.K_r)],  # reset the level
    )
    path = play_game("ujzd", "erin", None, events=script)
    assert actions_of(path) == ["ACTION3", "ACTION7", "ACTION3", "ACTION7", "RESET"]
    assert verify(path).ok


def test_winning_the_game_shows_the_win_screen_and_ends_the_recording() -> None:
    game = get_game("ujzd")
    levels = [[key(ARROWS[a.id]) for a in solve(game, level).actions] for level in range(game.num_levels)]
    # Between levels, one key skips the solved board (and is not an action).
    keys = [k for level in levels for k in [*level, key(pygame.K_SPACE)]][:-1]
    shots: list[np.ndarray] = []
    script = Script(keys, [], [key(pygame.K_RIGHT), key(pygame.K_r)])  # after the win, moves and R do nothing
    script.on_call = lambda s: shots.append(pygame.surfarray.array3d(pygame.display.get_surface()))
    path = play_game("ujzd", "fay", None, events=script)

    recording = read_recording(path)
    assert recording.end.reason == "win" and len(recording.steps) == sum(map(len, levels))
    assert verify(path).ok
    # The win screen darkens the frame: the last picture differs from the one before the winning move.
    assert not np.array_equal(shots[1], shots[-1])


def frame_on_screen() -> np.ndarray:
    """The 64x64 frame drawn in the window, as palette RGB, read at each frame pixel's centre."""
    screen = pygame.display.get_surface()
    size = screen.get_size()
    return np.array([[tuple(screen.get_at(window_pos_of(x, y, size)))[:3] for x in range(64)] for y in range(64)])


def test_a_solved_level_stays_on_screen_for_a_moment_and_a_key_skips_it() -> None:
    engine = Engine(get_game("ujzd"))
    for action in LEVEL_1:
        engine.step(action)
    solved, level_2 = PALETTE_RGB[engine.solved_frame], PALETTE_RGB[engine.frame]
    assert not np.array_equal(solved, level_2)
    seen: list[np.ndarray] = []
    ticks: list[int] = []

    def look(script: Script) -> None:
        seen.append(frame_on_screen())
        ticks.append(pygame.time.get_ticks())

    # Solve level 1, then let frames pass with no input until the board has moved on by itself.
    level_1 = [key(ARROWS[a.id]) for a in LEVEL_1]
    script = Script(level_1, *([[]] * 40))
    script.on_call = look
    path = play_game("ujzd", "kim", None, events=script)
    shown = [i for i, frame in enumerate(seen) if np.array_equal(frame, solved)]
    assert shown and shown[0] == 1 and np.array_equal(seen[-1], level_2)
    assert 400 <= ticks[shown[-1] + 1] - ticks[shown[0]] <= 1000  # about SOLVED_MS
    assert actions_of(path) == LEVEL_1_NAMES and verify(path).ok

    # A key during the pause skips it and is not an action; the next key plays level 2.
    seen.clear()
    script = Script(level_1, [key(pygame.K_LEFT)], [], [key(pygame.K_UP)])
    script.on_call = look
    path = play_game("ujzd", "lee", None, events=script)
    assert np.array_equal(seen[1], solved) and np.array_equal(seen[2], level_2)
    assert actions_of(path) == [*LEVEL_1_NAMES, "ACTION1"] and verify(path).ok


def _losing_moves(game_id: str) -> list[Action] | None:
    """A short random walk that loses level 1, or None when the game has no way to lose there."""
    game, rng = get_game(game_id), random.Random(0)
    moves = [Action(a) for a in game.actions if a in ARROWS]
    for _ in range(500 if moves else 0):
        engine, walk = Engine(game), []
        while len(walk) < 20 and engine.game_state == GameState.NOT_FINISHED and engine.levels_completed == 0:
            walk.append(rng.choice(moves))
            engine.step(walk[-1])
        if engine.game_state == GameState.GAME_OVER:
            return walk
    return None


def test_game_over_accepts_only_reset() -> None:
    losing = next(((g, w) for g in list_games() if (w := _losing_moves(g))), None)
    if losing is None:
        pytest.skip("no registered game can be lost on level 1 by moving")
    game_id, walk = losing
    keys = [key(ARROWS[a.id]) for a in walk]
    path = play_game(game_id, "gus", None, events=Script(keys, [key(ARROWS[walk[0].id])], [key(pygame.K_r)]))
    steps = read_recording(path).steps
    assert [s.action for s in steps] == [str(a) for a in walk] + ["RESET"]
    assert steps[-2].state == GameState.GAME_OVER and steps[-1].state == GameState.NOT_FINISHED
    assert verify(path).ok


CLICK_GAMES = [g for g in list_games() if ActionId.ACTION6 in get_game(g).actions]


@pytest.mark.parametrize("game_id", CLICK_GAMES or [pytest.param(None, marks=pytest.mark.skip("no click game"))])
def test_a_click_is_recorded_at_the_frame_pixel_under_the_pointer(game_id: str) -> None:
    x, y = next((a.x, a.y) for a in candidate_actions(get_game(game_id), 0) if a.id == ActionId.ACTION6)
    status_bar = lambda size: click_at((5, size[1] - BAR_HEIGHT // 2))  # noqa: E731
    path = play_game(game_id, "hal", None, scale=7, events=Script([status_bar], [click(x, y)]))
    assert actions_of(path) == [f"ACTION6({x},{y})"]
    assert verify(path).ok


@pytest.mark.parametrize("size", [(640, 696), (448, 504), (1000, 700), (500, 900), (64, 64 + BAR_HEIGHT)])
def test_window_positions_map_back_to_the_frame_pixel_drawn_there(size: tuple[int, int]) -> None:
    rect = frame_rect(size)
    assert rect.w == rect.h and rect.bottom <= size[1] - BAR_HEIGHT and rect.right <= size[0]
    for x in range(64):
        for y in range(64):
            assert frame_pixel_at(window_pos_of(x, y, size), size) == (x, y)
    # Corners of the frame map to its corner pixels; the letterbox and status bar map to nothing.
    assert frame_pixel_at(rect.topleft, size) == (0, 0)
    assert frame_pixel_at((rect.right - 1, rect.bottom - 1), size) == (63, 63)
    assert frame_pixel_at((rect.right, rect.centery), size) is None
    assert frame_pixel_at((rect.centerx, size[1] - 1), size) is None


def test_resizing_the_window_letterboxes_the_frame() -> None:
    seen: list[tuple[int, int]] = []

    def resize(script: Script) -> None:
        if script.calls == 2:
            pygame.display.set_mode((900, 600), pygame.RESIZABLE)  # what a window manager resize amounts to
        seen.append(script.window_size)

    script = Script([], [], [click(32, 32)], [key(pygame.K_UP)])
    script.on_call = resize
    path = play_game("ujzd", "ivy", None, scale=6, events=script)
    assert seen[0] == (384, 384 + BAR_HEIGHT) and seen[-1] == (900, 600)
    assert frame_rect((900, 600)).size == (512, 512)
    assert actions_of(path) == ["ACTION1"]


def test_help_lists_controls_and_never_the_game() -> None:
    game = get_game("ujzd")
    text = "\n".join(help_lines(game.actions))
    assert "undo" in text and "click a spot (not used here)" in text
    assert game.title.lower() not in text.lower() and game.id not in text


def test_no_display_is_a_clear_error_and_leaves_no_recording(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SDL_VIDEODRIVER", "x11")
    monkeypatch.delenv("DISPLAY", raising=False)
    with pytest.raises(NoDisplayError, match="SDL_VIDEODRIVER=dummy"):
        play_game("ujzd", "jo", None)
    assert not recordings_dir().exists() or not any(recordings_dir().iterdir())


def no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Linux machine with no X11, no Wayland and no SDL driver chosen."""
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")


def test_no_display_at_all_fails_at_once_naming_the_fixes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from arcgames.cli import main

    no_display(monkeypatch)
    start = time.monotonic()
    assert main(["play", "ujzd", "--out", str(tmp_path / "plays")]) == 2
    assert time.monotonic() - start < 5  # not SDL's invisible offscreen window waiting for keys
    err = " ".join(capsys.readouterr().err.split())
    assert "neither DISPLAY nor WAYLAND_DISPLAY is set" in err and "xvfb-run" in err
    assert "arcgames replay FILE --ansi" in err and "--gif" in err and "Traceback" not in err
    assert not (tmp_path / "plays").exists()


def test_the_env_human_render_mode_draws_unseen_with_no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    from arcgames.env import make

    no_display(monkeypatch)
    env = make("ujzd", render_mode="human")  # as check_env and headless training scripts use it
    env.reset()
    env.step(Action.RIGHT)
    assert pygame.display.get_driver() == "dummy" and "SDL_VIDEODRIVER" not in os.environ
    env.close()


@pytest.mark.slow
def test_headless_play_and_check_as_a_newcomer_runs_them(tmp_path: Path) -> None:
    """``python -m arcgames`` in a bare environment: play fails at once; check prints no SDL noise."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    env.pop("XDG_RUNTIME_DIR", None)
    play = subprocess.run([sys.executable, "-m", "arcgames", "play", "ujzd", "--out", str(tmp_path)], env=env,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert play.returncode == 2 and "xvfb-run" in play.stderr and "Traceback" not in play.stderr
    check = subprocess.run([sys.executable, "-m", "arcgames", "check", "--games", "ujzd"], env=env,
                           capture_output=True, text=True, timeout=120)  # fmt: skip
    assert check.returncode == 0, check.stderr
    for output in (play.stderr, check.stderr, check.stdout):
        assert "XDG_RUNTIME_DIR" not in output


# --- a real X server -----------------------------------------------------------

WINDOW_PROGRAM = """
import json, os, sys
sys.path.insert(0, sys.argv[1])
from window_script import Script, key
from arcgames.play import play_game
from arcgames.window import pygame

ready, stop, out = sys.argv[2:5]
script = Script([key(pygame.K_RIGHT)])

def hold(script):
    # Once the move is drawn, report the window size and keep the window up until told to stop.
    if not script.batches and not os.path.exists(stop):
        if script.calls >= 3 and not os.path.exists(ready):
            with open(ready + ".tmp", "w") as f:
                json.dump(script.window_size, f)
            os.rename(ready + ".tmp", ready)
        script.batches.append([])

script.on_call = hold
print(play_game("ujzd", "xvfb", out, scale=8, events=script))
"""


@pytest.fixture
def xvfb() -> Iterator[str]:
    """A private X server; yields its DISPLAY. ``-displayfd`` makes it pick a free display number."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (Debian: apt-get install xvfb)")
    from PIL import features

    if not features.check("xcb"):
        pytest.skip("this Pillow was built without XCB, so it cannot read an X screen")
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        ready, _, _ = select.select([read_end], [], [], 20)
        assert ready, "Xvfb did not start within 20 s"
        number = os.read(read_end, 64).decode().strip()
        assert number.isdigit(), f"Xvfb reported display {number!r}"
        yield f":{number}"
    finally:
        os.close(read_end)
        server.terminate()
        server.wait(10)


@pytest.mark.slow
def test_the_real_window_shows_the_frame_in_palette_colours(xvfb: str, tmp_path: Path) -> None:
    ready, stop = tmp_path / "ready", tmp_path / "stop"
    env = os.environ | {"DISPLAY": xvfb, "SDL_VIDEODRIVER": "x11", "SDL_VIDEO_WINDOW_POS": "0,0"}
    args = [sys.executable, "-c", WINDOW_PROGRAM, str(Path(__file__).parent), str(ready), str(stop), str(tmp_path)]
    player = subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 30
        while not ready.exists():
            assert player.poll() is None, f"the play window exited early: {player.communicate()[1]}"
            assert time.monotonic() < deadline, "the play window did not draw within 30 s"
            time.sleep(0.05)
        size = tuple(json.loads(ready.read_text()))
        engine = Engine(get_game("ujzd"))
        engine.step(Action.RIGHT)
        expected = PALETTE_RGB[engine.frame]  # (64, 64, 3): what every frame pixel must look like
        points = [window_pos_of(x, y, size) for y in range(64) for x in range(64)]
        for _ in range(50):  # the X server may show the frame a moment after the program flips it
            screen = np.asarray(ImageGrab.grab(xdisplay=xvfb).convert("RGB"))
            seen = np.array([screen[py, px] for px, py in points]).reshape(64, 64, 3)
            if np.array_equal(seen, expected):
                break
            time.sleep(0.1)
        Image.fromarray(screen[: size[1], : size[0]]).save(tmp_path / "screen.png")  # to look at on failure
        assert np.array_equal(seen, expected), f"window pixels differ from the frame; see {tmp_path / 'screen.png'}"
        # Named cells of level 1 (#.@B.G# after one move): a wall and the avatar, as drawn.
        wall, avatar = engine.layout.pixel_of(0, 0), engine.layout.pixel_of(1, 2)
        assert tuple(screen[window_pos_of(*wall, size)[::-1]]) == tuple(PALETTE_RGB[engine.frame[wall[::-1]]])
        assert tuple(screen[window_pos_of(*avatar, size)[::-1]]) == tuple(PALETTE_RGB[engine.frame[avatar[::-1]]])
        assert tuple(screen[size[1] - 2, size[0] - 2]) == BACKGROUND  # the status bar
    finally:
        stop.touch()
        out, err = player.communicate(timeout=30)
    assert player.returncode == 0, err
    path = Path(out.strip().splitlines()[-1])
    assert actions_of(path) == ["ACTION4"] and verify(path).ok


def test_env_human_render_mode_draws_the_frame_in_a_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    from arcgames.env import make
    from arcgames.window import frame_rect, pygame

    env = make("ujzd", render_mode="human")
    frame, _ = env.reset()
    frame, *_ = env.step(Action.RIGHT)
    screen = pygame.display.get_surface()
    rect = frame_rect(screen.get_size())
    for y, x in ((0, 0), (32, 32), (40, 20)):
        px = screen.get_at((rect.x + x * rect.w // 64 + 1, rect.y + y * rect.h // 64 + 1))
        assert tuple(px)[:3] == tuple(PALETTE_RGB[frame[y, x]])
    env.close()
    assert pygame.display.get_surface() is None

"""Watching recordings (window, GIF, terminal) and the play history, for every registered game."""

from __future__ import annotations

import io
import json
import os
import zlib
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from rich.console import Console
from window_script import Script, key

from arcgames.actions import Action
from arcgames.cli import main
from arcgames.env import make
from arcgames.history import is_first_play, list_plays
from arcgames.palette import to_rgb
from arcgames.recording import RecordingError, read_recording
from arcgames.registry import get_game, list_games
from arcgames.replay import replay_frames, verify
from arcgames.solver import solve
from arcgames.viewer import GIF_SCALE, LAST_FRAME_MS, Playback, export_gif, load_frames, play_ansi, show_window
from arcgames.window import pygame
from arcgames.wrappers import RecordTrajectory


@pytest.fixture(autouse=True)
def headless(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setenv("ARCGAMES_HOME", str(tmp_path / "home"))


def record(game_id: str, actions: list[Action], out: Path, player: str = "solver", **kw) -> Path:
    """Play ``actions`` through RecordTrajectory, as any agent would; return the recording."""
    env = RecordTrajectory(make(game_id), out, player=player, **kw)
    env.reset(seed=0)
    for action in actions:
        env.step(action)
    env.close()
    return env.recordings[-1]


@pytest.mark.parametrize("game_id", list_games())
def test_record_verify_gif_terminal_and_history_round_trip(game_id: str, tmp_path: Path) -> None:
    game = get_game(game_id)
    solution = list(solve(game, 0).actions)
    # A RESET at the start of level 2 repeats the frame before it: the GIF must still keep both.
    extra = [Action.RESET] if game.num_levels > 1 else []
    actions = [*solution, *extra]
    path = record(game_id, actions, tmp_path / "plays")
    result = verify(path)
    assert result.ok, result.reason
    assert result.levels_completed == 1 and result.actions == len(actions)

    gif = export_gif(path, tmp_path / "out" / "play.gif", fps=10)
    with Image.open(gif) as image:
        assert image.n_frames == len(actions) + 1  # the start frame plus one per step
        assert image.size == (64 * GIF_SCALE, 65 * GIF_SCALE)  # the frame plus a progress strip
        frames = list(replay_frames(read_recording(path)))
        for index in (0, image.n_frames - 1):
            image.seek(index)
            rgb = np.asarray(image.convert("RGB"))[: 64 * GIF_SCALE : GIF_SCALE, ::GIF_SCALE]
            assert np.array_equal(rgb, to_rgb(frames[index])), f"GIF frame {index} is not the replayed frame"
        assert image.info["duration"] >= LAST_FRAME_MS  # the last frame is held

    console = Console(file=io.StringIO(), width=80, force_terminal=True)
    play_ansi(path, delay=0, console=console)
    text = console.file.getvalue()
    assert f"step {len(actions)} of {len(actions)}: {actions[-1]}" in text and "▀" in text

    [play] = [p for p in list_plays(tmp_path / "plays") if p.path == path]
    end = "win" if game.num_levels == 1 else "quit"
    assert (play.game_id, play.player_kind, play.levels_completed, play.end) == (game_id, "agent", 1, end)


def test_window_viewer_runs_its_controls(tmp_path: Path) -> None:
    path = record("ujzd", [Action.RIGHT] * 3, tmp_path)
    keys = [pygame.K_SPACE, pygame.K_RIGHT, pygame.K_LEFT, pygame.K_PLUS, pygame.K_MINUS, pygame.K_HOME]
    script = Script(*[[key(k)] for k in keys], *[[]] * 10)
    show_window(path, fps=30, events=script)
    assert script.calls == len(keys) + 11  # Esc after the script ended the viewer
    show_window(path, events=Script(), max_frames=1)  # max_frames stops it too


def test_playback_steps_seeks_and_stops_at_the_end() -> None:
    playback = Playback(last=3, fps=10)
    playback.tick(0)  # the start frame is shown a full interval
    assert playback.position == 0
    for now in (100, 200, 300):
        playback.tick(now)
    assert (playback.position, playback.playing) == (3, False)
    playback.handle(key(pygame.K_RIGHT))
    assert playback.position == 3  # clamped
    playback.handle(key(pygame.K_LEFT))
    playback.handle(key(pygame.K_LEFT))
    assert (playback.position, playback.playing) == (1, False)
    playback.handle(key(pygame.K_HOME))
    assert (playback.position, playback.playing) == (0, True)
    playback.handle(key(pygame.K_SPACE))
    assert not playback.playing
    playback.handle(key(pygame.K_PLUS))
    assert playback.fps == 15
    playback.handle(key(pygame.K_ESCAPE))
    assert playback.quit


def test_a_recording_that_does_not_replay_is_refused(tmp_path: Path) -> None:
    path = record("ujzd", [Action.RIGHT], tmp_path)
    lines = path.read_text().splitlines()
    step = json.loads(lines[1])
    step["action"] = "ACTION3"  # left instead of right: the frame hash no longer matches
    # Rewrite with a correct chain, so only the replay can notice.
    chain = zlib.crc32(lines[0].encode())
    rebuilt = [lines[0]]
    for line in [json.dumps(step, separators=(",", ":")), *lines[2:]]:
        obj = json.loads(line)
        obj["prev"] = f"{chain:08x}"
        text = json.dumps(obj, separators=(",", ":"))
        rebuilt.append(text)
        chain = zlib.crc32(text.encode(), chain)
    path.write_text("\n".join(rebuilt) + "\n")
    with pytest.raises(RecordingError, match="does not replay"):
        load_frames(path)
    with pytest.raises(ValueError, match="fps"):
        export_gif(path, tmp_path / "x.gif", fps=0)


def test_history_lists_newest_first_and_survives_bad_files(tmp_path: Path) -> None:
    first = record("ujzd", [Action.RIGHT], tmp_path, player="ann", player_kind="human", first_play=True)
    second = record("e8gx", [], tmp_path, player="ann", player_kind="human", first_play=True)
    (tmp_path / "junk.jsonl").write_text("not json\n")
    os.utime(tmp_path / "junk.jsonl", (0, 0))  # unreadable files sort by their file time
    cut = tmp_path / "sub" / "killed.jsonl"  # a play killed before its end line, in a subfolder
    cut.parent.mkdir()
    cut.write_text("".join(first.read_text().splitlines(keepends=True)[:2]))

    plays = list_plays(tmp_path)
    assert plays[0].path == second
    assert plays == sorted(plays, key=lambda p: p.started_at, reverse=True)
    by_name = {p.path.name: p for p in plays}
    assert by_name["junk.jsonl"].end.startswith("unreadable: line 1: not valid JSON")
    assert by_name["junk.jsonl"].started_at == datetime.fromtimestamp(0, UTC) and plays[-1].path.name == "junk.jsonl"
    assert (by_name["killed.jsonl"].end, by_name["killed.jsonl"].actions) == ("interrupted", 1)
    assert by_name[first.name].first_play is True and by_name[first.name].end == "quit"

    assert not is_first_play("ann", "ujzd", tmp_path)
    assert is_first_play("ann", "pf91", tmp_path) and is_first_play("bo", "ujzd", tmp_path)
    record("pf91", [], tmp_path, player="ann")  # an agent with the same name is not the person
    assert is_first_play("ann", "pf91", tmp_path)
    assert list_plays(tmp_path / "missing") == [] and is_first_play("ann", "ujzd", tmp_path / "missing")


def test_cli_history_and_replay(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    level_1 = list(solve(get_game("ujzd"), 0).actions)
    path = record("ujzd", level_1, tmp_path, player="cli")
    assert main(["history", "--dir", str(tmp_path), "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["game_id"] == "ujzd" and row["levels_completed"] == 1
    assert main(["replay", str(path), "--gif", str(tmp_path / "a.gif"), "--fps", "20"]) == 0
    assert Image.open(tmp_path / "a.gif").n_frames == len(level_1) + 1
    assert main(["history"]) == 0  # the default folder (ARCGAMES_HOME in tmp) may be empty


def test_the_replay_window_with_no_display_fails_at_once(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import sys

    path = record("ujzd", [Action.RIGHT], tmp_path)
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(sys, "platform", "linux")
    assert main(["replay", str(path)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "neither DISPLAY nor WAYLAND_DISPLAY is set" in err and "replay FILE --ansi" in err and "--gif" in err


def test_piped_terminal_replay_prints_every_frame_with_colours_when_asked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    actions = [Action.RIGHT, Action.LEFT, Action.RIGHT]
    path = record("ujzd", actions, tmp_path)
    labels = [f"step {k} of 3: {a} in level 1" for k, a in enumerate(actions, start=1)]
    assert main(["replay", str(path), "--ansi", "--fps", "1000", "--color", "always"]) == 0
    out = capsys.readouterr().out
    assert "step 0 of 3: start, level 1" in out and all(label in out for label in labels)
    assert out.count("\x1b[") > 3 * 64 * 32  # a colour escape for every half-block of every frame
    assert main(["replay", str(path), "--ansi", "--fps", "1000"]) == 0  # auto: a pipe gets no colours
    plain = capsys.readouterr().out
    assert all(label in plain for label in labels) and "\x1b[" not in plain
    assert main(["show", "ujzd", "--color", "always"]) == 0
    assert "\x1b[" in capsys.readouterr().out


def test_force_color_keeps_the_colours_of_a_piped_show(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert main(["show", "ujzd"]) == 0
    assert "\x1b[" in capsys.readouterr().out

"""Human play: one game in a pygame window, recorded exactly like an agent's play.

The window shows only what an agent sees (the frame, the level progress and which
controls respond), never the game's title or rules: a first-time human play is the
baseline agents are scored against, so people must learn each game by acting too.

Reading order: the key table, :class:`PlaySession` (what one key press does),
:func:`draw`, :func:`run_loop`, :func:`play_game`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from arcgames.actions import Action, ActionId, InvalidActionError
from arcgames.controls import IDLE_NOTE, end_lines, help_lines, refusal, solved_line, status_line
from arcgames.controls import KEYS as KEY_NAMES
from arcgames.env import make
from arcgames.history import is_first_play
from arcgames.paths import recordings_dir
from arcgames.window import (
    FPS,
    EventSource,
    draw_frame,
    draw_overlay,
    draw_status,
    frame_pixel_at,
    open_window,
    pygame,
)
from arcgames.wrappers import RecordTrajectory

# The shared key table (arcgames.controls) as pygame key codes.
KEYS: dict[int, ActionId] = {getattr(pygame, f"K_{name}"): action for name, action in KEY_NAMES.items()}
QUIT_KEYS = frozenset({pygame.K_ESCAPE, pygame.K_q})
# With Ctrl, Alt or the system key held, only undo and quit act: a shortcut meant for another
# program (Ctrl+W, Alt+D) must not cost the player an action.
SHORTCUT_MODS = pygame.KMOD_CTRL | pygame.KMOD_ALT | pygame.KMOD_GUI
HELP_KEYS = frozenset({pygame.K_h, pygame.K_QUESTION, pygame.K_SLASH})  # "?" is Shift+/ on most layouts
HINT_MS = 2500  # how long a hint stays in the status bar
SOLVED_MS = 600  # how long a solved level's board stays up before the next level (any key skips it)


@dataclass
class PlaySession:
    """One play in progress: the recorded env, what it last showed, and the window's own state."""

    env: RecordTrajectory
    frame: np.ndarray
    info: dict[str, Any]
    help_shown: bool = False
    hint: str = ""
    hint_until: int = 0  # pygame ticks (ms) when the hint disappears
    solved: np.ndarray | None = None  # the board that completed a level, shown until solved_until
    solved_until: int = 0
    quit: bool = False
    untouched: bool = True  # nothing done on this level since it started: R would restart nothing

    @property
    def state(self) -> str:
        return self.info["state"]

    @property
    def showing_solved(self) -> bool:
        return self.solved is not None and pygame.time.get_ticks() < self.solved_until

    def flash(self, text: str) -> None:
        """Show a short hint in the status bar."""
        self.hint, self.hint_until = text, pygame.time.get_ticks() + HINT_MS

    def request(self, action: Action) -> None:
        """Send an action if the game uses it and the play allows it now; otherwise explain why not."""
        refused = refusal(action.id, self.state, self.info["available_actions"], self.untouched)
        if refused:
            self.flash(refused)  # not sent: a key the game ignores must not cost an action
        else:
            completed = self.info["levels_completed"]
            try:
                self.frame, _, _, _, self.info = self.env.step(action)
            except InvalidActionError as err:  # the checks above should make this unreachable
                self.flash(str(err))
                return
            self.help_shown = False
            self.untouched = action.id == ActionId.RESET or self.info["levels_completed"] > completed
            if self.info["levels_completed"] > completed and self.state != "WIN":  # the win screen shows the board
                self.solved = self.env.unwrapped.engine.solved_frame.copy()
                self.solved_until = pygame.time.get_ticks() + SOLVED_MS


def handle_event(session: PlaySession, event: pygame.event.Event, window_size: tuple[int, int]) -> None:
    """Apply one pygame event to the session."""
    if event.type == pygame.QUIT:
        session.quit = True
    elif event.type == pygame.KEYDOWN:
        if event.key in QUIT_KEYS:
            session.quit = True
        elif session.showing_solved:  # a key skips the solved board; it must not act on a level not yet seen
            session.solved = None
        elif event.key in HELP_KEYS:
            session.help_shown = not session.help_shown
        elif event.key in KEYS:
            shortcut = getattr(event, "mod", 0) & SHORTCUT_MODS
            if not shortcut or KEYS[event.key] == ActionId.ACTION7:
                session.request(Action(KEYS[event.key]))
    elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1 and session.showing_solved:
        session.solved = None
    elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
        pixel = frame_pixel_at(event.pos, window_size)
        if pixel is not None:  # clicks on the letterbox or the status bar are not game clicks
            session.request(Action.click(*pixel))


def overlay_lines(session: PlaySession) -> list[str] | None:
    """What to write over the frame, if anything: help, the win screen or the game-over screen."""
    if session.help_shown:
        return help_lines(session.info["available_actions"])
    return end_lines(session.info)


def draw(screen: pygame.Surface, session: PlaySession) -> None:
    """Draw the whole window for the session's current state."""
    if session.showing_solved:
        draw_frame(screen, session.solved)
        solved = session.info["level"]  # the 0-based index of the next level is the solved level's number
        draw_status(screen, *solved_line(solved), note_is_hint=True)
        return
    draw_frame(screen, session.frame)
    lines = overlay_lines(session)
    if lines:
        draw_overlay(screen, lines)
    hint = session.hint if pygame.time.get_ticks() < session.hint_until else ""
    draw_status(screen, status_line(session.info), hint or IDLE_NOTE, note_is_hint=bool(hint))


def run_loop(session: PlaySession, events: EventSource | None = None, max_frames: int | None = None) -> None:
    """Draw, then handle that frame's events, until the player quits (or after ``max_frames`` frames).

    ``events`` replaces ``pygame.event.get``; tests pass one that posts scripted events
    into pygame's real queue and then reads it.
    """
    source = events or pygame.event.get
    clock = pygame.time.Clock()
    frames = 0
    while not session.quit and (max_frames is None or frames < max_frames):
        screen = pygame.display.get_surface()  # fetched each frame: resizing replaces it
        draw(screen, session)
        pygame.display.flip()
        for event in source():
            handle_event(session, event, screen.get_size())
        clock.tick(FPS)
        frames += 1


def play_game(
    game_id: str,
    player: str,
    out_dir: Path | None,
    seed: int = 0,
    level: int = 0,
    scale: int | None = None,
    events: EventSource | None = None,
) -> Path:
    """Play ``game_id`` from ``level`` (0-based) in a window; return the recording's path.

    The play is recorded in ``out_dir`` (default: the local recordings folder) as a
    human play, marked ``first_play`` when this player has no earlier recording of this
    game there. ``scale`` is window pixels per frame pixel (default: fits the screen).
    """
    directory = Path(out_dir) if out_dir is not None else recordings_dir()
    first = is_first_play(player, game_id, directory)
    env = RecordTrajectory(make(game_id), directory, player=player, player_kind="human", first_play=first, mode="play")
    try:
        open_window(f"arcgames {game_id}", scale)  # before reset: no display means no empty recording
        frame, info = env.reset(seed=seed, options={"level": level})
        run_loop(PlaySession(env, frame, info), events)
    except KeyboardInterrupt:
        pass  # Ctrl+C in the terminal is a quit like Esc: the play so far is kept
    except Exception as err:
        env.finish("crash", detail=repr(err))
        raise
    finally:
        env.close()  # ends the recording with reason "quit" unless it already ended (a win)
        pygame.quit()
    if not env.recordings:
        raise RuntimeError("the play ended before it started; nothing was recorded")
    return env.recordings[-1]

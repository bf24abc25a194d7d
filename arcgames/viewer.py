"""Watch a recording: in the pygame window, as an animated GIF, or in the terminal.

Recordings store frame hashes, not frames, so every view re-simulates the play with
:func:`arcgames.replay.replay_frames`; a recording that does not replay is refused
with the step where it diverges rather than shown wrongly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from rich.console import Console, Group
from rich.live import Live
from rich.text import Text

from arcgames.palette import PALETTE_RGB
from arcgames.recording import Recording, RecordingError, read_recording
from arcgames.render import frame_to_rich
from arcgames.replay import Divergence, replay_frames
from arcgames.window import FPS, EventSource, draw_frame, draw_status, open_window, pygame

GIF_SCALE = 8  # GIF pixels per frame pixel: 512 px wide, sharp on any screen
LAST_FRAME_MS = 1500  # hold the final frame so a looping GIF shows how the play ended
MIN_FPS, MAX_FPS = 0.25, 120.0


def load_frames(path: str | Path) -> tuple[Recording, list[np.ndarray]]:
    """Read a recording and re-simulate it: the start frame, then one frame per action."""
    recording = read_recording(path)
    try:
        frames = list(replay_frames(recording))
    except Divergence as err:
        raise RecordingError(
            f"{path} does not replay ({err}); `arcgames replay --verify {path}` checks it in full"
        ) from None
    return recording, frames


def step_label(recording: Recording, k: int) -> str:
    """``step k of n`` and the action that led to frame ``k`` (frame 0 is the start)."""
    n = len(recording.steps)
    if k == 0:
        return f"step 0 of {n}: start, level {recording.header.start_level + 1}"
    step = recording.steps[k - 1]
    return f"step {k} of {n}: {step.action} in level {step.level + 1}"


def _check_fps(fps: float) -> float:
    if not fps > 0:
        raise ValueError(f"fps must be a positive number of frames per second, got {fps!r}")
    return float(fps)


# --- window ----------------------------------------------------------------------


@dataclass
class Playback:
    """Where the viewer is in the recording, and how fast it moves."""

    last: int  # index of the final frame (= number of steps)
    fps: float
    position: int = 0
    playing: bool = True
    quit: bool = False
    next_at: int | None = None  # pygame ticks (ms) when playing moves to the next frame

    def seek(self, position: int, playing: bool) -> None:
        self.position, self.playing = max(0, min(self.last, position)), playing

    def handle(self, event: pygame.event.Event) -> None:
        """Apply one pygame event."""
        if event.type == pygame.QUIT:
            self.quit = True
        elif event.type != pygame.KEYDOWN:
            return
        elif event.key in (pygame.K_ESCAPE, pygame.K_q):
            self.quit = True
        elif event.key == pygame.K_SPACE:
            # Play from the start again when the end was reached: what pressing play there means.
            self.seek(0 if self.position == self.last else self.position, not self.playing)
        elif event.key == pygame.K_RIGHT:
            self.seek(self.position + 1, False)
        elif event.key == pygame.K_LEFT:
            self.seek(self.position - 1, False)
        elif event.key == pygame.K_HOME:
            self.seek(0, True)
        elif event.key in (pygame.K_PLUS, pygame.K_EQUALS, pygame.K_KP_PLUS):  # "+" is Shift+= on many layouts
            self.fps = min(MAX_FPS, self.fps * 1.5)
        elif event.key in (pygame.K_MINUS, pygame.K_KP_MINUS):
            self.fps = max(MIN_FPS, self.fps / 1.5)

    def tick(self, now: int) -> None:
        """Advance one frame when its time has come; stop at the last frame."""
        interval = round(1000 / self.fps)
        if not self.playing or self.next_at is None:
            self.next_at = now + interval  # a frame just shown (or resumed) stays a full interval
        elif now >= self.next_at:
            self.seek(self.position + 1, self.position + 1 < self.last)
            self.next_at = now + interval


def show_window(
    path: str | Path,
    fps: float = 8.0,
    *,
    scale: int | None = None,
    events: EventSource | None = None,
    max_frames: int | None = None,
) -> None:
    """Watch a recording in a window: space plays/pauses, left/right step, +/- speed, Home restarts, Esc quits.

    ``events`` and ``max_frames`` are for tests, as in :func:`arcgames.play.run_loop`.
    """
    recording, frames = load_frames(path)
    playback = Playback(last=len(frames) - 1, fps=_check_fps(fps))
    source = events or pygame.event.get
    open_window(f"arcgames replay {recording.header.game_id}", scale)
    try:
        clock = pygame.time.Clock()
        drawn = 0
        while not playback.quit and (max_frames is None or drawn < max_frames):
            screen = pygame.display.get_surface()
            draw_frame(screen, frames[playback.position])
            mode = "playing" if playback.playing else ("end" if playback.position == playback.last else "paused")
            draw_status(
                screen,
                f"{step_label(recording, playback.position)}    {mode}, {playback.fps:.3g} fps",
                "space play/pause   left/right step   +/- speed   Home restart   Esc quit",
            )
            pygame.display.flip()
            for event in source():
                playback.handle(event)
            playback.tick(pygame.time.get_ticks())
            clock.tick(FPS)
            drawn += 1
    finally:
        pygame.quit()


# --- GIF -------------------------------------------------------------------------


def gif_frame(frame: np.ndarray, k: int, last: int, scale: int = GIF_SCALE) -> Image.Image:
    """One GIF frame: the frame scaled up with nearest-neighbour, over a progress strip.

    Pillow merges identical consecutive GIF frames (adding their durations); the strip
    keeps every step its own frame for plays of up to 64 * scale steps.
    """
    big = frame.repeat(scale, axis=0).repeat(scale, axis=1)
    width = big.shape[1]
    strip = np.full((scale, width), 15, dtype=np.uint8)  # dark grey track
    strip[:, : round(width * k / last) if last else width] = 10  # white progress
    pixels = np.ascontiguousarray(np.vstack([big, strip]))
    image = Image.frombytes("P", (width, pixels.shape[0]), pixels.tobytes())
    image.putpalette(PALETTE_RGB.tobytes())  # the 16 game colours only: a small GIF with exact colours
    return image


def export_gif(path: str | Path, out: str | Path, fps: float = 8.0, scale: int = GIF_SCALE) -> Path:
    """Write the recording as an animated GIF (one frame per step plus the start frame); return ``out``."""
    step_ms = round(1000 / _check_fps(fps))
    _, frames = load_frames(path)
    images = [gif_frame(frame, k, len(frames) - 1, scale) for k, frame in enumerate(frames)]
    durations = [step_ms] * (len(images) - 1) + [max(step_ms, LAST_FRAME_MS)]
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=durations, loop=0)
    return out


# --- terminal --------------------------------------------------------------------


def play_ansi(
    path: str | Path, fps: float = 8.0, *, delay: float | None = None, console: Console | None = None
) -> None:
    """Play the recording in the terminal; ``delay`` (seconds per frame) overrides ``fps``, 0 for no waiting.

    On a terminal the frames replace each other in place. Into a pipe or a file every
    frame is printed after the one before, without waiting: rich's live display would
    keep only the last one there (colours follow the console: ``--color always``).
    """
    recording, frames = load_frames(path)
    wait = 1 / _check_fps(fps) if delay is None else max(0.0, delay)
    console = console or Console()
    views = (Group(Text(step_label(recording, k)), frame_to_rich(frame)) for k, frame in enumerate(frames))
    if not (console.is_interactive and _is_tty(console)):
        for view in views:
            console.print(view, end="")
        return
    with Live(console=console, auto_refresh=False) as live:
        for k, view in enumerate(views):
            live.update(view, refresh=True)
            if wait and k < len(frames) - 1:
                time.sleep(wait)


def _is_tty(console: Console) -> bool:
    """Whether the console writes to a real terminal (a forced-colour console into a pipe does not)."""
    isatty = getattr(console.file, "isatty", None)
    return bool(isatty and isatty())

"""The pygame window shared by human play and the replay viewer: frame, status bar, overlays.

The frame is drawn with nearest-neighbour scaling at the largest whole number of
window pixels per frame pixel, so every game pixel is a crisp square of the same
size; the rest of the window is letterboxed. :func:`frame_pixel_at` maps a window
position back to frame coordinates with exactly the same geometry, so a click lands
on the pixel the player sees under the pointer.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence

import numpy as np

# pygame prints a banner on import; the CLI's output should be only its own. Modules that
# draw import pygame from here (``from arcgames.window import pygame``) to keep it hidden.
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame

from arcgames.actions import FRAME_SIZE
from arcgames.palette import to_rgb

EventSource = Callable[[], Iterable[pygame.event.Event]]
"""What the loops call once per drawn frame to get that frame's events (default ``pygame.event.get``)."""

BAR_HEIGHT = 56  # two lines of status text under the frame
DEFAULT_SCALE = 10  # 640 px of frame: fits a laptop screen with the status bar and title bar
MIN_SCALE = 4
FPS = 30  # redraw rate; the games are turn-based, so this only bounds input latency

BACKGROUND = (24, 24, 24)  # letterbox and status bar; not a palette colour, so it never reads as game pixels
TEXT = (230, 230, 230)
DIM_TEXT = (150, 150, 150)
HINT_TEXT = (255, 200, 90)
OVERLAY = (0, 0, 0, 190)


class NoDisplayError(OSError):
    """No screen to open the window on (an OSError, so the CLI reports it without a traceback)."""


# What works without a window; there is no terminal version of `arcgames play`.
WITHOUT_A_WINDOW = (
    "set DISPLAY (a desktop session, or ssh -X) or run it under xvfb-run; without a window, "
    "`arcgames replay FILE --ansi` or `--gif out.gif` show a recording and `arcgames show GAME --level N` "
    "prints a level in the terminal"
)


def display_problem() -> str | None:
    """Why no window can open here, or None (then SDL decides).

    Why check before SDL does: on Linux with neither X11 nor Wayland, SDL falls back to
    its invisible "offscreen" driver, so ``arcgames play`` would wait forever for keys
    from a window nobody sees (and libwayland prints a line about XDG_RUNTIME_DIR on the
    way). An explicit SDL_VIDEODRIVER (``dummy`` in tests) is the user's choice and is kept.
    """
    if sys.platform in ("darwin", "win32") or os.environ.get("SDL_VIDEODRIVER"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return "no display: neither DISPLAY nor WAYLAND_DISPLAY is set"


@contextlib.contextmanager
def _video_driver(name: str | None) -> Iterator[None]:
    """``SDL_VIDEODRIVER=name`` while SDL picks its driver (it reads the variable only then)."""
    if name is None:
        yield
        return
    os.environ["SDL_VIDEODRIVER"] = name
    try:
        yield
    finally:
        os.environ.pop("SDL_VIDEODRIVER", None)


def default_scale() -> int:
    """Window pixels per frame pixel: 10 where the desktop is tall enough, less on small screens."""
    try:
        heights = [h for _, h in pygame.display.get_desktop_sizes()]
    except pygame.error:
        heights = []
    if not heights:
        return DEFAULT_SCALE
    # Leave room for the status bar, the title bar and a desktop panel.
    return max(MIN_SCALE, min(DEFAULT_SCALE, (min(heights) - BAR_HEIGHT - 120) // FRAME_SIZE))


def open_window(title: str, scale: int | None = None, interactive: bool = True) -> pygame.Surface:
    """Initialise pygame and open the resizable window; returns the display surface.

    With no display, an ``interactive`` window (play, the replay viewer: someone must see
    it) is a :class:`NoDisplayError`; a window that only draws (the env's ``human`` render
    mode, as ``check_env`` and headless scripts use it) draws with SDL's dummy driver.
    """
    if scale is not None and (not isinstance(scale, int) or scale < 1):
        raise ValueError(f"scale must be a positive integer (window pixels per frame pixel), got {scale!r}")
    problem = display_problem()
    if problem and interactive:
        raise NoDisplayError(f"cannot open the game window ({problem}); {WITHOUT_A_WINDOW}")
    try:
        # Only video and fonts: pygame.init() would also open audio, which prints ALSA errors
        # on machines without a sound card and is never used.
        with _video_driver("dummy" if problem else None):
            pygame.display.init()
        pygame.font.init()
        side = FRAME_SIZE * (scale or default_scale())
        pygame.display.set_caption(title)
        return pygame.display.set_mode((side, side + BAR_HEIGHT), pygame.RESIZABLE)
    except pygame.error as err:
        pygame.quit()
        raise NoDisplayError(
            f"cannot open the game window ({err}); {WITHOUT_A_WINDOW} (SDL_VIDEODRIVER=dummy runs it with no screen)"
        ) from None


def frame_rect(window_size: tuple[int, int]) -> pygame.Rect:
    """Where the frame sits in a window of this size: square, centred above the status bar."""
    width, height = window_size
    room = max(1, min(width, height - BAR_HEIGHT))
    # A whole number of window pixels per frame pixel keeps every game pixel the same size.
    side = room // FRAME_SIZE * FRAME_SIZE if room >= FRAME_SIZE else room
    return pygame.Rect((width - side) // 2, (height - BAR_HEIGHT - side) // 2, side, side)


def frame_pixel_at(pos: tuple[int, int], window_size: tuple[int, int]) -> tuple[int, int] | None:
    """The frame pixel (x, y) under a window position, or None outside the frame."""
    rect = frame_rect(window_size)
    if not rect.collidepoint(pos):
        return None
    return (pos[0] - rect.x) * FRAME_SIZE // rect.w, (pos[1] - rect.y) * FRAME_SIZE // rect.h


def window_pos_of(x: int, y: int, window_size: tuple[int, int]) -> tuple[int, int]:
    """The window position at the centre of frame pixel (x, y): the inverse of :func:`frame_pixel_at`."""
    rect = frame_rect(window_size)
    return rect.x + (2 * x + 1) * rect.w // (2 * FRAME_SIZE), rect.y + (2 * y + 1) * rect.h // (2 * FRAME_SIZE)


def draw_frame(screen: pygame.Surface, frame: np.ndarray) -> None:
    """Clear the window and draw the frame, scaled with nearest-neighbour (pygame.transform.scale)."""
    screen.fill(BACKGROUND)
    rgb = np.ascontiguousarray(to_rgb(frame))
    image = pygame.image.frombytes(rgb.tobytes(), (FRAME_SIZE, FRAME_SIZE), "RGB")
    rect = frame_rect(screen.get_size())
    screen.blit(pygame.transform.scale(image, rect.size), rect)


def font(size: int) -> pygame.font.Font:
    """pygame's bundled font, so text looks the same on every machine."""
    return pygame.font.Font(None, size)


def draw_status(screen: pygame.Surface, line: str, note: str = "", note_is_hint: bool = False) -> None:
    """The status bar: one line of progress and one line for a hint or key reminder."""
    width, height = screen.get_size()
    top = height - BAR_HEIGHT
    screen.fill(BACKGROUND, (0, top, width, BAR_HEIGHT))
    text = font(24)
    screen.blit(text.render(line, True, TEXT), (10, top + 6))
    if note:
        screen.blit(text.render(note, True, HINT_TEXT if note_is_hint else DIM_TEXT), (10, top + 30))


def draw_overlay(screen: pygame.Surface, lines: Sequence[str]) -> None:
    """Darken the frame and write ``lines`` over it, centred; the first line is the heading.

    A line with a tab is a two-column row (``"keys\twhat they do"``), aligned on the tab.
    """
    rect = frame_rect(screen.get_size())
    shade = pygame.Surface(rect.size, pygame.SRCALPHA)
    shade.fill(OVERLAY)
    screen.blit(shade, rect)
    heading, body = font(max(20, rect.h // 12)), font(max(16, rect.h // 24))
    rows = [[heading.render(lines[0], True, TEXT)]]
    rows += [[body.render(part, True, TEXT) for part in line.split("\t")] for line in lines[1:]]
    gap = 6
    # Two-column rows form one table centred as a whole: the first column right-aligned.
    pairs = [row for row in rows if len(row) == 2]
    first = max((row[0].get_width() for row in pairs), default=0)
    second = max((row[1].get_width() for row in pairs), default=0)
    split = rect.centerx - (first + 3 * gap + second) // 2 + first
    y = rect.centery - (sum(row[0].get_height() for row in rows) + gap * (len(rows) - 1)) // 2
    for row in rows:
        if len(row) == 1:
            screen.blit(row[0], (rect.centerx - row[0].get_width() // 2, y))
        else:
            screen.blit(row[0], (split - row[0].get_width(), y))
            screen.blit(row[1], (split + 3 * gap, y))
        y += row[0].get_height() + gap

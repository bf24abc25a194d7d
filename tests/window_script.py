"""Scripted input for the pygame window loops: real events, posted into pygame's real queue.

A :class:`Script` is passed as ``events`` to :func:`arcgames.play.play_game` or
:func:`arcgames.viewer.show_window`. The loop calls it once per drawn frame; each
call posts the next batch with ``pygame.event.post`` and returns ``pygame.event.get()``,
so the events travel through SDL's queue exactly like a person's. When the script
runs out it presses Esc, so a loop under test always ends.
"""

from __future__ import annotations

from collections.abc import Callable

from arcgames.window import pygame, window_pos_of

Item = pygame.event.Event | Callable[[tuple[int, int]], pygame.event.Event]


def key(code: int, mod: int = 0) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=code, mod=mod)


def click(x: int, y: int) -> Callable[[tuple[int, int]], pygame.event.Event]:
    """A left click on frame pixel (x, y), placed in window coordinates when it is posted."""
    return lambda size: click_at(window_pos_of(x, y, size))


def click_at(pos: tuple[int, int]) -> pygame.event.Event:
    return pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=pos)


class Script:
    """Batches of events, one batch per frame; an empty batch just lets a frame pass."""

    def __init__(self, *batches: list[Item]) -> None:
        self.batches = list(batches)
        self.calls = 0
        self.window_size: tuple[int, int] | None = None
        self.on_call: Callable[[Script], None] | None = None  # a hook, e.g. to look at the window

    def __call__(self) -> list[pygame.event.Event]:
        self.calls += 1
        self.window_size = pygame.display.get_surface().get_size()
        if self.on_call:
            self.on_call(self)
        batch = self.batches.pop(0) if self.batches else [key(pygame.K_ESCAPE)]
        for item in batch:
            pygame.event.post(item if isinstance(item, pygame.event.Event) else item(self.window_size))
        return pygame.event.get()

"""Fresh generated games for training: an endless, seeded stream, drawn in a background process.

A learner that trains on a fixed set of games can memorise them; one that meets a game
it has never seen in every batch has to learn what games have in common. This stream
gives such games: game ``i`` of ``(preset, seed)`` is the first game of
:class:`arcgames.generate.Generator` slot ``i``, so the same stream is the same games in
the same order, everywhere, whatever the timing. Every level is still solved and
measured by the solver; what a stream skips is the exploit audit and the game checks,
which matter for games that rank players (``arcgames generate``), not for games that
only teach. Drawing runs one game ahead (or more: ``prefetch``) in a worker process, so a
training loop that takes a game per update rarely waits for one.

    with GameStream("small", seed=1) as stream:
        game = next(stream)            # a Game, ready for BatchedEngine or BatchedVectorEnv
"""

from __future__ import annotations

import os
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from arcgames.game import Game

MAX_PREFETCH = 16


def draw(preset: str, seed: int, index: int, split: str = "public") -> tuple[str, str, object, list[str], object]:
    """Game ``index`` of the stream ``(preset, seed)``, as plain data a process can send: (id, title, spec,
    level maps, card). :func:`materialise` makes the Game."""
    from arcgames.generate import PRESETS, Generator, card_of, title_of

    generator = Generator(PRESETS[preset], seed, split, audited=False)
    game, spec, results = generator.game(index)
    return game.id, title_of(spec), spec, list(game.levels), card_of(spec, results)


def materialise(drawn: tuple) -> Game:
    """The Game :func:`draw` described, built exactly as a written game file builds it."""
    from arcgames.generate import build_game

    game_id, title, spec, levels, card = drawn
    return build_game(game_id, title, spec, levels, card, "public")


def _stream_worker(parent_pid: int) -> None:
    from arcgames.evaluate import exit_with_parent

    exit_with_parent(parent_pid)


class GameStream:
    """Games ``start``, ``start + 1``, ... of the stream ``(preset, seed)`` (see the module docstring)."""

    def __init__(self, preset: str, seed: int, *, start: int = 0, prefetch: int = 2) -> None:
        from arcgames.generate import PRESETS

        if preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}; use one of {', '.join(PRESETS)}")
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
        if not 1 <= prefetch <= MAX_PREFETCH:
            raise ValueError(f"prefetch must be 1..{MAX_PREFETCH}, got {prefetch!r}")
        from arcgames.evaluate import worker_context

        self.preset, self.seed, self.next_index = preset, seed, start
        self._pool = ProcessPoolExecutor(1, mp_context=worker_context(), initializer=_stream_worker,
                                         initargs=(os.getpid(),))  # fmt: skip
        self._pending: deque[Future] = deque()
        self._queued = start
        for _ in range(prefetch):
            self._queue_one()

    def _queue_one(self) -> None:
        self._pending.append(self._pool.submit(draw, self.preset, self.seed, self._queued))
        self._queued += 1

    def __iter__(self) -> GameStream:
        return self

    def __next__(self) -> Game:
        """The next game (waits while the worker is still drawing it)."""
        try:
            drawn = self._pending.popleft().result()
        except BrokenProcessPool as err:
            raise RuntimeError(
                f"the worker drawing games died ({err}); it starts as multiprocessing's fork server or spawn "
                "does, so the main module must be importable: run a script file whose code is under "
                '`if __name__ == "__main__":`, not code piped to python'
            ) from None
        self._queue_one()
        self.next_index += 1
        return materialise(drawn)

    def close(self) -> None:
        for future in self._pending:
            future.cancel()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> GameStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

"""The click games built on the geometry and number primitives, beyond what test_games checks
for every game: each kind a player can meet has its own colour, a generator gives the same
level for the same seed, and levels from seeds other than the bundled ones are solvable too
(solvable by construction, checked here with the solver).

Only public seeds appear here, evaluation games included (see arcgames.seeds).
"""

from __future__ import annotations

import dataclasses

import pytest

from arcgames.game import DEFAULT_LEGEND, Game
from arcgames.games import copy_shape, count_dots, mirror_paint, pipes, sort_bars
from arcgames.kinds import kind_id
from arcgames.seeds import public_seed
from arcgames.solver import solve

# (game module, generator arguments, how the game turns a generated map into a level)
GENERATORS = {
    "pipes": (pipes, {"rows": 3, "cols": 4, "turns": 5, "length": 6}, pipes._wet),
    "pipes-two-sinks": (pipes, {"rows": 3, "cols": 3, "turns": 4, "sinks": 2}, pipes._wet),
    "mirror_paint": (mirror_paint, {"rows": 3, "cols": 5, "mirror": True, "turn": False, "clicks": 4}, str),
    "mirror_paint-turn": (mirror_paint, {"rows": 3, "cols": 3, "mirror": False, "turn": True, "clicks": 4}, str),
    "count_dots": (count_dots, {"inside": [2, 3], "strays": 2, "rows": [7], "lit": [2], "broken": 1}, str),
    "count_dots-rows": (count_dots, {"inside": [3, 3], "strays": 1, "rows": [2, 3, 4], "lit": [2, 0, 0]}, str),
}


@pytest.mark.parametrize("module", [pipes, mirror_paint, copy_shape, count_dots, sort_bars], ids=lambda m: m.GAME.id)
def test_every_kind_has_its_own_colour(module) -> None:
    """Players see only colours: two kinds of one colour would hide a difference."""
    game = module.GAME
    legend = {**DEFAULT_LEGEND, **game.legend}
    drawn = {symbol for text in game.levels for symbol in text if symbol in legend}
    # The kinds the maps draw, and every kind the game's own legend names (clicks can make them).
    names = {name for symbol in drawn | set(game.legend) for name in legend[symbol] if name}
    colours = {name: int(game.lut[kind_id(name)]) for name in names}
    assert len(set(colours.values())) == len(colours), colours


def one_level_game(module, text: str) -> Game:
    return dataclasses.replace(module.GAME, levels=[text], card=None)


@pytest.mark.parametrize("name", GENERATORS)
def test_a_seed_always_gives_the_same_level(name: str) -> None:
    module, kwargs, _ = GENERATORS[name]
    assert module.generate(public_seed(3), **kwargs) == module.generate(public_seed(3), **kwargs)
    assert module.generate(public_seed(3), **kwargs) != module.generate(public_seed(4), **kwargs)


@pytest.mark.parametrize("seed", [public_seed(n) for n in range(3)])
@pytest.mark.parametrize("name", GENERATORS)
def test_generated_levels_are_solvable_and_not_won_at_the_start(name: str, seed: int) -> None:
    module, kwargs, finish = GENERATORS[name]
    game = one_level_game(module, finish(module.generate(seed, **kwargs)))
    start = game.parsed[0].start
    assert not all(win(start) for win in game.win)
    assert solve(game, 0) is not None


def test_mirror_paint_levels_need_exactly_the_clicks_asked() -> None:
    for seed in (public_seed(n) for n in range(3)):
        text = mirror_paint.generate(seed, rows=3, cols=5, mirror=True, turn=True, clicks=5)
        assert solve(one_level_game(mirror_paint, text), 0).length == 5


def test_sort_bars_draws_heights_teal_pads_and_the_rotor() -> None:
    assert sort_bars.draw("21t3", "=#=", rotor=True) == "....I.\nI...I.\nI.H.I.\n=###=%"
    assert sort_bars.draw("12", "=#").splitlines()[-1] == "=###"
    with pytest.raises(ValueError, match="2 bars need 2 pad marks"):
        sort_bars.draw("21", "=")

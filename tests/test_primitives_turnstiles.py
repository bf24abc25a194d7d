"""The turnstile primitives (arcgames.primitives.turnstiles) on tiny ASCII boards.

Rules are played through the engine and the board compared with the expected map; this family has
no conditions of its own (its games are won with arcgames.primitives.paint.painter_home).
"""

from __future__ import annotations

from helpers import board_text, play, tiny_game

from arcgames.actions import Action
from arcgames.engine import Engine
from arcgames.primitives.turnstiles import turnstile_walk

LEGEND = {"T": ("turnstile_hub", ""), "r": ("pad_red", ""), "R": ("paint_gate_red", ""),
          "!": ("pad_red", "painter_red"), "1": ("floor", "painter_red")}  # fmt: skip


def engine_for(board: str) -> Engine:
    return Engine(tiny_game(board, rules=(turnstile_walk,), legend=LEGEND))


def test_turnstile_walk_pushing_the_hub_turns_the_section_and_carries_the_avatar() -> None:
    engine = engine_for("#####\n##.##\n#@T##\n##r##\n#####")
    play(engine, Action.RIGHT)
    assert board_text(engine) == "#####\n##@##\n#rT.#\n#####\n#####"
    play(engine, Action.DOWN)
    assert board_text(engine) == "#####\n##r##\n##T@#\n##.##\n#####"


def test_turnstile_walk_off_the_hubs_walks_and_paints_as_paint_walk_does() -> None:
    engine = engine_for("@rR.")
    play(engine, Action.RIGHT, Action.RIGHT, Action.RIGHT)
    assert board_text(engine) == ".rR1"


def test_turnstile_walk_a_hub_on_the_board_edge_does_not_turn() -> None:
    engine = engine_for(".r.\n@T.")
    play(engine, Action.RIGHT)
    assert board_text(engine) == ".r.\n@T."

"""The number primitives (arcgames.primitives.numbers) on tiny ASCII boards.

Rules are played through the engine and the board compared with the expected map;
conditions are listed in CONDITION_CASES, which the guards in test_primitives.py read.
"""

from __future__ import annotations

import pytest
from helpers import CLICK_ACTIONS, ascii_map, board_text, click_cell, click_engine, tiny_game

from arcgames.actions import Action
from arcgames.engine import Engine
from arcgames.primitives.numbers import (
    count_lamps,
    cycle_bars,
    lamp_rows_ascend,
    sorted_bars,
    swap_adjacent,
    swap_on_pad,
    switch_lamp,
)

LEGEND = {
    "0": ("lamp_off", ""),
    "1": ("lamp_on", ""),
    "o": ("dot", ""),
    "x": ("loop", ""),
    "I": ("bar", ""),
    "H": ("bar_alt", ""),
    "=": ("bar_pad", ""),
    "%": ("bar_rotor", ""),
}


def engine_for(board: str, rules) -> Engine:
    return click_engine(board, rules, LEGEND)


# --- switch_lamp ---------------------------------------------------------------------


def test_switch_lamp_switches_the_clicked_lamp_on_and_off() -> None:
    engine = engine_for("001", rules=(switch_lamp,))
    click_cell(engine, 0, 1)
    assert board_text(engine) == "011"
    click_cell(engine, 0, 2)
    assert board_text(engine) == "010"
    click_cell(engine, 0, 1)
    assert board_text(engine) == "000"


def test_switch_lamp_ignores_other_cells_other_actions_and_clicks_off_the_board() -> None:
    board = "0ox\n#I."
    engine = engine_for(board, rules=(switch_lamp,))  # 2x3: margins above and below
    for col in (1, 2):
        click_cell(engine, 0, col)
    for col in range(3):
        click_cell(engine, 1, col)
    engine.step(Action.click(0, 0))  # off the board
    engine.step(Action.INTERACT)
    assert board_text(engine) == board


# --- swap_adjacent -------------------------------------------------------------------


BARS = """
.I...
.I.I.
#####
"""


@pytest.mark.parametrize("cell", [(0, 1), (1, 1)], ids=["top", "foot"])
def test_swap_adjacent_swaps_a_bar_with_its_right_neighbour(cell: tuple[int, int]) -> None:
    engine = engine_for(BARS, rules=(swap_adjacent,))
    click_cell(engine, *cell)
    assert board_text(engine) == ascii_map(
        """
        ...I.
        .I.I.
        #####
        """
    )


def test_swap_adjacent_the_rightmost_bar_stays() -> None:
    engine = engine_for(BARS, rules=(swap_adjacent,))
    click_cell(engine, 1, 3)
    assert board_text(engine) == ascii_map(BARS)


def test_swap_adjacent_skips_empty_columns_and_moves_bars_of_either_colour() -> None:
    engine = engine_for("H....\nH..I.\n#####", rules=(swap_adjacent,))
    click_cell(engine, 0, 0)
    assert board_text(engine) == "...H.\nI..H.\n#####"


def test_swap_adjacent_ignores_floor_base_other_actions_and_clicks_off_the_board() -> None:
    engine = engine_for(BARS, rules=(swap_adjacent,))
    for cell in ((0, 0), (0, 3), (2, 1), (1, 2)):
        click_cell(engine, *cell)
    engine.step(Action.click(0, 0))  # off the 3x5 board, in the top margin
    engine.step(Action.INTERACT)
    assert board_text(engine) == ascii_map(BARS)


def test_swap_adjacent_twice_puts_three_bars_in_order() -> None:
    engine = engine_for("I....\nI.I..\nI.I.I\n#####", rules=(swap_adjacent,))
    click_cell(engine, 0, 0)  # 3 2 1 -> 2 3 1
    click_cell(engine, 1, 2)  # -> 2 1 3
    click_cell(engine, 1, 0)  # -> 1 2 3
    assert board_text(engine) == "....I\n..I.I\nI.I.I\n#####"


# --- swap_on_pad and cycle_bars ----------------------------------------------------------


PADS = """
..I...
I.I.I.
#.=.#%
"""


def test_swap_on_pad_swaps_only_a_bar_standing_on_a_pad_and_the_pad_stays() -> None:
    engine = engine_for(PADS, rules=(swap_on_pad,))
    click_cell(engine, 1, 0)  # on the base's wall cell: stays
    assert board_text(engine) == ascii_map(PADS)
    click_cell(engine, 0, 2)  # on a pad: swaps with the bar to its right
    assert board_text(engine) == "....I.\nI.I.I.\n#.=.#%"
    click_cell(engine, 1, 4)  # the tall bar now stands on a wall cell
    assert board_text(engine) == "....I.\nI.I.I.\n#.=.#%"
    click_cell(engine, 1, 2)  # the short bar now stands on the pad: it swaps back
    assert board_text(engine) == ascii_map(PADS)


def test_cycle_bars_moves_every_bar_one_place_left_and_the_first_to_the_end() -> None:
    engine = engine_for("I.....\nI.H...\nI.H.I%\n=#=###", rules=(swap_on_pad, cycle_bars))
    click_cell(engine, 2, 5)
    assert board_text(engine) == "....I.\nH...I.\nH.I.I%\n=#=###"
    click_cell(engine, 2, 0)  # a bar click is not a rotor click: it swaps (on its pad)
    assert board_text(engine) == "....I.\n..H.I.\nI.H.I%\n=#=###"


def test_cycle_bars_ignores_other_clicks_and_actions() -> None:
    engine = engine_for(PADS, rules=(cycle_bars,))
    for cell in ((1, 0), (2, 1), (2, 4)):
        click_cell(engine, *cell)
    engine.step(Action.INTERACT)
    assert board_text(engine) == ascii_map(PADS)


# --- conditions ----------------------------------------------------------------------


CONDITION_CASES = [
    (count_lamps, "xxx.\nxox.\nxxx.\n10..", True),
    (count_lamps, "xxx.\nxox.\nxxx.\n00..", False),  # too few lit
    (count_lamps, "xxx.\nxox.\nxxx.\n11..", False),  # too many
    (count_lamps, "xxxo\nxox.\nxxx.\n10..", True),  # a dot outside the ring does not count
    (count_lamps, "xxxo\nxox.\nxxx.\n11..", False),
    (count_lamps, "xxx.\nxo..\nxxx.\n00..", True),  # a ring with a gap encloses nothing
    (count_lamps, "xxx.\nxo..\nxxx.\n10..", False),
    (count_lamps, "xxxxx\nxoxox\nxxxxx\n.11..", True),  # two rings add up
    (count_lamps, "o.0", True),  # no ring: nothing to count, so no lamp may be lit
    (count_lamps, "o.1", False),
    (lamp_rows_ascend, "10\n11", True),
    (lamp_rows_ascend, "00\n.1\n11", True),
    (lamp_rows_ascend, "11\n10", False),
    (lamp_rows_ascend, "10\n01", False),  # as many is not more
    (lamp_rows_ascend, "10", True),  # one row: nothing to compare
    (sorted_bars, ".I\nII\n##", True),
    (sorted_bars, "I.\nII\n##", False),
    (sorted_bars, "I.I\nI.I\n###", True),  # equal heights may stand either way
    (sorted_bars, "H.\nHI\n##", True),  # teal bars are ignored
    (sorted_bars, "I..\nIHI\n###", False),
]


@pytest.mark.parametrize(
    ("cond", "board", "expected"),
    CONDITION_CASES,
    ids=[f"{c.__name__}-{b!r}-{e}" for c, b, e in CONDITION_CASES],
)
def test_condition(cond, board: str, expected: bool) -> None:
    game = tiny_game(board, rules=(), actions=CLICK_ACTIONS, legend=LEGEND)
    assert cond(game.parsed[0].start) is expected

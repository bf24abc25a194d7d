"""Step-rate benchmark: every game's env steps/s next to MiniGrid DoorKey-8x8, measured in one run.

    python benchmarks/step_rate.py                  # all games, 2 s per measurement
    python benchmarks/step_rate.py --games ujzd,e8gx --seconds 5
    python benchmarks/step_rate.py --json > bench.json

Same functions as ``arcgames bench`` (see arcgames/bench.py for what is timed and why).
"""

from __future__ import annotations

import argparse

from arcgames.bench import main_bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=2.0, help="time per measurement, per game (default 2)")
    parser.add_argument("--games", nargs="+", metavar="ID", help="game ids, space- or comma-separated (default: all)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON instead of a table")
    args = parser.parse_args(argv)
    games = [game_id for arg in args.games for game_id in arg.split(",") if game_id] if args.games else None
    return main_bench(games, args.seconds, args.json)


if __name__ == "__main__":
    raise SystemExit(main())

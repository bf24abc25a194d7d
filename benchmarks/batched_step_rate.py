"""Batched step rate: the batched torch engine's env steps/s next to the scalar engine's, in one run.

    python benchmarks/batched_step_rate.py                      # every game, N=1024 on CPU, 2 s each
    python benchmarks/batched_step_rate.py --games ujzd --envs 4096 --seconds 5
    python benchmarks/batched_step_rate.py --json > batched.json
    ARCGAMES_THREADS=1 python benchmarks/batched_step_rate.py   # one thread for the batched loop
 Same functions as
``arcgames.batched.bench`` (see there for what is timed and why).
"""

from __future__ import annotations

import argparse

from arcgames.batched.bench import CPU_ENVS, main_batched_bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=1.0, help="time per measurement (default 1)")
    parser.add_argument("--games", nargs="+", metavar="ID", help="game ids to measure (default: all)")
    parser.add_argument("--envs", type=int, default=CPU_ENVS, help=f"envs per batch on CPU (default {CPU_ENVS})")
    parser.add_argument("--json", action="store_true", help="print the report as JSON instead of a table")
    args = parser.parse_args(argv)
    return main_batched_bench(args.games, args.seconds, args.json, num_envs=args.envs)


if __name__ == "__main__":
    raise SystemExit(main())

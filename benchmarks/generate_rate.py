"""Generator figures for the README: games per second, rejection rates, solver counts per level, blind play.

    python benchmarks/generate_rate.py                               # every preset, 4 games each, seed 1
    python benchmarks/generate_rate.py --presets small medium --games 8 --json > generate.json

For each preset it generates a pack (timed), then audits every level again with seeds the
generator did not use for rejecting (arcgames.audit: each strategy's mean share of winning plays
at 5x, 10 plays per strategy and level, seed 100).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from arcgames.audit import GOAL_FACTOR, audit_suite
from arcgames.generate import PRESETS, generate_pack
from arcgames.registry import PACKS_ENV, reload_games, use_pack


def measure(preset: str, games: int, seed: int, folder: Path) -> dict:
    start = time.perf_counter()
    report = generate_pack(seed, games, folder / preset, preset)
    seconds = time.perf_counter() - start
    os.environ.pop(PACKS_ENV, None)
    reload_games()
    use_pack(folder / preset)
    audit = audit_suite([g.game_id for g in report.games], plays=10, seed=100, factors=(GOAL_FACTOR,))
    counts = [[lv.solver_actions for lv in g.levels] for g in report.games]
    return {
        "preset": preset, "games": games, "seconds": round(seconds, 2), "games_per_second": round(games / seconds, 4),
        "levels_sampled": report.rejections.levels_sampled,
        "level_rejection_rate": round(report.rejections.level_rejection_rate, 4),
        "games_sampled": report.rejections.games_sampled, "rejections": report.rejections.model_dump(),
        "median_solver_counts": [statistics.median(c) for c in zip(*counts, strict=True)],
        "min_solver_counts": [min(c) for c in zip(*counts, strict=True)],
        "max_solver_counts": [max(c) for c in zip(*counts, strict=True)],
        "blind_play_fresh_seeds": {n: round(audit.mean_share(n, GOAL_FACTOR), 4) for n in audit.strategies},
        "levels_falling_to_two": len(audit.fall_to_several(GOAL_FACTOR)),
    }  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--presets", nargs="+", default=list(PRESETS), choices=list(PRESETS))
    parser.add_argument("--games", type=int, default=4, help="games per preset (default 4)")
    parser.add_argument("--seed", type=int, default=1, help="generation seed (default 1)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a markdown table")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        rows = [measure(p, args.games, args.seed, Path(tmp)) for p in args.presets]
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    print("| preset | games/s | level maps sampled | rejected | games sampled | solver counts per level "
          "(median; min-max) | audit at 5x, fresh seeds (uniform / repeat / frame-change / explorer) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        levels = " ".join(f"{m:g}" for m in r["median_solver_counts"])
        spans = f"{r['min_solver_counts'][0]}-{r['max_solver_counts'][0]} … " \
                f"{r['min_solver_counts'][-1]}-{r['max_solver_counts'][-1]}"  # fmt: skip
        blind = r["blind_play_fresh_seeds"]
        print(
            f"| {r['preset']} | {r['games_per_second']:.3f} ({r['games']} in {r['seconds']:.0f} s) | "
            f"{r['levels_sampled']} | {r['level_rejection_rate']:.0%} | {r['games_sampled']} | {levels} ({spans}) | "
            + " / ".join(f"{blind[k]:.1%}" for k in ("uniform", "repeat", "frame-change", "explorer"))
            + " |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Does training on generated games transfer to held-out games better than training on the public ones?

Two PPO runs with the same budget, seed and hyperparameters: one on the public split, one
on a fresh stream of generated games (``--fresh``: a new game after every update, see
arcgames/fresh.py). Both checkpoints, and the random agent for the bar, then play the
evaluation split through the evaluation harness (fresh process per run, budgets 5x the
solver count), and the levels each beats are printed side by side.

    python benchmarks/transfer.py --steps 200000                      # both arms, then the table
    python benchmarks/transfer.py --arms fresh --steps 200000         # one arm (run two at once)
    python benchmarks/transfer.py --arms public,fresh --eval-only     # the table from trained arms

A trained arm's checkpoint is kept in ``--out``/<arm>/ and reused, so an interrupted run
resumes with the arm it had not finished. ``--json`` prints the table for scripts.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from arcgames.agents.ppo.train import parse_args, train
from arcgames.evaluate import EvalResult, evaluate

ARMS = ("public", "fresh")


def train_arm(arm: str, args: argparse.Namespace) -> Path:
    """Train one arm (unless its checkpoint exists) and return the checkpoint."""
    out = args.out / arm
    checkpoint = out / "checkpoint.pt"
    if checkpoint.exists():
        print(f"{arm}: reusing {checkpoint}", file=sys.stderr)
        return checkpoint
    games = ["--fresh", args.preset, "--fresh-games", str(args.fresh_games)] if arm == "fresh" else ["--games", arm]
    settings = ["--total-steps", str(args.steps), "--num-envs", str(args.num_envs), "--num-steps", "32",
                "--seed", str(args.seed), "--out", str(out), "--log-every", "5"]  # fmt: skip
    train(parse_args([*games, *settings]))
    return checkpoint


def levels_beaten(result: EvalResult) -> tuple[int, int, float]:
    """(levels beaten in each game's best run, levels in those games, mean levels per run)."""
    best: dict[str, int] = {}
    totals: dict[str, int] = {}
    for run in result.runs:
        best[run.game_id] = max(best.get(run.game_id, 0), run.levels_completed)
        totals[run.game_id] = run.num_levels
    mean = sum(r.levels_completed for r in result.runs) / max(len(result.runs), 1)
    return sum(best.values()), sum(totals.values()), mean


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--arms", default=",".join(ARMS), help="comma-separated: public, fresh (default both)")
    parser.add_argument("--steps", type=int, default=200_000, help="env steps per arm (default 200000)")
    parser.add_argument("--num-envs", type=int, default=256, help="parallel envs per arm (default 256)")
    parser.add_argument("--preset", default="small", help="generator preset of the fresh arm (default small)")
    parser.add_argument("--fresh-games", type=int, default=8, help="generated games trained on at once (default 8)")
    parser.add_argument("--seed", type=int, default=1, help="training seed of both arms (default 1)")
    parser.add_argument("--runs", type=int, default=3, help="evaluation runs per game (default 3)")
    parser.add_argument("--games", default="evaluation", help="the held-out games (default: the evaluation split)")
    parser.add_argument("--out", type=Path, default=Path("transfer-out"), help="folder for checkpoints and runs")
    parser.add_argument("--eval-only", action="store_true", help="do not train: evaluate the arms' checkpoints")
    parser.add_argument("--json", action="store_true", help="print the table as JSON")
    args = parser.parse_args(argv)
    arms = [a for a in args.arms.split(",") if a]
    unknown = sorted(set(arms) - set(ARMS))
    if unknown or not arms:
        parser.error(f"--arms: unknown {unknown}; use {', '.join(ARMS)}")

    checkpoints = {}
    for arm in arms:
        checkpoint = args.out / arm / "checkpoint.pt"
        if args.eval_only and not checkpoint.exists():
            parser.error(f"--eval-only: {arm} has no checkpoint at {checkpoint}; train it first")
        checkpoints[arm] = checkpoint if args.eval_only else train_arm(arm, args)
    if not args.eval_only and len(arms) < len(ARMS):
        return 0  # one arm of a split run: the table comes from the --eval-only call

    rows = []
    players = [("random", "random", {})] + [(f"ppo ({arm})", "ppo", {"checkpoint": str(c)}) for arm, c in
                                            checkpoints.items()]  # fmt: skip
    for label, agent, kwargs in players:
        folder = args.out / f"eval-{label.replace(' ', '-').replace('(', '').replace(')', '')}"
        result = evaluate(agent, games=args.games, runs=args.runs, out=folder, agent_kwargs=kwargs)
        beaten, total, mean = levels_beaten(result)
        config = {}
        if agent == "ppo":
            config = json.loads((Path(kwargs["checkpoint"]).parent / "config.json").read_text())
        rows.append({"player": label, "levels_beaten": beaten, "levels": total, "mean_levels_per_run": round(mean, 3),
                     "env_steps": config.get("env_steps"), "train_seconds": config.get("wall_seconds"),
                     "games_trained_on": len(config.get("games", [])) or None})  # fmt: skip
    if args.json:
        print(json.dumps(rows, indent=1))
    else:
        print(f"held-out games: {args.games}; {args.runs} runs per game; budget 5x the solver count per level")
        for row in rows:
            trained = f", {row['env_steps']:,} steps on {row['games_trained_on']} games" if row["env_steps"] else ""
            print(f"  {row['player']:<14} {row['levels_beaten']}/{row['levels']} levels beaten (best runs), "
                  f"{row['mean_levels_per_run']:.2f} per run{trained}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())

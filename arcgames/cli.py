"""The ``arcgames`` command line: one small function per subcommand."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table
from rich.text import Text

from arcgames.actions import InvalidActionError
from arcgames.agent import GameInfo
from arcgames.env import make
from arcgames.evaluate import EvaluationInterrupted, RunResult
from arcgames.game import GameDefinitionError
from arcgames.plaintext import plain
from arcgames.registry import PACKS_ENV, UnknownGameError, get_game, list_games, use_pack
from arcgames.remote import RemoteError
from arcgames.render import frame_to_rich, frame_to_text

if TYPE_CHECKING:
    from arcgames.audit import Goal, SuiteAudit
    from arcgames.suite import GameReport

console = Console()
errors = Console(stderr=True)

# Errors a user can cause and fix; anything else is a bug and keeps its traceback.
USER_ERRORS = (UnknownGameError, GameDefinitionError, InvalidActionError, ValueError, TypeError, OSError, RemoteError)


def _print_json(data: object) -> None:
    print(json.dumps(data, indent=2))


def cmd_list(args: argparse.Namespace) -> int:
    rows = []
    for game_id in list_games(args.split):
        game = get_game(game_id)
        rows.append(
            {"id": game.id, "split": game.split, "levels": game.num_levels, "actions": [a.name for a in game.actions]}
        )
    if args.json:
        _print_json(rows)
        return 0
    table = Table(title=f"arcgames: {len(rows)} games")
    for column in ("id", "split", "levels", "actions"):
        table.add_column(column)
    for row in rows:
        table.add_row(row["id"], row["split"], str(row["levels"]), " ".join(row["actions"]))
    console.print(table)
    return 0


def _level_index(level: int, game_id: str) -> int:
    """A level number as people type it (1-based, ``--level``) as the 0-based index the engine takes."""
    num_levels = get_game(game_id).num_levels
    if not 1 <= level <= num_levels:
        raise ValueError(f"--level must be in 1..{num_levels} for game {game_id} (level 1 is the first), got {level}")
    return level - 1


def cmd_show(args: argparse.Namespace) -> int:
    env = make(args.game)
    game = get_game(args.game)
    frame, _ = env.reset(options={"level": _level_index(args.level, args.game)})
    if args.json:
        _print_json({"game_id": game.id, "level": args.level, "num_levels": game.num_levels, "frame": frame.tolist()})
    elif args.hex:
        print(frame_to_text(frame))
    else:
        console.print(f"game {game.id}, level {args.level} of {game.num_levels}")
        console.print(frame_to_rich(frame), end="")
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from arcgames.agent import agent_view, make_agent, opaque_run_id

    if args.steps < 1:
        raise ValueError(f"--steps must be at least 1, got {args.steps}")
    env = make(args.game)
    agent = make_agent(args.agent, args.seed)
    frame, info = env.reset(seed=args.seed)
    run_id = opaque_run_id()
    agent.reset(GameInfo(game_id=run_id, num_levels=info["num_levels"],
                         available_actions=info["available_actions"]))  # fmt: skip
    start = time.perf_counter()
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("levels {task.fields[levels]}"),
        TimeRemainingColumn(),
        console=errors,
        transient=True,
        disable=args.json,
    ) as progress:
        task = progress.add_task(f"{args.agent} on {args.game}", total=args.steps, levels=0)
        for _ in range(args.steps):
            frame, _, _, _, info = env.step(agent.act(frame, agent_view(info, run_id)))
            progress.update(task, advance=1, levels=f"{info['levels_completed']}/{info['num_levels']}")
            if info["state"] == "WIN":
                break
    elapsed = time.perf_counter() - start
    result = {
        "game_id": args.game,
        "agent": args.agent,
        "seed": args.seed,
        "actions": info["action_count"],
        "levels_completed": info["levels_completed"],
        "num_levels": info["num_levels"],
        "state": info["state"],
        "actions_per_second": round(info["action_count"] / elapsed, 1),
    }
    if args.json:
        _print_json(result)
    else:
        console.print(
            f"{args.agent} on {args.game}: {result['actions']} actions, "
            f"levels {result['levels_completed']}/{result['num_levels']}, end state {result['state']} "
            f"({result['actions_per_second']:,.0f} actions/s)"
        )
    return 0


def cmd_solve(args: argparse.Namespace) -> int:
    from arcgames.solver import solve

    if args.write_counts:
        from arcgames.baselines import write_solver_counts

        for path, ids in write_solver_counts([args.game] if args.game else None).items():
            console.print(f"wrote solver counts for {len(ids)} games to {path}")
        return 0
    if not args.game:
        raise ValueError("give a game id, or --write-counts to solve every game")
    game = get_game(args.game)
    levels = [_level_index(args.level, args.game)] if args.level is not None else range(game.num_levels)
    rows = []
    for level in levels:
        start = time.perf_counter()
        solution = solve(game, level)
        rows.append(
            {
                "level": level + 1,
                "solvable": solution is not None,
                "solver_actions": solution.length if solution else None,
                "states_explored": solution.states_explored if solution else None,
                "seconds": round(time.perf_counter() - start, 3),
                "solution": [str(a) for a in solution.actions] if solution else None,
            }
        )
    if args.json:
        _print_json({"game_id": game.id, "source": "solver", "levels": rows})
        return 0 if all(r["solvable"] for r in rows) else 1
    table = Table(title=f"game {game.id}: solver minimal action counts (solver, not human data)")
    for column in ("level", "solver actions", "states explored", "seconds"):
        table.add_column(column, justify="right")
    for r in rows:
        table.add_row(str(r["level"]), str(r["solver_actions"] or "unsolvable"), str(r["states_explored"] or "-"),
                      f"{r['seconds']:.2f}")  # fmt: skip
    console.print(table)
    return 0 if all(r["solvable"] for r in rows) else 1


def _llm_kwargs(args: argparse.Namespace) -> dict[str, str]:
    """--model and --base-url as agent kwargs, only those given (other agents take neither)."""
    return {k: v for k, v in (("model", args.model), ("base_url", args.base_url)) if v is not None}


def cmd_eval(args: argparse.Namespace) -> int:
    from arcgames.evaluate import evaluate

    if args.remote and args.games != "public":
        raise ValueError("--remote plays the host's games; drop --games")
    result = evaluate(
        args.agent, games=args.games, runs=args.runs, seed=args.seed, out=args.out, budget_factor=args.budget_factor,
        max_actions=args.max_actions, workers=args.workers, console=errors, executor=args.executor,
        ray_address=args.ray_address, agent_kwargs=_llm_kwargs(args), remote=args.remote,
        api_key=args.api_key or os.environ.get("ARC_API_KEY"),
    )  # fmt: skip
    status = 0 if all(r.verified or r.hosted for r in result.runs) else 1
    if args.json:
        _print_json(result.model_dump(mode="json"))
        return _all_crashed(result.runs) or status
    table = Table(title=f"{args.agent}: {len(result.runs)} runs, recordings in {result.out_dir}")
    for column in ("game", "runs", "levels completed (mean)", "actions (mean)", "ends", "verified"):
        table.add_column(column)
    for game_id, runs in result.by_game().items():
        ends = ", ".join(sorted({r.end for r in runs}))
        levels = sum(r.levels_completed for r in runs) / len(runs)
        actions = sum(r.actions for r in runs) / len(runs)
        verified = "by the host" if runs[0].hosted else "yes" if all(r.verified for r in runs) else "[red]NO[/]"
        table.add_row(plain(game_id), str(len(runs)), f"{levels:.2f} / {runs[0].num_levels}", f"{actions:.0f}",
                      plain(ends), verified)  # fmt: skip
    console.print(table)
    if result.scorecard is not None:
        score = result.scorecard.get("score")
        shown = f"{score:.2f}" if isinstance(score, int | float) else "not shown"
        console.print(Text(f"host scorecard {result.scorecard.get('card_id')}: score {shown} (0..100); the host's "
                           "recordings of it are what a leaderboard ranks; saved to "
                           f"{result.out_dir / 'scorecard.json'}"))  # fmt: skip
    return _all_crashed(result.runs) or status


def _all_crashed(runs: list[RunResult]) -> int:
    """1 with the reasons on stderr when every run crashed (nothing was measured), else 0."""
    if not runs or any(r.end != "crash" for r in runs):
        return 0
    reasons = sorted({r.detail or "no reason recorded" for r in runs})
    shown = "; ".join(reasons[:3]) + (f"; and {len(reasons) - 3} more" if len(reasons) > 3 else "")
    errors.print(Text.assemble(("error:", "bold red"), f" every run crashed ({len(runs)} of {len(runs)}): {shown}"))
    return 1


def cmd_score(args: argparse.Namespace) -> int:
    from arcgames.scoring import score_directory

    report = score_directory(args.run_dir, split=args.split, baselines_file=args.baselines)
    if args.json:
        _print_json(report.model_dump(mode="json"))
        return 0
    table = Table(title=Text(f"scores for {report.player or 'nobody'} ({args.run_dir})"))
    for column in ("game", "runs", "score (mean)", "best run", "levels (mean)", "baseline"):
        table.add_column(column)
    for g in report.games:
        table.add_row(g.game_id, str(len(g.runs)), f"{g.score:.3f}", f"{g.best_run_score:.3f}",
                      f"{g.levels_completed:.1f} / {g.num_levels}", g.baseline.provenance)  # fmt: skip
    console.print(table)
    low, high = report.total_ci
    levels = f"{report.levels_completed}/{report.total_levels}"
    console.print(f"[bold]total {report.total:.4f}[/] over {report.over} (95% CI {low:.4f}-{high:.4f}), "
                  f"IQM {report.iqm:.4f}, best-run total {report.best_run_total:.4f}, levels {levels}")  # fmt: skip
    console.print(
        "A leaderboard computes the same total against its own baselines (`arcgames leaderboard "
        "baselines`); these are " + ("the file's" if args.baselines else "the solver's counts") + "."
    )
    curve = ", ".join("-" if e is None else f"{e:.2f}" for e in report.efficiency_curve)
    console.print(f"efficiency by level (baseline/actions, 1.0 = baseline pace): {curve}")
    for reason in report.rejected:
        console.print(plain("not scored ", "red") + plain(reason))
    return 0


def cmd_baseline_build(args: argparse.Namespace) -> int:
    from arcgames.baselines import build_human_baselines, solver_counts

    missing = [str(arg) for arg in args.recordings if not arg.exists()]
    if missing:
        raise ValueError(f"no such file or folder: {', '.join(missing)}")
    paths = [p for arg in args.recordings for p in (sorted(arg.rglob("*.jsonl")) if arg.is_dir() else [arg])]
    if not paths:
        raise ValueError("no recordings given; pass .jsonl files or folders of them (a study's --out folder)")
    expected = _game_ids(args.games) if args.games else None
    baselines, skipped = build_human_baselines(paths, study=args.study or "", expected=expected)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(baselines.model_dump_json(indent=1) + "\n")
    failures = baselines.failures()
    if args.json:
        _print_json({"output": str(args.output), "baselines": baselines.model_dump(mode="json"), "skipped": skipped,
                     "failures": failures})  # fmt: skip
        return 0
    for game_id, game in baselines.games.items():
        verdict = "validated" if game.validated else "FAILED the human test"
        table = Table(title=Text(f"{game_id}: {game.players} first-time players, {game.full_completers} solved "
                                 f"every level: {verdict}"), title_justify="left")  # fmt: skip
        for column in ("level", "completers", "baseline (upper median)", "solver", "status"):
            table.add_column(column, justify="left" if column in ("level", "status") else "right")
        solver = _solver_or_none(solver_counts, game_id)
        for number, level in enumerate(game.levels, start=1):
            table.add_row(str(number), f"{level.completers} of {game.players}",
                          "-" if level.count is None else str(level.count),
                          "-" if solver is None else str(solver[number - 1]), level.status)  # fmt: skip
        console.print(table)
    for reason in skipped:
        console.print(Text.assemble(("skipped ", "yellow"), reason))
    for problem in failures:
        console.print(Text.assemble(("failed ", "red"), problem))
    if not baselines.games:
        console.print("no verified first play by a human: no baselines")
    elif not failures:
        console.print("every game passed the human test")
    console.print(Text(f"wrote {args.output} (provenance: human{', study ' + args.study if args.study else ''})"))
    return 0


def _solver_or_none(solver_counts, game_id: str) -> list[int] | None:
    from arcgames.baselines import StaleBaselineError

    try:
        return solver_counts(game_id)
    except StaleBaselineError:
        return None


def cmd_export_sft(args: argparse.Namespace) -> int:
    import tempfile

    from arcgames.train.sft import ExportSettings, export, record_solutions

    if not args.recordings and not args.solver:
        raise ValueError("give recordings (.jsonl files or folders), or --solver public to export solver solutions")
    settings = ExportSettings(history=args.history, rle=args.rle, filters=tuple(args.filter or ()),
                              max_ratio=args.max_ratio)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="arcgames-solver-") as scratch:
        paths = list(args.recordings)
        if args.solver:
            games = _game_ids(args.solver)
            errors.print(plain(f"recording the solver's solutions of {len(games)} games ...", "dim"))
            paths += record_solutions(games, args.keep_recordings or Path(scratch))
        result = export(paths, args.out, settings)
    if args.json:
        _print_json(result)
        return 0
    console.print(plain(f"wrote {result['examples']} examples from {result['recordings']} recordings to {args.out}"))
    for path, reason in result["skipped"].items():
        console.print(plain("skipped ", "yellow") + plain(f"{path}: {reason}"))
    return 0


DB_HELP = "leaderboard database (default: leaderboard.sqlite in the data folder)"


def cmd_submit(args: argparse.Namespace) -> int:
    from arcgames.leaderboard.submit import submit
    from arcgames.leaderboard.views import load, ranked

    if args.baselines is not None:
        raise ValueError(
            "a leaderboard scores every submission against its own baselines, never a submitter's file; "
            "see them with `arcgames leaderboard baselines`, or score locally with `arcgames score DIR --baselines`"
        )
    sub = submit(args.run_dir, args.name, split=args.split, db=args.db, notes=args.notes)
    rank = next(r for r, s in ranked(load(args.db)) if s.id == sub.id)
    if args.json:
        _print_json({"rank": rank, **sub.model_dump(mode="json")})
        return 0
    low, high = sub.total_ci
    console.print(Text.assemble(
        "submitted #", str(sub.id), " ", (sub.name, "bold"), f": total {sub.total:.4f} (95% CI {low:.4f}-{high:.4f}), "
        f"{len(sub.recordings)} verified recordings, rank {rank} in {sub.tier} · {sub.split}",
    ))  # fmt: skip
    return 0


def cmd_board_init(args: argparse.Namespace) -> int:
    from contextlib import closing

    from arcgames.leaderboard.store import BoardRules, board_rules, connect, current_baselines, default_db_path

    path = args.db or default_db_path()
    if path.exists():
        raise ValueError(f"{path} exists already; a board's rules are fixed when it is made: choose another --db")
    if args.runs < 1 or args.budget_factor <= 0:
        raise ValueError(f"--runs must be at least 1 and --budget-factor above 0: {args.runs}, {args.budget_factor}")
    rules = BoardRules(runs_per_game=args.runs, seed=args.seed, budget_factor=args.budget_factor)
    with closing(connect(path, create=True, rules=rules)) as conn:
        rules, baselines = board_rules(conn), current_baselines(conn)
    if args.json:
        _print_json({"db": str(path), "rules": rules.model_dump(), "baseline_version": baselines.version})
    else:
        console.print(Text(f"created {path}: {rules.runs_per_game} runs per game, seeds {rules.seed}.., "
                           f"budgets x{rules.budget_factor}; baselines v{baselines.version}: "
                           f"{baselines.description}"))  # fmt: skip
    return 0


def cmd_trust_host(args: argparse.Namespace) -> int:
    from contextlib import closing

    from arcgames.hosting import fingerprint, read_public_key
    from arcgames.leaderboard.store import Host, add_host, connect
    from arcgames.leaderboard.submit import check_name

    pem = read_public_key(args.public_key)
    host = Host(fingerprint=fingerprint(pem), name=check_name(args.name), public_key=pem)
    with closing(connect(args.db, create=True)) as conn:
        add_host(conn, host)
    console.print(Text(f"the board accepts hosted submissions signed by {host.name} (key {host.fingerprint[:16]}…)"))
    return 0


def cmd_board_baselines(args: argparse.Namespace) -> int:
    from contextlib import closing

    from arcgames.leaderboard.baselines import update_baselines
    from arcgames.leaderboard.store import connect, current_baselines

    if args.human and not args.update:
        raise ValueError("--human needs --update: human baselines go into a new version of the board's baselines")
    skipped: list[str] = []
    with closing(connect(args.db, create=args.update)) as conn:
        if args.update:
            baselines, skipped = update_baselines(conn, args.human)
        else:
            baselines = current_baselines(conn)
    if args.json:
        _print_json(baselines.model_dump(mode="json") | {"skipped": skipped})
        return 0
    for reason in skipped:
        errors.print(Text(f"skipped {reason}"))
    console.print(Text(f"baselines v{baselines.version} ({baselines.created_at:%Y-%m-%d %H:%M} UTC): "
                       f"{baselines.description}"))  # fmt: skip
    for game_id, baseline in sorted(baselines.baselines.items()):
        console.print(Text(f"  {game_id}: {' '.join(map(str, baseline.counts))}  ({baseline.provenance})"))
    return 0


def cmd_leaderboard(args: argparse.Namespace) -> int:
    from arcgames.leaderboard.views import load, tables, to_json, write_html

    submissions = load(args.db)
    if args.replay_url and not args.html:
        raise ValueError("--replay-url needs --html DIR: the links go into the HTML page")
    if args.html:
        page = write_html(args.db, args.html, args.replay_url)
        (errors if args.json else console).print(f"wrote {page}", highlight=False, markup=False)
    if args.json:
        _print_json(to_json(submissions))
    elif not submissions:
        console.print("no submissions yet; submit a run with `arcgames submit RUN_DIR --name NAME`", markup=False)
    else:
        for table in tables(submissions):
            console.print(table)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from arcgames.checks import check_game

    game_ids = _pack_or_selected_games(args)
    results = []
    with Progress(TextColumn("checking {task.description}"), BarColumn(), MofNCompleteColumn(), console=errors,
                  transient=True, disable=args.json) as progress:  # fmt: skip
        task = progress.add_task("games", total=len(game_ids))
        for game_id in game_ids:
            progress.update(task, description=game_id)
            results.append(check_game(game_id))
            progress.advance(task)
    if args.json:
        _print_json([r.model_dump() | {"ok": r.ok} for r in results])
    else:
        table = Table(title=f"checks of {len(results)} games")
        for column in ("game", "check_env", "deterministic", "solver counts", "result"):
            table.add_column(column)
        for r in results:
            counts = " ".join("-" if c is None else str(c) for c in r.solver_counts)
            verdict = "[green]ok[/]" if r.ok else "[red]" + "; ".join(r.problems) + "[/]"
            table.add_row(r.game_id, r.check_env[:40], str(r.deterministic), counts, verdict)
        console.print(table)
    return 0 if all(r.ok for r in results) else 1


def _pack_or_selected_games(args: argparse.Namespace) -> list[str]:
    """--games when given; else the --pack games when a pack was given; else every game."""
    return args.pack_games if args.pack and not args.games else _game_ids(args.games)


def _game_ids(spec: str | None) -> list[str]:
    from arcgames.evaluate import resolve_games

    return resolve_games(spec or "all")


def cmd_cards(args: argparse.Namespace) -> int:
    from arcgames.baselines import solver_counts

    cards = []
    for game_id in _game_ids(args.games):
        game = get_game(game_id)
        card = game.card
        cards.append({
            "id": game.id, "title": game.title, "split": game.split, "idea": card.idea if card else None,
            "priors": list(card.priors) if card else [], "primitives": list(game.primitives),
            "actions": [a.name for a in game.actions], "solver_counts": solver_counts(game_id),
            "levels": list(card.levels) if card else [],
        })  # fmt: skip
    if args.json:
        _print_json(cards)
        return 0
    for c in cards:
        console.rule(f"[bold]{c['id']}[/] {escape(c['title'])} ({c['split']})")
        console.print(f"idea: {escape(c['idea'] or '(no card)')}", highlight=False)
        console.print(f"priors: {', '.join(c['priors'])}\nprimitives: {', '.join(c['primitives'])}")
        console.print(f"actions: {' '.join(c['actions'])}")
        for i, count in enumerate(c["solver_counts"]):
            insight = c["levels"][i] if i < len(c["levels"]) else ""
            console.print(f"  level {i + 1}: {count:>3} solver actions  {escape(insight)}", highlight=False)
    return 0


def cmd_gallery(args: argparse.Namespace) -> int:
    from arcgames.suite import write_gallery

    page = write_gallery(args.out, _game_ids(args.games))
    console.print(f"wrote {page} and a PNG contact sheet per game (suite.png: all of them)")
    return 0


def cmd_suite_report(args: argparse.Namespace) -> int:
    from arcgames.audit import GOAL_FACTOR, audit_suite
    from arcgames.game import PRIORS
    from arcgames.suite import depth_goals, game_report

    if args.plays < 1 or args.workers < 1:
        raise ValueError(f"--plays and --workers must be at least 1, got {args.plays} and {args.workers}")
    game_ids = _pack_or_selected_games(args)
    levels = sum(get_game(game_id).num_levels for game_id in game_ids)
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=errors, transient=True) as progress:  # fmt: skip
        task = progress.add_task(f"exploit audit ({args.plays} plays per strategy)", total=levels)
        audit = audit_suite(game_ids, plays=args.plays, seed=args.seed, workers=args.workers,
                            on_level=lambda _: progress.advance(task))  # fmt: skip
        task = progress.add_task("solving levels", total=len(game_ids))
        reports = []
        for game_id in game_ids:
            reports.append(game_report(game_id, audit))
            progress.advance(task)
    coverage = {f"{family}.{prior}": sorted(r.game_id for r in reports if f"{family}.{prior}" in r.priors)
                for family, priors in PRIORS.items() for prior in priors}  # fmt: skip
    depth = depth_goals([(r.split, [lv.solver_actions for lv in r.levels]) for r in reports])
    goals = {"depth": depth, "audit": audit.goals}
    failed = [goal.name for group in goals.values() for goal in group if not goal.passed]
    if args.json:
        _print_json({"games": [r.model_dump() for r in reports], "prior_coverage": coverage,
                     "depth": [g.model_dump() for g in goals["depth"]],
                     "audit": audit.model_dump(exclude={"levels"})})  # fmt: skip
        return 1 if args.strict and failed else 0
    table = Table(title=f"suite report: {len(reports)} games, {levels} levels")
    for column in ("game", "split", "levels", "primitives", "priors", "actions", "solver counts", "level 1", "last",
                   "whole game", "branching"):  # fmt: skip
        table.add_column(column)
    for r in reports:
        table.add_row(
            plain(r.game_id), r.split, str(len(r.levels)), plain(", ".join(r.primitives)), plain(", ".join(r.priors)),
            " ".join(a.removeprefix("ACTION") for a in r.actions), " ".join(str(lv.solver_actions) for lv in r.levels),
            str(r.first_level_actions), str(r.last_level_actions), str(r.total_actions),
            " ".join(f"{lv.branching:.1f}" for lv in r.levels),
        )  # fmt: skip
    console.print(table)
    thin = {prior: ids for prior, ids in coverage.items() if len(ids) < 3}
    console.print("priors covered by fewer than 3 games: " + (", ".join(f"{p} ({len(i)})" for p, i in thin.items())
                                                           or "none"))  # fmt: skip
    console.print(_audit_table(reports, audit.strategies, audit.factors))
    console.print(_fallen_levels(reports, GOAL_FACTOR))
    console.print(_audit_summary(audit))
    console.print(_goal_table(goals))
    return 1 if args.strict and failed else 0


def _audit_table(reports: list[GameReport], strategies: list[str], factors: tuple[int, ...]) -> Table:
    """Per game and strategy, the share of winning plays level by level (percent, level 1 first) at each budget.

    ``-``: the strategy does not play this game (aimed clicks in a game without clicks).
    """
    table = Table(title="exploit audit: % of plays that beat each level (level 1 first) within N x its solver count")
    for column in ("game", "strategy", *(f"{factor}x" for factor in factors)):
        table.add_column(column)
    for r in reports:
        for i, name in enumerate(strategies):
            cells = [" ".join(f"{round(100 * lv.audit[name].share(f))}" if name in lv.audit else "-" for lv in r.levels)
                     for f in factors]  # fmt: skip
            table.add_row(plain(r.game_id) if i == 0 else "", name, *cells, end_section=i == len(strategies) - 1)
    return table


def _fallen_levels(reports: list[GameReport], goal_factor: int) -> Text:
    """Which levels fall to which strategies at the goal budget, one line per game."""
    lines = []
    for r in reports:
        fallen = [f"level {lv.level} ({', '.join(lv.falls_to)})" for lv in r.levels if lv.falls_to]
        if fallen:
            lines.append(f"{r.game_id}: " + "; ".join(fallen))
    return plain(f"levels that fall at {goal_factor}x:\n  " + ("\n  ".join(lines) or "none"))


def _audit_summary(audit: SuiteAudit) -> Table:
    table = Table(title=f"exploit audit over {len(audit.levels)} levels, {audit.plays} plays per strategy "
                  f"(a level falls when {audit.falls_at:.0%} of plays win)")  # fmt: skip
    table.add_column("strategy")
    table.add_column("levels played", justify="right")
    for factor in audit.factors:
        table.add_column(f"beaten at {factor}x", justify="right")
        table.add_column(f"levels fallen at {factor}x", justify="right")
    for name in audit.strategies:
        cells = [cell for f in audit.factors
                 for cell in (f"{audit.mean_share(name, f):.1%}", str(len(audit.fallen(name, f))))]  # fmt: skip
        table.add_row(name, str(len(audit.played(name))), *cells)
    return table


def _goal_table(goals: dict[str, list[Goal]]) -> Table:
    """Targets and measurements, PASS or FAIL (user strings as plain text)."""
    table = Table(title="issue 15 targets")
    for column in ("group", "target", "goal", "measured", "result"):
        table.add_column(column)
    for group, items in goals.items():
        for goal in items:
            result = plain("PASS", "green") if goal.passed else plain("FAIL", "bold red")
            table.add_row(group, plain(goal.name), goal.target, goal.value, result)
    return table


def cmd_bench(args: argparse.Namespace) -> int:
    games = args.games.split(",") if args.games else None
    for game_id in games or []:
        get_game(game_id)
    if args.recording:
        from arcgames.bench import measure_recording

        costs = [measure_recording(g, args.seconds) for g in games or list_games()]
        if args.json:
            _print_json([c.model_dump() for c in costs])
            return 0
        table = Table(title="what recording adds to a step (RecordTrajectory vs the same env, alternated)")
        for column in ("game", "plain steps/s", "recorded steps/s", "overhead", "bytes/action"):
            table.add_column(column, justify="right")
        for c in costs:
            table.add_row(c.game_id, f"{c.plain_steps_per_s:,.0f}", f"{c.recorded_steps_per_s:,.0f}",
                          f"{c.overhead:.0%}", f"{c.bytes_per_action:.0f}")  # fmt: skip
        console.print(table)
        return 0
    if args.device != "cpu" and not args.batched:
        raise ValueError(f"--device {args.device} measures the batched engine: add --batched")
    if args.batched:
        try:
            from arcgames.batched.bench import main_batched_bench
        except ImportError as err:
            raise ValueError(str(err)) from None
        return main_batched_bench(games, args.seconds, args.json, num_envs=args.envs, device=args.device)
    from arcgames.bench import main_bench

    return main_bench(games, args.seconds, args.json)


def cmd_generate(args: argparse.Namespace) -> int:
    from arcgames.generate import PRESETS, count_distinct, generate_pack

    games = 8 if args.games is None else args.games
    if games < 1:
        raise ValueError(f"--games must be at least 1, got {games}")
    if args.count:
        start, _, stop = args.count.partition(":")
        if not (start.isdigit() and stop.isdigit() and int(start) < int(stop)):
            raise ValueError(f"--count takes a seed range START:STOP (STOP excluded), e.g. 0:1000, got {args.count!r}")
        counts = [count_distinct(name, range(int(start), int(stop)), games) for name in PRESETS]
        if args.json:
            _print_json([c.model_dump() for c in counts])
            return 0
        table = Table(title=f"distinct games per preset: seeds {args.count}, {games} games per seed")
        for column in ("preset", "rule sets", "possible games", "drawn", "distinct rule sets", "distinct games"):
            table.add_column(column, justify="right")
        for c in counts:
            table.add_row(c.preset, str(c.rule_sets), f"{c.possible_games:.2e}", str(c.drawn),
                          str(c.distinct_rule_sets), str(c.distinct_games))  # fmt: skip
        console.print(table)
        return 0
    if args.seed is None or args.out is None:
        raise ValueError("give --seed and --out (or --count START:STOP to count the distinct games of each preset)")
    start = time.perf_counter()
    with Progress(TextColumn("[bold]generating"), BarColumn(), MofNCompleteColumn(), TextColumn("{task.description}"),
                  TimeRemainingColumn(), console=errors, transient=True, disable=args.json) as progress:  # fmt: skip
        task = progress.add_task("", total=games)
        report = generate_pack(args.seed, games, args.out, args.preset, args.split,
                               on_game=lambda g: progress.update(task, advance=1, description=g.game_id))  # fmt: skip
    seconds = time.perf_counter() - start
    rejections = report.rejections
    summary = {"out": str(args.out), "seconds": round(seconds, 2), "games_per_second": round(games / seconds, 4),
               "level_rejection_rate": round(rejections.level_rejection_rate, 4)}  # fmt: skip
    if args.json:
        _print_json(report.model_dump(mode="json") | summary)
        return 0
    table = Table(title=f"{games} games, preset {args.preset}: solver counts per level (solver, not human data)")
    for column in ("game", "rules", "win", "lose", "solver counts", "states explored (last level)"):
        table.add_column(column)
    for g in report.games:
        counts = " ".join(str(lv.solver_actions) for lv in g.levels)
        table.add_row(g.game_id, ", ".join(g.rules), ", ".join(g.win), ", ".join(g.lose) or "-", counts,
                      f"{g.levels[-1].states_explored:,}")  # fmt: skip
    console.print(table)
    reasons = {k: v for k, v in rejections.model_dump().items() if v and k not in ("levels_sampled", "games_sampled")}
    console.print(Text(
        f"{games} games in {seconds:.1f} s ({games / seconds:.2f} games/s); {rejections.levels_sampled} level maps "
        f"sampled, {rejections.level_rejection_rate:.0%} rejected; {rejections.games_sampled} games sampled. "
        "Resampled: " + (", ".join(f"{k.replace('_', ' ')} {v}" for k, v in reasons.items()) or "none")
    ))  # fmt: skip
    console.print(Text(f"wrote {args.out} (game files, solver_counts.json, generated.json); serve it privately with "
                       f"`arcgames serve --competition --pack {args.out}` (docs/generate.md)"))  # fmt: skip
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """The README's first command: play, record, verify, score and rank two baseline agents."""
    from datetime import datetime

    from arcgames.evaluate import evaluate
    from arcgames.leaderboard.store import BoardRules, connect
    from arcgames.leaderboard.submit import submit
    from arcgames.leaderboard.views import load, tables, write_html
    from arcgames.paths import data_dir

    games = list_games("public")
    folder = args.out or data_dir() / "demo" / datetime.now().strftime("%Y%m%d-%H%M%S")
    console.rule("[bold]arcgames demo")
    console.print(f"{len(list_games())} games; the demo plays the {len(games)} public ones: {', '.join(games)}.")
    console.print("No instructions: an agent sees frames like this one and must learn the rules by acting.")
    frame, _ = make(games[0]).reset()
    console.print(frame_to_rich(frame[::2, ::2]), end="")  # half size: fits a terminal
    db = folder / "leaderboard.sqlite"
    rules = BoardRules(runs_per_game=args.runs, seed=args.seed)  # the demo's own board, with the demo's rules
    connect(db, create=True, rules=rules).close()
    for agent in ("random", "explorer"):
        console.print(f"\n[bold]{agent}[/]: {args.runs} runs per game, each in a fresh process, every action recorded")
        result = evaluate(agent, games="public", runs=args.runs, seed=args.seed, out=folder / agent, console=errors)
        verified = sum(r.verified for r in result.runs)
        levels = sum(r.levels_completed for r in result.runs)
        console.print(f"  {len(result.runs)} runs, {verified} replay-verified, {levels} levels completed in all")
        entry = submit(folder / agent, f"{agent} agent (demo)", split="public", db=db)
        console.print(f"  submitted (self-reported tier): total {entry.total:.4f} over all {len(games)} public games")
    console.rule("[bold]leaderboard")
    for table in tables(load(db)):
        console.print(table)
    page = write_html(db, folder / "html")
    console.print(f"Recordings: {folder}\nLeaderboard page: {page}")
    console.print("Baselines are solver counts (labelled solver), not human data; see docs/scoring.md.")
    console.print("Next: `arcgames play GAME` to play yourself, `arcgames list`, `arcgames replay FILE --gif out.gif`.")
    return 0


def cmd_play(args: argparse.Namespace) -> int:
    if args.web:
        return _play_web(args)
    from arcgames.play import play_game

    level = _level_index(args.level, args.game)
    path = play_game(args.game, player=args.player, out_dir=args.out, seed=args.seed, level=level)
    console.print(f"recording saved: {path}")
    return 0


def _play_web(args: argparse.Namespace) -> int:
    """``play --web``: a one-person host on this machine; the browser page plays, the server records."""
    server = _server_package("play --web")
    import webbrowser
    from urllib.parse import urlencode

    from arcgames.paths import recordings_dir

    if args.level != 1 or args.seed != 0:
        raise ValueError("the play page starts every game at level 1 with seed 0; drop --level and --seed")
    game = get_game(args.game)  # an unknown id fails here, listing the games, before anything listens
    out = args.out or recordings_dir()
    config = server.ServerConfig(game_ids=[game.id], out_dir=out, local_first_plays=True)
    sock = server.listening_socket("127.0.0.1", args.port)

    def announce(url: str) -> None:
        page = f"{url}/play?{urlencode({'game': game.id, 'player': args.player})}"
        print(f"arcgames play --web: open {page} (recordings in {out}; Ctrl+C stops the server)", flush=True)
        if not args.no_browser:
            webbrowser.open(page)

    server.serve(config, announce=announce, sock=sock)  # until Ctrl+C; every recording gets its end line
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from arcgames.replay import verify

    if args.verify:
        results = [verify(path) for path in args.files]
        if args.json:
            _print_json([r.model_dump(mode="json") for r in results])
        for r in results if not args.json else []:
            if r.ok:
                levels = ", ".join(str(n) for n in r.level_actions) or "none"
                note = "" if r.complete else " (no end line: the play was interrupted)"
                console.print(plain("OK ", "green") + plain(
                    f"{r.path}: game {r.game_id}, {r.actions} actions, "
                    f"{r.levels_completed} levels (actions per level: {levels}), {r.state.value}{note}"
                ))  # fmt: skip
            else:
                console.print(plain("FAILED ", "red") + plain(f"{r.path}: {r.reason}"))
        return 0 if all(r.ok for r in results) else 1
    from arcgames import viewer

    if len(args.files) != 1:
        raise ValueError("the viewer shows one recording at a time; --verify accepts several")
    if args.gif:
        console.print(f"wrote {viewer.export_gif(args.files[0], args.gif, fps=args.fps)}")
    elif args.ansi:
        viewer.play_ansi(args.files[0], fps=args.fps, console=console)
    else:
        viewer.show_window(args.files[0], fps=args.fps)
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from arcgames.history import list_plays

    plays = list_plays(args.dir)
    if args.json:
        _print_json([p.model_dump(mode="json") for p in plays])
        return 0
    table = Table(title=f"{len(plays)} recordings in {args.dir or 'the local data folder'}")
    for column in ("date", "player", "game", "levels", "actions", "end", "file"):
        table.add_column(column)
    for p in plays:
        table.add_row(p.started_at.strftime("%Y-%m-%d %H:%M"), plain(p.player), plain(p.game_id),
                      str(p.levels_completed), str(p.actions), plain(p.end), plain(p.path.name))  # fmt: skip
    console.print(table)
    return 0


def _server_package(command: str):  # -> the arcgames.server module, which needs the serve extra
    try:
        import arcgames.server
    except ImportError as err:
        raise ValueError(f"`arcgames {command}` needs the serve extra: pip install 'arcgames[serve]' ({err})") from None
    return arcgames.server


def cmd_serve(args: argparse.Namespace) -> int:
    server = _server_package("serve")
    from arcgames.paths import data_dir

    out = args.out or data_dir() / "served"
    study = _study(args)
    game_ids = study.games if study else _pack_or_selected_games(args)
    competition = _competition(args, study)
    admin = None
    if study is not None:
        from arcgames.server.study import admin_key

        admin = admin_key(out)
    config = server.ServerConfig(game_ids=game_ids, out_dir=out, api_key=args.api_key, baselines_file=args.baselines,
                                 competition=competition, study=study, admin_key=admin)  # fmt: skip

    def announce(url: str) -> None:  # plain print: scripts read the URL from this line
        key = "X-API-Key required" if args.api_key else "keyless: clients get keys from /api/games/anonkey"
        if study is not None:
            key = f"study {study.name}: participants open {url}/study"
            errors.print(Text(f"study admin page (keep it private): {url}/study/admin#admin={admin}"))
        elif competition is not None:
            key = f"competition: {len(competition.participants)} participants, {competition.runs} runs per game"
        print(f"arcgames serve: {len(game_ids)} games at {url} ({key}); recordings in {out}", flush=True)

    server.serve(config, host=args.host, port=args.port, announce=announce)
    return 0


def _study(args: argparse.Namespace):  # -> StudySpec | None
    if args.study is None:
        return None
    from arcgames.server.study import load_study

    if args.competition or args.participants or args.api_key or args.games:
        raise ValueError("--study runs its own competition over its own games; drop --competition, "
                         "--participants, --api-key and --games")  # fmt: skip
    study = load_study(args.study)
    for game_id in study.games:
        get_game(game_id)  # an unknown id fails here, listing the games
    return study


def _competition(args: argparse.Namespace, study=None):  # -> Competition | None (the caller imports the extra)
    from arcgames.paths import data_dir
    from arcgames.server.competition import Competition, load_participants

    if study is not None:  # participants are made as they arrive; one play of each of their games
        key_path = args.host_key or data_dir() / "host-key.pem"
        _announce_host_key(key_path)
        return Competition(participants=(), host_key=key_path, runs=1, budget_factor=study.budget_factor,
                           study=study.name)  # fmt: skip
    if not args.competition:
        if args.participants:
            raise ValueError("--participants needs --competition")
        return None
    if not args.participants:
        raise ValueError("--competition needs --participants FILE: the participants' names, kinds and keys")
    if args.api_key:
        raise ValueError("--competition admits the --participants keys; drop --api-key")
    if args.runs < 1 or args.budget_factor <= 0:
        raise ValueError(f"--runs must be at least 1 and --budget-factor above 0: {args.runs}, {args.budget_factor}")
    key_path = args.host_key or data_dir() / "host-key.pem"
    _announce_host_key(key_path)
    return Competition(participants=load_participants(args.participants), host_key=key_path, runs=args.runs,
                       budget_factor=args.budget_factor)  # fmt: skip


def _announce_host_key(key_path: Path) -> None:
    from arcgames.hosting import fingerprint, load_or_create_host_key, public_pem

    key = load_or_create_host_key(key_path)
    public = key_path.with_suffix(".pub")
    public.write_text(public_pem(key))
    errors.print(Text(f"host key {fingerprint(public_pem(key))[:16]}…: give {public} to leaderboards "
                      "(`arcgames leaderboard trust-host`)"))  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    from arcgames import __version__

    parser = argparse.ArgumentParser(prog="arcgames", description="An open, local interactive reasoning benchmark.")
    parser.add_argument("--version", action="version", version=f"arcgames {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    packs = argparse.ArgumentParser(add_help=False)
    packs.add_argument("--pack", type=Path, action="append", metavar="DIR",
                       help=f"also load the games in this folder (repeatable; or set ${PACKS_ENV})")  # fmt: skip
    packs.add_argument("--color", choices=["auto", "always", "never"], default="auto",
                       help="colours on stdout: auto (a terminal, or FORCE_COLOR set), always (also into a pipe), "
                       "never")  # fmt: skip

    def command(name: str, help: str) -> argparse.ArgumentParser:
        """Every subcommand accepts --pack, so pack games work wherever games do."""
        return sub.add_parser(name, help=help, parents=[packs])

    p = command("list", help="list the games")
    p.add_argument("--split", choices=["public", "evaluation"], help="only games of this split")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(func=cmd_list)

    p = command("show", help="show a level's first frame in the terminal")
    p.add_argument("game", help="game id (see `arcgames list`)")
    p.add_argument("--level", type=int, default=1, help="level number, 1-based (default 1)")
    p.add_argument("--hex", action="store_true", help="print hex colour digits instead of colours")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(func=cmd_show)

    p = command("run", help="let an agent play a game")
    p.add_argument("game", help="game id (see `arcgames list`)")
    p.add_argument("--agent", default="random", help="random, explorer, ppo, llm or package.module:Class")
    p.add_argument("--steps", type=int, default=1000, help="maximum number of actions (default 1000)")
    p.add_argument("--seed", type=int, default=0, help="seed for the game and the agent (default 0)")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(func=cmd_run)

    p = command("eval", help="evaluate an agent on games; every run is recorded and verified")
    p.add_argument("--agent", required=True, help="random, explorer, llm, or an import path package.module:Class")
    p.add_argument("--games", default="public", help="public, evaluation, all, or comma-separated ids (default public)")
    p.add_argument("--runs", type=int, default=1, help="runs per game (default 1)")
    p.add_argument("--seed", type=int, default=0, help="seed of run 0; run k uses seed+k (default 0)")
    p.add_argument("--out", type=Path, default=Path("eval-out"), help="recordings folder; re-running resumes")
    p.add_argument("--budget-factor", type=float, default=5.0, help="per-level budget = factor x baseline (default 5)")
    p.add_argument("--max-actions", type=int, help="cap every level's budget at this many actions")
    p.add_argument("--workers", type=int, default=1, help="parallel processes (default 1)")
    p.add_argument("--executor", choices=["process", "ray"], default="process", help="where runs execute")
    p.add_argument("--ray-address", help="Ray cluster address for --executor ray (default: start Ray locally)")
    p.add_argument("--model", help="--agent llm: the model name the server knows (default gpt-4o-mini)")
    p.add_argument("--base-url", help="--agent llm: an OpenAI-compatible server, e.g. http://127.0.0.1:8080/v1")
    p.add_argument("--remote", metavar="URL", help="play the games of an `arcgames serve` host, which records them")
    p.add_argument("--api-key", help="--remote: the host's key for you (default: $ARC_API_KEY)")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(func=cmd_eval)

    p = command("score", help="score a folder of recordings against the baselines")
    p.add_argument("run_dir", type=Path, help="folder of recordings, e.g. the --out of `arcgames eval`")
    p.add_argument("--split", choices=["public", "evaluation"], help="score over all games of this split")
    p.add_argument("--baselines", type=Path, help="human baseline file (default: solver counts, labelled solver)")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(func=cmd_score)

    p = command("baseline", help="build human baselines from first-play recordings")
    baseline = p.add_subparsers(dest="baseline_command", required=True, metavar="SUBCOMMAND")
    rules = ("ARC-AGI-3's rules: per level the upper median of first-time completers' actions, for games at least "
             "2 first-time players solved; a report per game and level")  # fmt: skip
    p = baseline.add_parser("build", help=rules)
    p.add_argument("recordings", nargs="+", type=Path, help="human recordings (.jsonl files or folders)")
    p.add_argument("-o", "--output", type=Path, required=True, help="where to write the baseline JSON")
    p.add_argument("--study", help="the study's name, kept in the file as the baselines' provenance")
    p.add_argument("--games", help="the games the study played (ids, public, evaluation or all): each is reported, "
                   "played or not")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(func=cmd_baseline_build)

    p = command("export-sft", help="turn verified recordings into chat-format SFT examples (JSONL, a messages column)")
    p.add_argument("recordings", nargs="*", type=Path, help="recordings (.jsonl files or folders); each must verify")
    p.add_argument("--out", type=Path, required=True, help="the JSONL file to write (datasets.load_dataset('json'))")
    p.add_argument("--solver", metavar="GAMES", nargs="?", const="public",
                   help="also record and export the solver's solutions of these games (alone: the public split; "
                   "evaluation or all only when named: training on them spoils what they measure)")  # fmt: skip
    p.add_argument("--keep-recordings", type=Path, metavar="DIR", help="--solver: keep its recordings in this folder")
    p.add_argument("--filter", action="append", choices=["first-plays", "wins", "efficient"],
                   help="keep first plays (humans), wins, or plays within --max-ratio x baseline a level")  # fmt: skip
    p.add_argument("--max-ratio", type=float, default=2.0, help="--filter efficient: most actions per level / baseline")
    p.add_argument("--history", type=int, default=16, help="recent actions each prompt shows (the LLM agent's, 16)")
    p.add_argument("--rle", action="store_true", help="run-length encoded frames (the LLM agent's --rle)")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(func=cmd_export_sft)

    p = command("submit", help="verify, re-score and add a run's recordings to the local leaderboard")
    p.add_argument("run_dir", type=Path, help="folder of recordings, e.g. the --out of `arcgames eval`")
    p.add_argument("--name", required=True, help="the name shown on the leaderboard (1-80 characters)")
    p.add_argument("--notes", default="", help="a short description of the agent or run")
    p.add_argument("--split", choices=["public", "evaluation"], default="public",
                   help="split of a self-reported run (default public); a hosted folder names its games")  # fmt: skip
    p.add_argument("--baselines", type=Path, help=argparse.SUPPRESS)  # refused with the reason: the board's own
    p.add_argument("--db", type=Path, help=DB_HELP)
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(func=cmd_submit)

    p = command("leaderboard", help="show the local leaderboard; --html writes a static page with plots")
    p.add_argument("--db", type=Path, help=DB_HELP)
    p.add_argument("--html", type=Path, metavar="OUT_DIR", help="also write index.html and PNG plots here")
    p.add_argument("--replay-url", metavar="URL",
                   help="--html: link each run to the replay page of this `arcgames serve` host")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(func=cmd_leaderboard)
    board = p.add_subparsers(dest="board_command", metavar="[init | trust-host | baselines]")
    q = board.add_parser(
        "init", parents=[packs], help="create a board with its rules: runs per game, seeds, budget factor"
    )
    q.add_argument("--db", type=Path, help=DB_HELP)
    q.add_argument("--runs", type=int, default=3, help="runs of every game a submission must hold (default 3)")
    q.add_argument("--seed", type=int, default=0, help="run r of every game plays with seed + r (default 0)")
    q.add_argument("--budget-factor", type=float, default=5.0, help="budget per level, x the baseline (default 5)")
    q.add_argument("--json", action="store_true", help="print JSON for scripts")
    q.set_defaults(func=cmd_board_init)
    q = board.add_parser("trust-host", parents=[packs], help="accept hosted submissions signed by this host's key")
    q.add_argument("public_key", type=Path, help="the host's public key file (host-key.pub, printed by serve)")
    q.add_argument("--name", required=True, help="the host's name on the board")
    q.add_argument("--db", type=Path, help=DB_HELP)
    q.set_defaults(func=cmd_trust_host)
    q = board.add_parser(
        "baselines", parents=[packs], help="show the board's baselines; --update makes a new version and re-scores"
    )
    q.add_argument("--db", type=Path, help=DB_HELP)
    q.add_argument("--update", action="store_true", help="make a new version from the installed games' solver counts")
    q.add_argument("--human", type=Path, nargs="+", metavar="CARD_DIR",
                   help="with --update: hosted scorecards of human participants, whose first plays count")  # fmt: skip
    q.add_argument("--json", action="store_true", help="print JSON for scripts")
    q.set_defaults(func=cmd_board_baselines)

    p = command("solve", help="prove levels solvable with the breadth-first solver")
    p.add_argument("game", nargs="?", help="game id (see `arcgames list`)")
    p.add_argument("--level", type=int, help="only this level, 1-based")
    p.add_argument("--write-counts", action="store_true", help="solve every game and rewrite games/solver_counts.json")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(func=cmd_solve)

    p = command("play", help="play a game in a window; the play is recorded")
    p.add_argument("game", help="game id (see `arcgames list`)")
    p.add_argument("--player", default="anonymous", help="your player id, stored in the recording")
    p.add_argument("--out", type=Path, help="folder for the recording (default: the local data folder)")
    p.add_argument("--level", type=int, default=1, help="start level, 1-based (default 1)")
    p.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    p.add_argument("--web", action="store_true", help="play in the browser: serve a play page on this machine")
    p.add_argument("--port", type=int, default=0, help="--web: port of the page (default: a free one)")
    p.add_argument("--no-browser", action="store_true", help="--web: print the page's address, open no browser")
    p.set_defaults(func=cmd_play)

    p = command("replay", help="verify a recording, or watch it (window, GIF or terminal)")
    p.add_argument("files", nargs="+", type=Path, help="recording files (.jsonl)")
    p.add_argument("--verify", action="store_true", help="re-run the actions and check every frame")
    p.add_argument("--gif", type=Path, help="write an animated GIF here instead of opening a window")
    p.add_argument("--ansi", action="store_true", help="play it in the terminal")
    p.add_argument("--fps", type=float, default=8.0, help="frames per second (default 8)")
    p.add_argument("--json", action="store_true", help="print JSON for scripts (with --verify)")
    p.set_defaults(func=cmd_replay)

    p = command("history", help="list local recordings")
    p.add_argument("--dir", type=Path, help="recordings folder (default: the local data folder)")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(func=cmd_history)

    p = command("serve", help="serve the games over the ARC-AGI-3 REST API; every play is recorded")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=int, default=8001, help="port (default 8001; 0 picks a free one)")
    p.add_argument("--api-key", help="require this X-API-Key on every /api route (default: keyless)")
    p.add_argument("--out", type=Path, help="recordings folder (default: served/ in the data folder)")
    p.add_argument("--games", help="public, evaluation, all or comma-separated ids (default: --pack games, else all)")
    p.add_argument("--baselines", type=Path, help="human baseline file (default: solver counts, labelled solver)")
    p.add_argument("--competition", action="store_true",
                   help="host a signed evaluation: participant keys, fixed runs and budgets, no baselines")  # fmt: skip
    p.add_argument("--participants", type=Path, help="--competition: JSON file of participants (name, key, kind)")
    p.add_argument("--runs", type=int, default=3, help="--competition: runs of each game per scorecard (default 3)")
    p.add_argument("--budget-factor", type=float, default=5.0, help="--competition: level budget, x baseline (5)")
    p.add_argument("--host-key", type=Path, help="--competition: the host's signing key (default: data folder)")
    p.add_argument("--study", type=Path, metavar="FILE",
                   help="run a human-baseline study (docs/study.md): consent page, assignment, admin page")  # fmt: skip
    p.set_defaults(func=cmd_serve)

    p = command("demo", help="the tour: random and explorer agents play, are scored and ranked on a leaderboard")
    p.add_argument("--runs", type=int, default=2, help="runs per game and agent (default 2)")
    p.add_argument("--seed", type=int, default=0, help="seed (default 0)")
    p.add_argument("--out", type=Path, help="folder for recordings and the leaderboard (default: a new one)")
    p.set_defaults(func=cmd_demo)

    p = command("generate", help="write a pack of new games composed from the primitives, every level proven solvable")
    p.add_argument("--seed", type=int, help="the seed: the same seed writes the same pack, byte for byte")
    p.add_argument("--games", type=int, help="how many games (default 8)")
    p.add_argument("--out", type=Path, help="the pack folder to create (must not exist or be empty)")
    p.add_argument("--preset", choices=["tiny", "trivial", "small", "medium", "high"], default="small",
                   help="difficulty: rule depth, distractors, board size, solution length (default small; tiny is "
                   "the tests' preset)")  # fmt: skip
    p.add_argument("--split", choices=["public", "evaluation"], default="evaluation",
                   help="the games' split (default evaluation: a private pack)")  # fmt: skip
    p.add_argument("--count", metavar="START:STOP",
                   help="instead: count the distinct games each preset draws over this seed range")  # fmt: skip
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(func=cmd_generate)

    p = command("check", help="check games: check_env, determinism and solvability (use with --pack)")
    p.add_argument(
        "--games", help="public, evaluation, all or comma-separated ids (default: the --pack games, else all)"
    )
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(func=cmd_check)

    p = command("cards", help="the game cards: idea, priors, primitives, per-level insight, solver counts")
    p.add_argument("--games", help="public, evaluation, all or comma-separated ids (default all)")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(func=cmd_cards)

    p = command("gallery", help="render every game's levels as PNG contact sheets and an HTML page")
    p.add_argument("--out", type=Path, required=True, help="output folder")
    p.add_argument("--games", help="public, evaluation, all or comma-separated ids (default all)")
    p.set_defaults(func=cmd_gallery)

    p = command("suite-report", help="validity and depth report: solver counts, the exploit audit, issue 15's targets")
    p.add_argument("--games", help="public, evaluation, all or comma-separated ids (default: the --pack games, or all)")
    p.add_argument("--plays", type=int, default=20, help="exploit audit: plays per strategy and level (default 20)")
    p.add_argument("--seed", type=int, default=0, help="exploit audit: seed of the plays (default 0)")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                   help="exploit audit: levels played in parallel processes (default: one per CPU)")  # fmt: skip
    p.add_argument("--strict", action="store_true", help="exit 1 when a target fails (for a pack's CI)")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(func=cmd_suite_report)

    p = command("bench", help="measure engine steps/s against MiniGrid in the same run")
    p.add_argument("--games", help="comma-separated game ids (default: all)")
    p.add_argument("--seconds", type=float, default=2.0, help="seconds of stepping per measurement (default 2)")
    p.add_argument("--recording", action="store_true", help="the cost of recording: steps/s with and without it")
    p.add_argument("--batched", action="store_true", help="the batched engine (N envs) against the scalar one")
    p.add_argument("--envs", type=int, default=1024, help="--batched: envs per batch (default 1024)")
    p.add_argument("--device", default="cpu", help="--batched: cpu, or cuda for the GPU engine (default cpu)")
    p.add_argument("--json", action="store_true", help="print JSON for scripts")
    p.set_defaults(func=cmd_bench)
    return parser


def stdout_console(color: str) -> Console:
    """The console for stdout under ``--color``: ``always`` is 24-bit colour (the palette's own) even into a pipe."""
    if color == "always":
        return Console(force_terminal=True, color_system="truecolor")
    return Console(color_system=None) if color == "never" else Console()


def main(argv: list[str] | None = None) -> int:
    global console
    args = build_parser().parse_args(argv)
    console = stdout_console(args.color)
    try:
        args.pack_games = [game_id for folder in args.pack or [] for game_id in use_pack(folder)]
        return args.func(args)
    except EvaluationInterrupted as err:
        errors.print(plain("interrupted: ", "bold red") + plain(err))
        return 1
    except USER_ERRORS as err:
        errors.print(plain("error: ", "bold red") + plain(err))
        return 2


if __name__ == "__main__":
    sys.exit(main())

"""Showing the leaderboard: a rich terminal table, JSON, and a static HTML page with plots.

Names and notes are whatever submitters typed, so they are escaped for every medium:
``rich.text.Text`` (never markup) in the terminal, ``html.escape`` in the page, no
mathtext in plot labels. The page carries no script at all, and its Content Security
Policy forbids scripts too, so a missed escape could not run one.
"""

from __future__ import annotations

import html
import os
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
from rich import box
from rich.table import Table

from arcgames.leaderboard.store import TIERS, Submission, connect, default_db_path, list_submissions
from arcgames.plaintext import plain

SOLVER_LABEL = "solver counts — not human data"
FORMULA = (
    "Score: each completed level scores min(1.15, (baseline actions / agent actions)²); a run is the "
    "level-number-weighted mean, capped by the weighted fraction of levels completed; a game is the mean over its "
    "runs; the total is the mean over the split's games (unplayed games score 0)."
)
SCORING_DOC = Path(__file__).resolve().parent.parent / "docs" / "scoring.md"  # present in a source checkout


def load(db: Path | str | None = None) -> list[Submission]:
    """Every stored submission; an absent database is an empty leaderboard (nothing is created)."""
    path = Path(db) if db is not None else default_db_path()
    if not path.exists():
        return []
    with closing(connect(path)) as conn:
        return list_submissions(conn)


TIER_MEANING = {
    "hosted": "recorded and signed by a host on games the agent's side never had: the plays are exactly what the "
    "agent did, every run of the evaluation",
    "self-reported": "local recordings, replay-verified: the actions are legal and give their frames, but nothing "
    "proves how they were chosen (an agent on a machine with the games can know them)",
}


def board(sub: Submission) -> tuple[int, str]:
    """Which ranking a submission belongs to: its tier (hosted first), then what it played."""
    return (TIERS.index(sub.tier), sub.split)


def ranked(submissions: Sequence[Submission]) -> list[tuple[int, Submission]]:
    """(rank, submission) in display order; ranks count within each tier and split, where scores are comparable."""
    rows, rank, current = [], 0, None
    for sub in sorted(submissions, key=lambda s: (board(s), -s.total, -s.iqm, s.id)):
        rank = rank + 1 if board(sub) == current else 1
        current = board(sub)
        rows.append((rank, sub))
    return rows


def by_board(submissions: Sequence[Submission]) -> dict[tuple[int, str], list[tuple[int, Submission]]]:
    groups: dict[tuple[int, str], list[tuple[int, Submission]]] = {}
    for rank, sub in ranked(submissions):
        groups.setdefault(board(sub), []).append((rank, sub))
    return groups


def board_title(sub: Submission) -> str:
    return f"{sub.tier} · {sub.split}" + ("" if sub.tier == "hosted" else " split")


def provenance_label(provenance: str) -> str:
    """Say plainly when a baseline is the solver's: it must never pass for human data."""
    return SOLVER_LABEL if provenance == "solver" else provenance


def to_json(submissions: Sequence[Submission]) -> list[dict]:
    rows = []
    for rank, sub in ranked(submissions):
        row = sub.model_dump(mode="json", exclude={"recordings"})
        row["rank"] = rank
        row["tier_meaning"] = TIER_MEANING[sub.tier]
        row["baseline_label"] = provenance_label(sub.baseline_provenance)
        row["runs"] = len(sub.recordings)
        rows.append(row)
    return rows


def tables(submissions: Sequence[Submission]) -> list[Table]:
    """One rich table per tier and split (scores of different ones are not comparable); fits 80 columns."""
    out = []
    for rows in by_board(submissions).values():
        tier = rows[0][1].tier
        t = Table(
            title=plain(f"arcgames leaderboard: {board_title(rows[0][1])}"),
            box=box.SIMPLE_HEAD,
            padding=0,  # the box's column separator is the only gap: the table fits 80 columns
            show_edge=False,
            caption=f"{tier}: {TIER_MEANING[tier]}. Score: mean over games and runs, 95% bootstrap CI. {SOLVER_LABEL}",
        )
        for column in ("rank", "name (agent)", "score [95% CI]", "IQM", "best", "levels", "runs", "baseline",
                       "date"):  # fmt: skip
            text = column in ("name (agent)", "baseline")  # numbers never wrap; user text folds
            t.add_column(column, justify="right" if column in ("rank", "runs") else "left", overflow="fold",
                         no_wrap=not text, min_width=10 if text else None)  # fmt: skip
        for rank, sub in rows:
            # Text(), never a str: a str cell is parsed as rich markup, and names are user input.
            name = plain(sub.name, "bold") + plain(f"\n({sub.player})", "dim")
            baseline = "solver (not human)" if sub.baseline_provenance == "solver" else sub.baseline_provenance
            t.add_row(
                str(rank), name, _with_ci(sub.total, sub.total_ci, "\n"), f"{sub.iqm:.3f}",
                f"{sub.best_run_total:.3f}", f"{sub.levels_completed}/{sub.total_levels}", str(len(sub.recordings)),
                plain(baseline), f"{sub.submitted_at:%Y-%m-%d}",
            )  # fmt: skip
        out.append(t)
    return out


def _with_ci(value: float, ci: tuple[float, float], sep: str = " ") -> str:
    return f"{value:.3f}{sep}[{ci[0]:.3f}, {ci[1]:.3f}]"


def write_html(db: Path | str | None, out_dir: str | Path, replay_url: str | None = None) -> Path:
    """Write ``index.html`` and its PNG plots into ``out_dir``; returns the page's path.

    ``replay_url``: an ``arcgames serve`` host holding the recordings (the host that recorded a hosted
    run); each run then links to its replay page there. The links are plain links: the page stays
    without any script.
    """
    if replay_url is not None and not replay_url.startswith(("http://", "https://")):
        raise ValueError(f"--replay-url must be an http:// or https:// address of an `arcgames serve` host: "
                         f"{replay_url!r}")  # fmt: skip
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ValueError(f"cannot create {out_dir} ({err.strerror}); choose another --html folder") from None
    submissions = load(db)
    sections = []
    for number, rows in enumerate(by_board(submissions).values(), start=1):
        title = board_title(rows[0][1])
        scores_png, curves_png = f"scores-{number}.png", f"efficiency-{number}.png"
        _plot_scores(rows, out_dir / scores_png, title)
        _plot_efficiency(rows, out_dir / curves_png, title)
        sections.append(_section(title, rows, scores_png, curves_png, replay_url))
    body = "\n".join(sections) or "<p>No submissions yet: <code>arcgames submit RUN_DIR --name NAME</code>.</p>"
    page = out_dir / "index.html"
    page.write_text(_PAGE.format(formula=html.escape(FORMULA), doc_link=_doc_link(out_dir),
                                 provenance=html.escape(_page_provenance(submissions)), body=body))  # fmt: skip
    return page


def _doc_link(out_dir: Path) -> str:
    """A relative link to docs/scoring.md in a source checkout; a wheel install has no docs folder to link to."""
    if SCORING_DOC.is_file():
        href = Path(os.path.relpath(SCORING_DOC, out_dir.resolve())).as_posix()
        return f'See <a href="{html.escape(href)}">docs/scoring.md</a>.'
    return "See docs/scoring.md in the arcgames source repository."


def _page_provenance(submissions: Sequence[Submission]) -> str:
    kinds = {s.baseline_provenance for s in submissions}
    if kinds <= {"solver"}:
        return (
            f"Baselines: {SOLVER_LABEL}. They are the solver's minimal action counts, a lower bound for any player, "
            "so these scores are harsher than human-relative ones."
        )
    return "Baselines: per submission below; 'solver' marks solver counts, which are not human data."


def _section(
    title: str, rows: list[tuple[int, Submission]], scores_png: str, curves_png: str, replay_url: str | None = None
) -> str:
    e = html.escape
    head = "".join(f"<th>{c}</th>" for c in ("rank", "name", "agent", "score (95% CI)", "IQM (95% CI)", "best run",
                                              "levels completed", "runs", "baseline", "submitted"))  # fmt: skip
    lines = []
    for rank, s in rows:
        lines.append(
            f'<tr class="submission" data-rank="{rank}" data-id="{s.id}"><td>{rank}</td>'
            f'<td class="name" title="{e(s.notes)}">{e(s.name)}</td><td>{e(s.player)}</td>'
            f'<td class="num">{_with_ci(s.total, s.total_ci, "<br><small>")}</small></td>'
            f'<td class="num">{_with_ci(s.iqm, s.iqm_ci, "<br><small>")}</small></td>'
            f'<td class="num">{s.best_run_total:.3f}</td><td class="num">{s.levels_completed} / {s.total_levels}</td>'
            f"<td>{len(s.recordings)}</td><td>{e(provenance_label(s.baseline_provenance))}</td>"
            f"<td>{s.submitted_at:%Y-%m-%d %H:%M} UTC</td></tr>"
        )
    details = "\n".join(_games_details(rank, s) + _runs(rank, s, replay_url) for rank, s in rows)
    split_e = e(title)
    tier = rows[0][1].tier
    return f"""<h2>{split_e}</h2>
<p class="tier">{e(tier)}: {e(TIER_MEANING[tier])}.</p>
<table class="leaderboard" data-tier="{e(tier)}" data-split="{e(rows[0][1].split)}">
<thead><tr>{head}</tr></thead><tbody>
{chr(10).join(lines)}
</tbody></table>
<figure><img src="{e(scores_png)}" alt="total score with 95% CI per submission, {split_e} split">
<figcaption>Total score per submission (bars labelled by rank), 95% bootstrap confidence intervals.
</figcaption></figure>
<figure><img src="{e(curves_png)}" alt="efficiency by level per submission, {split_e} split">
<figcaption>Efficiency curve: mean baseline/actions by level number over completed levels (1.0 = baseline pace).
</figcaption></figure>
{details}"""


def _games_details(rank: int, s: Submission) -> str:
    e = html.escape
    rows = "".join(
        f"<tr><td>{e(g.game_id)}</td><td>{g.score:.3f}</td><td>{g.best_run_score:.3f}</td>"
        f"<td>{g.levels_completed:.2f} / {g.num_levels}</td><td>{g.runs}</td>"
        f"<td>{e(provenance_label(g.baseline_provenance))}</td></tr>"
        for g in s.games
    )
    notes = f"<p>{e(s.notes)}</p>" if s.notes else ""
    return (
        f"<details><summary>#{rank} {e(s.name)}: per game</summary>{notes}<table><thead><tr><th>game</th>"
        f"<th>score</th><th>best run</th><th>levels completed (mean)</th><th>runs</th><th>baseline</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></details>"
    )


REPLAY_HOWTO = (
    "Watch a run: <code>arcgames replay FILE</code> with the submitted recording (window, <code>--gif</code> or "
    "<code>--ansi</code>), or upload it on the replay page of any <code>arcgames serve</code> host "
    "(<code>/replay</code>), which re-runs its actions; <code>arcgames leaderboard --html DIR --replay-url URL</code> "
    "links each run to the replay page of the host that holds it."
)


def _runs(rank: int, s: Submission, replay_url: str | None) -> str:
    """Each run of a submission, linked to its replay where a host is known, else how to open one."""
    e = html.escape
    rows = []
    for r in sorted(s.recordings, key=lambda r: (r.game_id, r.run, r.file_name)):
        link = ""
        if replay_url:
            href = f"{replay_url.rstrip('/')}/replay?{urlencode({'file': r.file_name})}"
            link = f'<a href="{e(href)}">replay</a>'
        cells = (e(r.game_id), r.run + 1, r.levels_completed, r.actions, f"{r.score:.3f}", e(r.file_name), link)
        rows.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    howto = "" if replay_url else f"<p>{REPLAY_HOWTO}</p>"
    return (
        f"<details><summary>#{rank} {e(s.name)}: runs</summary>{howto}<table><thead><tr><th>game</th><th>run</th>"
        f"<th>levels</th><th>actions</th><th>score</th><th>recording</th><th></th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></details>"
    )


def _figure(bars: int = 0):  # -> matplotlib Figure; imported here because matplotlib costs ~0.3 s to import
    # Figure() without pyplot: no global state, no GUI backend; savefig renders with Agg.
    from matplotlib.figure import Figure

    return Figure(figsize=(max(8.0, 0.45 * bars), 4.5), dpi=100, layout="constrained")


def _label(rank: int, sub: Submission) -> str:
    return f"#{rank} {sub.name if len(sub.name) <= 24 else sub.name[:23] + '…'}"


def _plot_scores(rows: list[tuple[int, Submission]], path: Path, split: str) -> None:
    fig = _figure(bars=len(rows))
    ax = fig.add_subplot()
    x = np.arange(len(rows))
    totals = np.array([s.total for _, s in rows])
    low = np.clip(totals - np.array([s.total_ci[0] for _, s in rows]), 0, None)
    high = np.clip(np.array([s.total_ci[1] for _, s in rows]) - totals, 0, None)
    ax.bar(x, totals, yerr=[low, high], capsize=4, color="#4878d0")
    # parse_math=False: a "$" in a submitter's name must not be read as TeX.
    ax.set_xticks(x, [_label(rank, s) for rank, s in rows], rotation=30, ha="right", parse_math=False)
    ax.set_ylabel("total score (0..1)")
    # Zoom to the data (early agents score ~0.01 of 1.0) but never past the 0..1 scale.
    ax.set_ylim(0, min(1.05, max(0.02, 1.15 * float((totals + high).max()))))
    ax.set_title(f"{split}: total score, 95% CI")
    fig.savefig(path)


def _plot_efficiency(rows: list[tuple[int, Submission]], path: Path, split: str) -> None:
    fig = _figure()
    ax = fig.add_subplot()
    levels = max((len(s.efficiency_curve) for _, s in rows), default=0)
    for rank, s in rows:
        y = np.array([np.nan if v is None else v for v in s.efficiency_curve], dtype=float)
        ax.plot(np.arange(1, len(y) + 1), y, marker="o", label=_label(rank, s))
    ax.axhline(1.0, color="grey", linestyle="--", linewidth=1, label="baseline pace")
    ax.set_xticks(range(1, levels + 1))
    ax.set_ylim(bottom=0)
    ax.set_xlabel("level")
    ax.set_ylabel("baseline / actions")
    ax.set_title(f"{split}: efficiency by level")
    legend = ax.legend(fontsize="small")
    for text in legend.get_texts():
        text.set_parse_math(False)
    fig.savefig(path)


_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src 'self'; style-src 'unsafe-inline'">
<title>arcgames leaderboard</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 72em; color: #222; }}
table {{ border-collapse: collapse; margin: 1em 0; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 0.3em 0.6em; text-align: left; }}
td.num {{ white-space: nowrap; }} small {{ color: #666; }}
td.name {{ font-weight: bold; }}
figure {{ margin: 1em 0; }} img {{ max-width: 100%; }}
.formula, .provenance {{ background: #f6f6f6; padding: 0.5em; }}
</style>
</head>
<body>
<h1>arcgames leaderboard</h1>
<p class="formula">{formula} {doc_link}</p>
<p class="provenance">{provenance}</p>
{body}
<p>Every submission was replay-verified and re-scored from its recordings when it was submitted.</p>
</body>
</html>
"""

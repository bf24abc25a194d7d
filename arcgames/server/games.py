"""The games a server hosts: ARC-style versioned ids, public metadata and baselines.

ARC-AGI-3 ids look like ``<4-char base>-<version>``; arcgames ids are the 4-char
base, so a hosted game's full id is ``<id>-<first 8 hex digits of Game.version>``.
The version part pins the exact maps and rules a recording was made with. Clients
may use either form; a full id whose version is not the hosted one is refused
rather than silently played on other rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from arcgames.actions import ActionId
from arcgames.baselines import Baseline, StaleBaselineError, baseline_for
from arcgames.game import Game
from arcgames.registry import get_game

VERSION_DIGITS = 8
DEFAULT_FPS = 5  # the toolkit's default; our frames never animate


class UnknownHostedGame(LookupError):
    """A game id this server does not host (or hosts in another version)."""

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class HostedGame:
    game: Game
    full_id: str
    baseline: Baseline | None  # None when the game has no (current) baseline counts

    @property
    def available_actions(self) -> list[int]:
        """Action ids the game uses, as ARC lists them (RESET, always allowed, is not listed)."""
        return [int(a) for a in self.game.actions if a != ActionId.RESET]

    @property
    def tags(self) -> list[str]:
        return [self.game.split]

    def budgets(self, factor: float) -> list[int]:
        """Each level's action budget in a competition: ``factor`` x its baseline count."""
        if self.baseline is None:
            raise StaleBaselineError(f"game {self.game.id} has no baseline counts; run `arcgames solve --write-counts`")
        return [max(1, round(factor * n)) for n in self.baseline.counts]

    def metadata(self, listed_at: datetime, competition: bool = False) -> dict[str, object]:
        """The public description, as ``GET /api/games`` returns it.

        No title, card or baseline counts: agents see opaque ids only (DESIGN.md),
        so ``title`` and ``class_name`` are derived from the id; a competition lists no split tags either.
        """
        return {
            "game_id": self.full_id,
            "title": self.game.id.upper(),
            "default_fps": DEFAULT_FPS,
            "tags": [] if competition else self.tags,
            "date_downloaded": listed_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "class_name": self.game.id.capitalize(),
        }


class Catalogue:
    """The hosted games, looked up by short or full id."""

    def __init__(self, game_ids: Sequence[str], baselines_file: Path | None = None) -> None:
        self.listed_at = datetime.now(UTC)
        self.games: dict[str, HostedGame] = {}
        for game_id in game_ids:
            game = get_game(game_id)
            try:
                baseline = baseline_for(game_id, baselines_file)
            except StaleBaselineError:
                baseline = None  # playable, recorded, but unscored (as the toolkit does without baselines)
            self.games[game.id] = HostedGame(game, f"{game.id}-{game.version[:VERSION_DIGITS]}", baseline)

    def resolve(self, game_id: str) -> HostedGame:
        """The hosted game for ``"5v2s"`` or ``"5v2s-<version>"``."""
        base, _, version = game_id.partition("-")
        hosted = self.games.get(base)
        if hosted is None:
            raise UnknownHostedGame(f"game {game_id} not found; GET /api/games lists the hosted games")
        if version and hosted.full_id != game_id:
            raise UnknownHostedGame(
                f"game {game_id} not found: this server hosts {base} in version {hosted.full_id}; "
                f"use {hosted.full_id} or {base}"
            )
        return hosted

    def __iter__(self):
        return iter(self.games.values())

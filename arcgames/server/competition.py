"""Competition mode: a host runs one whole, signed evaluation per participant on games only it holds.

``arcgames serve --competition --pack PRIVATE --participants FILE`` changes what the open
server does in five ways, each because a submitter must not control it:

- every request needs a participant's key (from FILE); the key, not the client, decides the
  name and the kind (agent or human) that the recordings carry;
- each key opens one scorecard, and each game may be played ``runs`` times on it (a new
  session or a RESET after a win starts the next run), so nobody picks their best attempt and
  one client cannot use up the sessions of the others;
- every level has a budget of ``budget_factor`` times its baseline; the action that spends it
  ends the run (reason ``budget``), and the host records the budgets in each header;
- clients see frames, available actions and level progress only: no titles, tags, baselines
  or per-level scores; the scorecard shows counts while the card is open and scores once it
  is closed;
- closing a card writes the host's signed manifest over all of its recordings
  (:mod:`arcgames.hosting`), which the leaderboard's hosted tier checks.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from arcgames.paths import read_regular_file

if TYPE_CHECKING:
    from arcgames.server.sessions import Card

MAX_PARTICIPANTS_BYTES = 1024 * 1024


class Participant(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(min_length=1, max_length=80)
    key: str = Field(min_length=16, max_length=256)
    kind: Literal["agent", "human"] = "agent"


class _ParticipantsFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    participants: list[Participant] = Field(min_length=1)


@dataclass(frozen=True)
class Competition:
    participants: tuple[Participant, ...]
    host_key: Path  # the host's Ed25519 private key (created there if absent)
    games: dict[str, str] = field(default_factory=dict)  # every hosted game's id -> version, filled by the app
    runs: int = 3
    budget_factor: float = 5.0
    study: str = ""  # study mode: the study's name, signed into every manifest
    by_key: dict[str, Participant] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_key", {p.key: p for p in self.participants})

    def admit(self, participant: Participant) -> None:
        """A participant who arrived after the host started (study mode enrols people as they come)."""
        if participant.key in self.by_key:
            raise ValueError("two participants cannot share a key")
        self.by_key[participant.key] = participant


def load_participants(path: Path) -> tuple[Participant, ...]:
    """The participants file: ``{"participants": [{"name", "key", "kind"}, ...]}``, names and keys unique."""
    try:
        data = json.loads(read_regular_file(Path(path), MAX_PARTICIPANTS_BYTES, "participants file"))
        parsed = _ParticipantsFile.model_validate(data)
    except (ValueError, ValidationError) as err:
        detail = err.errors()[0]["msg"] if isinstance(err, ValidationError) else str(err)
        raise ValueError(
            f"{path}: not a participants file ({detail}); write "
            '{"participants": [{"name": "team-a", "key": "<16+ random characters>", "kind": "agent"}]}'
        ) from None
    for attribute in ("name", "key"):
        values = [getattr(p, attribute) for p in parsed.participants]
        if len(set(values)) != len(values):
            raise ValueError(f"{path}: two participants share a {attribute}; each needs its own")
    return tuple(parsed.participants)


def sign_card(card: Card, card_dir: Path, competition: Competition) -> None:
    """Write the host's signed manifest over every recording of a closed card."""
    from arcgames.hosting import (
        HostedEvaluation,
        fingerprint,
        load_or_create_host_key,
        public_pem,
        recording_entry,
        write_signed_manifest,
    )

    key = load_or_create_host_key(competition.host_key)
    card_dir.mkdir(parents=True, exist_ok=True)
    entries = [recording_entry(run.recording, session.hosted.game.id, run.index)
               for session in card.sessions.values() for run in session.runs]  # fmt: skip
    manifest = HostedEvaluation(
        host=fingerprint(public_pem(key)), card_id=card.card_id, participant=card.participant.name,
        player_kind=card.participant.kind, games=list(competition.games), game_versions=dict(competition.games),
        runs=competition.runs, budget_factor=competition.budget_factor, opened_at=card.opened_at,
        closed_at=datetime.now(UTC), recordings=entries, study=competition.study,
    )  # fmt: skip
    write_signed_manifest(card_dir, manifest, key)

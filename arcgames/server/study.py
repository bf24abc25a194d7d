"""Study mode: a human-baseline study run from one host (docs/study.md has the protocol).

``arcgames serve --study STUDY.json`` is competition mode with the participants made on
arrival: each person who accepts the consent page becomes an anonymous participant (a
random key, which is also their link), registered as a human, so their recordings are
first plays by the host's decision and each closed scorecard carries the host's signed
manifest. ``arcgames leaderboard baselines --update --human CARD_DIR...`` and
``arcgames baseline build`` accept those folders as they are.

Assignment: a participant gets ``games_per_participant`` games, each the study game with
the fewest players so far that has not reached ``players_per_game`` and that this
participant has not started (a game once started is never shown to them again, even after
a restart of the host), so every game reaches the target number of first-time players.
The study's state (who got which games, what they did) is one JSON file in the host's
recordings folder, rewritten atomically after every change.
"""

import hashlib
import os
import secrets
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from arcgames.controls import CONTROLS
from arcgames.paths import read_regular_file
from arcgames.server.competition import Competition, Participant
from arcgames.server.games import Catalogue
from arcgames.server.models import ERRORS
from arcgames.server.pages import page_view
from arcgames.server.sessions import ApiError, Card, Session, Store, hosted_game, not_found

STATE_FILE = "study-state.json"
ADMIN_KEY_FILE = "study-admin.key"
MAX_STUDY_BYTES = 64 * 1024
MAX_STATE_BYTES = 64 * 1024 * 1024


class StudySpec(BaseModel):
    """The study file: what the host writes (docs/study.md)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=80, pattern=r"^[A-Za-z0-9_.-]+$")
    games: list[str] = Field(min_length=1, max_length=1000)
    players_per_game: int = Field(10, ge=2, le=10_000)  # ARC-AGI-3 had 10 first-time players per game
    games_per_participant: int = Field(3, ge=1, le=1000)
    minutes: int = Field(60, ge=1, le=600)  # the session length the consent page states
    contact: str = Field("", max_length=300)  # who participants may ask; shown on the consent page
    budget_factor: float = Field(100.0, gt=0)  # a level's budget, x its solver count: a bound on files, not on people


class Outcome(BaseModel):
    game: str
    levels_completed: int = 0
    num_levels: int = 0
    actions: int = 0
    won: bool = False
    interrupted: bool = False  # the host stopped during the play; its recording ends there
    finished_at: datetime | None = None  # None: started, not finished (still counts as seen)


class Enrolled(BaseModel):
    name: str
    key: str
    joined_at: datetime
    games: list[str]
    plays: list[Outcome] = Field(default_factory=list)  # in the order they were started

    def started(self, game: str) -> bool:
        return any(p.game == game for p in self.plays)

    def next_game(self) -> str | None:
        return next((g for g in self.games if not self.started(g)), None)

    def current(self) -> Outcome | None:
        return next((p for p in self.plays if p.finished_at is None), None)

    @property
    def finished(self) -> bool:
        return len(self.plays) == len(self.games) and all(p.finished_at is not None for p in self.plays)


class StudyState(BaseModel):
    study: str
    participants: list[Enrolled] = Field(default_factory=list)


def load_study(path: Path) -> StudySpec:
    try:
        return StudySpec.model_validate_json(read_regular_file(Path(path), MAX_STUDY_BYTES, "study file"))
    except (ValueError, ValidationError) as err:
        detail = err.errors()[0] if isinstance(err, ValidationError) else None
        where = ".".join(str(p) for p in detail["loc"]) + ": " if detail and detail["loc"] else ""
        reason = f"{where}{detail['msg']}" if detail else str(err)
        raise ValueError(f"{path}: not a study file ({reason}); write "
                         '{"name": "pilot-1", "games": ["1u33", "5v2s"], "players_per_game": 10, '
                         '"games_per_participant": 2} (docs/study.md)') from None  # fmt: skip


def admin_key(out_dir: Path) -> str:
    """The study's admin key, kept beside its recordings (made on first use, readable by the host only)."""
    path = out_dir / ADMIN_KEY_FILE
    if path.is_file():
        return read_regular_file(path, 1024, "admin key").decode().strip()
    out_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(24)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as file:
        file.write(key + "\n")
    return key


class Study:
    """The running study: enrolment, assignment and progress, over a competition host's store."""

    def __init__(self, spec: StudySpec, out_dir: Path, competition: Competition) -> None:
        self.spec, self.out_dir, self.competition = spec, Path(out_dir), competition
        self.lock = threading.Lock()  # guards the state and its file
        self.next_lock = threading.Lock()  # serialises starting games (play_next)
        self.state = self._load()
        for person in self.state.participants:
            competition.admit(Participant(name=person.name, key=person.key, kind="human"))

    # --- state ---------------------------------------------------------------------------------

    @property
    def state_path(self) -> Path:
        return self.out_dir / STATE_FILE

    def _load(self) -> StudyState:
        if not self.state_path.exists():
            return StudyState(study=self.spec.name)
        try:
            state = StudyState.model_validate_json(read_regular_file(self.state_path, MAX_STATE_BYTES, "study state"))
        except (ValueError, ValidationError) as err:
            raise ValueError(f"{self.state_path} is damaged ({str(err).splitlines()[0]}); restore it from a "
                             "backup, or move it away to start the study afresh") from None  # fmt: skip
        if state.study != self.spec.name:
            raise ValueError(f"{self.state_path} belongs to study {state.study!r}, not {self.spec.name!r}; "
                             "give each study its own --out folder")  # fmt: skip
        return state

    def _save(self) -> None:
        """Write the state atomically: a crash leaves the old file or the new one, never half of one."""
        self.out_dir.mkdir(parents=True, exist_ok=True)
        temporary = self.state_path.with_suffix(".tmp")
        temporary.write_text(self.state.model_dump_json(indent=1))
        os.replace(temporary, self.state_path)

    # --- participants ----------------------------------------------------------------------------

    def players(self, game: str, now: datetime | None = None) -> int:
        """The game's first-time players: those who started it, and those given it within the session length.

        Why the time limit: someone who accepts and then closes the tab would hold their games'
        places for ever, and the study would never reach its targets.
        """
        now = now or datetime.now(UTC)
        fresh = now - timedelta(minutes=self.spec.minutes)
        return sum(1 for p in self.state.participants if p.started(game) or (game in p.games and p.joined_at > fresh))

    def enrol(self) -> Enrolled:
        """A new anonymous participant with their games; 409 when every game has its players."""
        with self.lock:
            games = self._assign()
            if not games:
                raise ApiError(409, "STUDY_FULL", f"study {self.spec.name} has all the players it needs; thank you")
            key = secrets.token_urlsafe(24)
            name = f"{self.spec.name}-{hashlib.sha256(key.encode()).hexdigest()[:12]}"  # anonymous, stable
            person = Enrolled(name=name, key=key, joined_at=datetime.now(UTC), games=games)
            self.state.participants.append(person)
            self._save()
        self.competition.admit(Participant(name=name, key=key, kind="human"))
        return person

    def _assign(self) -> list[str]:
        """The games with the fewest players below the target, in the study's order on ties."""
        open_games = [g for g in self.spec.games if self.players(g) < self.spec.players_per_game]
        open_games.sort(key=lambda g: (self.players(g), self.spec.games.index(g)))
        return open_games[: self.spec.games_per_participant]

    def person(self, key: str) -> Enrolled:
        person = next((p for p in self.state.participants if p.key == key), None)
        if person is None:
            raise not_found("no such participant in this study; open the study's link again")
        return person

    def begin(self, key: str, game: str) -> None:
        """Mark ``game`` as seen by the participant, before its first frame is shown."""
        with self.lock:
            person = self.person(key)
            if not person.started(game):
                person.plays.append(Outcome(game=game))
                self._save()

    def finish(self, key: str, session: Session) -> None:
        """Record how the participant's play of a game ended; they move on to their next game."""
        run = session.run
        with self.lock:
            outcome = self.person(key).current()
            if outcome is None or outcome.game != session.hosted.game.id:
                raise ApiError(409, "NOT_PLAYING", "this game is not the one being played; reload the page")
            outcome.levels_completed, outcome.actions = run.levels_completed, run.actions
            outcome.num_levels = session.hosted.game.num_levels
            outcome.won = run.levels_completed == outcome.num_levels
            outcome.finished_at = datetime.now(UTC)
            self._save()

    def abandon(self, key: str) -> None:
        """End the participant's current play without its counts (the host restarted while it ran)."""
        with self.lock:
            outcome = self.person(key).current()
            if outcome is not None:
                outcome.interrupted, outcome.finished_at = True, datetime.now(UTC)
                self._save()

    def me(self, key: str) -> dict[str, Any]:
        """What the participant's page needs: how many games, which are done, whether one is under way."""
        person = self.person(key)
        done = sum(1 for p in person.plays if p.finished_at is not None)
        current = person.current()
        return {"games": len(person.games), "done": done, "playing": current is not None,
                "finished": done == len(person.games)}  # fmt: skip

    def progress(self) -> dict[str, Any]:
        """The admin page: each game's players against the target, and what they achieved."""
        rows = []
        now = datetime.now(UTC)
        for game in self.spec.games:
            plays = [p for person in self.state.participants for p in person.plays if p.game == game]
            finished = [p for p in plays if p.finished_at is not None]
            rows.append({"game": game, "target": self.spec.players_per_game, "players": self.players(game, now),
                         "started": len(plays), "finished": len(finished),
                         "solved": sum(1 for p in finished if p.won)})  # fmt: skip
        people = self.state.participants
        return {
            "study": self.spec.name,
            "participants": len(people),
            "finished_participants": sum(1 for p in people if p.finished),
            "games": rows,
            "complete": all(r["finished"] >= r["target"] for r in rows),
        }


class Finish(BaseModel):
    model_config = ConfigDict(extra="forbid")

    guid: str = Field(min_length=1, max_length=64)


def add_study_routes(
    app: FastAPI,
    study: Study,
    store: Store,
    catalogue: Catalogue,
    key_of: Callable[..., str],
    check_admin: Callable[[str | None], None],
) -> None:
    """The participant's and the admin's JSON routes (the pages are /study and /study/admin)."""
    Key = Annotated[str, Depends(key_of)]

    def admin(x_admin_key: Annotated[str | None, Header(alias="X-Admin-Key", max_length=256)] = None) -> None:
        check_admin(x_admin_key)

    @app.get("/web/api/study", tags=["study"], responses=ERRORS)
    def about() -> dict[str, Any]:
        """What the consent page says: the study's length and contact, and the controls (never a game's rules)."""
        spec = study.spec
        return {"name": spec.name, "minutes": spec.minutes, "contact": spec.contact,
                "games": spec.games_per_participant, "controls": [[k, m] for k, m, _ in CONTROLS[:5]]}  # fmt: skip

    @app.post("/web/api/study/join", tags=["study"], responses=ERRORS)
    def join() -> dict[str, str]:
        """Accepting the consent page: a new anonymous participant; the key is their link back."""
        return {"key": study.enrol().key}

    @app.get("/web/api/study/me", tags=["study"], responses=ERRORS)
    def me(key: Key) -> dict[str, Any]:
        return study.me(key)

    @app.post("/web/api/study/next", tags=["study"], responses=ERRORS)
    def next_game(key: Key) -> JSONResponse:
        """The game under way, or the next one; ``{"finished": true}`` after the last."""
        session = play_next(study, store, catalogue, key)
        if session is None:
            return JSONResponse(study.me(key))
        with session.lock:
            return JSONResponse({**study.me(key), "view": page_view(session)})

    @app.post("/web/api/study/finish", tags=["study"], responses=ERRORS)
    def finish(body: Finish, key: Key) -> dict[str, Any]:
        """The participant is done with this game (won, stuck or out of budget); after the last, the card closes."""
        session = store.session(body.guid, key)
        study.finish(key, session)
        if study.person(key).finished:
            store.close_card(session.card.card_id, key)  # the host signs the card's manifest
        return study.me(key)

    @app.get("/web/api/study/progress", tags=["study"], responses=ERRORS, dependencies=[Depends(admin)])
    def progress() -> dict[str, Any]:
        return study.progress()


def play_next(study: Study, store: Store, catalogue: Catalogue, key: str) -> Session | None:
    """The participant's game under way (after a reload), or their next game started; None when all are done.

    One scorecard per participant: opened with their first game, closed (and signed) after their last.
    """
    with study.next_lock:  # one at a time: a double click must not start a game twice, nor skip one
        person = study.person(key)
        current = person.current()
        card = _card_of(store, key)
        if current is not None:
            session = _live_session(card, current.game) if card else None
            if session is not None:
                return session
            study.abandon(key)  # seen before the host restarted: never shown again, so never a second first play
        game = person.next_game()
        if game is None:
            return None
        if card is None:
            card = store.open_card(key, ["human", "study"], None, {"study": study.spec.name})
        session = store.start(card, hosted_game(catalogue, game))
        study.begin(key, game)
        return session


def _card_of(store: Store, key: str) -> Card | None:
    with store.lock:
        return next((c for c in store.cards.values() if c.key == key), None)


def _live_session(card: Card, game: str) -> Session | None:
    return next((s for s in card.sessions.values() if s.hosted.game.id == game and not s.ended), None)

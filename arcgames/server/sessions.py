"""Server state: scorecards, game sessions (one per guid) and their recorded plays.

A *card* is what ``/api/scorecard/open`` creates; a *session* is one game started on
a card by RESET and addressed by its guid; a *run* is one play of that session from
level 1, recorded to its own file. A session gets a new run only when RESET follows
a WIN. Each session has its own lock: requests on one guid are applied one at a
time and in order, while different sessions step in parallel.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from arcgames.actions import Action, ActionId
from arcgames.engine import Engine, GameState
from arcgames.env import make
from arcgames.history import is_first_play
from arcgames.recording import EvalSettings, RecordingError
from arcgames.server.competition import Competition, Participant, sign_card
from arcgames.server.games import Catalogue, HostedGame, UnknownHostedGame
from arcgames.wrappers import RecordTrajectory

# Tags that say nothing about who played: the toolkit adds "agent", its client sends "wrapper".
GENERIC_TAGS = frozenset({"agent", "human", "wrapper"})


class ApiError(Exception):
    """An error answered as JSON ``{"error": code, "message": message}`` with an HTTP status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def not_found(message: str) -> ApiError:
    return ApiError(404, "NOT_FOUND", message)


def hosted_game(catalogue: Catalogue, game_id: str) -> HostedGame:
    """The hosted game for a client's id, or a 404 naming where the hosted games are listed."""
    try:
        return catalogue.resolve(game_id)
    except UnknownHostedGame as err:
        raise not_found(str(err)) from None


@dataclass
class Run:
    """Counters of one play, kept after the play ends (the env is dropped then)."""

    guid: str
    recording: Path
    actions: int = 0
    resets: int = 0
    levels_completed: int = 0
    state: GameState = GameState.NOT_FINISHED
    level_actions: list[int] = field(default_factory=list)  # actions spent on each completed level
    current_level_actions: int = 0  # actions so far on the level being played
    index: int = 0  # competitions: which of the game's runs on its card this is (0-based)
    budget_spent: bool = False  # competitions: a level's budget ran out and the run ended


@dataclass
class Card:
    card_id: str
    key: str
    tags: list[str]
    source_url: str | None
    opaque: Any  # any JSON value the client attached; None when not given
    sessions: dict[str, Session] = field(default_factory=dict)  # guid -> session, in start order
    participant: Participant | None = None  # competitions: whose key opened the card
    plays: dict[str, int] = field(default_factory=dict)  # competitions: runs started per game
    opened_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    closed: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)  # guards plays

    @property
    def player(self) -> str:
        """Who the recordings name: the participant, else the source URL, else the card's own tags, else "api"."""
        if self.participant is not None:
            return self.participant.name
        if self.source_url:
            return self.source_url
        own = [tag for tag in self.tags if tag not in GENERIC_TAGS]
        return "+".join(own) or "api"

    @property
    def player_kind(self) -> str:
        if self.participant is not None:  # the host decides who is human, never the client's tags
            return self.participant.kind
        return "human" if "human" in self.tags else "agent"


class Session:
    """One game on a card, addressed by guid; plays are recorded under ``out_dir``."""

    def __init__(
        self,
        card: Card,
        hosted: HostedGame,
        out_dir: Path,
        competition: Competition | None = None,
        local_first_plays: bool = False,
    ) -> None:
        self.guid = str(uuid.uuid4())
        self.card, self.hosted, self.out_dir, self.competition = card, hosted, out_dir, competition
        self.local_first_plays = local_first_plays
        self.lock = threading.Lock()
        self.runs: list[Run] = []
        self.env: RecordTrajectory | None = None
        self.ended = False  # closed with its card, or its recording failed
        # True while the level is exactly as it started, where RESET would change nothing.
        self.pristine = True
        self._start_run()

    @property
    def engine(self) -> Engine:
        return self.env.unwrapped.engine

    @property
    def run(self) -> Run:
        return self.runs[-1]

    def _start_run(self) -> None:
        index, settings = 0, None
        if self.competition is not None:
            with self.card.lock:
                index = self.card.plays.get(self.hosted.game.id, 0)
                if index >= self.competition.runs:
                    raise ApiError(409, "RUNS_SPENT", f"all {self.competition.runs} runs of game "
                                   f"{self.hosted.full_id} were played on this scorecard; close it with "
                                   "POST /api/scorecard/close")  # fmt: skip
                self.card.plays[self.hosted.game.id] = index + 1
            settings = EvalSettings(
                agent=self.card.player, agent_kwargs_hash="hosted", games="hosted", runs=self.competition.runs,
                run=index, budget_factor=self.competition.budget_factor,
                budgets=self.hosted.budgets(self.competition.budget_factor),
            )  # fmt: skip
        if self.env is not None:
            self.env.close()  # ends the previous recording ("quit" unless it already ended with "win")
        path = self.out_dir / self.card.card_id / f"{self.hosted.game.id}-{self.guid}-p{len(self.runs) + 1}.jsonl"
        env = RecordTrajectory(
            make(self.hosted.game.id), path=path, player=self.card.player, player_kind=self.card.player_kind,
            config={"card_id": self.card.card_id, "tags": self.card.tags, "source_url": self.card.source_url},
            mode="serve", evaluation=settings,
            first_play=self._first_play(index),
        )  # fmt: skip
        env.reset(seed=0)  # engines are deterministic; the seed is recorded for replay
        self.env = env
        self.runs.append(Run(guid=self.guid, recording=path, index=index))
        self.pristine = True

    def _first_play(self, index: int) -> bool | None:
        """A human's first play: run 0 in a competition (the host knows its people), else as ``arcgames play``
        judges it on a one-person host (``local_first_plays``), else unknown (None)."""
        if self.card.player_kind != "human":
            return None
        if self.competition is not None:
            return index == 0
        if self.local_first_plays:
            return is_first_play(self.card.player, self.hosted.game.id, self.out_dir)
        return None

    def reset(self) -> None:
        """RESET on a running session: a new play after WIN, a level restart otherwise.

        At a level's untouched start RESET is answered with the current frame and not
        counted, so a double RESET never restarts the game (the toolkit's surprise).
        """
        if self.run.budget_spent:
            raise ApiError(409, "BUDGET_SPENT", self._spent())
        if self.engine.game_state == GameState.WIN:
            self._start_run()
        elif not self.pristine:
            self._step(Action.RESET)
            self.run.resets += 1
            self.pristine = True

    def act(self, action: Action) -> None:
        """Apply ACTION1..7; raises ApiError when the play cannot take it."""
        if self.run.budget_spent:
            raise ApiError(409, "BUDGET_SPENT", self._spent())
        state = self.engine.game_state
        if state == GameState.WIN:
            won = f"game {self.hosted.full_id} is won; send RESET with this guid to play it again"
            raise ApiError(409, "GAME_NOT_STARTED_ERROR", won)
        if state == GameState.GAME_OVER:
            raise ApiError(409, "GAME_NOT_STARTED_ERROR",
                           f"game {self.hosted.full_id} is over; send RESET to retry the level")  # fmt: skip
        if action.id not in self.hosted.game.actions:
            raise ApiError(400, "VALIDATION_ERROR",
                           f"{action.id.name} is not available in game {self.hosted.full_id}; "
                           f"available_actions: {self.hosted.available_actions}")  # fmt: skip
        before = self.engine.levels_completed
        self._step(action)
        self.pristine = self.engine.levels_completed > before  # a new level starts untouched

    def _step(self, action: Action) -> None:
        engine, run = self.engine, self.run
        level_actions, before = engine.level_actions, engine.levels_completed
        try:
            self.env.step(action)
        except RecordingError as err:  # disk full, folder removed: the play cannot stay verifiable
            self.end()
            raise ApiError(500, "SERVER_ERROR", f"cannot write the recording, the game has ended: {err}") from None
        if engine.levels_completed > before:
            run.level_actions.append(level_actions + 1)
        run.actions, run.levels_completed, run.state = engine.action_count, engine.levels_completed, engine.game_state
        run.current_level_actions = 0 if engine.game_state == GameState.WIN else engine.level_actions
        if self.competition is not None and engine.game_state != GameState.WIN:
            budget = self.hosted.budgets(self.competition.budget_factor)[engine.level]
            if engine.level_actions >= budget:  # the action that spends the budget ends the run
                self.env.finish("budget", detail=f"level {engine.level + 1} budget of {budget} actions spent")
                run.budget_spent = True

    def _spent(self) -> str:
        return (f"this run of game {self.hosted.full_id} spent a level's action budget and has ended; start the "
                "next run with RESET and card_id (no guid)")  # fmt: skip

    def frame(self) -> np.ndarray:
        return self.engine.frame

    def end(self) -> None:
        """End the session: close its recording (reason "quit" unless the play already ended)."""
        self.ended = True
        if self.env is not None:
            self.env.close()
            self.env = None


def action_for(name: str, x: int | None = None, y: int | None = None) -> Action:
    """The arcgames Action for a route name such as "ACTION6"."""
    action_id = ActionId[name]
    return Action.click(x, y) if action_id == ActionId.ACTION6 else Action(action_id)


class Store:
    """All cards and sessions, with caps so a flood of opens cannot exhaust memory or files."""

    def __init__(
        self,
        out_dir: Path,
        max_cards: int = 1000,
        max_sessions: int = 1000,
        competition: Competition | None = None,
        local_first_plays: bool = False,
    ) -> None:
        self.out_dir, self.competition, self.local_first_plays = Path(out_dir), competition, local_first_plays
        self.keys_with_cards: set[str] = set()
        self.max_cards, self.max_sessions = max_cards, max_sessions
        self.lock = threading.Lock()  # guards the two dicts; never held while a game steps
        self.cards: dict[str, Card] = {}
        self.sessions: dict[str, Session] = {}

    def open_card(self, key: str, tags: list[str], source_url: str | None, opaque: Any) -> Card:
        participant = self.competition.by_key[key] if self.competition is not None else None
        card = Card(str(uuid.uuid4()), key, tags, source_url, opaque, participant=participant)
        with self.lock:
            if participant is not None:
                if key in self.keys_with_cards:  # one evaluation per participant: no picking the best card
                    raise ApiError(409, "CARD_ALREADY_OPENED", f"participant {participant.name!r} has opened its "
                                   "scorecard already; a competition allows one per key")  # fmt: skip
                self.keys_with_cards.add(key)
            if len(self.cards) >= self.max_cards:
                full = f"{self.max_cards} scorecards are open; close some with POST /api/scorecard/close"
                raise ApiError(429, "TOO_MANY_REQUESTS", full)
            self.cards[card.card_id] = card
        return card

    def card(self, card_id: str, key: str) -> Card:
        with self.lock:
            card = self.cards.get(card_id)
        if card is None or card.key != key:  # another key's card is reported as missing, as in the toolkit
            raise not_found(f"scorecard {card_id} not found (or not opened with this API key)")
        return card

    def close_card(self, card_id: str, key: str) -> Card:
        card = self.card(card_id, key)
        with self.lock:
            if self.cards.pop(card_id, None) is None:  # a concurrent close won
                raise not_found(f"scorecard {card_id} not found (or not opened with this API key)")
            for guid in card.sessions:
                self.sessions.pop(guid, None)
        self._end_card(card)
        return card

    def _end_card(self, card: Card) -> None:
        for session in list(card.sessions.values()):
            with session.lock:
                session.end()
        card.closed = True
        if self.competition is not None:
            sign_card(card, self.out_dir / card.card_id, self.competition)

    def start(self, card: Card, hosted: HostedGame) -> Session:
        self._check_room()
        try:  # built outside the lock: making the env and creating its file take a while
            session = Session(card, hosted, self.out_dir, self.competition, self.local_first_plays)
        except RecordingError as err:
            raise ApiError(500, "SERVER_ERROR", f"cannot create the recording: {err}") from None
        with self.lock:
            if card.card_id in self.cards:
                self.sessions[session.guid] = session
                card.sessions[session.guid] = session
                return session
        session.end()  # the card was closed while the game was being made
        raise not_found(f"scorecard {card.card_id} not found (it was closed)")

    def _check_room(self) -> None:
        with self.lock:
            if len(self.sessions) >= self.max_sessions:
                full = f"{self.max_sessions} games are running; close scorecards you no longer use"
                raise ApiError(429, "TOO_MANY_REQUESTS", full)

    def session(self, guid: str, key: str) -> Session:
        with self.lock:
            session = self.sessions.get(guid)
        if session is None:
            raise not_found(f"game session {guid} not found; start a game with RESET, card_id and game_id (no guid)")
        if session.card.key != key:
            raise ApiError(403, "FORBIDDEN", f"game session {guid} was started with another API key")
        return session

    def close_all(self) -> None:
        """End every recording (server shutdown)."""
        with self.lock:
            cards = list(self.cards.values())
            self.sessions.clear()
            self.cards.clear()
        for card in cards:
            self._end_card(card)

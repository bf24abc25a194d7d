"""The FastAPI app: ARC-AGI-3 routes over arcgames games, every play recorded.

Routes, fields and every deviation from the official toolkit are documented in
docs/serve.md. Every error is JSON ``{"error": CODE, "message": TEXT}``; nothing a
client sends should produce a 5xx (the schemathesis tests hold the server to that).
"""

import hmac
import uuid
from collections.abc import Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from arcgames.game import ENGINE_VERSION
from arcgames.server.competition import Competition
from arcgames.server.games import Catalogue, HostedGame
from arcgames.server.limits import BodyLimit
from arcgames.server.models import (
    ERRORS,
    ActionInput,
    ApiKey,
    CardId,
    Click,
    CloseScorecard,
    Command,
    FrameResponse,
    GameInfo,
    OpenScorecard,
)
from arcgames.server.pages import MAX_UPLOAD_BYTES, add_pages, admin_checker
from arcgames.server.scorecard import raw_counters, scorecard_json
from arcgames.server.sessions import ApiError, Session, Store, action_for, hosted_game, not_found
from arcgames.server.study import Study, StudySpec, add_study_routes

ANONYMOUS_KEY = "anonymous"  # the key of requests without X-API-Key on a keyless server
MAX_BODY_BYTES = 64 * 1024  # two 16 KiB blobs plus fields fit with room to spare
SIMPLE_ACTIONS = ("ACTION1", "ACTION2", "ACTION3", "ACTION4", "ACTION5", "ACTION7")


@dataclass(frozen=True)
class ServerConfig:
    """What ``arcgames serve`` hosts and where it records."""

    game_ids: Sequence[str]
    out_dir: Path
    api_key: str | None = None  # when set, every /api route but healthcheck needs X-API-Key equal to it
    baselines_file: Path | None = None  # human baselines; solver counts (labelled) otherwise
    max_cards: int = 1000
    max_sessions: int = 1000
    competition: Competition | None = None  # competition mode (docs/evaluation.md): participants' keys only
    local_first_plays: bool = False  # `play --web`: a human play is a first play unless out_dir has an earlier one
    study: StudySpec | None = None  # study mode (docs/study.md): needs competition, whose participants it makes
    admin_key: str | None = None  # X-Admin-Key of the host's private pages (replays on a keyed or competition host)


def create_app(config: ServerConfig) -> FastAPI:
    """Build the app for ``config`` (uvicorn serves it; tests call it in-process)."""
    catalogue = Catalogue(config.game_ids, config.baselines_file)
    competition = config.competition
    if competition is not None:
        unscored = [hosted.game.id for hosted in catalogue if hosted.baseline is None]
        if unscored:
            raise ValueError(f"games {', '.join(unscored)} have no baseline counts, so no budgets; run "
                             "`arcgames solve --write-counts --pack DIR` before hosting a competition")  # fmt: skip
        study = config.study.name if config.study is not None else competition.study
        competition = replace(competition, games={hosted.game.id: hosted.game.version for hosted in catalogue},
                              study=study)  # fmt: skip
    store = Store(config.out_dir, config.max_cards, config.max_sessions, competition, config.local_first_plays)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        store.close_all()  # every recording gets its end line on shutdown

    app = FastAPI(
        title="arcgames: ARC-AGI-3 compatible API",
        version=ENGINE_VERSION,
        description="The ARC-AGI-3 REST API over arcgames games. See docs/serve.md for deviations.",
        lifespan=lifespan,
    )
    app.router.redirect_slashes = False  # "/api/games/" is a 404 as in the toolkit, not a redirect
    app.state.store, app.state.catalogue = store, catalogue
    # A replay upload carries a whole recording; every other body is a few KiB.
    app.add_middleware(BodyLimit, max_bytes=MAX_BODY_BYTES, larger={"/web/api/replay": MAX_UPLOAD_BYTES + 1024})
    _add_error_handlers(app)
    key_of = _key_checker(config.api_key, competition)
    Key = Annotated[str, Depends(key_of)]

    @app.get("/api/healthcheck", response_class=PlainTextResponse, tags=["meta"])
    def healthcheck() -> str:
        return "okay"

    @app.get("/api/games", response_model=list[GameInfo], responses=ERRORS, tags=["games"])
    def list_games(key: Key) -> list[dict[str, object]]:
        return [hosted.metadata(catalogue.listed_at, competition is not None) for hosted in catalogue]

    @app.get("/api/competition", responses=ERRORS, tags=["games"])
    def competition_rules(key: Key) -> dict[str, object]:
        """Competition mode only: the runs each game allows on a scorecard, and the games (arcgames extension)."""
        if competition is None:
            raise not_found("this server runs no competition")
        return {"runs": competition.runs, "games": [hosted.full_id for hosted in catalogue]}

    @app.get("/api/games/anonkey", response_model=ApiKey, responses=ERRORS, tags=["games"])
    def anonymous_key() -> dict[str, str]:
        """A fresh key for keyless clients (the official client asks for one when it has no key)."""
        if config.api_key is not None or competition is not None:
            raise ApiError(403, "AUTH_ERROR", "this server needs an API key: pass arc_api_key= or set ARC_API_KEY")
        return {"api_key": str(uuid.uuid4())}

    @app.get("/api/games/{game_id}", response_model=GameInfo, responses=ERRORS, tags=["games"])
    def game_info(game_id: str, key: Key) -> dict[str, object]:
        return hosted_game(catalogue, game_id).metadata(catalogue.listed_at, competition is not None)

    @app.post("/api/scorecard/open", response_model=CardId, responses=ERRORS, tags=["scorecards"])
    def open_scorecard(key: Key, body: Annotated[OpenScorecard | None, Body()] = None) -> dict[str, str]:
        body = body or OpenScorecard()
        tags = list(body.tags or [])
        if "human" not in tags and "agent" not in tags:
            tags.append("agent")  # as the toolkit does
        card = store.open_card(key, tags, body.source_url, body.opaque)
        return {"card_id": card.card_id}

    @app.post("/api/scorecard/close", responses=ERRORS, tags=["scorecards"])
    def close_scorecard(body: CloseScorecard, key: Key) -> dict[str, Any]:
        """Final scores; the card's games end and their recordings are closed."""
        card = store.close_card(body.card_id, key)
        return scorecard_json(card, competition is not None)

    @app.get("/api/scorecard/{card_id}", responses=ERRORS, tags=["scorecards"])
    def get_scorecard(card_id: str, key: Key) -> dict[str, Any]:
        return scorecard_json(store.card(card_id, key), competition is not None)

    @app.get("/api/scorecard/{card_id}/{game_id}", responses=ERRORS, tags=["scorecards"])
    def get_game_counters(card_id: str, game_id: str, key: Key) -> dict[str, Any]:
        card = store.card(card_id, key)
        return raw_counters(card, hosted_game(catalogue, game_id))

    @app.post("/api/cmd/RESET", response_model=FrameResponse, responses=ERRORS, tags=["commands"])
    def reset(body: Command, key: Key) -> JSONResponse:
        """Without guid: start a game on card_id. With guid: restart the level (a new play after WIN)."""
        hosted = hosted_game(catalogue, body.game_id)
        if body.guid is None:
            if body.card_id is None:
                raise ApiError(400, "VALIDATION_ERROR", "RESET needs card_id to start a game, or guid to reset one")
            session = store.start(store.card(body.card_id, key), hosted)
            with session.lock:
                _check_live(session)  # its card may have been closed a moment ago
                return _frame(session, 0, {}, body.reasoning, full_reset=True)
        session = _session(store, body, key, hosted)
        with session.lock:
            _check_live(session)
            runs = len(session.runs)
            session.reset()
            return _frame(session, 0, {"game_id": hosted.full_id}, body.reasoning, len(session.runs) > runs)

    for name in SIMPLE_ACTIONS:
        app.post(f"/api/cmd/{name}", response_model=FrameResponse, responses=ERRORS, tags=["commands"],
                 name=name)(_simple_action(name, store, catalogue, key_of))  # fmt: skip

    @app.post("/api/cmd/ACTION6", response_model=FrameResponse, responses=ERRORS, tags=["commands"])
    def click(body: Click, key: Key) -> JSONResponse:
        """A click at column x, row y (integers 0..63) of the frame."""
        hosted = hosted_game(catalogue, body.game_id)
        return _act(_session(store, body, key, hosted), action_for("ACTION6", body.x, body.y), body,
                    {"game_id": hosted.full_id, "x": body.x, "y": body.y})  # fmt: skip

    open_host = config.api_key is None and competition is None
    add_pages(app, store, catalogue, key_of, replays_open=open_host, admin_key=config.admin_key)
    if config.study is not None:
        if competition is None:
            raise ValueError("study mode runs on competition mode: pass competition= with no participants")
        study = Study(config.study, config.out_dir, competition)
        add_study_routes(app, study, store, catalogue, key_of, admin_checker(config.admin_key))
        app.state.study = study
    return app


def _simple_action(name: str, store: Store, catalogue: Catalogue, key_of: Callable[..., str]):
    def handler(body: Command, key: Annotated[str, Depends(key_of)]) -> JSONResponse:
        hosted = hosted_game(catalogue, body.game_id)
        return _act(_session(store, body, key, hosted), action_for(name), body, {"game_id": hosted.full_id})

    handler.__doc__ = f"{name} on the game session ``guid``."
    return handler


def _act(session: Session, action, body: Command, data: dict[str, Any]) -> JSONResponse:
    with session.lock:
        _check_live(session)
        session.act(action)
        return _frame(session, int(action.id), data, body.reasoning, full_reset=False)


def _session(store: Store, body: Command, key: str, hosted: HostedGame) -> Session:
    if body.guid is None:
        raise ApiError(400, "VALIDATION_ERROR", "missing guid: start a game with RESET (card_id, game_id) first")
    session = store.session(body.guid, key)
    if session.hosted is not hosted:
        raise ApiError(400, "VALIDATION_ERROR",
                       f"game session {body.guid} plays {session.hosted.full_id}, not {body.game_id}")  # fmt: skip
    if body.card_id is not None and body.card_id != session.card.card_id:
        raise ApiError(400, "VALIDATION_ERROR", f"game session {body.guid} is on another scorecard")
    return session


def _check_live(session: Session) -> None:
    """Under the session lock: a session closed while this request waited is gone."""
    if session.ended:
        raise not_found(f"game session {session.guid} has ended (its scorecard was closed)")


def _frame(session: Session, action_id: int, data: dict[str, Any], reasoning: Any, full_reset: bool) -> JSONResponse:
    """The FrameData reply. Built as a plain dict: validating 4096 ints per reply would cost more than the step."""
    run = session.run
    body = {
        "game_id": session.hosted.full_id,
        "guid": session.guid,
        "frame": [session.frame().tolist()],
        "state": run.state.value,
        "levels_completed": run.levels_completed,
        "win_levels": session.hosted.game.num_levels,
        "action_input": ActionInput(id=action_id, data=data, reasoning=reasoning).model_dump(),
        "available_actions": session.hosted.available_actions,
        "full_reset": full_reset,
    }
    return JSONResponse(body)


def _key_checker(api_key: str | None, competition: Competition | None) -> Callable[..., str]:
    def key_of(x_api_key: Annotated[str | None, Header(alias="X-API-Key", max_length=256)] = None) -> str:
        """The caller's key. Header names are case-insensitive, so X-Api-Key matches too."""
        if competition is not None:
            given = (x_api_key or "").encode()
            for key in tuple(competition.by_key):  # all of them: the time taken tells nothing (a copy: keys get added)
                if hmac.compare_digest(given, key.encode()):
                    return key
            raise ApiError(
                401, "AUTH_ERROR", "missing or unknown X-API-Key: a competition admits its participants' keys"
            )
        if api_key is None:
            return x_api_key or ANONYMOUS_KEY
        if x_api_key is None or not hmac.compare_digest(x_api_key.encode(), api_key.encode()):
            raise ApiError(401, "AUTH_ERROR", "missing or wrong X-API-Key header for this server")
        return x_api_key

    return key_of


def _add_error_handlers(app: FastAPI) -> None:
    def error(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
        return JSONResponse({"error": code, "message": message}, status_code=status, headers=headers)

    @app.exception_handler(ApiError)
    async def api_error(request: Request, err: ApiError) -> JSONResponse:
        return error(err.status, err.code, err.message)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, err: RequestValidationError) -> JSONResponse:
        return error(400, "VALIDATION_ERROR", _describe(err.errors()))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, err: StarletteHTTPException) -> JSONResponse:
        codes = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}
        message = f"no route {request.method} {request.url.path}" if err.status_code in codes else str(err.detail)
        return error(err.status_code, codes.get(err.status_code, "HTTP_ERROR"), message, err.headers)  # 405: Allow

    @app.exception_handler(Exception)
    async def crash(request: Request, err: Exception) -> JSONResponse:  # a bug: still answer JSON
        return error(500, "SERVER_ERROR", f"internal error {type(err).__name__}; please report it")


def _describe(errors: Sequence[Any]) -> str:
    """Pydantic's errors as one readable line, e.g. ``body.x: Input should be less than or equal to 63``."""
    parts = []
    for e in errors[:3]:
        where = ".".join(str(p) for p in e.get("loc", ()))
        parts.append(f"{where}: {e.get('msg', 'invalid')}" if where else str(e.get("msg", "invalid")))
    return "; ".join(parts) + (f" (and {len(errors) - 3} more)" if len(errors) > 3 else "")

"""``arcgames serve``: the ARC-AGI-3 REST API over arcgames games (needs the ``serve`` extra).

Official ARC-AGI-3 clients (``arc_agi.Arcade`` in ONLINE mode, the agents repo) play
arcgames games through it; every play is recorded in arcgames' format so it can be
replay-verified, scored and submitted. Reading order: ``games`` (ids, metadata),
``sessions`` (cards, guids, plays), ``scorecard`` (scores), ``app`` (routes).
"""

from __future__ import annotations

import socket
from collections.abc import Callable

from arcgames.engine import Engine
from arcgames.server.app import ServerConfig, create_app

__all__ = ["ServerConfig", "create_app", "listening_socket", "serve"]


def listening_socket(host: str = "127.0.0.1", port: int = 8001, proto: int = socket.IPPROTO_TCP) -> socket.socket:
    """A bound, listening TCP socket; ``port=0`` picks a free port.

    Why ``IPPROTO_TCP`` and not the default 0: asyncio sets TCP_NODELAY on an accepted
    connection only when the socket's protocol reads IPPROTO_TCP, and accepted sockets
    inherit the listener's. Without it Nagle's algorithm holds each small reply until
    the client's delayed ACK, about 40 ms, so every request on a kept-alive connection
    (what the official client's HTTP library uses) took ~47 ms instead of ~3 ms.
    ``proto=0`` exists for the benchmark that measures that difference.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))  # bound here so port 0 works and the real port can be announced
    sock.listen(2048)  # from here on connections queue up, so a client may connect as soon as it reads the URL
    return sock


def serve(
    config: ServerConfig,
    host: str = "127.0.0.1",
    port: int = 8001,
    announce: Callable[[str], None] = print,
    sock: socket.socket | None = None,
) -> None:
    """Serve until interrupted; ``announce`` gets the URL once it is bound. ``sock`` replaces host and port."""
    import uvicorn

    sock = sock or listening_socket(host, port)
    host, bound = sock.getsockname()[:2]
    shown = f"[{host}]" if sock.family == socket.AF_INET6 else host
    app = create_app(config)
    for hosted in app.state.catalogue.games.values():
        # Compile (the first run on this machine, with progress lines) or load every hosted game's kernels before
        # the URL is out: otherwise the first player of each game waits on that, seconds on a fresh machine.
        Engine(hosted.game)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    announce(f"http://{shown}:{bound}")
    server.run(sockets=[sock])

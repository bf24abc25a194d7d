"""The real server on a real socket: accepted connections have TCP_NODELAY.

Without TCP_NODELAY, Nagle's algorithm meets the client's delayed ACK and every
request on a kept-alive connection waits ~40 ms (benchmarks/serve_rate.py measures it).
Asserting the socket option keeps this test free of timing.
"""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the serve extra is not installed: pip install 'arcgames[serve]'")

from arcgames.registry import list_games
from arcgames.server import ServerConfig, listening_socket, serve


def _nodelay(sock: socket.socket) -> bool:
    return bool(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))


async def _accepted_nodelay(listener: socket.socket) -> bool:
    """TCP_NODELAY of the connection asyncio accepts on ``listener`` (uvicorn serves through the same call)."""
    accepted: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            accepted.set_result(_nodelay(transport.get_extra_info("socket")))
            transport.close()

    server = await asyncio.get_running_loop().create_server(Probe, sock=listener)
    port = listener.getsockname()[1]
    _, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        return await asyncio.wait_for(accepted, 10)
    finally:
        writer.close()
        server.close()


def test_listening_socket_makes_asyncio_set_nodelay():
    assert asyncio.run(_accepted_nodelay(listening_socket("127.0.0.1", 0)))
    # The old socket (protocol 0): asyncio leaves Nagle on. This is what the fix changes.
    assert not asyncio.run(_accepted_nodelay(listening_socket("127.0.0.1", 0, proto=0)))


def _server_side(client: socket.socket) -> socket.socket:
    """This process's end of ``client``'s connection, found among its open file descriptors."""
    for name in os.listdir("/proc/self/fd"):
        try:
            fd = os.dup(int(name))
        except OSError:
            continue  # closed since listed (the listing's own descriptor)
        try:
            sock = socket.socket(fileno=fd)
        except OSError:
            os.close(fd)
            continue  # not a socket
        try:
            if sock.type == socket.SOCK_STREAM and sock.getpeername() == client.getsockname():
                return sock
        except OSError:
            pass
        sock.close()
    raise AssertionError("the server's end of the connection was not found")


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="finds the server's socket through /proc")
def test_served_connections_have_nodelay(tmp_path):
    urls: list[str] = []
    config = ServerConfig(game_ids=list_games("public")[:1], out_dir=tmp_path)
    threading.Thread(target=serve, args=(config,), kwargs={"port": 0, "announce": urls.append}, daemon=True).start()
    for _ in range(200):
        if urls:
            break
        threading.Event().wait(0.05)
    port = int(urls[0].rsplit(":", 1)[1])
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(3):  # one kept-alive connection, as the official client's requests.Session uses
        conn.request("POST", "/api/scorecard/open", body=b"{}", headers={"Content-Type": "application/json"})
        reply = conn.getresponse()
        assert reply.status == 200 and "card_id" in json.loads(reply.read())
    server_end = _server_side(conn.sock)
    try:
        assert _nodelay(server_end)
    finally:
        server_end.close()
        conn.close()


@pytest.mark.slow
def test_serve_rate_benchmark_runs_and_shows_the_fix():
    """benchmarks/serve_rate.py with a tiny budget: valid JSON, and the fixed server beats Nagle's stall."""
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "serve_rate.py"
    command = [sys.executable, str(script), "--seconds", "0", "--min-requests", "5", "--json",
               "--toolkit-python", "/nonexistent/python"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    fixed, nagle = report["servers"]["arcgames"], report["servers"]["nagle"]
    assert fixed["requests"] >= 5 and nagle["p50_ms"] > max(30, fixed["p50_ms"])  # Nagle waits for the ~40 ms ACK
    assert report["arcgames_vs_nagle"] > 1 and report["arcgames_vs_toolkit"] is None and "not run" in report["toolkit"]


def test_serve_prepares_every_hosted_games_kernels_before_it_gives_out_the_url(monkeypatch, tmp_path: Path) -> None:
    import arcgames.server as server

    prepared: list[str] = []
    monkeypatch.setattr(server, "Engine", lambda game: prepared.append(game.id))

    class Announced(Exception):
        pass

    def announce(url: str) -> None:
        raise Announced(sorted(prepared))

    game_ids = list_games()[:3]
    with listening_socket("127.0.0.1", 0) as sock, pytest.raises(Announced) as caught:
        serve(ServerConfig(game_ids=game_ids, out_dir=tmp_path), sock=sock, announce=announce)
    assert caught.value.args[0] == sorted(game_ids)

"""Host keys and signed manifests: what makes a hosted evaluation trustworthy to a leaderboard.

A host (``arcgames serve --competition``) records every play itself, on games the agent's
side never had. When a scorecard closes, the host writes ``manifest.json`` into the card's
folder — who played (the participant its key belongs to), the competition's games, runs
and budget factor, and the SHA-256 of every recording — and ``manifest.sig``, an Ed25519
signature over the manifest's bytes with the host's private key. A leaderboard that
trusts the host's public key (``arcgames leaderboard trust-host``) checks the signature,
then that the folder holds exactly the signed files, byte for byte.

Why a signature and not a MAC: a board needs only the host's public key, so anyone can
check a hosted result and nobody but the host can make one. Why outside the recordings:
the recordings stay in the one format every tool reads, and the signature covers all of
a scorecard's recordings at once, so none can be dropped, added or swapped.
"""

from __future__ import annotations

import base64
import hashlib
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Literal, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from arcgames.paths import read_regular_file

MANIFEST_FILE = "manifest.json"
SIGNATURE_FILE = "manifest.sig"
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
MAX_KEY_BYTES = 16 * 1024


class ManifestEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    file: str = Field(max_length=255, pattern=r"^[A-Za-z0-9_.-]+\.jsonl$")  # a plain name inside the card folder
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    game_id: str = Field(max_length=64)
    run: int = Field(ge=0)


class HostedEvaluation(BaseModel):
    """One scorecard of a hosted competition, as its host signed it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["arcgames-hosted-evaluation"] = "arcgames-hosted-evaluation"
    version: Literal[1] = 1
    host: str = Field(pattern=r"^[0-9a-f]{64}$")  # fingerprint of the signing key
    card_id: str = Field(max_length=64)
    participant: str = Field(max_length=200)  # the name the host gave the key that played
    player_kind: Literal["human", "agent"]
    games: list[str] = Field(max_length=10_000)  # the competition's games (short ids), all of them
    game_versions: dict[str, str]
    runs: int = Field(ge=1)  # runs per game the competition allows
    budget_factor: float = Field(gt=0)
    opened_at: datetime
    closed_at: datetime
    recordings: list[ManifestEntry] = Field(max_length=100_000)
    study: str = Field("", max_length=80)  # study mode: the study's name (its human baselines' provenance)
    host_name: str = ""  # filled in by the board from its trust list, never read from the file

    @property
    def label(self) -> str:
        """The competition this card belongs to: its host and a fingerprint of the games and rules."""
        rules = repr((sorted(self.game_versions.items()), self.runs, self.budget_factor))
        return f"hosted by {self.host_name}: {hashlib.sha256(rules.encode()).hexdigest()[:8]}"


class TrustedHost(Protocol):
    name: str
    public_key: str


def load_or_create_host_key(path: Path) -> Ed25519PrivateKey:
    """The host's private key from ``path`` (PEM); a new one is created there (mode 0600) when absent."""
    path = Path(path)
    if path.exists():
        try:
            key = serialization.load_pem_private_key(read_regular_file(path, MAX_KEY_BYTES, "host key"), None)
        except ValueError as err:
            raise ValueError(f"{path} is not a host key ({err}); pass another --host-key or remove it") from None
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError(f"{path} is not an Ed25519 key; pass another --host-key or remove it")
        return key
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(pem)
    return key


def public_pem(key: Ed25519PrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def fingerprint(public_key_pem: str) -> str:
    """SHA-256 of the raw public key, hex: how manifests name their signer."""
    key = _public_key(public_key_pem)
    return hashlib.sha256(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)).hexdigest()


def read_public_key(path: Path) -> str:
    """A host's public key file (PEM), checked to be an Ed25519 key."""
    pem = read_regular_file(Path(path), MAX_KEY_BYTES, "public key").decode("ascii", errors="replace")
    _public_key(pem)
    return pem


def _public_key(pem: str) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except ValueError as err:
        raise ValueError(f"not a PEM public key ({err}); use the host's .pub file") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key; use the host's .pub file")
    return key


def recording_entry(path: Path, game_id: str, run: int) -> ManifestEntry:
    return ManifestEntry(file=path.name, sha256=hashlib.sha256(path.read_bytes()).hexdigest(), game_id=game_id, run=run)


def write_signed_manifest(card_dir: Path, manifest: HostedEvaluation, key: Ed25519PrivateKey) -> None:
    """Write the manifest and its signature into ``card_dir`` (each file complete or absent)."""
    data = manifest.model_dump_json(indent=1, exclude={"host_name"}).encode()
    signature = base64.b64encode(key.sign(data)) + b"\n"
    for name, content in ((MANIFEST_FILE, data), (SIGNATURE_FILE, signature)):
        partial = card_dir / f".{name}.partial"
        partial.write_bytes(content)
        partial.replace(card_dir / name)


def read_signed_manifest(card_dir: Path, trusted: Callable[[str], TrustedHost | None]) -> HostedEvaluation:
    """The manifest of ``card_dir`` after checking its signature with a trusted host's key; ValueError otherwise."""
    data = read_regular_file(card_dir / MANIFEST_FILE, MAX_MANIFEST_BYTES, "manifest")
    try:
        signature = base64.b64decode(
            read_regular_file(card_dir / SIGNATURE_FILE, 1024, "signature").strip(), validate=True
        )
    except ValueError as err:
        raise ValueError(f"no valid {SIGNATURE_FILE} beside the manifest ({err})") from None
    try:
        manifest = HostedEvaluation.model_validate_json(data)
    except ValidationError as err:
        first = err.errors()[0]
        raise ValueError(f"{MANIFEST_FILE}: {'.'.join(map(str, first['loc']))}: {first['msg']}") from None
    host = trusted(manifest.host)
    if host is None:
        raise ValueError(
            f"signed by a host this board does not trust (key {manifest.host[:16]}…); the board's operator adds it "
            "with `arcgames leaderboard trust-host HOST_KEY.pub --name NAME`"
        )
    try:
        _public_key(host.public_key).verify(signature, data)
    except InvalidSignature:
        raise ValueError(
            f"the signature does not match {MANIFEST_FILE}: it was changed after host {host.name!r} signed it"
        ) from None
    return manifest.model_copy(update={"host_name": host.name})

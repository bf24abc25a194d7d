"""A Python 3.12 venv for the tests of what needs 3.12: the official client (arc-agi) and arcengine games.

The venv holds arc-agi (which brings arcengine), arcgames' runtime dependencies and
pytest; it is built once per requirement list and cached under the temp folder.
arcgames itself is never installed into it (a cached venv would then test whichever
checkout installed it last): :func:`arcgames_tree` lays out this checkout as an
installed package, and tests put that folder on PYTHONPATH.

A test that needs the venv skips when no Python 3.12+ exists or the install fails
(no network), unless ARCGAMES_REQUIRE_OFFICIAL_CLIENT=1 (CI) makes that a failure.
"""

from __future__ import annotations

import fcntl
import glob
import hashlib
import os
import shutil
import subprocess
import tempfile
import tomllib
from pathlib import Path

import pytest

ARC_AGI_VERSION = "0.9.9"  # the version ARC-AGI-3-API.md was captured from
REPO = Path(__file__).resolve().parent.parent
REQUIRE = "ARCGAMES_REQUIRE_OFFICIAL_CLIENT"


def _unavailable(reason: str) -> None:
    if os.environ.get(REQUIRE) == "1":
        pytest.fail(f"{reason} (${REQUIRE}=1 makes this a failure)")
    pytest.skip(reason)


def python_312() -> str | None:
    """A Python 3.12+ interpreter: pyenv's, or python3.12/python3.13 on PATH."""
    candidates = sorted(glob.glob("/root/.pyenv/versions/3.1[2-9]*/bin/python"))
    candidates += [p for p in (shutil.which("python3.12"), shutil.which("python3.13")) if p]
    return candidates[0] if candidates else None


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())


def requirements() -> list[str]:
    """What the venv installs: the official client, arcgames' runtime dependencies, pytest."""
    return [f"arc-agi=={ARC_AGI_VERSION}", *_pyproject()["project"]["dependencies"], "pytest>=8,<9.1"]


def venv_python() -> str:
    """The venv's python (built on first use, then reused; concurrent builders wait on a lock)."""
    base = python_312()
    if base is None:
        _unavailable("arc-agi and arcengine need Python 3.12+; none found (pyenv 3.12, python3.12, python3.13)")
    version = subprocess.run([base, "-c", "import sys; print(f'{sys.version_info[0]}.{sys.version_info[1]}')"],
                             capture_output=True, text=True, check=True).stdout.strip()  # fmt: skip
    key = hashlib.blake2b("\n".join(requirements()).encode(), digest_size=4).hexdigest()
    venv = Path(tempfile.gettempdir()) / f"arcgames-py{version}-{key}"
    python = venv / "bin" / "python"
    with open(venv.with_name(f"{venv.name}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one builder at a time; the others then find it ready
        if not (venv / "ready").exists():
            _build(base, venv)
    return str(python)


def _build(base: str, venv: Path) -> None:
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([base, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", *requirements()]
    install = subprocess.run(pip, capture_output=True, text=True)
    if install.returncode != 0:
        shutil.rmtree(venv, ignore_errors=True)
        _unavailable(f"cannot install {' '.join(requirements())}: {install.stderr.strip()[-400:]}")
    (venv / "ready").touch()


def arcgames_tree(folder: Path) -> Path:
    """This checkout's packages laid out under ``folder`` as a wheel installs them (pyproject's package-dir)."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package, source in _pyproject()["tool"]["setuptools"]["package-dir"].items():
        shutil.copytree(REPO / source, folder / package.replace(".", "/"), ignore=ignore, dirs_exist_ok=True)
    return folder

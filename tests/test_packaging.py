"""The wheel installs into a fresh venv and works outside the checkout."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_wheel_installs_and_lists_games_outside_checkout(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(ROOT)], check=True
    )
    (wheel,) = (tmp_path / "dist").glob("arcgames-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([venv / "bin" / "python", "-m", "pip", "install", "-q", str(wheel)], check=True)

    where = subprocess.run(
        [venv / "bin" / "python", "-c", "import arcgames.games, arcgames.agents; print(arcgames.__file__)"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert str(venv) in where, f"arcgames imported from {where}, not from the fresh venv"
    pages = subprocess.run(
        [venv / "bin" / "python", "-c", "from importlib.resources import files; "
         "print(sorted(p.name for p in (files('arcgames') / 'server' / 'static').iterdir()))"],
        cwd=tmp_path, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    shipped = sorted(p.name for p in (ROOT / "arcgames" / "server" / "static").iterdir())
    assert pages.strip() == repr(shipped), "the pages' files must be package data (pyproject.toml package-data)"

    listed = subprocess.run(
        [venv / "bin" / "arcgames", "list", "--json"], cwd=tmp_path, capture_output=True, text=True, check=True
    )
    games = json.loads(listed.stdout)
    assert {g["split"] for g in games} == {"public", "evaluation"}
    assert all(g["levels"] >= 5 for g in games)


def test_every_package_folder_is_in_the_wheel() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    roots = {"arcgames": "arcgames", "arcgames.games": "games", "arcgames.agents": "agents",
             "arcgames.leaderboard": "leaderboard"}  # fmt: skip
    found = set()
    for package, folder in roots.items():
        for init in (ROOT / folder).rglob("__init__.py"):
            relative = init.parent.relative_to(ROOT / folder).parts
            found.add(".".join((package, *relative)))
    assert found == set(config["packages"]), "list every package folder in pyproject.toml [tool.setuptools] packages"

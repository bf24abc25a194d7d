"""Runs test_arc_adapter.py under Python 3.12, where arcengine installs, so CI never skips it.

The main test interpreter may be 3.11, where arcengine (and so test_arc_adapter.py)
cannot run. This test runs that module with the 3.12 venv of py312.py against this
checkout laid out as installed; it fails if any of its tests fails or skips (only the
one needing real official game files, which no package ships, is left out).
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from py312 import REPO, arcgames_tree, venv_python

pytestmark = pytest.mark.slow


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="3.12+: test_arc_adapter.py runs in this interpreter")
def test_arc_adapter_tests_pass_on_python_312(tmp_path):
    python = venv_python()
    tree = arcgames_tree(tmp_path / "site")
    report = tmp_path / "report.xml"
    env = {k: v for k, v in os.environ.items() if k not in ("ARCGAMES_PACKS", "PYTHONPATH")}
    command = [python, "-m", "pytest", "-c", str(REPO / "pyproject.toml"), "--rootdir", str(REPO),
               "-p", "no:cacheprovider", "-q", f"--junitxml={report}", "-k", "not test_official_games_run",
               str(REPO / "tests" / "test_arc_adapter.py")]  # fmt: skip
    # cwd outside the checkout: its arcgames/ folder must not shadow the laid-out tree.
    done = subprocess.run(command, capture_output=True, text=True, cwd=tmp_path, env=env | {"PYTHONPATH": str(tree)},
                          timeout=900)  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    suite = ET.parse(report).getroot().find("testsuite")
    counts = {key: int(suite.get(key)) for key in ("tests", "failures", "errors", "skipped")}
    assert counts["tests"] >= 9 and counts["failures"] == counts["errors"] == counts["skipped"] == 0, counts

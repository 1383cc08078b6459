"""The wheel holds the whole package and its data, and builds without setuptools' warnings.

A src/ layout fails quietly: without src/vraagbaak/__init__.py the wheel held no module at all, an
editable install still worked, and only the container (which installs the wheel) found out.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_holds_every_module_and_data_file(tmp_path):
    tree = tmp_path / "tree"
    tree.mkdir()
    shutil.copy(ROOT / "pyproject.toml", tree)
    shutil.copy(ROOT / "README.md", tree)
    shutil.copytree(ROOT / "src", tree / "src", ignore=shutil.ignore_patterns("*.egg-info", "__pycache__"))
    out = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", str(tmp_path), str(tree)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "would be ignored" not in out.stdout + out.stderr
    (wheel,) = tmp_path.glob("vraagbaak-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    modules = {str(p.relative_to(ROOT / "src")) for p in (ROOT / "src" / "vraagbaak").rglob("*.py")}
    assert modules <= names
    assert {
        "vraagbaak/corpus/beleidsbrief-jenv-2026-04-24.txt",
        "vraagbaak/service/static/widget.js",
        "vraagbaak/service/static/index.html",
    } <= names
    assert not any(n.startswith(("tests/", "eval/")) for n in names)

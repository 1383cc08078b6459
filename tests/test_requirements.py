"""requirements/runtime.txt (the container's dependencies) agrees with constraints.txt and pyproject."""

from __future__ import annotations

import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, ver = line.partition("==")
            assert sep, f"{path.name}: {line!r} is not pinned with =="
            pins[canonicalize_name(name)] = ver.strip()
    return pins


def test_runtime_requirements_match_constraints():
    runtime = _pins(ROOT / "requirements" / "runtime.txt")
    constraints = _pins(ROOT / "constraints.txt")
    for name, ver in runtime.items():
        assert constraints.get(name) == ver, f"{name}=={ver} in runtime.txt, {constraints.get(name)} in constraints.txt"


def test_runtime_requirements_cover_the_direct_dependencies_and_no_torch():
    runtime = _pins(ROOT / "requirements" / "runtime.txt")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for dep in project["dependencies"]:
        req = Requirement(dep)
        assert runtime.get(canonicalize_name(req.name)) in {s.version for s in req.specifier}, dep
    assert not {"torch", "sentence-transformers", "transformers"} & set(runtime)

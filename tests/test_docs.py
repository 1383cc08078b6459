"""The docs agree with the code: the README's module map, the settings table, the links."""

from __future__ import annotations

import re
from pathlib import Path

from vraagbaak.settings import ENVIRONMENT

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "vraagbaak"
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


def module_map() -> set[str]:
    """The modules the README's map names, as paths relative to src/vraagbaak."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("## Module map", 1)[1].split("```", 2)[1]
    named, folders = set(), []  # folders: (indent, name) of the enclosing package lines
    for line in block.splitlines():
        if not line.strip():
            continue
        indent, name = len(line) - len(line.lstrip()), line.split()[0]
        folders = [(i, f) for i, f in folders if i < indent]
        if name.endswith("/"):
            folders.append((indent, name.rstrip("/")))
        elif name.endswith(".py") and folders and folders[0][1] == "src/vraagbaak":
            named.add("/".join([f for _, f in folders[1:]] + [name]))
    return named


def test_the_module_map_names_every_module_and_nothing_else():
    modules = {
        str(p.relative_to(PACKAGE))
        for p in PACKAGE.rglob("*.py")
        if p.name not in {"__init__.py", "__main__.py"} and "egg-info" not in str(p)
    }
    assert module_map() == modules


def test_the_configuration_table_names_every_setting():
    table = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = [name for name in ENVIRONMENT if f"`{name}`" not in table]
    assert not missing


def test_relative_links_lead_to_files_that_exist():
    broken = []
    for doc in DOCS:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", doc.read_text(encoding="utf-8")):
            if not (doc.parent / target).exists():
                broken.append(f"{doc.name}: {target}")
    assert not broken

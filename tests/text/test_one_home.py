"""Shared text tools have one home (montage.text): nothing else redefines them, and it depends on nothing."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TEXT_PACKAGE = REPO / "montage" / "text"
_HAN_RANGE_LITERAL = re.compile(r"\\u(?:4e00|3400|9fff|f900)|0x(?:4e00|3400|9fff|f900)", re.IGNORECASE)


def _sources() -> list[Path]:
    files = [p for top in ("montage", "indexer", "api") for p in (REPO / top).rglob("*.py")]
    return [p for p in files if TEXT_PACKAGE not in p.parents]


def test_no_module_outside_montage_text_defines_han_ranges_a_decoder_or_a_cue() -> None:
    offenders = []
    for path in _sources():
        source = path.read_text(encoding="utf-8")
        if _HAN_RANGE_LITERAL.search(source):
            offenders.append(f"{path}: Han range literal (use montage.text.scripts)")
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name == "Cue":
                offenders.append(f"{path}: class Cue (use montage.text.cues)")
            if isinstance(node, ast.Import | ast.ImportFrom):
                is_from = isinstance(node, ast.ImportFrom)
                names = [node.module or ""] if is_from else [alias.name for alias in node.names]
                if any(name.split(".")[0] == "charset_normalizer" for name in names):
                    offenders.append(f"{path}: charset_normalizer (use montage.text.decoding)")
    assert offenders == []


def test_montage_text_imports_nothing_else_from_the_project() -> None:
    imported: set[str] = set()
    for path in TEXT_PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    project = {m for m in imported if m.split(".")[0] in ("montage", "indexer", "api")}
    assert {m for m in project if not m.startswith("montage.text")} == set()

"""open_clip's table of pretrained weights (tag → hub repository or URL), read without importing open_clip.

Importing open_clip imports torch (seconds). To answer "are these weights here?" quickly, this module parses
``open_clip/pretrained.py`` with :mod:`ast` and evaluates only the literal parts of its ``_PRETRAINED``
table: plain strings, booleans, ``dict(...)`` and dict literals, and the ``_*cfg(...)`` helper calls.
"""

from __future__ import annotations

import ast
import importlib.util
import posixpath
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

_QUICKGELU_SUFFIX = "-quickgelu"


class _Unknown:
    """Marks a value the literal evaluator cannot compute (left out of the table)."""


_UNKNOWN = _Unknown()


@dataclass(frozen=True)
class PretrainedSource:
    """Where open_clip would fetch one pretrained tag's weights from."""

    hf_repo: str
    hf_filename: str
    url: str
    quick_gelu: bool


def clean_tag(tag: str) -> str:
    """open_clip's tag normalisation: lower case, ``-`` → ``_``."""
    return tag.lower().replace("-", "_")


def open_clip_package_dir() -> Path | None:
    """The installed open_clip package folder (found without importing it), or None."""
    spec = importlib.util.find_spec("open_clip")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _literal(node: ast.expr, names: dict[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return names.get(node.id, _UNKNOWN)
    if isinstance(node, ast.Dict):
        result: dict[Any, Any] = {}
        for key, value in zip(node.keys, node.values, strict=True):
            evaluated = _literal(value, names)
            if key is None:
                if isinstance(evaluated, dict):
                    result.update(evaluated)
            else:
                result[_literal(key, names)] = evaluated
        return result
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        function = node.func.id
        if function == "dict" or (function.startswith("_") and function.endswith("cfg")):
            result = {}
            for keyword in node.keywords:
                evaluated = _literal(keyword.value, names)
                if keyword.arg is None:
                    if isinstance(evaluated, dict):
                        result.update(evaluated)
                else:
                    result[keyword.arg] = evaluated
            return result
    return _UNKNOWN


def _parse_table(source: str) -> dict[str, dict[str, dict[str, Any]]]:
    names: dict[str, Any] = {}
    for statement in ast.parse(source).body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name):
                names[target.id] = _literal(statement.value, names)
    table = names.get("_PRETRAINED")
    if not isinstance(table, dict):
        return {}
    parsed: dict[str, dict[str, dict[str, Any]]] = {}
    for model, tags in table.items():
        if isinstance(model, str) and isinstance(tags, dict):
            parsed[model] = {
                tag: cfg for tag, cfg in tags.items() if isinstance(tag, str) and isinstance(cfg, dict)
            }
    for model, tags in list(parsed.items()):
        quick = {tag: cfg for tag, cfg in tags.items() if cfg.get("quick_gelu") is True}
        if quick:
            parsed.setdefault(model + _QUICKGELU_SUFFIX, {}).update(quick)
    return parsed


@lru_cache(maxsize=1)
def pretrained_table() -> dict[str, dict[str, dict[str, Any]]]:
    """``{model: {tag: cfg}}`` as written in the installed open_clip; empty when open_clip is absent."""
    package = open_clip_package_dir()
    if package is None or not (package / "pretrained.py").is_file():
        return {}
    return _parse_table((package / "pretrained.py").read_text(encoding="utf-8"))


def known_tags(model: str) -> list[str]:
    """The pretrained tags open_clip knows for ``model``."""
    return sorted(pretrained_table().get(model, {}))


def pretrained_source(model: str, tag: str) -> PretrainedSource | None:
    """Where the weights of ``model`` + ``tag`` come from, or None for an unknown pair."""
    cfg = pretrained_table().get(model, {}).get(clean_tag(tag))
    if cfg is None:
        return None
    hf_hub = cfg.get("hf_hub")
    url = cfg.get("url")
    hf_repo, hf_filename = "", ""
    if isinstance(hf_hub, str) and hf_hub:
        # open_clip's convention: "org/name/" → the default file name, "org/name/file.bin" → that file.
        hf_repo, hf_filename = posixpath.split(hf_hub)
    return PretrainedSource(
        hf_repo=hf_repo,
        hf_filename=hf_filename,
        url=url if isinstance(url, str) else "",
        quick_gelu=cfg.get("quick_gelu") is True,
    )

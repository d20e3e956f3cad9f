"""Check timeline JSON against ``timeline.schema.json`` without third-party packages.

Implements the part of JSON Schema (2020-12) the timeline schema uses: ``type``, ``const``, ``enum``,
``required``, ``properties``, ``additionalProperties``, ``items``, ``minimum``, ``exclusiveMinimum``,
``minLength``, ``anyOf`` and local ``$ref``. Any other keyword in the schema is refused, so the schema can
not silently outgrow this checker.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

_SUPPORTED = {
    "$schema", "$id", "$defs", "title", "description", "type", "const", "enum", "required", "properties",
    "additionalProperties", "items", "minimum", "exclusiveMinimum", "minLength", "anyOf", "$ref",
}  # fmt: skip


@lru_cache(maxsize=1)
def timeline_schema() -> dict[str, Any]:
    """The timeline JSON Schema shipped with the package."""
    text = resources.files("montage.timeline").joinpath("timeline.schema.json").read_text(encoding="utf-8")
    schema: dict[str, Any] = json.loads(text)
    return schema


def _type_matches(value: Any, name: str) -> bool:
    if name == "null":
        return value is None
    if name == "boolean":
        return isinstance(value, bool)
    if name == "integer":
        return not isinstance(value, bool) and (
            isinstance(value, int) or (isinstance(value, float) and value.is_integer())
        )
    if name == "number":
        return not isinstance(value, bool) and isinstance(value, int | float)
    if name == "string":
        return isinstance(value, str)
    if name == "array":
        return isinstance(value, list)
    if name == "object":
        return isinstance(value, dict)
    raise ValueError(f"unsupported JSON Schema type {name!r}")


def _resolve(ref: str, root: dict[str, Any]) -> dict[str, Any]:
    if not ref.startswith("#/"):
        raise ValueError(f"only local $ref is supported, not {ref!r}")
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part]
    resolved: dict[str, Any] = node
    return resolved


def _check(value: Any, schema: dict[str, Any], root: dict[str, Any], where: str, errors: list[str]) -> None:
    unknown = set(schema) - _SUPPORTED
    if unknown:
        raise ValueError(f"schema keywords not supported by this checker: {sorted(unknown)}")
    if "$ref" in schema:
        _check(value, _resolve(schema["$ref"], root), root, where, errors)
    if "anyOf" in schema:
        trials: list[list[str]] = []
        for option in schema["anyOf"]:
            found: list[str] = []
            _check(value, option, root, where, found)
            if not found:
                break
            trials.append(found)
        else:
            errors.append(f"{where}: matches none of the allowed forms ({'; '.join(t[0] for t in trials)})")
    if "type" in schema:
        names = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_type_matches(value, n) for n in names):
            errors.append(f"{where}: expected {' or '.join(names)}, got {type(value).__name__}")
            return
    if "const" in schema and value != schema["const"]:
        errors.append(f"{where}: must be {schema['const']!r}")
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{where}: must be one of {schema['enum']!r}")
    number = isinstance(value, int | float) and not isinstance(value, bool)
    if number and "minimum" in schema and value < schema["minimum"]:
        errors.append(f"{where}: must be ≥ {schema['minimum']}")
    if number and "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
        errors.append(f"{where}: must be > {schema['exclusiveMinimum']}")
    if isinstance(value, str) and "minLength" in schema and len(value) < schema["minLength"]:
        errors.append(f"{where}: must have at least {schema['minLength']} characters")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            _check(item, schema["items"], root, f"{where}[{i}]", errors)
    if isinstance(value, dict):
        _check_object(value, schema, root, where, errors)


def _check_object(
    value: dict[str, Any], schema: dict[str, Any], root: dict[str, Any], where: str, errors: list[str]
) -> None:
    for key in schema.get("required", []):
        if key not in value:
            errors.append(f"{where}: missing {key!r}")
    properties: dict[str, Any] = schema.get("properties", {})
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        if key in properties:
            _check(item, properties[key], root, f"{where}.{key}", errors)
        elif extra is False:
            errors.append(f"{where}: unexpected key {key!r}")
        elif isinstance(extra, dict):
            _check(item, extra, root, f"{where}.{key}", errors)


def schema_errors(data: Any) -> list[str]:
    """Everything in ``data`` that breaks the timeline schema, as ``path: problem`` lines (empty = valid)."""
    root = timeline_schema()
    errors: list[str] = []
    _check(data, root, root, "$", errors)
    return errors

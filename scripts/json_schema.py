"""A small JSON Schema checker: the subset that scripts/benchmark_schema.json uses.

    errors = check(document, schema)    # [] when the document is valid

Keywords: ``type`` (one name or a list; "integer" excludes booleans and floats, "number"
excludes booleans), ``enum``, ``const``, ``required``, ``properties``,
``additionalProperties`` (true, false or a schema), ``items`` (one schema for every item),
``minItems``, ``maxItems``, ``minimum``, ``exclusiveMinimum``, ``maximum``, ``minLength``,
``pattern`` (``re.search``), ``$ref`` to ``#/$defs/NAME``; ``$schema``, ``$id``, ``title``,
``description`` and ``$comment`` are ignored. Any other keyword is refused (so a schema
never silently asks for a check that is not made). The ``jsonschema`` package would do the
same with more keywords; this keeps the test extra free of another pin.
"""

from __future__ import annotations

import re

_TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}
_IGNORED = {"$schema", "$id", "title", "description", "$comment", "$defs"}
_KNOWN = _IGNORED | {"type", "enum", "const", "required", "properties", "additionalProperties",
                     "items", "minItems", "maxItems", "minimum", "exclusiveMinimum", "maximum",
                     "minLength", "pattern", "$ref"}


def check(document, schema: dict) -> list[str]:
    """Every way ``document`` breaks ``schema``, as ``"$.path: rule"`` lines."""
    errors: list[str] = []
    _check(document, schema, schema, "$", errors)
    return errors


def _check(value, schema: dict, root: dict, path: str, errors: list[str]) -> None:
    unknown = set(schema) - _KNOWN
    if unknown:
        raise ValueError(f"{path}: the schema uses keywords this checker lacks: {sorted(unknown)}")
    if "$ref" in schema:
        ref = schema["$ref"]
        if not ref.startswith("#/$defs/"):
            raise ValueError(f"{path}: only #/$defs/ references are supported, got {ref!r}")
        _check(value, root["$defs"][ref[len("#/$defs/"):]], root, path, errors)
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_TYPES[t](value) for t in types):
            errors.append(f"{path}: must be {' or '.join(types)}, got {type(value).__name__}")
            return
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: must be one of {schema['enum']}, got {value!r}")
    if "const" in schema and value != schema["const"]:
        errors.append(f"{path}: must be {schema['const']!r}, got {value!r}")
    if isinstance(value, dict):
        for key in schema.get("required", ()):
            if key not in value:
                errors.append(f"{path}: {key!r} is required")
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            if key in properties:
                _check(item, properties[key], root, f"{path}.{key}", errors)
            elif extra is False:
                errors.append(f"{path}: {key!r} is not allowed")
            elif isinstance(extra, dict):
                _check(item, extra, root, f"{path}.{key}", errors)
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{path}: needs at least {schema['minItems']} items, has {len(value)}")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append(f"{path}: allows at most {schema['maxItems']} items, has {len(value)}")
        if "items" in schema:
            for index, item in enumerate(value):
                _check(item, schema["items"], root, f"{path}[{index}]", errors)
    if _TYPES["number"](value):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: must be >= {schema['minimum']}, got {value}")
        if "exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"]:
            errors.append(f"{path}: must be > {schema['exclusiveMinimum']}, got {value}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: must be <= {schema['maximum']}, got {value}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{path}: must have at least {schema['minLength']} characters")
        if "pattern" in schema and not re.search(schema["pattern"], value):
            errors.append(f"{path}: must match {schema['pattern']!r}, got {value!r}")

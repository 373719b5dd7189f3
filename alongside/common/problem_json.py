"""Reading a JSON problem for a command-line solver, naming the first bad field by its JSON path.

Pure (no Django), shared by `alongside plan` and `alongside match`: `ProblemError(path, message)`
with paths such as `$.workers[3].skills[0]`, readers that check one field each, and the two ends
of a command (`read_problem`, `write_output`) that turn any failure into an `InputError`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from alongside.common.files import CannotRead, CannotWrite, read_json, replace_text


class InputError(Exception):
    """Bad input or an unwritable output; the message names the file."""


def read_problem[Parsed](path: str, parse: Callable[[object], Parsed]) -> Parsed:
    """The problem in the JSON file at `path`, parsed; InputError names the file and field."""
    try:
        data = read_json(path)
    except CannotRead as error:
        raise InputError(str(error)) from None
    try:
        return parse(data)
    except ProblemError as error:
        raise InputError(f"{path}: {error}") from None


def write_output(path: str, text: str) -> None:
    """Write `text` to a new file beside `path`, then move it into place in one step."""
    try:
        replace_text(path, text)
    except CannotWrite as error:
        raise InputError(str(error)) from None


class ProblemError(ValueError):
    """Bad input: `path` is the JSON path of the first bad field, `message` says what is wrong."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


def key_path(path: str, key: str) -> str:
    """`path.key`, or `path["key"]` when the key is not a plain name."""
    if key.isidentifier():
        return f"{path}.{key}"
    escaped = key.replace("\\", "\\\\").replace('"', '\\"')
    return f'{path}["{escaped}"]'


def kind(value: object) -> str:
    """What a JSON value is, in words for a message."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def as_object(value: object, path: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ProblemError(path, f"expected an object, got {kind(value)}")
    return value


def required(entry: dict[str, Any], key: str, path: str) -> object:
    if key not in entry:
        raise ProblemError(key_path(path, key), "the required key is missing")
    return entry[key]


def as_list(entry: dict[str, Any], key: str, path: str) -> list[Any]:
    value = required(entry, key, path)
    if not isinstance(value, list):
        raise ProblemError(key_path(path, key), f"expected a list, got {kind(value)}")
    return value


def string(entry: dict[str, Any], key: str, path: str) -> str:
    """A non-empty string."""
    value = required(entry, key, path)
    if not isinstance(value, str):
        raise ProblemError(key_path(path, key), f"expected a string, got {kind(value)}")
    if not value:
        raise ProblemError(key_path(path, key), "is empty")
    return value


def optional_string(entry: dict[str, Any], key: str, path: str) -> str | None:
    if entry.get(key) is None:
        return None
    return string(entry, key, path)


def strings(entry: dict[str, Any], key: str, path: str, *, is_required: bool = False) -> list[str]:
    """A list of non-empty strings; absent or null is an empty list unless `is_required`."""
    value = required(entry, key, path) if is_required else entry.get(key)
    where = key_path(path, key)
    if value is None and not is_required:
        return []
    if not isinstance(value, list):
        raise ProblemError(where, f"expected a list of strings, got {kind(value)}")
    for position, item in enumerate(value):
        if not isinstance(item, str) or not item:
            raise ProblemError(f"{where}[{position}]", f"expected a non-empty string, got {item!r}")
    return value


def new_id(entry: dict[str, Any], path: str, seen: set[str], what: str) -> str:
    """The entry's `id`: a non-empty string no earlier entry used (added to `seen`)."""
    value = string(entry, "id", path)
    if value in seen:
        raise ProblemError(f"{path}.id", f"another {what} already has the id {value!r}")
    seen.add(value)
    return value

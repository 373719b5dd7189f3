"""Writing an output file whole or not at all, and keeping spreadsheet cells as text (pure: the
command-line tools use it without Django)."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import IO, Any

# A cell starting with one of these is run as a formula by spreadsheet programs (OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is prefixed with ' so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class CannotWrite(Exception):
    """The output file could not be written; the message names it."""


class CannotRead(Exception):
    """The input file could not be read as JSON; the message names it, and the line and column."""


def read_json(path: str) -> object:
    """The JSON value in a UTF-8 file, or CannotRead saying where and why not."""
    import json

    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError as error:
        raise CannotRead(f"{path}: cannot be read: {error.strerror or error}") from None
    except UnicodeDecodeError as error:
        raise CannotRead(f"{path}: not UTF-8 text ({error.reason})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CannotRead(
            f"{path}: line {error.lineno}, column {error.colno}: not valid JSON: {error.msg}"
        ) from None


def replace_text(path: str, text: str) -> None:
    """Write `text` to `path` whole, or not at all (see `replace_file`)."""

    def write(stream: IO[Any]) -> None:
        stream.write(text)

    replace_file(path, write)


def replace_file(
    path: str, write: Callable[[IO[Any]], None], *, newline: str | None = None, binary: bool = False
) -> None:
    """Write to a new file beside `path`, then move it into place in one step.

    Nothing partial is ever left at `path`: on any error the temporary file is removed and an
    existing file at `path` is untouched.
    """
    folder, name = os.path.split(os.path.abspath(path))
    for attempt in range(100):
        temporary = os.path.join(folder, f".{name}.{os.getpid()}.{attempt}.tmp")
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except OSError as error:
            raise CannotWrite(f"{path}: cannot be written: {error.strerror or error}") from None
        break
    else:
        raise CannotWrite(f"{path}: cannot be written: no free temporary name in {folder}")
    try:
        if binary:
            with open(descriptor, "wb") as raw:
                write(raw)
        else:
            with open(descriptor, "w", encoding="utf-8", newline=newline) as stream:
                write(stream)
        os.replace(temporary, path)
    except BaseException as error:
        os.unlink(temporary)
        if isinstance(error, OSError):
            raise CannotWrite(f"{path}: cannot be written: {error.strerror or error}") from None
        raise

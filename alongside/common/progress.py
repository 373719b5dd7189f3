"""How far a long job has got, in a small file beside its work (pure: no Django).

A job that writes inside one database transaction (an import, an archive) cannot show its
progress in the database: no one else sees the rows until it commits. It writes a few numbers
to a file instead, and the page polling it reads them. The file is replaced whole on each
write, so a reader never sees half a number; a missing or unreadable file reads as zeros.
"""

from __future__ import annotations

import os
from pathlib import Path


class ProgressFile:
    """A file holding a few whole numbers, e.g. rows done and rows expected."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

    def write(self, *numbers: int) -> None:
        partial = self.path.with_name(self.path.name + ".partial")
        partial.write_text(" ".join(str(int(number)) for number in numbers))
        os.replace(partial, self.path)

    def read(self, count: int) -> tuple[int, ...]:
        """The `count` numbers last written, or zeros while there are none."""
        try:
            numbers = tuple(int(part) for part in self.path.read_text().split())
        except (OSError, ValueError):
            return (0,) * count
        return numbers if len(numbers) == count else (0,) * count

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
        self.path.with_name(self.path.name + ".partial").unlink(missing_ok=True)

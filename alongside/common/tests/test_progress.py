"""The progress file long jobs write and their pages read (common/progress.py)."""

from pathlib import Path

from alongside.common.progress import ProgressFile


def test_numbers_written_are_read_back(tmp_path: Path) -> None:
    progress = ProgressFile(tmp_path / "job.progress")
    progress.write(120, 4000)
    assert progress.read(2) == (120, 4000)
    progress.write(4000, 4000)
    assert progress.read(2) == (4000, 4000)
    assert list(tmp_path.iterdir()) == [tmp_path / "job.progress"]  # no partial file left


def test_nothing_yet_or_something_unreadable_reads_as_zeros(tmp_path: Path) -> None:
    progress = ProgressFile(tmp_path / "job.progress")
    assert progress.read(1) == (0,)
    progress.path.write_text("12 x")
    assert progress.read(2) == (0, 0)
    progress.path.write_text("12")
    assert progress.read(2) == (0, 0)  # the wrong count of numbers


def test_remove_leaves_nothing(tmp_path: Path) -> None:
    progress = ProgressFile(tmp_path / "job.progress")
    progress.write(1)
    progress.remove()
    progress.remove()  # twice is fine
    assert list(tmp_path.iterdir()) == []

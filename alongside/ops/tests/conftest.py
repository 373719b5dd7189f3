import pytest

from alongside.measures.builtins import load_built_in
from alongside.measures.models import Instrument, InstrumentVersion


@pytest.fixture
def committed(committed_db: None) -> None:
    """Committed rows, seen by other processes (pg_dump, gunicorn, db_worker). A flush after an
    earlier transactional test removed what the migrations loaded: put the built-in
    questionnaires back."""
    load_built_in(Instrument, InstrumentVersion)

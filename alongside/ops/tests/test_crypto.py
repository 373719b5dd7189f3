"""The backup file's encryption: it round-trips, and refuses a wrong passphrase or any damage."""

import io
import os
from unittest import mock

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alongside.ops import crypto
from alongside.ops.crypto import (
    CHUNK,
    HEADER,
    LENGTH,
    TAG_BYTES,
    BackupCryptoError,
    DecryptingReader,
    EncryptingWriter,
)

PASSPHRASE = b"correct horse battery staple"


def seal(data: bytes, passphrase: bytes = PASSPHRASE, pieces: int = 3) -> bytes:
    out = io.BytesIO()
    writer = EncryptingWriter(out, passphrase)
    step = max(1, len(data) // pieces)
    for start in range(0, len(data), step):
        writer.write(data[start : start + step])
    writer.close()
    return out.getvalue()


def unseal(raw: bytes, passphrase: bytes = PASSPHRASE, size: int = -1) -> bytes:
    reader = DecryptingReader(io.BytesIO(raw), passphrase)
    if size < 0:
        return reader.read()
    parts = []
    while part := reader.read(size):
        parts.append(part)
    return b"".join(parts)


@pytest.mark.parametrize("length", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK + 7])
def test_round_trip_at_every_chunk_edge(length):
    data = os.urandom(length)
    raw = seal(data)
    assert unseal(raw) == data
    assert unseal(raw, size=4096) == data
    # Nothing readable in the file (a few random bytes may turn up in any ciphertext by chance).
    assert length < 16 or data[:64] not in raw


@given(st.binary(max_size=5000), st.integers(min_value=1, max_value=700))
def test_round_trip_in_any_pieces(data, size):
    with mock.patch.object(crypto, "SCRYPT_LOG2_N", 10):  # a cheap key: this is about chunking
        raw = seal(data, pieces=7)
    assert raw[HEADER.size - 10] == 10  # the cost travels in the header
    assert unseal(raw, size=size) == data


def test_a_wrong_passphrase_is_named():
    with pytest.raises(BackupCryptoError, match="passphrase is wrong"):
        unseal(seal(b"records"), b"not the passphrase")


def test_not_a_backup_file():
    with pytest.raises(BackupCryptoError, match="not an Alongside backup"):
        unseal(b"PK\x03\x04 a zip file, say" + b"\x00" * 64)


def test_every_kind_of_damage_is_refused():
    data = os.urandom(2 * CHUNK + 100)
    raw = seal(data)
    first_chunk_end = HEADER.size + LENGTH.size + CHUNK + TAG_BYTES
    flipped = bytearray(raw)
    flipped[first_chunk_end + 50] ^= 1
    damaged = {
        "a flipped bit": bytes(flipped),
        "cut at a chunk's end": raw[:first_chunk_end],
        "cut inside a chunk": raw[: first_chunk_end + 10],
        "the last chunk dropped": raw[: -(LENGTH.size + 100 + TAG_BYTES)],
        "a chunk appended": raw + raw[HEADER.size : first_chunk_end],
        "a header byte changed": raw[:20] + bytes([raw[20] ^ 1]) + raw[21:],
    }
    for what, file in damaged.items():
        with pytest.raises(BackupCryptoError):
            unseal(file)
            pytest.fail(f"{what} was not noticed")


def test_cut_short_is_said_as_such():
    raw = seal(os.urandom(CHUNK + 10))
    with pytest.raises(BackupCryptoError, match="cut short"):
        unseal(raw[: HEADER.size + LENGTH.size + CHUNK + TAG_BYTES])


def test_two_backups_of_the_same_data_differ():
    assert seal(b"same") != seal(b"same")  # a fresh salt and nonce each time

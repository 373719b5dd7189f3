"""Encrypted backup files: a passphrase, scrypt, and AES-256-GCM in chunks (decision 0022).

Pure: no Django. The file is a 34-byte header (magic, salt, scrypt cost, nonce prefix) then chunks; each chunk is a 4-byte length and the
AES-GCM ciphertext of up to 1 MiB of plaintext. The header is authenticated with every chunk; each
chunk's nonce is the header's random prefix, the chunk's number and a flag set on the last chunk
only (the STREAM construction), so a chunk cannot be changed, dropped, moved or cut off the end
without decryption failing. Memory use stays at one chunk whatever the database's size.
"""

from __future__ import annotations

import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"ALNGBK01"
SALT_BYTES = 16
PREFIX_BYTES = 7
SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P = 15, 8, 1  # 32 MiB, about 0.1 s: once per file
HEADER = struct.Struct(f">8s{SALT_BYTES}sBBB{PREFIX_BYTES}s")
LENGTH = struct.Struct(">I")
CHUNK = 1 << 20
TAG_BYTES = 16


class BackupCryptoError(Exception):
    """The file is not an Alongside backup, the passphrase is wrong, or the file is damaged."""


def _key(passphrase: bytes, salt: bytes, log2_n: int, r: int, p: int) -> AESGCM:
    if not passphrase:
        raise BackupCryptoError("the backup passphrase is empty")
    return AESGCM(Scrypt(salt=salt, length=32, n=1 << log2_n, r=r, p=p).derive(passphrase))


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">IB", counter, 1 if last else 0)


class EncryptingWriter:
    """A write-only file object: what is written goes to `out` encrypted. Call close() once."""

    def __init__(self, out: BinaryIO, passphrase: bytes) -> None:
        salt, prefix = os.urandom(SALT_BYTES), os.urandom(PREFIX_BYTES)
        self._header = HEADER.pack(MAGIC, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P, prefix)
        self._aead = _key(passphrase, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
        self._prefix, self._out = prefix, out
        self._buffer = bytearray()
        self._counter = 0
        self._closed = False
        out.write(self._header)

    def _emit(self, plain: bytes, last: bool) -> None:
        if self._counter >= 0xFFFFFFFF:
            raise BackupCryptoError("the backup is too large for one file")
        sealed = self._aead.encrypt(_nonce(self._prefix, self._counter, last), plain, self._header)
        self._out.write(LENGTH.pack(len(sealed)) + sealed)
        self._counter += 1

    def write(self, data: bytes) -> int:
        self._buffer += data
        # Keep at least one byte back, so the last chunk is always emitted by close().
        while len(self._buffer) > CHUNK:
            self._emit(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def close(self) -> None:
        if not self._closed:
            self._emit(bytes(self._buffer), last=True)
            self._buffer.clear()
            self._closed = True


class DecryptingReader:
    """A read-only file object over an encrypted backup; raises BackupCryptoError on any damage."""

    def __init__(self, source: BinaryIO, passphrase: bytes) -> None:
        header = source.read(HEADER.size)
        if len(header) < HEADER.size or not header.startswith(MAGIC):
            raise BackupCryptoError("this is not an Alongside backup file (its first bytes differ)")
        _, salt, log2_n, r, p, prefix = HEADER.unpack(header)
        if not (10 <= log2_n <= 22 and 1 <= r <= 32 and 1 <= p <= 16):
            raise BackupCryptoError("this backup file's header is damaged")
        self._aead = _key(passphrase, salt, log2_n, r, p)
        self._header, self._prefix, self._source = header, prefix, source
        self._counter = 0
        self._plain = b""
        self._done = False
        self._pending = self._read_sealed()

    def _read_sealed(self) -> bytes | None:
        raw = self._source.read(LENGTH.size)
        if not raw:
            return None
        if len(raw) < LENGTH.size:
            raise BackupCryptoError("the backup file is cut short")
        (length,) = LENGTH.unpack(raw)
        if not TAG_BYTES <= length <= CHUNK + TAG_BYTES:
            raise BackupCryptoError("the backup file is damaged")
        sealed = self._source.read(length)
        if len(sealed) < length:
            raise BackupCryptoError("the backup file is cut short")
        return sealed

    def _next_chunk(self) -> None:
        sealed = self._pending
        if sealed is None:
            raise BackupCryptoError("the backup file is cut short (its last part is missing)")
        following = self._read_sealed()
        last = following is None
        try:
            self._plain = self._aead.decrypt(
                _nonce(self._prefix, self._counter, last), sealed, self._header
            )
        except InvalidTag:
            if last and self._opens_as_a_middle_chunk(sealed):
                raise BackupCryptoError("the backup file is cut short") from None
            raise BackupCryptoError(
                "the backup cannot be decrypted: the passphrase is wrong"
                if self._counter == 0
                else "the backup file is damaged or cut short"
            ) from None
        self._counter += 1
        self._pending = following
        self._done = last

    def _opens_as_a_middle_chunk(self, sealed: bytes) -> bool:
        try:
            self._aead.decrypt(_nonce(self._prefix, self._counter, False), sealed, self._header)
        except InvalidTag:
            return False
        return True

    def read(self, size: int = -1) -> bytes:
        parts: list[bytes] = []
        wanted = size if size >= 0 else None
        while wanted is None or wanted > 0:
            if not self._plain:
                if self._done:
                    break
                self._next_chunk()
                continue
            take = self._plain if wanted is None else self._plain[:wanted]
            self._plain = self._plain[len(take) :]
            parts.append(take)
            if wanted is not None:
                wanted -= len(take)
        return b"".join(parts)

"""Personal data at rest (security 8, 12): SM4-GCM encryption and keyed lookup hashes.

The key comes from settings.FIELD_ENCRYPTION_KEY (32 hex characters, kept outside the database);
in development, when it is empty, a key is derived from SECRET_KEY. SM4 comes from `cryptography`
(OpenSSL), never from `gmssl`, whose random numbers are not cryptographically secure.

Stored form: "sm4gcm1:" + base64(nonce ‖ ciphertext ‖ tag). The column name is bound to the
ciphertext as associated data, so a value copied into another column does not decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

PREFIX = "sm4gcm1:"
_NONCE = 12
_TAG = 16


class DecryptionError(Exception):
    """The stored value cannot be decrypted with the configured key."""


@lru_cache(maxsize=4)
def _keys(configured: str, secret: str) -> tuple[bytes, bytes]:
    if configured:
        try:
            master = bytes.fromhex(configured)
        except ValueError as exc:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY 应为 32 位十六进制字符") from exc
        if len(master) != 16:
            raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY 应为 32 位十六进制字符（128 位）")
    else:
        master = hashlib.new("sm3", b"field-encryption-dev:" + secret.encode()).digest()[:16]
    enc = hmac.new(master, b"sm4-encryption", "sm3").digest()[:16]
    lookup = hmac.new(master, b"lookup-hash", "sm3").digest()
    return enc, lookup


def _current() -> tuple[bytes, bytes]:
    return _keys(settings.FIELD_ENCRYPTION_KEY, settings.SECRET_KEY)


def encrypt(plaintext: str, context: str) -> str:
    """Encrypt `plaintext` for the column named `context` (e.g. "inspectors.inspector.id_number")."""
    if not plaintext:
        return ""
    nonce = os.urandom(_NONCE)
    encryptor = Cipher(algorithms.SM4(_current()[0]), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(context.encode())
    body = encryptor.update(plaintext.encode()) + encryptor.finalize()
    return PREFIX + base64.b64encode(nonce + body + encryptor.tag).decode("ascii")


def decrypt(token: str, context: str) -> str:
    if not token:
        return ""
    if not token.startswith(PREFIX):
        raise DecryptionError("未知的密文格式")
    raw = base64.b64decode(token[len(PREFIX) :])
    nonce, body, tag = raw[:_NONCE], raw[_NONCE:-_TAG], raw[-_TAG:]
    decryptor = Cipher(algorithms.SM4(_current()[0]), modes.GCM(nonce, tag)).decryptor()
    decryptor.authenticate_additional_data(context.encode())
    try:
        return (decryptor.update(body) + decryptor.finalize()).decode()
    except InvalidTag as exc:
        raise DecryptionError("密文校验失败：密钥不符或数据被改动") from exc


def lookup_hash(value: str, context: str) -> str:
    """A keyed hash (HMAC-SM3) for exact-match lookups without decrypting."""
    if not value:
        return ""
    return hmac.new(_current()[1], f"{context}\x00{value}".encode(), "sm3").hexdigest()


def fingerprint_key() -> bytes:
    """A key for row fingerprints, so that hashes of personal data cannot be brute-forced."""
    return hmac.new(_current()[1], b"row-fingerprint", "sm3").digest()[:32]


def mask_id_number(number: str) -> str:
    """350102********1234: region and the last four digits only."""
    if len(number) < 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(phone: str) -> str:
    """138****5678."""
    if len(phone) < 7:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]

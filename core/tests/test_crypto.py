from __future__ import annotations

import pytest

from core import crypto


def test_sm4_round_trip_and_ciphertext_hides_the_value() -> None:
    token = crypto.encrypt("11010519491231002X", "ctx")
    assert token.startswith(crypto.PREFIX)
    assert "11010519491231002X" not in token
    assert crypto.decrypt(token, "ctx") == "11010519491231002X"
    assert crypto.encrypt("11010519491231002X", "ctx") != token  # fresh nonce


def test_ciphertext_is_bound_to_its_column() -> None:
    token = crypto.encrypt("13800138000", "inspectors.phone")
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, "inspectors.id_number")


def test_configured_key_is_used_and_a_wrong_key_fails(settings: pytest.FixtureRequest) -> None:
    settings.FIELD_ENCRYPTION_KEY = "00112233445566778899aabbccddeeff"  # type: ignore[attr-defined]
    token = crypto.encrypt("x", "c")
    settings.FIELD_ENCRYPTION_KEY = "ffeeddccbbaa99887766554433221100"  # type: ignore[attr-defined]
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(token, "c")


def test_lookup_hash_is_keyed_and_stable() -> None:
    assert crypto.lookup_hash("a", "c") == crypto.lookup_hash("a", "c")
    assert crypto.lookup_hash("a", "c") != crypto.lookup_hash("a", "d")


def test_masking() -> None:
    assert crypto.mask_id_number("11010519491231002X") == "110105********002X"
    assert crypto.mask_phone("13800138000") == "138****8000"

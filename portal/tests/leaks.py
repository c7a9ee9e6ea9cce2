"""The leak checker of the crawl (E3, security 15–16): what must never appear on a public page,
in public JSON or in a downloadable draw file."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

from core.checkdigits import id_number_error

ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?![0-9A-Za-z])")
RISK_MARKERS = ("风险分类", "信用风险", "A类", "B类", "C类", "D类", "credit_risk", "risk_class")


def text_leaks(text: str, natural_addresses: Iterable[str] = ()) -> list[str]:
    """Every forbidden thing found in `text`, described in Chinese."""
    found = [
        f"身份证号码 {m.group(0)}"
        for m in ID_NUMBER.finditer(text)
        if id_number_error(m.group(0).upper()) is None
    ]
    found += [f"手机号码 {m.group(0)}" for m in MOBILE.finditer(text)]
    found += [f"信用风险分类标记 {marker}" for marker in RISK_MARKERS if marker in text]
    found += [f"自然人住所 {a}" for a in natural_addresses if a and a in text]
    return found


def json_keys(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield str(key)
            yield from json_keys(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from json_keys(inner)


def key_leaks(value: Any, allowed: set[str]) -> list[str]:
    return sorted({f"白名单外的字段 {k}" for k in json_keys(value) if k not in allowed})

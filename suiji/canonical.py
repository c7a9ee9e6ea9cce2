"""Canonical JSON (spec §2.3) and exact decimal parsing (spec §4.2)."""

from __future__ import annotations

import json
import re
import unicodedata
from fractions import Fraction
from typing import Any

from suiji.errors import InputError

JSON_INT_LIMIT = 2**53 - 1
_DECIMAL = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]+)?")

Json = Any  # a value made only of dict[str, Json], list[Json], str, int, bool and None


def nfc(text: str) -> str:
    if text.isascii():
        return text
    return unicodedata.normalize("NFC", text)


def normalize_json(value: Json, path: str = "$") -> Json:
    """Check the value fits the canonical subset and return it with every string in NFC."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int):
        if abs(value) > JSON_INT_LIMIT:
            raise InputError(f"{path}：整数超出范围 ±(2^53−1)")
        return value
    if isinstance(value, str):
        return nfc(value)
    if isinstance(value, float):
        raise InputError(f'{path}：不允许使用浮点数，比例等小数请写成字符串，如 "0.05"')
    if isinstance(value, list | tuple):
        return [normalize_json(v, f"{path}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, dict):
        return _normalize_object(value, path)
    raise InputError(f"{path}：不支持的数据类型 {type(value).__name__}")


def _normalize_object(value: dict[object, Json], path: str) -> dict[str, Json]:
    out: dict[str, Json] = {}
    for key, item in value.items():
        if not isinstance(key, str):
            raise InputError(f"{path}：对象的键必须是字符串")
        nkey = nfc(key)
        if nkey in out:
            raise InputError(f"{path}：键“{nkey}”在规范化后重复")
        out[nkey] = normalize_json(item, f"{path}.{nkey}")
    return out


def canonical_json(value: Json) -> bytes:
    """UTF-8, keys sorted by code point, no whitespace, NFC strings, integers only."""
    text = json.dumps(
        normalize_json(value),
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        allow_nan=False,
    )
    return text.encode("utf-8")


def parse_decimal(text: object, what: str) -> Fraction:
    """An exact non-negative decimal written as a string, e.g. "0.05" → 1/20. Floats are refused."""
    if not isinstance(text, str) or not _DECIMAL.fullmatch(text):
        raise InputError(f'{what}必须是十进制小数字符串（如 "0.05"），实际为 {text!r}')
    return Fraction(text)


def fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"


def load_json_file(path: str) -> Json:
    try:
        with open(path, encoding="utf-8-sig") as fh:
            return json.load(fh, parse_float=_refuse_float, parse_constant=_refuse_float)
    except OSError as exc:
        raise InputError(f"无法读取文件“{path}”：{exc.strerror}") from exc
    except json.JSONDecodeError as exc:
        raise InputError(
            f"文件“{path}”不是有效的 JSON：第 {exc.lineno} 行第 {exc.colno} 列"
        ) from exc


def _refuse_float(text: str) -> object:
    raise InputError(f"JSON 中不允许出现浮点数 {text}，比例等小数请写成字符串")

"""Check digits of the two national identifiers the registries hold.

- 统一社会信用代码 (GB 32100-2015): 18 characters from a 31-symbol alphabet (no I, O, Z, S, V);
  the last one is a check character over the first 17 with weights 3^i mod 31.
- 公民身份号码 (GB 11643-1999): 17 digits and an ISO 7064 MOD 11-2 check character (0-9 or X).
"""

from __future__ import annotations

import datetime as dt
from operator import mul

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {ch: i for i, ch in enumerate(USCC_ALPHABET)}
_USCC_CHARS = frozenset(USCC_ALPHABET)
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# 登记管理部门代码: 1 机构编制, 5 民政, 9 工商 (市场监管), Y 其他, and the others GB 32100 lists.
_USCC_REGISTRARS = frozenset("123456789ABCDEFGNY")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def uscc_check_char(first17: str) -> str:
    """The 18th character for the first 17 of a 统一社会信用代码."""
    total = sum(map(mul, map(_USCC_VALUE.__getitem__, first17), _USCC_WEIGHTS))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def uscc_error(code: str) -> str | None:
    """None when `code` is a well-formed 统一社会信用代码, else the reason in Chinese."""
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，实际为 {len(code)} 位"
    bad = sorted(set(code) - _USCC_CHARS)
    if bad:
        return f"统一社会信用代码含有不允许的字符：{''.join(bad)}（不使用 I、O、Z、S、V）"
    if code[0] not in _USCC_REGISTRARS:
        return f"统一社会信用代码第 1 位（登记管理部门代码）“{code[0]}”无效"
    if not code[2:8].isdigit():
        return "统一社会信用代码第 3–8 位应为行政区划代码（6 位数字）"
    expected = uscc_check_char(code[:17])
    if code[17] != expected:
        return f"统一社会信用代码校验位错误（第 18 位应为 {expected}，实际为 {code[17]}）"
    return None


def make_uscc(body17: str) -> str:
    """Append the check character (for demo and test data)."""
    return body17 + uscc_check_char(body17)


def id_number_error(number: str) -> str | None:
    """None when `number` is a valid 18-digit 公民身份号码, else the reason in Chinese."""
    if len(number) != 18:
        return f"身份证号应为 18 位，实际为 {len(number)} 位"
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return "身份证号前 17 位应为数字，最后一位为数字或 X"
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return f"身份证号中的出生日期 {number[6:14]} 无效"
    expected = id_check_char(number[:17])
    if number[17] != expected:
        return f"身份证号校验位错误（第 18 位应为 {expected}，实际为 {number[17]}）"
    return None


def id_check_char(first17: str) -> str:
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def make_id_number(body17: str) -> str:
    return body17 + id_check_char(body17)

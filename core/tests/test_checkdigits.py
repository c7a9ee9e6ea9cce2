from __future__ import annotations

import pytest

from core.checkdigits import id_number_error, make_uscc, uscc_error


@pytest.mark.parametrize(
    "code",
    [
        "914403001922038216",  # 华为技术有限公司
        "91440300708461136T",  # 深圳市腾讯计算机系统有限公司
        "91330100716105852F",  # 阿里巴巴（中国）有限公司
        "91350100M000100Y43",
    ],
)
def test_real_unified_social_credit_codes_pass(code: str) -> None:
    assert uscc_error(code) is None


def test_wrong_check_character_names_the_expected_one() -> None:
    message = uscc_error("914403001922038217")
    assert message is not None
    assert "校验位错误" in message
    assert "应为 6" in message


@pytest.mark.parametrize(
    ("code", "fragment"),
    [
        ("91440300708461136", "应为 18 位"),
        ("91440300708461I36T", "不允许的字符"),
        ("O1440300708461136T", "不允许的字符"),
        ("Z1440300708461136T", "不允许的字符"),
        ("9144A300708461136T", "行政区划代码"),
    ],
)
def test_malformed_codes_are_explained(code: str, fragment: str) -> None:
    message = uscc_error(code)
    assert message is not None
    assert fragment in message


def test_make_uscc_produces_valid_codes() -> None:
    assert uscc_error(make_uscc("91480321MA2Y00001")) is None


def test_id_number_check_digit_and_birth_date() -> None:
    assert id_number_error("11010519491231002X") is None
    assert "校验位" in (id_number_error("110105194912310021") or "")
    assert "出生日期" in (id_number_error("110105194913310028") or "")

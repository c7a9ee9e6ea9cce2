"""Parsing the State Council's annual holiday notice."""

from __future__ import annotations

from datetime import date

import pytest
from chinese_calendar.constants import holidays as package_holidays
from chinese_calendar.constants import workdays as package_workdays

from workdays.choices import DayKind
from workdays.notice import parse_notice


@pytest.mark.parametrize("year", [2025, 2026])
def test_real_notice_gives_exactly_the_packages_days(
    year: int, request: pytest.FixtureRequest
) -> None:
    parsed = parse_notice(request.getfixturevalue(f"notice_{year}"), year)
    assert parsed.ok, parsed.errors
    assert parsed.warnings == []
    assert {d.day for d in parsed.holidays} == {d for d in package_holidays if d.year == year}
    assert {d.day for d in parsed.makeup_workdays} == {
        d for d in package_workdays if d.year == year
    }


def test_notice_header_is_read(notice_2026: str) -> None:
    parsed = parse_notice(notice_2026, 2026)
    assert parsed.title == "国务院办公厅关于2026年部分节假日安排的通知"
    assert parsed.reference == "国办发明电〔2025〕7号"
    assert [item.name for item in parsed.items] == [
        "元旦",
        "春节",
        "清明节",
        "劳动节",
        "端午节",
        "中秋节",
        "国庆节",
    ]


def test_fictional_2027_notice_parses(notice_2027: str) -> None:
    parsed = parse_notice(notice_2027, 2027)
    assert parsed.ok, parsed.errors
    assert len(parsed.holidays) == 28
    assert [d.day for d in parsed.makeup_workdays] == [
        date(2027, 1, 31),
        date(2027, 2, 20),
        date(2027, 4, 25),
        date(2027, 5, 8),
        date(2027, 9, 26),
        date(2027, 10, 9),
    ]
    spring = [d.day for d in parsed.holidays if d.name == "春节"]
    assert spring[0] == date(2027, 2, 5)
    assert spring[-1] == date(2027, 2, 12)


def test_combined_national_day_and_mid_autumn_item() -> None:
    text = "七、国庆节、中秋节：10月1日（周四）至8日（周四）放假调休，共8天。9月27日（周日）、10月10日（周六）上班。"
    parsed = parse_notice(text, 2020)
    assert parsed.ok, parsed.errors
    assert [d.day for d in parsed.holidays] == [date(2020, 10, i) for i in range(1, 9)]
    assert {d.name for d in parsed.days} == {"国庆节、中秋节"}
    assert [(d.day, d.kind) for d in parsed.makeup_workdays] == [
        (date(2020, 9, 27), DayKind.MAKEUP_WORKDAY),
        (date(2020, 10, 10), DayKind.MAKEUP_WORKDAY),
    ]


def test_range_over_new_year_and_星期_style_weekdays() -> None:
    text = (
        "一、元旦：2022年12月31日至2023年1月2日放假调休，共3天。\n"
        "二、春节：1月21日（星期六）至27日（星期五）放假调休，共7天。1月28日（星期六）、1月29日（星期日）上班。"
        "鼓励各单位结合带薪年休假等制度落实，安排职工在除夕（1月21日）休息。"
    )
    parsed = parse_notice(text, 2023)
    assert parsed.ok, parsed.errors
    assert parsed.holidays[0].day == date(2022, 12, 31)
    assert any("相邻年度" in w for w in parsed.warnings)
    assert len(parsed.holidays) == 10


def test_single_day_holiday_without_makeup() -> None:
    parsed = parse_notice("一、元旦：1月1日（周三）放假1天，不调休。", 2025)
    assert parsed.ok
    assert [d.day for d in parsed.days] == [date(2025, 1, 1)]


def test_wrong_weekday_is_an_error() -> None:
    parsed = parse_notice("一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。", 2027)
    assert not parsed.ok
    assert any("周四" in e and "周五" in e for e in parsed.errors)


def test_total_that_does_not_match_is_an_error() -> None:
    parsed = parse_notice("三、清明节：4月4日（周六）至6日（周一）放假，共4天。", 2026)
    assert any("共 4 天" in e for e in parsed.errors)


def test_makeup_workday_on_a_weekday_is_an_error() -> None:
    parsed = parse_notice("四、劳动节：5月1日至5日放假调休，共5天。5月8日上班。", 2026)
    assert any("应为周六或周日" in e for e in parsed.errors)


def test_duplicate_dates_are_an_error() -> None:
    text = "一、国庆节：10月1日至7日放假，共7天。\n二、中秋节：10月6日放假，共1天。"
    parsed = parse_notice(text, 2025)
    assert any("重复" in e for e in parsed.errors)


def test_invalid_date_is_an_error() -> None:
    parsed = parse_notice("二、春节：2月28日至30日放假调休，共3天。", 2026)
    assert any("日期无效" in e for e in parsed.errors)


def test_title_of_another_year_is_an_error(notice_2026: str) -> None:
    parsed = parse_notice(notice_2026, 2027)
    assert any("不一致" in e for e in parsed.errors)


def test_text_without_items_is_refused() -> None:
    parsed = parse_notice("这不是通知。", 2027)
    assert not parsed.ok
    assert parsed.errors

"""Parsing the State Council's annual notice (国务院办公厅关于XXXX年部分节假日安排的通知).

The notice lists one item per festival, e.g.

    一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    七、国庆节、中秋节：10月1日（周四）至8日（周四）放假调休，共8天。9月27日（周日）、10月10日（周六）上班。

Every date range before 放假 is a holiday (法定节假日, weekend days inside it included); every
date before 上班 is a make-up workday (调休上班日). The parser is pure (no database): it returns
the rows and the problems it found, and the caller shows them as a preview before saving.
Checks: 共N天 matches the days listed, the weekday in brackets matches the date, make-up workdays
fall on a weekend, no date is listed twice, and every date lies in the notice's year (or, for a
range over New Year, the neighbouring one).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta

from workdays.choices import DayKind

WEEKDAY_NAMES = "一二三四五六日"
_ITEM = re.compile(
    r"(?:^|(?<=[\n。]))[ \t]*([一二三四五六七八九十]+)、[ \t]*([^:\n。]{1,30}?)[ \t]*:", re.M
)
_DATE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:\(([^)]*)\))?")
_STRAY_BRACKETS = re.compile(r"(?<!日)\([^)]*\)")
_STATED_WEEKDAY = re.compile(r"(?:周|星期)([一二三四五六日天])")
_TOTAL = re.compile(r"(?:共|放假)(\d{1,2})天")
_RANGE_JOINERS = {"至", "到", "-", "—", "~"}
_TITLE_YEAR = re.compile(r"(\d{4})年部分节假日安排")
_REFERENCE = re.compile(r"国办发明电〔\d{4}〕\d+号")


@dataclass(frozen=True)
class NoticeDay:
    day: date
    kind: str
    name: str

    @property
    def weekday_name(self) -> str:
        return "周" + WEEKDAY_NAMES[self.day.weekday()]

    @property
    def kind_label(self) -> str:
        return str(DayKind(self.kind).label)


@dataclass
class NoticeItem:
    number: str
    name: str
    holidays: int = 0
    stated_total: int | None = None
    makeup_workdays: int = 0


@dataclass
class ParsedNotice:
    year: int
    title: str = ""
    reference: str = ""
    items: list[NoticeItem] = field(default_factory=list)
    days: list[NoticeDay] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.days)

    @property
    def holidays(self) -> list[NoticeDay]:
        return [d for d in self.days if d.kind == DayKind.HOLIDAY]

    @property
    def makeup_workdays(self) -> list[NoticeDay]:
        return [d for d in self.days if d.kind == DayKind.MAKEUP_WORKDAY]


@dataclass
class _Token:
    day: date
    start: int
    end: int
    explicit_year: bool


def parse_notice(text: str, year: int) -> ParsedNotice:
    """Parse the notice for `year`; the result lists the rows, errors and warnings."""
    text = unicodedata.normalize("NFKC", text or "")
    result = ParsedNotice(year=year)
    _read_header(text, result)
    matches = list(_ITEM.finditer(text))
    if not matches:
        result.errors.append(
            "未找到节假日条目。条目应形如「一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。」"
        )
        return result
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
        item = NoticeItem(number=match.group(1), name=match.group(2).strip())
        result.items.append(item)
        _parse_item(text[match.end() : end], item, result)
    _check_duplicates(result)
    result.days.sort(key=lambda d: d.day)
    return result


def _read_header(text: str, result: ParsedNotice) -> None:
    for line in text.splitlines():
        if "关于" in line and line.strip().endswith("通知") and not result.title:
            result.title = line.strip()[:200]
    reference = _REFERENCE.search(text)
    if reference:
        result.reference = reference.group(0)
    stated = _TITLE_YEAR.search(result.title)
    if stated and int(stated.group(1)) != result.year:
        result.errors.append(
            f"通知标题中的年度（{stated.group(1)}）与所选年度（{result.year}）不一致。"
        )


def _parse_item(body: str, item: NoticeItem, result: ParsedNotice) -> None:
    label = f"{item.number}、{item.name}"
    body = body.split("\n\n")[0]  # text after a blank line is not part of the item
    context = _Context(year=result.year)
    for clause in re.split(r"[。;；,，\n]", body):
        clause = _STRAY_BRACKETS.sub("", clause)
        if "放假" in clause:
            cut = clause.index("放假")
            for start, stop in _ranges(clause[:cut], context, label, result):
                _add_range(start, stop, item, result)
        elif "上班" in clause:
            for token in _tokens(clause[: clause.index("上班")], context, label, result):
                _add_makeup(token.day, item, label, result)
        elif _DATE.search(clause):
            result.warnings.append(f"{label}：未识别的日期说明，已忽略：「{clause.strip()}」")
        total = _TOTAL.search(clause)
        if total:
            item.stated_total = int(total.group(1))
    if item.holidays == 0:
        result.errors.append(f"{label}：没有找到放假日期。")
    elif item.stated_total is not None and item.stated_total != item.holidays:
        result.errors.append(
            f"{label}：通知写明共 {item.stated_total} 天，但列出的放假日期共 {item.holidays} 天。"
        )


@dataclass
class _Context:
    """Month and year carried from one date to the next (「10月1日至8日」)."""

    year: int
    month: int | None = None


def _tokens(text: str, context: _Context, label: str, result: ParsedNotice) -> list[_Token]:
    tokens = []
    for m in _DATE.finditer(text):
        year_text, month_text, day_text, bracket = m.groups()
        if year_text:
            context.year = int(year_text)
        if month_text:
            context.month = int(month_text)
        if context.month is None:
            result.errors.append(f"{label}：「{m.group(0)}」缺少月份。")
            continue
        try:
            day = date(context.year, context.month, int(day_text))
        except ValueError:
            result.errors.append(f"{label}：日期无效：「{m.group(0)}」。")
            continue
        _check_weekday(day, bracket, m.group(0), label, result)
        tokens.append(_Token(day, m.start(), m.end(), bool(year_text)))
    return tokens


def _check_weekday(
    day: date, bracket: str | None, shown: str, label: str, result: ParsedNotice
) -> None:
    stated = _STATED_WEEKDAY.search(bracket or "")
    if not stated:
        return
    wanted = "日" if stated.group(1) == "天" else stated.group(1)
    actual = WEEKDAY_NAMES[day.weekday()]
    if wanted != actual:
        result.errors.append(
            f"{label}：「{shown}」写的是周{wanted}，"
            f"但 {day:%Y-%m-%d} 是周{actual}，请核对年度或日期。"
        )


def _ranges(
    text: str, context: _Context, label: str, result: ParsedNotice
) -> list[tuple[date, date]]:
    tokens = _tokens(text, context, label, result)
    ranges: list[tuple[date, date]] = []
    joined = False
    for i, token in enumerate(tokens):
        if i and text[tokens[i - 1].end : token.start].strip() in _RANGE_JOINERS and not joined:
            start = ranges[-1][0]
            stop = token.day
            if stop < start and not token.explicit_year:
                stop = stop.replace(year=stop.year + 1)  # 12月31日至1月2日
                context.year = stop.year
            ranges[-1] = (start, stop)
            joined = True
            continue
        ranges.append((token.day, token.day))
        joined = False
    for start, stop in ranges:
        if stop < start:
            result.errors.append(
                f"{label}：结束日期 {stop:%Y-%m-%d} 早于开始日期 {start:%Y-%m-%d}。"
            )
    return [(a, b) for a, b in ranges if a <= b]


def _add_range(start: date, stop: date, item: NoticeItem, result: ParsedNotice) -> None:
    label = f"{item.number}、{item.name}"
    if (stop - start).days > 31:
        result.errors.append(
            f"{label}：放假时间超过一个月（{start:%Y-%m-%d} 至 {stop:%Y-%m-%d}），请核对。"
        )
        return
    day = start
    while day <= stop:
        if _year_ok(day, label, result):
            result.days.append(NoticeDay(day, DayKind.HOLIDAY, item.name))
            item.holidays += 1
        day += timedelta(days=1)


def _add_makeup(day: date, item: NoticeItem, label: str, result: ParsedNotice) -> None:
    if day.weekday() < 5:
        result.errors.append(
            f"{label}：调休上班日 {day:%Y-%m-%d} "
            f"是周{WEEKDAY_NAMES[day.weekday()]}，应为周六或周日。"
        )
        return
    if _year_ok(day, label, result):
        result.days.append(NoticeDay(day, DayKind.MAKEUP_WORKDAY, item.name))
        item.makeup_workdays += 1


def _year_ok(day: date, label: str, result: ParsedNotice) -> bool:
    if abs(day.year - result.year) > 1:
        result.errors.append(f"{label}：日期 {day:%Y-%m-%d} 不在 {result.year} 年前后，请核对。")
        return False
    if day.year != result.year:
        result.warnings.append(f"{label}：日期 {day:%Y-%m-%d} 属于相邻年度，将一并保存。")
    return True


def _check_duplicates(result: ParsedNotice) -> None:
    seen: dict[date, NoticeDay] = {}
    for d in result.days:
        if d.day in seen:
            result.errors.append(
                f"日期 {d.day:%Y-%m-%d} 重复出现（{seen[d.day].name}、{d.name}）。"
            )
        else:
            seen[d.day] = d

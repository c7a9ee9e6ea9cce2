"""Result search by name (contains) or 统一社会信用代码 (exact), fast at 1,000,000 rows (E2).

On PostgreSQL a name search is first narrowed by a GIN index on the name's character bigrams
(`portal_bigrams`, created by portal/migrations/0001) and then checked with LIKE; pg_trgm would
need three characters, and most Chinese searches are two to four. Counts are capped: a page never
counts millions of rows (`capped_count`). On SQLite the plain LIKE is fast enough at county size.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import connection
from django.db.models import BooleanField, QuerySet
from django.db.models.expressions import RawSQL

from publication.models import ResultPublication

USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
COUNT_CAP = 1000
PROBE_ROWS = 20_000
MIN_NAME_LENGTH = 2
MAX_QUERY_LENGTH = 100
TABLE = ResultPublication._meta.db_table


@dataclass(frozen=True)
class Query:
    text: str
    by_code: bool
    error: str = ""


def parse(text: str, by: str = "") -> Query:
    """A search box's text: a 统一社会信用代码 is searched exactly, anything else by name."""
    text = " ".join((text or "").split())[:MAX_QUERY_LENGTH]
    code = text.upper().replace(" ", "")
    if by == "code" or (by != "name" and USCC.match(code)):
        if not code:
            return Query("", True, "请输入统一社会信用代码")
        return Query(code, True)
    if not text:
        return Query("", False)
    if len(text) < MIN_NAME_LENGTH:
        return Query(text, False, f"按名称检索请至少输入 {MIN_NAME_LENGTH} 个字")
    return Query(text, False)


def query_bigrams(text: str, most: int = 4) -> list[str]:
    """The bigrams a search asks the index for: all of a short text's; for a long text at most
    `most`, spread over its middle — the LIKE check after the index keeps the result exact, and
    the ends of a full name (县名, 有限公司) are in nearly every row, so they only cost time."""
    text = text.lower()
    grams = list(dict.fromkeys(text[i : i + 2] for i in range(len(text) - 1)))
    if len(grams) <= most:
        return grams
    middle = grams[2:-2] if len(grams) > most + 4 else grams
    step = len(middle) / most
    return [middle[int(i * step)] for i in range(most)]


def by_name(queryset: QuerySet[ResultPublication], text: str) -> QuerySet[ResultPublication]:
    if connection.vendor == "postgresql" and len(text) >= MIN_NAME_LENGTH:
        bigrams = RawSQL(
            f'portal_bigrams("{TABLE}"."subject_name") @> %s::text[]',
            (query_bigrams(text),),
            output_field=BooleanField(),
        )
        queryset = queryset.filter(bigrams)
    return queryset.filter(subject_name__icontains=text)


def by_code(queryset: QuerySet[ResultPublication], code: str) -> QuerySet[ResultPublication]:
    return queryset.filter(subject_code=code.strip().upper())


def apply(queryset: QuerySet[ResultPublication], query: Query) -> QuerySet[ResultPublication]:
    if query.error or not query.text:
        return queryset.none()
    if query.by_code:
        return by_code(queryset, query.text)
    return by_name(queryset, query.text)


def capped_count(queryset: QuerySet[ResultPublication], cap: int = COUNT_CAP) -> int:
    """min(count, cap + 1): `SELECT COUNT(*) FROM (… LIMIT cap+1)`, never a full count."""
    return queryset.order_by()[: cap + 1].count()


@dataclass(frozen=True)
class Page:
    rows: list[ResultPublication]
    number: int
    count: int  # capped: COUNT_CAP + 1 means "more than COUNT_CAP"
    has_next: bool
    per_page: int

    @property
    def more_than_cap(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def last_number(self) -> int:
        shown = min(self.count, COUNT_CAP)
        return max(1, (shown + self.per_page - 1) // self.per_page)


def page_of(queryset: QuerySet[ResultPublication], number: int, per_page: int = 20) -> Page:
    """One page without a full count; pages past the cap are not offered."""
    count = capped_count(queryset)
    return _page(queryset, queryset, count, number, per_page)


def _page(
    ids_from: QuerySet[ResultPublication],
    rows_from: QuerySet[ResultPublication],
    count: int,
    number: int,
    per_page: int,
) -> Page:
    last = max(1, (min(count, COUNT_CAP) + per_page - 1) // per_page)
    number = min(max(1, number), last)
    start = (number - 1) * per_page
    ids = list(ids_from.values_list("id", flat=True)[start : start + per_page])
    by_id = {p.pk: p for p in rows_from.filter(pk__in=ids)}
    return Page([by_id[i] for i in ids if i in by_id], number, count, number < last, per_page)


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _common_in_newest(text: str) -> bool:
    """Do at least COUNT_CAP + 1 of the newest PROBE_ROWS public results match? One index-only
    walk of the covering index portal_pub_public_order_name, at most PROBE_ROWS entries."""
    from publication.choices import PUBLIC_STATES

    states = ", ".join(f"'{s}'" for s in PUBLIC_STATES)
    sql = (
        f"SELECT count(*) FROM (SELECT 1 FROM (SELECT subject_name FROM {TABLE} "
        f"WHERE state IN ({states}) ORDER BY published_on DESC, id DESC LIMIT {PROBE_ROWS}) s "
        f"WHERE subject_name LIKE %s LIMIT {COUNT_CAP + 1}) c"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [_like(text)])
        row = cursor.fetchone()
    return bool(row and row[0] > COUNT_CAP)


def search_page(
    queryset: QuerySet[ResultPublication], query: Query, number: int, per_page: int = 20
) -> Page:
    """The page a search shows. On PostgreSQL a name search picks its plan by how common the
    text is: very common text walks the newest results in order (index-only) and stops after a
    page; rare text is found through the bigram index and sorted (at most COUNT_CAP rows)."""
    if query.by_code or query.error or connection.vendor != "postgresql":
        return page_of(apply(queryset, query), number, per_page)
    walk = queryset.filter(subject_name__icontains=query.text)
    if _common_in_newest(query.text):
        return _page(walk, queryset, COUNT_CAP + 1, number, per_page)
    indexed = by_name(queryset, query.text)
    count = capped_count(indexed)
    return _page(indexed if count <= COUNT_CAP else walk, queryset, count, number, per_page)


def page_number(raw: str | None) -> int:
    try:
        return max(1, int(raw or 1))
    except ValueError:
        return 1

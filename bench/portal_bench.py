"""Portal search at national scale (issue 6): 1,000,000 published results on PostgreSQL, then
200+ searches by name (contains) and 200+ by 统一社会信用代码 (exact), each timed through the
same code a request runs (capped count + one page + its corrections). Prints p50/p95/max.

    python bench/portal_bench.py              # builds the scratch database bench_portal
    python bench/portal_bench.py --reuse      # times again on the database left by a run
    python bench/portal_bench.py --drop       # drops the scratch database at the end

The rows are cloned in SQL (INSERT … SELECT generate_series) from one record and one publication
made through the ORM, so the load takes about a minute. Names are built from a realistic
vocabulary (place, 字号, trade, form), so bigram frequencies look like a real registry.
The database is kept for bench/portal_load.py unless --drop. Target: p95 ≤ 100 ms. Asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB = "bench_portal"
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
ROWS, SUBJECTS, TASKS = 1_000_000, 10_000, 100
PLACES = "明溪 城关 雪峰 盖洋 胡坊 瀚仙 夏坊 沙溪 枫溪 夏阳 永安 三明 沙县 将乐 泰宁 建宁 宁化 清流 大田 尤溪".split()
WORDS1 = list("恒华鑫瑞丰兴盛达泰和源隆昌宏信诚永安康福金龙凤祥通汇佳润德嘉宝新天海")
WORDS2 = list("发利顺成盛茂升远辉明光华达兴旺鹏博锦翔航峰林森益泽中联合众创东南")
TRADES = "商贸 建材 超市 餐饮 酒业 农资 茶业 测绘 矿业 物流 医药 五金 电器 家具 食品 服装 汽修 印务 广告 装饰 建筑 房地产 电子 化工 机械 纺织 竹木 旅游 教育 科技".split()
FORMS = ["有限公司", "有限责任公司", "店", "专业合作社", "厂", "经营部"]


def _psql(sql: str, db: str = "postgres") -> None:
    subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql, db], check=True)


def _sql_array(words: list[str]) -> str:
    return "ARRAY[" + ",".join(f"'{w}'" for w in words) + "]"


def _name_sql(n: str) -> str:
    """The generated name of subject number n (deterministic, so the bench can search it)."""
    pick = "({arr})[1 + mod(({n}) * {mul} + {add}, {size})::int]"
    return (
        "'明溪县' || "
        + pick.format(arr=_sql_array(PLACES), n=n, mul=7, add=3, size=len(PLACES))
        + " || "
        + pick.format(arr=_sql_array(WORDS1), n=n, mul=13, add=5, size=len(WORDS1))
        + " || "
        + pick.format(arr=_sql_array(WORDS2), n=n, mul=31, add=11, size=len(WORDS2))
        + " || "
        + pick.format(arr=_sql_array(TRADES), n=n, mul=17, add=1, size=len(TRADES))
        + " || "
        + pick.format(arr=_sql_array(FORMS), n=n, mul=5, add=2, size=len(FORMS))
        + f" || '（' || lpad(mod({n}, 10000)::text, 4, '0') || '）'"
    )


def _name(n: int) -> str:
    def pick(words: list[str], mul: int, add: int) -> str:
        return words[(n * mul + add) % len(words)]

    return (
        "明溪县"
        + pick(PLACES, 7, 3)
        + pick(WORDS1, 13, 5)
        + pick(WORDS2, 31, 11)
        + pick(TRADES, 17, 1)
        + pick(FORMS, 5, 2)
        + f"（{n % 10000:04d}）"
    )


def _code(n: int) -> str:
    return f"91480321MA{n:08d}"


def _columns(model: object, skip: set[str]) -> list[str]:
    return [
        f.column
        for f in model._meta.concrete_fields  # type: ignore[attr-defined]
        if not f.primary_key and f.column not in skip
    ]


def _fill() -> None:
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from core.checkdigits import uscc_check_char
    from demo.services import load_demo_county
    from inspections.models import InspectionRecord
    from organisations.models import Department, Region
    from publication.choices import PublicationState
    from publication.models import ResultPublication
    from subjects.models import Subject, SubjectType
    from tasks.choices import TaskTrigger
    from tasks.models import Task

    load_demo_county()
    department = Department.objects.get(code="DEMO-MX-ZRZY")
    enterprise = SubjectType.objects.get(code="enterprise")
    region = Region.objects.get(code="480321")
    subjects = []
    for i in range(SUBJECTS):
        body = f"91480321MB{i:07d}"
        subjects.append(
            Subject(
                department=department,
                code=body + uscc_check_char(body),
                uscc=body + uscc_check_char(body),
                subject_type=enterprise,
                name=f"基准企业{i}",
                region=region,
            )
        )
    Subject.objects.bulk_create(subjects, batch_size=5000)
    for n in range(TASKS):
        Task.objects.create(
            code=f"2026-PORTAL-BENCH-{n:03d}",
            name=f"公示检索基准任务{n}",
            year=2026,
            department=department,
            trigger=TaskTrigger.ADHOC,
            reason="性能测试",
            window_start=dt.date(2026, 1, 1),
            window_end=dt.date(2026, 12, 31),
        )
    first_task = Task.objects.order_by("pk").first()
    first_subject = Subject.objects.order_by("pk").first()
    assert first_task is not None
    assert first_subject is not None
    template = InspectionRecord.objects.create(
        task=first_task, subject=first_subject, department=department
    )
    now = timezone.now()
    pub = ResultPublication.objects.create(
        record=template,
        department=department,
        task=first_task,
        subject=first_subject,
        subject_name=_name(0),
        subject_code=_code(0),
        state=PublicationState.PUBLISHED,
        effective_on=now.date(),
        due=now.date(),
        published_at=now,
        published_on=now.date(),
        public_until=now.date() + dt.timedelta(days=1000),
        content={
            "version": 1,
            "subject_type": "企业",
            "task_code": first_task.code,
            "task_name": first_task.name,
            "inspection_type": "不定向抽查",
            "authority": department.name,
            "joint_departments": [],
            "items": ["国有建设用地使用权人履行土地出让合同情况的检查"],
            "result": "未发现问题",
            "follow_up": "无需后续处置",
            "conclusion": "未发现问题",
            "inspectors": [{"name": "张执法", "certificate_no": "35480000009001"}],
        },
    )
    record_cols = _columns(InspectionRecord, {"task_id", "subject_id"})
    pub_cols = _columns(
        ResultPublication,
        {"record_id", "task_id", "subject_id", "subject_name", "subject_code", "published_on"},
    )
    rec = ", ".join(f"t.{c}" for c in record_cols)
    pubc = ", ".join(f"p.{c}" for c in pub_cols)
    with connection.cursor() as cur:
        cur.execute("DROP INDEX IF EXISTS portal_pub_name_bigrams")
        cur.execute("DROP INDEX IF EXISTS portal_pub_public_order_name")
        cur.execute(
            f"""
            INSERT INTO inspections_inspectionrecord ({", ".join(record_cols)}, task_id, subject_id)
            SELECT {rec}, k.id, s.id
            FROM inspections_inspectionrecord t,
                 (SELECT id, row_number() OVER (ORDER BY id) AS n FROM tasks_task
                  WHERE code LIKE '2026-PORTAL-BENCH-%%') k,
                 (SELECT id FROM subjects_subject WHERE name LIKE '基准企业%%') s
            WHERE t.id = %s AND NOT (k.id = %s AND s.id = %s)
            """,
            [template.pk, first_task.pk, first_subject.pk],
        )
        cur.execute(
            f"""
            INSERT INTO publication_resultpublication
                ({", ".join(pub_cols)}, record_id, task_id, subject_id,
                 subject_name, subject_code, published_on)
            SELECT {pubc}, r.id, r.task_id, r.subject_id,
                   {_name_sql("r.n / 3")}, '91480321MA' || lpad((r.n / 3)::text, 8, '0'),
                   DATE '2026-11-01' - ((r.n * 37) %% 1000)::int
            FROM publication_resultpublication p,
                 (SELECT id, task_id, subject_id, row_number() OVER (ORDER BY id) AS n
                  FROM inspections_inspectionrecord WHERE id <> %s) r
            WHERE p.id = %s
            """,
            [template.pk, pub.pk],
        )


def _recreate_indexes() -> None:
    import importlib

    from django.db import connection

    migration = importlib.import_module("portal.migrations.0001_search_indexes")
    with connection.cursor() as cur:
        start = time.perf_counter()
        cur.execute(migration.ORDER_INDEX)
        cur.execute(migration.INDEX)
        print(f"bigram GIN index built in {time.perf_counter() - start:.0f} s")
        cur.execute("VACUUM ANALYZE publication_resultpublication")
        cur.execute("SELECT count(*) FROM publication_resultpublication WHERE state = 'published'")
        print(f"published results: {cur.fetchone()[0]:,}")


def _percentiles(label: str, times: list[float]) -> None:
    times = sorted(times)
    p95 = times[int(len(times) * 0.95) - 1]
    flag = "" if p95 <= 100 else "  > 100 ms"
    print(
        f"{label:<24}{len(times):>6}{statistics.median(times):>10.1f}{p95:>10.1f}"
        f"{max(times):>10.1f}{flag}"
    )


def _queries() -> tuple[list[str], list[str]]:
    rng = random.Random(6)
    ns = [rng.randrange(ROWS // 3) for _ in range(400)]
    names: list[str] = []
    names += [_name(n)[3:7] for n in ns[:60]]  # place + 字号, e.g. 城关恒发
    names += [_name(n)[5:7] for n in ns[60:110]]  # the 字号 alone: two characters
    names += [_name(n) for n in ns[110:150]]  # a full name
    names += [rng.choice(TRADES) for _ in range(30)]  # a trade: tens of thousands of rows
    names += [rng.choice(PLACES) for _ in range(20)]  # a place: very common
    names += ["".join(rng.sample("甲乙丙丁戊己庚辛壬癸子丑寅卯", 2)) for _ in range(20)]  # none
    codes = [_code(n) for n in ns[150:380]]
    codes += [f"91480321MA{99_000_000 + i:08d}" for i in range(20)]  # not found
    return names, codes


def _time_searches() -> None:
    from django.db import connection

    from portal import public, search

    def run(text: str, by: str) -> float:
        start = time.perf_counter()
        query = search.parse(text, by)
        page = search.search_page(public.public_results(), query, 1)
        [public.result_row(p) for p in page.rows]
        return (time.perf_counter() - start) * 1000

    names, codes = _queries()
    for text in names[:5] + codes[:5]:
        run(text, "")  # warm-up
    print(f"{'search':<24}{'n':>6}{'p50 ms':>10}{'p95 ms':>10}{'max ms':>10}")
    _percentiles("by name (contains)", [run(t, "name") for t in names])
    _percentiles("by code (exact)", [run(c, "code") for c in codes])
    kinds = [
        ("  2 chars (字号)", [_t for _t in names[60:110]]),
        ("  4 chars (place+字号)", names[:60]),
        ("  full name", names[110:150]),
        ("  trade (common)", names[150:180]),
        ("  place (very common)", names[180:200]),
        ("  not found", names[200:220]),
    ]
    for label, texts in kinds:
        _percentiles(label, [run(t, "name") for t in texts])
    with connection.cursor() as cur:
        cur.execute(
            "EXPLAIN (ANALYZE, BUFFERS OFF) SELECT id FROM publication_resultpublication "
            "WHERE state IN ('published','corrected') AND "
            "portal_bigrams(subject_name) @> portal_bigrams(%s) AND subject_name LIKE %s "
            "ORDER BY published_on DESC, id DESC LIMIT 20",
            [names[70], f"%{names[70]}%"],
        )
        print(f"\nplan for {names[70]!r}:")
        for (line,) in cur.fetchall():
            print("  " + line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="time the database of a past run")
    parser.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = parser.parse_args()
    if subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode != 0:
        print("PostgreSQL is not running at 127.0.0.1:5432: nothing measured")
        return
    if not args.reuse:
        _psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        _psql(f"CREATE DATABASE {DB}")
    os.environ["DATABASE_URL"] = URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("PRIVATE_FILES_ROOT", "/tmp/bench_portal_private")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django
    from django.core.management import call_command

    django.setup()
    if not args.reuse:
        call_command("migrate", verbosity=0)
        start = time.perf_counter()
        _fill()
        print(f"PostgreSQL: {ROWS:,} results loaded in {time.perf_counter() - start:.0f} s")
        _recreate_indexes()
    _time_searches()
    if args.drop:
        from django.db import connections

        connections.close_all()
        _psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


if __name__ == "__main__":
    main()

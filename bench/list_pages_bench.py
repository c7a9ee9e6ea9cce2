"""List pages with a county-sized registry (issue 5): 100,000 subjects and 10,000 inspection
records, each list page timed through Django's test client (median of 5, after one warm-up).

    python bench/list_pages_bench.py              # SQLite (a scratch file in /tmp)
    python bench/list_pages_bench.py --postgres   # PostgreSQL at 127.0.0.1:5432 (scratch database)

Target on this 2-core machine: every list page under 300 ms. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SUBJECTS, RECORDS = 100_000, 10_000
PAGES = ["subjects:list", "inspections:list", "tasks:list", "plans:list", "inspectors:list"]


def _setup_database(postgres: bool) -> str:
    if postgres:
        name = "bench_list_pages"
        for sql in (f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}"):
            subprocess.run(
                ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql, "postgres"], check=True
            )
        return f"postgres://postgres@127.0.0.1:5432/{name}"
    path = Path("/tmp/bench_list_pages.sqlite3")
    path.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _fill() -> None:
    from core.checkdigits import uscc_check_char
    from demo.services import load_demo_county
    from inspections.models import InspectionRecord
    from organisations.models import Department, Region
    from subjects.models import Subject, SubjectType
    from tasks.choices import TaskTrigger
    from tasks.models import Task

    load_demo_county()
    department = Department.objects.get(code="DEMO-MX-ZRZY")
    enterprise = SubjectType.objects.get(code="enterprise")
    region = Region.objects.get(code="480321")
    batch = []
    for i in range(SUBJECTS):
        body = f"91480321MA{i:07d}"
        uscc = body + uscc_check_char(body)
        batch.append(
            Subject(
                department=department,
                code=uscc,
                uscc=uscc,
                subject_type=enterprise,
                name=f"明溪性能测试企业{i}有限公司",
                region=region,
                credit_risk_class="ABCD"[i % 4],
            )
        )
        if len(batch) == 5000:
            Subject.objects.bulk_create(batch)
            batch.clear()
    tasks = [
        Task.objects.create(
            code=f"2026-BENCH-{n:03d}",
            name=f"性能测试任务{n}",
            year=2026,
            department=department,
            trigger=TaskTrigger.ADHOC,
            reason="性能测试",
            window_start=dt.date(2026, 1, 1),
            window_end=dt.date(2026, 12, 31),
        )
        for n in range(20)
    ]
    subject_ids = list(Subject.objects.values_list("pk", flat=True)[:RECORDS])
    InspectionRecord.objects.bulk_create(
        [
            InspectionRecord(task=tasks[i % len(tasks)], subject_id=pk, department=department)
            for i, pk in enumerate(subject_ids)
        ],
        batch_size=2000,
    )


def _time_pages() -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="staff"))
    print(f"{'page':<20}{'median ms':>12}{'max ms':>10}{'queries':>10}")
    for name in PAGES:
        url = reverse(name)
        client.get(url)
        times = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as queries:
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (name, response.status_code)
        flag = "" if statistics.median(times) <= 300 else "  > 300 ms"
        print(
            f"{name:<20}{statistics.median(times):>12.0f}{max(times):>10.0f}{len(queries):>10}{flag}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = _setup_database(args.postgres)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    _fill()
    print(
        f"{'PostgreSQL' if args.postgres else 'SQLite'}: {SUBJECTS:,} subjects, {RECORDS:,} records "
        f"loaded in {time.perf_counter() - start:.0f} s"
    )
    _time_pages()
    if args.postgres:
        from django.db import connections

        connections.close_all()
        subprocess.run(
            [
                "psql",
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-qc",
                "DROP DATABASE IF EXISTS bench_list_pages WITH (FORCE)",
                "postgres",
            ],
            check=False,
        )


if __name__ == "__main__":
    main()

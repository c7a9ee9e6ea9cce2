"""The annual oversight dashboard for a province-sized dataset (issue 7): 50 departments in the
joint conference, 1,000,000 subjects, 2,000 random tasks (one in five joint), 100,000 drawn
subjects, 100,000 inspection records and their publications, on PostgreSQL in a scratch
database. Times, as the conference office, the dashboard page (Django test client) and the
figures API: median and max of 5 after one warm-up.

    python bench/oversight_bench.py            # PostgreSQL at 127.0.0.1:5432 (database bench_oversight)
    python bench/oversight_bench.py --keep     # leave the scratch database for inspection
    python bench/oversight_bench.py --reuse    # time a kept database again

Target: ≤ 1 s each. Prints figures; asserts nothing. The query count is of the request's own
connection: on PostgreSQL the dashboard runs some queries on others (`figures.concurrently`). The bulk rows are written with
INSERT … SELECT generate_series (the fastest way in; the services are timed elsewhere).
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
DB = "bench_oversight"
DEPARTMENTS, SUBJECTS, TASKS, PER_TASK = 50, 1_000_000, 2_000, 50


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql, "postgres"], check=True
    )


def _departments() -> list[int]:
    from demo.services import load_demo_county
    from items.choices import ItemListStatus
    from items.models import InspectionItem, ItemList
    from organisations import services as org
    from organisations.choices import Sector
    from organisations.models import ConferenceMembership, Department, JointConference, Region

    load_demo_county()
    region = Region.objects.get(code="480321")
    conference = JointConference.objects.get()
    ids = []
    for n in range(DEPARTMENTS):
        dept = org.save_department(
            None,
            Department(
                code=f"BENCH-{n:02d}",
                name=f"性能测试部门{n:02d}",
                short_name=f"测试{n:02d}",
                region=region,
                sector=Sector.MARKET,
            ),
        )
        ids.append(dept.pk)
        items = ItemList.objects.create(
            department=dept, version=1, title="清单", status=ItemListStatus.PUBLISHED
        )
        InspectionItem.objects.create(
            item_list=items, code=f"B{n:02d}", name=f"性能测试事项{n:02d}", legal_basis="依据"
        )
    ConferenceMembership.objects.bulk_create(
        ConferenceMembership(conference=conference, department_id=pk) for pk in ids
    )
    return ids


def _fill(year: int) -> None:
    from django.db import connection

    from inspections.models import ResultCategory
    from subjects.models import SubjectType

    departments = _departments()
    enterprise = SubjectType.objects.get(code="enterprise").pk
    good = ResultCategory.objects.get(code="no_problem").pk
    bad = ResultCategory.objects.get(code="problem_pending").pk
    depts = "ARRAY[" + ",".join(map(str, departments)) + "]::bigint[]"
    start = dt.date(year, 1, 10).isoformat()
    steps = [
        (
            "subjects",
            f"""INSERT INTO subjects_subject (created_at, modified_at, is_archived, archived_reason,
              code, name, uscc, legal_representative, address, town, operating_status,
              credit_risk_class, abnormal_list, serious_violation_list, complaint_count,
              import_batch, department_id, subject_type_id)
            SELECT now(), now(), false, '', u, '性能测试企业' || i, u, '', '', '', 'active',
              (ARRAY['A','B','C','D',''])[1 + i % 5], false, false, 0, 'bench',
              ({depts})[1 + i % {DEPARTMENTS}], {enterprise}
            FROM (SELECT i, '91' || lpad((i % 899999)::text, 16, '0') AS u
                  FROM generate_series(0, {SUBJECTS - 1}) i) s""",
        ),
        (
            "tasks",
            f"""INSERT INTO tasks_task (created_at, modified_at, code, name, year, trigger, reason,
              methods, window_start, window_end, status, department_id)
            SELECT now(), now(), 'BENCH-' || n, '性能测试任务' || n, {year},
              CASE WHEN n % 3 = 0 THEN 'adhoc' ELSE 'plan' END, '', '',
              DATE '{start}', DATE '{year}-12-20', 'locked', ({depts})[1 + n % {DEPARTMENTS}]
            FROM generate_series(0, {TASKS - 1}) n""",
        ),
        (
            "joint participants",
            f"""INSERT INTO tasks_task_participants (task_id, department_id)
            SELECT t.id, ({depts})[1 + (n + k) % {DEPARTMENTS}]
            FROM (SELECT id, substring(code from 7)::int AS n FROM tasks_task
                  WHERE code LIKE 'BENCH-%') t, generate_series(1, 2) k WHERE n % 5 = 0""",
        ),
        (
            "task items",
            """INSERT INTO tasks_task_items (task_id, inspectionitem_id)
            SELECT t.id, i.id FROM tasks_task t JOIN items_itemlist l ON l.department_id = t.department_id
            JOIN items_inspectionitem i ON i.item_list_id = l.id WHERE t.code LIKE 'BENCH-%'""",
        ),
        (
            "draws (and one voided draw in ten)",
            f"""INSERT INTO tasks_subjectdraw (created_at, modified_at, number, status, settings,
              conditions, commitment_digest, pool_file, pool_count, lottery_results, seed,
              drawn_at, void_reason, task_id, internal, mapping_file)
            SELECT now(), now(), v.number, v.status, '{{"ratios": {{"A": "5", "B": "10"}}}}',
              '{{}}', '', '', 500, '{{}}', '', TIMESTAMPTZ '{start} 10:00+08'
                + (substring(t.code from 7)::int % 300) * INTERVAL '1 day' - v.back,
              '', t.id, '{{}}', ''
            FROM tasks_task t CROSS JOIN (VALUES (1, 'voided', INTERVAL '2 days'),
              (2, 'locked', INTERVAL '0 days')) v(number, status, back)
            WHERE t.code LIKE 'BENCH-%' AND (v.status = 'locked'
              OR substring(t.code from 7)::int % 10 = 0)""",
        ),
        (
            "drawn subjects",
            f"""INSERT INTO tasks_drawnsubject (public_id, stratum, rank, key, is_substitute,
              subject_id, draw_id, layer, pseudonym, salt)
            SELECT 'P' || s.id, 'A', k + 1, '', false, s.id, d.id, '', '', ''
            FROM tasks_subjectdraw d JOIN tasks_task t ON t.id = d.task_id
            CROSS JOIN generate_series(0, {PER_TASK - 1}) k
            JOIN subjects_subject s ON s.id = (SELECT min(id) FROM subjects_subject)
              + (substring(t.code from 7)::int % {DEPARTMENTS})
              + {DEPARTMENTS} * ((substring(t.code from 7)::int / {DEPARTMENTS}) * {PER_TASK} + k)
            WHERE d.status = 'locked' AND t.code LIKE 'BENCH-%'""",
        ),
        (
            "inspection records",
            f"""INSERT INTO inspections_inspectionrecord (created_at, modified_at, status,
              inspected_on, methods, onsite_notes, confirmation, confirmed_by_name, refusal_reason,
              conclusion, follow_up_action, late_entry, return_reason, effective_at,
              feedback_method, follow_up_due_provisional, follow_up_closed_at, department_id,
              drawn_subject_id, subject_id, task_id, result_id)
            SELECT now(), now(), 'approved', (e - INTERVAL '1 day')::date, 'on_site', '',
              'signed', '', '', '', CASE WHEN ds.id % 10 = 0 THEN 'rectify' ELSE 'none' END,
              false, '', e, '', false,
              CASE WHEN ds.id % 20 = 0 THEN NULL ELSE e END, t.department_id, ds.id,
              ds.subject_id, t.id, CASE WHEN ds.id % 10 = 0 THEN {bad} ELSE {good} END
            FROM tasks_drawnsubject ds JOIN tasks_subjectdraw d ON d.id = ds.draw_id
            JOIN tasks_task t ON t.id = d.task_id,
            LATERAL (SELECT d.drawn_at + (ds.rank % 40 + 5) * INTERVAL '1 day' AS e) x""",
        ),
        (
            "publications",
            """INSERT INTO publication_resultpublication (created_at, modified_at, subject_name,
              subject_code, state, effective_on, due, due_provisional, public_conclusion, content,
              review_note, published_at, published_on, published_late, classification,
              end_reason, department_id, record_id, subject_id, task_id)
            SELECT now(), now(), s.name, s.uscc,
              CASE WHEN r.id % 10 < 8 THEN 'published' ELSE 'pending' END,
              r.effective_at::date, r.effective_at::date + 14, false, '', '{}', '',
              CASE WHEN r.id % 10 < 8 THEN r.effective_at + (r.id % 20) * INTERVAL '1 day' END,
              CASE WHEN r.id % 10 < 8 THEN r.effective_at::date + (r.id % 20)::int END,
              r.id % 10 < 8 AND r.id % 20 > 14, '', '', r.department_id, r.id, r.subject_id,
              r.task_id
            FROM inspections_inspectionrecord r JOIN subjects_subject s ON s.id = r.subject_id""",
        ),
    ]
    with connection.cursor() as cursor:
        for label, sql in steps:
            began = time.perf_counter()
            cursor.execute(sql)
            print(f"  {label:<36}{cursor.rowcount:>10,} rows {time.perf_counter() - began:>6.1f} s")
        cursor.execute("ANALYZE")


def _time(year: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username="office"))
    urls = {
        "dashboard page": f"{reverse('oversight:dashboard')}?year={year}",
        "figures API": f"{reverse('oversight-figures')}?year={year}",
        "monthly aggregate": f"{reverse('oversight:report', kwargs={'kind': 'monthly'})}"
        f"?year={year}&month=6&aggregate=1",
    }
    from django.core.cache import cache

    print(f"{'as the conference office':<30}{'median ms':>12}{'max ms':>10}{'queries':>10}")
    for label, url in urls.items():
        for cold in (True, False):
            if label == "monthly aggregate" and not cold:
                continue  # reports are never cached
            response = client.get(url)
            assert response.status_code == 200, (label, response.status_code)
            times = []
            for _ in range(5):
                if cold:
                    cache.clear()
                with CaptureQueriesContext(connection) as queries:
                    began = time.perf_counter()
                    response = client.get(url)
                    times.append((time.perf_counter() - began) * 1000)
            name = f"{label} ({'computed' if cold else 'cached'})"
            flag = "" if statistics.median(times) <= 1000 else "  > 1 s"
            print(
                f"{name:<30}{statistics.median(times):>12.0f}{max(times):>10.0f}"
                f"{len(queries):>10}{flag}"
            )
    data = client.get(urls["figures API"]).json()
    totals = data["totals"]
    print(
        f"figures: {len(data['departments'])} departments, drawn {totals['drawn']:,}, "
        f"inspected {totals['inspected']:,}, published {totals['published']:,}, "
        f"completion {totals['completion']}%, repeat warnings {data['repeat']['count']:,}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--reuse", action="store_true", help="time a kept database again")
    args = parser.parse_args()
    if not args.reuse:
        _psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
        _psql(f"CREATE DATABASE {DB}")
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{DB}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "testserver")
    sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    import django
    from django.core.management import call_command

    django.setup()
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    year = timezone.localdate().year
    if not args.reuse:
        began = time.perf_counter()
        _fill(year)
        print(f"PostgreSQL: loaded in {time.perf_counter() - began:.0f} s")
    _time(year)
    if not args.keep:
        from django.db import connections

        connections.close_all()
        _psql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")


if __name__ == "__main__":
    main()

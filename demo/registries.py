"""Demo registries (issue 3): item lists, a few thousand subjects, inspectors and experts.

Deterministic (random.Random with a fixed seed) and idempotent: a department that already has
item lists, subjects, tags, inspectors or experts is left alone, so a second run creates nothing
and writes no audit event. Subjects are created in bulk through the import's writer, so loading
takes a second or two.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from typing import Any

from core.checkdigits import USCC_ALPHABET, make_id_number, make_uscc
from demo import data
from demo.registries_data import LISTS, SUBJECT_PLAN
from inspectors import services as inspector_services
from inspectors.models import Expert, Inspector
from items import services as item_services
from items.models import ItemList
from organisations.models import Department, Unit
from subjects import services as subject_services
from subjects.imports import SubjectImport
from subjects.models import Subject, Tag

SEED = 480321
REASON = "加载演示数据"
TOWNS = [name for _, name in data.TOWNS]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余"
GIVEN = "国华明建平军红英丽强伟芳敏静磊洋勇艳杰娟涛超秀霞刚桂兰林斌"
WORDS = [
    "鑫源",
    "华泰",
    "恒达",
    "青山",
    "龙泉",
    "瑞丰",
    "永安",
    "金石",
    "绿野",
    "溪源",
    "宏发",
    "嘉禾",
    "天成",
    "润泽",
    "兴业",
    "云台",
    "翠峰",
    "丰收",
    "福旺",
    "景和",
]
ROADS = ["解放路", "溪滨路", "龙泉大道", "桃源街", "青溪路", "府前街", "新华路", "工业园区"]


def load_registries(created: Counter[str]) -> None:
    rng = random.Random(SEED)
    departments = {d.code: d for d in Department.objects.filter(code__startswith="DEMO-")}
    _item_lists(departments, created)
    _subjects(departments, rng, created)
    _tags(departments, created)
    _inspectors(departments, rng, created)
    _experts(departments, rng, created)


def _item_values(spec: tuple[Any, ...], seq: int) -> dict[str, Any]:
    code, name, kind, basis, scope, ratio, cap, frequency, methods, area, points = spec
    return {
        "code": code,
        "seq": seq,
        "name": name,
        "kind": kind,
        "legal_basis": basis,
        "object_scope": scope,
        "standard": "依据相关法律法规、技术标准和许可条件",
        "ratio_percent": ratio,
        "ratio_cap_percent": cap,
        "frequency": frequency,
        "methods": methods,
        "mandate": "own",
        "entrusted_unit": "",
        "authorising_authority": "",
        "inspecting_body": "",
        "enforcement_area": area,
        "remarks": "",
        "points": list(points),
    }


def _item_lists(departments: dict[str, Department], created: Counter[str]) -> None:
    for code, specs in LISTS.items():
        department = departments.get(code)
        if department is None or ItemList.objects.filter(department=department).exists():
            continue
        year = 2025 if code == "DEMO-MX-ZRZY" else 2026
        draft = item_services.new_version(
            None, department, REASON, f"{department.name}{year}年随机抽查事项清单"
        )
        for seq, spec in enumerate(specs, start=1):
            item_services.save_item(None, draft, _item_values(spec, seq), REASON)
        item_services.publish_list(None, draft, REASON)
        created["item_list"] += 1
        created["item"] += len(specs)
        if code == "DEMO-MX-ZRZY":  # a second version: the law changed, one item was added
            second = item_services.new_version(
                None,
                department,
                "《土地管理法实施条例》修订，调整抽查依据和检查要点",
                f"{department.name}2026年随机抽查事项清单",
            )
            first = second.items.get(code="ZRZY-001")
            values = item_services.item_values(first)
            values["legal_basis"] += "；《中华人民共和国土地管理法实施条例》第三十九条"
            item_services.save_item(None, second, values, "法规修订", item=first)
            item_services.publish_list(None, second, REASON)
            created["item_list"] += 1


def _uscc(rng: random.Random, kind: str) -> str:
    registrar = "9" + {"individual": "2", "cooperative": "3"}.get(kind, "1")
    body = registrar + "480321" + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    return make_uscc(body)


def _subjects(
    departments: dict[str, Department], rng: random.Random, created: Counter[str]
) -> None:
    for code, (count, types, industries, licences, stems) in SUBJECT_PLAN.items():
        department = departments.get(code)
        if department is None or Subject.objects.filter(department=department).exists():
            continue
        item_list = item_services.current_list(department.pk)
        item_codes = list(item_list.items.values_list("code", flat=True)) if item_list else []
        population = [t for t, weight in types for _ in range(weight)]
        rows, seen = [], set()
        for i in range(count):
            kind = rng.choice(population)
            values = _subject(rng, kind, i, stems, industries, licences, item_codes)
            if values["code"] in seen:
                continue
            seen.add(values["code"])
            rows.append(subject_services.DEFAULTS | values)
        spec = SubjectImport(department, None)
        spec.filename = "演示数据"
        spec.create_all(rows)
        created["subject"] += len(rows)


def _subject(
    rng: random.Random,
    kind: str,
    i: int,
    stems: list[str],
    industries: list[str],
    licences: list[str],
    item_codes: list[str],
) -> dict[str, Any]:
    town = rng.choice(TOWNS)
    word, stem = rng.choice(WORDS), rng.choice(stems)
    person = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
    address = f"明溪县{town}{rng.choice(ROADS)}{rng.randint(1, 399)}号"
    if kind in ("project", "site"):
        suffix = "项目" if kind == "project" else "作业点"
        name = f"明溪县{town}{word}{stem}{suffix}（{i + 1:04d}）"
        uscc = ""
        code = subject_services.generated_code(kind, name, address)
    else:
        suffix = {"individual": "店", "cooperative": "专业合作社"}.get(kind, "有限公司")
        name = (
            f"明溪县{word}{stem}{suffix}"
            if kind != "individual"
            else f"明溪县{town}{person}{stem}{suffix}"
        )
        name = f"{name}（{i + 1:04d}）" if kind != "enterprise" or i % 3 else name
        uscc = _uscc(rng, kind)
        code = uscc
    risk = rng.choices(["A", "B", "C", "D", ""], weights=[30, 40, 18, 7, 5])[0]
    status = rng.choices(
        ["active", "suspended", "deregistered", "revoked", "moved_out"], weights=[90, 3, 4, 2, 1]
    )[0]
    return {
        "code": code,
        "subject_type": kind,
        "name": name,
        "uscc": uscc,
        "legal_representative": person if kind not in ("project", "site") else "",
        "address": address,
        "region": "480321",
        "town": town,
        "industry": rng.choice(industries),
        "licence_types": sorted(
            set(rng.sample(licences, k=rng.choice([0, 1, 1, 2]) if len(licences) > 1 else 1))
        ),
        "operating_status": status,
        "credit_risk_class": risk,
        "abnormal_list": rng.random() < (0.15 if risk in ("C", "D") else 0.02),
        "serious_violation_list": rng.random() < (0.05 if risk == "D" else 0.003),
        "complaint_count": rng.choices([0, 1, 2, 3, 5], weights=[80, 10, 5, 3, 2])[0],
        "applicable_items": sorted(
            set(rng.sample(item_codes, k=min(len(item_codes), rng.choice([1, 1, 2]))))
        ),
        "tags": [],
    }


def _tags(departments: dict[str, Department], created: Counter[str]) -> None:
    zrzy, scjg = departments.get("DEMO-MX-ZRZY"), departments.get("DEMO-MX-SCJG")
    if zrzy is None or scjg is None or Tag.objects.filter(department=zrzy).exists():
        return
    mining = subject_services.save_tag(None, zrzy, "矿山企业", "持有采矿许可证的企业")
    key = subject_services.save_tag(None, zrzy, "重点监管对象", "近三年有违法记录或投诉较多")
    joint = subject_services.save_tag(
        None,
        scjg,
        "多部门联合监管",
        "市场监管、自然资源、住建等部门共同监管的对象",
        shared_with=[d for c, d in departments.items() if c in ("DEMO-MX-ZRZY", "DEMO-MX-ZJ")],
    )
    through = Subject.tags.through
    links = [
        through(subject_id=pk, tag_id=mining.pk)
        for pk in Subject.objects.filter(department=zrzy, licence_types__code="mining").values_list(
            "pk", flat=True
        )
    ]
    links += [
        through(subject_id=pk, tag_id=key.pk)
        for pk in Subject.objects.filter(department=zrzy, complaint_count__gte=2).values_list(
            "pk", flat=True
        )
    ]
    links += [
        through(subject_id=pk, tag_id=joint.pk)
        for pk in Subject.objects.filter(
            department=scjg, industry__code__in=["30", "52"], credit_risk_class="D"
        ).values_list("pk", flat=True)[:40]
    ]
    through.objects.bulk_create(links)
    subject_services.save_filter(
        None, zrzy, "D 类高风险矿山", f"credit_risk_class=D&tag={mining.pk}"
    )
    created["tag"] += 3


# (department, unit, areas, how many)
INSPECTOR_PLAN = [
    ("DEMO-MX-ZRZY", "执法监察大队", ["land", "mineral", "planning"], 8),
    ("DEMO-MX-ZRZY", "矿产资源管理股", ["mineral"], 3),
    ("DEMO-MX-ZRZY", "测绘地理信息股", ["surveying"], 3),
    ("DEMO-MX-ZRZY", "城关自然资源所", ["land"], 2),
    ("DEMO-MX-SCJG", "综合行政执法大队", ["market_general", "food_safety", "product_quality"], 6),
    ("DEMO-MX-SCJG", "城关市场监管所", ["food_safety", "market_general"], 3),
    ("DEMO-MX-ZJ", "城建监察大队", ["construction", "real_estate"], 4),
    ("DEMO-MX-JT", "交通运输综合执法大队", ["road_transport"], 3),
    ("DEMO-MX-NY", "农业综合行政执法大队", ["agriculture"], 2),
    ("DEMO-MX-YJ", "应急管理综合执法大队", ["work_safety"], 2),
    ("DEMO-SM-ZRZY", "执法监察大队", ["land", "mineral"], 3),
]
POSITIONS = ["大队长", "副大队长", "中队长", "执法队员", "执法队员", "执法队员", "所长", "科员"]


def _inspectors(
    departments: dict[str, Department], rng: random.Random, created: Counter[str]
) -> None:
    today = dt.date.today()
    number = 0
    for dept_code, unit_name, areas, count in INSPECTOR_PLAN:
        department = departments.get(dept_code)
        if department is None:
            continue
        unit = Unit.objects.filter(department=department, name=unit_name).first()
        for _ in range(count):
            number += 1
            certificate = f"35{department.region.code[2:4]}{number:010d}"
            if Inspector.objects.filter(certificate_no=certificate).exists():
                continue
            start = today - dt.timedelta(days=rng.randint(200, 1800))
            until = start + dt.timedelta(days=5 * 365)
            status = "active"
            if number % 9 == 4:  # some certificates have expired
                until = today - dt.timedelta(days=rng.randint(10, 300))
            elif number % 13 == 6:
                status = rng.choice(["seconded", "away", "leave"])
            birth = dt.date(1970, 1, 1) + dt.timedelta(days=rng.randint(0, 9000))
            id_number = make_id_number(f"480321{birth:%Y%m%d}{rng.randint(100, 999)}")
            values = {
                "certificate_no": certificate,
                "name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                "unit": unit.name if unit else "",
                "position": rng.choice(POSITIONS),
                "specialty": "、".join(
                    rng.sample(
                        [
                            "土地执法",
                            "矿产执法",
                            "测绘监管",
                            "食品安全",
                            "质量监督",
                            "工程质量",
                            "安全生产",
                        ],
                        k=2,
                    )
                ),
                "experience_years": rng.randint(1, 25),
                "certificate_valid_from": start,
                "certificate_valid_until": until,
                "enforcement_areas": sorted(
                    rng.sample(areas, k=min(len(areas), rng.randint(1, 2)))
                ),
                "status": status,
            }
            inspector_services.save_inspector(
                None,
                department,
                values,
                id_number=id_number,
                phone=f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
                reason=REASON,
            )
            created["inspector"] += 1


EXPERTS = [
    ("DEMO-MX-ZRZY", "云台市地质勘查院", "矿产地质", "高级工程师", ["mineral"]),
    ("DEMO-MX-ZRZY", "青岭省测绘地理信息局第三测绘院", "工程测量", "高级工程师", ["surveying"]),
    ("DEMO-MX-ZRZY", "云台学院资源与环境学院", "土地资源管理", "副教授", ["land"]),
    ("DEMO-MX-ZRZY", "青岭省国土空间规划研究院", "城乡规划", "正高级工程师", ["planning"]),
    ("DEMO-MX-ZRZY", "云台市矿山安全技术服务中心", "采矿工程", "工程师", ["mineral"]),
    ("DEMO-MX-SCJG", "云台市食品药品检验所", "食品检验", "主任药师", ["food_safety"]),
    (
        "DEMO-MX-SCJG",
        "青岭省特种设备检验研究院云台分院",
        "压力容器",
        "高级工程师",
        ["special_equipment"],
    ),
    ("DEMO-MX-SCJG", "云台市产品质量检验所", "产品质量", "工程师", ["product_quality"]),
    ("DEMO-MX-ZJ", "云台市建设工程质量检测中心", "结构工程", "高级工程师", ["construction"]),
    ("DEMO-MX-ZJ", "青岭建筑设计研究院", "建筑安全", "正高级工程师", ["construction"]),
    ("DEMO-MX-YJ", "云台市安全生产科学研究所", "危险化学品", "高级工程师", ["work_safety"]),
    ("DEMO-MX-SL", "云台市水利水电勘测设计院", "水资源", "高级工程师", ["water"]),
]


def _experts(departments: dict[str, Department], rng: random.Random, created: Counter[str]) -> None:
    for dept_code, organisation, field, title, areas in EXPERTS:
        department = departments.get(dept_code)
        if department is None:
            continue
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        if Expert.objects.filter(department=department, organisation=organisation).exists():
            continue
        inspector_services.save_expert(
            None,
            department,
            {
                "name": name,
                "organisation": organisation,
                "field": field,
                "title": title,
                "is_available": True,
                "enforcement_areas": areas,
            },
            phone=f"139{rng.randint(10_000_000, 99_999_999)}",
            reason=REASON,
        )
        created["expert"] += 1

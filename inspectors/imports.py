"""Importing the inspector registry (A8, A6) and the expert library (A9). Inspectors are
identified by 执法证号, experts by 姓名 + 工作单位 within the department; ID and phone numbers are
checked, encrypted on write, and appear in previews and audit only masked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from audit.services import record_event
from core import crypto
from core.imports import (
    Change,
    Column,
    ImportResult,
    ImportSpec,
    RowError,
    parse_bool,
    parse_date,
    split_list,
)
from inspectors import services
from inspectors.choices import InspectorStatus
from inspectors.models import ID_CONTEXT, Expert, Inspector
from items.models import EnforcementArea
from organisations.models import Unit

if TYPE_CHECKING:
    from accounts.models import User
    from organisations.models import Department

_STATUS = (
    {str(label): code for code, label in InspectorStatus.choices}
    | {code: code for code in InspectorStatus.values}
    | {"休假": InspectorStatus.LEAVE, "病假": InspectorStatus.LEAVE}
)


def _personal(key: str, text: str) -> tuple[str, str, str | None]:
    """(plain, token, problem) for an ID or phone number."""
    if key == "id_number":
        text = text.upper()
        return text, services.id_token(text), services.check_id_number(text)
    return text, services.phone_token(text), services.check_phone(text)


def _col(
    key: str, header: str, required: bool = False, note: str = "", example: str = ""
) -> Column:
    return Column(key, header, required, note, example)


class InspectorImport(ImportSpec):
    label = "执法检查人员"
    key = "certificate_no"
    columns = (
        _col("certificate_no", "执法证号", True, "已登记的执法证号即更新该人员", "35040021000123"),
        _col("name", "姓名", True, example="张三"),
        _col(
            "id_number",
            "身份证号",
            note="18 位，自动核对校验位；加密保存，列表中脱敏显示。填写带 * 的脱敏号码表示不修改",
        ),
        _col("phone", "手机号码", note="加密保存，列表中脱敏显示；带 * 的脱敏号码表示不修改"),
        _col("unit", "单位", note="本部门内设单位名称，如 执法监察大队"),
        _col("position", "职务"),
        _col("specialty", "业务专长", example="土地执法、矿产资源执法"),
        _col("experience_years", "从业年限", example="8"),
        _col("certificate_valid_from", "执法证有效期起", example="2024-01-01"),
        _col("certificate_valid_until", "执法证有效期至", example="2029-12-31"),
        _col(
            "enforcement_areas",
            "执法领域",
            note="执法领域名称或代码，多个用顿号分隔",
            example="土地管理、矿产资源",
        ),
        _col("status", "状态", note="在岗、离岗、借调、休假/病假、调离、退休，默认在岗"),
        _col("_department", "所属部门"),
    )

    def __init__(self, department: Department | None, actor: User | None) -> None:
        self.department = department
        self.actor = actor
        self.plain: dict[str, tuple[str | None, str | None]] = {}

    def begin(self) -> None:
        areas = EnforcementArea.objects.filter(is_active=True).values_list("code", "name")
        self.areas = {c: c for c, _ in areas} | {n: c for c, n in areas}
        self.units = set(
            Unit.objects.filter(department=self.department).values_list("name", flat=True)
        )
        self.parsers = self._parsers()

    def defaults(self) -> dict[str, Any]:
        return {key: "" for key in services.INSPECTOR_FIELDS} | {
            "experience_years": None,
            "enforcement_areas": [],
            "status": InspectorStatus.ACTIVE,
        }

    def _parsers(self) -> dict[str, Any]:
        """Column → function(text) returning (canonical value, error message or None)."""

        def unit(text: str) -> tuple[Any, str | None]:
            return text, f"本部门没有内设单位“{text}”" if text and text not in self.units else None

        def years(text: str) -> tuple[Any, str | None]:
            ok = not text or text.isdigit()
            return (int(text) if text.isdigit() else None), None if ok else "从业年限应为非负整数"

        def date(text: str) -> tuple[Any, str | None]:
            value = parse_date(text) if text else None
            problem = f"“{text}”不是有效日期，请写成 2025-01-31" if text and value is None else None
            return (value.isoformat() if value else ""), problem

        def areas(text: str) -> tuple[Any, str | None]:
            parts = split_list(text)
            unknown = [p for p in parts if p not in self.areas]
            problem = f"执法领域不存在：{'、'.join(unknown)}" if unknown else None
            return sorted({self.areas[p] for p in parts if p in self.areas}), problem

        def status(text: str) -> tuple[Any, str | None]:
            value = _STATUS.get(text) if text else InspectorStatus.ACTIVE
            problem = None if value else "状态应为在岗、离岗、借调、休假/病假、调离或退休"
            return value or InspectorStatus.ACTIVE, problem

        return {
            "unit": unit,
            "experience_years": years,
            "certificate_valid_from": date,
            "certificate_valid_until": date,
            "enforcement_areas": areas,
            "status": status,
        }

    def clean(self, row: int, raw: Mapping[str, str]) -> tuple[dict[str, Any], list[RowError]]:
        v: dict[str, Any] = {}
        problems: list[tuple[str, str]] = []
        plain: dict[str, str | None] = {"id_number": None, "phone": None}
        for key, text in raw.items():
            problem = None
            if key in plain:
                if "*" in text:  # a masked number from an export: leave the stored one
                    continue
                plain[key], v[key], problem = _personal(key, text)
            elif key in self.parsers:
                v[key], problem = self.parsers[key](text)
            else:
                v[key] = text
            if problem:
                problems.append((key, problem))
        if not problems:
            problems.extend(services.check_inspector(self.defaults() | v).items())
        if not problems:
            self.plain[v["certificate_no"]] = (plain["id_number"], plain["phone"])
        personal = ("id_number", "phone")
        return v, [
            self.row_error(row, k, m, "" if k in personal else raw.get(k, "")) for k, m in problems
        ]

    def existing(self, rows: Sequence[tuple[int, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
        codes = [v["certificate_no"] for _, v in rows]
        found = (
            Inspector.objects.filter(department=self.department, certificate_no__in=codes)
            .select_related("unit")
            .prefetch_related("enforcement_areas")
        )
        return {i.certificate_no: services.inspector_values(i) for i in found}

    def check_chunk(
        self, rows: Sequence[tuple[int, dict[str, Any]]], stored: Mapping[str, dict[str, Any]]
    ) -> list[RowError]:
        codes = [v["certificate_no"] for _, v in rows if v["certificate_no"] not in stored]
        elsewhere = set(
            Inspector.objects.filter(certificate_no__in=codes)
            .exclude(department=self.department)
            .values_list("certificate_no", flat=True)
        )
        return [
            self.row_error(
                row, "certificate_no", "该执法证号已登记在其他部门的名录库中", v["certificate_no"]
            )
            for row, v in rows
            if v["certificate_no"] in elsewhere
        ]

    def write(self, creates: list[dict[str, Any]], updates: list[Change]) -> None:
        assert self.department is not None
        reason = f"批量导入 {self.filename}"
        for values in creates:
            plain_id, plain_phone = self.plain.get(values["certificate_no"], (None, None))
            services.save_inspector(
                self.actor,
                self.department,
                values,
                id_number=plain_id,
                phone=plain_phone,
                reason=reason,
            )
        for change in updates:
            plain_id, plain_phone = self.plain.get(change.code, (None, None))
            services.save_inspector(
                self.actor,
                self.department,
                change.state,
                id_number=plain_id if "id_number" in change.after else None,
                phone=plain_phone if "phone" in change.after else None,
                reason=reason,
                inspector=Inspector.objects.get(
                    department=self.department, certificate_no=change.code
                ),
            )
        self.plain.clear()

    def finish(self, result: ImportResult) -> None:
        record_event(
            action="inspector.imported",
            actor=self.actor,
            obj=self.department,
            after=result.summary(),
            reason="批量导入执法检查人员",
        )


def export_headers(full: bool) -> list[str]:
    return [c.header for c in InspectorImport.columns] + ["今日可抽取", "不可抽取原因"]


def export_row(inspector: Inspector, *, full: bool, reasons: list[str]) -> list[Any]:
    """Masked ID and phone unless `full` (the department's own registry manager, logged)."""
    v = services.inspector_values(inspector)
    id_number = inspector.id_number() if full else inspector.id_number_masked
    phone = inspector.phone() if full else inspector.phone_masked
    return [
        v["certificate_no"],
        v["name"],
        id_number,
        phone,
        v["unit"],
        v["position"],
        v["specialty"],
        v["experience_years"],
        v["certificate_valid_from"],
        v["certificate_valid_until"],
        "、".join(a.name for a in inspector.enforcement_areas.all()),
        inspector.get_status_display(),
        inspector.department.name,
        "否" if reasons else "是",
        "；".join(reasons),
    ]


# --- the expert library (A9) -------------------------------------------------------------------

PERSONAL = ("id_number", "phone")


def expert_identity(name: str, organisation: str) -> str:
    """An expert's import key: the model's natural key within a department, as 姓名（工作单位）."""
    return f"{name}（{organisation}）"


class ExpertImport(ImportSpec):
    """专家库导入. A row is the department's expert with the same 姓名 and 工作单位 (the model's
    unique constraint `expert_unique_in_department`): that expert is updated, traced before/after;
    any other row adds an expert. Renaming an expert or changing the 工作单位 is therefore done on
    the edit page: an import would add a second expert, so a row whose 身份证号 belongs to another
    expert of the department is refused."""

    label = "专家"
    key = "expert"  # expert_identity(name, organisation), set by clean(); not a column
    columns = (
        _col(
            "name",
            "姓名",
            True,
            "姓名和工作单位都与本部门已登记专家相同的行即更新该专家，其余行新增",
            "钱专家",
        ),
        _col("organisation", "工作单位", True, example="云台市地质勘查院"),
        _col("field", "专业领域", True, example="矿产地质"),
        _col("title", "职称", example="高级工程师"),
        _col(
            "id_number",
            "身份证号",
            note="18 位，自动核对校验位；加密保存，列表中脱敏显示。填写带 * 的脱敏号码表示不修改",
        ),
        _col("phone", "手机号码", note="加密保存，列表中脱敏显示；带 * 的脱敏号码表示不修改"),
        _col(
            "enforcement_areas",
            "适用执法领域",
            note="执法领域名称或代码，多个用顿号分隔",
            example="矿产资源、土地管理",
        ),
        _col("is_available", "可参与抽取", note="是或否；留空时新增为“是”，更新时保持不变"),
        _col("_department", "所属部门"),
    )

    def __init__(self, department: Department | None, actor: User | None) -> None:
        self.department = department
        self.actor = actor
        self.plain: dict[str, tuple[str | None, str | None]] = {}

    def begin(self) -> None:
        areas = EnforcementArea.objects.filter(is_active=True).values_list("code", "name")
        self.areas = {c: c for c, _ in areas} | {n: c for c, n in areas}
        self.seen: dict[str, int] = {}  # identity → first row
        self.seen_ids: dict[str, tuple[int, str]] = {}  # ID digest → (first row, identity)
        self.archived: set[str] = set()

    def defaults(self) -> dict[str, Any]:
        return {key: "" for key in services.EXPERT_FIELDS} | {
            "is_available": True,
            "enforcement_areas": [],
        }

    def row_error(self, row: int, key: str, message: str, value: str = "") -> RowError:
        return super().row_error(row, "name" if key == self.key else key, message, value)

    def _parse(self, key: str, text: str) -> tuple[Any, str | None]:
        """(canonical value, problem) of a column other than the personal ones."""
        if key == "enforcement_areas":
            parts = split_list(text)
            unknown = [p for p in parts if p not in self.areas]
            problem = f"执法领域不存在：{'、'.join(unknown)}" if unknown else None
            return sorted({self.areas[p] for p in parts if p in self.areas}), problem
        if key == "is_available":
            flag = parse_bool(text)
            return bool(flag), None if flag is not None else "可参与抽取应填“是”或“否”"
        return text, None

    def clean(self, row: int, raw: Mapping[str, str]) -> tuple[dict[str, Any], list[RowError]]:
        v: dict[str, Any] = {}
        problems: list[tuple[str, str]] = []
        plain: dict[str, str | None] = {"id_number": None, "phone": None}
        for key, text in raw.items():
            if key in plain:
                if "*" in text:  # a masked number from an export: leave the stored one
                    continue
                plain[key], v[key], problem = _personal(key, text)
            elif key == "is_available" and not text:
                continue  # blank: 是 for a new expert, unchanged for a stored one
            else:
                v[key], problem = self._parse(key, text)
            if problem:
                problems.append((key, problem))
        problems.extend(services.check_expert(self.defaults() | v).items())
        v[self.key] = expert_identity(v.get("name", ""), v.get("organisation", ""))
        problems.extend(self._repeats(row, v, plain["id_number"], problems))
        if not problems:
            self.plain[v[self.key]] = (plain["id_number"], plain["phone"])
        return v, [
            self.row_error(row, k, m, "" if k in PERSONAL else raw.get(k, "")) for k, m in problems
        ]

    def _repeats(
        self, row: int, v: dict[str, Any], id_number: str | None, problems: list[tuple[str, str]]
    ) -> list[tuple[str, str]]:
        """The same expert, or the same ID number, twice in the file (naming the first row)."""
        found: list[tuple[str, str]] = []
        bad = {k for k, _ in problems}
        identity = v[self.key]
        if not bad & {"name", "organisation"}:
            first = self.seen.setdefault(identity, row)
            if first != row:
                found.append(("name", f"与第 {first} 行是同一专家（姓名和工作单位都相同）"))
        if id_number and "id_number" not in bad:
            seen_row, seen_identity = self.seen_ids.setdefault(
                crypto.lookup_hash(id_number, ID_CONTEXT), (row, identity)
            )
            if seen_row != row and seen_identity != identity:
                found.append(("id_number", f"与第 {seen_row} 行的身份证号相同"))
        return found

    def existing(self, rows: Sequence[tuple[int, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
        """Stored experts of the department with these rows' identities (archived ones too, so
        that check_chunk can refuse them instead of adding a clashing expert)."""
        wanted = {v[self.key] for _, v in rows}
        found = Expert.objects.filter(
            department=self.department, name__in={v["name"] for _, v in rows}
        ).prefetch_related("enforcement_areas")
        stored: dict[str, dict[str, Any]] = {}
        for expert in found:
            identity = expert_identity(expert.name, expert.organisation)
            if identity in wanted:
                stored[identity] = services.expert_values(expert) | {self.key: identity}
                if expert.is_archived:
                    self.archived.add(identity)
        return stored

    def check_chunk(
        self, rows: Sequence[tuple[int, dict[str, Any]]], stored: Mapping[str, dict[str, Any]]
    ) -> list[RowError]:
        errors = [
            self.row_error(row, "name", "该专家已移出专家库（已归档），不能通过导入修改", v["name"])
            for row, v in rows
            if v[self.key] in self.archived
        ]
        return errors + self._id_numbers_of_others(rows)

    def _id_numbers_of_others(self, rows: Sequence[tuple[int, dict[str, Any]]]) -> list[RowError]:
        """Rows giving the ID number of another expert of the department (a second registration
        of the same person, e.g. after a change of 工作单位)."""
        digests: dict[str, tuple[int, str]] = {}
        for row, v in rows:
            plain_id = self.plain.get(v[self.key], (None, None))[0]
            if plain_id:
                digests[crypto.lookup_hash(plain_id, ID_CONTEXT)] = (row, v[self.key])
        if not digests:
            return []
        owners = Expert.objects.filter(
            department=self.department, id_number_digest__in=list(digests)
        ).values_list("id_number_digest", "name", "organisation")
        errors = []
        for digest, name, organisation in owners:
            row, identity = digests[digest]
            owner = expert_identity(name, organisation)
            if owner != identity:
                errors.append(
                    self.row_error(
                        row,
                        "id_number",
                        f"该身份证号已登记为本部门专家“{owner}”；"
                        "如该专家的姓名或工作单位有变化，请在专家库中修改，不要重复登记",
                    )
                )
        return errors

    def write(self, creates: list[dict[str, Any]], updates: list[Change]) -> None:
        assert self.department is not None
        reason = f"批量导入 {self.filename}"
        for values in creates:
            plain_id, plain_phone = self.plain.get(values[self.key], (None, None))
            services.save_expert(
                self.actor,
                self.department,
                values,
                id_number=plain_id,
                phone=plain_phone,
                reason=reason,
            )
        for change in updates:
            plain_id, plain_phone = self.plain.get(change.code, (None, None))
            services.save_expert(
                self.actor,
                self.department,
                change.state,
                id_number=plain_id if "id_number" in change.after else None,
                phone=plain_phone if "phone" in change.after else None,
                reason=reason,
                expert=Expert.objects.get(
                    department=self.department,
                    name=change.state["name"],
                    organisation=change.state["organisation"],
                ),
            )
        self.plain.clear()

    def finish(self, result: ImportResult) -> None:
        record_event(
            action="expert.imported",
            actor=self.actor,
            obj=self.department,
            after=result.summary(),
            reason="批量导入专家",
        )


def expert_export_headers() -> list[str]:
    """The import's columns in its order, so that an exported file can be imported again."""
    return [c.header for c in ExpertImport.columns]


def expert_export_row(expert: Expert, *, full: bool) -> list[Any]:
    """Masked ID and phone unless `full` (the department's own registry manager, logged)."""
    return [
        expert.name,
        expert.organisation,
        expert.field,
        expert.title,
        expert.id_number() if full else expert.id_number_masked,
        expert.phone() if full else expert.phone_masked,
        "、".join(a.name for a in expert.enforcement_areas.all()),
        "是" if expert.is_available else "否",
        expert.department.name,
    ]

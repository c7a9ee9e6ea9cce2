"""Importing the subject registry (A4, A6): streamed, validated, all or nothing, traced."""

from __future__ import annotations

import hashlib
import pickle
import re
import secrets
import tempfile
from collections.abc import Mapping, Sequence
from itertools import repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from audit.services import record_event, record_events
from core.checkdigits import USCC_ALPHABET
from core.crypto import fingerprint_key
from core.import_tools import (
    KeyLedger,
    ReservedIds,
    StoredIndex,
    StreamingInsert,
    db_datetime,
)
from core.imports import (
    Change,
    Column,
    ImportResult,
    ImportSpec,
    RowError,
    parse_bool,
    split_list,
)
from subjects import services
from subjects.choices import CreditRiskClass, OperatingStatus
from subjects.models import Industry, LicenceType, Subject, SubjectType, Tag
from subjects.services import DEFAULTS, Lookups

if TYPE_CHECKING:
    from accounts.models import User
    from organisations.models import Department

_STATUS_WORDS = (
    {
        "存续": OperatingStatus.ACTIVE,
        "在营": OperatingStatus.ACTIVE,
        "在业": OperatingStatus.ACTIVE,
        "开业": OperatingStatus.ACTIVE,
        "在册": OperatingStatus.ACTIVE,
        "正常": OperatingStatus.ACTIVE,
        "停业": OperatingStatus.SUSPENDED,
        "歇业": OperatingStatus.SUSPENDED,
        "注销": OperatingStatus.DEREGISTERED,
        "吊销": OperatingStatus.REVOKED,
        "迁出": OperatingStatus.MOVED_OUT,
        "撤销": OperatingStatus.CANCELLED,
        "清算": OperatingStatus.LIQUIDATING,
        "清算中": OperatingStatus.LIQUIDATING,
    }
    | {str(label): code for code, label in OperatingStatus.choices}
    | {code: code for code in OperatingStatus.values}
)
_RISK = (
    {c: c for c in CreditRiskClass.values}
    | {f"{c}类": c for c in CreditRiskClass.values}
    | {c.lower(): c for c in CreditRiskClass.values}
)
_INSERT_FIELDS = (
    "department_id",
    "code",
    "subject_type_id",
    "name",
    "uscc",
    "legal_representative",
    "address",
    "region_id",
    "town",
    "industry_id",
    "operating_status",
    "credit_risk_class",
    "abnormal_list",
    "serious_violation_list",
    "complaint_count",
    "import_batch",
    "created_by_id",
    "modified_by_id",
    "created_at",
    "modified_at",
    "is_archived",
    "archived_reason",
)
_PICK_CREATED = itemgetter(
    "code",
    "subject_type",
    "name",
    "uscc",
    "legal_representative",
    "address",
    "region",
    "town",
    "industry",
    "operating_status",
    "credit_risk_class",
    "abnormal_list",
    "serious_violation_list",
    "complaint_count",
)
_LIMIT_NAME, _LIMIT_CODE, _LIMIT_ADDRESS, _LIMIT_PERSON, _LIMIT_TOWN = (
    services.TEXT_LIMITS[key] for key in ("name", "code", "address", "legal_representative", "town")
)
_LINKS = (
    ("licence_types", "licencetype_id"),
    ("applicable_items", "inspectionitem_id"),
    ("tags", "tag_id"),
)
_STATUS_LABELS = {code: str(label).split("（")[0] for code, label in OperatingStatus.choices}


def _col(
    key: str,
    header: str,
    required: bool = False,
    note: str = "",
    example: str = "",
    aliases: tuple[str, ...] = (),
) -> Column:
    return Column(key, header, required, note, example, aliases)


class SubjectImport(ImportSpec):
    label = "检查对象"
    chunk_size = 2000
    checks_repeats_itself = True  # registries of millions: see `clean` and `check_chunk`
    columns = (
        _col(
            "code",
            "对象编码",
            note="留空时：有统一社会信用代码的用该代码，否则按名称和地址自动生成；"
            "填写已有编码即更新该对象",
            example="91350421MA2Y000000",
        ),
        _col(
            "subject_type",
            "对象类型",
            True,
            "企业、个体工商户、农民专业合作社、产品、项目、场所、行为",
            "企业",
        ),
        _col("name", "名称", True, example="明溪县示例矿业有限公司"),
        _col(
            "uscc", "统一社会信用代码", True, "企业、个体工商户、合作社必填，18 位，自动核对校验位"
        ),
        _col("legal_representative", "法定代表人（负责人）", aliases=("法定代表人", "负责人")),
        _col("address", "住所（经营场所）", aliases=("地址", "住所", "经营场所")),
        _col(
            "region",
            "行政区划",
            note="6 位行政区划代码或名称，留空为本部门所在区划",
            example="480321",
        ),
        _col("town", "乡镇（街道）", aliases=("乡镇", "乡镇街道"), example="城关镇"),
        _col(
            "industry",
            "行业",
            aliases=("国民经济行业", "行业代码"),
            note="国民经济行业分类大类代码或名称，如 10 或 B10 或 非金属矿采选业",
            example="10",
        ),
        _col("licence_types", "许可证类型", note="多个用顿号分隔", example="采矿许可证"),
        _col(
            "operating_status",
            "经营状态",
            note="存续、停业、注销、吊销、迁出、撤销、清算中，默认存续",
        ),
        _col("credit_risk_class", "信用风险分类", note="A、B、C、D（A 风险最低）", example="B"),
        _col("abnormal_list", "列入经营异常名录", note="是 或 否，默认否"),
        _col("serious_violation_list", "列入严重违法失信名单", note="是 或 否，默认否"),
        _col("complaint_count", "投诉举报次数", note="非负整数，默认 0"),
        _col(
            "applicable_items",
            "适用抽查事项",
            note="本部门现行清单中的事项编码或名称，多个用顿号分隔",
        ),
        _col("tags", "子库标签", note="本部门已建的标签名称，多个用顿号分隔"),
        _col("_department", "所属部门"),
    )

    def __init__(self, department: Department | None, actor: User | None) -> None:
        self.department = department
        self.actor = actor
        self.batch = secrets.token_hex(8)

    def begin(self) -> None:
        assert self.department is not None
        self.lookups = lookups = Lookups.load(self.department)
        self.type_names = {t.name: c for c, t in lookups.types.items()} | {
            c: c for c in lookups.types
        }
        from organisations.models import Region

        self.region_names = {code: code for code in lookups.regions}

        self.region_names.update(dict(Region.objects.values_list("name", "code")))
        self.industry_names: dict[str, str] = {}
        for code, name, parent in Industry.objects.filter(level="division").values_list(
            "code", "name", "parent__code"
        ):
            self.industry_names.update({code: code, name: code, f"{parent}{code}": code})
        self.licence_names = {c: c for c in lookups.licences} | dict(
            LicenceType.objects.filter(is_active=True).values_list("name", "code")
        )
        from items.models import InspectionItem

        self.item_names = {c: c for c in lookups.items} | dict(
            InspectionItem.objects.filter(pk__in=lookups.items.values()).values_list("name", "code")
        )
        self.tag_names = {n: n for n in lookups.tags}
        self.archived_tags = set(
            Tag.objects.filter(department=self.department, is_archived=True).values_list(
                "name", flat=True
            )
        )
        self.region_default = self.department.region.code
        self.parsers = self._parsers()
        self._plans: dict[Sequence[str], tuple[tuple[str, Any], ...]] = {}
        self.fp_key = fingerprint_key()
        self._load_index()
        self.ledger = KeyLedger()  # repeated keys: see `check_chunk`
        self.chunk_entries: dict[str, tuple[int, bytes]] = {}
        self.writer = StreamingInsert(
            [
                (Subject, ("id", *_INSERT_FIELDS)),
                *(
                    (getattr(Subject, name).through, ("subject_id", column))
                    for name, column in _LINKS
                ),
            ]
        )
        self.created_codes = tempfile.TemporaryFile()  # for the audit events, in `finish`
        self.ids = ReservedIds(
            Subject, self.expected_rows or self.chunk_size, before_query=self.writer.flush
        )

    def defaults(self) -> dict[str, Any]:
        return DEFAULTS | {"region": self.region_default}

    def _many(
        self,
        text: str,
        table: dict[str, str],
        key: str,
        label: str,
        problems: list[tuple[str, str]],
    ) -> list[str]:
        if not text:
            return []
        single = table.get(text)
        if single is not None:  # one known value, the common case
            return [single]
        out, unknown = [], []
        for part in split_list(text):
            code = table.get(part)
            if code is None:
                unknown.append(part)
            else:
                out.append(code)
        if unknown:
            problems.append((key, f"{label}中没有：{'、'.join(unknown)}"))
        return sorted(set(out))

    # One parser per column: text → canonical value, appending (column, message) on error.
    def _subject_type(self, text: str, problems: list[tuple[str, str]]) -> str:
        code = self.type_names.get(text)
        if code is None:
            problems.append(
                ("subject_type", f"对象类型“{text}”不存在" if text else "请填写对象类型")
            )
            return text
        return code

    def _uscc(self, text: str, problems: list[tuple[str, str]]) -> str:
        return text.upper()

    def _region(self, text: str, problems: list[tuple[str, str]]) -> str:
        if not text:
            return self.region_default
        code = self.region_names.get(text)
        if code is None:
            problems.append(("region", f"行政区划“{text}”不存在"))
        return code or ""

    def _industry(self, text: str, problems: list[tuple[str, str]]) -> str:
        if not text:
            return ""
        code = self.industry_names.get(text) or self.industry_names.get(text.upper())
        if code is None:
            problems.append(("industry", f"行业“{text}”不是国民经济行业分类的大类"))
        return code or ""

    def _licences(self, text: str, problems: list[tuple[str, str]]) -> list[str]:
        return self._many(text, self.licence_names, "licence_types", "许可证类型", problems)

    def _items(self, text: str, problems: list[tuple[str, str]]) -> list[str]:
        return self._many(text, self.item_names, "applicable_items", "本部门现行清单", problems)

    def _tags(self, text: str, problems: list[tuple[str, str]]) -> list[str]:
        return self._many(text, self.tag_names, "tags", "本部门子库标签", problems)

    def _status(self, text: str, problems: list[tuple[str, str]]) -> str:
        status = _STATUS_WORDS.get(text) if text else OperatingStatus.ACTIVE
        if status is None:
            problems.append(
                ("operating_status", "经营状态应为存续、停业、注销、吊销、迁出、撤销或清算中")
            )
        return status or OperatingStatus.ACTIVE

    def _risk(self, text: str, problems: list[tuple[str, str]]) -> str:
        risk = _RISK.get(text) if text else ""
        if risk is None:
            problems.append(("credit_risk_class", "信用风险分类应为 A、B、C、D 之一"))
        return risk or ""

    def _flag(self, key: str) -> Any:
        def parse(text: str, problems: list[tuple[str, str]]) -> bool:
            flag = parse_bool(text)
            if flag is None:
                problems.append((key, "应填“是”或“否”"))
            return bool(flag)

        return parse

    def _count(self, text: str, problems: list[tuple[str, str]]) -> int:
        if not text:
            return 0
        if not text.isdecimal():  # not isdigit: "²" is a digit that int() refuses
            problems.append(("complaint_count", "投诉举报次数应为非负整数"))
            return 0
        return int(text)

    def _parsers(self) -> dict[str, Any]:
        return {
            "subject_type": self._subject_type,
            "uscc": self._uscc,
            "region": self._region,
            "industry": self._industry,
            "licence_types": self._licences,
            "applicable_items": self._items,
            "tags": self._tags,
            "operating_status": self._status,
            "credit_risk_class": self._risk,
            "abnormal_list": self._flag("abnormal_list"),
            "serious_violation_list": self._flag("serious_violation_list"),
            "complaint_count": self._count,
        }

    def clean(self, row: int, raw: Mapping[str, str]) -> tuple[dict[str, Any], list[RowError]]:
        return self.clean_values(row, tuple(raw), tuple(raw.values()))

    def clean_values(
        self, row: int, keys: Sequence[str], values: Sequence[str]
    ) -> tuple[dict[str, Any], list[RowError]]:
        plan = self._plans.get(keys)
        if plan is None:  # once per file: each column's parser (None: the text as it is)
            plan = self._plans[keys] = tuple((key, self.parsers.get(key)) for key in keys)
        problems: list[tuple[str, str]] = []
        v: dict[str, Any] = {
            key: (text if parse is None else parse(text, problems))
            for (key, parse), text in zip(plan, values, strict=True)
        }
        if not problems:
            if not v.get("code"):
                v["code"] = v.get("uscc") or services.generated_code(
                    v["subject_type"], v.get("name", ""), v.get("address", "")
                )
            problems.extend(_check_rules(v, self.lookups.types[v["subject_type"]]).items())
        if not problems:
            return v, []
        raw = dict(zip(keys, values, strict=True))
        return v, [self.row_error(row, k, m, raw.get(k, "")) for k, m in problems]

    # --- the stored registry: code → (pk, fingerprint, uscc), read once per import --------------

    def _load_index(self) -> None:
        """Fingerprints of every stored subject of the department, so that a chunk needs a
        query only for the rows that really differ (re-importing a file costs no lookups). They
        wait on disk (`StoredIndex`): memory does not grow with the registry either."""
        self.stored = StoredIndex()
        assert self.department is not None
        for batch in services.stored_values_in_batches(self.department.pk):
            entries, aliases = [], []
            for code, values in batch.items():
                entries.append((code, values.pop("pk"), _fingerprint(values, self.fp_key)))
                if values["uscc"] and values["uscc"] != code:  # a USCC used under another code
                    aliases.append((values["uscc"], code))
            self.stored.load(entries, aliases)

    def existing(self, rows: Sequence[tuple[int, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
        found: dict[str, dict[str, Any]] = {}
        load: list[int] = []
        full = len(rows[0][1]) >= len(services.SUBJECT_FIELDS) if rows else False
        self.chunk_entries = entries = self.stored.entries([v["code"] for _, v in rows])
        for _, values in rows:
            entry = entries.get(values["code"])
            if entry is None:
                continue
            if full and entry[1] == _fingerprint(values, self.fp_key):
                found[values["code"]] = values
            else:
                load.append(entry[0])
        if load:
            self.writer.flush()
            found.update(services.stored_values(Subject.objects.filter(pk__in=load)))
        return found

    def check_chunk(
        self, rows: Sequence[tuple[int, dict[str, Any]]], stored: Mapping[str, dict[str, Any]]
    ) -> list[RowError]:
        """Repeats go to the ledger (a commit notes only stored codes: the unique constraints
        refuse new rows that repeat a key); a USCC may not belong to another stored subject."""
        met = self.chunk_entries
        if self.committing:
            self.ledger.add([("code", v["code"], row) for row, v in rows if v["code"] in met])
        else:
            self.ledger.add(
                [("code", v["code"], row) for row, v in rows]
                + [("uscc", v["uscc"], row) for row, v in rows if v.get("uscc")]
            )
        usccs = [v["uscc"] for _, v in rows if v.get("uscc")]
        owners = self.stored.aliases(usccs)
        as_codes = self.stored.entries(usccs)
        errors = []
        for row, values in rows:
            uscc, code = values.get("uscc"), values["code"]
            if self.archived_tags and values.get("tags"):
                errors.extend(self._archived_tag_errors(row, values, stored.get(code)))
            if not uscc or uscc == code and uscc not in owners:
                continue
            owner = owners.get(uscc) or (uscc if uscc in as_codes else None)
            if owner is not None and owner != code:
                errors.append(
                    self.row_error(
                        row, "uscc", f"本部门名录库中对象“{owner}”已使用此统一社会信用代码", uscc
                    )
                )
        return errors

    def create_all(self, rows: list[dict[str, Any]]) -> None:
        """Create rows already validated elsewhere (the demo county), written and audited as an
        import writes them."""
        self.committing = True
        with transaction.atomic():  # all or nothing, as an import
            self.begin()
            try:
                self.write(rows, [])
                self.writer.flush()
                self._record_created()
            except BaseException as error:
                self.close(error)
                raise
            self.close(None)

    def _archived_tag_errors(
        self, row: int, values: dict[str, Any], stored: dict[str, Any] | None
    ) -> list[RowError]:
        """An archived tag may stay on a subject that has it, but is not added to others."""
        added = set(values["tags"]) & self.archived_tags - set((stored or {}).get("tags", ()))
        if not added:
            return []
        listed = "、".join(sorted(added))
        return [self.row_error(row, "tags", f"标签已归档，不能再添加：{listed}", listed)]

    def write(self, creates: list[dict[str, Any]], updates: list[Change]) -> None:
        if creates:
            self._create(creates)
        if updates:
            self.writer.flush()
            self._update(updates)

    def _create(self, creates: list[dict[str, Any]]) -> None:
        """Streams the new rows; their audit events are written by `finish` (the open COPY
        holds the connection, and the audit chain's lock is then held only at the end)."""
        lk, actor_id = self.lookups, self.actor.pk if self.actor else None
        assert self.department is not None
        now = db_datetime(timezone.now())
        department_id, batch = self.department.pk, self.batch
        type_ids = {code: t.pk for code, t in lk.types.items()}
        regions, industries = lk.regions, lk.industries
        ids = self.ids.take(len(creates))  # None: the database numbers the rows
        pick = _PICK_CREATED  # the row's own columns, in C
        tail = (batch, actor_id, actor_id, now, now, False, "")
        self.writer.add(
            Subject,
            [
                (
                    pk,
                    department_id,
                    code,
                    type_ids[subject_type],
                    name,
                    uscc,
                    legal_representative,
                    address,
                    regions.get(region),
                    town,
                    industries.get(industry),
                    *flags,
                    *tail,
                )
                for pk, (
                    code,
                    subject_type,
                    name,
                    uscc,
                    legal_representative,
                    address,
                    region,
                    town,
                    industry,
                    *flags,
                ) in zip(ids or repeat(None), map(pick, creates), strict=ids is not None)
            ],
        )
        pickle.dump([v["code"] for v in creates], self.created_codes, pickle.HIGHEST_PROTOCOL)
        if ids is None:  # a database that cannot reserve ids: read them back by code
            by_code = dict(
                Subject.objects.filter(
                    department_id=department_id, code__in=[v["code"] for v in creates]
                ).values_list("code", "pk")
            )
            ids = [by_code[v["code"]] for v in creates]
        self._insert_relations(ids, creates)

    def _record_created(self) -> None:
        """One audit event per chunk of created subjects (their codes in the order written,
        kept on disk meanwhile), appended to the chain together."""
        spool = self.created_codes
        spool.seek(0)
        events: list[dict[str, Any]] = []
        while True:
            try:
                codes = pickle.load(spool)
            except EOFError:
                break
            events.append(self._created_event(codes))
            if len(events) == 10:  # memory stays bounded on files of any size
                record_events(events)
                events = []
        record_events(events)

    def _created_event(self, codes: list[str]) -> dict[str, Any]:
        return {
            "action": "subject.imported",
            "actor": self.actor,
            "object_type": "subjects.subject",
            "object_repr": f"批量导入新增 {len(codes)} 个检查对象",
            "after": {
                "batch": self.batch,
                "file": self.filename,
                "count": len(codes),
                "codes": codes,
            },
            "reason": f"批量导入 {self.filename}",
        }

    def _insert_relations(
        self,
        pks: Sequence[int],
        values: Sequence[dict[str, Any]],
        only: Sequence[str] = services.M2M_FIELDS,
    ) -> None:
        lk = self.lookups
        tables = {"licence_types": lk.licences, "applicable_items": lk.items, "tags": lk.tags}
        for name in only:
            lists = list(map(itemgetter(name), values))
            if not any(lists):  # most files lack most of these columns
                continue
            table = tables[name]
            links = [
                (pk, table[code])
                for pk, codes in zip(pks, lists, strict=True)
                if codes
                for code in codes
            ]
            self.writer.add(getattr(Subject, name).through, links)

    def _update(self, updates: list[Change]) -> None:
        subjects = {
            s.code: s
            for s in Subject.objects.filter(
                department=self.department, code__in=[c.code for c in updates]
            ).select_related("subject_type")
        }
        now = timezone.now()
        fields: set[str] = {"modified_at", "modified_by"}
        relations: dict[str, list[tuple[Subject, dict[str, Any]]]] = {}
        for change in updates:
            subject = subjects[change.code]
            services.apply_values(subject, change.after, self.lookups)
            subject.modified_at, subject.modified_by = now, self.actor
            for key in change.after:
                if key in services.M2M_FIELDS:
                    relations.setdefault(key, []).append((subject, change.after))
                else:
                    fields.add(key)
            record_event(
                action="subject.updated",
                actor=self.actor,
                obj=subject,
                before=change.before,
                after=change.after,
                reason=f"批量导入 {self.filename}",
            )
        Subject.objects.bulk_update(list(subjects.values()), sorted(fields), batch_size=500)
        for name, pairs in relations.items():
            through = getattr(Subject, name).through
            self.writer.flush()  # a stretch of links may be in flight
            through.objects.filter(subject_id__in=[s.pk for s, _ in pairs]).delete()
            self._insert_relations([s.pk for s, _ in pairs], [v for _, v in pairs], only=[name])
        self.writer.flush()

    def final_errors(self) -> list[RowError]:
        words = {"code": "编码", "uscc": "统一社会信用代码"}
        return [
            self.row_error(row, kind, f"{words[kind]}与第 {first} 行重复", value)
            for kind, value, row, first in self.ledger.repeats()
        ]

    def close(self, error: BaseException | None) -> None:
        writer, ledger = getattr(self, "writer", None), getattr(self, "ledger", None)
        try:
            if writer is not None:
                writer.close(error)
        finally:
            if ledger is not None:
                ledger.close()
            if hasattr(self, "stored"):
                self.stored.close()
            if hasattr(self, "created_codes"):
                self.created_codes.close()

    def finish(self, result: ImportResult) -> None:
        self.writer.flush()
        if result.created:
            self._record_created()
        record_event(
            action="subject.import_committed",
            actor=self.actor,
            obj=self.department,
            after={"batch": self.batch, **result.summary()},
            reason="批量导入检查对象",
        )


_USCC_FORM = re.compile(r"[1-9A-GNY][0-9A-HJ-NPQRTUWXY][0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}")
_USCC_AS_BASE34 = str.maketrans(USCC_ALPHABET, "0123456789ABCDEFGHIJKLMNOPQRSTU")


def _plainly_valid_uscc(code: str) -> bool:
    """True only for a code `uscc_error` accepts: the GB 32100 form, and the check character.
    The weighted sum Σ value·3^i (mod 31) is the first 17 characters read backwards as a base-34
    number (34 ≡ 3 mod 31), which `int` computes in C instead of 17 Python multiplications."""
    if _USCC_FORM.fullmatch(code) is None:
        return False
    total = int(code[16::-1].translate(_USCC_AS_BASE34), 34)
    return code[17] == USCC_ALPHABET[-total % 31]


def _check_rules(values: dict[str, Any], subject_type: SubjectType) -> dict[str, str]:
    """`services.check_rules`, answered here for the common row that plainly passes every rule
    (validation runs once per row of large files, and the check digit was its costliest step).
    Any other row goes to `check_rules`, which decides and words the messages."""
    uscc = values.get("uscc") or ""
    if (
        (values.get("name") or "").strip()
        and len(values.get("name") or "") <= _LIMIT_NAME
        and len(values.get("code") or "") <= _LIMIT_CODE
        and len(values.get("address") or "") <= _LIMIT_ADDRESS
        and len(values.get("legal_representative") or "") <= _LIMIT_PERSON
        and len(values.get("town") or "") <= _LIMIT_TOWN
        and values.get("complaint_count", 0) <= services.MAX_COUNT
        and (_plainly_valid_uscc(uscc) if uscc else not subject_type.has_uscc)
        and values.get("credit_risk_class", "") in services._RISK_VALUES
        and values.get("operating_status", OperatingStatus.ACTIVE) in services._STATUS_VALUES
    ):
        return {}
    return services.check_rules(values, subject_type)


def _fingerprint(values: Mapping[str, Any], key: bytes) -> bytes:
    """A keyed 128-bit digest of a subject's canonical values (equal values, equal digests)."""
    payload = "\x1f".join(
        "\x1e".join(value) if isinstance(value, list) else str(value)
        for value in (values.get(key, "") for key in services.SUBJECT_FIELDS)
    )
    return hashlib.blake2b(payload.encode(), digest_size=16, key=key).digest()


def make_spec(department: Department | None, actor: User | None) -> SubjectImport:
    return SubjectImport(department, actor)


def export_headers() -> list[str]:
    return [c.header for c in SubjectImport.columns]


def export_row(subject: Subject) -> list[Any]:
    """One exported row in the import's column order, so an export can be imported again."""
    v = services.subject_values(subject)
    return [
        v["code"],
        subject.subject_type.name,
        v["name"],
        v["uscc"],
        v["legal_representative"],
        v["address"],
        v["region"],
        v["town"],
        v["industry"],
        "、".join(lt.name for lt in subject.licence_types.all()),
        _STATUS_LABELS[v["operating_status"]],
        v["credit_risk_class"],
        "是" if v["abnormal_list"] else "否",
        "是" if v["serious_violation_list"] else "否",
        v["complaint_count"],
        "、".join(v["applicable_items"]),
        "、".join(v["tags"]),
        subject.department.name,
    ]

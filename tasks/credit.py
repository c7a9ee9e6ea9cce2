"""Credit linkage (E5): effective inspection results feed the subject's credit record and the
weight of future draws.

The rule (docs/lifecycle.md): a candidate's weight is

    1 + complaints + CREDIT_ADVERSE_WEIGHT × (adverse results + adverse results followed by 立案)

counting the effective (approved) inspection records of the last CREDIT_LOOKBACK_YEARS years whose
result is adverse (发现问题) or a refusal (拒绝检查、弄虚作假), for the same firm (same 统一社会信用代码)
in any department's registry. List flags (经营异常名录、严重违法失信名单) put the subject into its own
stratum. The weight is drawn on when the draw is weighted (systematic πps).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

if TYPE_CHECKING:
    from subjects.models import Subject


@dataclass(frozen=True)
class CreditRule:
    lookback_years: int
    adverse_weight: int

    @classmethod
    def current(cls) -> CreditRule:
        return cls(int(settings.CREDIT_LOOKBACK_YEARS), int(settings.CREDIT_ADVERSE_WEIGHT))

    def weight(self, complaints: int, adverse: int, cases: int) -> int:
        return 1 + complaints + self.adverse_weight * (adverse + cases)

    def window_start(self, as_of: dt.datetime) -> dt.datetime:
        """Local midnight of the same calendar day `lookback_years` earlier (29 Feb → 28 Feb)."""
        day = timezone.localdate(as_of)
        try:
            start = day.replace(year=day.year - self.lookback_years)
        except ValueError:
            start = day.replace(year=day.year - self.lookback_years, day=28)
        return timezone.make_aware(dt.datetime.combine(start, dt.time.min))

    def describe(self) -> str:
        return (
            f"权重 = 1 + 投诉举报次数 + {self.adverse_weight} × 近 {self.lookback_years} 年"
            f"已审核生效的不良检查结果数（发现问题、拒绝检查或弄虚作假；其后立案查处的再计 1 次）"
        )

    def as_json(self, as_of: dt.datetime) -> dict[str, Any]:
        return {
            "lookback_years": self.lookback_years,
            "adverse_weight": self.adverse_weight,
            "as_of": as_of.isoformat(),
            "window_start": self.window_start(as_of).isoformat(),
        }


def firm_key(uscc: str, subject_id: int) -> str:
    """One firm across departments' registries: its USCC, else the registry row."""
    return uscc or f"#{subject_id}"


def effective_adverse(rule: CreditRule, as_of: dt.datetime) -> QuerySet[Any]:
    from inspections.choices import FollowUpKind, RecordStatus
    from inspections.models import FollowUp, InspectionRecord

    cases = FollowUp.objects.filter(record=OuterRef("pk"), kind=FollowUpKind.CASE)
    return (
        InspectionRecord.objects.filter(
            status=RecordStatus.APPROVED,
            effective_at__gte=rule.window_start(as_of),
            effective_at__lte=as_of,
        )
        .filter(Q(result__adverse=True) | Q(result__refusal=True))
        .annotate(case_filed=Exists(cases))
    )


def adverse_counts(
    candidates: QuerySet[Subject], rule: CreditRule, as_of: dt.datetime
) -> dict[str, tuple[int, int]]:
    """Firm key → (adverse results, of which followed by 立案) — one query for the whole pool."""
    usccs = candidates.exclude(uscc="").values("uscc")
    rows = (
        effective_adverse(rule, as_of)
        .filter(Q(subject__in=candidates.values("pk")) | Q(subject__uscc__in=usccs))
        .values_list("subject_id", "subject__uscc", "case_filed")
    )
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for subject_id, uscc, case_filed in rows:
        entry = counts[firm_key(uscc, subject_id)]
        entry[0] += 1
        entry[1] += int(bool(case_filed))
    return {k: (v[0], v[1]) for k, v in counts.items()}


@dataclass(frozen=True)
class CreditSummary:
    """What the draw preview shows about the rule and its effect on this pool."""

    rule: str
    lookback_years: int
    adverse_weight: int
    window_start: str
    applied: bool
    raised_by_results: int
    raised_by_complaints: int
    flagged: int


@dataclass(frozen=True)
class CreditEntry:
    record: Any  # inspections.InspectionRecord with task, result, department, follow_ups
    counts: bool  # within the window and adverse: it raises the weight now


@dataclass(frozen=True)
class CreditRecord:
    """信用记录 of one subject for its detail page."""

    entries: list[CreditEntry]
    complaints: int
    abnormal_list: bool
    serious_violation_list: bool
    adverse: int
    cases: int
    weight: int
    rule: str


def credit_record(subject: Subject, as_of: dt.datetime | None = None) -> CreditRecord:
    """The subject's effective inspection results (the same firm in every registry), its
    complaints and list flags, and the draw weight they give today."""
    from inspections.choices import RecordStatus
    from inspections.models import InspectionRecord

    as_of = as_of or timezone.now()
    rule = CreditRule.current()
    same_firm = Q(subject=subject) | (Q(subject__uscc=subject.uscc) if subject.uscc else Q())
    records = list(
        InspectionRecord.objects.filter(same_firm, status=RecordStatus.APPROVED)
        .select_related("task", "result", "department")
        .prefetch_related("follow_ups")
        .order_by("-effective_at", "-pk")
    )
    counted = set(
        effective_adverse(rule, as_of)
        .filter(pk__in=[r.pk for r in records])
        .values_list("pk", flat=True)
    )
    entries = [CreditEntry(r, r.pk in counted) for r in records]
    adverse = sum(1 for e in entries if e.counts)
    cases = sum(
        1 for e in entries if e.counts and any(f.kind == "case" for f in e.record.follow_ups.all())
    )
    return CreditRecord(
        entries,
        subject.complaint_count,
        subject.abnormal_list,
        subject.serious_violation_list,
        adverse,
        cases,
        rule.weight(subject.complaint_count, adverse, cases),
        rule.describe(),
    )

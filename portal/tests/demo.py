"""Publishing the demo county's results for the portal tests: two different users (submit and
approve), one published correction and one decided objection."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import User
from publication import services
from publication.choices import PublicationState
from publication.models import ResultPublication

CORRECTED_RESULT = "发现问题，已责令限期改正（经复核更正）"
DECISION_TEXT = "经复核，检查程序合法、结论属实，维持原检查结果。"


@dataclass(frozen=True)
class Published:
    corrected: ResultPublication
    objected: ResultPublication
    without_code: ResultPublication | None


def publish_demo() -> Published:
    staff = User.objects.get(username="staff")
    head = User.objects.get(username="unithead")
    for pub in ResultPublication.objects.filter(state=PublicationState.PENDING).order_by("pk"):
        pub = services.submit(staff, pub)
        services.approve(head, pub)
    public = ResultPublication.objects.public().order_by("pk")
    with_code = list(public.exclude(subject_code=""))
    corrected, objected = with_code[0], with_code[1]
    correction = services.start_correction(
        staff, corrected, "检查结果录入有误", {"result": CORRECTED_RESULT}
    )
    services.submit_correction(staff, correction)
    services.approve_correction(head, correction)
    objection = services.receive_objection(
        objected, "王明", "13912345678", "我单位对本次检查结果有异议，请予复核。"
    )
    services.start_objection_review(staff, objection)
    services.decide_objection(staff, objection, "maintained", DECISION_TEXT)
    return Published(
        ResultPublication.objects.get(pk=corrected.pk),
        objected,
        public.filter(subject_code="").first(),
    )

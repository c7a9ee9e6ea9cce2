"""Demo publication: the finished task's results go public through the second-person review;
one is corrected, one draws an objection from the public that is maintained on review, and the
last stays pending so the due list has something in it. Same services as the pages."""

from __future__ import annotations

from collections import Counter

from accounts.models import User
from publication import services
from publication.choices import ObjectionDecision
from publication.models import ResultPublication
from tasks.models import Task

REVIEW_NOTE = "已审查，不涉及国家秘密、商业秘密和个人隐私"


def publish_results(users: dict[str, User], task: Task, created: Counter[str]) -> None:
    staff, head = users["staff"], users["unithead"]
    pending = list(ResultPublication.objects.filter(task=task).order_by("pk"))
    if len(pending) < 2:
        return
    *to_publish, _left_pending = pending
    for publication in to_publish:
        services.submit(staff, publication)
        services.approve(head, publication, REVIEW_NOTE)
        created["publication"] += 1
    corrected = next(
        (p for p in to_publish if p.record.follow_up_action not in ("", "none")), to_publish[-1]
    )
    corrected.refresh_from_db()
    correction = services.start_correction(
        staff,
        corrected,
        "公示的检查结论未写明整改期限，经核实予以补充",
        {"conclusion": f"{corrected.content['conclusion']}已责令限期整改，整改期限 15 个工作日。"},
    )
    services.submit_correction(staff, correction)
    services.approve_correction(head, correction, REVIEW_NOTE)
    first = to_publish[0]
    objection = services.receive_objection(
        first,
        "陈经理",
        "13700001234",
        "我公司对检查结论无异议，但公示的检查日期与实际检查日期不一致，请求核实。",
    )
    services.start_objection_review(staff, objection)
    services.decide_objection(
        staff,
        objection,
        ObjectionDecision.MAINTAINED,
        "经复核，公示的检查日期与检查记录表一致，维持原检查结果。",
        feedback_method="电话",
    )

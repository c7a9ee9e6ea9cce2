"""Printable documents (D8): the 随机抽查通知书 sent to a drawn subject and the 检查记录表, as
Word files. Both carry a QR code with the task's stable public address, so the subject can check
that it was really drawn (亮码检查)."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.urls import reverse
from docx import Document
from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from items.choices import InspectionMethod
from subjects.models import Subject
from tasks.models import DrawnSubject, Task, TeamMember

FONT = "宋体"


def public_task_url(task: Task) -> str:
    """The task's public page; stable because the task code never changes."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("public-task", args=[task.code])


def _document(title: str) -> DocumentType:
    document = Document()
    style = document.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(18)
    return document


def _qr(document: DocumentType, task: Task) -> None:
    buffer = io.BytesIO()
    segno.make(public_task_url(task), error="m").save(buffer, kind="png", scale=4, border=2)
    buffer.seek(0)
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    paragraph.add_run().add_picture(buffer, width=Cm(3))
    note = document.add_paragraph(f"扫码核验：{public_task_url(task)}")
    note.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    note.runs[0].font.size = Pt(9)


def _methods(task: Task) -> str:
    labels = dict(InspectionMethod.choices)
    return "、".join(str(labels.get(m, m)) for m in task.methods.split(",") if m) or "现场检查"


def _save(document: DocumentType) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def notice(task: Task, pick: DrawnSubject) -> bytes:
    """随机抽查通知书."""
    subject: Subject = pick.subject
    document = _document("随机抽查通知书")
    document.add_paragraph(f"编号：{task.code}-{pick.rank:03d}")
    document.add_paragraph(f"{subject.name}：")
    items = "；".join(i.name for i in task.items.all())
    document.add_paragraph(
        f"根据“双随机、一公开”监管工作安排，你单位经随机抽取被列为{task.name}的检查对象"
        f"（抽取于 {pick.draw.drawn_at:%Y年%m月%d日}，抽取记录公开可查）。"
        f"{task.department.name}将于 {task.window_start:%Y年%m月%d日} 至 "
        f"{task.window_end:%Y年%m月%d日} 期间，对你单位以下事项进行检查：{items}。"
    )
    document.add_paragraph(f"检查方式：{_methods(task)}。")
    document.add_paragraph(
        "请你单位做好准备：营业执照（或登记证书）、相关许可证件、与抽查事项有关的台账、合同、"
        "票据及其他材料，并安排熟悉情况的人员配合检查。执法检查人员将出示执法证件。"
    )
    document.add_paragraph(
        "请依法配合检查。拒绝、阻碍检查或者提供虚假材料的，将依法处理，并作为检查结果向社会公示。"
        "如对本次抽查有疑问，可扫描下方二维码核验任务及抽取记录，或向检查机关咨询。"
    )
    signature = document.add_paragraph(f"{task.department.name}\n（盖章）\n____年__月__日")
    signature.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _qr(document, task)
    return _save(document)


def record_form(task: Task, pick: DrawnSubject) -> bytes:
    """检查记录表: the items' checklist points, the team, and space for the on-site notes."""
    subject: Subject = pick.subject
    document = _document("检查记录表")
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    members = TeamMember.objects.filter(
        team_draw__subject_draw=pick.draw, subject=subject, active=True
    ).select_related("inspector", "expert")
    team = "；".join(
        f"{m.inspector.name}（执法证号 {m.inspector.certificate_no}）"
        if m.inspector
        else f"{m.expert}（专家）"
        for m in members
    )
    for label, value in (
        ("任务编号", task.code),
        ("任务名称", task.name),
        ("检查对象", subject.name),
        ("统一社会信用代码", subject.uscc or "—"),
        ("住所（经营场所）", subject.address or "—"),
        ("检查机关", task.department.name),
        ("检查人员", team or "（抽取检查人员后生成）"),
        ("检查方式", _methods(task)),
        ("检查日期", "____年__月__日"),
    ):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    document.add_paragraph()
    points = document.add_table(rows=1, cols=4)
    points.style = "Table Grid"
    for cell, text in zip(
        points.rows[0].cells, ("抽查事项", "检查内容", "检查情况", "备注"), strict=True
    ):
        cell.text = text
    for item in task.items.prefetch_related("points").all():
        for point in item.points.all() or [None]:
            cells = points.add_row().cells
            cells[0].text = item.name
            cells[1].text = point.text if point is not None else "（本事项未列检查要点）"
            cells[2].text = "□符合  □不符合  □不适用"
    document.add_paragraph("\n现场检查笔录：\n\n\n\n")
    document.add_paragraph(
        "检查结果：□未发现问题  □发现问题待后续处理  □通过登记的住所（经营场所）无法联系  □其他：________"
    )
    document.add_paragraph("被检查对象意见及签字：                    检查人员签字：")
    document.add_paragraph("（被检查对象拒绝签字的，由检查人员注明情况）")
    _qr(document, task)
    return _save(document)

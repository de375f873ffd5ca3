"""The issued documents as files, generated on request from their stored rows (so the same
rows always give the same text: nothing is read from the live nominations or the clock).

- DOCX in the Vietnamese administrative layout (Decree 30/2020/NĐ-CP, Appendix I): the
  issuing body and the national name and motto side by side, the number and symbol and the
  place and date under them, the kind of document and its subject, the "Căn cứ ..." bases,
  the articles (a decision) or the body, the signature block and "Nơi nhận". The year's
  compilation (approvals.compilation) is printed with the same letterhead and signature.
- XLSX appendix: the awardees (names, unit, award, and for a decision the multiple, the base
  salary, the amount and the total).
"""

import datetime
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Font

from .bonus import vnd
from .models import Decision, IssuedDocument, ReportBatch, Unit, UpwardProposal

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def place_and_date(place: str, day: datetime.date) -> str:
    """"Hà Nội, ngày 05 tháng 01 năm 2026": days below 10 and months 1 and 2 take a leading
    zero (Decree 30/2020, Appendix I); with no place known, the date alone ("Ngày 05 ...")."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    date = f"ngày {day.day:02d} tháng {month} năm {day.year}"
    return f"{place}, {date}" if place else date.capitalize()


def symbol_line(number: str) -> str:
    return f"Số: {number}"


def bases(legal_basis: str) -> list[str]:
    """"Căn cứ ..." of the law and the decree of the rule set in force (its stored text)."""
    parts = [p.strip().rstrip(".") for p in legal_basis.split(";")]
    return [f"Căn cứ {p};" for p in parts if p.startswith(("Luật", "Nghị định"))]


# --- DOCX -------------------------------------------------------------------


@dataclass(frozen=True)
class Letterhead:
    """What the layout prints of a document's issue: the issuing body, its number and symbol
    (none for a document without one, the year's compilation), the place and date, and the
    signer's name and title."""

    body: Unit
    place: str
    date: datetime.date
    signer_name: str
    signer_title: str
    number: str = ""


def letterhead(issued: IssuedDocument) -> Letterhead:
    """An issued document's letterhead, as stored on issue."""
    return Letterhead(body=issued.issuing_body, place=issued.place, date=issued.date,
                      signer_name=issued.signer_name, signer_title=issued.signer_title,
                      number=issued.number)


def para(doc: Any, text: str = "", *, bold: bool = False, italic: bool = False,
         center: bool = False, size: int = 14, cell: Any = None) -> Any:
    target = cell if cell is not None else doc
    # A new cell holds one empty paragraph: the first text goes there.
    first: Any = cell.paragraphs[0] if cell is not None and len(cell.paragraphs) == 1 else None
    fresh = first is not None and not first.runs and not first.text
    paragraph: Any = first if fresh else target.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(text)
    run.bold, run.italic, run.font.size = bold, italic, Pt(size)
    return paragraph


def new_document(head: Letterhead, *, title: str) -> Any:
    doc = Document()
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "Times New Roman", Pt(14)
    # Fixed properties: the same rows give the same file's text and metadata.
    moment = datetime.datetime.combine(head.date, datetime.time())
    props = doc.core_properties
    props.author = props.last_modified_by = head.signer_name
    props.created = props.modified = props.last_printed = moment
    props.title = title
    return doc


def header(doc: Any, head: Letterhead) -> None:
    """The issuing body and the national name and motto, the number and the place and date."""
    table = doc.add_table(rows=2, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    body = head.body
    left, right = table.cell(0, 0), table.cell(0, 1)
    if body.parent is not None:
        para(doc, body.parent.name.upper(), center=True, size=13, cell=left)
    para(doc, body.name.upper(), bold=True, center=True, size=13, cell=left)
    para(doc, NATIONAL_NAME, bold=True, center=True, size=13, cell=right)
    para(doc, MOTTO, bold=True, center=True, size=14, cell=right)
    if head.number:
        para(doc, symbol_line(head.number), center=True, size=13, cell=table.cell(1, 0))
    para(doc, place_and_date(head.place, head.date), italic=True, center=True,
        cell=table.cell(1, 1))


def signature(doc: Any, head: Letterhead, recipients: Sequence[str]) -> None:
    """"Nơi nhận" on the left, the signer's title and name on the right."""
    table = doc.add_table(rows=1, cols=2)
    left, right = table.cell(0, 0), table.cell(0, 1)
    para(doc, "Nơi nhận:", bold=True, italic=True, size=12, cell=left)
    for recipient in recipients:
        para(doc, f"- {recipient};", size=11, cell=left)
    para(doc, "- Lưu: VT.", size=11, cell=left)
    para(doc, head.signer_title.upper(), bold=True, center=True, cell=right)
    for _blank in range(3):  # room for the signature and the seal
        para(doc, "", cell=right)
    para(doc, head.signer_name, bold=True, center=True, cell=right)


def saved(doc: Any) -> bytes:
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _issued_document(issued: IssuedDocument) -> tuple[Any, Letterhead]:
    """A new file with the document's letterhead printed: its header in place."""
    head = letterhead(issued)
    doc = new_document(head, title=issued.number)
    header(doc, head)
    return doc, head


def decision_docx(decision: Decision) -> bytes:
    """Quyết định khen thưởng, with its articles: Điều 1 the awardees with each award and
    bonus, Điều 2 the money, Điều 3 who carries it out."""
    doc, head = _issued_document(decision)
    lines = list(decision.lines.all())
    total = sum(line.amount for line in lines)
    para(doc, "QUYẾT ĐỊNH", bold=True, center=True)
    para(doc, f"Về việc {decision.subject}", bold=True, center=True)
    # The authority that issues it (thẩm quyền ban hành).
    para(doc, f"THỦ TRƯỞNG {decision.issuing_body.name.upper()}", bold=True, center=True)
    for basis in bases(decision.legal_basis):
        para(doc, basis, italic=True)
    para(doc, "Xét đề nghị của Hội đồng Thi đua - Khen thưởng,", italic=True)
    para(doc, "QUYẾT ĐỊNH:", bold=True, center=True)
    para(doc, f"Điều 1. Khen thưởng {len(lines)} cá nhân, tập thể có thành tích xuất sắc "
              "(danh sách kèm theo), gồm:")
    for line in lines:
        para(doc, f"{line.position}. {line.nominee_name} ({line.unit_name}): "
                  f"{line.award_name}; tiền thưởng {vnd(line.amount)} đồng.")
    para(doc, f"Điều 2. Tiền thưởng kèm theo, tổng cộng {vnd(total)} đồng (mức lương cơ "
              f"sở {vnd(decision.base_salary)} đồng), được chi từ Quỹ thi đua, khen thưởng "
              f"của {decision.issuing_body.name} theo quy định.")
    para(doc, "Điều 3. Quyết định này có hiệu lực kể từ ngày ký. Chánh Văn phòng, Thủ "
              "trưởng các đơn vị có liên quan và các cá nhân, tập thể có tên tại Điều 1 chịu "
              "trách nhiệm thi hành Quyết định này.")
    signature(doc, head, ["Như Điều 3", "Ban Thi đua - Khen thưởng tỉnh"])
    return saved(doc)


def list_table(doc: Any, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text


def _date(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def report_docx(batch: ReportBatch) -> bytes:
    """Báo cáo kết quả khen thưởng to the provincial board."""
    doc, head = _issued_document(batch)
    para(doc, "BÁO CÁO", bold=True, center=True)
    para(doc, f"Kết quả khen thưởng {batch.campaign.name} năm {batch.campaign.year}",
         bold=True, center=True)
    para(doc, f"Kính gửi: {batch.recipient}", center=True)
    lines = list(batch.lines.all())
    para(doc, f"{batch.issuing_body.name} báo cáo kết quả khen thưởng của {len(lines)} cá "
              "nhân, tập thể như sau:")
    list_table(doc, ["STT", "Họ và tên / Tập thể", "Đơn vị", "Danh hiệu / hình thức",
                     "Số quyết định", "Ngày quyết định"],
               [[str(x.position), x.nominee_name, x.unit_name, x.award_name,
                 x.decision_number, _date(x.decision_date)] for x in lines])
    signature(doc, head, [batch.recipient])
    return saved(doc)


def upward_docx(proposal: UpwardProposal) -> bytes:
    """Tờ trình đề nghị cấp trên khen thưởng."""
    doc, head = _issued_document(proposal)
    lines = list(proposal.lines.all())
    para(doc, "TỜ TRÌNH", bold=True, center=True)
    para(doc, "Về việc đề nghị khen thưởng", bold=True, center=True)
    para(doc, f"Kính gửi: {proposal.authority}", center=True)
    para(doc, f"{proposal.issuing_body.name} kính trình {proposal.authority} xem xét, khen "
              f"thưởng {len(lines)} cá nhân, tập thể có thành tích xuất sắc:")
    list_table(doc, ["STT", "Họ và tên / Tập thể", "Đơn vị", "Đề nghị khen thưởng"],
               [[str(x.position), x.nominee_name, x.unit_name, x.award_name] for x in lines])
    signature(doc, head, [proposal.authority])
    return saved(doc)


# --- XLSX -------------------------------------------------------------------


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula stays text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _workbook(issued: IssuedDocument, title: str, headers: Sequence[str],
              rows: Sequence[Sequence[Any]], total: Sequence[Any] = ()) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Danh sách")[:31]
    moment = datetime.datetime.combine(issued.date, datetime.time())
    workbook.properties.created = workbook.properties.modified = moment
    workbook.properties.creator = issued.signer_name
    sheet.append([_cell(title)])
    sheet.append([_cell(f"{issued.issuing_body.name} – {symbol_line(issued.number)} – "
                        f"{place_and_date(issued.place, issued.date)}")])
    sheet.append([_cell(h) for h in headers])
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    sheet["A1"].font = Font(bold=True)
    for row in rows:
        sheet.append([_cell(v) for v in row])
    if total:
        sheet.append([_cell(v) for v in total])
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def decision_xlsx(decision: Decision) -> bytes:
    """The decision's appendix: each awardee with the amount, and the total."""
    lines = list(decision.lines.all())
    return _workbook(
        decision, f"Danh sách kèm theo Quyết định số {decision.number}",
        ["STT", "Họ và tên / Tập thể", "Đơn vị", "Danh hiệu / hình thức", "Hệ số",
         "Mức lương cơ sở (đồng)", "Tiền thưởng (đồng)"],
        [[x.position, x.nominee_name, x.unit_name, x.award_name, float(x.multiple),
          decision.base_salary, x.amount] for x in lines],
        total=["", "Tổng cộng", "", "", "", "", sum(x.amount for x in lines)],
    )


def report_xlsx(batch: ReportBatch) -> bytes:
    return _workbook(
        batch, f"Báo cáo số {batch.number} gửi {batch.recipient}",
        ["STT", "Họ và tên / Tập thể", "Đơn vị", "Danh hiệu / hình thức", "Số quyết định",
         "Ngày quyết định"],
        [[x.position, x.nominee_name, x.unit_name, x.award_name, x.decision_number,
          _date(x.decision_date)] for x in batch.lines.all()],
    )


def upward_xlsx(proposal: UpwardProposal) -> bytes:
    return _workbook(
        proposal, f"Tờ trình số {proposal.number} gửi {proposal.authority}",
        ["STT", "Họ và tên / Tập thể", "Đơn vị", "Đề nghị khen thưởng", "Kết quả",
         "Số quyết định của cấp trên", "Ngày quyết định của cấp trên"],
        [[x.position, x.nominee_name, x.unit_name, x.award_name, str(x.get_outcome_display()),
          x.outcome_number, _date(x.outcome_date)] for x in proposal.lines.all()],
    )


# kind -> (model, docx, xlsx, file name stem)
KINDS: dict[str, tuple[type[IssuedDocument], Any, Any, str]] = {
    "decision": (Decision, decision_docx, decision_xlsx, "quyet-dinh"),
    "report": (ReportBatch, report_docx, report_xlsx, "bao-cao"),
    "upward": (UpwardProposal, upward_docx, upward_xlsx, "to-trinh"),
}


def file_name(kind: str, issued: IssuedDocument, ext: str) -> str:
    safe = "".join(c if c.isascii() and c.isalnum() else "-" for c in issued.number)
    return f"{KINDS[kind][3]}-{safe.strip('-') or issued.pk}.{ext}"

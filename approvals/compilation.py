"""The year's compilation of outstanding results and exemplars (tổng hợp thành tích xuất sắc
và điển hình tiên tiến) as a DOCX file in the administrative layout of the issued documents
(Decree 30/2020/NĐ-CP, approvals.decision_documents): the issuing body and the national name
and motto, the place and date (no number), the title and year, per unit the published
exemplars with their stories, how many of each award were conferred that year (revoked ones
not counted), the signature block and "Nơi nhận". The data come from
approvals.exemplar_selectors.year_compilation."""

from typing import Any

from .decision_documents import (
    DOCX_TYPE,
    Letterhead,
    header,
    list_table,
    new_document,
    para,
    saved,
    signature,
)
from .exemplar_selectors import Compilation

TITLE = "TỔNG HỢP THÀNH TÍCH XUẤT SẮC VÀ ĐIỂN HÌNH TIÊN TIẾN NĂM {year}"
MIME = DOCX_TYPE
RECIPIENTS = ("Hội đồng Thi đua - Khen thưởng", "Các đơn vị trực thuộc")


def _exemplars(doc: Any, data: Compilation) -> None:
    para(doc, "I. ĐIỂN HÌNH TIÊN TIẾN", bold=True)
    if not data.exemplars:
        para(doc, f"Năm {data.year} chưa có điển hình tiên tiến được công bố.")
    for number, (unit, rows) in enumerate(data.exemplars.items(), start=1):
        para(doc, f"{number}. {unit}", bold=True)
        for row in rows:
            para(doc, f"- {row['name']} — {row['award']} năm {row['year']}", bold=True)
            para(doc, row["story"])


def _counts(doc: Any, data: Compilation) -> None:
    para(doc, f"II. KẾT QUẢ KHEN THƯỞNG NĂM {data.year}", bold=True)
    rows = [[str(number), award, str(count)]
            for number, (award, count) in enumerate(data.counts, start=1)]
    total = ["", "Tổng cộng", str(sum(n for _, n in data.counts))]
    list_table(doc, ["STT", "Danh hiệu / hình thức", "Số lượng"], [*rows, total])


def compilation_docx(data: Compilation) -> bytes:
    """The compilation as the bytes of a DOCX file (Vietnamese, whatever the page language:
    it is a document of the body)."""
    head = Letterhead(body=data.body, place=data.place, date=data.made_on,
                      signer_name=data.signer_name, signer_title=data.signer_title)
    title = TITLE.format(year=data.year)
    doc = new_document(head, title=title)
    header(doc, head)
    para(doc, title, bold=True, center=True)
    _exemplars(doc, data)
    _counts(doc, data)
    signature(doc, head, RECIPIENTS)
    return saved(doc)

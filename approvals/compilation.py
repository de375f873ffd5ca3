"""The year's compilation of outstanding results and exemplars (tổng hợp thành tích xuất sắc
và điển hình tiên tiến) as a DOCX file: its title and year, per unit the published exemplars
with their stories, and how many of each award were conferred that year (revoked ones not
counted). The data come from approvals.exemplar_selectors.year_compilation."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from .exemplar_selectors import Compilation

TITLE = "TỔNG HỢP THÀNH TÍCH XUẤT SẮC VÀ ĐIỂN HÌNH TIÊN TIẾN NĂM {year}"
MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def compilation_docx(data: Compilation) -> bytes:
    """The compilation as the bytes of a DOCX file (Vietnamese, whatever the page language:
    it is a document of the body)."""
    doc = Document()
    title = doc.add_heading(TITLE.format(year=data.year), level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    made = doc.add_paragraph(f"Lập ngày {data.made_on.strftime('%d/%m/%Y')}")
    made.alignment = WD_ALIGN_PARAGRAPH.CENTER

    doc.add_heading("I. Điển hình tiên tiến", level=1)
    if not data.exemplars:
        doc.add_paragraph(f"Năm {data.year} chưa có điển hình tiên tiến được công bố.")
    for number, (unit, rows) in enumerate(data.exemplars.items(), start=1):
        doc.add_heading(f"{number}. {unit}", level=2)
        for row in rows:
            doc.add_paragraph(f"{row['name']} — {row['award']} năm {row['year']}",
                              style="List Bullet")
            doc.add_paragraph(row["story"])

    doc.add_heading(f"II. Kết quả khen thưởng năm {data.year}", level=1)
    table = doc.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("STT", "Danh hiệu / hình thức", "Số lượng"),
                          strict=True):
        cell.text = text
    for number, (award, count) in enumerate(data.counts, start=1):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = str(number), award, str(count)
    total = table.add_row().cells
    total[1].text, total[2].text = "Tổng cộng", str(sum(n for _, n in data.counts))

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()

"""The blank files a register keeper fills in for an import (approvals.imports), one per kind of
rows: their header is the kind's column labels, so a filled-in template imports as it is.

The XLSX has the data sheet (choice columns offer their values in a drop-down) and a guide
sheet naming each column: required or not, what it holds
and an example. The CSV is the header alone, in UTF-8 with a byte-order mark so that Excel
reads its accents."""

import io
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .record_kinds import AWARD, CHOICE, DATE, DECIMAL, INT, KINDS, PERSON, UNIT, Column, Kind

DATA_ROWS = 5000  # as many as an import takes (approvals.imports.MAX_ROWS)
LISTS = "DanhMuc"  # the hidden sheet of the choice columns' values


def _what(column: Column) -> tuple[str, str]:
    """What the column holds, and an example, in Vietnamese."""
    if column.datatype == CHOICE:
        assert column.choices is not None
        labels = [str(label) for _value, label in column.choices.choices]
        return _("Một trong: %(values)s") % {"values": "; ".join(labels)}, labels[0]
    if column.datatype == DATE:
        return _("Ngày, dạng dd/mm/yyyy"), "15/01/2025"
    if column.datatype == INT:
        return _("Năm, từ %(low)s đến %(high)s") % {
            "low": column.min_value, "high": column.max_value}, "2025"
    if column.datatype == DECIMAL:
        return _("Số tháng, từ 0 đến 12 (ví dụ 11,5)"), "12"
    if column.datatype == PERSON:
        return _("Mã cá nhân trong danh sách (cột “Mã” của tệp cá nhân)"), "125"
    if column.datatype == UNIT:
        return _("Mã đơn vị (ví dụ “phong-thads-khu-vuc-1”)"), "phong-thads-khu-vuc-1"
    if column.datatype == AWARD:
        return _("Mã danh hiệu (ví dụ “lao-dong-tien-tien”)"), "lao-dong-tien-tien"
    return _("Văn bản, tối đa %(n)d ký tự") % {"n": column.max_length}, ""


def _header(kind: Kind) -> list[str]:
    return [str(c.label) for c in kind.columns]


def template_xlsx(code: str) -> bytes:
    """The kind's blank workbook; KeyError for an unknown kind."""
    kind = KINDS[code]
    book = Workbook()
    sheet: Any = book.active
    sheet.title = _("Dữ liệu")[:31]
    sheet.append(_header(kind))
    sheet.freeze_panes = "A2"
    lists = book.create_sheet(LISTS)
    lists.sheet_state = "hidden"
    for index, column in enumerate(kind.columns, start=1):
        letter = get_column_letter(index)
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[letter].width = max(14, len(str(column.label)) + 4)
        cells = f"{letter}2:{letter}{DATA_ROWS + 1}"
        if column.datatype == CHOICE:
            # The values on a hidden sheet: a label may hold a comma, which a list typed
            # into the rule would split.
            assert column.choices is not None
            labels = [str(label) for _v, label in column.choices.choices]
            for row, label in enumerate(labels, start=1):
                lists.cell(row=row, column=index, value=label)
            check = DataValidation(
                type="list", formula1=f"{LISTS}!${letter}$1:${letter}${len(labels)}",
                allow_blank=not column.required, showErrorMessage=True,
            )
            check.error = _("Chọn một giá trị trong danh sách.")
            check.errorTitle = str(column.label)
            sheet.add_data_validation(check)
            check.add(cells)
    guide = book.create_sheet(_("Hướng dẫn")[:31])
    guide.append([_("Cột"), _("Bắt buộc"), _("Nội dung"), _("Ví dụ")])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for column in kind.columns:
        what, example = _what(column)
        guide.append([str(column.label), _("Có") if column.required else _("Không"), what,
                      example])
    guide.append([])
    guide.append([_("Thêm cột “Mã” ở đầu để cập nhật bản ghi đã có; để trống thì thêm mới.")])
    guide.append([_("Tệp có bất kỳ dòng lỗi nào thì không dòng nào được nhập.")])
    for letter, width in zip("ABCD", (28, 10, 70, 26), strict=True):
        guide.column_dimensions[letter].width = width
    book.properties.title = str(kind.label)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_csv(code: str) -> bytes:
    """The kind's header row as CSV (UTF-8 with BOM); KeyError for an unknown kind."""
    header = ",".join(f'"{label}"' if "," in label else label for label in _header(KINDS[code]))
    return ("\ufeff" + header + "\r\n").encode("utf-8")

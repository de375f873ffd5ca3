"""Every dashboard figure as a sheet of one XLSX workbook."""

from typing import IO, Any

from openpyxl import Workbook

from .dashboard import Figure, Scope


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula stays text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_dashboard(scope: Scope, figures: list[Figure], target: IO[bytes]) -> None:
    workbook = Workbook(write_only=True)
    for figure in figures:
        sheet = workbook.create_sheet(figure.key[:31])
        sheet.append([_cell(figure.title)])
        sheet.append([_cell(f"{scope.campaign.name}"
                            + (f" – {scope.unit.name}" if scope.unit else ""))])
        sheet.append([_cell(c) for c in figure.columns])
        for row in figure.rows:
            sheet.append([_cell(c) for c in row])
        if figure.note:
            sheet.append([_cell(figure.note)])
    workbook.save(target)

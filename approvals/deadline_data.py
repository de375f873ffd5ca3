"""The deadline rules the product starts with, loaded once as data (administrators edit
them afterwards in the admin): the time limits of commendation-rules.md, "Time limits
(working days)", and the government's days off and swapped working days since 2025.
"""

import datetime
import uuid

D = datetime.date

# code, working days (None: the campaign's submission deadline), near due at, basis
TIME_LIMITS = [
    ("draft", None, 3, "Hạn nộp hồ sơ của đợt thi đua"),
    ("appraisal", 20, 3, "Thẩm định hồ sơ đầy đủ: 20 ngày làm việc"),
    ("incomplete", 5, 1, "Hồ sơ chưa đầy đủ được trả lại đơn vị trong 5 ngày làm việc"),
    # Not set by the legal texts: sensible defaults for the body to change.
    ("returned", 10, 3, "Mặc định: đơn vị bổ sung hồ sơ trong 10 ngày làm việc"),
    ("council", 10, 3, "Mặc định: Hội đồng Thi đua - Khen thưởng họp, bỏ phiếu"),
    ("director", 10, 3, "Mặc định: Thủ trưởng cơ quan quyết định"),
    ("report", 10, 3, "Sao gửi quyết định trong 10 ngày làm việc"),
]

_TET_2026 = [D(2026, 2, 14) + datetime.timedelta(days=i) for i in range(9)]

# day, kind, note: what the `holidays` package lacks before its 2025 data, or may change.
CALENDAR_DAYS = [
    (D(2025, 4, 26), "working", "Làm bù cho ngày nghỉ thứ Sáu 02/05/2025"),
    (D(2025, 5, 2), "off", "Nghỉ bù, làm bù thứ Bảy 26/04/2025"),
    *[(day, "off", "Nghỉ Tết Nguyên đán Bính Ngọ (14/02 – 22/02/2026)") for day in _TET_2026],
    (D(2026, 4, 27), "off", "Nghỉ bù Giỗ Tổ Hùng Vương (26/04/2026 là Chủ nhật)"),
    (D(2026, 8, 22), "working", "Làm bù cho ngày nghỉ thứ Hai 31/08/2026"),
    (D(2026, 8, 31), "off", "Nghỉ bù, làm bù thứ Bảy 22/08/2026"),
]


def load_deadline_data(time_limit_model, calendar_day_model, version_model) -> None:
    """Create the rows that are missing (the data migration and test set-up); rows an
    administrator changed are left as they are. When a row is added the rules' token
    changes, so that every process rebuilds its calendar."""
    created = [
        time_limit_model.objects.get_or_create(
            code=code, defaults={"working_days": days, "near_due_days": near, "basis": basis}
        )[1]
        for code, days, near, basis in TIME_LIMITS
    ] + [
        calendar_day_model.objects.get_or_create(day=day, defaults={"kind": kind, "note": note})[1]
        for day, kind, note in CALENDAR_DAYS
    ]
    if any(created) or not version_model.objects.filter(pk=1).exists():
        version_model.objects.update_or_create(pk=1, defaults={"token": uuid.uuid4().hex})

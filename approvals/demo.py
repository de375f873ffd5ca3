"""A realistic demo organisation: a provincial civil judgment enforcement office.

The province is fictional ("Minh Sơn"): real names are data an administrator
enters, never code.
"""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from monitoring.alerts import alerts_scan
from workflow import services as flow

from .models import Award, Campaign, Nomination, Profile, Unit
from .roles import Role
from .services import nomination_create, role_grant

DEMO_PASSWORD = "vinhdanh2026"

UNITS = [
    # code, name, english, kind, parent, legal personality
    (
        "thads-minh-son",
        "Thi hành án dân sự tỉnh Minh Sơn",
        "Civil Judgment Enforcement of Minh Son",
        "body",
        None,
        True,
    ),
    ("van-phong", "Văn phòng", "Office", "office", "thads-minh-son", False),
    ("phong-tccb", "Phòng Tổ chức cán bộ", "Personnel Office", "office", "thads-minh-son", False),
    (
        "phong-nghiep-vu",
        "Phòng Nghiệp vụ và Tổ chức thi hành án",
        "Enforcement Operations Office",
        "office",
        "thads-minh-son",
        False,
    ),
    (
        "phong-kv1",
        "Phòng THADS khu vực 1",
        "Regional Office 1",
        "regional",
        "thads-minh-son",
        False,
    ),
    (
        "phong-kv2",
        "Phòng THADS khu vực 2",
        "Regional Office 2",
        "regional",
        "thads-minh-son",
        False,
    ),
    (
        "phong-kv3",
        "Phòng THADS khu vực 3",
        "Regional Office 3",
        "regional",
        "thads-minh-son",
        False,
    ),
]

# username, full name, title, unit, [(role, unit code or None for the whole body)]
PEOPLE: list[tuple[str, str, str, str, list[tuple[Role, str | None]]]] = [
    (
        "truong.thads",
        "Nguyễn Văn Hùng",
        "Trưởng THADS tỉnh",
        "thads-minh-son",
        [(Role.DIRECTOR, None), (Role.COUNCIL_MEMBER, None)],
    ),
    (
        "pho.thads1",
        "Trần Thị Lan",
        "Phó Trưởng THADS tỉnh",
        "thads-minh-son",
        [(Role.COUNCIL_MEMBER, None)],
    ),
    (
        "pho.thads2",
        "Lê Quang Minh",
        "Phó Trưởng THADS tỉnh",
        "thads-minh-son",
        [(Role.COUNCIL_MEMBER, None)],
    ),
    (
        "tp.tccb",
        "Phạm Thu Hà",
        "Trưởng phòng Tổ chức cán bộ",
        "phong-tccb",
        [(Role.COUNCIL_MEMBER, None), (Role.COUNCIL_SECRETARY, None)],
    ),
    (
        "cv.tccb",
        "Đỗ Minh Tuấn",
        "Chuyên viên Phòng Tổ chức cán bộ",
        "phong-tccb",
        [(Role.STANDING_REVIEWER, None)],
    ),
    (
        "cv.tccb2",
        "Vũ Thị Hoa",
        "Chuyên viên Phòng Tổ chức cán bộ",
        "phong-tccb",
        [(Role.STANDING_REVIEWER, None), (Role.LIAISON, None)],
    ),
    (
        "cvp",
        "Hoàng Văn Nam",
        "Chánh Văn phòng",
        "van-phong",
        [(Role.COUNCIL_MEMBER, None), (Role.UNIT_HEAD, "van-phong")],
    ),
    (
        "cv.vp",
        "Ngô Thị Mai",
        "Chuyên viên Văn phòng",
        "van-phong",
        [(Role.UNIT_STAFF, "van-phong")],
    ),
    (
        "tp.nv",
        "Bùi Đức Thắng",
        "Trưởng phòng Nghiệp vụ",
        "phong-nghiep-vu",
        [(Role.COUNCIL_MEMBER, None), (Role.UNIT_HEAD, "phong-nghiep-vu")],
    ),
    (
        "ct.congdoan",
        "Đặng Thị Thu",
        "Chủ tịch Công đoàn",
        "van-phong",
        [(Role.COUNCIL_MEMBER, None)],
    ),
    (
        "tp.kv1",
        "Phan Văn Long",
        "Trưởng Phòng THADS khu vực 1",
        "phong-kv1",
        [(Role.UNIT_HEAD, "phong-kv1")],
    ),
    ("cb.kv1", "Lý Thị Ngọc", "Chấp hành viên", "phong-kv1", [(Role.UNIT_STAFF, "phong-kv1")]),
    (
        "tp.kv2",
        "Trịnh Quốc Bảo",
        "Trưởng Phòng THADS khu vực 2",
        "phong-kv2",
        [(Role.UNIT_HEAD, "phong-kv2")],
    ),
    ("cb.kv2", "Mai Anh Thư", "Thư ký thi hành án", "phong-kv2", [(Role.UNIT_STAFF, "phong-kv2")]),
    ("thanhtra", "Cao Văn Dũng", "Kiểm tra viên", "thads-minh-son", [(Role.AUDITOR, None)]),
    (
        "quanly",
        "Tạ Thị Bích",
        "Phó Chánh Văn phòng (theo dõi thi đua)",
        "van-phong",
        [(Role.MANAGER, None)],
    ),
    ("quantri", "Quản trị hệ thống", "Quản trị", "van-phong", [(Role.ADMIN, None)]),
]


def _deadline(today: datetime.date) -> datetime.date:
    usual = datetime.date(today.year, 12, 10)  # dossiers due by 10 December
    return usual if usual >= today else today + datetime.timedelta(days=30)


@transaction.atomic
def _seed_data():
    units: dict[str, Unit] = {}
    for code, name, name_en, kind, parent, legal in UNITS:
        units[code], _ = Unit.objects.update_or_create(
            code=code,
            defaults=dict(
                name=name,
                name_en=name_en,
                kind=kind,
                parent=units.get(parent) if parent else None,
                has_legal_personality=legal,
            ),
        )
    today = timezone.localdate()
    Campaign.objects.update_or_create(
        code=f"tong-ket-{today.year}",
        defaults=dict(
            name=f"Thi đua tổng kết năm {today.year}",
            kind="yearly",
            year=today.year,
            starts_on=datetime.date(today.year, 1, 1),
            ends_on=datetime.date(today.year, 12, 31),
            submission_deadline=_deadline(today),
        ),
    )
    Campaign.objects.update_or_create(
        code=f"chuyen-de-{today.year}",
        defaults=dict(
            name=f"Thi đua chuyên đề “Chuyển đổi số” {today.year}",
            kind="thematic",
            year=today.year,
            starts_on=datetime.date(today.year, 3, 1),
            ends_on=datetime.date(today.year, 12, 31),
            submission_deadline=_deadline(today),
        ),
    )
    return units


def seed_demo(*, with_nominations: bool = True) -> dict[Role, list[tuple[str, str]]]:
    """Create (or refresh) the demo organisation; returns its logins grouped by role.

    role -> [(username, "name – title · unit the role covers")], roles in Role order;
    a person holding two roles is listed under both."""
    units = _seed_data()
    User = get_user_model()
    logins: dict[Role, list[tuple[str, str]]] = {role: [] for role in Role}
    for username, full_name, title, unit_code, grants in PEOPLE:
        # Django's first_name is the given name (tên), last_name the family and middle names.
        family, _, given = full_name.rpartition(" ")
        user, created = User.objects.get_or_create(
            username=username, defaults=dict(first_name=given, last_name=family)
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            user.is_staff = any(role == Role.ADMIN for role, _ in grants)
            user.is_superuser = user.is_staff
            user.save()
        Profile.objects.update_or_create(
            user=user, defaults=dict(title=title, unit=units[unit_code])
        )
        for role, scope in grants:
            role_grant(user=user, role=role, unit=units[scope] if scope else None)
            where = units[scope].name if scope else "toàn cơ quan"
            logins[role].append((username, f"{full_name} – {title} · {where}"))
    if with_nominations and not units["phong-kv1"].nomination_set.exists():
        _seed_nominations(units)
        _advance_some(units)
        # The manager (quanly) signs in to a dashboard with work at every stage and at
        # least one alert (the return share of Regional Office 1; close to the deadline,
        # the offices that have submitted nothing). The demo server scans on a timer after.
        alerts_scan()
    return {role: people for role, people in logins.items() if people}


def _seed_nominations(units):
    User = get_user_model()
    campaign = Campaign.objects.filter(kind="yearly").order_by("-year").first()
    assert campaign is not None  # _seed_data made it
    for unit_code, staff, names in [
        ("phong-kv1", "cb.kv1", ["Lý Thị Ngọc", "Hà Văn Sơn", "Tống Minh Châu"]),
        ("phong-kv2", "cb.kv2", ["Mai Anh Thư", "Kiều Văn Phúc"]),
    ]:
        user = User.objects.get(username=staff)
        for index, name in enumerate(names):
            award = Award.objects.get(
                code="chien-si-thi-dua-co-so" if index == 0 else "lao-dong-tien-tien"
            )
            nomination_create(
                user=user,
                unit_id=units[unit_code].pk,
                campaign_id=campaign.pk,
                award_id=award.pk,
                nominee_name=name,
                nominee_title="Chấp hành viên",
                achievements="Hoàn thành xuất sắc nhiệm vụ năm; tỷ lệ việc thi hành xong đạt 85%.",
            )


def _advance_some(units: dict[str, Unit]) -> None:
    """Move some drafts along through the services: the dashboard has work in each stage."""
    User = get_user_model()
    who = {u.username: u for u in User.objects.filter(
        username__in=["tp.kv1", "tp.kv2", "cv.tccb", "tp.tccb"])}
    names = dict(Nomination.objects.values_list("nominee_name", "pk"))
    reviewer = who["cv.tccb"]
    for name, head in [("Lý Thị Ngọc", "tp.kv1"), ("Hà Văn Sơn", "tp.kv1"),
                       ("Mai Anh Thư", "tp.kv2"), ("Kiều Văn Phúc", "tp.kv2")]:
        flow.nomination_submit(user=who[head], nomination_id=names[name])
    for name in ("Lý Thị Ngọc", "Hà Văn Sơn", "Mai Anh Thư"):
        flow.nomination_claim(user=reviewer, nomination_id=names[name])
    flow.nomination_recommend(user=reviewer, nomination_id=names["Lý Thị Ngọc"], to="council")
    flow.nomination_record_vote(user=who["tp.tccb"], nomination_id=names["Lý Thị Ngọc"],
                                votes_for=7, votes_total=8, passed=True)
    flow.nomination_return(user=reviewer, nomination_id=names["Hà Văn Sơn"],
                           comment="Bổ sung biên bản họp bình xét của đơn vị.")

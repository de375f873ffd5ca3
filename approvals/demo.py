"""A realistic demo organisation: a provincial civil judgment enforcement office.

The province is fictional ("Minh Sơn"): real names are data an administrator
enters, never code.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from monitoring.alerts import alerts_scan
from workflow import services as flow

from . import council
from .decisions import decision_create, report_batch_create
from .dossier import document_upload
from .exemplars import exemplar_propose, exemplar_publish
from .models import (
    Award,
    Campaign,
    CouncilTerm,
    Discipline,
    Initiative,
    Nomination,
    PendingCase,
    Person,
    Profile,
    ResearchProject,
    Unit,
    YearRating,
)
from .register import membership_create, membership_end, person_create, records_save
from .roles import Role
from .services import nomination_create, role_grant

DEMO_PASSWORD = "vinhdanh2026"
# Where the body issues its documents (địa danh, Decree 30/2020): the fictional province.
PLACE = "Minh Sơn"

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
                place=PLACE if legal else "",
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
    # Judged by the rules of Decree 91/2017 (R2018): its deadline falls before 2024.
    Campaign.objects.update_or_create(
        code="tong-ket-2023",
        defaults=dict(
            name="Thi đua tổng kết năm 2023", kind="yearly", year=2023,
            starts_on=datetime.date(2023, 1, 1), ends_on=datetime.date(2023, 12, 31),
            submission_deadline=datetime.date(2023, 12, 10),
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
    if with_nominations and not Person.objects.exists():
        _register_seed(User.objects.get(username="quantri"), units, timezone.localdate().year)
    if with_nominations and not units["phong-kv1"].nomination_set.exists():
        _seed_nominations(units)
        _advance_some(units)
        # The manager (quanly) signs in to a dashboard with work at every stage and at
        # least one alert (the return share of Regional Office 1; close to the deadline,
        # the offices that have submitted nothing). The demo server scans on a timer after.
        alerts_scan()
    return {role: people for role, people in logins.items() if people}


# unit, its staff, [(award code, the person nominated, or None: the unit itself)]
NOMINATIONS: list[tuple[str, str, list[tuple[str, str | None]]]] = [
    ("phong-kv1", "cb.kv1", [
        # CSTĐCS needs LĐTT of the same year: proposed in the same round (Luật TĐKT 2022, Điều 23).
        ("chien-si-thi-dua-co-so", "Lý Thị Ngọc"), ("lao-dong-tien-tien", "Lý Thị Ngọc"),
        ("lao-dong-tien-tien", "Hà Văn Sơn"),
        ("lao-dong-tien-tien", "Tống Minh Châu"), ("lao-dong-tien-tien", "Đoàn Văn Khải"),
        ("chien-si-thi-dua-co-so", "Lương Thị Hằng"), ("chien-si-thi-dua-co-so", "Lương Văn Hải"),
        ("tap-the-lao-dong-tien-tien", None),
    ]),
    ("phong-kv2", "cb.kv2", [
        ("chien-si-thi-dua-co-so", "Mai Anh Thư"), ("lao-dong-tien-tien", "Mai Anh Thư"),
        ("lao-dong-tien-tien", "Kiều Văn Phúc"),
        ("lao-dong-tien-tien", "Lã Văn Cường"), ("tap-the-lao-dong-tien-tien", None),
    ]),
    ("van-phong", "cv.vp", [
        ("bang-khen-bo-truong", "Vương Đình Khoa"), ("chien-si-thi-dua-nganh", "Lục Văn Tài"),
        ("lao-dong-tien-tien", "Âu Thị Kim"),
    ]),
]


def _seed_nominations(units):
    User = get_user_model()
    campaign = Campaign.objects.filter(kind="yearly").order_by("-year").first()
    assert campaign is not None  # _seed_data made it
    persons = {p.full_name: p.pk for p in Person.objects.all()}
    awards = {a.code: a.pk for a in Award.objects.all()}
    for unit_code, staff, proposals in NOMINATIONS:
        user = User.objects.get(username=staff)
        for award_code, name in proposals:
            nominee = ({"nominee_person_id": persons[name]} if name
                       else {"nominee_unit_id": units[unit_code].pk})
            nomination_create(
                user=user,
                unit_id=units[unit_code].pk,
                campaign_id=campaign.pk,
                award_id=awards[award_code],
                achievements="Hoàn thành xuất sắc nhiệm vụ năm; tỷ lệ việc thi hành xong đạt 85%.",
                **nominee,
            )


DEMO_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _complete_dossier(user, nomination_id: int) -> None:
    """A file for each document the award's checklist asks for: submission needs them all."""
    kinds = Nomination.objects.get(pk=nomination_id).award.required_documents
    for kind in kinds:
        document_upload(user=user, nomination_id=nomination_id, kind=kind,
                        name=f"{kind}.pdf", data=DEMO_PDF)


def _advance_some(units: dict[str, Unit]) -> None:
    """Move some drafts along through the services: the dashboard has work in each stage."""
    User = get_user_model()
    who = {u.username: u for u in User.objects.filter(
        username__in=["tp.kv1", "tp.kv2", "cv.tccb", "tp.tccb"])}
    names = {(name, code): pk for name, code, pk in
             Nomination.objects.values_list("nominee_name", "award__code", "pk")}
    ldtt, cstdcs = "lao-dong-tien-tien", "chien-si-thi-dua-co-so"
    reviewer = who["cv.tccb"]
    for key, head in [(("Lý Thị Ngọc", ldtt), "tp.kv1"), (("Lý Thị Ngọc", cstdcs), "tp.kv1"),
                      (("Hà Văn Sơn", ldtt), "tp.kv1"), (("Mai Anh Thư", ldtt), "tp.kv2"),
                      (("Mai Anh Thư", cstdcs), "tp.kv2"), (("Kiều Văn Phúc", ldtt), "tp.kv2")]:
        _complete_dossier(who[head], names[key])
        flow.nomination_submit(user=who[head], nomination_id=names[key])
    for key in (("Lý Thị Ngọc", cstdcs), ("Hà Văn Sơn", ldtt), ("Mai Anh Thư", cstdcs)):
        flow.nomination_claim(user=reviewer, nomination_id=names[key])
    # Her LĐTT of the year is proposed in this round, not yet decided: a soft fail that the
    # standing reviewer confirms, with a justification, before recommending.
    flow.nomination_override_soft_fail(
        user=reviewer, nomination_id=names[("Lý Thị Ngọc", cstdcs)],
        comment="Danh hiệu Lao động tiên tiến năm nay được đề nghị cùng đợt, đủ tiêu chuẩn.",
    )
    flow.nomination_recommend(user=reviewer, nomination_id=names[("Lý Thị Ngọc", cstdcs)],
                              to="council")
    _council_session(who["tp.tccb"], names[("Lý Thị Ngọc", cstdcs)])
    flow.nomination_return(user=reviewer, nomination_id=names[("Hà Văn Sơn", ldtt)],
                           comment="Bổ sung biên bản họp bình xét của đơn vị.")
    _decided(reviewer, [names[("Mai Anh Thư", ldtt)], names[("Kiều Văn Phúc", ldtt)]])


def _decided(reviewer, nomination_ids: list[int]) -> None:
    """The rest of the year-end cycle for two LĐTT proposals of Regional Office 2: the
    Director's one decision (with its bonuses), the report of one of them to the provincial
    board, and the other published as an exemplar (điển hình tiên tiến) on the public page."""
    User = get_user_model()
    director, liaison = (User.objects.get(username=u) for u in ("truong.thads", "cv.tccb2"))
    for pk in nomination_ids:
        flow.nomination_claim(user=reviewer, nomination_id=pk)
        flow.nomination_recommend(user=reviewer, nomination_id=pk, to="director")
    today = timezone.localdate()
    decision_create(user=director, number=f"12/QĐ-THADS-{today.year}", date=today,
                    place=PLACE, nomination_ids=nomination_ids)
    first, second = nomination_ids
    campaign_id = Nomination.objects.values_list("campaign_id", flat=True).get(pk=second)
    report_batch_create(user=liaison, campaign_id=campaign_id,
                        number=f"25/BC-THADS-{today.year}", date=today, place=PLACE,
                        nomination_ids=[second])
    exemplar = exemplar_propose(user=reviewer, nomination_id=first, story=(
        "Chấp hành viên trẻ, tổ chức thi hành dứt điểm nhiều vụ việc khó kéo dài nhiều năm; "
        "chủ động phối hợp với chính quyền cơ sở vận động đương sự tự nguyện thi hành."))
    exemplar_publish(user=director, exemplar_id=exemplar.pk)


def _council_session(secretary, nomination_id: int) -> None:
    """The council's term (every council member, the head of the body as chair) meets: all
    but one present, a paper tally of all but one in favour, the minutes attached."""
    User = get_user_model()
    members = list(User.objects.filter(role_grants__role=Role.COUNCIL_MEMBER).distinct())
    today = timezone.localdate()
    term = CouncilTerm.objects.create(
        body=Unit.objects.get(code="thads-minh-son"), name=f"Hội đồng Thi đua - Khen thưởng "
        f"nhiệm kỳ {today.year - 1}-{today.year + 3}", chair=User.objects.get(
            username="truong.thads"), starts_on=today.replace(month=1, day=1, year=today.year - 1),
    )
    term.members.set(members)
    n = Nomination.objects.get(pk=nomination_id)
    session = council.council_session_open(user=secretary, term_id=term.pk,
                                           campaign_id=n.campaign_id, meets_on=today)
    council.council_attendance_record(user=secretary, session_id=session.pk, statuses={
        m.pk: "present" if i else "written" for i, m in enumerate(members)})
    council.council_paper_tally(
        user=secretary, session_id=session.pk, minutes_name="bien-ban-hop-hoi-dong.pdf",
        minutes=b"%PDF-1.4\n% Bien ban hop Hoi dong Thi dua - Khen thuong\n%%EOF\n",
        tallies={i.pk: (len(members) - 1, len(members)) for i in session.items.all()},
    )
    council.council_session_close(user=secretary, session_id=session.pk)


# --- the nominee register: about sixty people with four years of records ----------------
#
# Ratings are four letters for the four years ending with the current one (E excellent,
# G good, C completed, N not completed, - none). The people named in SCENARIOS carry the
# records that exercise each eligibility rule; README and the rules' tests name them.

F, M = Person.Gender.FEMALE, Person.Gender.MALE
RATING = {"E": YearRating.Rating.EXCELLENT, "G": YearRating.Rating.GOOD,
          "C": YearRating.Rating.COMPLETED, "N": YearRating.Rating.NOT_COMPLETED}

# unit code -> [(full name, gender, position, recruited (year offset, month), ratings)]
REGISTER: dict[str, list[tuple[str, str, str, tuple[int, int], str]]] = {
    "thads-minh-son": [
        ("Nguyễn Văn Hùng", M, "Trưởng THADS tỉnh", (-20, 3), "EEEE"),
        ("Trần Thị Lan", F, "Phó Trưởng THADS tỉnh", (-18, 9), "EEGE"),
        ("Lê Quang Minh", M, "Phó Trưởng THADS tỉnh", (-16, 1), "GEEG"),
        ("Cao Văn Dũng", M, "Kiểm tra viên", (-9, 6), "GGGG"),
        ("Ninh Văn Phong", M, "Kiểm tra viên", (-6, 2), "GGCG"),
    ],
    "van-phong": [
        ("Hoàng Văn Nam", M, "Chánh Văn phòng", (-15, 4), "EGEG"),
        ("Ngô Thị Mai", F, "Chuyên viên Văn phòng", (-7, 8), "GGGG"),
        ("Đặng Thị Thu", F, "Chủ tịch Công đoàn", (-12, 2), "GEGG"),
        ("Tạ Thị Bích", F, "Phó Chánh Văn phòng", (-10, 5), "GGEG"),
        ("Vương Đình Khoa", M, "Chuyên viên chính", (-11, 3), "EEEE"),
        ("Chu Thị Nhung", F, "Văn thư", (-5, 10), "GGGG"),
        ("Lục Văn Tài", M, "Chuyên viên chính", (-14, 7), "EEEE"),
        ("Âu Thị Kim", F, "Kế toán viên", (-6, 1), "GGGG"),
        ("Khúc Văn Hậu", M, "Lái xe", (-8, 4), "GCGC"),
        ("Mẫn Thị Hương", F, "Thủ quỹ", (-4, 9), "GGGG"),
    ],
    "phong-tccb": [
        ("Phạm Thu Hà", F, "Trưởng phòng Tổ chức cán bộ", (-13, 3), "EEGE"),
        ("Đỗ Minh Tuấn", M, "Chuyên viên Phòng Tổ chức cán bộ", (-6, 6), "GGGE"),
        ("Vũ Thị Hoa", F, "Chuyên viên Phòng Tổ chức cán bộ", (-5, 2), "GGGG"),
        ("Hứa Văn Bình", M, "Chuyên viên", (-9, 11), "GGGG"),
        ("Giang Thị Lụa", F, "Chuyên viên", (-3, 4), "CGGG"),
        ("Tiêu Văn Hợp", M, "Chuyên viên", (-2, 8), "-GGG"),
    ],
    "phong-nghiep-vu": [
        ("Bùi Đức Thắng", M, "Trưởng phòng Nghiệp vụ", (-17, 5), "EGEE"),
        ("Đinh Thị Thu", F, "Chấp hành viên", (-10, 3), "EGGG"),
        ("Mạc Văn Toàn", M, "Thẩm tra viên", (-7, 9), "GGGG"),
        ("La Thị Xuân", F, "Thẩm tra viên", (-8, 2), "GGEG"),
        ("Quách Văn Định", M, "Chấp hành viên", (-12, 6), "GCGE"),
        ("Thân Thị Gấm", F, "Thư ký thi hành án", (-4, 3), "GGGG"),
        ("Ông Văn Lực", M, "Thư ký thi hành án", (-3, 10), "GGCG"),
        ("Lã Thị Ngà", F, "Thư ký thi hành án", (-2, 5), "-GGG"),
    ],
    "phong-kv1": [
        ("Phan Văn Long", M, "Trưởng Phòng THADS khu vực 1", (-16, 8), "EGGE"),
        ("Lý Thị Ngọc", F, "Chấp hành viên", (-9, 4), "EEEE"),
        ("Hà Văn Sơn", M, "Chấp hành viên", (-7, 7), "GGGG"),
        ("Tống Minh Châu", M, "Chấp hành viên", (-6, 3), "GGGG"),
        ("Đoàn Văn Khải", M, "Chấp hành viên", (-11, 2), "GEGE"),
        ("Lương Thị Hằng", F, "Thư ký thi hành án", (-5, 9), "GGEE"),
        ("Lương Văn Hải", M, "Thư ký thi hành án", (-5, 9), "GGEE"),
        ("Kim Thị Oanh", F, "Thư ký thi hành án", (-4, 1), "GGGG"),
        ("Tôn Văn Quý", M, "Chấp hành viên", (-8, 5), "GGGG"),
        ("Hồ Thị Diệp", F, "Kế toán viên", (-6, 12), "GGGG"),
        ("Nghiêm Văn Thọ", M, "Thư ký thi hành án", (-3, 6), "GCCC"),
        ("Kha Thị Ánh", F, "Văn thư", (-2, 3), "-GGG"),
    ],
    "phong-kv2": [
        ("Trịnh Quốc Bảo", M, "Trưởng Phòng THADS khu vực 2", (-14, 2), "GGEG"),
        ("Mai Anh Thư", F, "Thư ký thi hành án", (-6, 10), "GEGE"),
        ("Kiều Văn Phúc", M, "Chấp hành viên", (-8, 1), "GGGG"),
        ("Lã Văn Cường", M, "Thư ký thi hành án", (0, 8), "---G"),
        ("Bạch Thị Huệ", F, "Chấp hành viên", (-9, 3), "GCGC"),
        ("Văn Đức Anh", M, "Chấp hành viên", (-7, 11), "CGCC"),
        ("Triệu Thị Hồng", F, "Thư ký thi hành án", (-4, 5), "GCCC"),
        ("Yên Văn Lâm", M, "Thư ký thi hành án", (-5, 7), "CCCN"),
        ("Sầm Thị Ly", F, "Kế toán viên", (-3, 2), "GGGG"),
    ],
    "phong-kv3": [
        ("Tăng Văn Hòa", M, "Trưởng Phòng THADS khu vực 3", (-15, 6), "EEEE"),
        ("Nông Thị Mến", F, "Chấp hành viên", (-8, 8), "GGEG"),
        ("Lò Văn Páo", M, "Chấp hành viên", (-10, 1), "GGGG"),
        ("Hoàng Thị Sen", F, "Thư ký thi hành án", (-6, 4), "GEGG"),
        ("Ma Văn Chiến", M, "Thư ký thi hành án", (-5, 9), "GGGG"),
        ("Vi Thị Thắm", F, "Thư ký thi hành án", (-4, 2), "GGGE"),
        ("Đèo Văn Sáng", M, "Chấp hành viên", (-9, 12), "GGGG"),
        ("Lường Thị Bay", F, "Kế toán viên", (-7, 3), "GGGG"),
        ("Cầm Văn Pọm", M, "Chấp hành viên", (-12, 5), "EEEE"),
        ("Hà Thị Mơ", F, "Văn thư", (-3, 7), "GGGG"),
    ],
}

# Who exercises which rule (the current year unless said otherwise).
SCENARIOS = {
    "deferred_by_pending_case": "Đoàn Văn Khải",  # an inspection opened in October, open
    "pending_case_closed": "Tôn Văn Quý",  # a complaint closed in June: nothing waits
    "excluded_by_months_worked": "Lã Văn Cường",  # recruited in August: 5 months
    "maternity_counts_as_worked": "Âu Thị Kim",  # 6 months worked + 6 on maternity leave
    "minister_certificate": "Vương Đình Khoa",  # CSTĐCS in each of the last two years
    "sector_emulation_fighter": "Lục Văn Tài",  # CSTĐCS three years running + sector initiative
    "cstdcs_by_initiative": "La Thị Xuân",  # rated good, an initiative recognised this year
    "cstdcs_by_research": "Mạc Văn Toàn",  # rated good, a research project accepted this year
    "cstdcs_by_excellent_rating": "Lý Thị Ngọc",
    "r2018_initiative_was_mandatory": "Đinh Thị Thu",  # 2023: excellent, no initiative
    "disciplined_this_year": "Khúc Văn Hậu",  # a warning in force: van-phong not TTLĐTT
    "counts_after_discipline_ends": "Quách Văn Định",  # a reprimand that ended in March
    "woman_first_among_equals": "Lương Thị Hằng",  # and Lương Văn Hải, otherwise equal
    "man_equal_to_the_woman": "Lương Văn Hải",
    "collective_at_least_70_percent": "phong-kv1",  # all but one rated good or better
    "collective_under_70_percent": "phong-kv2",  # 4 of 9 members hold LĐTT
    "collective_excellent": "phong-kv3",  # all completed, ≥ 70 % LĐTT, a CSTĐCS, no discipline
}


def _register_seed(admin, units: dict[str, Unit], year: int) -> None:
    """The register through its services, every row audited as the administrator's: a
    person and their memberships each in one transaction, then all records in one."""
    persons: dict[str, Person] = {}
    rows: list[tuple[str, dict, None]] = []

    def record(kind: str, person: Person | None, /, **values) -> None:
        rows.append((kind, {**values, **({"person_id": person.pk} if person else {})}, None))

    worked = {"Lã Văn Cường": (5, 0), "Âu Thị Kim": (6, 6)}  # this year's months
    for unit_code, members in REGISTER.items():
        for name, gender, position, (offset, month), ratings in members:
            recruited = datetime.date(year + offset, month, 1)
            moved = name == "Tôn Văn Quý"  # from Regional Office 2, last July
            person = person_create(
                user=admin, full_name=name, gender=gender, position=position,
                recruited_on=recruited, starts_on=recruited,
                unit_id=units["phong-kv2" if moved else unit_code].pk,
            )
            persons[name] = person
            if moved:
                _move(admin, person, units[unit_code], datetime.date(year - 1, 7, 1))
            for y, letter in zip(range(year - 3, year + 1), ratings, strict=True):
                months, maternity = worked.get(name, (12, 0)) if y == year else (12, 0)
                if letter != "-":
                    record("rating", person, year=y, rating=RATING[letter],
                           months_worked=Decimal(months), maternity_months=Decimal(maternity))
    _special_records(record, persons, year)
    _past_awards(record, persons, units, year)
    records_save(user=admin, rows=rows)


def _move(admin, person: Person, unit: Unit, on: datetime.date) -> None:
    first = person.memberships.get()
    membership_end(user=admin, membership_id=first.pk, ends_on=on - datetime.timedelta(days=1))
    membership_create(user=admin, person_id=person.pk, unit_id=unit.pk, starts_on=on)


def _special_records(record, p: dict[str, Person], year: int) -> None:
    d = datetime.date
    record("pending_case", p["Đoàn Văn Khải"], kind=PendingCase.Kind.INSPECTION,
           opened_on=d(year, 10, 15), note="Thanh tra việc tổ chức thi hành án năm nay.")
    record("pending_case", p["Tôn Văn Quý"], kind=PendingCase.Kind.COMPLAINT,
           opened_on=d(year, 2, 1), closed_on=d(year, 6, 30),
           note="Khiếu nại đã được giải quyết: không có vi phạm.")
    record("discipline", p["Khúc Văn Hậu"], level=Discipline.Level.WARNING,
           decision_ref=f"15/QĐ-CTHADS ngày 25/04/{year}", effective_from=d(year, 5, 1),
           effective_to=d(year + 1, 4, 30))
    record("discipline", p["Quách Văn Định"], level=Discipline.Level.REPRIMAND,
           decision_ref=f"9/QĐ-CTHADS ngày 28/03/{year - 1}", effective_from=d(year - 1, 4, 1),
           effective_to=d(year, 3, 31))
    unit_level, sector = Initiative.Level.UNIT, Initiative.Level.SECTOR
    for name, title, level, y in [
        ("Lý Thị Ngọc", "Số hóa hồ sơ thi hành án tại Phòng khu vực 1", unit_level, year),
        ("Mai Anh Thư", "Mẫu biên bản xác minh điều kiện thi hành án", unit_level, year),
        ("La Thị Xuân", "Quy trình thẩm tra hồ sơ theo danh mục kiểm tra", unit_level, year),
        ("Lương Thị Hằng", "Sổ theo dõi tiền, tài sản tạm giữ điện tử", unit_level, year),
        ("Lương Văn Hải", "Bảng tính lãi chậm thi hành án tự động", unit_level, year),
        ("Lục Văn Tài", "Phần mềm quản lý văn bản đi, đến toàn ngành", sector, year),
        ("Vương Đình Khoa", "Quy chế phối hợp trả lời đơn thư", unit_level, year - 1),
        ("Vương Đình Khoa", "Cổng thông tin tra cứu tiến độ thi hành án", unit_level, year),
    ]:
        record("initiative", p[name], title=title, level=level, year=y,
               recognition_ref=f"{len(title)}/QĐ-CTHADS")
    record("research", p["Mạc Văn Toàn"], level=ResearchProject.Level.UNIT,
           title="Giải pháp giảm án tồn đọng có điều kiện thi hành", accepted_year=year)


def _past_awards(record, p: dict[str, Person], units: dict[str, Unit], year: int) -> None:
    """Titles conferred before the system existed, by the head of the body."""
    awards = {a.code: a for a in Award.objects.all()}
    decider = "Trưởng THADS tỉnh Minh Sơn"
    given = [
        ("Vương Đình Khoa", "chien-si-thi-dua-co-so", [year - 2, year - 1]),
        ("Lục Văn Tài", "chien-si-thi-dua-co-so", [year - 3, year - 2, year - 1]),
        ("Lý Thị Ngọc", "chien-si-thi-dua-co-so", [year - 1]),
        ("Cầm Văn Pọm", "chien-si-thi-dua-co-so", [year - 1]),
    ]
    for name, code, years in given:
        for y in years:
            for award_code in ("lao-dong-tien-tien", code):
                record("past_award", p[name], award_id=awards[award_code].pk, year=y,
                       decision_number=f"{y % 100 + 100}/QĐ-CTHADS",
                       decision_date=datetime.date(y, 12, 20), decider=decider)
    for unit_code in ("phong-kv1", "phong-kv3"):
        record("past_award", None, unit_id=units[unit_code].pk,
               award_id=awards["tap-the-lao-dong-tien-tien"].pk, year=year - 1,
               decision_number=f"{(year - 1) % 100 + 100}/QĐ-CTHADS",
               decision_date=datetime.date(year - 1, 12, 20), decider=decider)

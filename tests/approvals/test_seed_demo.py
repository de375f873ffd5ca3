"""`manage.py seed_demo` prints the demo logins grouped by role, as the README lists them."""

import io
import re

from django.core.management import call_command

from approvals.roles import Role

# README: `make demo` prints the demo logins, e.g. ...
README_LOGINS = {
    "cb.kv1": Role.UNIT_STAFF,
    "tp.kv1": Role.UNIT_HEAD,
    "cv.tccb": Role.STANDING_REVIEWER,
    "tp.tccb": Role.COUNCIL_SECRETARY,
    "truong.thads": Role.DIRECTOR,
    "cv.tccb2": Role.LIAISON,
    "thanhtra": Role.AUDITOR,
    "quanly": Role.MANAGER,
    "quantri": Role.ADMIN,
}


def printed_groups(text: str) -> dict[str, list[str]]:
    """heading -> usernames listed under it."""
    groups: dict[str, list[str]] = {}
    heading = None
    for line in text.splitlines()[1:]:
        if line.startswith("  "):
            groups[heading].append(line.split()[0])
        else:
            heading = line.rstrip(":")
            groups[heading] = []
    return groups


def seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--no-nominations", stdout=out)
    return out.getvalue()


def test_the_printout_groups_the_logins_under_their_roles_in_role_order(db):
    text = seed()
    assert text.splitlines()[0] == "Demo logins by role (password for all: vinhdanh2026):"
    groups = printed_groups(text)
    headings = list(groups)
    assert headings == [h for h in headings if groups[h]]  # no empty group
    assert [h.split(" / ")[0] for h in headings] == [str(r.label) for r in Role]
    for username, role in README_LOGINS.items():
        [heading] = [h for h in headings if h.startswith(f"{role.label} / ")]
        assert username in groups[heading], (username, role)


def test_each_login_shows_the_name_family_first_the_title_and_the_unit(db):
    text = seed()
    assert re.search(r"^  cb\.kv1 +Lý Thị Ngọc – Chấp hành viên · Phòng THADS khu vực 1$",
                     text, re.MULTILINE)
    assert re.search(r"^  thanhtra +Cao Văn Dũng – Kiểm tra viên · toàn cơ quan$",
                     text, re.MULTILINE)


def test_each_role_heading_gives_its_english_name_too(db):
    assert "Kiểm tra, thanh tra / Auditor:" in seed().splitlines()


def test_seeding_twice_prints_the_same_logins(db):
    assert seed() == seed()

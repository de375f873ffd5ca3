"""The search ignores accents and case, on PostgreSQL and on the SQLite demo alike."""

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

from approvals.access import load_actor
from approvals.search import fold
from approvals.selectors import inbox, nomination_list
from approvals.states import State
from tests import factories


def found(actor, q) -> set:
    return set(nomination_list(actor, filters={"q": q}).values_list("nominee_name", flat=True))


@pytest.fixture
def nominees(org, people):
    for name in ("Nguyễn Thị Thanh Hương", "Trần Đức Minh", "Lê Văn Dũng", "Phạm Thu Hà"):
        factories.new_draft(org, people, name=name)
    return load_actor(people["staff"])


@pytest.mark.parametrize(
    ("q", "names"),
    [
        ("Huong", {"Nguyễn Thị Thanh Hương"}),
        ("hương", {"Nguyễn Thị Thanh Hương"}),
        ("nguyen", {"Nguyễn Thị Thanh Hương"}),
        ("NGUYỄN", {"Nguyễn Thị Thanh Hương"}),
        ("duc", {"Trần Đức Minh"}),
        ("đức", {"Trần Đức Minh"}),
        ("dung", {"Lê Văn Dũng"}),
        ("đũng", {"Lê Văn Dũng"}),
        ("thu ha", {"Phạm Thu Hà"}),
        ("Hướng", {"Nguyễn Thị Thanh Hương"}),
        ("  tran duc  ", {"Trần Đức Minh"}),
    ],
)
def test_the_search_on_postgresql_ignores_accents_and_case(nominees, q, names):
    assert connection.vendor == "postgresql"
    assert found(nominees, q) == names


def test_the_search_still_tells_different_names_apart(nominees):
    assert found(nominees, "Hoàng") == set()
    assert found(nominees, "Minh Tran") == set()
    assert found(nominees, "%") == set() and found(nominees, "_") == set()


def test_the_inbox_searches_the_same_way(nominees, people, nomination_in):
    n = nomination_in(State.SUBMITTED, name="Đỗ Thị Ánh")
    reviewer = load_actor(people["reviewer"])
    rows = inbox(reviewer, tab="queue", filters={"q": "do thi anh"})
    assert [r.pk for r in rows] == [n.pk]


def test_the_search_also_reads_the_achievements_and_the_decision_number(
    nominees, nomination_in
):
    n = nomination_in(State.APPROVED, name="Vũ Văn Khoa")  # decision 15/QĐ-TĐKT
    assert found(nominees, "qd-tdkt") == {"Vũ Văn Khoa"}
    assert n.pk in nomination_list(nominees, filters={"q": "hoan thanh xuat sac"}).values_list(
        "pk", flat=True
    )


@pytest.mark.parametrize(
    ("text", "bare"),
    [
        ("Nguyễn Thị Thanh Hương", "Nguyen Thi Thanh Huong"),
        ("Đỗ Đức Đạt", "Do Duc Dat"),
        ("đường", "duong"),
        ("ƯỚC Ơ", "UOC O"),
        ("15/QĐ-TĐKT", "15/QD-TDKT"),
        ("plain", "plain"),
        ("", ""),
    ],
)
def test_folding_drops_every_vietnamese_accent_and_turns_d_with_stroke_into_d(text, bare):
    assert fold(text) == bare


def test_folding_agrees_with_postgresql_unaccent(db):
    text = "Nguyễn Thị Thanh Hương, Đỗ Đức Đạt, Lê Văn Dũng, Ưng Hoàng Phúc, ỹ ỳ ỷ"
    with connection.cursor() as cursor:
        cursor.execute("SELECT unaccent(%s)", [text])
        assert cursor.fetchone()[0] == fold(text)


def test_a_new_sqlite_connection_gets_the_unaccent_function(db):
    sqlite = DatabaseWrapper({**connection.settings_dict, "ENGINE": "django.db.backends.sqlite3",
                              "NAME": ":memory:", "OPTIONS": {}}, alias="sqlite_search_test")
    try:
        with sqlite.cursor() as cursor:
            cursor.execute("SELECT unaccent(%s), unaccent(NULL)", ["Trần Đức Hương"])
            assert cursor.fetchone() == ("Tran Duc Huong", None)
            cursor.execute("SELECT upper(unaccent(%s)) LIKE '%%' || upper(unaccent(%s)) || '%%'",
                           ["Nguyễn Thị Hương", "nguyen thi huong"])
            assert cursor.fetchone() == (1,)
    finally:
        sqlite.close()

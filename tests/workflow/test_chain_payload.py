"""The bytes a history record's hash covers are exactly the JSON they have always been.

`chain_payload` writes them key by key for speed; every record already in a chain was hashed
over `json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)`, so the two must
agree byte for byte on every value a record can hold, or verify_audit would call an intact
history broken."""

import datetime
import decimal
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from approvals.roles import Role
from workflow.models import chain_payload

NAMES = ("nomination_id", "actor_id", "actor_username", "actor_role", "action", "from_state",
         "to_state", "comment", "data", "created_at", "request_id", "prev_hash", "key_id",
         "on_behalf_of_id", "on_behalf_of_username")


def as_always(*, nomination_id, actor_id, actor_username, actor_role, action, from_state,
              to_state, comment, data, created_at, request_id, prev_hash, key_id,
              on_behalf_of_id, on_behalf_of_username) -> bytes:
    """The payload as it was first defined: a dict, sorted and encoded by the json module."""
    fields = {
        "nomination": nomination_id, "actor": actor_id, "actor_username": actor_username,
        "actor_role": actor_role, "action": action, "from_state": from_state,
        "to_state": to_state, "comment": comment, "data": data, "created_at": created_at,
        "request_id": request_id, "prev_hash": prev_hash,
    }
    if key_id:
        fields["key_id"] = key_id
    if on_behalf_of_username:
        fields["on_behalf_of"] = on_behalf_of_id
        fields["on_behalf_of_username"] = on_behalf_of_username
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str).encode()


def record(**changes):
    fields = dict(
        nomination_id=12, actor_id=3, actor_username="giamdoc", actor_role="director",
        action="approve", from_state="awaiting_director", to_state="approved", comment="",
        data={"decision_number": "12/QĐ-UBND", "decision_date": "2026-12-01"},
        created_at="2026-12-01T08:30:00.123456+00:00", request_id="r-1",
        prev_hash="0" * 64, key_id="", on_behalf_of_id=None, on_behalf_of_username="",
    )
    fields.update(changes)
    return fields


def test_a_plain_approval_record_is_the_same_bytes_as_before():
    assert chain_payload(**record()) == as_always(**record())


def test_a_signed_record_under_a_delegation_is_the_same_bytes_as_before():
    fields = record(key_id="k2026", on_behalf_of_id=7, on_behalf_of_username="phogiamdoc")
    assert chain_payload(**fields) == as_always(**fields)
    assert b'"key_id": "k2026"' in chain_payload(**fields)
    assert b'"on_behalf_of": 7' in chain_payload(**fields)


def test_vietnamese_text_quotes_and_control_characters_are_escaped_as_before():
    fields = record(
        comment='Hồ sơ thiếu "Bản thành tích"\n\tđề nghị bổ sung \\ \x07 \u2028 😀',
        actor_username="nguyễn.văn.a", nomination_id=None, actor_id=None,
    )
    assert chain_payload(**fields) == as_always(**fields)


def test_nested_data_with_other_types_is_encoded_as_before():
    fields = record(data={
        "z": [1, 2.5, None, True, False], "a": {"y": "ý", "b": {"c": []}}, "3": "a digit key",
        "day": datetime.date(2026, 2, 14), "amount": decimal.Decimal("1.50"), "big": 10**30,
    })
    assert chain_payload(**fields) == as_always(**fields)


def test_values_of_subclassed_types_are_encoded_as_before():
    fields = record(actor_role=Role.DIRECTOR, nomination_id=True, actor_id=False,
                    data=[], request_id=None)
    assert chain_payload(**fields) == as_always(**fields)


def test_a_different_field_gives_different_bytes():
    assert chain_payload(**record()) != chain_payload(**record(to_state="rejected"))


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text()
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
scalar = st.none() | st.integers() | st.text()


@settings(max_examples=300, deadline=None)
@given(
    st.fixed_dictionaries({name: scalar for name in NAMES if name != "data"}),
    json_values,
)
def test_any_record_gives_the_same_bytes_as_before(fields, data):
    fields["data"] = data
    assert chain_payload(**fields) == as_always(**fields)

"""The API speaks Vietnamese by default and English on request, for service messages too."""

import pytest
from django.utils import translation

from approvals.roles import Role
from approvals.states import State
from tests.api.conftest import API
from workflow import errors
from workflow.policy import POLICY

LAZY_TEXTS = (
    [rule.label for rule in POLICY.values()]
    + [label for _, label in State.choices]
    + [label for _, label in Role.choices]
    + [
        cls.default_message
        for cls in (errors.WorkflowError, *errors.WorkflowError.__subclasses__())
    ]
)


@pytest.mark.parametrize("text", LAZY_TEXTS, ids=[str(t) for t in LAZY_TEXTS])
def test_every_label_and_default_error_message_has_an_english_translation(text):
    with translation.override("vi"):
        vietnamese = str(text)
    with translation.override("en"):
        assert str(text) != vietnamese


def test_framework_messages_are_vietnamese_by_default_and_english_on_request(people, as_user):
    client = as_user("staff")
    vi = client.post(f"{API}/nominations/", {}, format="json").json()
    en = client.post(f"{API}/nominations/", {}, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert vi["message"] == "Dữ liệu nhập chưa hợp lệ."
    assert vi["fields"]["unit"] == ["Trường này là bắt buộc."]
    assert en["message"] == "The input is not valid."
    assert en["fields"]["unit"] == ["This field is required."]

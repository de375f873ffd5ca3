"""Web forms: they render fields and parse input; the services decide what is valid."""

from typing import Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from workflow.policy import BULK_ACTIONS, POLICY, Rule
from workflow.schemas import CONTROL_CHARACTERS, CONTROL_MESSAGE

from . import sign_in_limit
from .members import proposable_collectives, proposable_persons
from .models import Award, Campaign, DocumentKind, Person, Unit
from .templatetags.vinhdanh import local_name

# The same refusal as the API's and the actions' text fields (workflow/schemas.py).
NO_CONTROL = RegexValidator(CONTROL_CHARACTERS, CONTROL_MESSAGE, inverse_match=True)


class AwardSelect(forms.Select):
    """Each option carries its dossier checklist so the page can show it for the chosen award."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        award = getattr(value, "instance", None)
        if award is not None:
            option["attrs"]["data-docs"] = "; ".join(
                str(DocumentKind(k).label) for k in award.required_documents
                if k in DocumentKind.values
            )
        return option


class NominationForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Đơn vị đề nghị"), queryset=Unit.objects.none())
    campaign = forms.ModelChoiceField(label=_("Đợt thi đua"), queryset=Campaign.objects.all())
    award = forms.ModelChoiceField(
        label=_("Danh hiệu / hình thức khen thưởng"),
        queryset=Award.objects.all(),
        widget=AwardSelect,
    )
    # One of the two: a person of the register for an individual award, a collective (the
    # unit or a child unit) for a collective one. The service checks which and whose.
    nominee_person = forms.ModelChoiceField(
        label=_("Cá nhân được đề nghị"), queryset=Person.objects.none(), required=False,
        help_text=_("Cho danh hiệu cá nhân: người công tác tại đơn vị trong thời gian của đợt."),
    )
    nominee_unit = forms.ModelChoiceField(
        label=_("Tập thể được đề nghị"), queryset=Unit.objects.none(), required=False,
        help_text=_("Cho danh hiệu tập thể: chính đơn vị hoặc đơn vị trực thuộc."),
    )
    nominee_title = forms.CharField(
        label=_("Chức vụ"), max_length=200, required=False, validators=[NO_CONTROL]
    )
    achievements = forms.CharField(
        label=_("Tóm tắt thành tích"), required=False, widget=forms.Textarea(attrs={"rows": 6}),
        validators=[NO_CONTROL],
    )

    def __init__(self, *args, unit_ids=(), editing=False, **kwargs):
        """`unit_ids`: the units the user may propose for (when editing, the nomination's)."""
        super().__init__(*args, **kwargs)
        querysets = {
            "unit": Unit.objects.filter(pk__in=unit_ids),
            "nominee_person": proposable_persons(unit_ids),
            "nominee_unit": proposable_collectives(unit_ids),
        }
        for name, queryset in querysets.items():
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset
        for name in ("unit", "award", "nominee_unit"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.label_from_instance = local_name  # type: ignore[method-assign]
        if editing:
            del self.fields["unit"]

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "campaign_id": data["campaign"].pk,
            "award_id": data["award"].pk,
            "nominee_person_id": data["nominee_person"].pk if data["nominee_person"] else None,
            "nominee_unit_id": data["nominee_unit"].pk if data["nominee_unit"] else None,
            "nominee_title": data["nominee_title"],
            "achievements": data["achievements"],
        }

    def add_service_errors(self, exc) -> None:
        for field, messages in exc.fields.items():
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại tài liệu"), choices=DocumentKind.choices)
    file = forms.FileField(label=_("Tệp (PDF, DOCX, XLSX, JPG, PNG)"))


def bulk_choices(roles: set[str]) -> list[tuple[str, Rule]]:
    """The bulk actions (declared in workflow.policy) that some role of the user may take."""
    return [(a, POLICY[a]) for a in BULK_ACTIONS if POLICY[a].roles & set(roles)]


class LimitedSignIn(AuthenticationForm):
    """Sign-in that says so when too many failures locked this username from this address
    (django-axes refuses it before the password is checked: approvals/sign_in_limit.py)."""

    locked_out = False

    def clean(self) -> dict[str, Any]:
        try:
            return super().clean()
        except forms.ValidationError:
            if not sign_in_limit.refused(self.request):
                raise
        self.locked_out = True
        raise forms.ValidationError(
            _("Đăng nhập sai quá nhiều lần; vui lòng thử lại sau."), code="too_many_attempts"
        )


class SignInForm(LimitedSignIn):
    pass


class AdminSignInForm(LimitedSignIn, AdminAuthenticationForm):
    pass

"""The sign-in page; after a session expired mid-form it says why the person is back here."""

from django.contrib import messages
from django.contrib.auth.views import LoginView
from django.utils.translation import gettext as _

from approvals.forms import SignInForm

from .common import SESSION_EXPIRED_KEY


class SignInView(LoginView):
    authentication_form = SignInForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["session_expired"] = SESSION_EXPIRED_KEY in self.request.session
        return context

    def form_valid(self, form):
        back = self.request.session.pop(SESSION_EXPIRED_KEY, None)
        response = super().form_valid(form)
        if back is not None and back == self.get_success_url():
            messages.warning(self.request, _(
                "Phiên đăng nhập đã hết hạn nên thao tác vừa gửi chưa được thực hiện. "
                "Mời bạn thực hiện lại."
            ))
        return response

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

from approvals.forms import AdminSignInForm
from approvals.views.sign_in import SignInView

admin.site.login_form = AdminSignInForm

urlpatterns = [
    path("admin/", admin.site.urls),
    path("login/", SignInView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", include("approvals.api.urls")),
    path("notifications/", include("notifications.urls")),
    path("", include("monitoring.urls")),
    path("", include("approvals.urls")),
]

# Our error pages reset their thread's database connection (approvals.views.errors).
handler400 = "approvals.views.errors.bad_request"
handler403 = "approvals.views.errors.permission_denied"
handler404 = "approvals.views.errors.page_not_found"
handler500 = "approvals.views.errors.server_error"

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()

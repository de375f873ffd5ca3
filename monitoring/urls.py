from django.urls import path

from . import views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/bang-theo-doi.xlsx", views.dashboard_xlsx, name="dashboard-xlsx"),
    path("alerts/", views.alerts_page, name="alerts"),
    path("alerts/<int:pk>/acknowledge/", views.alert_acknowledge, name="alert-acknowledge"),
    path("alerts/rules/", views.alert_rules_page, name="alert-rules"),
]

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from approvals.record_kinds import RECORD_KINDS
from monitoring import api as monitoring_api
from workflow.policy import LIFECYCLE_ACTIONS
from workflow.schemas import slug

from . import council, decisions, eligibility, exemplars, ranking, register, views
from .auth import TokenView
from .errors import not_found_view

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("me/", views.Me.as_view(), name="api-me"),
    path("units/", views.Units.as_view(), name="api-units"),
    path("campaigns/", views.Campaigns.as_view(), name="api-campaigns"),
    path("awards/", views.Awards.as_view(), name="api-awards"),
    path("inbox/", views.Inbox.as_view(), name="api-inbox"),
    path("history/", views.GlobalHistory.as_view(), name="api-history"),
    path("jobs/<int:pk>/", views.JobDetail.as_view(), name="api-job"),
    path("delegations/", views.Delegations.as_view(), name="api-delegations"),
    path("delegations/<int:pk>/cancel/", views.DelegationCancel.as_view(),
         name="api-delegation-cancel"),
    path("nominations/", views.NominationListCreate.as_view(), name="api-nominations"),
    path("nominations/bulk-actions/", views.BulkActions.as_view(), name="api-bulk-actions"),
    path("nominations/<int:pk>/", views.NominationDetail.as_view(), name="api-nomination"),
    path(
        "nominations/<int:pk>/history/",
        views.NominationHistory.as_view(),
        name="api-nomination-history",
    ),
    path("nominations/<int:pk>/eligibility/", eligibility.NominationEligibility.as_view(),
         name="api-nomination-eligibility"),
    path("eligibility/preview/", eligibility.EligibilityPreview.as_view(),
         name="api-eligibility-preview"),
    path("ranking/", ranking.Ranking.as_view(), name="api-ranking"),
    # The council: its terms and its vote sessions (approvals.council).
    path("council/terms/", council.Terms.as_view(), name="api-council-terms"),
    path("council/sessions/", council.Sessions.as_view(), name="api-council-sessions"),
    path("council/sessions/<int:pk>/", council.SessionDetail.as_view(),
         name="api-council-session"),
    path("council/sessions/<int:pk>/attendance/", council.SessionAttendance.as_view(),
         name="api-council-attendance"),
    path("council/sessions/<int:pk>/ballots/", council.SessionBallot.as_view(),
         name="api-council-ballots"),
    path("council/sessions/<int:pk>/paper-tally/", council.SessionPaperTally.as_view(),
         name="api-council-paper-tally"),
    path("council/sessions/<int:pk>/quota/", council.SessionQuota.as_view(),
         name="api-council-quota"),
    path("council/sessions/<int:pk>/tie-break/", council.SessionTieBreak.as_view(),
         name="api-council-tie-break"),
    path("council/sessions/<int:pk>/close/", council.SessionClose.as_view(),
         name="api-council-close"),
    path("nominations/<int:pk>/documents/", views.Documents.as_view(), name="api-documents"),
    path(
        "nominations/<int:pk>/documents/<int:doc_id>/",
        views.DocumentDetail.as_view(),
        name="api-document",
    ),
    path(
        "nominations/<int:pk>/documents/<int:doc_id>/download/",
        views.DocumentDownload.as_view(),
        name="api-document-download",
    ),
]

# One URL per lifecycle action (submit -> actions/submit/), each with its own body.
urlpatterns += [
    path(
        f"nominations/<int:pk>/actions/{slug(action)}/",
        views.action_view(action),
        name=f"api-action-{slug(action)}",
    )
    for action in LIFECYCLE_ACTIONS
]

# The managers' dashboard and alerts (monitoring/).
urlpatterns += [
    path("dashboard/", monitoring_api.Dashboard.as_view(), name="api-dashboard"),
    path("dashboard/<slug:key>/", monitoring_api.DashboardFigure.as_view(),
         name="api-dashboard-figure"),
    path("alerts/", monitoring_api.Alerts.as_view(), name="api-alerts"),
    path("alerts/<int:pk>/acknowledge/", monitoring_api.AlertAcknowledge.as_view(),
         name="api-alert-acknowledge"),
    path("alert-rules/", monitoring_api.AlertRules.as_view(), name="api-alert-rules"),
    path("alert-rules/<int:pk>/", monitoring_api.AlertRuleDetail.as_view(),
         name="api-alert-rule"),
]

# The nominee register: persons, collectives and memberships, records, the import.
urlpatterns += [
    path("persons/", register.Persons.as_view(), name="api-persons"),
    path("persons/<int:pk>/", register.PersonDetail.as_view(), name="api-person"),
    path("persons/<int:pk>/history/", register.PersonHistory.as_view(),
         name="api-person-history"),
    path("collectives/", register.Collectives.as_view(), name="api-collectives"),
    path("collectives/<int:pk>/", register.CollectiveDetail.as_view(), name="api-collective"),
    path("collectives/<int:pk>/history/", register.CollectiveHistory.as_view(),
         name="api-collective-history"),
    path("imports/", register.Imports.as_view(), name="api-imports"),
    path("memberships/<int:pk>/end/", register.MembershipEnd.as_view(),
         name="api-membership-end"),
]
# Each record type: the person's rows (persons/1/ratings/) and one row (ratings/7/).
urlpatterns += [
    url
    for kind in RECORD_KINDS
    for url in (
        path(f"persons/<int:pk>/{register.slug(kind)}/", register.person_records_view(kind),
             name=f"api-person-{register.slug(kind)}"),
        path(f"{register.slug(kind)}/<int:pk>/", register.record_detail_view(kind),
             name=f"api-{register.slug(kind)}"),
    )
]

# Điển hình tiên tiến: the public list (no sign-in), proposals, decisions, the compilation.
urlpatterns += [
    path("public/exemplars/", exemplars.PublicExemplars.as_view(), name="api-public-exemplars"),
    path("public/exemplars/<int:pk>/", exemplars.PublicExemplarDetail.as_view(),
         name="api-public-exemplar"),
    path("exemplars/", exemplars.Exemplars.as_view(), name="api-exemplars"),
    path("exemplars/<int:pk>/publish/", exemplars.ExemplarPublish.as_view(),
         name="api-exemplar-publish"),
    path("exemplars/<int:pk>/decline/", exemplars.ExemplarDecline.as_view(),
         name="api-exemplar-decline"),
    path("exemplars/compilation/", exemplars.Compilation.as_view(),
         name="api-exemplar-compilation"),
]
# The issued documents: decisions, reports, proposals upward (each with its DOCX and XLSX).
for _prefix, (_collection, _detail, _docx, _xlsx) in (
    ("decisions", decisions.decisions), ("reports", decisions.reports),
    ("upward-proposals", decisions.upward),
):
    urlpatterns += [
        path(f"{_prefix}/", _collection, name=f"api-{_prefix}"),
        path(f"{_prefix}/<int:pk>/", _detail, name=f"api-{_prefix}-detail"),
        path(f"{_prefix}/<int:pk>/docx/", _docx, name=f"api-{_prefix}-docx"),
        path(f"{_prefix}/<int:pk>/xlsx/", _xlsx, name=f"api-{_prefix}-xlsx"),
    ]
urlpatterns += [
    path("nominations/<int:pk>/upward-outcome/", decisions.UpwardOutcome.as_view(),
         name="api-upward-outcome"),
]

# Anything else under /api/v1/ is the same JSON 404 as a hidden object.
urlpatterns += [re_path(r"^", not_found_view)]

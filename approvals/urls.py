from django.urls import path

from .views import audit, delegations, inbox, jobs, nominations, ranking, register

urlpatterns = [
    path("", inbox.home, name="home"),
    path("inbox/", inbox.inbox_page, name="inbox"),
    path("inbox/bulk/", inbox.bulk, name="inbox-bulk"),
    path("jobs/<int:pk>/", jobs.job_detail, name="job-detail"),
    path("nominations/", inbox.nomination_list_page, name="nomination-list"),
    path("ranking/", ranking.ranking_page, name="ranking"),
    path("nominations/new/", nominations.nomination_create_page, name="nomination-create"),
    path("nominations/<int:pk>/", nominations.nomination_detail, name="nomination-detail"),
    path("nominations/<int:pk>/edit/", nominations.nomination_edit_page, name="nomination-edit"),
    path(
        "nominations/<int:pk>/actions/<slug:action>/",
        nominations.nomination_action,
        name="nomination-action",
    ),
    path(
        "nominations/<int:pk>/documents/",
        nominations.document_upload,
        name="document-upload",
    ),
    path(
        "nominations/<int:pk>/documents/<int:doc_pk>/",
        nominations.document_download,
        name="document-download",
    ),
    path(
        "nominations/<int:pk>/documents/<int:doc_pk>/remove/",
        nominations.document_remove,
        name="document-remove",
    ),
    path("delegations/", delegations.delegation_page, name="delegations"),
    path("delegations/<int:pk>/cancel/", delegations.delegation_cancel_view,
         name="delegation-cancel"),
    path("audit/", audit.audit_history, name="audit-history"),
    path("audit/export.csv", audit.audit_export_csv, name="audit-export-csv"),
    path("audit/export.xlsx", audit.audit_export_xlsx, name="audit-export-xlsx"),
    path("audit/exports/<int:pk>/", audit.audit_export_detail, name="audit-export-detail"),
    path("audit/exports/<int:pk>/lich-su.xlsx", audit.audit_export_download,
         name="audit-export-download"),
    path("audit/verify/", audit.audit_verify, name="audit-verify"),
    # The nominee register: lookup, a person's records, a collective, the import.
    path("register/", register.register_home, name="register-home"),
    path("register/import/", register.import_page, name="register-import"),
    path("register/people/new/", register.person_create_page, name="register-person-create"),
    path("register/people/<int:pk>/", register.person_page, name="register-person"),
    path("register/people/<int:pk>/edit/", register.person_edit, name="register-person-edit"),
    path("register/people/<int:pk>/<slug:kind>/new/", register.record_create,
         name="register-record-create"),
    path("register/records/<slug:kind>/<int:pk>/edit/", register.record_edit,
         name="register-record-edit"),
    path("register/records/<slug:kind>/<int:pk>/delete/", register.record_delete,
         name="register-record-delete"),
    path("register/units/<int:pk>/", register.collective_page, name="register-collective"),
]

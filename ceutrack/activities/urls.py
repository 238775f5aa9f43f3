from django.urls import path

from ceutrack.activities import dashboard_views, records_views, views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("add/", views.activity_add, name="add"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/delete/", views.activity_delete, name="delete"),
    path("<int:pk>/certificate/", views.certificate, name="certificate"),
    path("<int:pk>/changes/", views.activity_changes, name="changes"),
    path("history/<slug:body>/", dashboard_views.history, name="history"),
    # Records that travel (records_views.py)
    path("records/", records_views.records, name="records"),
    path("records/pack/<slug:body>/<str:end>/", records_views.audit_pack, name="audit_pack"),
    path("records/packs/<int:pk>/", records_views.audit_pack_status, name="audit_pack_status"),
    path(
        "records/packs/<int:pk>/download/",
        records_views.audit_pack_download,
        name="audit_pack_download",
    ),
    path("records/export.csv", records_views.csv_export, name="csv_export"),
    path("records/import/", records_views.csv_import, name="csv_import"),
    path("records/import/template.csv", records_views.csv_template, name="csv_template"),
    path("records/import/preview/", records_views.csv_preview, name="csv_preview"),
    path("records/import/cancel/", records_views.csv_cancel, name="csv_cancel"),
    path(
        "records/calendar/regenerate/",
        records_views.calendar_regenerate,
        name="calendar_regenerate",
    ),
    path("calendar/<str:token>.ics", records_views.calendar_feed, name="calendar_feed"),
    path("add/from-certificate/", records_views.certificate_start, name="certificate_start"),
    path(
        "add/from-certificate/<int:pk>/",
        records_views.certificate_confirm,
        name="certificate_confirm",
    ),
    path(
        "add/from-certificate/<int:pk>/file/",
        records_views.certificate_pending_file,
        name="certificate_pending_file",
    ),
    path(
        "add/from-certificate/<int:pk>/discard/",
        records_views.certificate_discard,
        name="certificate_discard",
    ),
]

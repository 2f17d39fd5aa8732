from django.urls import path

from pcms.records import views

app_name = "records"
urlpatterns = [
    path("reports/", views.ReportListView.as_view(), name="report_list"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/<uuid:pk>/", views.ReportDetailView.as_view(), name="report_detail"),
    path("reports/<uuid:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<uuid:pk>/entities/add/", views.entity_add, name="entity_add"),
    path("reports/<uuid:pk>/relations/add/", views.relation_add, name="relation_add"),
    path("reports/<uuid:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<uuid:pk>/validate/", views.report_validate, name="report_validate"),
    path("reports/<uuid:pk>/return/", views.report_return, name="report_return"),
    path("reports/<uuid:pk>/versions/<int:version>/", views.report_version, name="report_version"),
    path("reports/<uuid:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("entities/", views.EntityListView.as_view(), name="entity_list"),
    path("entities/<uuid:pk>/", views.EntityDetailView.as_view(), name="entity_detail"),
    path("entities/<uuid:pk>/edit/", views.entity_edit, name="entity_edit"),
    path("search/", views.search, name="search"),
]

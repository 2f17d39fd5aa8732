from django.urls import path

from pcms.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.job_list, name="job_list"),
    path("new/", views.job_new, name="job_new"),
    path("export/", views.export, name="export"),
    path("mappings/<int:pk>/delete/", views.mapping_delete, name="mapping_delete"),
    path("<uuid:pk>/", views.job_detail, name="job_detail"),
    path("<uuid:pk>/mapping/", views.job_mapping, name="job_mapping"),
    path("<uuid:pk>/progress/", views.job_progress, name="job_progress"),
    path("<uuid:pk>/apply/", views.job_apply, name="job_apply"),
    path("<uuid:pk>/cancel/", views.job_cancel, name="job_cancel"),
    path("<uuid:pk>/retry/", views.job_retry, name="job_retry"),
]

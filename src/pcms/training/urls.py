from django.urls import path

from pcms.training import views

app_name = "training"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("report.<str:fmt>", views.report_export, name="report"),
    path("courses/", views.courses, name="courses"),
    path("courses/new/", views.course_edit, name="course_create"),
    path("courses/<int:pk>/", views.course, name="course"),
    path("courses/<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("sessions/", views.sessions, name="sessions"),
    path("sessions/new/", views.session_edit, name="session_create"),
    path("sessions/<int:pk>/", views.session, name="session"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/cancel/", views.session_cancel, name="session_cancel"),
    path("sessions/<int:pk>/participants/new/", views.participant_add, name="participant_add"),
    path("sessions/<int:pk>/import/", views.participant_import, name="participant_import"),
    path("sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("sessions/<int:pk>/scores/", views.scores, name="scores"),
    path("sessions/<int:pk>/evaluation/", views.evaluation, name="evaluation"),
    path("sessions/<int:pk>/certificates/", views.certificates_session, name="certificates_session"),
    path("imports/<int:pk>/", views.import_preview, name="import_preview"),
    path("registrations/<int:pk>/certificate/", views.certificate_issue, name="certificate_issue"),
    path("certificates/<int:pk>/pdf/", views.certificate_pdf, name="certificate_pdf"),
    path("certificates/<int:pk>/revoke/", views.certificate_revoke, name="certificate_revoke"),
    path("officials/", views.officials, name="officials"),
    path("officials/<int:pk>/", views.official, name="official"),
    path("mine/", views.mine, name="mine"),
    path("mine/certificates/<int:pk>/pdf/", views.my_certificate, name="my_certificate"),
    path("meetings/", views.series_list, name="series_list"),
    path("meetings/new/", views.series_edit, name="series_create"),
    path("meetings/<int:pk>/", views.series, name="series"),
    path("meetings/<int:series_pk>/editions/new/", views.edition_edit, name="edition_create"),
    path("editions/<int:pk>/", views.edition, name="edition"),
    path("recommendations/<int:pk>/follow-up/", views.follow_up, name="follow_up"),
]

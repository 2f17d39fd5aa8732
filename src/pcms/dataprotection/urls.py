from django.urls import path

from pcms.dataprotection import views

app_name = "dataprotection"
urlpatterns = [
    path("", views.dpo_home, name="home"),
    path("review/", views.review_queue, name="review_queue"),
    path("review/<str:kind>/<uuid:pk>/", views.review_record, name="review_record"),
    path("audit/", views.audit_search, name="audit"),
    path("unusual/", views.unusual, name="unusual"),
    path("subject-access/", views.subject_access, name="subject_access"),
    path("corrections/", views.corrections, name="corrections"),
    path("corrections/<str:kind>/<uuid:pk>/", views.correction_add, name="correction_add"),
]

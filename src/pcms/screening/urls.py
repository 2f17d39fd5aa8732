from django.urls import path

from pcms.screening import views

app_name = "screening"
urlpatterns = [
    path("", views.screen, name="screen"),
    path("hits/", views.hits, name="hits"),
    path("hits/<uuid:pk>/", views.hit_detail, name="hit_detail"),
    path("duplicates/", views.duplicates, name="duplicates"),
    path("duplicates/<int:pk>/", views.decide_duplicate, name="decide_duplicate"),
]

from django.urls import path

from pcms.federation import views

app_name = "federation"
urlpatterns = [
    path("", views.peer_status, name="peers"),
]

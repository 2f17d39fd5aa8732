from django.urls import path

from pcms.exchange import views

app_name = "exchange"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("messages/", views.MessageListView.as_view(), name="message_list"),
    path("messages/new/", views.message_new, name="message_new"),
    path("messages/<uuid:pk>/", views.message_detail, name="message_detail"),
    path("messages/<uuid:pk>/reply/", views.message_reply, name="message_reply"),
    path("deliveries/<uuid:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("files/<uuid:pk>/", views.file_download, name="file_download"),
    path("consents/new/", views.consent_new, name="consent_new"),
    path("consents/<uuid:pk>/", views.consent_detail, name="consent_detail"),
    path("consents/<uuid:pk>/<str:decision>/", views.consent_decide, name="consent_decide"),
    path("requests/", views.RequestListView.as_view(), name="request_list"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<uuid:pk>/", views.request_detail, name="request_detail"),
    path("requests/<uuid:pk>/answer/", views.request_answer, name="request_answer"),
    path("requests/<uuid:pk>/decline/", views.request_decline, name="request_decline"),
    path("requests/<uuid:pk>/<str:step>/", views.request_step, name="request_step"),
    path("alerts/", views.AlertListView.as_view(), name="alert_list"),
    path("alerts/new/", views.alert_new, name="alert_new"),
    path("alerts/<uuid:pk>/", views.alert_detail, name="alert_detail"),
    path("alerts/<uuid:pk>/<str:step>/", views.alert_step, name="alert_step"),
    path("hits/", views.HitListView.as_view(), name="hit_list"),
    path("hits/<uuid:pk>/", views.hit_detail, name="hit_detail"),
    path("cases/", views.CaseListView.as_view(), name="case_list"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<uuid:pk>/", views.case_detail, name="case_detail"),
    path("cases/<uuid:pk>/link/", views.case_link, name="case_link"),
    path("cases/<uuid:pk>/share/", views.case_share, name="case_share"),
    path("cases/<uuid:pk>/close/", views.case_close, name="case_close"),
]

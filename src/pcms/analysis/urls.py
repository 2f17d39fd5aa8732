from django.urls import path

from pcms.analysis import views

app_name = "analysis"
urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("export/<slug:key>.<str:fmt>", views.export_table, name="export"),
    path("map/", views.map_page, name="map"),
    path("map/data/", views.map_data, name="map_data"),
    path("network/<uuid:pk>/", views.network_page, name="network"),
    path("network/<uuid:pk>/data/", views.network_data, name="network_data"),
    path("network/<uuid:pk>/ftm/", views.network_ftm, name="network_ftm"),
    path("network/<uuid:pk>/png/", views.network_png, name="network_png"),
    path("timeline/<uuid:pk>/", views.entity_timeline, name="entity_timeline"),
    path("cases/<uuid:pk>/timeline/", views.case_timeline, name="case_timeline"),
    path("bulletins/", views.bulletin_list, name="bulletin_list"),
    path("bulletins/new/", views.bulletin_create, name="bulletin_create"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin_detail"),
    path("bulletins/<int:pk>/edit/", views.bulletin_edit, name="bulletin_edit"),
    path("bulletins/<int:pk>/pdf/", views.bulletin_pdf, name="bulletin_pdf"),
    path("bulletins/<int:pk>/publish/", views.bulletin_publish, name="bulletin_publish"),
    path("bulletins/<int:pk>/send/", views.bulletin_send, name="bulletin_send"),
]

from django.contrib import admin
from django.urls import include, path

from pcms.api import api
from pcms.core import views as core_views
from pcms.training import views as training_views

urlpatterns = [
    path("healthz", core_views.healthz, name="healthz"),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("accounts/", include("pcms.accounts.urls")),
    path("training/", include("pcms.training.urls")),
    path("verify/<str:code>/", training_views.verify, name="verify"),
    path("records/", include("pcms.records.urls")),
    path("exchange/", include("pcms.exchange.urls")),
    path("screening/", include("pcms.screening.urls")),
    path("imports/", include("pcms.imports.urls")),
    path("dataprotection/", include("pcms.dataprotection.urls")),
    path("federation/", include("pcms.federation.urls")),
    path("analysis/", include("pcms.analysis.urls")),
    path("", include("pcms.core.urls")),
]

handler400 = "pcms.core.views.bad_request"
handler403 = "pcms.core.views.permission_denied"
handler404 = "pcms.core.views.page_not_found"
handler500 = "pcms.core.views.server_error"

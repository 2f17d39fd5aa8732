"""The REST API at /api/v1/: one NinjaAPI, each app contributing a router from its api.py."""

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.errors import AuthenticationError

from pcms.accounts.api import BearerToken
from pcms.accounts.api import router as accounts_router
from pcms.analysis.api import router as analysis_router
from pcms.exchange.api import router as exchange_router
from pcms.federation.api import router as federation_router
from pcms.imports.api import router as imports_router
from pcms.records.api import router as records_router
from pcms.reference.api import router as reference_router
from pcms.screening.api import router as screening_router
from pcms.training.api import router as training_router

api = NinjaAPI(
    title="pcms",
    version="1",
    description="Platform for police and judicial cooperation. Authenticate with "
    "`Authorization: Bearer <token>`; create a token with `pcms token create USERNAME` "
    "or on your account page.",
    auth=BearerToken(),
    urls_namespace="api",
)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError):
    message = exc.message
    if message == "Unauthorized":
        message = "Missing or invalid API token. Send `Authorization: Bearer <token>`."
    response = api.create_response(request, {"detail": message}, status=401)
    response["WWW-Authenticate"] = 'Bearer realm="pcms"'
    return response


api.add_router("/", accounts_router)
api.add_router("/reference/", reference_router)
api.add_router("/records/", records_router)
api.add_router("/exchange/", exchange_router)
api.add_router("/", screening_router)
api.add_router("/", imports_router)
api.add_router("/training/", training_router)
api.add_router("/federation/", federation_router)
api.add_router("/analysis/", analysis_router)

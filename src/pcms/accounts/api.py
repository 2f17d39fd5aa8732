"""API authentication by bearer token, and the caller's own profile."""

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer

from pcms.accounts.models import ApiToken


class TokenExpired(AuthenticationError):
    def __init__(self) -> None:
        super().__init__(message="The API token has expired. Create a new one on your account page.")


class BearerToken(HttpBearer):
    """`Authorization: Bearer pcms_...`: the token's user, with that user's permissions."""

    def authenticate(self, request: HttpRequest, token: str):
        found = ApiToken.objects.authenticate(token)
        if found is None or not found.user.is_active:
            return None
        if found.is_expired:
            raise TokenExpired()
        now = timezone.now()
        if found.last_used_at is None or (now - found.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class MeOut(Schema):
    username: str
    first_name: str
    last_name: str
    platform: str
    agency: str | None
    roles: list[str]
    language: str


router = Router(tags=["accounts"])


@router.get("/me", response=MeOut, summary="The signed-in user, their platform and roles")
def me(request: HttpRequest):
    user = request.user
    return MeOut(
        username=user.username, first_name=user.first_name, last_name=user.last_name,
        platform=user.platform_code, agency=user.agency.code if user.agency_id else None,
        roles=sorted(user.roles), language=user.language,
    )

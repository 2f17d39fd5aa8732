"""TOTP enrolment and verification, with one-time recovery codes, on top of django-otp."""

import secrets

import segno
from django.contrib.auth import get_user_model
from django_otp import devices_for_user
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

User = get_user_model()
RECOVERY_CODES = 10


def has_device(user: User) -> bool:
    return any(True for _device in devices_for_user(user, confirmed=True))


def pending_totp(user: User) -> TOTPDevice:
    """The unconfirmed authenticator being enrolled, created on first visit."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000", light="#fff")


def secret_text(device: TOTPDevice) -> str:
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def verify(request, code: str) -> bool:
    """Check a code against the user's confirmed devices and mark the session verified."""
    for device in devices_for_user(request.user, confirmed=True):
        if device.verify_token(code):
            otp_login(request, device)
            return True
    return False


def confirm(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm enrolment with a first code; return fresh recovery codes, or None if wrong."""
    if not device.verify_token(code):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    return issue_recovery_codes(request.user)


def issue_recovery_codes(user: User) -> list[str]:
    static, _created = StaticDevice.objects.get_or_create(user=user, name="recovery")
    static.token_set.all().delete()
    codes = [secrets.token_hex(5) for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=code) for code in codes)
    return codes

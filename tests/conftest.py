"""Fixtures shared by every test: users of each role on each platform, signed in with TOTP."""

import os
import shutil

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pcms.accounts.models import User
from pcms.audit import guards
from pcms.reference.models import Agency, Platform

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup):
    """`make test` says which database it means to test; running on another fails loudly."""
    expected = os.environ.get("PCMS_TEST_EXPECT_DB")
    if expected and connection.vendor != expected:
        pytest.fail(f"expected the {expected} database but the suite runs on {connection.vendor}")


@pytest.fixture(autouse=True)
def _append_only_audit(request):
    """Keep the audit triggers in place during every test; lift them only for the flush that
    pytest-django runs after a transactional test (browser tests, live servers)."""
    marker = request.node.get_closest_marker("django_db")
    used = {"db", "transactional_db", "live_server", "django_db_reset_sequences"}
    if not (used & set(request.fixturenames) or marker):
        yield
        return
    transactional = bool(
        {"live_server", "transactional_db"} & set(request.fixturenames)
        or (marker and marker.kwargs.get("transaction"))
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    guards.install(connection)
    yield
    if transactional:
        guards.remove(connection)


@pytest.fixture(autouse=True)
def _default_language():
    """A signed-in user's request activates their language for the thread, as it should for the
    rest of that request; each test starts again in the node's default language."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _fresh_match_index(request, tmp_path):
    """Each test gets its own data folder for the node's match index, like a new node."""
    if "settings" not in request.fixturenames and not {"db", "transactional_db", "live_server"} & set(
        request.fixturenames
    ):
        yield
        return
    from pcms.screening import nodeindex

    settings = request.getfixturevalue("settings")
    settings.DATA_DIR = tmp_path
    nodeindex.reset()
    yield
    nodeindex.reset()


def current_totp(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.fixture
def make_user(db):
    def make(username: str, *roles: str, platform: str = "NE", agency_kind: str | None = "police",
             totp_device: bool = True) -> User:
        home = Platform.objects.get(code=platform)
        agency = (Agency.objects.filter(country=home.country, kind=agency_kind).first()
                  if agency_kind else None)
        user = User.objects.create_user(username, password=PASSWORD, platform=home, agency=agency,
                                        first_name=username.title(), last_name="Test")
        for role in roles:
            user.groups.add(Group.objects.get(name=role))
        if totp_device:
            TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
        return user

    return make


def sign_in(client, user: User) -> None:
    """A client session that passed both steps, as after a real sign-in."""
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    device = user.totpdevice_set.get()
    response = client.post("/accounts/two-factor/", {"token": current_totp(device)})
    assert response.status_code == 302, response.content[:500]


@pytest.fixture
def officer(make_user):
    return make_user("officer", "officer")


@pytest.fixture
def officer_client(client, officer):
    sign_in(client, officer)
    return client


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = os.environ.get("PCMS_CHROMIUM") or shutil.which("chromium")
    if not path:
        pytest.fail("Debian's chromium package is required for browser tests: "
                    "apt-get install chromium (or set PCMS_CHROMIUM)")
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, chromium_path):
    return {
        **browser_type_launch_args,
        "executable_path": chromium_path,
        "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"],
    }


def page_text(response) -> str:
    """The page as a reader sees its text: entities such as &#x27; decoded."""
    import html

    return html.unescape(response.content.decode())

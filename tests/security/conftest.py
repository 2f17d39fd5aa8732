"""A world of users and objects built once per module, inside a transaction rolled back at the end;
each test runs in a savepoint of it, and each request the matrix sends in one more."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test.utils import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from pcms.accounts.models import User
from pcms.audit import guards
from pcms.reference.models import Agency, Platform
from tests.conftest import PASSWORD
from tests.records.conftest import new_report, validated_report  # noqa: F401 - shared fixtures
from tests.security import world as worlds


def make_user(username: str, *roles: str, platform: str = "NE") -> User:
    home = Platform.objects.get(code=platform)
    agency = Agency.objects.filter(country=home.country, kind="police").first()
    user = User.objects.create_user(username, password=PASSWORD, platform=home, agency=agency,
                                    first_name=username.title(), last_name="Test")
    user.groups.add(*Group.objects.filter(name__in=roles))
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    return user


@pytest.fixture(scope="module")
def built_world(django_db_setup, django_db_blocker, tmp_path_factory):
    from pcms.screening import nodeindex

    folder = tmp_path_factory.mktemp("node")
    # override_settings tells the file storage, which keeps its folder, that it changed.
    with override_settings(DATA_DIR=folder, MEDIA_ROOT=folder / "media"), django_db_blocker.unblock():
        nodeindex.reset()
        outer = transaction.atomic()
        outer.__enter__()
        try:
            guards.install(connection)
            built = worlds.build(make_user)
            built.media_root = folder / "media"
            yield built
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            nodeindex.reset()


@pytest.fixture
def world(built_world, settings, _fresh_match_index):
    """The module's world, its uploaded files where the world put them."""
    settings.MEDIA_ROOT = built_world.media_root
    return built_world

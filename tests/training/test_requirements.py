"""A platform may require its tutoring before it grants the officer role."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction

from pcms.reference.models import Platform
from pcms.training import services
from pcms.training.models import TrainingRequirement
from tests.conftest import sign_in
from tests.training.conftest import attend, make_official


@pytest.fixture
def required(tutoring):
    return TrainingRequirement.objects.create(platform=Platform.objects.get(code="NE"), course=tutoring)


@pytest.fixture
def tutoring_session(tutoring):
    from datetime import date

    from pcms.training.models import Session

    return Session.objects.create(course=tutoring, starts_on=date(2025, 2, 3), ends_on=date(2025, 2, 5),
                                  place="Niamey", country_id="NE", organiser="Plateforme nationale")


def test_officer_role_is_refused_without_the_tutoring_and_names_the_course(make_user, required):
    user = make_user("recruit", totp_device=False)
    with pytest.raises(ValidationError) as error, transaction.atomic():
        user.groups.add(Group.objects.get(name="officer"))
    assert "Tutorat de la plateforme nationale" in str(error.value)
    assert not user.groups.exists()


def test_officer_role_is_granted_once_the_tutoring_is_completed(make_user, required, tutoring_session,
                                                                 coordinator):
    user = make_user("recruit", totp_device=False)
    official = make_official("Issa", "Hamani")
    services.link_account(official, user, actor=coordinator)
    attend(tutoring_session, official, days=2)
    with pytest.raises(ValidationError), transaction.atomic():
        user.groups.add(Group.objects.get(name="officer"))
    official.registrations.update(days_present=3, completed=True)
    user.groups.add(Group.objects.get(name="officer"))
    assert user.groups.filter(name="officer").exists()


def test_requirement_applies_only_to_its_platform_and_role(make_user, required):
    make_user("elsewhere", "officer", platform="ML")
    make_user("analyst-ne", "analyst")


def test_adding_users_through_the_group_is_checked_too(make_user, required):
    user = make_user("recruit", totp_device=False)
    with pytest.raises(ValidationError), transaction.atomic():
        Group.objects.get(name="officer").user_set.add(user)


def test_user_form_of_the_administration_shows_the_missing_course(client, make_user, required):
    admin = make_user("root", "administrator", platform="RG")
    user = make_user("recruit", totp_device=False)
    sign_in(client, admin)
    page = client.get(f"/admin/accounts/user/{user.pk}/change/")
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update({"groups": [Group.objects.get(name="officer").pk], "date_joined_0": "2025-01-01",
                 "date_joined_1": "10:00:00", "last_login_0": "", "last_login_1": ""})
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("password", None)
    response = client.post(f"/admin/accounts/user/{user.pk}/change/", data)
    assert response.status_code == 200
    assert "Tutorat de la plateforme nationale" in response.content.decode()
    assert not user.groups.exists()

import pytest

from pcms.records import actions
from pcms.records.models import Entity, Report
from pcms.records.search import search_entities
from pcms.records.visibility import can_read, readable


def visible(user, model=Report):
    return set(readable(model.objects.all(), user))


@pytest.mark.parametrize("dissemination,recipients,readers", [
    ("own", (), {"NE"}),
    ("regional", (), {"NE", "RG"}),
    ("named", ("ML",), {"NE", "ML"}),
    ("all", (), {"NE", "ML", "BF", "MR", "TD", "RG"}),
])
def test_handling_code_decides_which_platforms_read(
    validated_report, make_user, dissemination, recipients, readers
):
    report = validated_report(dissemination=dissemination, recipients=recipients)
    for code in ("NE", "ML", "BF", "MR", "TD", "RG"):
        reader = make_user(f"analyst-{code}", "analyst", platform=code)
        assert can_read(reader, report) == (code in readers), code
        entity = Entity.objects.get(origin=report)
        assert can_read(reader, entity) == (code in readers), code


def test_nothing_leaves_the_platform_before_validation(new_report, officer, make_user):
    report = new_report(officer, dissemination="all")
    actions.add_entity(officer, report, "Person", {"name": ["Aliou Maïga"]})
    actions.submit(officer, report)
    other = make_user("ml", "officer", platform="ML")
    assert visible(other) == set()
    assert visible(other, Entity) == set()
    assert visible(make_user("colleague", "analyst")) == {report}


def test_clearance_limits_reading(validated_report, make_user):
    def with_secret_clearance(user):
        user.clearance = 3
        user.save()
        return user

    report = validated_report(author=with_secret_clearance(make_user("a", "officer")),
                              validator=with_secret_clearance(make_user("v", "supervisor")),
                              classification=3)
    cleared = with_secret_clearance(make_user("cleared", "analyst"))
    limited = make_user("limited", "analyst")
    assert can_read(cleared, report)
    assert not can_read(limited, report)


def test_roles_without_need_to_know_read_nothing(validated_report, make_user):
    validated_report()
    assert visible(make_user("coord", "coordinator")) == set()
    assert visible(make_user("admin", "administrator")) == set()


def test_search_finds_arabic_script_from_latin_and_respects_handling(new_report, make_user):
    author = make_user("author", "officer")
    report = new_report(author, dissemination="own")
    actions.add_entity(author, report, "Person", {"name": ["محمد ولد عبد الله"]})
    actions.add_entity(author, report, "Person", {"name": ["Fatimata Diallo"]})
    mine = readable(Entity.objects.all(), author)
    assert [e.caption for e in search_entities(mine, "Mohamed")] == ["محمد ولد عبد الله"]
    assert [e.caption for e in search_entities(mine, "محمد")] == ["محمد ولد عبد الله"]
    assert [e.caption for e in search_entities(mine, "fatim dial")] == ["Fatimata Diallo"]
    outsider = make_user("ml", "officer", platform="ML")
    assert list(search_entities(readable(Entity.objects.all(), outsider), "Mohamed")) == []

"""Phones and firearms: schemata the platform adds to followthemoney, read as data."""

import pytest

from pcms.matching import InvalidEntity, MatchIndex, compare

from .helpers import entity


def phone(**props):
    return entity("Phone", **props)


def firearm(**props):
    return entity("Firearm", **props)


def level(result, code):
    return next(e.level for e in result.explanation if e.code == code)


def test_phone_matches_on_its_number_written_without_country_code():
    result = compare(phone(number="+227 96 12 34 56"), phone(number="96 12 34 56"), region="NE")
    assert result.is_match and level(result, "phone_number") == "exact"


def test_handset_matches_on_imei_with_or_without_its_check_digit():
    a = phone(number="+22796123456", imei="35-209900-176148-1")
    b = phone(number="+22390123456", imei="35209900176148")
    result = compare(a, b)
    assert level(result, "imei") == "exact" and result.is_match


def test_phones_with_nothing_in_common_do_not_match():
    a = phone(number="+22796123456", imei="352099001761481", imsi="614040123456789")
    b = phone(number="+22796123457", imei="490154203237518", imsi="614040987654321")
    assert not compare(a, b).is_match


def test_firearm_matches_on_serial_number_with_make_as_support():
    a = firearm(serialNumber="KA 1234567", make="Kalashnikov", model="AK-47")
    b = firearm(serialNumber="ka-1234567", make="KALASHNIKOV Concern")
    result = compare(a, b)
    assert result.is_match
    assert level(result, "serial_number") == "exact" and level(result, "make") == "agree"


def test_same_serial_number_of_another_make_is_another_weapon():
    a = firearm(serialNumber="AB12345", make="Glock")
    assert not compare(a, firearm(serialNumber="AB12345", make="Beretta")).is_match


def test_misread_serial_number_needs_the_make_and_model():
    a = firearm(serialNumber="AB123456", make="Glock", model="17")
    assert level(compare(a, firearm(serialNumber="AB128456")), "serial_number") == "close"
    assert not compare(a, firearm(serialNumber="AB128456")).is_match
    assert compare(a, firearm(serialNumber="AB128456", make="Glock GmbH", model="Glock 17")).is_match


def test_phone_firearm_and_person_never_match_each_other():
    a = firearm(serialNumber="96123456")
    assert not compare(a, phone(number="96123456")).is_match
    holder = entity("Person", name="Moussa Traore", phone="96123456")
    assert not compare(holder, phone(number="96123456")).is_match


def test_index_finds_phones_and_firearms():
    index = MatchIndex(region="NE")
    index.add("gun-1", firearm(serialNumber="AB 12345", make="Glock", model="17"))
    index.add("line-1", phone(number="96 12 34 56", imei="352099001761481"))
    index.add("person-1", entity("Person", name="Moussa Traore", phone="96123456"))
    assert [i for i, _ in index.search(firearm(serialNumber="ab-12345"), matches_only=True)] == ["gun-1"]
    assert [i for i, _ in index.search(phone(number="+22796123456"), matches_only=True)] == ["line-1"]
    assert [i for i, _ in index.search(phone(imei="35209900176148"), matches_only=True)] == ["line-1"]


def test_an_unknown_schema_is_still_refused():
    with pytest.raises(InvalidEntity):
        compare(entity("Spaceship", serialNumber="1"), firearm(serialNumber="1"))

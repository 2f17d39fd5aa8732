from django.utils import translation

from pcms.reference.models import Agency, Country, Platform, Region


def test_six_platforms_of_the_network_are_seeded(db):
    assert set(Platform.objects.values_list("code", flat=True)) == {"RG", "MR", "ML", "BF", "NE", "TD"}
    assert Platform.objects.get(code="RG").is_regional


def test_more_platforms_can_be_added(db):
    Platform.objects.create(code="SN", country_id="SN", name_fr="Plateforme du Sénégal",
                            name_en="Senegal platform")
    assert Platform.objects.count() == 7


def test_countries_have_three_languages(db):
    niger = Country.objects.get(code="NE")
    assert (niger.name_fr, niger.name_en, niger.name_ar) == ("Niger", "Niger", "النّيجر")
    with translation.override("ar"):
        assert Country.objects.get(code="TD").name == "تشاد"
    assert Country.objects.count() > 240


def test_regions_of_member_states_have_arabic_names(db):
    for code in ("MR", "ML", "BF", "NE", "TD"):
        regions = Region.objects.filter(country_id=code)
        assert regions.count() >= 8
        assert all(region.name_ar for region in regions), code


def test_each_member_state_has_its_services(db):
    kinds = set(Agency.objects.filter(country_id="ML").values_list("kind", flat=True))
    assert {"police", "gendarmerie", "national_guard", "customs", "justice"} <= kinds


def test_reference_api_requires_a_token_and_lists_platforms(client, officer):
    from pcms.accounts.models import ApiToken

    assert client.get("/api/v1/reference/platforms").status_code == 401
    _token, key = ApiToken.issue(officer)
    response = client.get("/api/v1/reference/regions?country=ne",
                          HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200
    assert {"code": "NE-8"}.items() <= next(r for r in response.json() if r["code"] == "NE-8").items()

"""Read-only reference data: platforms, agencies, countries and regions."""

from django.http import HttpRequest
from ninja import Router, Schema

from pcms.reference.models import Agency, Country, Platform, Purpose, Region


class NamedOut(Schema):
    code: str
    name_fr: str
    name_en: str
    name_ar: str


class PlatformOut(NamedOut):
    country: str
    is_regional: bool
    city: str


class AgencyOut(NamedOut):
    country: str
    kind: str
    abbreviation: str


class CountryOut(NamedOut):
    alpha3: str


class RegionOut(NamedOut):
    country: str
    category: str


router = Router(tags=["reference"])


@router.get("/platforms", response=list[PlatformOut], summary="Platforms of the network")
def platforms(request: HttpRequest):
    return [
        PlatformOut(code=p.code, name_fr=p.name_fr, name_en=p.name_en, name_ar=p.name_ar,
                    country=p.country_id, is_regional=p.is_regional, city=p.city)
        for p in Platform.objects.filter(is_active=True)
    ]


@router.get("/agencies", response=list[AgencyOut], summary="National services")
def agencies(request: HttpRequest, country: str | None = None):
    queryset = Agency.objects.filter(is_active=True)
    if country:
        queryset = queryset.filter(country_id=country.upper())
    return [
        AgencyOut(code=a.code, name_fr=a.name_fr, name_en=a.name_en, name_ar=a.name_ar,
                  country=a.country_id, kind=a.kind, abbreviation=a.abbreviation)
        for a in queryset
    ]


@router.get("/countries", response=list[CountryOut], summary="ISO 3166 countries")
def countries(request: HttpRequest):
    return [
        CountryOut(code=c.code, alpha3=c.alpha3, name_fr=c.name_fr, name_en=c.name_en,
                   name_ar=c.name_ar)
        for c in Country.objects.all()
    ]


@router.get("/regions", response=list[RegionOut], summary="Regions of the member states")
def regions(request: HttpRequest, country: str | None = None):
    queryset = Region.objects.all()
    if country:
        queryset = queryset.filter(country_id=country.upper())
    return [
        RegionOut(code=r.code, name_fr=r.name_fr, name_en=r.name_en, name_ar=r.name_ar,
                  country=r.country_id, category=r.category)
        for r in queryset
    ]


class PurposeOut(NamedOut):
    legal_basis: str


@router.get("/purposes", response=list[PurposeOut], summary="Purposes and legal bases")
def purposes(request: HttpRequest):
    return [
        PurposeOut(code=p.code, name_fr=p.name_fr, name_en=p.name_en, name_ar=p.name_ar,
                   legal_basis=p.legal_basis)
        for p in Purpose.objects.filter(is_active=True)
    ]

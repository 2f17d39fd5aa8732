"""Countries, administrative regions, platforms and agencies: who and where, shared by every app."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from pcms.reference.choices import AgencyKind


class LocalizedName(models.Model):
    """A name in French, English and Arabic, shown in the reader's language."""

    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_ar = models.CharField(_("name (Arabic)"), max_length=200, blank=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        language = (get_language() or "fr")[:2]
        return getattr(self, f"name_{language}", "") or self.name_fr or self.name_en


class Country(LocalizedName):
    code = models.CharField(_("ISO 3166 code"), max_length=2, primary_key=True)
    alpha3 = models.CharField(_("ISO alpha-3 code"), max_length=3, unique=True)

    class Meta:
        ordering = ["name_fr"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")


class Region(LocalizedName):
    """An ISO 3166-2 subdivision (region, province, district) of a country."""

    code = models.CharField(_("ISO 3166-2 code"), max_length=10, primary_key=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="regions",
                                verbose_name=_("country"))
    category = models.CharField(_("category"), max_length=40)

    class Meta:
        ordering = ["country_id", "name_fr"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")


class Platform(LocalizedName):
    """A national platform or the regional platform: one node of the network."""

    code = models.CharField(_("code"), max_length=8, unique=True,
                            help_text=_("Two to eight capital letters, e.g. NE; RG for regional."))
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="platforms",
                                verbose_name=_("country"))
    is_regional = models.BooleanField(_("regional platform"), default=False)
    city = models.CharField(_("seat"), max_length=100, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["-is_regional", "code"]
        verbose_name = _("platform")
        verbose_name_plural = _("platforms")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Agency(LocalizedName):
    """A national service that reports to its country's platform."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="agencies",
                                verbose_name=_("country"))
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    abbreviation = models.CharField(_("abbreviation"), max_length=20, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["country_id", "kind", "name_fr"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")


class Purpose(LocalizedName):
    """Why a record is kept, a person screened or a request made, and on which legal basis.

    The list is configured by the administrator; every report, screening and request names one.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name_fr"]
        verbose_name = _("purpose")
        verbose_name_plural = _("purposes")

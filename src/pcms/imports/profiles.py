"""Export profiles: how much of each record leaves the node, by what the recipient needs.

Minimisation is decided by property type, so a schema added later is covered without code:
"without contact details" drops phones, e-mails, addresses, web sites and IP addresses (and
the phone and address entities themselves); "identification only" keeps what identifies a person,
an organisation or an object (names, identifiers, nationality, sex, date and place of birth) and
the links between them, and drops narratives, notes and events.
"""

from followthemoney.types import registry

from pcms.imports.choices import ExportProfile

CONTACT_TYPES = {registry.phone, registry.email, registry.address, registry.url, registry.ip}
CONTACT_SCHEMATA = {"Address", "Phone"}
IDENTIFYING_TYPES = {registry.name, registry.identifier, registry.country, registry.gender,
                     registry.entity}
IDENTIFYING_PROPERTIES = {"birthDate", "birthPlace", "deathDate", "make", "model", "calibre",
                          "registrationNumber", "type"}
NOT_IDENTIFYING_SCHEMATA = CONTACT_SCHEMATA | {"Note", "Event"}


def keeps_schema(profile: str, schema) -> bool:
    if profile == ExportProfile.NO_CONTACT:
        return schema.name not in CONTACT_SCHEMATA
    if profile == ExportProfile.IDENTIFICATION:
        return schema.name not in NOT_IDENTIFYING_SCHEMATA
    return True


def keeps_property(profile: str, prop) -> bool:
    if profile == ExportProfile.NO_CONTACT:
        return prop.type not in CONTACT_TYPES and prop.name != "addressEntity"
    if profile == ExportProfile.IDENTIFICATION:
        return (prop.type in IDENTIFYING_TYPES or prop.name in IDENTIFYING_PROPERTIES) \
            and prop.name != "addressEntity"
    return True


def keeps_narrative(profile: str) -> bool:
    return profile != ExportProfile.IDENTIFICATION

"""Officer-readable labels for the matcher's evidence codes."""

from django.utils.translation import gettext_lazy as _

FEATURES = {
    "name": _("Name"), "birth_date": _("Date of birth"), "nationality": _("Nationality"),
    "gender": _("Sex"), "identifier": _("Identifiers"), "phone": _("Phone"),
    "address": _("Address"), "country": _("Country"), "plate": _("Registration plate"),
    "vin": _("VIN"), "document_number": _("Document number"), "phone_number": _("Phone number"),
    "imei": _("IMEI"), "imsi": _("IMSI"), "serial_number": _("Serial number"), "make": _("Make"),
    "model": _("Model"),
}
VERDICTS = {
    "agree": _("agrees"), "partial": _("partly agrees"), "disagree": _("disagrees"),
    "missing": _("not known on both sides"),
}


def evidence_rows(explanation: list[dict]) -> list[dict]:
    return [{**item, "label": FEATURES.get(item["code"], item["code"]),
             "verdict_label": VERDICTS.get(item["verdict"], item["verdict"])}
            for item in explanation]

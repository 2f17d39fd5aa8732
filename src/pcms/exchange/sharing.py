"""Records sent with messages, requests and answers, within their owner's handling code.

Before anything is stored, `plan()` decides for each record how it may travel to the recipients:
in full when the sender owns it, when its handling code lets it go further, when every recipient
may already read it, or when its owner consented; otherwise it is withheld, and the whole sending
is refused, unless the sender chose to send a notice that a hit exists (owner platform and
reference only), which the owner allows through the record's `hit_notice`. A record sent in full
is granted to the recipient platforms (`RecordGrant`), which `pcms.records.visibility` consults.
"""

import uuid
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _

from pcms.exchange.choices import ConsentStatus, ShareMode
from pcms.exchange.models import ConsentRequest, RecordGrant, SharedRecord
from pcms.records.choices import Status
from pcms.records.models import Entity, Report
from pcms.records.visibility import can_read, in_audience, may_pass_on, readable


class ExchangeError(Exception):
    """Input that cannot be sent, with one message per field; nothing was stored."""

    def __init__(self, errors: dict[str, str], withheld: list["Withheld"] | None = None) -> None:
        super().__init__("; ".join(f"{name}: {message}" for name, message in errors.items()))
        self.errors = errors
        self.withheld = withheld or []


@dataclass(frozen=True)
class Withheld:
    """A record that may not go to some of the recipients without its owner's consent."""

    record: Report | Entity
    platforms: tuple = ()

    @property
    def owner(self):
        return self.record.owner

    @property
    def reference(self) -> str:
        return record_reference(self.record)

    @property
    def kind(self) -> str:
        return self.record._meta.model_name


@dataclass
class Plan:
    """How each record travels; built before anything is written."""

    full: list = field(default_factory=list)
    notices: list = field(default_factory=list)


def record_reference(record) -> str:
    """What the owner knows a record by: a report's reference, an entity's report and number."""
    if isinstance(record, Report):
        return record.reference
    prefix = f"{record.origin.reference} · " if record.origin_id else ""
    return f"{prefix}{str(record.pk)[:8]}"


def granted(model, platform) -> Q:
    """Records of `model` sent to `platform` within the rules (registered with records)."""
    name = model._meta.model_name
    if name not in ("report", "entity"):
        return Q(pk__in=[])
    return Q(Exists(RecordGrant.objects.filter(platform_id=platform.pk, **{name: OuterRef("pk")})))


def resolve(user, references) -> list:
    """Reports by their reference and entities by their identifier, among those `user` reads."""
    records, unknown = [], []
    for reference in dict.fromkeys(str(r).strip() for r in references if str(r).strip()):
        found = readable(Report.objects.filter(reference=reference), user).first()
        if found is None:
            try:
                found = readable(Entity.objects.filter(pk=uuid.UUID(reference)), user).first()
            except ValueError:
                found = None
        if found is None:
            unknown.append(reference)
        else:
            records.append(found)
    if unknown:
        raise ExchangeError({"records": _("No record %(references)s that you may read.")
                             % {"references": ", ".join(unknown)[:300]}})
    return records


def consented(record, requester, platforms) -> bool:
    """Whether the owner consented that `requester` pass `record` on to all of `platforms`."""
    name = record._meta.model_name
    allowed = set()
    for consent in ConsentRequest.objects.filter(
            requester=requester, status=ConsentStatus.GRANTED, **{name: record}
    ).prefetch_related("recipients"):
        allowed |= {p.pk for p in consent.recipients.all()}
    return {p.pk for p in platforms} <= allowed


def plan(user, records, recipients, *, notice: bool = False) -> Plan:
    """Decide how each record may go to `recipients`; refuse the whole sending if one may not."""
    result, withheld, errors = Plan(), [], {}
    for record in records:
        reference = record_reference(record)
        if not can_read(user, record):
            errors["records"] = _("No record %(references)s that you may read.") % {
                "references": reference}
            continue
        if record.status != Status.VALIDATED:
            errors["records"] = _("%(reference)s is not validated: nothing leaves the platform "
                                  "before a supervisor validates it.") % {"reference": reference}
            continue
        beyond = [p for p in recipients
                  if p.pk != record.owner_id and not in_audience(record, p)]
        if not beyond or may_pass_on(user, record) or consented(record, user.platform, beyond):
            result.full.append(record)
        elif notice and record.hit_notice:
            result.notices.append(record)
        else:
            withheld.append(Withheld(record, tuple(beyond)))
    if errors:
        raise ExchangeError(errors)
    if withheld:
        if notice:
            message = _("The owner of %(references)s does not let others learn that it exists: "
                        "ask the owner for consent.")
        else:
            message = _("%(references)s may not be passed on without the consent of its owner: "
                        "send a notice that a hit exists instead, or ask the owner for consent.")
        references = ", ".join(f"{w.reference} ({w.owner.code})" for w in withheld)
        raise ExchangeError({"records": message % {"references": references}}, withheld)
    return result


def share(user, decided: Plan, platforms, *, message=None, request=None,
          in_answer: bool = False) -> list[SharedRecord]:
    """Store the planned records with their message or request, and grant those sent in full."""
    shared = []
    for mode, records in ((ShareMode.FULL, decided.full), (ShareMode.NOTICE, decided.notices)):
        for record in records:
            shared.append(SharedRecord.objects.create(
                message=message, request=request, in_answer=in_answer, mode=mode,
                owner_id=record.owner_id, reference=record_reference(record),
                **{record._meta.model_name: record}))
    if platforms:
        grant(user, decided.full, platforms, message=message, request=request)
    return shared


def grant(user, records, platforms, *, message=None, request=None) -> None:
    """Let `platforms` read `records` (and the entities first reported in a report)."""
    for record in records:
        items = [record]
        if isinstance(record, Report):
            items += list(Entity.objects.filter(origin=record))
        for item in items:
            for platform in platforms:
                if platform.pk == item.owner_id:
                    continue
                RecordGrant.objects.get_or_create(
                    platform=platform, **{item._meta.model_name: item},
                    defaults={"granted_by": user, "via_message": message, "via_request": request})

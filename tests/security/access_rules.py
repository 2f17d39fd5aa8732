"""Who may use each page and API operation: the one table the authorisation matrix checks.

Every URL pattern of the node (admin excepted: its own rule below) and every operation of
`/api/v1/openapi.json` must have an entry here; a route without one fails the build with its name.

An entry says who may use the route (`use`), and for routes about an object, which object fills
the address (`obj`, a kind made by `tests/security/world.py`) and who may at least know that the
object exists (`see`, by default whoever may use it). Objects belong to NE, the node's platform,
and come in two handlings: `own` (kept to NE) and `all` (shared with ML). The matrix asks every
role of NE and of ML, and an anonymous visitor, in both handlings, and expects:

- allowed: a 2xx, or a 3xx that does not lead to the sign-in page;
- refused, for someone who may see the object (or a route without object): 403 or 404;
- refused, for someone who may not see the object: 404, as if it did not exist;
- anonymous: redirected to the sign-in page (pages), 401 (API), unless the route is public.

Federation operations authenticate peers by signature, never users: `peer=True`, and every user
token is refused like no token at all.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from tests.security.world import Principal

Check = Callable[[Principal, str], bool]


class Who:
    """A set of (principal, handling) pairs, combined with `|`."""

    def __init__(self, check: Check) -> None:
        self.check = check

    def __call__(self, principal: Principal, variant: str) -> bool:
        return bool(principal.role) and self.check(principal, variant)

    def __or__(self, other: "Who") -> "Who":
        return Who(lambda p, v: self(p, v) or other(p, v))


def own(*roles: str) -> Who:
    """These roles on the platform that owns the object (NE)."""
    return Who(lambda p, v: p.home and p.role in roles)


def shared(*roles: str) -> Who:
    """These roles on another platform, when the object is shared with it (handling `all`)."""
    return Who(lambda p, v: not p.home and v == "all" and p.role in roles)


def anywhere(*roles: str) -> Who:
    """These roles on any platform, whatever the object's handling."""
    return Who(lambda p, v: p.role in roles)


def only(name: str) -> Who:
    """One user: the one who made the object (e.g. `officer-ne`)."""
    return Who(lambda p, v: p.name == name)


NOBODY = Who(lambda p, v: False)
ALL_ROLES = ("officer", "supervisor", "analyst", "dpo", "coordinator", "administrator")
OPS = ("officer", "supervisor", "analyst", "dpo")  # need-to-know roles (records)
EDITORS = ("officer", "supervisor")
SENDERS = ("officer", "supervisor", "analyst")
MANAGERS = ("coordinator", "administrator")
SIGNED_IN = anywhere(*ALL_ROLES)


@dataclass(frozen=True)
class Rule:
    use: Who = NOBODY
    see: Who | None = None
    obj: str | None = None
    # Path arguments besides the object's key, or all of them when computed from the world.
    args: dict | Callable = field(default_factory=dict)
    key: str = "pk"
    method: str = "get"
    data: dict | Callable | None = None
    public: bool = False
    peer: bool = False
    # The address itself, for a pattern that is a regular expression.
    url: Callable | None = None
    # Outcomes that still count as allowed (an action refused for its state, not for its user).
    also_ok: tuple[int, ...] = ()

    @property
    def variants(self) -> tuple[str, ...]:
        return ("own", "all") if self.obj else ("-",)

    def sees(self, principal: Principal, variant: str) -> bool:
        return (self.see or self.use)(principal, variant) or self.use(principal, variant)


REPORT = {"title": "Rapport fictif", "category": "terrorism", "purpose": "terrorism-investigation",
          "source_reliability": "B", "credibility": "2", "dissemination": "own"}
READ = own(*OPS) | shared(*OPS)           # a record: its platform, and those it is shared with
EDIT = own(*EDITORS)
EXCHANGE_READ = own(*OPS) | shared(*OPS)  # messages, requests, alerts, cases: sender and addressee
def post(**kwargs) -> dict:
    return {"method": "post", "data": kwargs.pop("data", {}), **kwargs}


PAGES: dict[str, Rule] = {
    # core and accounts
    "healthz": Rule(public=True),
    "core:home": Rule(use=SIGNED_IN),
    "core:set_language": Rule(public=True, **post(data={"language": "en"})),
    "core:notifications": Rule(use=SIGNED_IN),
    "core:notifications_read": Rule(use=SIGNED_IN, **post()),
    "accounts:login": Rule(public=True),
    "accounts:logout": Rule(public=True, **post()),
    "accounts:two_factor_verify": Rule(use=SIGNED_IN),
    "accounts:two_factor_setup": Rule(use=SIGNED_IN),
    "accounts:account": Rule(use=SIGNED_IN),
    "accounts:revoke_token": Rule(use=only("officer-ne"), see=NOBODY, obj="token", **post()),
    "verify": Rule(public=True, args=lambda w, v: {"code": w.get("certificate").code}),
    # records
    "records:report_list": Rule(use=anywhere(*OPS)),
    "records:report_create": Rule(use=anywhere(*EDITORS)),
    "records:report_detail": Rule(use=READ, obj="report"),
    "records:report_edit": Rule(use=EDIT, see=READ, obj="report"),
    "records:entity_add": Rule(use=EDIT, see=READ, obj="report"),
    "records:relation_add": Rule(use=EDIT, see=READ, obj="report"),
    "records:report_submit": Rule(use=EDIT, see=READ, obj="draft", **post()),
    "records:report_validate": Rule(use=own("supervisor"), see=READ, obj="submitted", **post()),
    "records:report_return": Rule(use=own("supervisor"), see=READ, obj="submitted", **post()),
    "records:report_version": Rule(use=own(*OPS), see=READ, obj="version",
                                   args=lambda w, v: {"pk": w.get("version", v).report_id,
                                                      "version": w.get("version", v).version}),
    "records:attachment_upload": Rule(use=EDIT, see=READ, obj="report", **post()),
    "records:attachment_download": Rule(use=READ, obj="attachment"),
    "records:entity_list": Rule(use=anywhere(*OPS)),
    "records:entity_detail": Rule(use=READ, obj="entity"),
    "records:entity_edit": Rule(use=EDIT, see=READ, obj="entity"),
    "records:search": Rule(use=anywhere(*OPS)),
    # screening
    "screening:screen": Rule(use=anywhere(*SENDERS)),
    "screening:hits": Rule(use=anywhere(*SENDERS)),
    "screening:hit_detail": Rule(use=own(*SENDERS) | shared(*SENDERS), see=READ, obj="hit"),
    "screening:duplicates": Rule(use=anywhere(*EDITORS)),
    "screening:decide_duplicate": Rule(use=own(*EDITORS), obj="duplicate",
                                       **post(data={"decision": "reject"})),
    # exchange
    "exchange:inbox": Rule(use=anywhere(*OPS)),
    "exchange:message_list": Rule(use=anywhere(*OPS)),
    "exchange:message_new": Rule(use=anywhere(*SENDERS)),
    "exchange:message_detail": Rule(use=EXCHANGE_READ, obj="message"),
    "exchange:message_reply": Rule(use=own(*SENDERS) | shared(*SENDERS), see=EXCHANGE_READ,
                                   obj="message", **post()),
    "exchange:acknowledge": Rule(use=shared(*OPS), obj="delivery", **post()),
    "exchange:file_download": Rule(use=EXCHANGE_READ, obj="file"),
    "exchange:consent_new": Rule(use=anywhere(*SENDERS), **post()),
    "exchange:consent_detail": Rule(use=EXCHANGE_READ, obj="consent"),
    "exchange:consent_decide": Rule(use=own(*EDITORS), see=EXCHANGE_READ, obj="consent",
                                    args={"decision": "grant"}, **post()),
    "exchange:request_list": Rule(use=anywhere(*OPS)),
    "exchange:request_new": Rule(use=anywhere(*SENDERS)),
    "exchange:request_detail": Rule(use=EXCHANGE_READ, obj="request"),
    "exchange:request_answer": Rule(use=shared(*SENDERS), see=EXCHANGE_READ, obj="request",
                                    **post(data={"answer": "Rien à signaler."})),
    "exchange:request_decline": Rule(use=shared(*SENDERS), see=EXCHANGE_READ, obj="request",
                                     **post(data={"reason": "Hors de notre compétence."})),
    "exchange:request_step": Rule(use=shared(*SENDERS), see=EXCHANGE_READ, obj="request",
                                  args={"step": "accept"}, **post()),
    "exchange:alert_list": Rule(use=anywhere(*OPS)),
    "exchange:alert_new": Rule(use=anywhere(*SENDERS)),
    "exchange:alert_detail": Rule(use=EXCHANGE_READ, obj="alert"),
    "exchange:alert_step": Rule(use=own("supervisor"), see=EXCHANGE_READ, obj="submitted_alert",
                                args={"step": "validate"}, **post()),
    "exchange:hit_list": Rule(use=anywhere(*OPS)),
    "exchange:hit_detail": Rule(use=own(*OPS), obj="alert_hit"),
    "exchange:case_list": Rule(use=anywhere(*OPS)),
    "exchange:case_new": Rule(use=anywhere(*SENDERS)),
    "exchange:case_detail": Rule(use=EXCHANGE_READ, obj="case"),
    "exchange:case_link": Rule(use=own(*SENDERS) | shared(*SENDERS), see=EXCHANGE_READ, obj="case",
                               **post()),
    "exchange:case_share": Rule(use=own(*SENDERS), see=EXCHANGE_READ, obj="case",
                                **post(data={"participants": ["TD"]})),
    "exchange:case_close": Rule(use=own(*SENDERS), see=EXCHANGE_READ, obj="case", **post()),
    # imports and exports
    "imports:job_list": Rule(use=anywhere(*EDITORS)),
    "imports:job_new": Rule(use=anywhere(*EDITORS)),
    "imports:export": Rule(use=anywhere(*OPS)),
    "imports:mapping_delete": Rule(use=own(*EDITORS), obj="mapping", **post()),
    "imports:job_detail": Rule(use=only("officer-ne"), obj="import_job"),
    "imports:job_mapping": Rule(use=only("officer-ne"), obj="import_job", also_ok=(400,),
                                **post(data={"schema": "Person"})),
    "imports:job_progress": Rule(use=only("officer-ne"), obj="import_job"),
    "imports:job_apply": Rule(use=only("officer-ne"), obj="import_job", **post()),
    "imports:job_cancel": Rule(use=only("officer-ne"), obj="import_job", **post()),
    "imports:job_retry": Rule(use=only("officer-ne"), obj="import_job", **post()),
    # analysis: dashboard, map, networks, timelines, bulletins
    "analysis:dashboard": Rule(use=anywhere(*OPS)),
    "analysis:export": Rule(use=anywhere(*OPS), args={"key": "by_category", "fmt": "csv"}),
    "analysis:map": Rule(use=anywhere(*OPS)),
    "analysis:map_data": Rule(use=anywhere(*OPS)),
    "analysis:network": Rule(use=READ, obj="entity"),
    "analysis:network_data": Rule(use=READ, obj="entity"),
    "analysis:network_ftm": Rule(use=READ, obj="entity"),
    "analysis:network_png": Rule(use=READ, obj="entity", **post()),
    "analysis:entity_timeline": Rule(use=READ, obj="entity"),
    "analysis:case_timeline": Rule(use=EXCHANGE_READ, obj="case"),
    "analysis:bulletin_list": Rule(use=anywhere(*OPS)),
    "analysis:bulletin_create": Rule(use=anywhere("analyst", "supervisor")),
    "analysis:bulletin_detail": Rule(use=own(*OPS), obj="bulletin"),
    "analysis:bulletin_edit": Rule(use=own("analyst", "supervisor"), see=own(*OPS), obj="bulletin"),
    "analysis:bulletin_pdf": Rule(use=own(*OPS), obj="bulletin"),
    "analysis:bulletin_publish": Rule(use=own("analyst", "supervisor"), see=own(*OPS), obj="bulletin",
                                      **post()),
    "analysis:bulletin_send": Rule(use=own("analyst", "supervisor"), see=own(*OPS), obj="bulletin",
                                   **post()),
    # data protection
    "dataprotection:home": Rule(use=anywhere("dpo")),
    "dataprotection:review_queue": Rule(use=anywhere("officer", "supervisor", "dpo")),
    "dataprotection:review_record": Rule(use=own("officer", "supervisor", "dpo"), see=READ,
                                         obj="report", args={"kind": "report"}),
    "dataprotection:audit": Rule(use=anywhere("dpo")),
    "dataprotection:unusual": Rule(use=anywhere("dpo")),
    "dataprotection:subject_access": Rule(use=anywhere("dpo")),
    "dataprotection:corrections": Rule(use=anywhere("dpo")),
    "dataprotection:correction_add": Rule(use=own("officer", "supervisor", "dpo"), see=READ,
                                          obj="report", args={"kind": "report"}),
    # federation status page
    "federation:peers": Rule(use=anywhere("administrator")),
    # training: the regional programme, run by coordinators and administrators of any platform
    "training:dashboard": Rule(use=anywhere(*MANAGERS)),
    "training:report": Rule(use=anywhere(*MANAGERS), args={"fmt": "xlsx"}),
    "training:courses": Rule(use=anywhere(*MANAGERS)),
    "training:course_create": Rule(use=anywhere(*MANAGERS)),
    "training:course": Rule(use=anywhere(*MANAGERS), obj="course"),
    "training:course_edit": Rule(use=anywhere(*MANAGERS), obj="course"),
    "training:sessions": Rule(use=anywhere(*MANAGERS)),
    "training:session_create": Rule(use=anywhere(*MANAGERS)),
    "training:session": Rule(use=anywhere(*MANAGERS), obj="session"),
    "training:session_edit": Rule(use=anywhere(*MANAGERS), obj="session"),
    "training:session_cancel": Rule(use=anywhere(*MANAGERS), obj="session", **post()),
    "training:participant_add": Rule(use=anywhere(*MANAGERS), obj="session"),
    "training:participant_import": Rule(use=anywhere(*MANAGERS), obj="session"),
    "training:attendance": Rule(use=anywhere(*MANAGERS), obj="session"),
    "training:scores": Rule(use=anywhere(*MANAGERS), obj="session"),
    "training:evaluation": Rule(use=anywhere(*MANAGERS), obj="session"),
    "training:certificates_session": Rule(use=anywhere(*MANAGERS), obj="session",
                                          **post(data={"language": "fr"})),
    "training:import_preview": Rule(use=only("coordinator-ne"), see=anywhere(*MANAGERS),
                                    obj="participant_import"),
    "training:certificate_issue": Rule(use=anywhere(*MANAGERS), obj="registration",
                                       **post(data={"language": "fr"})),
    "training:certificate_pdf": Rule(use=anywhere(*MANAGERS), obj="certificate"),
    "training:certificate_revoke": Rule(use=anywhere(*MANAGERS), obj="certificate", **post()),
    "training:officials": Rule(use=anywhere(*MANAGERS)),
    "training:official": Rule(use=anywhere(*MANAGERS), obj="official"),
    "training:mine": Rule(use=SIGNED_IN),
    "training:my_certificate": Rule(use=only("officer-ne"), obj="certificate"),
    "training:series_list": Rule(use=anywhere(*MANAGERS)),
    "training:series_create": Rule(use=anywhere(*MANAGERS)),
    "training:series": Rule(use=anywhere(*MANAGERS), obj="series"),
    "training:edition_create": Rule(use=anywhere(*MANAGERS), obj="series", key="series_pk"),
    "training:edition": Rule(use=anywhere(*MANAGERS), obj="edition"),
    "training:follow_up": Rule(use=anywhere(*MANAGERS), obj="recommendation", **post()),
    # the API's own pages
    # The API's description is public, as the documentation of an open-source project is.
    "api:openapi-json": Rule(public=True),
    "api:openapi-view": Rule(public=True),
    "api:api-root": Rule(public=True, also_ok=(404,)),
}

FEDERATION = Rule(peer=True)

OPERATIONS: dict[str, Rule] = {
    "pcms_accounts_api_me": Rule(use=SIGNED_IN),
    "pcms_reference_api_platforms": Rule(use=SIGNED_IN),
    "pcms_reference_api_agencies": Rule(use=SIGNED_IN),
    "pcms_reference_api_countries": Rule(use=SIGNED_IN),
    "pcms_reference_api_regions": Rule(use=SIGNED_IN),
    "pcms_reference_api_purposes": Rule(use=SIGNED_IN),
    # records
    "pcms_records_api_list_reports": Rule(use=anywhere(*OPS)),
    "pcms_records_api_create_report": Rule(use=anywhere(*EDITORS), method="post", data=REPORT),
    "pcms_records_api_get_report": Rule(use=READ, obj="report"),
    "pcms_records_api_update_report": Rule(use=EDIT, see=READ, obj="draft", method="patch",
                                           data={**REPORT, "place": "Tillabéri"}),
    "pcms_records_api_add_entity": Rule(use=EDIT, see=READ, obj="draft", method="post", data={
        "schema": "Person", "properties": {"name": ["Salif Ouédraogo"]}, "role": "suspect"}),
    "pcms_records_api_add_relation": Rule(
        use=EDIT, see=READ, obj="draft", method="post", also_ok=(400, 422),
        data=lambda w, v: {"schema": "Associate", "source": str(w.get("twin", v).pk),
                           "target": str(w.get("twin", v).pk)}),
    "pcms_records_api_submit": Rule(use=EDIT, see=READ, obj="draft", method="post", data={}),
    "pcms_records_api_validate": Rule(use=own("supervisor"), see=READ, obj="submitted",
                                      method="post", data={}),
    "pcms_records_api_return_for_correction": Rule(use=own("supervisor"), see=READ,
                                                   obj="submitted", method="post",
                                                   data={"comment": "À préciser."}),
    "pcms_records_api_list_entities": Rule(use=anywhere(*OPS)),
    "pcms_records_api_get_entity": Rule(use=READ, obj="entity"),
    "pcms_records_api_update_entity": Rule(use=EDIT, see=READ, obj="entity", method="patch",
                                           data={"properties": {"name": ["Moussa Traoré"]}}),
    # exchange
    "pcms_exchange_api_get_inbox": Rule(use=anywhere(*OPS)),
    "pcms_exchange_api_list_messages": Rule(use=anywhere(*OPS)),
    "pcms_exchange_api_send_message": Rule(use=anywhere(*SENDERS), method="post", data={
        "subject": "Information", "body": "Pour information.", "recipients": ["TD"]}),
    "pcms_exchange_api_get_message": Rule(use=EXCHANGE_READ, obj="message"),
    "pcms_exchange_api_reply": Rule(use=own(*SENDERS) | shared(*SENDERS), see=EXCHANGE_READ,
                                    obj="message", method="post",
                                    data={"subject": "Re", "body": "Bien reçu."}),
    "pcms_exchange_api_acknowledge_message": Rule(use=shared(*OPS), see=EXCHANGE_READ,
                                                  obj="message", method="post", data={}),
    "pcms_exchange_api_list_consents": Rule(use=anywhere(*OPS)),
    # The owner's own users are told that no consent is needed (422).
    "pcms_exchange_api_ask_consent": Rule(use=anywhere(*SENDERS), method="post", also_ok=(422,),
                                          data=lambda w, v: {
                                              "record": w.get("report", "all").reference,
                                              "recipients": ["TD"], "reason": "Partenaire."}),
    "pcms_exchange_api_decide_consent": Rule(use=own(*EDITORS), see=EXCHANGE_READ, obj="consent",
                                             method="post", data={"grant": True}),
    "pcms_exchange_api_list_requests": Rule(use=anywhere(*OPS)),
    "pcms_exchange_api_create_request": Rule(use=anywhere(*SENDERS), method="post", data={
        "recipient": "TD", "subject": "Demande", "body": "Merci de vérifier.",
        "purpose": "terrorism-investigation", "due_date": "2099-01-01"}),
    "pcms_exchange_api_get_request": Rule(use=EXCHANGE_READ, obj="request"),
    "pcms_exchange_api_send_request": Rule(use=own(*SENDERS), obj="draft_request", method="post",
                                           data={}),
    "pcms_exchange_api_accept_request": Rule(use=shared(*SENDERS), see=EXCHANGE_READ,
                                             obj="request", method="post", data={}),
    "pcms_exchange_api_answer_request": Rule(use=shared(*SENDERS), see=EXCHANGE_READ,
                                             obj="request", method="post",
                                             data={"answer": "Rien à signaler."}),
    "pcms_exchange_api_decline_request": Rule(use=shared(*SENDERS), see=EXCHANGE_READ,
                                              obj="request", method="post",
                                              data={"comment": "Hors compétence."}),
    "pcms_exchange_api_close_request": Rule(use=own(*SENDERS), see=EXCHANGE_READ, obj="request",
                                            method="post", data={}),
    "pcms_exchange_api_list_alerts": Rule(use=anywhere(*OPS)),
    "pcms_exchange_api_create_alert": Rule(use=anywhere(*SENDERS), method="post", data={
        "kind": "wanted_person", "title": "Personne recherchée", "instructions": "Signaler.",
        "valid_from": "2026-01-01T00:00:00Z", "valid_until": "2099-01-01T00:00:00Z",
        "subject": {"schema": "Person", "properties": {"name": ["Oumarou Maïga"]}}}),
    "pcms_exchange_api_get_alert": Rule(use=EXCHANGE_READ, obj="alert"),
    # The alert is already broadcast: its platform's senders are told so (422).
    "pcms_exchange_api_submit_alert": Rule(use=own(*SENDERS), see=EXCHANGE_READ, obj="alert",
                                           method="post", data={}, also_ok=(422,)),
    "pcms_exchange_api_validate_alert": Rule(use=own("supervisor"), see=EXCHANGE_READ,
                                             obj="submitted_alert", method="post", data={}),
    "pcms_exchange_api_withdraw_alert": Rule(use=own(*SENDERS), see=EXCHANGE_READ, obj="alert",
                                             method="post", data={}),
    "pcms_exchange_api_acknowledge_alert": Rule(use=shared(*OPS), see=EXCHANGE_READ, obj="alert",
                                                method="post", data={}),
    "pcms_exchange_api_check": Rule(use=anywhere(*OPS), method="post", data={
        "subject": {"schema": "Person", "properties": {"name": ["Ibrahim Ag Alhassane"]}}}),
    "pcms_exchange_api_list_hits": Rule(use=anywhere(*OPS)),
    "pcms_exchange_api_review_hit": Rule(use=own(*OPS), obj="alert_hit", method="post", data={}),
    "pcms_exchange_api_list_cases": Rule(use=anywhere(*OPS)),
    "pcms_exchange_api_open_case": Rule(use=anywhere(*SENDERS), method="post",
                                        data={"title": "Filière fictive"}),
    "pcms_exchange_api_get_case": Rule(use=EXCHANGE_READ, obj="case"),
    "pcms_exchange_api_link": Rule(use=own(*SENDERS) | shared(*SENDERS), see=EXCHANGE_READ,
                                   obj="case", method="post",
                                   data=lambda w, v: {"kind": "message",
                                                      "identifier": str(w.get("message", v).pk)}),
    "pcms_exchange_api_share": Rule(use=own(*SENDERS), see=EXCHANGE_READ, obj="case",
                                    method="post", data={"participants": ["TD"]}),
    # screening
    "pcms_screening_api_screen": Rule(use=anywhere(*SENDERS), method="post", data={
        "schema": "Person", "properties": {"name": ["Moussa Traoré"]},
        "purpose": "terrorism-investigation", "reason": "Contrôle à la frontière."}),
    # imports and exports
    "pcms_imports_api_create_import": Rule(use=own(*EDITORS), method="raw", data=lambda w, v: {
        "filename": "personnes.json", "report": str(w.get("draft", "own").pk)}),
    "pcms_imports_api_list_mappings": Rule(use=anywhere(*EDITORS)),
    "pcms_imports_api_get_import": Rule(use=only("officer-ne"), obj="import_job", key="job_id"),
    "pcms_imports_api_apply_import": Rule(use=only("officer-ne"), obj="import_job", key="job_id",
                                          method="post", data={}),
    "pcms_imports_api_cancel_import": Rule(use=only("officer-ne"), obj="import_job", key="job_id",
                                           method="post", data={}),
    "pcms_imports_api_export": Rule(use=anywhere(*OPS), data=lambda w, v: {
        "format": "csv", "report": str(w.get("report", "all").pk)}),
    # training
    "pcms_training_api_courses": Rule(use=anywhere(*MANAGERS)),
    "pcms_training_api_sessions": Rule(use=anywhere(*MANAGERS)),
    "pcms_training_api_create_session": Rule(use=anywhere(*MANAGERS), method="post",
                                             data=lambda w, v: {
                                                 "course": w.get("course").code,
                                                 "starts_on": "2027-03-10", "ends_on": "2027-03-12",
                                                 "place": "Niamey", "country": "NE",
                                                 "organiser": "Plateforme régionale"}),
    "pcms_training_api_participants": Rule(use=anywhere(*MANAGERS), obj="session",
                                           key="session_id"),
    "pcms_training_api_official_history": Rule(use=anywhere(*MANAGERS), obj="official",
                                               key="official_id"),
    "pcms_training_api_my_history": Rule(use=SIGNED_IN),
    "pcms_training_api_indicator_report": Rule(use=anywhere(*MANAGERS)),
    # analysis
    "pcms_analysis_api_dashboard_tables": Rule(use=anywhere(*OPS)),
    "pcms_analysis_api_network_view": Rule(use=READ, obj="entity", key="entity_id"),
    # federation: peers only, by signature
    "pcms_federation_api_upload_status": FEDERATION,
    "pcms_federation_api_upload": FEDERATION,
    "pcms_federation_api_next_batch": FEDERATION,
    "pcms_federation_api_download": FEDERATION,
    "pcms_federation_api_acknowledge": FEDERATION,
}

# The administration site: what the administrator role may do with each registered model
# (v: list, read and history; a: add; c: change; d: delete). Every other role is sent to sign in.
ADMIN_MODELS: dict[str, str] = {
    "auth.group": "",
    "otp_totp.totpdevice": "",
    "otp_static.staticdevice": "",
    "axes.accessattempt": "",
    "axes.accesslog": "",
    "axes.accessfailurelog": "",
    "reference.platform": "vac",
    "reference.agency": "vac",
    "reference.country": "v",
    "reference.region": "v",
    "reference.purpose": "",
    "accounts.user": "vac",
    "accounts.apitoken": "",
    "training.trainingrequirement": "vac",
    "training.course": "vac",
    "dataprotection.retentionrule": "vacd",
}
# Pages of the administration site that belong to no model.
ADMIN_PAGES: dict[str, Rule] = {
    "admin:index": Rule(use=anywhere("administrator")),
    "admin:login": Rule(public=True),
    "admin:logout": Rule(public=True, **post()),
    "admin:password_change": Rule(use=anywhere("administrator")),
    "admin:password_change_done": Rule(use=anywhere("administrator")),
    "admin:autocomplete": Rule(use=NOBODY, see=anywhere("administrator")),
    "admin:jsi18n": Rule(use=anywhere("administrator")),
    "admin:app_list": Rule(use=anywhere("administrator"), args={"app_label": "reference"}),
    "admin:view_on_site": Rule(use=NOBODY, see=anywhere("administrator"),
                               args={"content_type_id": "0", "object_id": "0"}),
    "admin/(?P<url>.*)$": Rule(use=NOBODY, see=anywhere("administrator"),
                               url=lambda w, v: "/admin/no-such-page/"),
}

"""The authorisation matrix: every page and API operation, every role of the owner's platform and
of another, both handlings of the object, and an anonymous visitor, against `access_rules`."""

import json
import re

import pytest
from django.db import transaction
from django.urls import reverse

from tests.security import access_rules as rules
from tests.security.access_rules import Rule
from tests.security.routes import Route, operations, pages
from tests.security.world import ANONYMOUS, HOME, OTHER, PRINCIPALS, Principal, World

PAGES = pages()
OPERATIONS = operations()
FTM_LINE = b'{"id": "p1", "schema": "Person", "properties": {"name": ["Salif Ouedraogo"]}}\n'
ADMIN_MODEL = re.compile(r"^admin/(?P<app>\w+)/(?P<model>\w+)/")
ADMIN_ACTIONS = {"changelist": "v", "history": "v", "change": "v", "add": "a", "delete": "d"}


def admin_rule(route: Route) -> Rule | None:
    """The administration site's pages: model pages by `ADMIN_MODELS`, others by `ADMIN_PAGES`."""
    if route.name in rules.ADMIN_PAGES:
        return rules.ADMIN_PAGES[route.name]
    found = ADMIN_MODEL.match(route.pattern)
    if not found:
        return None
    if route.name == route.pattern:  # a plain redirect to the object's change page
        return Rule(use=rules.anywhere("administrator"),
                    args=lambda w, v: _admin_args(route, f"{found['app']}.{found['model']}"))
    label = f"{found['app']}.{found['model']}"
    if label not in rules.ADMIN_MODELS:
        return None
    action = route.name.rsplit("_", 1)[-1] if route.name.startswith("admin:") else "change"
    letter = ADMIN_ACTIONS.get(action, "c")
    administrators = rules.anywhere("administrator")
    may = letter in rules.ADMIN_MODELS[label]
    return Rule(use=administrators if may else rules.NOBODY, see=administrators,
                args=lambda w, v: _admin_args(route, label))


def _admin_args(route: Route, label: str) -> dict:
    from django.apps import apps

    model = apps.get_model(label)
    first = model.objects.order_by("pk").first()
    key = str(first.pk) if first else "1"
    return {name: key for name in route.parameters}


def page_rule(route: Route) -> Rule | None:
    if route.pattern.startswith("admin/"):
        return admin_rule(route)
    return rules.PAGES.get(route.name)


def test_every_page_has_a_rule():
    missing = sorted(f"{r.name} ({r.pattern})" for r in PAGES if page_rule(r) is None)
    assert not missing, "pages without an access rule in tests/security/access_rules.py:\n" + \
        "\n".join(missing)


def test_every_operation_has_a_rule():
    missing = sorted(f"{op.operation_id} ({op.method} {op.path})" for op in OPERATIONS
                     if op.operation_id not in rules.OPERATIONS)
    assert not missing, "API operations without an access rule:\n" + "\n".join(missing)


def test_every_rule_names_a_route():
    names = {r.name for r in PAGES} | {op.operation_id for op in OPERATIONS}
    stale = sorted((set(rules.PAGES) | set(rules.ADMIN_PAGES) | set(rules.OPERATIONS)) - names)
    assert not stale, "rules for routes that no longer exist: " + ", ".join(stale)


def _value(value, world: World, variant: str):
    return value(world, variant) if callable(value) else value


def _object_args(rule: Rule, world: World, variant: str, parameters) -> dict:
    args = dict(_value(rule.args, world, variant))
    if rule.obj and rule.key in parameters and rule.key not in args:
        args[rule.key] = world.get(rule.obj, variant).pk
    return args


def _outcome(response) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        if "/login/" in response["Location"]:
            return "login"
        # The administration site answers a page about a missing object this way.
        return "admin-index" if response["Location"] == "/admin/" else "ok"
    if 200 <= status < 300:
        return "ok"
    return {401: "login", 403: "denied", 404: "hidden"}.get(status, str(status))


def _expected(rule: Rule, principal: Principal, variant: str, admin: bool) -> set[str]:
    if rule.public:
        return {"ok", "login", "admin-index"}
    if principal.role is None:
        return {"login"}
    if rule.peer:
        return {"login", "denied"}
    if rule.use(principal, variant):
        return {"ok", "admin-index"} if admin else {"ok"}
    if rule.obj and not rule.sees(principal, variant) and _role_uses(rule, principal.role):
        return {"hidden"}  # a role that uses such pages learns nothing of objects it may not see
    # The administration site sends whoever is not an administrator to sign in.
    return {"denied", "hidden"} | ({"login", "admin-index"} if admin else set())


def _role_uses(rule: Rule, role: str) -> bool:
    return any(rule.use(Principal(role, code), variant)
               for code in (HOME, OTHER) for variant in rule.variants)


def _send(world: World, principal: Principal, rule: Rule, url: str, variant: str, api: bool):
    client = world.client(ANONYMOUS if api else principal)
    headers = world.api_headers(principal) if api else {}
    data = _value(rule.data, world, variant) or {}
    with transaction.atomic():
        if rule.method == "get":
            response = client.get(url, data, **headers)
        elif rule.method == "raw":
            query = "&".join(f"{k}={v}" for k, v in data.items())
            response = client.post(f"{url}?{query}", FTM_LINE, content_type="application/octet-stream",
                                   **headers)
        elif api:
            response = getattr(client, rule.method)(url, json.dumps(data),
                                                    content_type="application/json", **headers)
        else:
            response = client.post(url, data, **headers)
        transaction.set_rollback(True)
    return response


def _run(world: World, rule: Rule, url_for, api: bool, admin: bool = False) -> tuple[int, list[str]]:
    wrong, count = [], 0
    for principal in [ANONYMOUS, *PRINCIPALS]:
        for variant in rule.variants:
            url = url_for(variant)
            response = _send(world, principal, rule, url, variant, api)
            got, expected = _outcome(response), _expected(rule, principal, variant, admin)
            count += 1
            allowed_anyway = response.status_code in rule.also_ok and (
                rule.public or rule.use(principal, variant))
            if got not in expected and not allowed_anyway:
                where = response.get("Location", "")
                wrong.append(f"{principal} [{variant}] {rule.method.upper()} {url}: expected "
                             f"{'/'.join(sorted(expected))}, got {response.status_code} {where}")
    return count, wrong


@pytest.mark.heavy
@pytest.mark.django_db
@pytest.mark.parametrize("route", [r for r in PAGES if page_rule(r)], ids=lambda r: r.name)
def test_page(world, route: Route):
    rule = page_rule(route)

    def url_for(variant: str) -> str:
        if rule.url:
            return rule.url(world, variant)
        args = _object_args(rule, world, variant, route.parameters)
        if route.name != route.pattern:
            return reverse(route.name, kwargs=args)
        return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(args[m[1]]), route.pattern)

    count, wrong = _run(world, rule, url_for, api=False, admin=route.pattern.startswith("admin/"))
    assert not wrong, f"{len(wrong)} of {count} cases differ from the rule:\n" + "\n".join(wrong)


@pytest.mark.heavy
@pytest.mark.django_db
@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.operation_id)
def test_operation(world, operation):
    rule = rules.OPERATIONS[operation.operation_id]
    if rule.method == "get" and operation.method != "GET" and not rule.peer:
        pytest.fail(f"{operation.operation_id} is {operation.method}: say so in its rule")
    if rule.peer:
        rule = Rule(peer=True, method=operation.method.lower(), data={})

    def url_for(variant: str) -> str:
        parameters = re.findall(r"\{(\w+)\}", operation.path)
        args = _object_args(rule, world, variant, parameters)
        if rule.peer:
            args = {name: "0" * 64 for name in parameters}
        url = re.sub(r"\{(\w+)\}", lambda m: str(args[m[1]]), operation.path)
        return url + "?offset=0&size=1" if operation.method == "PUT" else url

    count, wrong = _run(world, rule, url_for, api=True)
    assert not wrong, f"{len(wrong)} of {count} cases differ from the rule:\n" + "\n".join(wrong)

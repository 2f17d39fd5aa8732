"""Every operation of /api/v1/openapi.json, fed generated requests (valid and invalid) as an
officer: never a server error, and every response as the description says.

Bounded: `EXAMPLES` requests per operation, no time limit per example. The description is read
from the node itself, so a new operation is covered without anyone adding it here.
"""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, settings

from pcms.accounts.models import ApiToken
from pcms.api import api

EXAMPLES = 12

schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
schema.app = get_wsgi_application()
CHECKS = [schemathesis.checks.not_a_server_error, schemathesis.checks.response_schema_conformance]

pytestmark = pytest.mark.heavy


@pytest.fixture
def officer_token(make_user, validated_report):
    """An officer of NE with a validated report of their platform, so that lists are not empty."""
    officer = make_user("officer-ne", "officer")
    validated_report(author=officer)
    return ApiToken.issue(officer, "schemathesis")[1]


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck), derandomize=True)
def test_operation_never_fails_and_answers_as_described(case, officer_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {officer_token}"}, checks=CHECKS)

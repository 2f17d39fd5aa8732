import subprocess
import sys

import pytest


def run_pcms(*args: str, **env: str) -> subprocess.CompletedProcess:
    import os

    environment = {k: v for k, v in os.environ.items() if not k.startswith("PCMS_")}
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    environment.update(env)
    return subprocess.run([sys.executable, "-m", "pcms", *args], capture_output=True, text=True,
                          env=environment, timeout=120)


@pytest.mark.parametrize("name,value,fragment", [
    ("PCMS_DEBUG", "maybe", "PCMS_DEBUG must be true or false"),
    ("PCMS_NODE", "niger!", "PCMS_NODE must be a platform code"),
    ("PCMS_LANGUAGE", "de", "PCMS_LANGUAGE must be one of fr, en, ar"),
    ("PCMS_DATABASE_URL", "mysql://x@y/z", "PCMS_DATABASE_URL must be an sqlite:// or postgres://"),
    ("PCMS_SECRET_KEY", "short", "PCMS_SECRET_KEY must be at least 50 characters"),
])
def test_malformed_environment_variable_is_named_without_traceback(tmp_path, name, value, fragment):
    result = run_pcms("check", PCMS_DATA_DIR=str(tmp_path), **{name: value})
    assert result.returncode == 2
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_production_settings_pass_the_deployment_check(tmp_path):
    result = run_pcms("check", "--deploy", "--fail-level", "WARNING",
                      PCMS_DATA_DIR=str(tmp_path), PCMS_ALLOWED_HOSTS="pcms.example.org")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_debug_is_off_by_default(tmp_path):
    result = run_pcms("shell", "-c", "from django.conf import settings; print(settings.DEBUG)",
                      PCMS_DATA_DIR=str(tmp_path))
    assert result.stdout.strip().splitlines()[-1] == "False"

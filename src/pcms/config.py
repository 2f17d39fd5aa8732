"""Read the node's configuration from PCMS_* environment variables, strictly.

Every variable is read here and nowhere else. A malformed value stops the node with a message
that names the variable and what it accepts, instead of being silently read as a default.
"""

import os
import re
import secrets
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

LANGUAGE_CODES = ("fr", "en", "ar")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def flag(name: str, default: bool) -> bool:
    """A boolean variable: true/false, 1/0, yes/no or on/off; anything else is an error."""
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false (1/0, yes/no, on/off), got {value!r}")


def integer(name: str, default: int, minimum: int = 0) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, got {value!r}") from None
    if number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {number}")
    return number


def text(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None or value == "" else value


def choice(name: str, default: str, allowed: tuple[str, ...]) -> str:
    value = text(name, default)
    if value not in allowed:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(allowed)}, got {value!r}")
    return value


def node_code(name: str, default: str) -> str:
    value = text(name, default).upper()
    if not re.fullmatch(r"[A-Z]{2,8}", value):
        raise ImproperlyConfigured(
            f"{name} must be a platform code of 2 to 8 letters (e.g. NE, or RG for the regional "
            f"platform), got {value!r}"
        )
    return value


def host_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None or value == "":
        return default
    hosts = [host.strip() for host in value.split(",") if host.strip()]
    for host in hosts:
        if not re.fullmatch(r"[A-Za-z0-9.*:\[\]_-]+", host):
            raise ImproperlyConfigured(f"{name} holds an invalid host name: {host!r}")
    return hosts


def database(name: str, default: str) -> dict:
    url = text(name, default)
    try:
        config = environ.Env.db_url_config(url)
    except Exception as error:  # django-environ raises several types for a bad URL
        raise ImproperlyConfigured(f"{name} is not a valid database URL ({error}): {url!r}") from None
    engine = config.get("ENGINE", "")
    if engine not in ("django.db.backends.sqlite3", "django.db.backends.postgresql"):
        raise ImproperlyConfigured(
            f"{name} must be an sqlite:// or postgres:// URL, got the engine {engine or 'none'!r}"
        )
    return config


def secret_key(name: str, data_dir: Path) -> str:
    """The key from the environment, else one generated once and kept in the data folder."""
    value = _raw(name)
    if value:
        if len(value) < 50:
            raise ImproperlyConfigured(f"{name} must be at least 50 characters long")
        return value
    path = data_dir / "secret_key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()

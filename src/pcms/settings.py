"""Django settings for a pcms node, built from PCMS_* environment variables (see config.py).

Production is the default: debug off, HTTPS-only cookies, HSTS and a strict Content-Security-Policy.
`make demo` turns on PCMS_DEBUG and PCMS_DEMO for a local trial.
"""

from datetime import timedelta
from pathlib import Path

from csp.constants import NONE, SELF

from pcms import config

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(config.text("PCMS_DATA_DIR", str(Path.cwd() / "data"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = config.flag("PCMS_DEBUG", False)
# Demo mode relaxes two-factor authentication and says so on every page.
DEMO = config.flag("PCMS_DEMO", False)
# One node of the six-node demo (scripts/demo-network): its demo data is its own platform's only.
DEMO_NETWORK = config.flag("PCMS_DEMO_NETWORK", False)
SECRET_KEY = config.secret_key("PCMS_SECRET_KEY", DATA_DIR)
ALLOWED_HOSTS = config.host_list(
    "PCMS_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
PCMS_NODE = config.node_code("PCMS_NODE", "RG")
PCMS_REQUIRE_2FA = config.flag("PCMS_REQUIRE_2FA", not DEMO)
# Behind TLS (directly or through a reverse proxy); off only for local trials and tests.
HTTPS = config.flag("PCMS_HTTPS", not DEBUG)

INSTALLED_APPS = [
    "pcms.core.admin_apps.PcmsAdminAppConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "ninja",
    "huey.contrib.djhuey",
    "django_htmx",
    "pcms.core",
    "pcms.reference",
    "pcms.accounts",
    "pcms.audit",
    "pcms.training",
    "pcms.records",
    "pcms.exchange",
    "pcms.screening",
    "pcms.imports",
    "pcms.dataprotection",
    "pcms.federation",
    "pcms.analysis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "pcms.accounts.middleware.UserLanguageMiddleware",
    "pcms.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "pcms.urls"
WSGI_APPLICATION = "pcms.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "pcms.core.context_processors.platform",
            ],
        },
    },
]

DATABASES = {"default": config.database("PCMS_DATABASE_URL", f"sqlite:///{DATA_DIR / 'pcms.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets pages read while a background import writes; IMMEDIATE avoids upgrade deadlocks.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = 60
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Lockout: five failures for one user name from one address locks it for fifteen minutes.
AXES_FAILURE_LIMIT = config.integer("PCMS_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=config.integer("PCMS_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "pcms.accounts.views.locked_out"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = f"pcms {PCMS_NODE}"

SESSION_COOKIE_AGE = int(timedelta(hours=10).total_seconds())
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_SECURE = HTTPS
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SECURE = HTTPS
CSRF_FAILURE_VIEW = "pcms.core.views.csrf_failure"
SECURE_SSL_REDIRECT = HTTPS and config.flag("PCMS_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if config.flag("PCMS_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
# Form fields other than files; a larger uploaded file streams to a temporary file, not memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Imports: refused above this size before the body is read, and above this many rows.
IMPORT_MAX_BYTES = config.integer("PCMS_IMPORT_MAX_MB", 50, minimum=1) * 1024 * 1024
IMPORT_MAX_ROWS = config.integer("PCMS_IMPORT_MAX_ROWS", 200_000, minimum=1)
# Exports: at most this many per user per hour, of at most this many records each.
EXPORTS_PER_HOUR = config.integer("PCMS_EXPORTS_PER_HOUR", 30, minimum=1)
EXPORT_MAX_RECORDS = config.integer("PCMS_EXPORT_MAX_RECORDS", 20_000, minimum=1)
# List pages and API listings: at most this many records shown to one user per hour.
BULK_READS_PER_HOUR = config.integer("PCMS_BULK_READS_PER_HOUR", 5_000, minimum=1)

# Federation: clock window for signed peer requests, requests per peer and minute, upload and
# download chunk size, and the longest wait between two attempts to reach a silent peer.
FEDERATION_CLOCK_SKEW = config.integer("PCMS_FEDERATION_CLOCK_SKEW", 900, minimum=30)
FEDERATION_RATE_PER_MINUTE = config.integer("PCMS_FEDERATION_RATE", 600, minimum=10)
FEDERATION_CHUNK_BYTES = config.integer("PCMS_FEDERATION_CHUNK_KB", 256, minimum=1) * 1024
FEDERATION_MAX_BACKOFF = config.integer("PCMS_FEDERATION_MAX_BACKOFF", 900, minimum=1)

# No inline script anywhere: every script is a vendored or project file served from 'self'.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

LANGUAGES = [("fr", "Français"), ("en", "English"), ("ar", "العربية")]
LANGUAGE_CODE = config.choice("PCMS_LANGUAGE", "fr", config.LANGUAGE_CODES)
LANGUAGE_COOKIE_NAME = "pcms_language"
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "media"
# Hashed file names let browsers cache every asset for a year; `pcms collectstatic` builds them.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if config.flag("PCMS_STATIC_MANIFEST", not DEBUG)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Background work: SQLite-backed queue by default, Redis in production when PCMS_REDIS_URL is set.
_REDIS_URL = config.text("PCMS_REDIS_URL", "")
HUEY = {
    "name": f"pcms-{PCMS_NODE.lower()}",
    "immediate": config.flag("PCMS_TASKS_IMMEDIATE", False),
    "consumer": {"workers": 2, "worker_type": "thread"},
}
if _REDIS_URL:
    HUEY |= {"huey_class": "huey.RedisHuey", "url": _REDIS_URL}
else:
    HUEY |= {"huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "tasks.sqlite3")}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
NINJA_PAGINATION_CLASS = "pcms.core.metering.MeteredPagination"

PCMS_ATTACHMENT_MAX_MB = config.integer("PCMS_ATTACHMENT_MAX_MB", 20, minimum=1)
API_TOKEN_DAYS = config.integer("PCMS_API_TOKEN_DAYS", 90, minimum=1)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": config.text("PCMS_LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "huey": {"level": "WARNING"}},
}


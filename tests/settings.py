"""Settings for the test suite: production settings with fast hashing and tasks run inline."""

import os
import tempfile

os.environ.setdefault("PCMS_DATA_DIR", tempfile.mkdtemp(prefix="pcms-test-"))
os.environ.setdefault("PCMS_SECRET_KEY", "test-" + "k" * 60)
os.environ.setdefault("PCMS_NODE", "NE")
os.environ.setdefault("PCMS_HTTPS", "false")
os.environ.setdefault("PCMS_STATIC_MANIFEST", "false")
os.environ.setdefault("PCMS_TASKS_IMMEDIATE", "true")
# Browser tests drive Playwright's synchronous API inside pytest's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from pcms.settings import *  # noqa: E402,F403

# Still Argon2, with a small cost so that hundreds of test users are quick to create.
PASSWORD_HASHERS = ["tests.hashers.FastArgon2PasswordHasher"]
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

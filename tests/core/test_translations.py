"""Every string a user sees has its French, English and Arabic text."""

import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

import pcms

SOURCE = Path(pcms.__file__).parent
LANGUAGES = ("fr", "en", "ar")
APPS = sorted(path.parent for path in SOURCE.glob("*/apps.py"))


def catalogue(app: Path, language: str) -> Path:
    return app / "locale" / language / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(app, language):
    path = catalogue(app, language)
    if not path.exists():
        pytest.fail(f"{path} is missing: run scripts/messages")
    po = polib.pofile(str(path))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"{language} lacks: {untranslated[:10]}"
    assert not fuzzy, f"{language} has unchecked (fuzzy) translations: {fuzzy[:10]}"


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_compiled_catalogues_match_their_sources(app):
    for language in LANGUAGES:
        po = polib.pofile(str(catalogue(app, language)))
        mo_path = catalogue(app, language).with_suffix(".mo")
        assert mo_path.exists(), f"{mo_path} is missing: run scripts/messages"
        compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in polib.mofile(str(mo_path))}
        for entry in po.translated_entries():
            assert (entry.msgctxt, entry.msgid) in compiled, (
                f"{mo_path} is older than its .po ({entry.msgid!r}): run scripts/messages"
            )


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_catalogues_hold_every_string_of_the_code(app, tmp_path, settings):
    """Extract the app's strings afresh and compare with its French catalogue."""
    if shutil.which("xgettext") is None:
        pytest.fail("GNU gettext is required (apt-get install gettext)")
    copy = tmp_path / app.name
    shutil.copytree(app, copy, ignore=shutil.ignore_patterns("locale", "static", "migrations"))
    (copy / "locale").mkdir()
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "fr", "--no-obsolete"],
        cwd=copy, check=True, capture_output=True,
        env={"PATH": "/usr/local/bin:/usr/bin:/bin",
             "DJANGO_SETTINGS_MODULE": "pcms.settings", "PCMS_DATA_DIR": str(tmp_path)},
    )
    fresh = {e.msgid for e in polib.pofile(str(catalogue(copy, "fr")))}
    known = {e.msgid for e in polib.pofile(str(catalogue(app, "fr")))}
    missing = sorted(fresh - known)
    assert not missing, f"not in the catalogues yet (run scripts/messages): {missing[:10]}"

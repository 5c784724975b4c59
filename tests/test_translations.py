import gettext
from pathlib import Path

import polib
import pytest


LOCALE = Path(__file__).resolve().parents[1] / "locale"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_every_message_is_translated(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert not untranslated, f"{len(untranslated)} messages lack a {language} translation: {untranslated[:10]}"
    assert not fuzzy, f"{len(fuzzy)} {language} translations are marked fuzzy: {fuzzy[:10]}"


@pytest.mark.parametrize("language", ["fr", "en", "ar"])
def test_compiled_catalogues_match_their_sources(language):
    folder = LOCALE / language / "LC_MESSAGES"
    po = polib.pofile(str(folder / "django.po"))
    with open(folder / "django.mo", "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    stale = [
        entry.msgid
        for entry in po.translated_entries()
        if not entry.msgid_plural and compiled.gettext(entry.msgid) != entry.msgstr
    ]
    assert not stale, f"run `manage.py compilemessages`: {language} .mo is older than .po for {stale[:5]}"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_placeholders_survive_translation(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    import re

    placeholder = re.compile(r"%\(\w+\)s")
    broken = [
        entry.msgid
        for entry in po.translated_entries()
        if not entry.msgid_plural and set(placeholder.findall(entry.msgid)) != set(placeholder.findall(entry.msgstr))
    ]
    assert not broken, broken

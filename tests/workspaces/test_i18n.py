"""The portal in French: the contact's own language, the browser's, and a complete catalogue.

A contact's `language` wins over the browser (workspaces.middleware); anonymous visitors get
the language their browser asks for (LocaleMiddleware). The catalogue tests read
locale/fr/LC_MESSAGES/django.po in plain Python, so they always run (no gettext tools
needed): every entry translated, nothing fuzzy, placeholders kept, and the compiled .mo in
step with the .po.
"""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"


@pytest.fixture(autouse=True)
def _back_to_default_language():
    # The middleware activates the contact's language on the test's thread; do not let
    # French leak into whichever test runs next.
    yield
    translation.activate(settings.LANGUAGE_CODE)


def _html(response):
    return response.content.decode()


# --- The contact's language -------------------------------------------------------------


def test_dashboard_in_french_for_a_french_contact(world, client_for):
    world.contact_a.language = "fr"
    world.contact_a.save()

    response = client_for(world.contact_a).get(world.ws_a.url)

    assert response.status_code == 200
    html = _html(response)
    assert '<html lang="fr">' in html
    assert "Activité récente" in html
    assert "Votre équipe au cabinet" in html
    assert "Tableau de bord" in html
    assert "Se déconnecter" in html
    assert "Recent activity" not in html
    assert "Your team at the firm" not in html


def test_dashboard_stays_english_for_an_english_contact(world, client_for):
    # The control for the test above: without a language the portal speaks English.
    response = client_for(world.contact_a).get(world.ws_a.url)

    html = _html(response)
    assert '<html lang="en">' in html
    assert "Recent activity" in html
    assert "Activité récente" not in html


def test_contact_language_wins_over_the_browser(world, client_for):
    world.contact_a.language = "fr"
    world.contact_a.save()

    response = client_for(world.contact_a).get(world.ws_a.url, HTTP_ACCEPT_LANGUAGE="en")

    assert '<html lang="fr">' in _html(response)
    assert "Activité récente" in _html(response)


def test_choosing_french_on_the_profile_page(world, client_for):
    client = client_for(world.contact_a)

    response = client.post(reverse("portal:profile"), {
        "form": "profile",
        "profile-first_name": "Ann",
        "profile-last_name": "Archer",
        "profile-language": "fr",
    }, follow=True)

    world.contact_a.refresh_from_db()
    assert world.contact_a.language == "fr"
    html = _html(response)
    assert response.redirect_chain == [(reverse("portal:profile"), 302)]
    assert '<html lang="fr">' in html
    assert "Votre profil a été enregistré." in html
    assert "Nom et langue" in html

    dashboard = _html(client.get(world.ws_a.url))
    assert '<html lang="fr">' in dashboard
    assert "Activité récente" in dashboard


def test_login_link_email_in_the_contacts_language(world, client_for):
    # Asked for from an English browser, the email follows the contact's own language.
    world.contact_a.language = "fr"
    world.contact_a.save()

    response = client_for(None).post(reverse("portal:login"), {
        "method": "magic", "email": world.contact_a.email,
    }, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Votre lien de connexion à Acme Advisers Portal"
    assert "Bonjour Ann," in message.body
    assert f"dans un délai de {world.firm.magic_link_days} jours" in message.body


# --- The browser's language ---------------------------------------------------------------


def test_login_page_in_french_for_a_french_browser(world, client_for):
    response = client_for(None).get(reverse("portal:login"), HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    html = _html(response)
    assert '<html lang="fr">' in html
    assert "<h1>Se connecter</h1>" in html
    assert "Recevoir un lien de connexion par e-mail" in html
    assert "Se connecter avec un mot de passe" in html
    assert "Email me a login link" not in html


def test_login_page_in_english_by_default(world, client_for):
    html = _html(client_for(None).get(reverse("portal:login")))

    assert '<html lang="en">' in html
    assert "Email me a login link" in html


# --- The catalogue ------------------------------------------------------------------------

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$')
_PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_]\w*\))?[-+ #0]*\d*(?:\.\d+)?[sdifr%]")
_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _unquote(text):
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes.get(m.group(1), m.group(1)), text)


def parse_po(path):
    """Entries of a .po file as dicts: msgid, msgid_plural, msgstr (a list), flags."""
    entries, entry, key = [], None, None

    def finish():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            entry, key = None, None
            continue
        if line.startswith("#~"):  # obsolete entries are not used
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := _KEYWORD.match(line):
            key, value = match.group(1), _unquote(match.group(2))
            if key.startswith("msgstr"):
                entry["msgstr"][key] = value
            else:
                entry[key] = value
        elif line.startswith('"') and key is not None:
            value = _unquote(line[1:-1])
            if key.startswith("msgstr"):
                entry["msgstr"][key] += value
            else:
                entry[key] += value
        else:
            raise AssertionError(f"{path}: cannot read line {raw!r}")
    finish()
    for item in entries:
        item["msgstr"] = [item["msgstr"][k] for k in sorted(item["msgstr"])]
    return entries


@pytest.fixture(scope="module")
def po_entries():
    assert PO_FILE.exists(), "run makemessages -l fr (see the task in the README)"
    entries = parse_po(PO_FILE)
    header = [e for e in entries if e["msgid"] == ""]
    assert len(header) == 1
    return [e for e in entries if e["msgid"] != ""]


def test_french_catalogue_is_complete(po_entries):
    assert len(po_entries) > 100  # the parser really read the catalogue
    untranslated = [e["msgid"] for e in po_entries if not all(s.strip() for s in e["msgstr"])]
    fuzzy = [e["msgid"] for e in po_entries if "fuzzy" in e["flags"]]
    assert untranslated == [], f"{len(untranslated)} untranslated: {untranslated[:10]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy: {fuzzy[:10]}"


def test_french_header_is_not_fuzzy_and_plural_forms_are_french():
    text = PO_FILE.read_text(encoding="utf-8")
    header = text.split('msgid ""', 1)[0]
    assert "fuzzy" not in header
    assert "Plural-Forms: nplurals=2; plural=(n > 1);" in text
    assert '"Language: fr\\n"' in text


def test_french_translations_keep_placeholders_and_tags(po_entries):
    broken = []
    for entry in po_entries:
        for index, translated in enumerate(entry["msgstr"]):
            source = entry["msgid"] if index == 0 else entry.get("msgid_plural", entry["msgid"])
            if sorted(_PLACEHOLDER.findall(source)) != sorted(_PLACEHOLDER.findall(translated)):
                broken.append((entry["msgid"], "placeholders"))
            if sorted(_TAG.findall(source)) != sorted(_TAG.findall(translated)):
                broken.append((entry["msgid"], "HTML tags"))
        if "msgid_plural" in entry:
            assert len(entry["msgstr"]) == 2, entry["msgid"]
    assert broken == []


def test_compiled_catalogue_matches_the_po(po_entries):
    # A .po edited without running compilemessages leaves the site in English.
    assert MO_FILE.exists(), "run compilemessages"
    with MO_FILE.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)._catalog
    stale = []
    for entry in po_entries:
        msgid = entry["msgid"]
        if "msgctxt" in entry:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        if "msgid_plural" in entry:
            compiled = [catalog.get((msgid, n)) for n in range(len(entry["msgstr"]))]
        else:
            compiled = [catalog.get(msgid)]
        if compiled != entry["msgstr"]:
            stale.append(entry["msgid"])
    assert stale == [], f"django.mo is out of date for {len(stale)}: {stale[:10]}"

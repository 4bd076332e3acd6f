"""The example tool gets everything a tool gets from the spine by registering itself: a menu
entry, a firm switch on the settings screen, a dashboard panel, 404s for outsiders, its place
in the isolation walk and who-can-see. Nothing outside its folder names it but one line of
the test settings."""

from pathlib import Path

import pytest
from django.urls import reverse

from workspaces import access

from .isolation_cases import build

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def w(world):
    return build(world)


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def test_menu_entry_and_panel_follow_the_switches(w, client_for):
    notes_url = reverse("example_tool:notes", args=["alpha"])
    client = client_for(w.contact_a)
    dashboard = page(client, w.ws_a.url)
    assert f'href="{notes_url}"' in dashboard and ">Notes<" in dashboard
    assert "Latest note" in dashboard and "Alpha board minutes" in dashboard
    # contact_a2 has the menu entry (a member) but no note, so no panel.
    other = page(client_for(w.contact_a2), w.ws_a.url)
    assert f'href="{notes_url}"' in other and "Latest note" not in other

    w.ws_a.enabled_tools = [t for t in w.ws_a.enabled_tools if t != "notes"]
    w.ws_a.save()
    dashboard = page(client, w.ws_a.url)
    assert f'href="{notes_url}"' not in dashboard and "Latest note" not in dashboard
    assert client.get(notes_url).status_code == 404


def test_the_firm_switch_closes_the_tool_everywhere(w, client_for):
    w.firm.set_switch("clients_read_notes", False)
    w.firm.save()
    client = client_for(w.contact_a)
    assert "Alpha board minutes" not in page(client, w.ws_a.url)
    for url in (reverse("example_tool:notes", args=["alpha"]),
                reverse("example_tool:note", args=["alpha", w.note_a.pk])):
        assert client.get(url).status_code == 404
    step = access.explain(w.contact_a, "view", w.note_a).deciding
    assert (step.layer, step.reason) == (access.GLOBAL,
                                         "The firm has switched Notes off for clients.")


def test_pages_show_only_what_the_contact_may_read(w, client_for):
    note_url = reverse("example_tool:note", args=["alpha", w.note_a.pk])
    assert "Dividend agreed." in page(client_for(w.contact_a), note_url)
    assert "Alpha board minutes" in page(client_for(w.contact_a),
                                         reverse("example_tool:notes", args=["alpha"]))
    listing = page(client_for(w.contact_a2), reverse("example_tool:notes", args=["alpha"]))
    assert "Alpha board minutes" not in listing and "No notes for you." in listing
    for user in (w.contact_a2, w.contact_b, w.revoked, w.removed):
        assert client_for(user).get(note_url).status_code == 404
    # B's note through A's address, and A's through B's.
    assert client_for(w.contact_a).get(
        reverse("example_tool:note", args=["alpha", w.note_b.pk])).status_code == 404
    assert client_for(w.contact_b).get(
        reverse("example_tool:note", args=["beta", w.note_a.pk])).status_code == 404


def test_who_can_see_explains_each_contact(w):
    rows = {contact.email: explanation for contact, explanation in access.who_can_see(w.note_a)}
    assert rows["ann@alpha.test"].allowed
    assert rows["ann@alpha.test"].deciding.reason == "Granted to this contact personally."
    assert not rows["arno@alpha.test"].allowed
    assert rows["arno@alpha.test"].deciding.layer == access.OBJECT
    assert rows["rex@alpha.test"].deciding.reason == (
        "Portal access is switched off for this contact.")
    assert rows["rita@alpha.test"].deciding.reason == "Removed from this workspace."
    assert "bea@beta.test" not in rows


def test_the_settings_screen_shows_its_switch(w, client_for):
    url = reverse("wagtailsettings:edit", args=["workspaces", "firmsettings", w.site.pk])
    html = page(client_for(w.admin), url)
    assert 'name="switch__clients_read_notes"' in html and "Clients may read notes" in html


def test_isolation_walk_found_its_cases():
    from tests.security.test_isolation import ROUTES

    assert {"example_tool:notes", "example_tool:note"} <= set(ROUTES)


def test_nothing_outside_its_folder_names_it():
    """The tool is this folder plus one line of the test settings (and the docs that say
    so): no spine or other app file was edited for it."""
    skip = {".git", ".venv", "node_modules", "__pycache__", "example_tool"}
    found = []
    for path in ROOT.rglob("*"):
        if skip & set(path.relative_to(ROOT).parts) or not path.is_file():
            continue
        if path.suffix in {".py", ".html", ".md", ".toml", ".txt", ".cfg", ".ini", ".po"}:
            text = path.read_text(errors="ignore")
            if "example_tool" in text or "clients_read_notes" in text:
                found.append(str(path.relative_to(ROOT)))
    assert sorted(found) == ["docs/DESIGN.md", "portal_site/settings/test.py"]

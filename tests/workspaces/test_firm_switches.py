"""Firm switches are declared by the tools: the settings screen shows the installed tools'
switches only, saving keeps them in FirmSettings.switches, and the migration carried the
values of the columns they replace."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from workspaces import registry
from workspaces.models import FirmSettings

pytestmark = pytest.mark.django_db


def settings_url(world):
    return reverse("wagtailsettings:edit", args=["workspaces", "firmsettings", world.site.pk])


def settings_data(firm, **switches):
    data = {
        "platform_name": firm.platform_name, "magic_link_days": firm.magic_link_days,
        "allow_magic_link": "on", "allow_password": "on",
        "primary_color": firm.primary_color, "accent_color": firm.accent_color,
        "email_sender_name": "", "email_sender_address": "", "footer_text": "",
        "menu_links": inline_formset([]),
    }
    data.update({f"switch__{key}": "on" for key, on in switches.items() if on})
    return nested_form_data(data)


def test_settings_screen_lists_the_installed_tools_switches_only(world, client_for):
    response = client_for(world.admin).get(settings_url(world))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="switch__clients_may_upload"' in html
    assert 'name="switch__clients_see_billing"' in html
    assert "Clients may upload files" in html and "Clients may see billing" in html
    # Switches of tools that do not exist are gone.
    for gone in ("clients_may_open_requests", "clients_may_post_messages", "chatroom"):
        assert gone not in html
    # A tool registered later brings its switch; gone again when it is not installed.
    registry.register_tool(registry.Tool(
        slug="memos", label="Memos", url_name="portal:switcher",
        firm_switches=(registry.FirmSwitch(key="clients_may_memo",
                                           label="Clients may write memos"),)))
    try:
        html = client_for(world.admin).get(settings_url(world)).content.decode()
        assert 'name="switch__clients_may_memo"' in html and "Clients may write memos" in html
    finally:
        registry.tools.pop("memos")
    html = client_for(world.admin).get(settings_url(world)).content.decode()
    assert "clients_may_memo" not in html


def test_saving_the_settings_screen_stores_the_switches(world, client_for):
    firm = FirmSettings.for_site(world.site)
    firm.switches = {"gone_tool_switch": False}  # a value of an uninstalled tool: kept
    firm.save()
    response = client_for(world.admin).post(
        settings_url(world), settings_data(firm, clients_may_upload=True,
                                           clients_see_billing=False))
    assert response.status_code == 302, response.context["form"].errors
    firm = FirmSettings.objects.get(pk=firm.pk)
    assert firm.switches["clients_may_upload"] is True
    assert firm.switches["clients_see_billing"] is False
    assert firm.switches["gone_tool_switch"] is False
    assert set(firm.switches) == {"gone_tool_switch"} | {
        switch.key for _tool, switch in registry.firm_switches()}
    assert not firm.switch_on("clients_see_billing")
    assert firm.switch_on("clients_may_upload")
    assert not firm.switch_on("gone_tool_switch")  # no switch exists for it
    form = client_for(world.admin).get(settings_url(world)).context["form"]
    assert form["switch__clients_see_billing"].value() is False
    assert form["switch__clients_may_upload"].value() is True


def test_switches_default_to_the_tools_declared_default(world):
    firm = FirmSettings.for_site(world.site)
    assert firm.switches == {}
    assert firm.switch_on("clients_see_billing") and firm.switch_on("clients_may_upload")


def test_migration_carries_the_old_columns_into_switches(world):
    # The world's rows wait on deferred foreign-key checks, which PostgreSQL will not keep
    # pending across an ALTER TABLE: run them now (the test's transaction still rolls back).
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    executor = MigrationExecutor(connection)
    executor.migrate([("workspaces", "0002_workspaces")])
    old = executor.loader.project_state([("workspaces", "0002_workspaces")]).apps
    old_firm = old.get_model("workspaces", "FirmSettings")
    old_firm.objects.filter(site_id=world.site.pk).update(
        clients_see_billing=False, clients_may_upload=True, clients_may_post_messages=False)

    executor = MigrationExecutor(connection)
    executor.migrate([("workspaces", "0003_firm_switches")])
    firm = FirmSettings.objects.get(site_id=world.site.pk)
    assert firm.switches == {"clients_see_billing": False, "clients_may_upload": True}
    assert not firm.switch_on("clients_see_billing")

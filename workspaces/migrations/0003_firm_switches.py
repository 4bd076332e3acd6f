"""Firm switches move from FirmSettings columns to the switches their tools declare.

The values of clients_see_billing (billing) and clients_may_upload (files) are carried into
FirmSettings.switches under the same keys. The requests, messages and chatroom switches
governed no tool that exists: they go, with their values.
"""

from django.db import migrations, models

CARRIED = ("clients_see_billing", "clients_may_upload")


def columns_to_switches(apps, schema_editor):
    FirmSettings = apps.get_model("workspaces", "FirmSettings")
    for firm in FirmSettings.objects.all():
        firm.switches = {**(firm.switches or {}),
                         **{key: getattr(firm, key) for key in CARRIED}}
        firm.save(update_fields=["switches"])


def switches_to_columns(apps, schema_editor):
    FirmSettings = apps.get_model("workspaces", "FirmSettings")
    for firm in FirmSettings.objects.all():
        for key in CARRIED:
            setattr(firm, key, bool((firm.switches or {}).get(key, True)))
        firm.save(update_fields=list(CARRIED))


class Migration(migrations.Migration):

    dependencies = [
        ("workspaces", "0002_workspaces"),
    ]

    operations = [
        migrations.AddField(
            model_name="firmsettings",
            name="switches",
            field=models.JSONField(blank=True, default=dict,
                                   verbose_name="what clients may do"),
        ),
        migrations.RunPython(columns_to_switches, switches_to_columns),
        migrations.RemoveField(model_name="firmsettings", name="clients_may_open_requests"),
        migrations.RemoveField(model_name="firmsettings", name="clients_may_post_messages"),
        migrations.RemoveField(model_name="firmsettings", name="clients_may_upload"),
        migrations.RemoveField(model_name="firmsettings", name="clients_see_billing"),
        migrations.RemoveField(model_name="workspacepage", name="chatroom_enabled"),
    ]

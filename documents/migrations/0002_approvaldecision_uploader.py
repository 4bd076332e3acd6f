# Decisions name who uploaded the version decided on, frozen like the decider's own name.

from django.db import migrations, models


def copy_uploaders(apps, schema_editor):
    """Earlier decisions take the uploader as stored on their version today (the best record
    there is); a version whose uploader is gone stays blank."""
    ApprovalDecision = apps.get_model("documents", "ApprovalDecision")
    for decision in ApprovalDecision.objects.filter(
            version__uploaded_by__isnull=False).select_related("version__uploaded_by"):
        user = decision.version.uploaded_by
        name = f"{user.first_name} {user.last_name}".strip() or user.email
        ApprovalDecision.objects.filter(pk=decision.pk).update(
            uploader_name=name[:300], uploader_email=user.email)


class Migration(migrations.Migration):

    dependencies = [
        ("documents", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="approvaldecision",
            name="uploader_email",
            field=models.EmailField(blank=True, max_length=254, verbose_name="uploader's email"),
        ),
        migrations.AddField(
            model_name="approvaldecision",
            name="uploader_name",
            field=models.CharField(blank=True, max_length=300, verbose_name="version uploaded by"),
        ),
        migrations.RunPython(copy_uploaders, migrations.RunPython.noop),
    ]

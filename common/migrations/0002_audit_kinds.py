from django.db import migrations, models


class Migration(migrations.Migration):
    """The audit trail keeps typed kinds, the actor's name as it was, and the reason."""

    dependencies = [("common", "0001_initial")]

    operations = [
        migrations.RenameField("auditevent", "action", "kind"),
        migrations.AlterField(
            "auditevent", "kind", models.CharField(max_length=64, db_index=True)
        ),
        migrations.AddField(
            "auditevent",
            "actor_name",
            models.CharField(max_length=320, blank=True, default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            "auditevent", "reason", models.TextField(blank=True, default=""), preserve_default=False
        ),
    ]

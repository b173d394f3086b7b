"""The database cache's table (settings.CACHES when REDIS_URL is not set), made by `migrate`
so that the production steps need no separate `createcachetable`. With Redis there is nothing
to make."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("common", "0003_access_record")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]

# A form is looked up by its person and round (a search by name reads each match's form through
# this index alone on PostgreSQL); the index replaces the person's own, which it also serves.
# The new index is built before the old one goes, so that lookups by person always have one.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("appraisal", "0008_round_jobs"),
        ("orgchart", "0004_name_search_trigram_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="appraisalform",
            index=models.Index(
                fields=["person", "round"], include=("unit", "id"), name="form_person_round"
            ),
        ),
        migrations.AlterField(
            model_name="appraisalform",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="appraisal_forms",
                to="orgchart.person",
            ),
        ),
    ]

"""Covering versions of the two case-list indexes (see ``Case.Meta.indexes``), built without locking writes; the
new ones exist before the old ones go, so lists never run without an index."""

from django.contrib.postgres.operations import AddIndexConcurrently, RemoveIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False  # CREATE/DROP INDEX CONCURRENTLY cannot run in a transaction

    dependencies = [
        ("cases", "0002_reference_sequence_and_dash_questions"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="case",
            index=models.Index(
                fields=["owning_agency", "-updated_at"], include=("id",), name="case_agency_updated_cov_idx"
            ),
        ),
        AddIndexConcurrently(
            model_name="case",
            index=models.Index(fields=["-updated_at", "-id"], include=("owning_agency",), name="case_updated_cov_idx"),
        ),
        RemoveIndexConcurrently(model_name="case", name="case_agency_updated_idx"),
        RemoveIndexConcurrently(model_name="case", name="case_updated_idx"),
    ]

"""Indexes the assurance metrics read by (agency and date) on tables other apps own.

They live here, as plain SQL, so the owning apps' models stay unchanged: a quarter's metrics then read only that
quarter's rows instead of scanning every concern, enquiry and sharing decision each time (and the trends over four
quarters four times over)."""

from django.db import migrations

INDEXES = [
    ("assurance_concern_raised_idx", "cases_concern", "(raising_agency_id, raised_at)"),
    ("assurance_concern_decided_idx", "cases_concern", "(raising_agency_id, decided_at)"),
    ("assurance_enquiry_concluded_idx", "cases_enquiry", "(concluded_at)"),
    ("assurance_enquiry_lead_idx", "cases_enquiry", "(lead_agency_id, started_at)"),
    ("assurance_decision_owner_idx", "safeguarding_sharingdecision", "(owner_agency_id, decided_at)"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("assurance", "0001_initial"),
        ("cases", "0002_reference_sequence_and_dash_questions"),
        ("safeguarding", "0005_sharing_decisions"),
    ]

    operations = [
        migrations.RunSQL(
            sql=f"CREATE INDEX IF NOT EXISTS {name} ON {table} {columns}",
            reverse_sql=f"DROP INDEX IF EXISTS {name}",
        )
        for name, table, columns in INDEXES
    ]

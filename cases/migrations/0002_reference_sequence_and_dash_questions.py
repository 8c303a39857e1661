from django.db import migrations


def load_default_questions(apps, schema_editor):
    from cases.dash_questions import DEFAULT_VERSION, default_questions

    DashQuestionSet = apps.get_model("cases", "DashQuestionSet")
    DashQuestionSet.objects.get_or_create(version=DEFAULT_VERSION, defaults={"questions": default_questions()})


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE SEQUENCE IF NOT EXISTS cases_case_reference_seq START 1",
            "DROP SEQUENCE IF EXISTS cases_case_reference_seq",
        ),
        migrations.RunPython(load_default_questions, migrations.RunPython.noop),
    ]

import uuid

from django.db import migrations, models


def fill_public_ids(apps, schema_editor):
    UserSession = apps.get_model("safeguarding", "UserSession")
    for row in UserSession.objects.filter(public_id=None).only("session_key"):
        UserSession.objects.filter(session_key=row.session_key).update(public_id=uuid.uuid4())


class Migration(migrations.Migration):
    """Sessions get a public id: the session key is a bearer secret and must never appear in a page or URL."""

    dependencies = [
        ("safeguarding", "0002_notifications"),
    ]

    operations = [
        migrations.AddField(
            model_name="usersession",
            name="public_id",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill_public_ids, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="usersession",
            name="public_id",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]

"""On PostgreSQL, make a double booking of an agent impossible at the database level."""

from django.db import migrations


CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE appointments_appointment ADD CONSTRAINT appointment_no_double_booking
    EXCLUDE USING gist (agent_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status IN ('booked', 'arrived', 'seen', 'no_show'));
"""
DROP = "ALTER TABLE appointments_appointment DROP CONSTRAINT IF EXISTS appointment_no_double_booking;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("appointments", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]

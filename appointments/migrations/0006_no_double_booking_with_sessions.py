"""On PostgreSQL: participants of a collective session share its time; the session itself holds the agent's time."""

from django.db import migrations


CREATE = """
ALTER TABLE appointments_appointment DROP CONSTRAINT IF EXISTS appointment_no_double_booking;
ALTER TABLE appointments_appointment ADD CONSTRAINT appointment_no_double_booking
    EXCLUDE USING gist (agent_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status IN ('booked', 'arrived', 'seen', 'no_show') AND session_id IS NULL);
ALTER TABLE appointments_collectivesession ADD CONSTRAINT session_no_double_booking
    EXCLUDE USING gist (agent_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (cancelled_at IS NULL);
"""
DROP = """
ALTER TABLE appointments_collectivesession DROP CONSTRAINT IF EXISTS session_no_double_booking;
ALTER TABLE appointments_appointment DROP CONSTRAINT IF EXISTS appointment_no_double_booking;
ALTER TABLE appointments_appointment ADD CONSTRAINT appointment_no_double_booking
    EXCLUDE USING gist (agent_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
    WHERE (status IN ('booked', 'arrived', 'seen', 'no_show'));
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("appointments", "0005_sessions_follow_up_relatives")]

    operations = [migrations.RunPython(create, drop)]

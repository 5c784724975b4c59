from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from appointments.models import Motif, OpeningSchedule
from portal.enums import Role
from portal.models import Service
from tests.factories import SiteFactory, agent


PARIS = ZoneInfo("Europe/Paris")


def at(day, hour, minute=0):
    """Return an aware datetime in Paris."""
    return datetime.combine(day, time(hour, minute), PARIS)


@pytest.fixture
def pmi(db):
    return Service.objects.create(slug="pmi", name="PMI")


@pytest.fixture
def cdas(db):
    return SiteFactory(name="CDAS de Vitré")


@pytest.fixture
def motif(pmi):
    return Motif.objects.create(
        service=pmi, name={"fr": "Consultation nourrisson", "en": "Infant consultation"}, duration_minutes=30,
        min_delay_minutes=0, max_delay_days=365,
    )  # fmt: skip


@pytest.fixture
def nurse(pmi, cdas):
    return agent(role=Role.INSTRUCTOR, service=pmi, site=cdas, first_name="Claire", last_name="Puéricultrice")


def schedule(agent_user, site, motif, *, weekdays=(0, 1, 2, 3, 4), start=time(9), end=time(12), valid_from=None,
             every_n_weeks=1, valid_to=None):  # fmt: skip
    opening = OpeningSchedule.objects.create(
        agent=agent_user, site=site, weekdays=list(weekdays), start_time=start, end_time=end,
        valid_from=valid_from or date(2026, 1, 5), valid_to=valid_to, every_n_weeks=every_n_weeks,
    )  # fmt: skip
    opening.motifs.add(motif)
    return opening

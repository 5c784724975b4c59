"""Reference data of the organisation: communes and intercommunalities shipped with the project."""

import csv
from pathlib import Path

from django.db import transaction

from portal.models import Commune, Intercommunality


COMMUNES_CSV = Path(__file__).resolve().parent / "data" / "ille-et-vilaine-communes.csv"


@transaction.atomic
def load_communes(*, path=COMMUNES_CSV, sector_of_epci=None):
    """Create or update the communes and intercommunalities from the CSV; return the number of communes."""
    sector_of_epci = sector_of_epci or {}
    epcis = {}
    count = 0
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            siren = row["epci_siren"]
            if siren not in epcis:
                epcis[siren], _ = Intercommunality.objects.update_or_create(
                    siren=siren, defaults={"name": row["epci_name"], "kind": row["epci_type"]}
                )
            defaults = {
                "name": row["name"],
                "population": int(row["population"] or 0),
                "intercommunality": epcis[siren],
            }
            site = sector_of_epci.get(row["epci_name"])
            if site is not None:
                defaults["site"] = site
            Commune.objects.update_or_create(insee_code=row["insee_code"], defaults=defaults)
            count += 1
    return count

"""Reference data of the organisation: communes and intercommunalities shipped with the project."""

import csv
import re
import unicodedata
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

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


def normalise_name(text):
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip().replace("saint ", "st ").replace("sainte ", "ste ")


class CommuneDirectory:
    """The communes of the département by INSEE code and by spelling-tolerant name, read once (for imports)."""

    def __init__(self):
        self.by_code, self.by_name = {}, {}
        for commune in Commune.objects.only("pk", "name", "insee_code", "site_id"):
            self.by_code[commune.insee_code] = commune
            self.by_name.setdefault(normalise_name(commune.name), []).append(commune)

    def find(self, text):
        """Return the commune named (or coded) `text`, or raise ValidationError."""
        text = (text or "").strip()
        matches = self.by_name.get(normalise_name(text), [])
        commune = self.by_code.get(text) or (matches[0] if len(matches) == 1 else None)
        if commune is None:
            raise ValidationError(
                _("“%(name)s” is not a commune of the département: check the spelling, or give its INSEE code.")
                % {"name": text},
                code="unknown_commune",
            )
        return commune


def find_commune(text, directory=None):
    """Return the commune of the département named (or coded) `text`, or raise ValidationError.

    Without a directory (one lookup, as in a search form), an INSEE code is one indexed query; only a name reads
    the communes to compare spellings.
    """
    if directory is None:
        code = (text or "").strip()
        commune = Commune.objects.filter(insee_code=code).first() if code.isdigit() else None
        if commune is not None:
            return commune
        directory = CommuneDirectory()
    return directory.find(text)

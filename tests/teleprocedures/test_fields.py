import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from teleprocedures import fields
from teleprocedures.fields import FieldErrors
from tests.factories import CommuneFactory
from tests.teleprocedures.fixtures import PDF_BYTES, PNG_BYTES


pytestmark = pytest.mark.django_db


def clean(spec, values):
    """Run a field through Django's validation then our composition, like a page does."""
    form_fields = dict(fields.build(spec, spec["id"]))
    cleaned, errors = {}, {}
    for name, field in form_fields.items():
        try:
            cleaned[name] = field.clean(values.get(name, ""))
        except Exception as error:  # noqa: BLE001
            errors[name] = " ".join(error.messages)
    if errors:
        return None, errors
    try:
        return fields.compose(spec, cleaned, spec["id"]), {}
    except FieldErrors as error:
        return None, error.errors


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


@pytest.mark.parametrize(
    ("spec", "value", "stored"),
    [
        ({"id": "f", "type": "text", "label": "x"}, "Bonjour", "Bonjour"),
        ({"id": "f", "type": "textarea", "label": "x"}, "Ligne 1\nLigne 2", "Ligne 1\nLigne 2"),
        ({"id": "f", "type": "email", "label": "x"}, "lina@example.org", "lina@example.org"),
        ({"id": "f", "type": "phone", "label": "x"}, "02 99 02 35 35", "+33299023535"),
        ({"id": "f", "type": "date", "label": "x"}, "15/03/2026", "2026-03-15"),
        ({"id": "f", "type": "date", "label": "x"}, "2026-03-15", "2026-03-15"),
        ({"id": "f", "type": "number", "label": "x", "min": 0, "max": 10}, "7", 7),
        ({"id": "f", "type": "amount", "label": "x"}, "1 250,5", "1250.50"),
        ({"id": "f", "type": "amount", "label": "x"}, "1250.50 €", "1250.50"),
        ({"id": "f", "type": "yes_no", "label": "x"}, "no", False),
        ({"id": "f", "type": "siret", "label": "x"}, "732 829 320 00074", "73282932000074"),
        (
            {"id": "f", "type": "iban", "label": "x"},
            "fr76 3000 6000 0112 3456 7890 189",
            "FR7630006000011234567890189",
        ),
        ({"id": "f", "type": "pacage", "label": "x"}, "035 123 456", "035123456"),
    ],
)
def test_each_field_type_stores_a_normalised_value(spec, value, stored):
    result, errors = clean(spec, {"f": value})
    assert errors == {}
    assert result == stored


@pytest.mark.parametrize(
    ("spec", "value", "message"),
    [
        ({"id": "f", "type": "text", "label": "x", "max_length": 5}, "trop long", "au plus 5 caractères"),
        ({"id": "f", "type": "email", "label": "x"}, "lina@", "adresse e-mail valide"),
        ({"id": "f", "type": "phone", "label": "x"}, "12 34", "comme 06 12 34 56 78"),
        ({"id": "f", "type": "date", "label": "x"}, "31/02/2026", "date valide"),
        ({"id": "f", "type": "number", "label": "x", "max": 10}, "11", "inférieure ou égale à 10"),
        ({"id": "f", "type": "amount", "label": "x"}, "-3", "supérieure ou égale à 0"),
        ({"id": "f", "type": "amount", "label": "x"}, "douze", "Saisissez un nombre"),
        ({"id": "f", "type": "siret", "label": "x"}, "73282932000075", "clé de contrôle"),
        ({"id": "f", "type": "siret", "label": "x"}, "1234", "14 chiffres"),
        ({"id": "f", "type": "iban", "label": "x"}, "FR76 3000 6000 0112 3456 7890 180", "IBAN n’est pas valide"),
        ({"id": "f", "type": "pacage", "label": "x"}, "12345", "9 chiffres"),
        ({"id": "f", "type": "choice", "label": "x", "choices": [{"value": "a", "label": "A"}]}, "b", "choix valide"),
        ({"id": "f", "type": "text", "label": "x", "required": True}, "", "obligatoire"),
    ],
)
def test_each_field_type_rejects_bad_values_with_a_french_message(spec, value, message):
    result, errors = clean(spec, {"f": value})
    assert result is None
    assert message in errors["f"], errors


def test_multiple_choice_keeps_the_chosen_values():
    spec = {"id": "f", "type": "multiple_choice", "label": "x",
            "choices": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}]}  # fmt: skip
    result, errors = clean(spec, {"f": ["a", "b"]})
    assert (result, errors) == (["a", "b"], {})
    assert fields.display(spec, result) == "A, B"


def test_address_finds_the_commune_whatever_the_accents_and_case():
    CommuneFactory(insee_code="35288", name="Saint-Malo")
    spec = {"id": "home", "type": "address", "label": "x", "required": True}
    result, errors = clean(spec, {"home__line": "1 quai", "home__postal_code": "35400", "home__commune": "ST MALO"})
    assert errors == {}
    assert result == {"line": "1 quai", "postal_code": "35400", "commune": "35288", "commune_name": "Saint-Malo"}
    assert fields.display(spec, result) == "1 quai, 35400 Saint-Malo"


def test_address_outside_the_departement_or_with_a_bad_postal_code_is_refused():
    spec = {"id": "home", "type": "address", "label": "x", "required": True}
    result, errors = clean(spec, {"home__line": "1 rue", "home__postal_code": "750", "home__commune": "Paris"})
    assert result is None
    assert "5 chiffres" in errors["home__postal_code"]
    assert "« Paris » n’est pas une commune du département" in errors["home__commune"]


def test_road_location_is_normalised_and_checked():
    CommuneFactory(insee_code="35360", name="Vitré")
    spec = {"id": "loc", "type": "road_location", "label": "x", "required": True}
    result, errors = clean(
        spec, {"loc__road": "d137", "loc__pr_start": "12+350", "loc__pr_end": "PR 12 + 800", "loc__commune": "vitre"}
    )
    assert errors == {}
    assert result == {"road": "RD 137", "pr_start": "12+350", "pr_end": "12+800", "commune": "35360",
                      "commune_name": "Vitré"}  # fmt: skip
    assert fields.display(spec, result) == "RD 137, PR 12+350 – PR 12+800 (Vitré)"

    result, errors = clean(
        spec, {"loc__road": "A84", "loc__pr_start": "13+000", "loc__pr_end": "12+800", "loc__commune": "Vitré"}
    )
    assert "RD 137" in errors["loc__road"]
    assert "doit suivre" in errors["loc__pr_end"]
    result, errors = clean(
        spec, {"loc__road": "137", "loc__pr_start": "douze", "loc__pr_end": "12+800", "loc__commune": "Vitré"}
    )
    assert "12+350" in errors["loc__pr_start"]


def test_file_types_are_checked_by_content_and_size():
    spec = {"id": "f", "type": "file", "label": "x", "accept": ["pdf"], "max_size_mb": 1, "multiple": True}
    [(_name, field)] = fields.build(spec, "f")
    good = SimpleUploadedFile("a.pdf", PDF_BYTES)
    assert [upload.detected_kind for upload in field.clean([good])] == ["pdf"]
    with pytest.raises(Exception, match="n’est pas un fichier accepté"):
        field.clean([SimpleUploadedFile("image.pdf", PNG_BYTES)])  # a PNG renamed .pdf
    with pytest.raises(Exception, match="n’est pas un fichier accepté"):
        field.clean([SimpleUploadedFile("setup.pdf", b"MZ\x90\x00" + b"\x00" * 60)])
    with pytest.raises(Exception, match="trop volumineux"):
        field.clean([SimpleUploadedFile("big.pdf", PDF_BYTES + b"0" * (1024 * 1024))])


def test_total_sums_a_group():
    spec = {"id": "t", "type": "total", "label": "Total", "sum_of": "quotes.amount"}
    data = {"quotes": [{"amount": "12500.50"}, {"amount": "8000.00"}, {"amount": None}]}
    assert fields.display(spec, None, data=data) == "20\xa0500,50 €"


def test_removing_a_line_moves_the_next_ones_up_and_keeps_other_fields():
    from teleprocedures.forms import shift_rows

    values = {"quotes-0-supplier": "A", "quotes-0-amount": "1", "quotes-1-supplier": "B", "quotes-1-amount": "2",
              "quotes-2-supplier": "C", "quotes-2-amount": "3", "quote_files": "", "quotes_total": "x"}  # fmt: skip
    assert shift_rows(values, "quotes", 1) == {
        "quotes-0-supplier": "A", "quotes-0-amount": "1", "quotes-1-supplier": "C", "quotes-1-amount": "3",
        "quote_files": "", "quotes_total": "x",
    }  # fmt: skip
    assert shift_rows(values, "quotes", 2) == {k: v for k, v in values.items() if not k.startswith("quotes-2-")}

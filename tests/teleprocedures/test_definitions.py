import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from teleprocedures.definitions import condition_holds, validate_definition, visible_pages
from teleprocedures.models import Procedure
from teleprocedures.services import export_procedure, import_procedure


ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted((ROOT / "teleprocedures" / "procedures").glob("*.json"))


def minimal(**field):
    return {"pages": [{"id": "p", "title": "Page", "fields": [{"id": "f", "type": "text", "label": "F", **field}]}]}


def test_the_five_shipped_procedures_are_valid():
    assert len(SHIPPED) == 5
    for path in SHIPPED:
        assert validate_definition(json.loads(path.read_text())["definition"]) == [], path.name


def labels_of(value, path=""):
    """Yield (path, label) for every translated label ({"fr": …}) of a procedure file."""
    if isinstance(value, dict):
        if isinstance(value.get("fr"), str):
            yield path, value
            return
        for key, inner in value.items():
            yield from labels_of(inner, f"{path}.{key}")
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from labels_of(inner, f"{path}[{index}]")


def test_every_label_of_the_shipped_procedures_is_in_french_english_and_arabic():
    missing = [
        f"{path.name}{where}: {language}"
        for path in SHIPPED
        for where, label in labels_of(json.loads(path.read_text()))
        for language in ("fr", "en", "ar")
        if not label.get(language, "").strip()
    ]
    assert not missing, missing
    assert sum(1 for path in SHIPPED for _label in labels_of(json.loads(path.read_text()))) > 150


@pytest.mark.parametrize(
    ("definition", "error"),
    [
        ({"pages": []}, "pages: [] should be non-empty"),
        (minimal(type="colour"), "pages[0].fields[0].type: 'colour' is not one of"),
        (minimal(id="Bad Id"), "pages[0].fields[0].id: 'Bad Id' does not match"),
        (minimal(label={"en": "No French"}), "pages[0].fields[0].label: 'fr' is a required property"),
        (minimal(surprise=1), "pages[0].fields[0]: Additional properties are not allowed ('surprise' was unexpected)"),
        (minimal(type="choice"), "pages[0].fields[0].choices: a choice field needs choices"),
        (
            minimal(show_if={"field": "later", "equals": "x"}),
            "pages[0].fields[0].show_if.field: 'later' must be a field",
        ),
        (
            {"pages": [{"id": "p", "title": "P", "fields": [{"id": "t", "type": "total", "sum_of": "none.amount"}]}]},
            "pages[0].fields[0].sum_of: 'none.amount' must name a number or amount of a group",
        ),
        (
            {
                "pages": [
                    {
                        "id": "p",
                        "title": "P",
                        "fields": [
                            {"id": "a", "type": "text", "label": "A"},
                            {"id": "a", "type": "text", "label": "B"},
                        ],
                    }
                ]
            },
            "pages[0].fields[1].id: 'a' is used twice",
        ),  # fmt: skip
    ],
)
def test_malformed_definitions_are_refused_with_the_path_of_the_error(definition, error):
    errors = validate_definition(definition)
    assert any(message.startswith(error) for message in errors), errors


def test_conditions_show_and_hide_pages():
    def page(page_id, condition=None):
        field = {"id": f"{page_id}_field", "type": "text", "label": page_id}
        return {"id": page_id, "title": page_id, "fields": [field], **({"show_if": condition} if condition else {})}

    definition = {"pages": [page("a"), page("b", {"field": "a_field", "equals": "x"}),
                            page("d", {"field": "a_field", "in": ["y", "z"]})]}  # fmt: skip
    assert validate_definition(definition) == []
    assert [p["id"] for p in visible_pages(definition, {"a_field": "x"})] == ["a", "b"]
    assert [p["id"] for p in visible_pages(definition, {"a_field": "z"})] == ["a", "d"]
    assert condition_holds({"field": "k", "contains": "v"}, {"k": ["v", "w"]})
    assert not condition_holds({"field": "k", "contains": "v"}, {})


def test_loading_a_malformed_file_fails_with_the_path_and_loads_nothing(procedures, tmp_path):
    bad = json.loads(SHIPPED[0].read_text())
    bad["slug"] = "broken-procedure"
    bad["definition"]["pages"][1]["fields"][0]["type"] = "colour"
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("load_procedures", str(path), stdout=io.StringIO(), stderr=errors)
    assert "definition.pages[1].fields[0].type: 'colour' is not one of" in errors.getvalue()
    assert not Procedure.objects.filter(slug="broken-procedure").exists()


def test_export_then_import_gives_the_same_procedure(procedures):
    procedure = procedures["permission-voirie"]
    document = export_procedure(procedure)
    assert document == json.loads((ROOT / "teleprocedures/procedures/permission-voirie.json").read_text())
    _procedure, outcome = import_procedure(document=document)
    assert outcome == "unchanged"
    document["definition"]["pages"][0]["title"] = "Qui demande ?"
    _procedure, outcome = import_procedure(document=document)
    assert outcome == "new version"
    assert procedure.versions.count() == 2
    assert procedure.published_version().number == 2

"""Procedure definitions: JSON documents (pages, fields, conditions, groups) validated against a schema."""

from django.conf import settings
from django.utils.translation import get_language
from jsonschema import Draft202012Validator


FIELD_TYPES = [
    "text",
    "textarea",
    "email",
    "phone",
    "date",
    "number",
    "amount",
    "choice",
    "multiple_choice",
    "yes_no",
    "address",
    "siret",
    "iban",
    "pacage",
    "road_location",
    "file",
    "group",
    "explanation",
    "total",
]
# Types that a repeatable group may hold (no files, no nested groups).
GROUP_MEMBER_TYPES = [t for t in FIELD_TYPES if t not in {"file", "group", "explanation", "total", "address"}]

TEXT = {
    "oneOf": [
        {"type": "string", "minLength": 1},
        {
            "type": "object",
            "properties": {code: {"type": "string"} for code, _name in settings.LANGUAGES},
            "required": ["fr"],
            "additionalProperties": False,
        },
    ]
}
CONDITION = {
    "type": "object",
    "properties": {
        "field": {"type": "string"},
        "equals": {},
        "in": {"type": "array"},
        "contains": {"type": "string"},
    },
    "required": ["field"],
    "minProperties": 2,
    "maxProperties": 2,
    "additionalProperties": False,
}
CHOICE = {
    "type": "object",
    "properties": {"value": {"type": "string", "minLength": 1}, "label": TEXT},
    "required": ["value", "label"],
    "additionalProperties": False,
}
FIELD_PROPERTIES = {
    "id": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,49}$"},
    "type": {"enum": FIELD_TYPES},
    "label": TEXT,
    "help": TEXT,
    "text": TEXT,
    "required": {"type": "boolean"},
    "show_if": CONDITION,
    "max_length": {"type": "integer", "minimum": 1, "maximum": 10000},
    "min": {"type": "number"},
    "max": {"type": "number"},
    "choices": {"type": "array", "items": CHOICE, "minItems": 1},
    "accept": {"type": "array", "items": {"enum": ["pdf", "jpeg", "png"]}, "minItems": 1},
    "max_size_mb": {"type": "number", "exclusiveMinimum": 0, "maximum": 50},
    "multiple": {"type": "boolean"},
    "min_rows": {"type": "integer", "minimum": 0},
    "max_rows": {"type": "integer", "minimum": 1, "maximum": 100},
    "row_label": TEXT,
    "sum_of": {"type": "string", "pattern": r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$"},
    "autocomplete": {"type": "string"},
    "prefill": {
        "enum": ["first_name", "last_name", "birth_date", "email", "phone", "address", "siret", "organisation_name"]
    },
}
SUBFIELD = {
    "type": "object",
    "properties": {**FIELD_PROPERTIES, "type": {"enum": GROUP_MEMBER_TYPES}},
    "required": ["id", "type", "label"],
    "additionalProperties": False,
}
FIELD = {
    "type": "object",
    "properties": {**FIELD_PROPERTIES, "fields": {"type": "array", "items": SUBFIELD, "minItems": 1}},
    "required": ["id", "type"],
    "additionalProperties": False,
}
SCHEMA = {
    "type": "object",
    "properties": {
        "pages": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "id": {"type": "string", "pattern": "^[a-z][a-z0-9_]{0,49}$"},
                    "title": TEXT,
                    "intro": TEXT,
                    "show_if": CONDITION,
                    "fields": {"type": "array", "items": FIELD, "minItems": 1},
                },
                "required": ["id", "title", "fields"],
                "additionalProperties": False,
            },
        },
        "decision": {
            "type": "object",
            "properties": {
                "template": {"enum": ["letter", "arrete", "grant", "transport", "notary_answer"]},
                "fields": {"type": "array", "items": SUBFIELD},
            },
            "required": ["template"],
            "additionalProperties": False,
        },
    },
    "required": ["pages"],
    "additionalProperties": False,
}
_VALIDATOR = Draft202012Validator(SCHEMA)


def _path(parts):
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text or "(root)"


def validate_definition(definition):
    """Return the list of errors of a definition, each starting with the path of the faulty element."""
    errors = []
    for error in sorted(_VALIDATOR.iter_errors(definition), key=lambda e: list(map(str, e.absolute_path))):
        # For oneOf failures, report the most specific cause rather than "is not valid under any schema".
        best = min(error.context, key=lambda e: len(e.message)) if error.context else error
        path = list(error.absolute_path) + list(best.absolute_path)[len(error.absolute_path) :]
        errors.append(f"{_path(path)}: {best.message}")
    if errors:
        return errors
    return _semantic_errors(definition)


def _semantic_errors(definition):
    errors = []
    seen = {}
    for page_index, page in enumerate(definition["pages"]):
        page_path = f"pages[{page_index}]"
        if "show_if" in page and page["show_if"]["field"] not in seen:
            errors.append(
                f"{page_path}.show_if.field: '{page['show_if']['field']}' must be a field of an earlier page"
            )
        page_fields = []
        for field_index, field in enumerate(page["fields"]):
            path = f"{page_path}.fields[{field_index}]"
            kind = field["type"]
            if field["id"] in seen or field["id"] in page_fields:
                errors.append(f"{path}.id: '{field['id']}' is used twice")
            if kind not in {"explanation", "total"} and "label" not in field:
                errors.append(f"{path}.label: a {kind} field needs a label")
            if kind == "explanation" and "text" not in field:
                errors.append(f"{path}.text: an explanation needs a text")
            if kind in {"choice", "multiple_choice"} and "choices" not in field:
                errors.append(f"{path}.choices: a {kind} field needs choices")
            if kind == "group" and "fields" not in field:
                errors.append(f"{path}.fields: a group needs fields")
            if kind != "group" and "fields" in field:
                errors.append(f"{path}.fields: only a group has fields")
            for sub_index, sub in enumerate(field.get("fields", [])):
                if sub["type"] in {"choice", "multiple_choice"} and "choices" not in sub:
                    errors.append(f"{path}.fields[{sub_index}].choices: a {sub['type']} field needs choices")
            if kind == "total":
                group_id, member = field.get("sum_of", ".").split(".")
                group = {**seen, **{f["id"]: f for f in page["fields"]}}.get(group_id)
                members = {s["id"]: s["type"] for s in (group or {}).get("fields", [])}
                if members.get(member) not in {"amount", "number"}:
                    errors.append(f"{path}.sum_of: '{field.get('sum_of')}' must name a number or amount of a group")
            condition = field.get("show_if")
            if condition and condition["field"] not in seen:
                errors.append(f"{path}.show_if.field: '{condition['field']}' must be a field of an earlier page")
            page_fields.append(field["id"])
        for field in page["fields"]:
            seen[field["id"]] = field
    return errors


def translate(value, language=None):
    """Return the text of a definition label in the active language, falling back to French."""
    if value is None or isinstance(value, str):
        return value or ""
    language = (language or get_language() or "fr")[:2]
    return value.get(language) or value.get("fr") or next(iter(value.values()), "")


def condition_holds(condition, data):
    """Tell whether a show_if condition holds for the answers given so far."""
    if not condition:
        return True
    value = data.get(condition["field"])
    if "equals" in condition:
        return value == condition["equals"]
    if "in" in condition:
        return value in condition["in"]
    return condition["contains"] in (value or [])


def visible_pages(definition, data):
    return [page for page in definition["pages"] if condition_holds(page.get("show_if"), data)]


def visible_fields(page, data):
    return [field for field in page["fields"] if condition_holds(field.get("show_if"), data)]


def page_by_id(definition, page_id):
    return next((page for page in definition["pages"] if page["id"] == page_id), None)


def all_fields(definition):
    for page in definition["pages"]:
        yield from page["fields"]


PROCEDURE_FILE_SCHEMA = {
    "type": "object",
    "properties": {
        "slug": {"type": "string", "pattern": "^[a-z0-9-]{2,50}$"},
        "service": {"type": "string"},
        "number_prefix": {"type": "string", "pattern": "^[A-Z]{2,6}$"},
        "theme": {"enum": ["education", "roads", "agriculture", "territories", "social"]},
        "audience": {"enum": ["citizen", "professional", "everyone"]},
        "deadline_value": {"type": "integer", "minimum": 1},
        "deadline_unit": {"enum": ["months", "days", "working_days"]},
        "silence_rule": {"enum": ["none", "sva", "svr"]},
        "retention_months": {"type": "integer", "minimum": 1},
        "late_after": {"type": "string", "pattern": "^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"},
        "opens_on": {"type": "string", "format": "date"},
        "closes_on": {"type": "string", "format": "date"},
        "title": TEXT,
        "summary": TEXT,
        "who_can_file": TEXT,
        "duration": TEXT,
        "documents": {"type": "array", "items": TEXT},
        "definition": {"type": "object"},
    },
    "required": ["slug", "service", "number_prefix", "theme", "audience", "title", "definition"],
    "additionalProperties": False,
}
_FILE_VALIDATOR = Draft202012Validator(PROCEDURE_FILE_SCHEMA)


def validate_procedure_file(document):
    """Return the errors of a procedure file (its settings, then its definition under `definition`)."""
    errors = [f"{_path(list(e.absolute_path))}: {e.message}" for e in _FILE_VALIDATOR.iter_errors(document)]
    if errors or not isinstance(document, dict):
        return errors
    return [f"definition.{error}" for error in validate_definition(document["definition"])]

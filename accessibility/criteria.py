"""The 106 criteria of RGAA 4.1, read from the shipped data file (Source : RGAA 4.1, DINUM, Licence Ouverte 2.0)."""

import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path


DATA_FILE = Path(__file__).parent / "data" / "rgaa-4.1-criteres.json"
ATTRIBUTION = "Source : RGAA 4.1, DINUM (Licence Ouverte 2.0)"
_GLOSSARY_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


@dataclass(frozen=True)
class Criterion:
    number: str  # "1.1"
    topic_number: int
    topic: str
    title: str  # in French, as published

    @property
    def sort_key(self):
        return tuple(int(part) for part in self.number.split("."))


def plain(text):
    """The criterion's text without the links to the RGAA glossary (Markdown) that the data file carries."""
    return _GLOSSARY_LINK.sub(r"\1", text).replace("`", "")


@cache
def criteria():
    """Every criterion in RGAA order."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    found = [
        Criterion(f"{topic['number']}.{item['criterium']['number']}", topic["number"], topic["topic"],
                  plain(item["criterium"]["title"]))
        for topic in data["topics"]
        for item in topic["criteria"]
    ]  # fmt: skip
    return sorted(found, key=lambda criterion: criterion.sort_key)


@cache
def by_number():
    return {criterion.number: criterion for criterion in criteria()}

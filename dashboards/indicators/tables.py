"""What every section returns: key figures compared with the previous period, and tables (each drawn as a chart)."""

from dataclasses import dataclass, field

from django.utils.formats import date_format, number_format
from django.utils.functional import Promise

from dashboards.indicators.stats import change


@dataclass
class Figure:
    """A key figure and its previous value; `unit`: "", "%", "days" or "points"; `lower_is_better` says the trend."""

    label: str
    value: float | int | None
    previous: float | int | None = None
    unit: str = ""
    help: str = ""
    lower_is_better: bool = False
    compare: bool = True

    @property
    def change(self):
        return change(self.value, self.previous) if self.compare else None

    @property
    def trend(self):
        """ "better", "worse" or "" (no previous value or no change)."""
        if not self.compare or self.value is None or self.previous is None or self.value == self.previous:
            return ""
        up = self.value > self.previous
        return "worse" if up == self.lower_is_better else "better"


@dataclass
class Chart:
    """How a table is drawn: bars of one numeric column against the label column (or columns over time)."""

    value_column: int
    label_column: int = 0
    kind: str = "bars"  # "bars" (horizontal) or "columns" (a time series)
    maximum: float | None = None  # e.g. 5 for scores, 100 for rates


@dataclass
class Table:
    """A table of figures; the same rows feed the chart, the page and the CSV/ODS export."""

    key: str
    title: str
    columns: list
    rows: list = field(default_factory=list)
    chart: Chart | None = None
    note: str = ""

    @property
    def header(self):
        return [str(column) for column in self.columns]

    def export_rows(self):
        return ([str(value) if isinstance(value, Promise) else value for value in row] for row in self.rows)


def display(value):
    """A figure as the tables and charts show it: a dash when there is none, dates and decimals localised."""
    if value is None or value == "":
        return "–"
    if isinstance(value, Promise | str):
        return value
    if hasattr(value, "hour"):
        return date_format(value, "SHORT_DATETIME_FORMAT")
    if hasattr(value, "year"):
        return date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, float):
        return number_format(value, 2 if round(value, 2) != round(value, 1) else 1)
    return number_format(value, force_grouping=True)

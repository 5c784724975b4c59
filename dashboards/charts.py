"""Charts drawn on the server as SVG geometry (no script, no external asset); the table below holds the figures."""

from dataclasses import dataclass

from dashboards.indicators.tables import display


WIDTH = 640
BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 220
VALUE_WIDTH = 70
COLUMNS_HEIGHT = 180


@dataclass
class Bar:
    label: str
    value_text: str
    x: float
    y: float
    width: float
    height: float


def _shorten(text, limit=32):
    text = str(display(text))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def draw(table):
    """Return the chart's geometry for the template `dashboards/_chart.html`, or None when there is nothing to draw."""
    chart = table.chart
    if chart is None or not table.rows:
        return None
    values = [row[chart.value_column] or 0 for row in table.rows]
    top = chart.maximum or max(values)
    if not top:
        return None
    if chart.kind == "columns":
        count = len(values)
        slot = (WIDTH - 20) / count
        bars = []
        for index, (row, value) in enumerate(zip(table.rows, values, strict=True)):
            height = COLUMNS_HEIGHT * value / top
            x = 10 + index * slot + slot * 0.15
            label, value_text = display(row[chart.label_column]), display(row[chart.value_column])
            bars.append(Bar(label, value_text, x, COLUMNS_HEIGHT - height + 20, slot * 0.7, height))
        return {"kind": "columns", "bars": bars, "width": WIDTH, "height": COLUMNS_HEIGHT + 50,
                "baseline": COLUMNS_HEIGHT + 20, "label_every": max(1, count // 8)}  # fmt: skip
    scale = (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / top
    bars = [
        Bar(_shorten(row[chart.label_column]), display(row[chart.value_column]), LABEL_WIDTH,
            index * (BAR_HEIGHT + GAP), max(value * scale, 0), BAR_HEIGHT)
        for index, (row, value) in enumerate(zip(table.rows, values, strict=True))
    ]  # fmt: skip
    return {"kind": "bars", "bars": bars, "width": WIDTH, "height": len(bars) * (BAR_HEIGHT + GAP),
            "label_x": LABEL_WIDTH - 8, "text_dy": BAR_HEIGHT * 0.7}  # fmt: skip

"""EcoIndex of a page, our own implementation of the public formula (the reference package forbids derivatives).

Inputs: DOM element count, HTTP requests, transferred kilobytes. Each is placed among the quantiles of the
HTTP Archive's pages (values published by the EcoIndex project), weighted 3 / 2 / 1, and the score runs from 100
(lightest) to 0.
"""

from dataclasses import dataclass


DOM_QUANTILES = [0, 47, 75, 159, 233, 298, 358, 417, 476, 537, 603, 674, 753, 843, 949, 1076, 1237, 1459, 1801, 2479,
                 594601]  # fmt: skip
REQUEST_QUANTILES = [0, 2, 15, 25, 34, 42, 49, 56, 63, 70, 78, 86, 95, 105, 117, 130, 147, 170, 205, 281, 3920]
SIZE_QUANTILES = [0, 1.37, 144.7, 319.53, 479.46, 631.97, 783.38, 937.91, 1098.62, 1265.47, 1448.32, 1648.27,
                  1876.08, 2142.06, 2465.37, 2866.31, 3401.59, 4155.73, 5400.08, 8037.54, 223212.26]  # fmt: skip
# A grade goes to a score strictly above its bound; G below every bound.
GRADES = [("A", 80), ("B", 70), ("C", 55), ("D", 40), ("E", 25), ("F", 10)]


def quantile_position(quantiles, value):
    """Where the value falls among the quantiles: i − 1 plus the fraction of the way to the next one (at most 20)."""
    for index in range(1, len(quantiles)):
        if value < quantiles[index]:
            low, high = quantiles[index - 1], quantiles[index]
            return (index - 1) + (value - low) / (high - low)
    return len(quantiles) - 1


def score(dom, requests, size_kb):
    """The EcoIndex score, 0 to 100."""
    weighted = (3 * quantile_position(DOM_QUANTILES, dom) + 2 * quantile_position(REQUEST_QUANTILES, requests)
                + quantile_position(SIZE_QUANTILES, size_kb)) / 6  # fmt: skip
    return round(100 - 5 * weighted)


def grade(value):
    for letter, bound in GRADES:
        if value > bound:
            return letter
    return "G"


@dataclass(frozen=True)
class EcoIndex:
    dom: int
    requests: int
    size_kb: float

    @property
    def score(self):
        return score(self.dom, self.requests, self.size_kb)

    @property
    def grade(self):
        return grade(self.score)

    @property
    def greenhouse_gases(self):
        """Grams of CO2 equivalent per page view, by the EcoIndex project's linear rule."""
        return round(2 + 2 * (50 - self.score) / 100, 2)

    @property
    def water(self):
        """Centilitres of water per page view."""
        return round(3 + 3 * (50 - self.score) / 100, 2)

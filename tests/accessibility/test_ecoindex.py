import pytest

from accessibility.ecoindex import EcoIndex, grade, quantile_position, score


def test_quantile_position_interpolates_between_quantiles():
    assert quantile_position([0, 10, 20, 40], 0) == 0
    assert quantile_position([0, 10, 20, 40], 5) == 0.5
    assert quantile_position([0, 10, 20, 40], 30) == 2.5
    assert quantile_position([0, 10, 20, 40], 40) == 3  # beyond the last quantile: the maximum


def test_an_empty_page_scores_100_and_a_huge_one_0():
    assert score(0, 0, 0) == 100
    assert score(10**6, 10**4, 10**6) == 0


def test_score_of_a_page_worked_out_by_hand():
    # dom 300: between 298 and 358 → 5 + 2/60; 10 requests: between 2 and 15 → 1 + 8/13;
    # 60 KB: between 1.37 and 144.7 → 1 + 58.63/143.33. Weighted (3, 2, 1) / 6, times 5, from 100.
    dom_q, req_q, size_q = 5 + 2 / 60, 1 + 8 / 13, 1 + 58.63 / 143.33
    expected = round(100 - 5 * (3 * dom_q + 2 * req_q + size_q) / 6)
    assert expected == 84  # 83.55 rounded
    page = EcoIndex(dom=300, requests=10, size_kb=60)
    assert (page.score, page.grade) == (84, "A")
    assert page.greenhouse_gases == round(2 + 2 * (50 - 84) / 100, 2) == 1.32
    assert page.water == 1.98


def test_the_budget_limits_alone_do_not_make_grade_a():
    # A page at every limit of the budget scores 70 (C): grade A asks for lighter pages, so both are checked.
    assert (EcoIndex(dom=600, requests=15, size_kb=100).score, EcoIndex(dom=600, requests=15, size_kb=100).grade) == (
        70,
        "C",
    )
    assert EcoIndex(dom=400, requests=8, size_kb=60).score == 80  # B: a grade takes scores strictly above its bound
    assert EcoIndex(dom=250, requests=5, size_kb=40).grade == "A"


@pytest.mark.parametrize(("value", "letter"), [(100, "A"), (81, "A"), (80, "B"), (71, "B"), (56, "C"), (41, "D"),
                                               (26, "E"), (11, "F"), (10, "G"), (0, "G")])  # fmt: skip
def test_grades_take_scores_strictly_above_their_bound(value, letter):
    assert grade(value) == letter

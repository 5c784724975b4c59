import pytest

from tests.browser.conftest import page_weight


@pytest.mark.parametrize("path", ["/", "/compte/signup/", "/ar/"])
def test_citizen_pages_stay_within_the_ecodesign_budget(page, path):
    page.goto(path)
    page.wait_for_load_state("load")
    weight = page_weight(page)
    print(f"\n{path}: {weight['dom']} DOM nodes, {weight['requests']} requests, {weight['bytes'] / 1024:.1f} KB")
    assert weight["dom"] <= 600, weight
    assert weight["requests"] <= 15, weight
    assert weight["bytes"] <= 100 * 1024, weight

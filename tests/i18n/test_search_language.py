"""The search page of a French site answers in French in Chromium: its status line, with
the plural the language uses, and its "no results"."""

from __future__ import annotations

import pytest

from tests.conftest import make_site, run_masthead, serving
from tests.i18n.conftest import write_posts

pytestmark = pytest.mark.browser


def test_search_says_its_results_in_the_sites_language(browser, tmp_path):
    site = make_site(tmp_path)
    write_posts(tmp_path / "src")
    run_masthead("import", "markdown", tmp_path / "src", site=site)
    run_masthead("settings", "language", "fr", site=site)
    run_masthead("build", site=site)
    with serving(site, worker=False) as url:
        page = browser.new_page()
        page.goto(url + "/search/?q=light")
        page.wait_for_selector("#search-results li")
        assert page.inner_text("#search-status") == "1 résultat pour « light »"
        page.fill("#search-input", "note")  # both posts say it
        page.wait_for_function(
            "document.getElementById('search-status').textContent.startsWith('2')")
        assert page.inner_text("#search-status") == "2 résultats pour « note »"
        page.fill("#search-input", "zzyzx")
        page.wait_for_function(
            "document.getElementById('search-status').textContent.startsWith('Aucun')")
        assert page.inner_text("#search-status") == "Aucun résultat pour « zzyzx »"
        assert page.inner_text("label[for=search-input]") == "Rechercher dans les textes"

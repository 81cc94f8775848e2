"""The studio's settings form over HTTP: drawn from the settings table, one control a kind,
choices from what the site can use, and every refusal naming the field as the form does."""

from __future__ import annotations

import json
import shutil
import zoneinfo

import pytest
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from masthead.content import setting_choices, site_settings
from tests.conftest import run_masthead

ON_SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

# What a writer meets for each kind of setting: (element, its type attribute).
CONTROLS = {
    "line": ("input", None),
    "text": ("textarea", None),
    "switch": ("input", "checkbox"),
    "number": ("input", "number"),
    "choice": ("select", None),
    "links": ("input", None),  # rows of two: NAME-label and NAME-url
}


def form_of(html: str) -> dict[str, str | list[str]]:
    """What a browser would send back for the form as shown, untouched (a name that
    several fields share, as the rows of links do, with a list of their values)."""
    tree = HTMLParser(html)
    sent: dict = {}
    for el in tree.css("#settings-form [name]"):
        name = el.attributes["name"]
        if name == "csrfmiddlewaretoken":
            continue
        if name.endswith(("-label", "-url")):
            sent.setdefault(name, []).append(el.attributes.get("value") or "")
            continue
        if el.tag == "textarea":
            sent[name] = el.text()
        elif el.tag == "select":
            chosen = el.css_first("option[selected]") or el.css_first("option")
            sent[name] = chosen.attributes["value"]
        elif el.attributes.get("type") == "checkbox":
            if "checked" in el.attributes:
                sent[name] = el.attributes["value"]
        else:
            sent[name] = el.attributes.get("value") or ""
    return sent


def stored(site) -> str:
    return run_masthead("settings", site=site).stdout


@ON_SQLITE
def test_every_setting_of_the_table_is_in_the_form_with_its_kinds_control(studio):
    page = studio.session("owner").get("/studio/settings/")
    tree = HTMLParser(page.text)
    named = [el.attributes["name"].removesuffix("-label").removesuffix("-url")
             for el in tree.css("#settings-form [name]")]
    assert sorted(set(named) - {"csrfmiddlewaretoken"}) == sorted(site_settings.BY_NAME)
    for s in site_settings.SETTINGS:
        assert s.kind.name in CONTROLS, f"{s.name}: the test knows no control for {s.kind.name}"
        tag, kind_type = CONTROLS[s.kind.name]
        if s.kind.name == "links":
            # A fieldset whose legend is the setting's label, rows labelled one by one.
            box = tree.css_first(f'fieldset[aria-describedby^="h-{s.name}"]')
            assert box.css_first("legend").text() == s.label, s.name
            assert s.help in tree.css_first(f"#h-{s.name}").text(), s.name
            for field in box.css("input"):
                assert field.tag == tag and tree.css_first(
                    f'label[for="{field.attributes["id"]}"]') is not None
            continue
        control = tree.css_first(f'#settings-form [name="{s.name}"]')
        assert (control.tag, control.attributes.get("type")) == (tag, kind_type), s.name
        label = tree.css_first(f'label[for="{control.attributes["id"]}"]')
        assert label is not None and label.text() == s.label, s.name
        hint = tree.css_first(f'#{control.attributes["aria-describedby"]}')
        assert s.help in hint.text(), s.name
        if s.kind.name == "choice":
            offered = [o.attributes["value"] for o in control.css("option")]
            assert offered == [c.value for c in s.options(studio.site)], s.name
            assert control.attributes["data-filter"], f"{s.name} has no box to search it"
        if s.kind.name == "number":
            assert (control.attributes["min"], control.attributes["max"]) == tuple(
                str(n) for n in s.limits)
    # Each control shows what is stored.
    shown = form_of(page.text)
    assert (shown["title"], shown["timezone"], shown["citation_style"], shown["language"],
            shown["posts_per_page"]) == ("Test Site", "UTC", "chicago-author-date", "en", "10")


@ON_SQLITE
def test_saving_the_form_as_shown_changes_no_setting(studio):
    site = studio.site
    links = [{"label": "Patreon | monthly", "url": "https://patreon.example/me"},
             {"label": "Ko-fi", "url": "https://ko-fi.example/me"}]
    for name, value in [("support_links", json.dumps(links)), ("comments", "true"),
                        ("footer", "Support me.\n\nThank you."), ("language", "sco"),
                        ("timezone", "America/Argentina/Buenos_Aires"), ("feed_limit", "55"),
                        ("description", "Essays, mostly\nlong ones.")]:
        run_masthead("settings", name, value, site=site)
    before = stored(site)
    owner = studio.session("owner")
    form = owner.get("/studio/settings/")
    # A language tag set from the command line and not in the list is offered, chosen.
    assert '<option value="sco" selected>sco</option>' in form.text
    assert owner.post("/studio/settings/", form_of(form.text)).status_code == 302
    assert stored(site) == before


@ON_SQLITE
def test_the_choices_are_what_the_site_can_use_and_nothing_else_is_taken(studio):
    site = studio.site
    owner = studio.session("owner")
    tree = HTMLParser(owner.get("/studio/settings/").text)

    def offered(name: str) -> dict[str, str]:
        return {o.attributes["value"]: o.text() for o in tree.css(f"#s-{name} option")}

    assert set(offered("timezone")) == zoneinfo.available_timezones()
    assert offered("timezone")["America/New_York"] == "America/New York"
    styles = offered("citation_style")
    assert styles["apa"].startswith("APA Style") and "Chicago" in styles["chicago-author-date"]
    assert {"modern-language-association", "ieee"} <= set(styles) and len(styles) > 1000
    assert {"fr-CA": "French (Canada) (fr-CA)", "ar": "Arabic (ar)"}.items() <= offered(
        "language").items()
    # A style file the writer puts in the site folder is offered, and can be chosen.
    (site / "styles").mkdir()
    shutil.copy(setting_choices._bundled_styles_dir() / "apa.csl", site / "styles" / "house.csl")
    form = owner.get("/studio/settings/")
    assert '<option value="styles/house.csl">styles/house.csl (in the site folder)' in form.text
    values = form_of(form.text)
    assert owner.post("/studio/settings/", {**values, "citation_style": "styles/house.csl"}
                      ).status_code == 302
    for style in ["no-such-style", "gone.csl", "../outside.csl"]:
        bad = owner.post("/studio/settings/", {**values, "citation_style": style})
        assert bad.status_code == 400
        assert f"Citation style</a>: unknown citation style &#x27;{style}&#x27;" in bad.text
    assert run_masthead("settings", "citation_style", site=site).stdout == '"styles/house.csl"\n'


REFUSALS = [  # (field, what is sent, what the writer reads)
    ("timezone", "Mars/Olympus", "Time zone</a>: must be an IANA time zone such as Europe/Paris"),
    ("support_links", {"support_links-label": ["Patreon"], "support_links-url": ["not-a-url"]},
     "Support links</a>: link 1: must be an absolute http(s) URL"),
    ("support_links", {"support_links-label": ["", "Patreon", "Ko-fi"],
                       "support_links-url": ["", "", "https://ko-fi.example/"]},
     "Support links</a>: link 2: give its address (https://...)"),
    ("support_links", {"support_links-label": [""], "support_links-url": ["https://k.example/"]},
     "Support links</a>: link 1: give it a label, the words readers see"),
    ("posts_per_page", "0", "Posts per page</a>: must be a whole number from 1 to 100"),
    ("url", "essays.example.org", "Site address</a>: must be an absolute http(s) URL"),
]


@ON_SQLITE
def test_a_refused_value_names_the_field_as_the_form_does_and_nothing_is_stored(studio):
    before = stored(studio.site)
    owner = studio.session("owner")
    values = form_of(owner.get("/studio/settings/").text)
    for field, value, says in REFUSALS:
        sent = value if isinstance(value, dict) else {field: value}
        bad = owner.post("/studio/settings/", {**values, "title": "Renamed", **sent})
        assert bad.status_code == 400 and says in bad.text, (field, value)
        tree = HTMLParser(bad.text)
        control = tree.css_first(f"#s-{field}")
        assert control.attributes["aria-invalid"] == "true"
        assert f"e-{field}" in control.attributes["aria-describedby"].split()
        assert tree.css_first(f"#e-{field}").text() in tree.css_first("#form-error").text()
        # What was typed comes back to be corrected...
        assert form_of(bad.text)["title"] == "Renamed"
    # ...and nothing of it was stored.
    assert stored(studio.site) == before


def test_every_style_the_form_offers_is_one_the_citation_pipeline_resolves(tmp_path):
    from masthead.render.citeproc import resolve_style

    (tmp_path / "house.csl").write_text(
        (setting_choices._bundled_styles_dir() / "apa.csl").read_text())
    offered = [c.value for c in setting_choices.citation_styles(tmp_path)]
    assert offered[0] == "house.csl"
    for value in [*offered[:: max(1, len(offered) // 40)], setting_choices.DEFAULT_STYLE]:
        assert setting_choices.is_citation_style(value, tmp_path)
        resolve_style(value, tmp_path)
    assert setting_choices.DEFAULT_STYLE in offered
    for value in ["no-such-style", "missing.csl", "apa.csl"]:
        assert not setting_choices.is_citation_style(value, tmp_path)

"""A French site's readers sign up, confirm and unsubscribe in French: the form on its
pages, the answers of the newsletter's pages over HTTP, and the emails it sends."""

from __future__ import annotations

import re

import httpx
from selectolax.lexbor import LexborHTMLParser as HTMLParser

from tests.conftest import configure_smtp, make_site, run_masthead, serving


def heading(answer: httpx.Response) -> str:
    return HTMLParser(answer.text).css_first("h1").text()


def test_a_french_sites_newsletter_speaks_french(tmp_path, mail_sink):
    site = make_site(tmp_path, url="http://127.0.0.1/")
    configure_smtp(site, mail_sink)
    run_masthead("settings", "language", "fr", site=site)
    run_masthead("build", site=site)
    with serving(site) as url:
        web = httpx.Client(base_url=url, timeout=30)
        form = HTMLParser(web.get("/").text).css_first("form.subscribe")
        assert form.css_first("label").text() == "Les nouveaux articles par courriel"
        assert form.css_first("button").text() == "S’abonner"

        answer = web.post("/newsletter/subscribe/", data={"email": "lectrice@example.org"})
        assert answer.status_code == 200 and heading(answer) == "Consultez votre boîte de réception"
        assert 'lang="fr"' in answer.text
        wrong = web.post("/newsletter/subscribe/", data={"email": "pas une adresse"})
        assert wrong.status_code == 400 and heading(wrong) == "Adresse électronique non valable"

        (_, confirmation), = mail_sink.wait(1)
        assert confirmation["Subject"] == "Confirmez votre abonnement à Test Site"
        assert "Pour confirmer, ouvrez ce lien" in confirmation.get_content()
        path = re.search(r"http://127\.0\.0\.1(/newsletter/confirm/\S+/)",
                         confirmation.get_content()).group(1)
        ask = web.get(path)
        assert heading(ask) == "Confirmez votre abonnement"
        assert HTMLParser(ask.text).css_first("button").text() == "Oui, abonnez-moi"
        done = web.post(path)
        assert heading(done) == "Vous êtes abonné"
        assert "Les nouveaux articles arriveront à lectrice@example.org." in done.text

        _, welcome = mail_sink.wait(2)[1]
        assert welcome["Subject"] == "Bienvenue sur Test Site"
        manage = re.search(r"http://127\.0\.0\.1(/newsletter/manage/\S+/)",
                           welcome.get_content()).group(1)
        page = web.get(manage)
        assert "lectrice@example.org est abonné." in page.text
        assert "Se désabonner" in [b.text() for b in HTMLParser(page.text).css("button")]
        gone = web.post(manage.replace("/manage/", "/unsubscribe/"))
        assert heading(gone) == "Vous êtes désabonné"

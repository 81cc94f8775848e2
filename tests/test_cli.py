"""The command line: exit status 0 on success, one line on stderr and non-zero on failure."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import make_site, run_masthead


def test_init_creates_a_site_and_refuses_to_overwrite_one(tmp_path):
    site = make_site(tmp_path, title="Essays", url="https://essays.example.org")
    assert (site / "masthead.toml").is_file() and (site / "masthead.db").is_file()
    shown = run_masthead("settings", site=site).stdout
    assert 'title = "Essays"' in shown and 'url = "https://essays.example.org/"' in shown
    again = run_masthead("init", site, check=False)
    assert again.code == 1 and "already holds a site" in again.stderr


def test_init_checks_its_arguments_before_writing_anything(tmp_path):
    result = run_masthead("init", tmp_path / "s", "--url", "not a url", check=False)
    assert result.code == 1 and "--url" in result.stderr
    assert not (tmp_path / "s").exists()


def test_commands_outside_a_site_say_how_to_make_one(tmp_path):
    result = run_masthead("build", site=tmp_path, check=False)
    assert result.code == 1
    assert result.stderr.count("\n") == 1
    assert "masthead.toml is missing" in result.stderr and "masthead init" in result.stderr


def test_a_broken_settings_file_is_reported_by_name(tmp_path):
    site = make_site(tmp_path)
    (site / "masthead.toml").write_text('database_url = "mysql://x/y"\n')
    result = run_masthead("build", site=site, check=False)
    assert result.code == 1 and "unknown scheme 'mysql'" in result.stderr


def test_sources_import_from_bibtex_and_csl_json(tmp_path):
    site = make_site(tmp_path)
    bib = tmp_path / "refs.bib"
    bib.write_text("@book{woolf1929, author={Woolf, Virginia}, title={A Room of One's Own},"
                   " publisher={Hogarth Press}, year={1929}}\n")
    assert "1 new" in run_masthead("import", "bibtex", bib, site=site).stdout
    csl = tmp_path / "refs.json"
    csl.write_text(json.dumps([{"id": "mill1859", "type": "book", "title": "On Liberty",
                                "author": [{"family": "Mill", "given": "John Stuart"}],
                                "issued": {"date-parts": [[1859]]}}]))
    assert "1 new" in run_masthead("import", "csl-json", csl, site=site).stdout
    # Importing again updates in place.
    assert "1 unchanged" in run_masthead("import", "bibtex", bib, site=site).stdout
    out = tmp_path / "export"
    run_masthead("export", "markdown", out, site=site)
    exported = json.loads((out / "bibliography.json").read_text())
    assert [e["id"] for e in exported] == ["mill1859", "woolf1929"]


def test_bad_bibliographies_are_refused_with_a_reason(tmp_path):
    site = make_site(tmp_path)
    bad_json = tmp_path / "bad.json"
    bad_json.write_text('[{"id": "x", "type": "book"},\n {"type": "book"}]')
    result = run_masthead("import", "csl-json", bad_json, site=site, check=False)
    assert result.code == 1 and "entry 2 has no 'id'" in result.stderr
    bad_json.write_text('[{"id": "x", "type": "book"},,]')
    result = run_masthead("import", "csl-json", bad_json, site=site, check=False)
    assert result.code == 1 and "bad.json:1: not valid JSON" in result.stderr
    empty = tmp_path / "empty.bib"
    empty.write_text("this is not bibtex\n")
    result = run_masthead("import", "bibtex", empty, site=site, check=False)
    assert result.code == 1 and "no BibTeX entries" in result.stderr
    missing = run_masthead("import", "bibtex", tmp_path / "nope.bib", site=site, check=False)
    assert missing.code == 1 and "no such file" in missing.stderr


def test_demo_builds_a_site_to_serve(tmp_path):
    result = run_masthead("demo", tmp_path / "demo", "--no-serve")
    assert "Demo site in" in result.stdout
    assert (tmp_path / "demo/public/index.html").is_file()
    # Running it again over the same folder rebuilds rather than failing.
    run_masthead("demo", tmp_path / "demo", "--no-serve")


def test_a_wrong_mail_setting_is_named_in_the_error(tmp_path):
    site = make_site(tmp_path)
    config = (site / "masthead.toml").read_text()
    for section, expected in [
        ('[smtp]\nhost = "mail.example.org"\nsecurity = "ssl"\nfrom_address = "a@b.org"\n',
         'smtp.security must be "none", "starttls" or "tls"'),
        ('[smtp]\nhost = "mail.example.org"\nfrom_address = "nobody"\n',
         "smtp.from_address must be an email address"),
        ('[smtp]\nhost = "mail.example.org"\npassword = "x"\nfrom_address = "a@b.org"\n',
         "MASTHEAD_SMTP_PASSWORD"),
        ("[newsletter]\nconnections = 0\n",
         "newsletter.connections must be a whole number from 1 to 100"),
        ('[newsletter]\nrate = "fast"\n', "newsletter.rate must be a number"),
        ("[newsletter]\nthreads = 4\n", "[newsletter] has no setting 'threads'"),
    ]:
        (site / "masthead.toml").write_text(config + "\n" + section)
        result = run_masthead("build", site=site, check=False)
        assert result.code == 1 and expected in result.stderr, result.stderr
        assert "masthead.toml" in result.stderr
    # And the server's: how many proxies stand in front of it.
    (site / "masthead.toml").write_text(config.replace("port = 8000\n",
                                                       'port = 8000\nproxies = "nginx"\n'))
    result = run_masthead("build", site=site, check=False)
    assert result.code == 1 and "server.proxies must be how many proxies" in result.stderr


def test_every_model_change_has_its_migration(tmp_path):
    """A model edited without a migration would break every existing site's database."""
    import subprocess
    import sys

    code = ("from pathlib import Path; from masthead.config import DatabaseConfig; "
            "from masthead import db; "
            f"db.setup(DatabaseConfig(engine='sqlite', name='{tmp_path}/m.db'), "
            f"state_dir=Path('{tmp_path}')); "
            "from django.core.management import call_command; "
            "call_command('makemigrations', check=True, dry_run=True, verbosity=1)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False)
    assert done.returncode == 0, done.stdout + done.stderr


def test_help_lists_every_command_and_loads_neither_django_nor_a_site_module():
    # -X importtime names every module the command imports, on stderr.
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "masthead", "--help"],
                          capture_output=True, text=True, timeout=60, check=True)
    for command in ("build", "demo", "export", "import", "init", "newsletter", "serve",
                    "settings", "subscribers", "user", "worker"):
        assert f"  {command} " in proc.stdout
    imported = {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines()
                if line.startswith("import time:")}
    assert "masthead.cli" in imported
    assert not {m for m in imported if m == "django" or m.startswith("django.")}
    assert not imported & {"masthead.db", "masthead.site", "masthead.sites.setup"}

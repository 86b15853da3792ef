"""The configuration's part of the fingerprint: mkdocs.yml as MkDocs resolves it, `!ENV`
included, so that a site built for one address is never reused for another."""

from generator.cache.fingerprint import fingerprints


def test_the_address_from_the_environment_is_part_of_what_pages_keep(tmp_path, monkeypatch):
    config = tmp_path / "mkdocs.yml"
    config.write_text("site_name: !ENV [NAME, x]\nsite_url: !ENV [SITE_URL, 'https://d.example/']\n")
    monkeypatch.delenv("SITE_URL", raising=False)
    monkeypatch.delenv("NAME", raising=False)
    default = fingerprints(str(config))
    monkeypatch.setenv("SITE_URL", "https://example.github.io/lsfmm-prep/")
    pages = fingerprints(str(config))
    assert pages.records != default.records and pages.whole != default.whole
    monkeypatch.setenv("SITE_URL", "https://example.github.io/lsfmm-prep")  # the same address
    assert fingerprints(str(config)).records == pages.records
    monkeypatch.setenv("SITE_URL", "https://d.example/")  # the default, given: the same address
    assert fingerprints(str(config)).records == default.records
    monkeypatch.delenv("SITE_URL")
    monkeypatch.setenv("NAME", "y")  # only the site reads the name: the pages' records stay
    named = fingerprints(str(config))
    assert named.records == default.records and named.whole != default.whole

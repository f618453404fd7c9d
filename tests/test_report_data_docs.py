# ruff: noqa: E501  (PAGE holds real Great Expectations tags verbatim)
"""Great Expectations data docs work offline (issue 11: Bootstrap/jQuery came from a CDN, so offline the
index was unstyled and its validation list empty)."""

from __future__ import annotations

from pathlib import Path

from pipeline.report.data_docs import VENDOR_DIR, VENDORED, make_offline, offline_html, remote_assets

PAGE = """<html><head>
<link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css"/>
<link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/@forevolve/bootstrap-dark@1.1.0/dist/css/bootstrap-prefers-dark.css" />
<style>.logo { background: url('https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/full_logo_dark.png') 0 0; }</style>
</head><body>
<img
  src="https://great-expectations-web-assets.s3.us-east-2.amazonaws.com/logo-long.png"
  alt="logo">
<a href="https://greatexpectations.io">Great Expectations</a>
<script src="https://cdn.jsdelivr.net/npm/vega@5"></script>
<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>
<script src="https://cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js" integrity="sha384-x" crossorigin="anonymous"></script>
<script>$('#t').bootstrapTable({});</script>
</body></html>"""


def test_every_vendored_asset_is_shipped_with_a_notice() -> None:
    for name in VENDORED.values():
        assert (VENDOR_DIR / name).is_file(), name
    notice = (VENDOR_DIR / "NOTICE").read_text()
    for package in ("jquery 3.7.1", "bootstrap 4.3.1", "popper.js 1.12.9", "bootstrap-table 1.19.1",
                    "bootstrap-datepicker 1.9.0", "fontawesome-free 6.6.0"):
        assert package in notice


def test_page_loads_nothing_remote_after_rewrite() -> None:
    assert len(remote_assets(PAGE)) == 7
    html = offline_html(PAGE, "../_vendor")
    assert remote_assets(html) == []
    assert '<link rel="stylesheet" href="../_vendor/bootstrap.min.css">' in html
    assert '<script src="../_vendor/jquery.min.js"></script>' in html
    assert '<script src="../_vendor/popper.min.js"></script>' in html
    assert "vega" not in html and "<img" not in html and "bootstrap-prefers-dark" not in html
    assert '<a href="https://greatexpectations.io">' in html  # a link is not loaded: kept
    assert "$('#t').bootstrapTable({});" in html  # inline scripts untouched
    assert offline_html(html, "../_vendor") == html  # idempotent


def test_make_offline_rewrites_a_site_with_relative_paths(tmp_path: Path) -> None:
    docs = tmp_path / "data_docs"
    page = docs / "run-1" / "events" / "validations" / "x" / "page.html"
    page.parent.mkdir(parents=True)
    page.write_text(PAGE)
    index = docs / "run-1" / "events" / "index.html"
    index.write_text(PAGE)
    assert make_offline(docs / "run-1" / "events", docs) == 2
    assert '<script src="../../../../_vendor/jquery.min.js"></script>' in page.read_text()
    assert '<script src="../../_vendor/jquery.min.js"></script>' in index.read_text()
    assert (docs / "_vendor" / "jquery.min.js").read_bytes() == (VENDOR_DIR / "jquery.min.js").read_bytes()
    assert (docs / "_vendor" / "fontawesome" / "webfonts" / "fa-solid-900.woff2").is_file()
    assert make_offline(docs / "run-1" / "events", docs) == 0

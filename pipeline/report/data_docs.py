"""Make Great Expectations data docs work offline.

The data docs load Bootstrap, jQuery and bootstrap-table from CDNs; offline their pages are unstyled and
the index's validation list stays empty. ``make_offline`` rewrites every page of a docs site to use the
copies vendored in ``pipeline/report/static/vendor`` (see its NOTICE), copied once to
``<data_docs>/_vendor``, and drops the remote assets the pages work without (vega charts, brand icons, logos).
Idempotent: a rewritten page has no remote asset left.

``publish_data_docs`` does that right after validation builds a site, and uploads the site with the shared
assets when the data docs are published on an object store (``paths.data_docs_dir``), so the run report,
written on another host, links to them there.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
from pathlib import Path

from pipeline import paths
from pipeline.settings import Settings

logger = logging.getLogger(__name__)

VENDOR_DIR = Path(__file__).resolve().parent / "static" / "vendor"
SHARED_DIR_NAME = "_vendor"

# Remote asset (URL without scheme) -> vendored file; a remote asset not listed here is dropped.
VENDORED: dict[str, str] = {
    "code.jquery.com/jquery-3.7.1.min.js": "jquery.min.js",
    "cdnjs.cloudflare.com/ajax/libs/popper.js/1.12.9/umd/popper.min.js": "popper.min.js",
    "stackpath.bootstrapcdn.com/bootstrap/4.3.1/js/bootstrap.min.js": "bootstrap.min.js",
    "maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css": "bootstrap.min.css",
    "unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.js": "bootstrap-table.min.js",
    "unpkg.com/bootstrap-table@1.19.1/dist/bootstrap-table.min.css": "bootstrap-table.min.css",
    "unpkg.com/bootstrap-table@1.19.1/dist/extensions/filter-control/bootstrap-table-filter-control.min.js":
        "bootstrap-table-filter-control.min.js",
    "unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.min.css":
        "bootstrap-table-filter-control.min.css",
    "unpkg.com/bootstrap-table@1.19.0/dist/extensions/filter-control/bootstrap-table-filter-control.css":
        "bootstrap-table-filter-control.min.css",
    "cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/js/bootstrap-datepicker.min.js":
        "bootstrap-datepicker.min.js",
    "cdnjs.cloudflare.com/ajax/libs/bootstrap-datepicker/1.9.0/css/bootstrap-datepicker.min.css":
        "bootstrap-datepicker.min.css",
    "cdnjs.cloudflare.com/ajax/libs/font-awesome/6.6.0/css/all.min.css": "fontawesome/css/all.min.css",
}

_REMOTE = r"""["'](?:https?:)?//([^"']+)["']"""
_SCRIPT = re.compile(rf"<script\b[^>]*\bsrc={_REMOTE}[^>]*>\s*</script>", re.IGNORECASE)
_LINK = re.compile(rf"<link\b[^>]*\bhref={_REMOTE}[^>]*>", re.IGNORECASE)
_IMG = re.compile(rf"<img\b[^>]*\bsrc={_REMOTE}[^>]*>", re.IGNORECASE)
_CSS_URL = re.compile(r"""url\(\s*["']?(?:https?:)?//[^)]*\)""", re.IGNORECASE)


def remote_assets(text: str) -> list[str]:
    """Remote scripts, stylesheets, images and CSS url()s a page would load."""
    found = [m.group(1) for pattern in (_SCRIPT, _LINK, _IMG) for m in pattern.finditer(text)]
    return found + [m.group(0) for m in _CSS_URL.finditer(text)]


def offline_html(text: str, vendor_href: str) -> str:
    """``text`` with vendored assets pointing at ``vendor_href`` and other remote assets removed."""
    def script(match: re.Match) -> str:
        name = VENDORED.get(match.group(1))
        return f'<script src="{vendor_href}/{name}"></script>' if name else ""

    def link(match: re.Match) -> str:
        name = VENDORED.get(match.group(1))
        return f'<link rel="stylesheet" href="{vendor_href}/{name}">' if name else ""

    text = _SCRIPT.sub(script, text)
    text = _LINK.sub(link, text)
    text = _IMG.sub("", text)
    return _CSS_URL.sub("none", text)


def shared_vendor_dir(docs_root: Path) -> Path:
    """``<docs_root>/_vendor`` with the vendored files (copied when missing or changed)."""
    target = docs_root / SHARED_DIR_NAME
    target.mkdir(parents=True, exist_ok=True)
    for source in VENDOR_DIR.rglob("*"):
        copy = target / source.relative_to(VENDOR_DIR)
        if source.is_dir():
            copy.mkdir(exist_ok=True)
        elif not copy.is_file() or copy.stat().st_size != source.stat().st_size:
            shutil.copyfile(source, copy)
    return target


def make_offline(site: Path, docs_root: Path) -> int:
    """Rewrite every HTML/CSS file of a data docs ``site`` (inside ``docs_root``); returns files changed."""
    vendor = shared_vendor_dir(docs_root)
    changed = 0
    for path in sorted([*site.rglob("*.html"), *site.rglob("*.css")]):
        text = path.read_text(encoding="utf-8")
        href = Path(os.path.relpath(vendor, path.parent)).as_posix()
        new = offline_html(text, href)
        if new != text:
            tmp = path.with_name(f".{path.name}.tmp")
            tmp.write_text(new, encoding="utf-8")
            os.replace(tmp, path)
            changed += 1
    if changed:
        logger.info("data docs %s: %d file(s) made to work offline", site, changed)
    return changed


def publish_data_docs(settings: Settings, run_id: str, table_name: str) -> str:
    """Make the run's data docs site of ``table_name`` (built under the local build folder) work offline and,
    when the data docs are published on an object store, upload it and the shared assets there; returns the
    published ``index.html``."""
    from pipeline.publish.object_store import upload_folder

    published = paths.data_docs_dir(settings)
    docs_root = Path(paths.local_build_dir(settings, published)).resolve()
    site = docs_root / run_id / table_name
    make_offline(site, docs_root)
    if paths.is_remote(published):
        upload_folder(docs_root / SHARED_DIR_NAME, paths.join(published, SHARED_DIR_NAME), unchanged_by_size=True)
        upload_folder(site, paths.join(published, run_id, table_name))
    return paths.join(published if paths.is_remote(published) else str(docs_root), run_id, table_name, "index.html")

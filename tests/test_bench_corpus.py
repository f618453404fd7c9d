"""The benchmark corpus builder: deterministic, streamed, realistic Arabic, readable back as JSONL/WARC."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import re
import sys
import types
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:  # bench/ is not an installed package
    sys.path.insert(0, str(PROJECT_ROOT))

from bench import corpus  # noqa: E402

ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_same_seed_same_bytes_other_seed_other_bytes(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    corpus.write_jsonl(a, 200, 7)
    corpus.write_jsonl(b, 200, 7)
    corpus.write_jsonl(c, 200, 8)
    assert _sha(a) == _sha(b)
    assert _sha(a) != _sha(c)


def test_jsonl_has_the_extract_input_fields(tmp_path: Path) -> None:
    path = tmp_path / "c.jsonl"
    assert corpus.write_jsonl(path, 300, 3) == 300
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 300
    assert len({r["id"] for r in rows}) == 300 and len({r["url"] for r in rows}) == 300
    for row in rows:
        assert {"id", "url", "published", "title", "text"} <= set(row)
        published = dt.datetime.fromisoformat(row["published"].replace("Z", "+00:00"))
        assert dt.date(2025, 3, 1) <= published.date() <= dt.date(2025, 3, 3)
        letters = len(ARABIC_LETTER.findall(row["text"]))
        assert letters > 0.6 * len(row["text"].replace(" ", "")), row["text"]
        assert "{" not in row["text"] and "}" not in row["title"]
        assert 30 <= len(row["text"].split()) <= 300


def test_corpus_is_varied_and_has_negatives() -> None:
    texts = [a["text"] for a in corpus.build_corpus(500, seed=11)]
    assert len(set(texts)) == 500
    joined = "\n".join(texts)
    for marker in ("هجوماً كاسحاً", "أمس", "ليل", "آذار", "مارس", "«"):
        assert marker in joined, marker
    assert re.search(r"[٠-٩]", joined)  # Arabic-Indic digits
    negatives = sum("الدوري" in t or "أسعار الخضروات" in t or "معرض الكتاب" in t for t in texts)
    assert 0.05 * 500 < negatives < 0.3 * 500


def test_article_is_built_independently_of_its_predecessors() -> None:
    tenth = list(corpus.build_corpus(10, seed=5))[9]
    assert corpus.build_article(9, seed=5) == tenth


def test_build_corpus_streams() -> None:
    stream = corpus.build_corpus(10**9, seed=1)
    assert isinstance(stream, types.GeneratorType)
    assert len(list(itertools.islice(stream, 3))) == 3


def test_negative_n_is_rejected() -> None:
    with pytest.raises(ValueError):
        list(corpus.build_corpus(-1, seed=1))


def test_warc_reads_back_with_warcio(tmp_path: Path) -> None:
    path = tmp_path / "c.warc.gz"
    assert corpus.write_warc(path, 50, 7) == 50
    expected = {a["url"]: a for a in corpus.build_corpus(50, seed=7)}
    seen = {}
    with path.open("rb") as fh:
        for record in ArchiveIterator(fh):
            assert record.rec_type == "response"
            assert record.http_headers.get_statuscode() == "200"
            assert record.http_headers.get_header("Content-Type") == "text/html; charset=utf-8"
            assert record.http_headers.get_header("Last-Modified")
            seen[record.rec_headers.get_header("WARC-Target-URI")] = record.content_stream().read().decode("utf-8")
    assert set(seen) == set(expected)
    url, page = next(iter(seen.items()))
    first_line = expected[url]["text"].split("\n")[0]
    assert "<nav>" in page and 'class="comments"' in page and f'<link rel="canonical" href="{url}">' in page
    assert first_line.replace("«", "").split("،")[0][:20] in page.replace("«", "")


def test_warc_is_deterministic(tmp_path: Path) -> None:
    corpus.write_warc(tmp_path / "a.warc.gz", 40, 2)
    corpus.write_warc(tmp_path / "b.warc.gz", 40, 2)
    assert _sha(tmp_path / "a.warc.gz") == _sha(tmp_path / "b.warc.gz")


def test_cli_writes_requested_format_and_reports_progress(tmp_path: Path, capsys) -> None:
    out = tmp_path / "cli.jsonl"
    assert corpus.main(["--n", "25", "--seed", "7", "--format", "jsonl", "--out", str(out)]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == 25
    assert "25/25 articles" in capsys.readouterr().err

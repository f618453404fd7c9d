from pathlib import Path

from pipeline.crawl.text import (
    containment_estimate,
    content_hash,
    decode_html,
    detect_language,
    extract_page,
    sketch,
)

NEWS = Path(__file__).parent / "fixtures" / "site" / "news"


def test_windows_1256_page_from_meta_charset():
    raw = (NEWS / "cp1256.html").read_bytes()
    text, codec = decode_html(raw, "text/html")
    assert codec == "cp1256" and "خبر بترميز ويندوز" in text
    page = extract_page(raw, "http://x.example/news/cp1256.html", "text/html")
    assert page.language == "ar" and "وتشهد المنطقة توترا متصاعدا" in page.text


def test_iso_8859_6_page_from_http_header():
    raw = (NEWS / "iso88596.html").read_bytes()
    text, codec = decode_html(raw, "text/html; charset=iso-8859-6")
    assert codec == "iso8859-6" and "خبر بترميز ايزو" in text
    assert "اشتباكات" in extract_page(raw, "http://x.example/a", "text/html; charset=ISO-8859-6").text


def test_undeclared_legacy_bytes_fall_back_to_windows_1256():
    raw = "<html><body><p>قصف مدفعي على المدينة</p></body></html>".encode("cp1256")
    assert "قصف مدفعي" in decode_html(raw)[0]


def test_extract_metadata():
    page = extract_page((NEWS / "article-1.html").read_bytes(), "http://x.example/news/article-1.html")
    assert page.title == "عملية أمنية في صحراء الأنبار"
    assert page.published_at.isoformat() == "2025-01-15T05:30:00+00:00"
    assert page.author == "مراسل الموقع" and page.canonical_href == "{BASE}/news/article-1.html"
    assert "الرئيسية" not in page.text and "جميع الحقوق" not in page.text


def test_language():
    assert detect_language("هذا نص عربي") == "ar"
    assert detect_language("This is English text") == "other"
    assert detect_language("123 !!") == "und"


def test_content_hash_ignores_diacritics_and_spacing():
    assert content_hash("قُتِلَ   ثلاثة،  في بغداد") == content_hash("قتل ثلاثة في بغداد")


def test_near_duplicate_containment():
    wire = " ".join(f"كلمة{i} في الخبر المشترك بين الوكالات" for i in range(40))
    copy = "خاص بموقعنا مع مقدمة جديدة للخبر " + wire + " المصدر وكالات"
    other = " ".join(f"نص{i} مختلف تماما عن الخبر الأول" for i in range(40))
    assert containment_estimate(sketch(wire), sketch(copy)) >= 0.8
    assert containment_estimate(sketch(wire), sketch(other)) < 0.3

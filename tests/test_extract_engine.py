import datetime as dt
from pathlib import Path

import pytest

from pipeline.errors import InputFormatError
from pipeline.extract import build_rule_engine, read_articles_jsonl
from pipeline.extract.dates import find_dates, hijri_to_gregorian
from pipeline.extract.engine import event_id
from pipeline.extract.lexicon import Lexicons
from pipeline.extract.text import (
    boilerplate_spans,
    clitic_variants,
    normalize_arabic,
    split_sentences,
    tokenize,
    without_conjunction,
)
from pipeline.settings import Settings

GOLD = Path(__file__).parent / "gold"
SEED = (GOLD / "seed-article-ar.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def lex():
    return Lexicons.load()


def test_clitics():
    assert "قصف" in clitic_variants("بقصف")
    assert "تنظيم" in clitic_variants("للتنظيم")
    assert "تدمير" in clitic_variants("وتدميرهما")
    assert "ب" not in clitic_variants("بب")


@pytest.mark.parametrize(("token", "bare"), [("وقتل", "قتل"), ("فقتلا", "قتلا"), ("وقت", "وقت"), ("قتلا", "قتلا")])
def test_a_leading_conjunction_leaves_a_stem_of_three_letters_or_more(token, bare):
    assert without_conjunction(token) == bare
    assert bare in clitic_variants(token)  # the clitic stems start from the same rule
    assert (token[1:] in clitic_variants(token)) == (bare != token)


def test_normalisation_keeps_digits_and_offsets():
    assert normalize_arabic("قُتل ١٠ أشخاص") == "قتل 10 اشخاص"


def test_sentences_respect_quotes():
    text = 'قال المصدر إن «العملية انتهت. والقوات عادت» أمس. ثم غادر.\nسطر آخر'
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == ['قال المصدر إن «العملية انتهت. والقوات عادت» أمس.', "ثم غادر.", "سطر آخر"]


def test_boilerplate_block(lex):
    spans = boilerplate_spans(SEED, lex.boilerplate)
    cut = "".join(SEED[s:e] for s, e in spans)
    assert "الخميس المقبل موعداً" in cut and "كلمات دلالية" in cut
    assert "كشف مصدر أمني مطلع" not in cut


@pytest.mark.parametrize("phrase,expected,prec", [
    ("اليوم الجمعة", "2025-03-07", "day"),
    ("مساء أمس الخميس", "2025-03-06", "day"),
    ("أول أمس", "2025-03-05", "day"),
    ("ليل الاثنين الثلاثاء", "2025-03-03", "day"),
    ("مساء الثلاثاء", "2025-03-04", "day"),
    ("يوم ٢١ أيلول/سبتمبر 2024", "2024-09-21", "day"),
    ("في 3 آذار 2025", "2025-03-03", "day"),
    ("الأسبوع الماضي", "2025-02-28", "week"),
])
def test_dates(phrase, expected, prec):
    found = find_dates(normalize_arabic(phrase), dt.date(2025, 3, 7), use_fallback=False)
    assert str(min(d.date for d in found)) == expected and found[0].precision == prec


def test_future_weekday_and_hijri():
    (d,) = find_dates(normalize_arabic("الخميس المقبل"), dt.date(2025, 3, 3), use_fallback=False)
    assert d.future and d.date == dt.date(2025, 3, 6)
    assert hijri_to_gregorian(1446, 9, 1) == dt.date(2025, 3, 1)


def _events(engine, text, published=dt.date(2025, 3, 7)):
    return engine.extract(article_id="t", text=text, title=None, published=published)


def test_fatalities_and_injured(engine):
    (ev,) = _events(engine, "قُتل ١٠ أشخاص وأصيب ٢٣ آخرون، اليوم الجمعة، في تفجير سيارة مفخخة في بغداد.")
    assert ev["fatalities"] == 10 and ev["injured"] == 23 and ev["action_type"] == "explosion_ied"


def test_number_words_and_no_deaths(engine):
    (ev,) = _events(engine, "لقي أربعة أشخاص مصرعهم اليوم إثر انفجار عبوة ناسفة في بعقوبة.")
    assert ev["fatalities"] == 4
    (ev,) = _events(engine, "اعتقلت قوات الأمن العراقية اليوم خمسة مطلوبين في بعقوبة.")
    assert ev["fatalities"] == 0 and ev["action_type"] == "arrest_raid"


def test_modality_negation(engine):
    evs = _events(engine, "نفى الجيش أنه قصف القرية أمس.")
    assert evs and all(e["modality"] != "asserted" for e in evs)


def test_background_pluperfect_excluded(engine):
    assert _events(engine, "وكانت قوات الاحتلال قد قتلت أول أمس ستة فلسطينيين في نابلس.") == []


def test_roles_agent_via_shannathu(engine):
    (ev,) = _events(engine, "قُتل ثلاثة جنود في هجوم شنته حركة الشباب اليوم على قاعدة في مقديشو.")
    assert ev["actor1_norm"] == "Al-Shabaab" and ev["fatalities"] == 3


def test_seed_article(engine):
    evs = [e for e in _events(engine, SEED, dt.date(2025, 3, 3)) if e["modality"] == "asserted"]
    ops = [e for e in evs if e["action_type"] == "security_operation"]
    assert ops and ops[0]["admin1"] == "Diyala" and ops[0]["country_code"] == "IQ"
    assert ops[0]["actor1_norm"] == "Iraqi joint security force" and ops[0]["actor1_type"] == "state_forces"
    assert ops[0]["event_date"] == dt.date(2025, 3, 3)
    assert any(e["actor2_norm"] == "ISIS" for e in ops)
    assert not any("السنوات العشر" in e["evidence"] for e in evs)
    body_end = SEED.index("مقالات مشابهة")
    assert all(e["char_start"] < body_end for e in evs)
    assert all(SEED[e["char_start"]:e["char_end"]] == e["evidence"] for e in evs)


def test_negatives_yield_nothing(engine):
    table = read_articles_jsonl(GOLD / "dev" / "articles.jsonl", run_id="t", run_date=dt.date(2025, 1, 1))
    for row in table.to_pylist()[-5:]:
        assert engine.extract(article_id=row["article_id"], text=row["text"], title=row["title"],
                              published=row["published_at"].date()) == []


def test_event_id_deterministic():
    assert event_id("a", 1, 2, "attack", "x") == event_id("a", 1, 2, "attack", "x")
    assert len(event_id("a", 1, 2, "attack", None)) == 32


def test_jsonl_bad_line(tmp_path):
    p = tmp_path / "a.jsonl"
    p.write_text('{"id": "x", "text": "نص"}\n{oops\n', encoding="utf-8")
    with pytest.raises(InputFormatError, match=":2:"):
        read_articles_jsonl(p, run_id="t", run_date=dt.date(2025, 1, 1))


def test_tokenize():
    assert [t.text for t in tokenize("قتل 10 اشخاص")] == ["قتل", "10", "اشخاص"]


def _dev_articles(n: int):
    import datetime as _dt

    table = read_articles_jsonl(GOLD / "dev" / "articles.jsonl", run_id="t", run_date=_dt.date(2025, 1, 1))
    return table.slice(0, n)


def test_workers_two_same_events_as_one():
    from pipeline.extract import extract_events

    articles = _dev_articles(12)
    kw = {"run_id": "t", "run_date": dt.date(2025, 1, 1)}
    one = extract_events(articles, Settings.load(extract={"workers": 1, "batch_size": 4}), **kw)
    two = extract_events(articles, Settings.load(extract={"workers": 2, "batch_size": 4}), **kw)
    assert one.events.num_rows > 5
    assert one.events.column("event_id").to_pylist() == two.events.column("event_id").to_pylist()
    assert one.events.to_pylist() == two.events.to_pylist()


def test_camel_backend_without_db_falls_back_offline(monkeypatch, caplog):
    import logging
    import socket

    from pipeline.extract import morphology

    def no_network(*args, **kwargs):
        raise AssertionError("the camel backend tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    if morphology.camel_db_path() is not None:  # installed on this machine: simulate its absence
        monkeypatch.setattr(morphology, "camel_db_path", lambda: None)
    with caplog.at_level(logging.WARNING, logger="pipeline.extract.morphology"):
        eng = build_rule_engine(Settings.load(extract={"backend": "camel"}))
    assert eng.morph is None
    assert any("morphology DB not installed" in r.getMessage() for r in caplog.records)
    rows = eng.extract(article_id="c", text="قتل ثلاثة أشخاص في هجوم شنه مسلحون على نقطة أمنية في بغداد اليوم.",
                       title=None, published=dt.date(2025, 1, 1))
    assert [r["action_type"] for r in rows] == ["attack"]


def test_camel_db_is_not_installed_here_and_lookup_is_local():
    from pipeline.extract.morphology import camel_db_path

    path = camel_db_path()
    assert path is None or path.is_file()


def test_morph_forms_extend_lexicon_matches(lex):
    toks = tokenize(normalize_arabic("وقعت مجابهة في البلدة"))
    assert not [m for m in lex.triggers.find(toks) if m.entry.action_type == "armed_clash"]
    extra = {"مجابهه": frozenset({"مواجهات"})}
    hits = lex.triggers.find(toks, lambda t: extra.get(t, frozenset()))
    assert "armed_clash" in [m.entry.action_type for m in hits]


# --- generalisation rules (fresh check set) ---------------------------------------------------------------

def test_adjectival_perpetrator(engine):
    (ev,) = _events(engine, "استهدفت غارات إسرائيلية، فجر اليوم الجمعة، موقعاً قرب بلدة الخيام في جنوب لبنان.")
    assert ev["action_type"] == "airstrike_shelling" and ev["actor1_norm"] == "Israeli forces"
    (ev,) = _events(engine, "شنت طائرات حربية أمريكية، اليوم الجمعة، غارات على مواقع ضد جماعة الحوثي في صنعاء.")
    assert ev["actor1_norm"] == "US forces" and ev["actor2_norm"] == "Houthis"


def test_passive_victims_are_targets_and_reporters_are_sources(engine):
    (ev,) = _events(engine, "قُتل جنديان من الجيش العراقي، اليوم الجمعة، بانفجار عبوة ناسفة في قضاء الحويجة.")
    assert ev["actor1_norm"] == "Unidentified" and ev["actor2_norm"] == "Iraqi Army" and ev["fatalities"] == 2
    evs = _events(engine, "لقي خمسة أشخاص حتفهم، اليوم الجمعة، في انفجار سيارة مفخخة في مدينة بلدوين. "
                          "وأعلنت الشرطة أن السيارة انفجرت عند حاجز تفتيش، وأن بين القتلى ثلاثة من عناصر الأمن.")
    assert len(evs) == 1 and evs[0]["actor1_norm"] == "Unidentified" and evs[0]["fatalities"] == 5


def test_counted_tolls(engine):
    (ev,) = _events(engine, "سقط ثلاثة قتلى وسبعة جرحى في اشتباكات اندلعت مساء الجمعة في مدينة الزاوية.")
    assert ev["fatalities"] == 3
    (ev,) = _events(engine, "قُتلت امرأة وطفلها، اليوم الجمعة، جراء قصف حوثي على حي في مدينة تعز.")
    assert ev["fatalities"] == 2 and ev["actor1_norm"] == "Houthis"
    (ev,) = _events(engine, "أسفرت معارك عنيفة دارت أمس الخميس في مدينة مأرب عن مقتل سبعة جنود "
                            "وأكثر من خمسة عشر مسلحاً.")
    assert ev["fatalities"] == 22


def test_headline_actor_and_denial(engine):
    rows = engine.extract(article_id="t", title="قوات الدعم السريع تقصف محطة كهرباء في عطبرة",
                          text="استهدفت طائرات مسيّرة، فجر اليوم الجمعة، محطة الكهرباء في مدينة عطبرة.",
                          published=dt.date(2025, 3, 7))
    assert [r["actor1_norm"] for r in rows] == ["RSF"]
    rows = _events(engine, "نفى «حزب الله» في بيان أي علاقة له بإطلاق صاروخين من جنوب لبنان أمس.")
    assert all(r["modality"] != "asserted" for r in rows)


def test_built_engine_collects_the_young_generation_less_often():
    """``exempt_from_collection`` (run by the engine builders) raises the youngest generation's threshold to
    ``YOUNG_GENERATION`` and keeps the older ones' and a higher threshold a caller set."""
    import gc

    from pipeline.extract.engine import YOUNG_GENERATION, exempt_from_collection

    before = gc.get_threshold()
    try:
        gc.set_threshold(700, 7, 9)
        exempt_from_collection()
        assert gc.get_threshold() == (YOUNG_GENERATION, 7, 9)
        gc.set_threshold(YOUNG_GENERATION * 2, 7, 9)
        exempt_from_collection()
        assert gc.get_threshold() == (YOUNG_GENERATION * 2, 7, 9)
    finally:
        gc.set_threshold(*before)

"""Action types and recall (issue 10): cue-word features that separate the confused types, and the rule
candidates added for gold events the rules had no candidate for."""

import datetime as dt

from pipeline.extract.decision.features import type_cue, type_cue_features, words


def _events(engine, text, published=dt.date(2024, 5, 5)):
    rows = engine.extract(article_id="t", text=text, title=None, published=published)
    return [(r["action_type"], r["modality"]) for r in rows]


def _cues(text: str, trigger_at: int | None = None) -> list[str]:
    return type_cue_features(words(text), text, trigger_at)


def test_type_cues_strip_prepositions_and_articles():
    assert type_cue("بالتمشيط".removeprefix("بال")) == "sweep"
    assert type_cue("بتمشيط") == "sweep"
    assert type_cue("للاعتقال".removeprefix("لل")) == "arrest"
    assert type_cue("بيت") is None


def test_a_sweep_with_arrests_and_a_named_operation():
    feats = _cues("وأضاف البيان أن القوات نفذت عملية «الفجر» أسفرت عن القبض على 12 مطلوباً وتدمير أوكار", 3)
    assert {"tc=sweep", "tc=arrest", "tc_near=sweep", "tc_sweep_arrest", "tc_arrests",
            "tc_named_operation"} <= set(feats)


def test_a_single_arrest_has_no_count():
    feats = _cues("وألقت الشرطة القبض على المتهم في منزله")
    assert "tc=arrest" in feats and "tc_arrests" not in feats and "tc_named_operation" not in feats


def test_clashes_and_assaults_are_told_apart():
    assert "tc_clash_only" in _cues("اندلعت اشتباكات عنيفة بين الجيش والمسلحين")
    assert "tc_assault_only" in _cues("هاجم مسلحون مجهولون حاجزاً للشرطة")
    both = _cues("هاجم مسلحون حاجزاً واندلعت اشتباكات")
    assert "tc_clash_only" not in both and "tc_assault_only" not in both


def test_a_peaceful_crowd_and_a_violent_one():
    assert "tc_peaceful_crowd" in _cues("نظم المتظاهرون وقفة سلمية رفعوا فيها لافتات")
    violent = _cues("رشق المتظاهرون قوات الأمن بالحجارة")
    assert "tc=crowd_violence" in violent and "tc_peaceful_crowd" not in violent


def test_near_cues_only_within_six_words_of_the_trigger():
    text = "اعتقلت الشرطة رجلا في المدينة صباح اليوم بعد أن وصلت إلى المكان وأغلقت الطريق ثم بدأت التمشيط"
    feats = _cues(text, 0)
    assert "tc=sweep" in feats and "tc_near=sweep" not in feats and "tc_near=arrest" in feats


def test_agreement_signed_by_parties_the_actor_lexicon_does_not_know(engine):
    ev = _events(engine, "باماكو – وقّعت مالي والنيجر وبوركينا فاسو، أمس السبت في العاصمة المالية باماكو، "
                         "ميثاقاً أمنياً ينشئ «تحالف دول الساحل».")
    assert ("agreement", "asserted") in ev


def test_meeting_with_an_official_the_actor_lexicon_does_not_know(engine):
    ev = _events(engine, "واستقبل ولد مرزوك أولاً السفير الفرنسي ألكسندر غارسيا في مكتبه بنواكشوط.")
    assert ("meeting_negotiation", "asserted") in ev


def test_a_hospital_receiving_bodies_is_still_no_meeting(engine):
    assert not [e for e in _events(engine, "استقبل المستشفى جثتي الضحيتين مساء أمس.")
                if e[0] in ("meeting_negotiation", "agreement")]


def test_an_event_that_occurred_is_no_agreement(engine):
    assert not [e for e in _events(engine, "وقع الانفجار في سوق المدينة مساء أمس.") if e[0] == "agreement"]


def test_cancelling_an_accord_is_a_statement(engine):
    ev = _events(engine, "ألغى المجلس العسكري الحاكم في النيجر، مساء أمس السبت، اتفاق التعاون العسكري المبرم مع "
                         "الولايات المتحدة.")
    assert ("statement", "asserted") in ev


def test_a_combing_campaign_is_a_security_operation(engine):
    ev = _events(engine, "وأوضح البيان أن وحدات الجيش نفذت أمس حملة تمشيط واسعة في جبل بوزقزة بولاية بومرداس.")
    assert ("security_operation", "asserted") in ev


def test_seizing_military_posts_is_an_attack(engine):
    ev = _events(engine, "وقالت الجماعة إنها استولت على ستة مواقع عسكرية صباح الجمعة في بلدة كالانا.")
    assert ("attack", "asserted") in ev


def test_a_candidate_reads_the_type_cues_of_its_sentence():
    from pipeline.extract.decision.features import Neighbours, candidate_features, read_article
    from pipeline.extract.lexicon import Lexicons

    text = "نفذت القوات حملة تمشيط واسعة أسفرت عن القبض على 12 مطلوباً."
    view = read_article(text, None, Lexicons.load(), [(0, len(text))])
    row = {"char_start": 0, "char_end": len(text), "evidence": text, "action_type": "arrest_raid",
           "modality": "asserted", "date_precision": "day", "trigger_text": "القبض على", "confidence": 0.5}
    feats = candidate_features(row, view, reread=False, neighbours=Neighbours(1, 1, 0, False, 0))
    assert {"tc=sweep", "tc=arrest", "tc_near=sweep", "tc_sweep_arrest", "tc_arrests"} <= set(feats)

"""The speed-ups of the extractor change no output: each fast path equals the plain computation it replaces.

- ``normalize_with_offsets`` (one ``str.translate``) equals the per-character normal form and offsets;
- ``split_sentences`` (visiting only the characters that change its state) equals the character loop;
- the decision layer's view of an article built from the rule pass's ``ArticleDoc`` (its tokens and cues)
  equals the view re-tokenised from the text, feature for feature;
- the model's scores (looked up in a batch) equal the per-example formula bit for bit;
- ``PhraseIndex`` matches through its remembered starting patterns equal the plain loop over the index;
- the gazetteer's remembered scans give the mentions a fresh gazetteer finds, whatever the hint and order;
- ``clitic_variants`` (a list of stems, enclitics tried only after a token ending with one's letter) equals the
  sets grown clitic by clitic;
- the date rules, each tried only on a sentence holding its digit or word, find what every rule finds;
- the dateparser fallback, asked only about month names that are words of their own, finds what asking about
  every hint finds; the place words of ``split_by_place`` are the words its regular expressions matched;
- the decision layer's scores from one shared vocabulary (sentence features as ids with per-word ids remembered,
  4-grams of a whole article as integers, the sentence gate batched) equal ``proba_many`` of the feature strings
  bit for bit, for the gate, the event and type models and the detector;
- the gazetteer's name lookup by length and its token-by-token scan equal the loop over every name a stem starts;
  ``boilerplate_spans``' prefix check equals asking every marker;
- a hinted gazetteer lookup served by the hint-free one equals a fresh one; a new word told in one pass equals its
  plain reading; the scan's votes from each name's remembered votes equal ``_context_votes`` / ``_division_votes``;
- ``demonym_cc`` and ``listed_places``' list cue remembered per token, and ``read_actors`` visiting only demonyms
  and remembered names, equal the plain computations;
- the event and type models scored in one product over their joint weights equal each scored alone; word bigram
  ids found by the pair of words equal the ``b=`` strings looked up; ``has_digit`` equals ``str.isdigit`` on
  every character; ``PhraseIndex``'s bounded memos, forgetting when full, match as the plain loop does;
- the remembered lookups visiting only new words (``BoundedMemo.all_of``, a fresh ``PhraseIndex``), the gazetteer
  scan's name starts, cue words and spans found without a loop over every token, ``restates``' set lookups,
  ``article_country``'s country names by map, the last words before a place by ``rsplit`` and the date gates
  searched once each (the ordinal rule's by «من <month>») equal the plain loops and searches.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
from collections import Counter

import numpy as np
import pytest

from pipeline.extract import dates
from pipeline.extract import text as text_module
from pipeline.extract.decision import DecisionModel, bundled_model_path, linear, rule_reread
from pipeline.extract.decision import places as decision_places
from pipeline.extract.decision.features import (
    GRAM_PREFIX,
    GramIds,
    SentenceCues,
    SentenceIds,
    SentenceView,
    bigram_table,
    candidate_features,
    has_digit,
    sentence_features,
)
from pipeline.extract.decision.layer import (
    _pairs,
    article_view,
    candidate_probs,
    detector_inputs,
    detector_probs,
    gated,
    gather_rows,
    rereadable,
)
from pipeline.extract.decision.linear import LinearModel, SharedVocab, joint_weights
from pipeline.extract.geo import Gazetteer, _by_clitic_length, _Match
from pipeline.extract.lexicon import Match, PhraseIndex, _in_form_order
from pipeline.extract.text import (
    _DROP,
    _MAP,
    _TOKEN_RE,
    Token,
    boilerplate_spans,
    normalize_arabic,
    normalize_with_offsets,
    split_sentences,
    tokenize,
)
from tests.conftest import PROJECT_ROOT

GOLD_SETS = ("dev", "fresh", "fresh2")


def gold_articles() -> list[dict]:
    out = []
    for name in GOLD_SETS:
        with open(PROJECT_ROOT / "tests" / "gold" / name / "articles.jsonl", encoding="utf-8") as f:
            out += [json.loads(line) for line in f if line.strip()]
    return out


ARTICLES = gold_articles()


def normalize_reference(text: str) -> tuple[str, list[int]]:
    """The normal form character by character: drop diacritics and marks, map the rest."""
    out, offsets = [], []
    for i, ch in enumerate(text):
        if ch in _DROP:
            continue
        out.append(_MAP.get(ch, ch))
        offsets.append(i)
    return "".join(out), offsets


def split_reference(text: str) -> list[tuple[int, int]]:
    """``split_sentences`` as a loop over every character."""
    spans: list[tuple[int, int]] = []

    def add(a: int, b: int) -> None:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            spans.append((a, b))

    start, depth, straight, n, i = 0, 0, False, len(text), 0
    while i < n:
        ch, cut = text[i], None
        if ch == "\n":
            cut, depth, straight = i, 0, False
        elif ch in "«“":
            depth += 1
        elif ch in "»”":
            depth = max(0, depth - 1)
        elif ch == '"':
            straight = not straight
        elif ch in ".!?؟…" and depth == 0 and not straight:
            j = i + 1
            while j < n and text[j] in '.!?؟…»”"':
                j += 1
            if j >= n or text[j].isspace():
                cut, i = j, j - 1
        if cut is not None:
            add(start, cut)
            start = cut
        i += 1
    add(start, n)
    return spans


def tricky_texts(n: int = 400) -> list[str]:
    """Random strings over the characters the splitter and the normaliser treat specially."""
    rng = random.Random(7)
    alphabet = list("ab قتل.!?؟…«»“”\"\n\t ") + ["ـ", "َ", "ّ", "\u200c", "أ", "ى", "ة", "٣", "۴", "٫"]
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60))) for _ in range(n)]


def test_normal_form_and_offsets_equal_the_character_loop():
    texts = [a["text"] for a in ARTICLES] + tricky_texts()
    assert any(set(t) & _DROP for t in texts)  # the slow path (dropped characters) is exercised too
    for t in texts:
        assert normalize_with_offsets(t) == normalize_reference(t)
        assert normalize_arabic(t) == normalize_reference(t)[0]


def test_split_sentences_equals_the_character_loop():
    texts = [a["text"] for a in ARTICLES] + tricky_texts()
    for t in texts:
        assert split_sentences(t) == split_reference(t), t
    assert split_sentences('قال: «هنا. وهناك». ثم ذهب!! "لا. نعم" انتهى…\nسطر') == \
        split_reference('قال: «هنا. وهناك». ثم ذهب!! "لا. نعم" انتهى…\nسطر')


@pytest.fixture(scope="module")
def docs(engine):
    return [engine.process(article_id=a["id"], text=a["text"], title=a.get("title"),
                           published=dt.date.fromisoformat(a["published"][:10])) for a in ARTICLES]


def test_article_view_from_the_article_pass_equals_the_retokenised_one(engine, docs):
    reused = 0
    for doc in docs:
        if doc.stopped:  # off-domain: no cues were looked up, and the decision layer never runs
            continue
        plain = article_view(doc.text, doc.title, engine.lex)
        fast = article_view(doc.text, doc.title, engine.lex, doc.sentences)
        assert fast.sentences == plain.sentences
        reused += sum(k is not None for k in fast.known_cues)
        for i in range(len(plain.sentences)):
            assert fast.cues(i) == plain.cues(i)
            assert fast.features(i) == plain.features(i)
        assert detector_inputs(fast, doc.rows) == detector_inputs(plain, doc.rows)
    assert reused > 100  # the article pass's cues were used, not looked up again


def test_batch_scores_equal_the_per_example_formula(engine, docs):
    model = DecisionModel.load(bundled_model_path())
    examples = [f for doc in docs[:12] for f in detector_inputs(article_view(doc.text, doc.title, engine.lex),
                                                                  doc.rows)]
    examples += [[], ["no such feature"], examples[0] * 2]
    for lm in (model.sentence, model.event, model.types, model.detector):
        got = lm.proba_many(examples)
        for feats, p in zip(examples, got, strict=True):
            z = lm.bias.astype(np.float64).copy()
            cols = sorted({lm.vocab[f] for f in feats if f in lm.vocab})
            if cols:
                z += lm.weights[cols].sum(axis=0)
            z = np.exp(z - z.max())
            want = dict(zip(lm.classes, (float(v) for v in z / z.sum()), strict=True))
            assert p == want
            assert lm.proba(feats) == want


def test_phrase_matches_remembered_for_a_token_list_equal_fresh_ones(engine, docs):
    """``PhraseIndex.find`` remembers the matches of a token list by identity: asked again for the same list,
    it answers what a fresh copy of the list gets; a list that changed length, or another ``extra``, is read
    again; the caller owns the list it gets back."""
    triggers = engine.lex.triggers
    sentences = [s for doc in docs for s in doc.sentences]
    assert sum(bool(triggers.find(s.tokens)) for s in sentences) > 50
    for s in sentences:
        assert triggers.find(s.tokens) == triggers.find(list(s.tokens))
        assert triggers.find(s.tokens, lambda _t: frozenset()) == triggers.find(list(s.tokens))
    toks = list(next(s.tokens for s in sentences if triggers.find(s.tokens)))
    found = triggers.find(toks)
    found.clear()
    assert triggers.find(toks) == triggers.find(list(toks)) != []
    del toks[:]  # the same list, now empty: its remembered matches no longer hold
    assert triggers.find(toks) == []


def find_reference(index, tokens) -> list[Match]:
    """``PhraseIndex._find`` as the loop over every variant of every token in the index (no memo)."""
    variants = [index._variants(t.text) for t in tokens]
    out, i = [], 0
    while i < len(tokens):
        best = None
        for form in _in_form_order(variants[i]):
            for pattern, entry in index.by_first.get(form, ()):
                n = len(pattern)
                if i + n > len(tokens) or (best and n <= best.last - best.first):
                    continue
                if all(pattern[k] in variants[i + k] for k in range(1, n)):
                    best = Match(entry, i, i + n)
        if best:
            out.append(best)
            i = best.last
        else:
            i += 1
    return out


def test_remembered_starting_patterns_equal_the_plain_loop(engine, docs):
    lex = engine.lex
    sentences = [s for doc in docs for s in doc.sentences]
    found = 0
    for index in (lex.triggers, lex.cues, lex.actors):
        for s in sentences:
            toks = list(s.tokens)  # a new list: matched again, not served from ``_recent``
            got = index.find(toks)
            assert got == find_reference(index, toks)
            found += len(got)
    assert found > 500 and lex.triggers._starts and lex.cues._starts


def test_tokens_equal_the_word_matches_with_their_offsets():
    """``tokenize`` (split at the words, offsets from running lengths) gives ``_TOKEN_RE.finditer``'s words."""
    texts = [normalize_arabic(a["text"]) for a in ARTICLES] + ["", " ", "قتل", " قتل 10 ", "،،", "x،y z٫"]
    for text in texts:
        want = [(m.group(), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
        got = tokenize(text)
        assert got == want and all(type(t) is Token and t.text == text[t.start:t.end] for t in got)
    assert sum(len(tokenize(t)) for t in texts) > 5000


def test_built_engine_tables_are_left_out_of_full_collections():
    """``build_rule_engine`` / ``build_engine`` take the tables they load (lexicons, gazetteer, model) out of the
    collector's generations: a full collection no longer walks them; garbage made before is collected first."""
    import gc
    import weakref

    from pipeline.extract import build_rule_engine
    from pipeline.settings import Settings

    class Node:
        pass

    gc.unfreeze()
    node = Node()
    node.itself = node  # a cycle: only the collector frees it
    garbage = weakref.ref(node)
    del node
    engine = build_rule_engine(Settings.load())
    assert garbage() is None  # collected, not frozen
    tracked = {id(o) for o in gc.get_objects()}  # the generations the collector still walks
    tables = (engine.gaz._index, engine.lex.triggers.by_first, engine.lex.actors)
    assert all(gc.is_tracked(t) for t in tables) and not any(id(t) in tracked for t in tables)
    assert gc.get_freeze_count() > 10_000


def test_a_pattern_added_after_lookups_is_found():
    """``PhraseIndex`` forgets what it remembered (starting patterns per text, the set of first tokens) when a
    pattern is added: a word that started nothing before starts the new pattern, clitics and all."""
    index = PhraseIndex()
    index.add(("قصف",), "bombing")
    tokens = tokenize(normalize_arabic("وقصفت الطائرات مواقع المسلحين بالصواريخ"))
    assert [m.entry for m in index.find(tokens)] == []
    index.add(("طائرات",), "aircraft")
    index.add(("صواريخ",), "rockets")
    index.add(("مواقع", "مسلحين"), "positions")
    assert [(m.entry, m.first, m.last) for m in index.find(list(tokens))] == [
        ("aircraft", 1, 2), ("positions", 2, 4), ("rockets", 4, 5)]
    assert index.find(list(tokens)) == find_reference(index, tokens)


def test_remembered_gazetteer_scans_equal_fresh_ones(engine, docs):
    """Every sentence looked up with several hints, in two orders, by the engine's gazetteer (which remembers
    its last scans) and by a gazetteer that forgets them before each lookup."""
    gaz = engine.gaz
    fresh = Gazetteer(gaz._index, gaz._demonyms, gaz._admin1_places, gaz._countries, gaz._guarded)
    texts = [s.norm for doc in docs for s in doc.sentences]
    hits = 0
    for hints in ((None, "IQ", "SY"), ("SY", None, "PS")):
        for text in texts:
            for hint in hints:
                hits += text in gaz._scans
                got = gaz.find_place_mentions(text, country_hint=hint)
                fresh._scans.clear()
                assert got == fresh.find_place_mentions(text, country_hint=hint), (text, hint)
    assert hits > len(texts)  # the remembered scans were used
    assert any(gaz.find_place_mentions(t) for t in texts)


def test_dateparser_asked_only_about_whole_words_finds_the_same(monkeypatch):
    """Asking dateparser about every hint (the month names inside longer words too: «اب» in «الارهاب») finds
    the same dates on the gold sentences as asking about whole words only; a whole-word month still reaches it."""
    sentences = [normalize_arabic(a["text"][s:e]) for a in ARTICLES for s, e in split_sentences(a["text"])]
    published = dt.date(2025, 3, 3)
    asked: list[str] = []
    real_window = dates._dateparser_window

    def window(norm, start, end, pub):
        asked.append(norm[start:end])
        return real_window(norm, start, end, pub)

    monkeypatch.setattr(dates, "_dateparser_window", window)
    fast = [dates.find_dates(s, published) for s in sentences]
    n_fast = len(asked)
    monkeypatch.setattr(dates, "_whole_word", lambda norm, start, end: True)
    every = [dates.find_dates(s, published) for s in sentences]
    assert fast == every
    assert len(asked) - n_fast > 2 * n_fast  # most hints sat inside words and were skipped
    monkeypatch.undo()
    assert not dates._whole_word(normalize_arabic("الإرهاب"), 5, 7)
    assert dates._whole_word(normalize_arabic("في آب"), 3, 5) and dates._whole_word("وابريل", 1, 6)
    (d,) = dates.find_dates(normalize_arabic("مارس 2023"), published)
    assert d.date == dt.date(2023, 3, 3)  # the fallback itself still answers


def clitic_variants_reference(token: str) -> frozenset[str]:
    """``clitic_variants`` as sets grown clitic by clitic: every conjunction, preposition and suffix tried."""
    forms, stems = {token}, {token}
    for conj in ("و", "ف"):
        if token.startswith(conj) and len(token) > 3:
            stems.add(token[1:])
    for s in list(stems):
        if s.startswith("لل") and len(s) > 4:
            stems.update({s[2:], "ال" + s[2:]})
        for p in ("ب", "ل", "ك"):
            if s.startswith(p) and len(s) > 3:
                stems.add(s[1:])
    for s in list(stems):
        if s.startswith("ال") and len(s) > 3:
            stems.add(s[2:])
    forms |= stems
    for s in list(stems):
        for suf in ("هما", "هم", "ها", "ه", "ا"):
            if s.endswith(suf) and len(s) - len(suf) >= 3:
                forms.add(s[: -len(suf)])
    return frozenset(f for f in forms if len(f) >= 2)


def test_clitic_variants_equal_the_clitic_by_clitic_sets():
    rng = random.Random(5)
    words = {t.text for a in ARTICLES for t in tokenize(normalize_arabic(a["text"]))}
    words |= {"".join(rng.choice("وفبلكالهمتني") for _ in range(rng.randint(0, 9))) for _ in range(50_000)}
    words |= {"", "و", "ال", "لل", "للا", "وللمدينه", "فبالهجوم", "بيوتهما"}
    for w in words:
        assert text_module.clitic_variants.__wrapped__(w) == clitic_variants_reference(w), w
    assert clitic_variants_reference("وللتنظيمهم") >= {"تنظيم", "التنظيم", "للتنظيم"}


def test_date_rules_skipped_without_their_word_find_what_every_rule_finds(monkeypatch):
    """A date rule is tried only on a sentence holding what its pattern cannot match without (a digit, a word it
    spells out): on the gold sentences and on sentences made of every rule's words, the dates are those every
    rule tried everywhere finds; each gate is what its pattern needs (no match of the pattern lacks it)."""
    sentences = [normalize_arabic(a["text"][s:e]) for a in ARTICLES for s, e in split_sentences(a["text"])]
    rng = random.Random(11)
    words = ["في", "من", "شهر", "عام", "2024", "3", "12/4/2023", "الرابع", "الحادي عشر", "آذار", "تشرين الثاني",
             "رمضان", "1445", "ليلة", "ليل", "الخميس", "الجمعة", "أمس", "أول", "الليلة", "الماضية", "البارحة",
             "المقبل", "القادم", "اليوم", "نفسه", "يوم", "الأسبوع", "الماضي", "الشهر", "منذ", "غداً", "و", "بالأمس"]
    sentences += [normalize_arabic(" ".join(rng.choice(words) for _ in range(rng.randint(1, 12))))
                  for _ in range(3000)]
    published = dt.date(2025, 3, 3)
    gated = [dates.find_dates(s, published, use_fallback=False) for s in sentences]
    for kind, pattern in dates._PATTERNS:
        for s in sentences:
            for m in pattern.finditer(s):
                assert dates._GATES[kind].search(m.group()), (kind, m.group())
    monkeypatch.setattr(dates, "_GATED", [(kind, lambda _s: True, p) for kind, p in dates._PATTERNS])
    assert gated == [dates.find_dates(s, published, use_fallback=False) for s in sentences]
    assert sum(map(len, gated)) > 1000 and {d.kind for found in gated for d in found} == set(dates._GATES)


def test_place_words_are_the_words_the_expressions_matched():
    single = r"(?:بلدة|قرية|مدينة|منطقة|مخيم|حي|ناحية|مديرية|بلدية)"
    multi = r"(?:بلدتي|قريتي|مدينتي|منطقتي|مخيمي|حيي|قرى|بلدات|مناطق|أحياء|مخيمات|مدن|بلدتَي|قريتَي)"
    words = {w for a in ARTICLES for w in re.findall(r"\S+", a["text"])}
    words |= decision_places._SINGLE | decision_places._MULTI | {"بلدتين", "قريه", ""}
    for w in words:
        assert (w in decision_places._SINGLE) == bool(re.fullmatch(single, w)), w
        assert (w in decision_places._MULTI) == bool(re.fullmatch(multi, w)), w
    slots = decision_places.place_slots("قصف استهدف قرى سرمان ومشيرفة وسقيقات في ريف إدلب")
    assert [x.text for x in slots] == ["سرمان", "مشيرفة", "سقيقات"]


@pytest.fixture(scope="module")
def model():
    return DecisionModel.load(bundled_model_path())


def test_shared_vocabulary_scores_equal_proba_many(engine, docs, model):
    """The decision layer's fast scores (``gated``, ``candidate_probs``, ``detector_probs``) equal the models'
    ``proba`` / ``proba_many`` of the feature strings, bit for bit."""
    reread = rule_reread(engine)
    n_candidates = n_gated = 0
    for doc in docs:
        if doc.stopped:
            continue
        view = article_view(doc.text, doc.title, engine.lex, doc.sentences)
        fresh = article_view(doc.text, doc.title, engine.lex, doc.sentences)  # no cached features or ids
        assert detector_probs(model, view, doc.rows) == model.detector.proba_many(detector_inputs(fresh, doc.rows))
        candidates = rereadable(doc.rows, view)
        want = {i for i in candidates if model.sentence.proba(fresh.features(i))["yes"] >= model.reread_threshold}
        assert gated(model, view, candidates) == want
        n_gated += len(candidates)
        found = gather_rows(doc.rows, view, published=doc.published, reread=reread, keep_sentence=lambda _i: True)
        feats = [candidate_features(r, fresh, reread=rr, neighbours=nb) for r, rr, nb in found]
        event, types = candidate_probs(model, view, found)
        assert event == model.event.proba_many(feats) and types == model.types.proba_many(feats)
        n_candidates += len(found)
    assert n_candidates > 100 and n_gated > 20


def test_sentence_and_gram_ids_equal_the_strings_looked_up(engine, docs, model):
    vocab, ids = model.vocab, model.sentence_ids
    grams = model.grams
    assert grams.dense is not None and len(grams.keys) > 1000, f"no dense gram table: {grams.base} characters"
    seen = 0
    for doc in docs:
        view = article_view(doc.text, doc.title, engine.lex, doc.sentences)
        sentence_of, gram_ids = grams.article_ids(view)
        for i, sv in enumerate(view.sentences):
            want = set(vocab.lookup(sentence_features(sv, view.cues(i), i, len(view.sentences))).tolist())
            assert set(ids.of(sv, view.cues(i), i, len(view.sentences)).tolist()) == want
            joined = " ".join(sv.words)
            c4 = [f"{GRAM_PREFIX}{joined[k:k + 4]}" for k in range(len(joined) - 3)]
            assert sorted(gram_ids[sentence_of == i].tolist()) == sorted(vocab.lookup(c4).tolist())
            seen += len(c4)
    assert seen > 10_000
    sparse = GramIds(vocab)  # the binary search the dense table replaces finds the same ids
    sparse.dense = None
    view = article_view(docs[0].text, docs[0].title, engine.lex)
    assert [a.tolist() for a in sparse.article_ids(view)] == [a.tolist() for a in grams.article_ids(view)]


@pytest.mark.parametrize("kernel", ["csr_matvecs", "public sparse product"])
def test_shared_vocabulary_of_hand_made_models(kernel, monkeypatch):
    """Models with other vocabularies (no 4-grams, unsorted columns, a feature only one model knows, an example
    with no known feature) score as ``proba_many`` does, with scipy's private kernel or, where a scipy release
    lacks it, the public product."""
    if kernel != "csr_matvecs":
        monkeypatch.setattr(linear, "_csr_matvecs", None)
    rng = np.random.default_rng(3)
    a = LinearModel(("no", "yes"), {"w=b": 0, "w=a": 1, "c4=abcd": 2},
                    rng.normal(size=(3, 2)).astype(np.float32), np.array([0.1, -0.2], dtype=np.float32))
    b = LinearModel(("x", "y", "z"), {"w=a": 1, "q": 0}, rng.normal(size=(2, 3)).astype(np.float32),
                    np.zeros(3, dtype=np.float32))
    vocab = SharedVocab([a, b])
    examples = [["w=a", "w=b", "w=a"], ["q"], [], ["nothing"], ["c4=abcd", "q", "w=b"]]
    for m, model in enumerate((a, b)):
        ex, ids = _pairs([[vocab.lookup(f)] for f in examples])
        assert vocab.proba(m, ex, ids, len(examples)) == [model.proba(f) for f in examples]
    assert len(GramIds(SharedVocab([b])).keys) == 0
    assert a.proba_many(examples) == [a.proba(f) for f in examples]


def match_at_reference(gaz: Gazetteer, tokens: list[str], i: int) -> _Match | None:
    """``Gazetteer._match_at`` as the loop over every name the token's readings start."""
    best, n = None, len(tokens)
    for prefix_len, stem in _by_clitic_length(tokens[i]):
        if prefix_len and (len(stem) < 3 or (prefix_len == 1 and tokens[i][0] == "ف" and len(stem) < 4)):
            continue
        for rest, cands in gaz._index.get(stem, ()):
            k = len(rest)
            if i + k >= n or (best is not None and best.last - best.first >= k):
                continue
            if all(tokens[i + 1 + j] == rest[j] for j in range(k)):
                best = _Match(i, i + k, prefix_len, cands, " ".join((stem, *rest)))
                break
    return best


def test_gazetteer_name_lookup_by_length_equals_the_loop_over_names(engine, docs):
    gaz = engine.gaz
    found = 0
    for doc in docs:
        for s in doc.sentences:
            tokens = [t.text for t in s.tokens]
            for i in range(len(tokens)):
                got = gaz._match_at(tokens, i)
                assert got == match_at_reference(gaz, tokens, i)
                found += got is not None and got.last > got.first
    assert found > 20  # names of several words were matched


def test_boilerplate_prefix_check_equals_asking_every_marker(engine):
    markers = engine.lex.boilerplate
    marked = [f"{m} نص" for m in list(markers)[:5]]
    texts = [a["text"] for a in ARTICLES] + ["\n".join(["خبر أول.", *marked, "- رابط", "نص عادي."])]

    def reference(text: str) -> list[tuple[int, int]]:
        from pipeline.extract.text import _is_link_like

        spans, pos, in_block = [], 0, False
        for line in text.splitlines(keepends=True):
            start, end = pos, pos + len(line)
            pos = end
            stripped = line.strip()
            if not stripped:
                continue
            norm = normalize_arabic(stripped).lstrip("-•*·▪ ").strip()
            scope = next((s for m, s in markers.items() if norm.startswith(m)), None)
            if scope is not None:
                spans.append((start, end))
                in_block = scope == "block"
                continue
            if in_block and _is_link_like(stripped):
                spans.append((start, end))
                continue
            in_block = False
        return spans

    assert sum(len(boilerplate_spans(t, markers)) for t in texts) >= 5
    for t in texts:
        assert boilerplate_spans(t, markers) == reference(t)


def test_hinted_gazetteer_lookups_served_by_the_hint_free_one_equal_fresh_ones(engine, docs, monkeypatch):
    """The country vote looks every sentence up with no hint, the readers again with the article's country:
    a hinted lookup answered from the hint-free one (every name took a place of the hint's country, or has no
    candidate of it and no cue word's check) equals a fresh gazetteer's, for the article's country and others."""
    gaz = engine.gaz
    fresh = Gazetteer(gaz._index, gaz._demonyms, gaz._admin1_places, gaz._countries, gaz._guarded)
    computed = []
    real = Gazetteer._find_afresh

    def counted(self, text, scan, country_hint, relaxed):
        if self is gaz:
            computed.append(country_hint)
        return real(self, text, scan, country_hint, relaxed)

    monkeypatch.setattr(Gazetteer, "_find_afresh", counted)
    asked = 0
    for doc in docs:
        hints = dict.fromkeys((doc.context.country if doc.context is not None else None, "IQ", "SY", "YE", "PS", "LB"))
        for s in doc.sentences:
            gaz._scans.clear()
            for relaxed in (False, True):
                assert gaz._find(s.norm, country_hint=None, relaxed=relaxed) == \
                    fresh._find(s.norm, country_hint=None, relaxed=relaxed)
                for hint in hints:
                    if hint is None:
                        continue
                    asked += 1
                    fresh._scans.clear()
                    assert gaz._find(s.norm, country_hint=hint, relaxed=relaxed) == \
                        fresh._find(s.norm, country_hint=hint, relaxed=relaxed), (s.norm, hint, relaxed)
    hinted = sum(h is not None for h in computed)
    assert 0 < hinted < asked / 2  # most hinted lookups were served by the hint-free one, not all


def test_new_gazetteer_tokens_told_in_one_pass_equal_the_plain_reading(engine, docs):
    """``Gazetteer._new_token`` (one pass over the clitic readings for a word that starts no name, is no demonym
    and no cue word) equals ``_plain_token`` for every word of the gold articles and a few made-up forms."""
    gaz = engine.gaz
    words = {t.text for doc in docs for s in doc.sentences for t in s.tokens}
    words |= {"والعراقيين", "بمحافظة", "للسوريين", "فالموصل", "وبالقدس", "كالعادة", "ل", "و"}
    plain = Gazetteer(gaz._index, gaz._demonyms, gaz._admin1_places, gaz._countries, gaz._guarded)
    quick = Gazetteer(gaz._index, gaz._demonyms, gaz._admin1_places, gaz._countries, gaz._guarded)
    fast = 0
    for w in sorted(words):
        got = quick._new_token(w)
        assert got == plain._plain_token(w), w
        fast += got == ((), None, w)
    assert 0 < fast < len(words)


def _own_division(m, guarded=frozenset()) -> Counter:
    """The plain reading ``_division_votes`` must sum to: a name's one division, unless a candidate is guarded."""
    divisions = {(c.place.country_code, c.admin1_code or "") for c in m.candidates if c.kind != "country"}
    if len(divisions) != 1 or any((m.name, c.place.name, c.place.country_code) in guarded for c in m.candidates):
        return Counter()
    return Counter(divisions)


def test_division_votes_equal_the_sum_of_each_names_own_division(engine, docs):
    """``_division_votes`` (no Counter per name) equals the sum of ``_own_division``; the scan's votes, read from
    each name's remembered votes, equal ``_context_votes`` and ``_division_votes`` of a fresh gazetteer's scan."""
    from pipeline.extract.geo import _context_votes, _division_votes, _own_division_key

    gaz = engine.gaz
    fresh = Gazetteer(gaz._index, gaz._demonyms, gaz._admin1_places, gaz._countries, gaz._guarded)
    seen = 0
    for doc in docs:
        for s in doc.sentences:
            scan = gaz._scan(s.norm)
            matches, context, voters, divisions, owns = scan[4], scan[5], scan[6], scan[7], scan[9]
            fresh._name_votes.clear()
            assert fresh._scan(s.norm)[5:10] == scan[5:10]
            tokens, demonyms, i = scan[3], Counter(), 0
            for k, (readings, cc, _cue) in enumerate(map(gaz._token, tokens)):  # the demonyms no name took
                if k >= i and (readings or cc):
                    m = gaz._match_at(tokens, k) if readings else None
                    if m is None and cc:
                        demonyms[cc] += 1
                    i = m.last + 1 if m is not None else k + 1
            reference_context, reference_voters = _context_votes(matches, demonyms, gaz._guarded)
            assert list(context.items()) == list(reference_context.items()) and voters == reference_voters
            assert owns == tuple(_own_division_key(m) for m in matches)
            assert list(divisions.items()) == list(_division_votes(matches, gaz._guarded).items())
            reference: Counter = Counter()
            for m in matches:
                reference.update(_own_division(m, gaz._guarded))
                own = _own_division(m)
                assert (Counter({_own_division_key(m): 1}) if _own_division_key(m) else Counter()) == own
            assert _division_votes(matches, gaz._guarded) == reference
            seen += bool(reference)
    assert seen > 20


def test_remembered_demonyms_equal_the_plain_reading(engine, docs):
    """``demonym_cc`` (remembered per token) equals ``plain_demonym_cc``; another lexicon starts afresh."""
    from types import SimpleNamespace

    from pipeline.extract.actors import demonym_cc, plain_demonym_cc

    words = {t.text for doc in docs for s in doc.sentences for t in s.tokens} | {"إسرائيلياً", "والأمريكية"}
    found = 0
    for w in sorted(words):
        got = demonym_cc(engine, w)
        assert got == plain_demonym_cc(engine, w) == demonym_cc(engine, w), w
        found += got is not None
    assert found > 20
    other = SimpleNamespace(lex=SimpleNamespace(country_names={"الاسرائيليه": "XX"}))
    assert demonym_cc(other, "الاسرائيليه") == "XX" and demonym_cc(engine, "الاسرائيليه") == "IL"


def read_actors_reference(res, ctx, toks, last_group) -> list[tuple]:
    """``read_actors`` as it was: every token checked against every actor found so far, ``plain_demonym_cc``."""
    from pipeline.extract import actors as am
    from pipeline.extract.candidate import STATE_FORCES
    from pipeline.extract.text import clitic_variants

    out = []
    for m in res.lex.actors.find(toks, res.morph):
        entry = m.entry
        country = entry.country or am.adjacent_country(res, toks, m.last) or ctx.country
        norm = entry.norm
        if "{dem}" in norm and entry.actor_type == STATE_FORCES and country in am._OCCUPYING_FORCES:
            norm = am._OCCUPYING_FORCES[country]
        if "{dem}" in norm:
            dem = am.demonym(res, country)
            norm = norm.replace("{dem}", dem).replace("()", "").strip() or entry.norm.replace("{dem}", "")
            norm = norm.replace(" ()", "").strip()
            if entry.norm == "{dem} Army" and country in am._ARMY_LABELS:
                norm = am._ARMY_LABELS[country]
        out.append((m.first, " ".join(t.text for t in toks[m.first:m.last]), norm, entry.actor_type, m.last))
    for i, t in enumerate(toks):
        if t.text in am._ANAPHORIC_GROUPS and last_group is not None and not any(a[0] <= i < a[4] for a in out):
            out.append((i, t.text, last_group[1], last_group[2], i + 1))
    for i, t in enumerate(toks):
        if i == 0 or any(a[0] <= i < a[4] for a in out):
            continue
        cc = am.plain_demonym_cc(res, t.text)
        if cc and clitic_variants(toks[i - 1].text) & am._MILITARY_NOUNS:
            label = "Israeli forces" if cc == "IL" else f"{am.demonym(res, cc) or cc} forces"
            out.append((i, t.text, label, STATE_FORCES, i + 1))
        elif t.text in ctx.names and ctx.names[t.text][0]:
            out.append((i, t.text, *ctx.names[t.text], i + 1))
    out.sort()
    role = ctx.names.get("", ("", ""))[0]
    for k, a in enumerate(out):
        if a[2].endswith(" counterpart"):
            prior = next((b for b in reversed(out[:k]) if b[3] == "external_other" and " " in b[2]
                          and not b[2].endswith("counterpart")), None)
            r = prior[2].split(" ", 1)[1] if prior else role
            if r:
                out[k] = (a[0], a[1], a[2].replace("counterpart", r), a[3], a[4])
    merged = []
    for k, a in enumerate(out):
        nxt = out[k + 1] if k + 1 < len(out) else None
        if a[3] == "unidentified" and nxt is not None and nxt[3] != "unidentified" and \
                0 <= nxt[0] - a[4] <= 3 and all(t.text in am._MEMBERSHIP or clitic_variants(t.text) & am._GROUP_NOUNS
                                                for t in toks[a[4]:nxt[0]]):
            out[k + 1] = (a[0], nxt[1], nxt[2], nxt[3], nxt[4])
            continue
        merged.append(a)
    return merged


def test_read_actors_with_covered_tokens_and_remembered_demonyms_equals_the_plain_loops(engine, docs):
    """The actors of every gold sentence, with and without a last armed group, and the officials each article
    remembered: the same tuples in the same order as the loops that check every actor found so far."""
    from pipeline.extract.actors import read_actors

    checked = 0
    for doc in docs:
        if doc.context is None:
            continue
        for s in doc.sentences:
            for last_group in (None, ("الحركة", "Al-Shabaab", "rebels")):
                got = read_actors(engine, doc.ctx, s.tokens, last_group)
                assert got == read_actors_reference(engine, doc.ctx, s.tokens, last_group), s.norm
                checked += bool(got)
    assert checked > 100


def test_remembered_list_cues_equal_the_clitic_readings(docs):
    """``listed_places`` finds its dual or plural place noun through ``_list_cue`` (remembered per token): the
    same answer as intersecting the token's clitic readings with the list cues."""
    from pipeline.extract.places import _LIST_CUES, _list_cue
    from pipeline.extract.text import clitic_variants

    words = {t.text for doc in docs for s in doc.sentences for t in s.tokens} | {"ببلدتي", "وقرى", "والمدن"}
    cues = 0
    for w in sorted(words):
        assert _list_cue(w) == bool(clitic_variants(w) & _LIST_CUES) == _list_cue(w), w
        cues += _list_cue(w)
    assert cues > 3


def test_bounded_memo_remembers_up_to_its_limit_and_computes_each_missing_key_once() -> None:
    """``memo.BoundedMemo``, the remembered token readings, scans and name votes of the gazetteer, demonyms and
    list cues: forgets everything when full; ``all_of`` gives every key's result in order, computing a key
    missing (even one repeated in the keys) once."""
    from pipeline.extract.memo import BoundedMemo

    memo = BoundedMemo(3)
    for k in "abc":
        assert memo.remember(k, k.upper()) == k.upper()
    assert dict(memo) == {"a": "A", "b": "B", "c": "C"}
    memo.remember("d", "D")
    assert dict(memo) == {"d": "D"}
    calls: list[str] = []

    def upper(k: str) -> str:
        calls.append(k)
        return k.upper()

    assert memo.all_of(["d", "x", "x", "d"], upper) == ["D", "X", "X", "D"]
    assert calls == ["x"]
    assert memo.one("x", upper) == "X" and calls == ["x"]
    assert memo.all_of(["d", "x"], upper) == ["D", "X"] and calls == ["x"]


@pytest.mark.parametrize("kernel", ["csr_matvecs", "public sparse product"])
def test_models_scored_together_equal_each_scored_alone(kernel, monkeypatch):
    """``proba_together`` (one product over the models' weights side by side) gives each model's ``proba`` bit
    for bit: features one model knows and the other does not, repeats, unknown features, an empty example,
    negative zeros among the weights; models whose columns are not in their features' order are scored one by
    one (``joint_weights`` declines them)."""
    if kernel != "csr_matvecs":
        monkeypatch.setattr(linear, "_csr_matvecs", None)
    rng = np.random.default_rng(7)
    feats = sorted(f"w={i}" for i in range(40))
    a_vocab = {f: i for i, f in enumerate(feats[::2] + ["z=only_a"])}
    b_vocab = {f: i for i, f in enumerate(sorted(feats[5:30] + ["q=only_b"]))}
    wa = rng.normal(size=(len(a_vocab), 2)).astype(np.float32)
    wa[3] = -0.0
    a = LinearModel(("no", "yes"), a_vocab, wa, np.array([0.3, -0.1], dtype=np.float32))
    b = LinearModel(("x", "y", "z"), b_vocab, rng.normal(size=(len(b_vocab), 3)).astype(np.float32),
                    np.array([0.0, 0.5, -0.5], dtype=np.float32))
    unsorted = LinearModel(("u", "v"), {"w=1": 1, "w=3": 0}, rng.normal(size=(2, 2)).astype(np.float32),
                           np.zeros(2, dtype=np.float32))
    vocab = SharedVocab([unsorted, a, b])
    examples = [[feats[k] for k in rng.integers(0, 40, size=int(rng.integers(0, 30)))]
                + ["z=only_a", "q=only_b"][:j % 3] for j in range(60)] + [[], ["nothing"], ["w=3", "w=3", "w=1"]]
    ex, ids = _pairs([[vocab.lookup(f)] for f in examples])
    n = len(examples)
    assert joint_weights([a, b], vocab.ids) is not None and joint_weights([unsorted, a], vocab.ids) is None
    assert vocab.proba_together((1, 2), ex, ids, n) == [vocab.proba(1, ex, ids, n), vocab.proba(2, ex, ids, n)]
    assert vocab.proba_together((1, 2), ex, ids, n) == [a.proba_many(examples), b.proba_many(examples)]
    assert vocab.proba_together((0, 1), ex, ids, n) == [unsorted.proba_many(examples), a.proba_many(examples)]


def test_bigram_ids_by_word_pairs_equal_the_strings_looked_up():
    """A known bigram ``b=a_b`` is found from the pair (a, b) whatever underscores its words hold, and only
    from it; ``SentenceIds.of`` equals the looked-up ``sentence_features`` on sentences made of such words."""
    ids = {"b=x_y": 0, "b=x_y_z": 1, "w=x": 2, "b=y_z": 3, "suf3=abc": 4, "b=_x": 5, "pos=0": 6, "len=0": 7}
    table = bigram_table(ids)
    pairs = [("x", "y"), ("x_y", "z"), ("x", "y_z"), ("y", "z"), ("", "x"), ("y", "x"), ("x", "z"), ("x_y", "")]
    for first, second in pairs:
        assert table.get(first, {}).get(second) == ids.get(f"b={first}_{second}")
    model = LinearModel(("no", "yes"), ids, np.ones((len(ids), 2), dtype=np.float32), np.zeros(2, dtype=np.float32))
    vocab = SharedVocab([model])
    sentence_ids = SentenceIds(vocab)
    sentences = [("x", "y", "z"), ("x_y", "z", "x", "y_z", "y", "z"), (), ("x",), ("", "x", "xxabc", "x")]
    for words in sentences * 2:  # the second time from the remembered words
        sv = SentenceView(0, 1, words, (), False, False)
        want = sorted(set(vocab.lookup(sentence_features(sv, SentenceCues((), ()), 0, 1)).tolist()))
        assert sorted(set(sentence_ids.of(sv, SentenceCues((), ()), 0, 1).tolist())) == want


def test_has_digit_equals_isdigit_on_every_character():
    assert all(has_digit(chr(c)) == chr(c).isdigit() for c in range(0x110000))
    for text in ["", "قتل ثلاثة", "قتل 3", "قتل ٣", "x²", "x \U0001D7D9", "x \U0001F600", "\U0001F600" * 3]:
        assert has_digit(text) == any(map(str.isdigit, text)), text


def test_bounded_phrase_memos_match_as_the_plain_loop(engine, docs, monkeypatch):
    """``PhraseIndex``'s memos of starting patterns (per token text and per variant set) forget everything when
    full; an index that keeps at most a few entries matches as the plain loop does."""
    from pipeline.extract import lexicon

    monkeypatch.setattr(lexicon, "_STARTS_REMEMBERED", 8)
    small = PhraseIndex()
    for first, entries in engine.lex.triggers.by_first.items():
        for pattern, entry in entries:
            assert pattern[0] == first
            small.add(pattern, entry)
    sentences = [s for doc in docs for s in doc.sentences][:300]
    found = 0
    for s in sentences:
        got = small.find(list(s.tokens))
        assert got == find_reference(small, s.tokens)
        found += len(got)
        assert len(small._starts_by_text) <= 8 and len(small._starts) <= 8
    assert found > 50


def test_gazetteer_scan_visiting_only_name_starts_and_cue_words_equals_the_loop_over_every_token(engine, docs):
    """``Gazetteer._scan`` picks its name starts, demonyms and unresolved cue words out of the token readings
    without a Python loop over every token, and takes the tokens and their spans from one split of the text: the
    same tokens, spans, matches, demonym votes and cue words as ``findall``, ``finditer`` and the loops over
    every token, on a fresh gazetteer (every word new) and on the engine's (words remembered)."""
    from pipeline.extract.geo import _TOKEN, _UNRESOLVED_CUES

    gaz = engine.gaz
    fresh = Gazetteer(gaz._index, gaz._demonyms, gaz._admin1_places, gaz._countries, gaz._guarded)
    texts = [s.norm for doc in docs for s in doc.sentences] + ["", "،", " بغداد", "مدينة حلب ، 3"]
    with_spans = 0
    for g in (fresh, gaz):
        for text in texts:
            g._scans.clear()
            norm, _offsets, spans, tokens, matches, context, _voters, _div, cued, _owns, _found = g._scan(text)
            assert tokens == _TOKEN.findall(norm)
            infos = [g._token(t) for t in tokens]
            assert cued == [(k, info[2]) for k, info in enumerate(infos) if info[2] in _UNRESOLVED_CUES]
            expected_matches, demonyms, i = [], Counter(), 0
            for k, (readings, cc, _cue) in enumerate(infos):
                if k < i or not (readings or cc):
                    continue
                m = g._match_at(tokens, k) if readings else None
                if m is not None:
                    expected_matches.append(m)
                    i = m.last + 1
                    continue
                if cc:
                    demonyms[cc] += 1
                i = k + 1
            assert matches == expected_matches, text
            assert all(context[cc] >= n for cc, n in demonyms.items())
            assert spans == ([m.span() for m in _TOKEN.finditer(norm)] if matches or cued else []), text
            with_spans += bool(spans)
    assert with_spans > 100


def test_restated_heads_counted_by_set_lookups_equal_the_word_loop(docs):
    """``restates`` (the opening clause's words counted by a set lookup each, all words without a comma) and
    ``words_of`` equal the loops over every token of the gold sentences, against every earlier sentence."""
    from pipeline.extract.sentences import restates, words_of

    def restates_reference(toks, norm, seen) -> bool:
        comma = norm.find("،")
        head = [t.text for t in toks if comma < 0 or t.start < comma]
        if head and head[0].startswith("و") and len(head[0]) > 3:
            head[0] = head[0][1:]
        if len(head) < 6:
            return False
        return any(sum(w in earlier for w in head) >= 0.9 * len(head) for earlier in seen)

    lead = "قتل خمسة مدنيين في قصف مدفعي استهدف بلدة كفرنبل جنوبي إدلب"
    made_up = [[lead, "وقتل خمسة مدنيين في قصف مدفعي استهدف بلدة كفرنبل، وفق المرصد", lead + " أمس",
                "قتل خمسة، في قصف", "وقتل"]]
    articles = [[s.norm for s in doc.sentences] for doc in docs] + [[normalize_arabic(x) for x in a] for a in made_up]
    restated = 0
    for norms in articles:
        seen: list[set[str]] = []
        for norm in norms:
            toks = tokenize(norm)
            got = restates(toks, norm, seen)
            assert got == restates_reference(toks, norm, seen), norm
            restated += got
            assert words_of(toks) == {t.text for t in toks}
            seen.append(words_of(toks))
    assert restated >= 2


def test_date_gates_searched_once_each_find_what_a_search_per_rule_finds(monkeypatch):
    """``find_dates`` tests a gate two rules share (the digit) once: the dates equal those found with each rule's
    own search of its gate; the ordinal rule's gate («من (شهر) <month>») lets far fewer sentences through than a
    month name alone did («اب» is letters of «الإرهاب»)."""
    sentences = [normalize_arabic(a["text"][s:e]) for a in ARTICLES for s, e in split_sentences(a["text"])]
    sentences += ["في الرابع من آذار 2024 و 3 رمضان 1445", "12 تشرين الثاني و 13 تشرين الثاني",
                  "الحادي عشر من شهر مايو"]
    published = dt.date(2025, 3, 3)
    shared = [dates.find_dates(normalize_arabic(s), published, use_fallback=False) for s in sentences]
    assert {len({id(g) for k, g, _p in dates._GATED if k in ("hijri", "dmy_named")})} == {1}
    monkeypatch.setattr(dates, "_GATED", [(kind, re.compile(dates._GATES[kind].pattern).search, p)
                                          for kind, p in dates._PATTERNS])
    assert shared == [dates.find_dates(normalize_arabic(s), published, use_fallback=False) for s in sentences]
    assert sum(d.kind == "ordinal_named" for found in shared for d in found) >= 3
    month_alone = re.compile(dates._MON)
    gate = dates._GATES["ordinal_named"]
    assert sum(bool(gate.search(s)) for s in sentences) * 4 < sum(bool(month_alone.search(s)) for s in sentences)


def test_phrase_matches_of_new_words_equal_the_plain_loop(engine, docs):
    """A fresh ``PhraseIndex`` (every word of the first sentences new, some new word twice in one sentence) looks
    up only the new words' starting patterns: the matches equal the plain loop's for each lexicon."""
    for index in (engine.lex.triggers, engine.lex.actors, engine.lex.cues):
        fresh = PhraseIndex(strict=index.strict)
        for first, entries in index.by_first.items():
            for pattern, entry in entries:
                assert pattern[0] == first
                fresh.add(pattern, entry)
        found = repeated = 0
        for s in [s for doc in docs for s in doc.sentences][:400]:
            texts = [t.text for t in s.tokens]
            repeated += len(texts) != len(set(texts))
            got = fresh.find(list(s.tokens))
            assert got == find_reference(fresh, s.tokens)
            found += len(got)
        assert found > 20 and repeated > 5


def test_last_words_before_a_place_by_rsplit_equal_the_whole_split(engine, docs):
    """``solidarity_topic``, ``across_border`` and the other place checks read the last k words before a mention
    with ``rsplit(None, k)`` (not every word of the sentence before it): the same words as ``split()[-k:]`` at
    every place mention of the gold sentences and in random strings of words and whitespace."""
    rng = random.Random(5)
    texts = ["".join(rng.choice("ab \t\n،") for _ in range(rng.randint(0, 14))) for _ in range(5000)]
    for doc in docs:
        for s in doc.sentences:
            texts += [s.norm[:pm.start] for pm in engine.gaz.find_place_mentions(s.norm)]
    assert len(texts) > 5300
    for text in texts:
        for k in range(1, 6):
            assert text.rsplit(None, k)[-k:] == text.split()[-k:], (text, k)


def test_article_country_with_country_names_looked_up_by_map_equals_the_word_loop(engine, docs):
    """``article_country`` (country names of every word looked up without a Python loop) names the country the
    loop over every word does, with and without the source's country, for every gold article."""
    from pipeline.extract.places import (
        DATELINE_VOTES,
        article_country,
        dateline_end,
        place_mentions,
        solidarity_topic,
    )

    def reference(res, sentences, source_country):
        votes: Counter[str] = Counter()
        for k, s in enumerate(sentences[:6]):
            filed = dateline_end(s.norm) if k == 0 else -1
            for pm in place_mentions(res, s.norm, None):
                if pm.place is not None and not solidarity_topic(pm, s.norm):
                    votes[pm.place.country_code] += 1 + (DATELINE_VOTES if pm.end <= filed else 0)
        for s in sentences:
            for cc in map(res.lex.country_names.get, [t.text for t in s.tokens]):
                if cc:
                    votes[cc] += 0.5
        if source_country:
            votes[source_country] += 1
        return votes.most_common(1)[0][0] if votes else None

    named = 0
    for doc in docs:
        for source in (None, "SY", "MA"):
            got = article_country(engine.resources, doc.sentences, source)
            assert got == reference(engine.resources, doc.sentences, source), doc.article_id
            named += got is not None
    assert named > 100

"""The speed-ups of the extractor change no output: each fast path equals the plain computation it replaces.

- ``normalize_with_offsets`` (one ``str.translate``) equals the per-character normal form and offsets;
- ``split_sentences`` (visiting only the characters that change its state) equals the character loop;
- the decision layer's view of an article built from the rule pass's ``ArticleDoc`` (its tokens and cues)
  equals the view re-tokenised from the text, feature for feature;
- the model's scores (looked up in a batch) equal the per-example formula bit for bit.
"""

from __future__ import annotations

import datetime as dt
import json
import random

import numpy as np
import pytest

from pipeline.extract.decision import DecisionModel, bundled_model_path
from pipeline.extract.decision.layer import article_view, detector_inputs
from pipeline.extract.text import _DROP, _MAP, normalize_arabic, normalize_with_offsets, split_sentences
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

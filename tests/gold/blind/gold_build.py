"""The builds of blind gold parts, shared by their build scripts. Two forms:

``GoldPartBuild``: a part written as ``A(...)`` calls (one per article) in its build script.

A part's ``_build/build.py`` names its id prefix and country codes, then registers each article with
``A(id, source_name, url, published, assigned, title, text, events)``, ``events`` a list of 12-tuples
(actor, actor_norm, action_type, target, target_norm, location_text, country, admin1, event_date,
date_precision, fatalities, evidence). When the script ends, the articles and events are checked (the checks of
``gold_checks`` plus: evidence one full sentence, a place unless the type is a statement, meeting or agreement,
target and target_norm together) and written to the part's ``articles.jsonl`` and ``gold_events.jsonl``; any
problem prints and exits 1, writing nothing. ``-v`` lists every article.

``build_key_phrase_part``: a part whose articles live in batch files ``b1.py``, ``b2.py``, ... next to its build
script, each a list ``ARTS`` of ``key_phrase_article(...)`` dicts (imported there as ``A`` and ``E`` from
``build``), each event's evidence given as a phrase found in exactly one sentence, which it is expanded to.
"""

from __future__ import annotations

import atexit
import datetime
import glob
import importlib.util
import os
import re
import sys
from collections import Counter
from types import ModuleType

from gold_checks import EVENT_FIELDS, article_problems, event_problems, write_set

PLACELESS_TYPES = ("statement", "meeting_negotiation", "agreement")


def one_full_sentence(text: str, evidence: str) -> bool:
    """``evidence`` occurs in ``text`` as one whole sentence (a dateline before it is allowed)."""
    i = text.find(evidence)
    if i < 0:
        return False
    before, after = text[:i], text[i + len(evidence):]
    starts = (i == 0 or before.endswith("\n") or re.search(r"[.!?؟»]\s$", before) is not None
              or re.search(r" [–-] $", before) is not None)
    ends = evidence.rstrip()[-1] in ".!?؟»" and (after == "" or after[0] in " \n")
    return starts and ends and re.search(r"[.!؟?]\s+\S", evidence[:-1]) is None


class GoldPartBuild:
    """Collects one part's articles and events and writes them when the build script exits."""

    def __init__(self, build_file: str, id_prefix: str, countries: set[str] | None, *,
                 words: tuple[int, int] = (115, 260), write_at_exit: bool = True) -> None:
        """``words``: the shortest and longest article allowed (a part built from short pages lowers the
        minimum, e.g. to 90, rather than pad its articles)."""
        self.folder = os.path.dirname(os.path.dirname(os.path.abspath(build_file)))
        self.id_pattern = re.escape(id_prefix) + r"\d{3}"
        self.countries = countries
        self.words = words
        self.articles: list[dict] = []
        self.events: list[dict] = []
        self.problems: list[str] = []
        if write_at_exit:
            atexit.register(self.write)

    def article(self, id, source_name, url, published, assigned, title, text, events) -> None:  # noqa: A002
        self.articles.append(dict(id=id, source_name=source_name, original_url=url, published=published,
                                  published_assigned=assigned, title=title, text=text.strip()))
        for ev in events:
            if len(ev) != len(EVENT_FIELDS) - 1:
                self.problems.append(f"{id}: event tuple has {len(ev)} fields")
                continue
            self.events.append(dict(zip(EVENT_FIELDS, (id,) + tuple(ev), strict=True)))

    def validate(self) -> None:
        self.problems += article_problems(self.articles, self.folder, self.id_pattern, words=self.words)
        by_id = {a["id"]: a for a in self.articles}
        for n, e in enumerate(self.events):
            a = by_id[e["article_id"]]
            tag = f"{e['article_id']} ev{n}"
            self.problems += event_problems(e, a, self.countries, tag)
            if e["evidence"] is None or (e["location_text"] is None and e["action_type"] not in PLACELESS_TYPES):
                self.problems.append(f"{tag} evidence/location missing")
            elif not one_full_sentence(a["text"], e["evidence"]):
                self.problems.append(f"{tag} evidence not one full sentence: {e['evidence'][:60]}")
            if (e["target"] is None) != (e["target_norm"] is None) and e["target"] is not None:
                self.problems.append(f"{tag} target set but target_norm null")
            if e["actor"] is not None and e["actor"] not in e["evidence"]:
                print(f"  note {tag}: actor not inside evidence", file=sys.stderr)

    def write(self) -> None:
        self.articles.sort(key=lambda a: a["id"])
        self.events.sort(key=lambda e: e["article_id"])  # stable: keeps the order within an article
        self.validate()
        if self.problems:
            print("ERRORS:")
            for problem in self.problems:
                print("  ", problem)
            sys.exit(1)
        write_set(self.folder, self.articles, self.events)
        counts = {a["id"]: sum(e["article_id"] == a["id"] for e in self.events) for a in self.articles}
        if "-v" in sys.argv:
            for a in self.articles:
                weekday = datetime.date.fromisoformat(a["published"]).strftime("%a")
                print(a["id"], a["published"], weekday, len(a["text"].split()), "words", counts[a["id"]], "events")
        negatives = sum(n == 0 for n in counts.values())
        print(f"OK: {len(self.articles)} articles, {len(self.events)} events, {negatives} negatives")


def sentence_indexed(article):
    """``article`` (``GoldPartBuild.article``) taking the text as a list of sentences, one paragraph each, and an
    event's evidence as the index of its sentence in that list (or the sentence itself), replaced by the exact
    sentence before the shared checks run."""

    def add(id, src, url, pub, assigned, title, sents, events) -> None:  # noqa: A002
        evs = [tuple(ev[:-1]) + ((sents[ev[-1]] if isinstance(ev[-1], int) else ev[-1]),) for ev in events]
        article(id, src, url, pub, assigned, title, "\n".join(sents), evs)

    return add


def each_place(places, actor, actor_norm, typ, target, target_norm, country, admin1, date, prec, fat, ev) -> list:
    """One event per named place (rule E2), all with the same evidence sentence."""
    return [(actor, actor_norm, typ, target, target_norm, p, country, admin1, date, prec, fat, ev) for p in places]


DATELINE = re.compile(r"^[^\n–.]{1,60} – ")


def key_phrase_article(id, source_name, url, published, assigned, title, text, events) -> dict:  # noqa: A002
    return dict(id=id, source_name=source_name, original_url=url, published=published,
                published_assigned=assigned, title=title, text=text.strip(), events=events)


def key_phrase_event(actor, actor_norm, action_type, target, target_norm, loc, country, admin1, date, prec, fat,
                     evkey) -> dict:
    return dict(actor=actor, actor_norm=actor_norm, action_type=action_type, target=target,
                target_norm=target_norm, location_text=loc, country=country, admin1=admin1,
                event_date=date, date_precision=prec, fatalities=fat, evidence=evkey)


def key_phrase_sentences(text: str) -> list[str]:
    """Sentences split on . ! ؟ and newlines, a leading dateline «X – » removed."""
    out = []
    for para in text.split("\n"):
        para = para.strip()
        if not para:
            continue
        m = DATELINE.match(para)
        if m:
            para = para[m.end():]
        out += [s.strip() for s in re.split(r"(?<=[.!؟])\s+", para) if s.strip()]
    return out


def _batches(build_script: ModuleType) -> list[dict]:
    here = os.path.dirname(os.path.abspath(build_script.__file__))
    sys.modules["build"] = build_script  # the batch files import A and E from it
    arts = []
    for f in sorted(glob.glob(os.path.join(here, "b[0-9]*.py")),
                    key=lambda p: int(re.sub(r"\D", "", os.path.basename(p)) or 0)):
        spec = importlib.util.spec_from_file_location(os.path.basename(f)[:-3], f)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        arts.extend(mod.ARTS)
    return arts


def build_key_phrase_part(build_script: ModuleType, id_prefix: str, countries: set[str] | None) -> None:
    """Check the part's batch files and write its JSONL (exit 1 and write nothing on any problem)."""
    folder = os.path.dirname(os.path.dirname(os.path.abspath(build_script.__file__)))
    arts = _batches(build_script)
    errs = article_problems(arts, folder, re.escape(id_prefix) + r"\d{3}")
    gold = []
    for a in arts:
        aid, sents = a["id"], key_phrase_sentences(a["text"])
        for i, e in enumerate(a["events"]):
            tag = f"{aid} ev{i}"
            if e["location_text"] is None:
                errs.append(f"{tag}: location_text null")
            key = e["evidence"]
            hits = [s for s in sents if key in s]
            if len(hits) != 1:
                errs.append(f"{tag}: evidence key in {len(hits)} sentences: {key}")
                continue
            e["evidence"] = hits[0]
            errs += event_problems(e, a, countries, tag)
            if (e["target"] is None) != (e["target_norm"] is None):
                errs.append(f"{tag}: target/target_norm null mismatch")
            if e["actor"] is None and not e["actor_norm"].startswith("Unidentified"):
                errs.append(f"{tag}: null actor needs Unidentified norm")
            gold.append(dict(article_id=aid, **e))
    if errs:
        print("\n".join(errs))
        print(f"FAILED: {len(errs)} errors")
        sys.exit(1)
    write_set(folder, arts, gold)
    neg = [a["id"] for a in arts if not a["events"]]
    print(f"OK {len(arts)} articles, {len(gold)} events, {len(neg)} negatives ({100*len(neg)/len(arts):.0f}%)")
    print("types:", dict(Counter(g["action_type"] for g in gold).most_common()))
    print("countries:", dict(Counter(g["country"] for g in gold).most_common()))
    if "-v" in sys.argv:
        for a in arts:
            wd = datetime.date.fromisoformat(a["published"]).strftime("%a")
            print(a["id"], a["published"], wd, len(a["text"].split()), "w", len(a["events"]), "ev")

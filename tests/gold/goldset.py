"""Builder for the synthetic gold sets (tests/gold/fresh*/): articles and their hand-coded events.

Each set's ``_build/build.py`` lists its articles with ``GoldSet.art`` and ``ev`` and calls
``GoldSet.write``, which checks every article and event (exact-substring spans, word counts, weekday of
the assigned publication date, action types, precisions, fatalities) and writes ``articles.jsonl`` and
``gold_events.jsonl`` in the dev set's format. Plain Python: runs without the project's environment.
Evidence is given as a unique phrase and expanded to its full sentence (a leading dateline «X – » dropped,
as in the dev set).
"""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

# The schema's action types (pipeline.schema.ACTION_TYPES; tests/test_extract_gold_sets.py keeps them equal).
ACTIONS = ("armed_clash", "attack", "airstrike_shelling", "explosion_ied", "abduction", "arrest_raid",
           "security_operation", "protest", "riot", "statement", "meeting_negotiation", "agreement",
           "deployment_withdrawal", "other")
GOLD_FIELDS = ("article_id", "actor", "actor_norm", "action_type", "target", "target_norm", "location_text",
               "country", "admin1", "event_date", "date_precision", "fatalities", "evidence")
ARTICLE_FIELDS = ("id", "source_name", "original_url", "published", "published_assigned", "title", "text")
DATE_PRECISIONS = ("day", "month", "year")


def ev(action, actor, actor_norm, target, target_norm, location, country, admin1, date, precision,
       fatalities, evidence) -> dict:
    """One gold event; ``evidence`` is a phrase unique in the text, expanded to its sentence on write."""
    return dict(actor=actor, actor_norm=actor_norm, action_type=action, target=target, target_norm=target_norm,
                location_text=location, country=country, admin1=admin1, event_date=date,
                date_precision=precision, fatalities=fatalities, evidence=evidence)


def sentence(text: str, phrase: str) -> str:
    """The sentence of ``text`` holding ``phrase`` (which must occur exactly once), without a dateline."""
    i = text.find(phrase)
    if i < 0 or text.find(phrase, i + 1) >= 0:
        raise SystemExit(f"evidence phrase not unique/not found: {phrase}")
    start = max(text.rfind(". ", 0, i) + 2 if text.rfind(". ", 0, i) >= 0 else 0, text.rfind("\n", 0, i) + 1)
    end = text.find(".", i + len(phrase))
    s = text[start:end + 1 if end >= 0 else len(text)]
    m = re.match(r"^[^ ،.]+(?: [^ ،.]+)? – ", s)
    return s[m.end():] if m else s


class GoldSet:
    """The articles of one synthetic gold set, in the order they are added."""

    def __init__(self, source_name: str) -> None:
        self.source_name = source_name
        self.articles: list[dict] = []

    def art(self, aid, published, weekday, title, text, events=()) -> None:
        self.articles.append(dict(id=aid, source_name=self.source_name, original_url=None, published=published,
                                  published_assigned=True, title=title, text=text, weekday=weekday,
                                  events=list(events)))

    def problems_and_rows(self) -> tuple[list[str], list[dict], list[dict]]:
        """(problems found, article rows, gold rows)."""
        errs, arts, gold = [], [], []
        for a in self.articles:
            t = a["text"]
            nw = len(t.split())
            if not 80 <= nw <= 170:
                errs.append(f"{a['id']}: {nw} words")
            if datetime.date.fromisoformat(a["published"]).strftime("%A") != a["weekday"]:
                errs.append(f"{a['id']}: published is not a {a['weekday']}")
            for e in a["events"]:
                e = dict(e, article_id=a["id"], evidence=sentence(t, e["evidence"]))
                errs += _event_problems(a["id"], t, e)
                gold.append({k: e[k] for k in GOLD_FIELDS})
            arts.append({k: a[k] for k in ARTICLE_FIELDS})
        if len({a["id"] for a in arts}) != len(arts):
            errs.append("duplicate article ids")
        return errs, arts, gold

    def write(self, out_dir: Path) -> int:
        """Check everything, then write both JSONL files into ``out_dir``; returns a process exit code."""
        errs, arts, gold = self.problems_and_rows()
        if errs:
            print("\n".join(errs))
            return 1
        for name, rows in (("articles.jsonl", arts), ("gold_events.jsonl", gold)):
            (out_dir / name).write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows),
                                        encoding="utf-8")
        print(f"{len(arts)} articles, {len(gold)} gold events")
        return 0


def _event_problems(article_id: str, text: str, e: dict) -> list[str]:
    errs = [f"{article_id} {k} not in text: {e[k]}" for k in ("actor", "target", "location_text", "evidence")
            if e[k] is not None and e[k] not in text]
    if e["action_type"] not in ACTIONS:
        errs.append(f"{article_id} bad action {e['action_type']}")
    if e["date_precision"] not in DATE_PRECISIONS:
        errs.append(f"{article_id} bad date_precision {e['date_precision']}")
    if e["fatalities"] is not None and (not isinstance(e["fatalities"], int) or e["fatalities"] < 0):
        errs.append(f"{article_id} bad fatalities {e['fatalities']}")
    datetime.date.fromisoformat(e["event_date"])
    return errs

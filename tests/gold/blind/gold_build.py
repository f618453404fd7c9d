"""The build of a blind gold part written as ``A(...)`` calls (one per article), shared by its build scripts.

A part's ``_build/build.py`` names its id prefix and country codes, then registers each article with
``A(id, source_name, url, published, assigned, title, text, events)``, ``events`` a list of 12-tuples
(actor, actor_norm, action_type, target, target_norm, location_text, country, admin1, event_date,
date_precision, fatalities, evidence). When the script ends, the articles and events are checked (the checks of
``gold_checks`` plus: evidence one full sentence, a place unless the type is a statement, meeting or agreement,
target and target_norm together) and written to the part's ``articles.jsonl`` and ``gold_events.jsonl``; any
problem prints and exits 1, writing nothing. ``-v`` lists every article.
"""

from __future__ import annotations

import atexit
import datetime
import os
import re
import sys

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
                 write_at_exit: bool = True) -> None:
        self.folder = os.path.dirname(os.path.dirname(os.path.abspath(build_file)))
        self.id_pattern = re.escape(id_prefix) + r"\d{3}"
        self.countries = countries
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
        self.problems += article_problems(self.articles, self.folder, self.id_pattern)
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

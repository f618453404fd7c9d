"""Checks every blind gold set's build script runs before it writes its JSONL (plain Python, no engine).

A build script (``<set>/_build/build.py``) holds its articles and events in its own form; these functions check
what every set must satisfy, the same way for all: article ids, dates, word counts, URLs not used by any other
gold set (train, dev, every ``tests/gold`` set), event fields that must be exact substrings of the text, codes,
dates not after publication. Each returns problem lines ([] when sound); the script prints them and exits 1.
"""

from __future__ import annotations

import datetime
import glob
import json
import os
import re
from urllib.parse import unquote

ACTIONS = frozenset({
    "armed_clash", "attack", "airstrike_shelling", "explosion_ied", "abduction", "arrest_raid", "security_operation",
    "protest", "riot", "statement", "meeting_negotiation", "agreement", "deployment_withdrawal", "other"})
ARTICLE_FIELDS = ("id", "source_name", "original_url", "published", "published_assigned", "title", "text")
EVENT_FIELDS = ("article_id", "actor", "actor_norm", "action_type", "target", "target_norm", "location_text",
                "country", "admin1", "event_date", "date_precision", "fatalities", "evidence")
SHARED_SETS = ("/work/shared/eval/train/articles.jsonl", "/work/shared/eval/dev/articles.jsonl")
GOLD = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # tests/gold
DERIVED = ("test", "train_blind")  # made from the blind parts by splits/make_splits.py: the parts are read instead


def normalise_url(url: str | None) -> str:
    """The URL without scheme, ``www.``, percent-encoding, case and trailing slash (one page, one key)."""
    url = unquote((url or "").strip()).lower()
    url = re.sub(r"^[a-z]+://", "", url)
    return re.sub(r"^www\.", "", url).rstrip("/")


def gold_article_files(*, derived: bool) -> list[str]:
    """Every gold set's articles.jsonl that exists (train, dev, tests/gold/*, tests/gold/blind/*); with
    ``derived`` False, not the splits made from the blind parts (the parts are read instead)."""
    files = list(SHARED_SETS) + [p for p in glob.glob(os.path.join(GOLD, "*", "articles.jsonl"))
                                 if derived or os.path.basename(os.path.dirname(p)) not in DERIVED]
    files += glob.glob(os.path.join(GOLD, "blind", "*", "articles.jsonl"))
    return [p for p in files if os.path.exists(p)]


def urls_used_elsewhere(set_dir: str) -> set[str]:
    """Normalised URLs of every other gold set's articles (not the splits derived from the blind parts)."""
    own = os.path.abspath(os.path.join(set_dir, "articles.jsonl"))
    used = set()
    for path in gold_article_files(derived=False):
        if os.path.abspath(path) == own:
            continue
        with open(path, encoding="utf-8") as f:
            used |= {normalise_url(json.loads(line).get("original_url")) for line in f if line.strip()}
    return used


def article_problems(articles: list[dict], set_dir: str, id_pattern: str, words: tuple[int, int] = (115, 260)
                     ) -> list[str]:
    """Ids (``id_pattern``, unique), published date, flags, non-empty fields, word count, URLs unused elsewhere
    and unique within the set."""
    problems, ids, urls = [], set(), set()
    used = urls_used_elsewhere(set_dir)
    for a in articles:
        aid = a["id"]
        if aid in ids:
            problems.append(f"{aid}: duplicate id")
        ids.add(aid)
        if not re.fullmatch(id_pattern, aid):
            problems.append(f"{aid}: bad id")
        try:
            datetime.date.fromisoformat(a["published"])
        except (TypeError, ValueError):
            problems.append(f"{aid}: bad published")
        if not isinstance(a["published_assigned"], bool):
            problems.append(f"{aid}: published_assigned not bool")
        problems += [f"{aid}: empty {k}" for k in ("source_name", "original_url", "title", "text")
                     if not isinstance(a[k], str) or not a[k]]
        if not words[0] <= len(a["text"].split()) <= words[1]:
            problems.append(f"{aid}: word count {len(a['text'].split())}")
        url = normalise_url(a["original_url"])
        if url in used:
            problems.append(f"{aid}: url already used in train/dev/other gold sets")
        if url in urls:
            problems.append(f"{aid}: url reused inside this set")
        urls.add(url)
    return problems


def event_problems(event: dict, article: dict, countries: set[str] | None, tag: str) -> list[str]:
    """One event against its article: substrings of the text, codes (``countries``: the set's list, None: any
    two-letter code), date not after publication, toll."""
    problems, text = [], article["text"]
    for k in ("actor", "target", "location_text", "evidence"):
        v = event[k]
        if v is not None and (not isinstance(v, str) or v not in text):
            problems.append(f"{tag}: {k} not in text: {v}")
    if event["action_type"] not in ACTIONS:
        problems.append(f"{tag}: bad action {event['action_type']}")
    if not isinstance(event["actor_norm"], str) or not event["actor_norm"]:
        problems.append(f"{tag}: actor_norm")
    if not (event["country"] in countries if countries is not None
            else isinstance(event["country"], str) and re.fullmatch(r"[A-Z]{2}", event["country"])):
        problems.append(f"{tag}: country {event['country']}")
    if event["admin1"] is not None and not isinstance(event["admin1"], str):
        problems.append(f"{tag}: admin1 type")
    try:
        if datetime.date.fromisoformat(event["event_date"]) > datetime.date.fromisoformat(article["published"]):
            problems.append(f"{tag}: event after published")
    except (TypeError, ValueError):
        problems.append(f"{tag}: bad event_date {event['event_date']}")
    if event["date_precision"] not in ("day", "month", "year"):
        problems.append(f"{tag}: precision")
    f = event["fatalities"]
    if f is not None and (not isinstance(f, int) or isinstance(f, bool) or f < 0):
        problems.append(f"{tag}: fatalities {f}")
    return problems


def write_set(set_dir: str, articles: list[dict], events: list[dict]) -> None:
    """``articles.jsonl`` and ``gold_events.jsonl`` of the set, fields in the gold order, one object a line."""
    for name, rows, fields in (("articles.jsonl", articles, ARTICLE_FIELDS),
                               ("gold_events.jsonl", events, EVENT_FIELDS)):
        with open(os.path.join(set_dir, name), "w", encoding="utf-8") as f:
            for row in rows:
                f.write(json.dumps({k: row[k] for k in fields}, ensure_ascii=False) + "\n")

#!/usr/bin/env python3
"""For coders de-duplicating a new blind set (reads only the gold sets' articles.jsonl, never engine output).

    python3 tests/gold/blind/gold_lookup.py URL_or_WORD ...

A URL: is it used by a gold set (train, dev, tests/gold/*, tests/gold/blind/*) and by which article.
A word (a place, an actor): which gold articles mention it, so the same real event is not coded twice.
"""

from __future__ import annotations

import json
import os
import sys

from gold_checks import gold_article_files, normalise_url


def gold_articles() -> list[tuple[str, dict]]:
    rows = []
    for path in gold_article_files(derived=True):
        with open(path, encoding="utf-8") as f:
            rows += [(os.path.basename(os.path.dirname(path)), json.loads(line)) for line in f if line.strip()]
    return rows


def main(queries: list[str]) -> None:
    rows = gold_articles()
    for q in queries:
        if q.lower().startswith(("http://", "https://")):
            key = normalise_url(q)
            hits = [f"{s}:{a['id']}" for s, a in rows if normalise_url(a.get("original_url")) == key]
            print("URL", "USED " + ",".join(hits) if hits else "free", q[:90])
        else:
            hits = [f"{s}:{a['id']} {a['published']} {a['title'][:70]}" for s, a in rows
                    if q in a["text"] or q in a["title"]]
            print("WORD", q, len(hits))
            for hit in hits[:8]:
                print("   ", hit)


if __name__ == "__main__":
    main(sys.argv[1:])

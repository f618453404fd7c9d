#!/usr/bin/env python3
"""Build the maghreb blind gold set.
Articles live in b1.py, b2.py, ... (each defines ARTS: list of article dicts made with A() and E()).
Run: python3 build.py   -> writes ../articles.jsonl and ../gold_events.jsonl after validation.
Evidence is given as a unique key phrase; the builder expands it to the full sentence that contains it
(sentence = split on . ! ؟ or newline; a leading dateline "X – " is removed), and checks it."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from gold_build import build_key_phrase_part  # noqa: E402
from gold_build import key_phrase_article as A  # noqa: E402,F401  (the batch files import A and E from here)
from gold_build import key_phrase_event as E  # noqa: E402,F401

COUNTRIES = {"MA", "DZ", "TN", "LY", "MR", "EG", "SD", "SS", "DJ", "KM", "EH", "TD", "ET", "IL", "PS", "QA",
             "US", "FR", "ML", "NE", "SA", "AE", "TR", "CF", "ER", "IT", "ES", "CH", "KE", "SO", "UG", "GB", "BE", "DE", "RU"}

if __name__ == "__main__":
    build_key_phrase_part(sys.modules[__name__], "m", COUNTRIES)

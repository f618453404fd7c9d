#!/usr/bin/env python3
"""Helper: check candidate URLs / grep other sets' articles for a place or actor (reads only articles.jsonl)."""
import sys, glob, json, os
sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..')))
from gold_checks import normalise_url, urls_used_elsewhere
used = urls_used_elsewhere(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
files = ['/work/shared/eval/train/articles.jsonl', '/work/shared/eval/dev/articles.jsonl'] + glob.glob('/work/wt/coder10/tests/gold/*/articles.jsonl') + glob.glob('/work/wt/coder10/tests/gold/blind/*/articles.jsonl')
for q in sys.argv[1:]:
    if q.startswith('http'):
        print(q[:80], 'USED' if normalise_url(q) in used else 'free')
        continue
    for p in files:
        if '/south4/' in p: continue
        for l in open(p, encoding='utf-8'):
            a = json.loads(l)
            if q in a['text'] or q in a['title']:
                print(q, '|', p.split('/')[-2], a['id'], a['published'], a['title'][:90])

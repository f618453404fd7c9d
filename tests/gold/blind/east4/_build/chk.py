#!/usr/bin/env python3
"""chk.py URL_or_WORD ...: is a URL used by another gold set; which articles (any set) mention a word."""
import glob, json, os, sys
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from gold_checks import normalise_url
G = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
files = ["/work/shared/eval/train/articles.jsonl", "/work/shared/eval/dev/articles.jsonl"] + glob.glob(G + "/*/articles.jsonl") + glob.glob(G + "/blind/*/articles.jsonl")
rows = []
for p in files:
    for l in open(p, encoding="utf-8"):
        if l.strip():
            rows.append((p.split("/")[-2], json.loads(l)))
for q in sys.argv[1:]:
    if q.startswith("http"):
        n = normalise_url(q)
        hit = [f"{s}:{a['id']}" for s, a in rows if normalise_url(a["original_url"]) == n]
        print("URL", "USED " + ",".join(hit) if hit else "free", q[:90])
    else:
        hit = [f"{s}:{a['id']} {a['published']} {a['title'][:70]}" for s, a in rows if q in a["text"] or q in a["title"]]
        print("WORD", q, len(hit)); [print("   ", h) for h in hit[:8]]

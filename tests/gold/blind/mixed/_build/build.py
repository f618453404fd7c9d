#!/usr/bin/env python3
"""Build blind gold set 'mixed': reads batch*.py (each defines list A of articles) and writes
../articles.jsonl and ../gold_events.jsonl after validation. Plain Python 3."""
import datetime, glob, os, re, sys
from collections import Counter
B = os.path.dirname(os.path.abspath(__file__)); D = os.path.dirname(B)
sys.path.insert(0, os.path.dirname(D))
from gold_checks import EVENT_FIELDS, article_problems, event_problems, write_set  # noqa: E402
ORDER = list(EVENT_FIELDS)
def sentences(t):
    out = []
    for line in t.split("\n"):
        for m in re.finditer(r'[^.!؟?]+(?:[.!؟?]+[»"]?|$)', line):
            s = m.group(0).strip()
            if s: out.append(s)
    if out:
        m = re.match(r'^[^–\n.]{1,60} – ', out[0])
        if m: out[0] = out[0][m.end():]
    return out
def sent(t, frag):
    c = [s for s in sentences(t) if frag in s]
    if len(c) != 1: raise SystemExit(f"sent(): fragment {frag!r} matches {len(c)} sentences")
    return c[0]
def ev(actor, actor_norm, action_type, target, target_norm, loc, country, admin1, date, prec, fat, evid):
    return dict(actor=actor, actor_norm=actor_norm, action_type=action_type, target=target, target_norm=target_norm,
                location_text=loc, country=country, admin1=admin1, event_date=date, date_precision=prec,
                fatalities=fat, evidence=evid)
arts = []
for f in sorted(glob.glob(os.path.join(B, "batch*.py"))):
    ns = {"sent": sent, "ev": ev}; exec(open(f, encoding="utf-8").read(), ns); arts += ns["A"]
errs = article_problems(arts, D, r"n\d{3}", words=(120, 250)); out_a = []; out_e = []
SENT_END = re.compile(r'[.!؟?](?:»|")?(?=\s|$)')
for a in arts:
    aid = a["id"]; t = a["text"]
    for i, ev in enumerate(a.get("events", [])):
        if isinstance(ev, (tuple, list)):
            ev = dict(zip(ORDER[1:], ev))
        e = {"article_id": aid, **ev}
        tag = f"{aid} ev{i}"
        errs += [f"{tag} missing {k}" for k in ORDER if k not in e]
        errs += event_problems(e, a, None, tag)
        ev_s = e["evidence"]
        if isinstance(ev_s, str) and ev_s in t:
            p = t.index(ev_s)
            before = t[:p]
            if not (p == 0 or before.endswith("\n") or re.search(r'[.!؟?](?:»|")?\s$', before) or before.endswith("– ")):
                errs.append(f"{tag} evidence does not start at sentence start")
            if before.endswith("– ") and "\n" not in before and p < 80:
                pass  # after dateline: ok
            if re.match(r'^\S+( \S+)? – ', ev_s): errs.append(f"{tag} evidence has dateline prefix")
            if not re.search(r'[.!؟?](?:»|")?$', ev_s): errs.append(f"{tag} evidence does not end a sentence")
            inner = SENT_END.findall(ev_s[:-1])
            if inner: errs.append(f"{tag} evidence has more than one sentence")
        out_e.append({k: e.get(k) for k in ORDER})
    out_a.append({k: a[k] for k in ["id","source_name","original_url","published","published_assigned","title","text"]})
if errs:
    print("ERRORS:"); [print(" ", x) for x in errs]; sys.exit(1)
write_set(D, out_a, out_e)
neg = [a["id"] for a in arts if not a.get("events")]
print(f"OK {len(out_a)} articles, {len(out_e)} events, {len(neg)} negatives ({len(neg)/max(1,len(out_a)):.0%})")
print("types:", dict(Counter(e["action_type"] for e in out_e).most_common()))
print("countries:", dict(Counter(e["country"] for e in out_e).most_common()))
for a in arts:
    wd = datetime.date.fromisoformat(a["published"]).strftime("%a")
    print(f"  {a['id']} {a['published']} {wd} {len(a['text'].split())}w {len(a.get('events',[]))}ev")

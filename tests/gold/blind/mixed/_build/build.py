#!/usr/bin/env python3
"""Build blind gold set 'mixed': reads batch*.py (each defines list A of articles) and writes
../articles.jsonl and ../gold_events.jsonl after validation. Plain Python 3."""
import json, os, re, glob, datetime, sys, urllib.parse
from collections import Counter
B = os.path.dirname(os.path.abspath(__file__)); D = os.path.dirname(B)
ACTIONS = {"armed_clash","attack","airstrike_shelling","explosion_ied","abduction","arrest_raid",
 "security_operation","protest","riot","statement","meeting_negotiation","agreement",
 "deployment_withdrawal","other"}
ORDER = ["article_id","actor","actor_norm","action_type","target","target_norm","location_text",
         "country","admin1","event_date","date_precision","fatalities","evidence"]
def norm_url(u):
    u = urllib.parse.unquote(u.strip()).lower()
    u = re.sub(r'^https?://', '', u); u = re.sub(r'^www\.', '', u)
    return u.rstrip('/')
existing = set(norm_url(l) for l in open(os.path.join(B, "existing_urls.txt"), encoding="utf-8") if l.strip())
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
errs = []; ids = set(); urls = set(); out_a = []; out_e = []
SENT_END = re.compile(r'[.!؟?](?:»|")?(?=\s|$)')
for a in arts:
    aid = a["id"]; t = a["text"]
    for k in ["id","source_name","original_url","published","published_assigned","title","text"]:
        if k not in a: errs.append(f"{aid} missing {k}")
    if aid in ids: errs.append(f"{aid} duplicate id")
    ids.add(aid)
    nu = norm_url(a["original_url"])
    if nu in existing: errs.append(f"{aid} url already used in other sets")
    if nu in urls: errs.append(f"{aid} duplicate url")
    urls.add(nu)
    pd = datetime.date.fromisoformat(a["published"])
    if not isinstance(a["published_assigned"], bool): errs.append(f"{aid} published_assigned type")
    nw = len(t.split())
    if not (120 <= nw <= 250): errs.append(f"{aid} word count {nw}")
    for i, ev in enumerate(a.get("events", [])):
        if isinstance(ev, (tuple, list)):
            ev = dict(zip(ORDER[1:], ev))
        e = {"article_id": aid, **ev}
        tag = f"{aid} ev{i}"
        for k in ORDER:
            if k not in e: errs.append(f"{tag} missing {k}")
        for k in ["actor","target","location_text","evidence"]:
            v = e.get(k)
            if v is not None and (not isinstance(v, str) or v not in t): errs.append(f"{tag} {k} not in text: {v}")
        if e["action_type"] not in ACTIONS: errs.append(f"{tag} bad action {e['action_type']}")
        if not isinstance(e["actor_norm"], str) or not e["actor_norm"]: errs.append(f"{tag} actor_norm")
        if (e["target"] is None) != (e["target_norm"] is None) and e["target_norm"] is not None and e["target"] is not None:
            pass
        if not re.fullmatch(r"[A-Z]{2}", e["country"] or ""): errs.append(f"{tag} country")
        try:
            ed = datetime.date.fromisoformat(e["event_date"])
            if ed > pd: errs.append(f"{tag} event_date after published")
        except Exception: errs.append(f"{tag} bad date {e.get('event_date')}")
        if e["date_precision"] not in ("day","month","year"): errs.append(f"{tag} precision")
        fat = e["fatalities"]
        if fat is not None and (not isinstance(fat, int) or isinstance(fat, bool) or fat < 0): errs.append(f"{tag} fatalities")
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
with open(os.path.join(D, "articles.jsonl"), "w", encoding="utf-8") as f:
    for a in out_a: f.write(json.dumps(a, ensure_ascii=False) + "\n")
with open(os.path.join(D, "gold_events.jsonl"), "w", encoding="utf-8") as f:
    for e in out_e: f.write(json.dumps(e, ensure_ascii=False) + "\n")
neg = [a["id"] for a in arts if not a.get("events")]
print(f"OK {len(out_a)} articles, {len(out_e)} events, {len(neg)} negatives ({len(neg)/max(1,len(out_a)):.0%})")
print("types:", dict(Counter(e["action_type"] for e in out_e).most_common()))
print("countries:", dict(Counter(e["country"] for e in out_e).most_common()))
for a in arts:
    wd = datetime.date.fromisoformat(a["published"]).strftime("%a")
    print(f"  {a['id']} {a['published']} {wd} {len(a['text'].split())}w {len(a.get('events',[]))}ev")

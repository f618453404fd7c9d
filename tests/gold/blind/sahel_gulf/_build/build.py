#!/usr/bin/env python3
"""Blind gold set sahel_gulf: holds articles (batch files batch_*.py in this folder, exec'd here)
and writes ../articles.jsonl and ../gold_events.jsonl after validation. Plain Python 3."""
import json, os, sys, glob, datetime, re, urllib.parse
HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
ACTIONS = {"armed_clash","attack","airstrike_shelling","explosion_ied","abduction","arrest_raid",
 "security_operation","protest","riot","statement","meeting_negotiation","agreement",
 "deployment_withdrawal","other"}
ORDER = ["article_id","actor","actor_norm","action_type","target","target_norm","location_text",
         "country","admin1","event_date","date_precision","fatalities","evidence"]
ARTS = []
def E(actor, actor_norm, action_type, target, target_norm, location_text, country, admin1,
      event_date, date_precision, fatalities, evidence):
    return dict(actor=actor, actor_norm=actor_norm, action_type=action_type, target=target,
                target_norm=target_norm, location_text=location_text, country=country, admin1=admin1,
                event_date=event_date, date_precision=date_precision, fatalities=fatalities, evidence=evidence)
def A(id, source_name, original_url, published, published_assigned, title, text, events=(), neg_kind=None):
    ARTS.append(dict(id=id, source_name=source_name, original_url=original_url, published=published,
                     published_assigned=published_assigned, title=title, text=text.strip(),
                     events=list(events), neg_kind=neg_kind))

def norm_url(u):
    u = urllib.parse.unquote(u.strip()).lower()
    u = re.sub(r'^https?://', '', u); u = re.sub(r'^www\.', '', u)
    return u.rstrip('/')

SENT_END = '.!?؟'
def check_sentence(t, ev):
    errs = []
    i = t.find(ev)
    if i < 0: return ["evidence not in text"]
    if '\n' in ev: errs.append("evidence spans a line break")
    inner = ev[:-1]
    for c in SENT_END:
        if c in inner: errs.append(f"evidence has inner sentence end {c!r}")
    if ev.startswith(' ') or ev.endswith(' '): errs.append("evidence padded")
    # start boundary
    before = t[:i]
    if not (i == 0 or before.endswith('\n') or before.rstrip().endswith(tuple(SENT_END)) or before.endswith('– ')):
        errs.append("evidence does not start at a sentence boundary")
    if re.search(r'–\s', ev[:40]) and i == 0 or (t[:i].find('\n') < 0 and re.match(r'^\S+( \S+)? – ', ev)):
        errs.append("evidence includes dateline")
    after = t[i+len(ev):]
    if not (ev[-1] in SENT_END or after == '' or after.startswith('\n')):
        errs.append("evidence does not end at sentence end")
    return errs

def main():
    for f in sorted(glob.glob(os.path.join(HERE, 'batch_*.py'))):
        exec(compile(open(f, encoding='utf-8').read(), f, 'exec'), globals())
    used = set()
    for p in ['/work/shared/eval/train/articles.jsonl', '/work/shared/eval/dev/articles.jsonl']:
        if os.path.exists(p):
            for l in open(p, encoding='utf-8'): used.add(norm_url(json.loads(l)['original_url']))
    errs = []; ids = set(); urls = set()
    for a in ARTS:
        t = a['text']; aid = a['id']
        def err(m): errs.append(f"{aid}: {m}")
        if aid in ids: err("duplicate id")
        ids.add(aid)
        if not re.fullmatch(r's\d{3}', aid): err("bad id")
        nu = norm_url(a['original_url'])
        if nu in used: err("URL already in train/dev")
        if nu in urls: err("URL duplicated within set")
        urls.add(nu)
        try: pub = datetime.date.fromisoformat(a['published'])
        except Exception: err("bad published"); pub = None
        if not isinstance(a['published_assigned'], bool): err("published_assigned not bool")
        for k in ['source_name', 'title', 'text', 'original_url']:
            if not isinstance(a[k], str) or not a[k]: err(f"empty {k}")
        nw = len(t.split())
        if not (120 <= nw <= 260): err(f"word count {nw}")
        for j, e in enumerate(a['events']):
            def eerr(m): err(f"ev{j} {m}")
            for k in ['actor', 'target', 'location_text']:
                v = e[k]
                if v is not None and (not isinstance(v, str) or v not in t): eerr(f"{k} not in text: {v}")
            if not isinstance(e['evidence'], str): eerr("evidence missing")
            else:
                for m in check_sentence(t, e['evidence']): eerr(m + ": " + e['evidence'][:50])
            if e['action_type'] not in ACTIONS: eerr(f"bad action {e['action_type']}")
            if not isinstance(e['actor_norm'], str) or not e['actor_norm']: eerr("actor_norm")
            if e['target'] is None and e['target_norm'] is not None and e['action_type'] in ('statement','deployment_withdrawal'): pass
            if e['target_norm'] is not None and not isinstance(e['target_norm'], str): eerr("target_norm type")
            if not (isinstance(e['country'], str) and re.fullmatch(r'[A-Z]{2}', e['country'])): eerr("country")
            if e['admin1'] is not None and not isinstance(e['admin1'], str): eerr("admin1 type")
            try:
                d = datetime.date.fromisoformat(e['event_date'])
                if pub and d > pub: eerr("event after published")
            except Exception: eerr("bad event_date")
            if e['date_precision'] not in ('day', 'month', 'year'): eerr("precision")
            f = e['fatalities']
            if not (f is None or (isinstance(f, int) and not isinstance(f, bool) and f >= 0)): eerr("fatalities type")
    if errs:
        print("\n".join(errs)); print(f"FAILED: {len(errs)} errors"); sys.exit(1)
    with open(os.path.join(OUT, 'articles.jsonl'), 'w', encoding='utf-8') as fa, \
         open(os.path.join(OUT, 'gold_events.jsonl'), 'w', encoding='utf-8') as fg:
        for a in sorted(ARTS, key=lambda x: x['id']):
            fa.write(json.dumps({k: a[k] for k in ['id','source_name','original_url','published','published_assigned','title','text']}, ensure_ascii=False) + "\n")
            for e in a['events']:
                e = dict(e, article_id=a['id'])
                fg.write(json.dumps({k: e[k] for k in ORDER}, ensure_ascii=False) + "\n")
    # summary
    from collections import Counter
    ty = Counter(); co = Counter(); negs = [a['id'] for a in ARTS if not a['events']]
    for a in ARTS:
        for e in a['events']: ty[e['action_type']] += 1; co[e['country']] += 1
    print(f"OK {len(ARTS)} articles, {sum(ty.values())} events, {len(negs)} negatives")
    print("types:", dict(ty.most_common())); print("countries:", dict(co.most_common()))
    if '-v' in sys.argv:
        for a in ARTS:
            wd = datetime.date.fromisoformat(a['published']).strftime('%A')
            print(a['id'], a['published'], wd, len(a['text'].split()), 'words', len(a['events']), 'events')
if __name__ == '__main__':
    main()

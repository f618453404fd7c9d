#!/usr/bin/env python3
"""Blind gold set sahel_gulf: holds articles (batch files batch_*.py in this folder, exec'd here)
and writes ../articles.jsonl and ../gold_events.jsonl after validation. Plain Python 3."""
import datetime, glob, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from gold_checks import article_problems, event_problems, write_set  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
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
    errs = article_problems(ARTS, OUT, r"s\d{3}", words=(120, 260))
    for a in ARTS:
        t = a['text']; aid = a['id']
        for j, e in enumerate(a['events']):
            tag = f"{aid}: ev{j}"
            if not isinstance(e['evidence'], str):
                errs.append(f"{tag} evidence missing")
                continue
            errs += [f"{tag} {m}: {e['evidence'][:50]}" for m in check_sentence(t, e['evidence'])]
            errs += event_problems(e, a, None, tag)
            if e['target_norm'] is not None and not isinstance(e['target_norm'], str): errs.append(f"{tag} target_norm type")
    if errs:
        print("\n".join(errs)); print(f"FAILED: {len(errs)} errors"); sys.exit(1)
    ARTS.sort(key=lambda x: x['id'])
    write_set(OUT, ARTS, [dict(e, article_id=a['id']) for a in ARTS for e in a['events']])
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

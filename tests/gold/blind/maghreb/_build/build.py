#!/usr/bin/env python3
"""Build the maghreb blind gold set.
Articles live in b1.py, b2.py, ... (each defines ARTS: list of article dicts made with A() and E()).
Run: python3 build.py   -> writes ../articles.jsonl and ../gold_events.jsonl after validation.
Evidence is given as a unique key phrase; the builder expands it to the full sentence that contains it
(sentence = split on . ! ؟ or newline; a leading dateline "X – " is removed), and checks it."""
import datetime, glob, importlib.util, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
from gold_checks import article_problems, event_problems, write_set  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
COUNTRIES = {"MA", "DZ", "TN", "LY", "MR", "EG", "SD", "SS", "DJ", "KM", "EH", "TD", "ET", "IL", "PS", "QA",
             "US", "FR", "ML", "NE", "SA", "AE", "TR", "CF", "ER", "IT", "ES", "CH", "KE", "SO", "UG", "GB", "BE", "DE", "RU"}
DATELINE = re.compile(r"^[^\n–.]{1,60} – ")


def A(id, source_name, url, published, assigned, title, text, events):
    return dict(id=id, source_name=source_name, original_url=url, published=published,
                published_assigned=assigned, title=title, text=text.strip(), events=events)


def E(actor, actor_norm, action_type, target, target_norm, loc, country, admin1, date, prec, fat, evkey):
    return dict(actor=actor, actor_norm=actor_norm, action_type=action_type, target=target,
                target_norm=target_norm, location_text=loc, country=country, admin1=admin1,
                event_date=date, date_precision=prec, fatalities=fat, evidence=evkey)


def sentences(text):
    out = []
    for para in text.split("\n"):
        para = para.strip()
        if not para:
            continue
        m = DATELINE.match(para)
        if m:
            para = para[m.end():]
        for s in re.split(r"(?<=[.!؟])\s+", para):
            s = s.strip()
            if s:
                out.append(s)
    return out


def load():
    arts = []
    for f in sorted(glob.glob(os.path.join(HERE, "b[0-9]*.py")), key=lambda p: int(re.sub(r"\D", "", os.path.basename(p)) or 0)):
        spec = importlib.util.spec_from_file_location(os.path.basename(f)[:-3], f)
        mod = importlib.util.module_from_spec(spec)
        sys.modules["build"] = sys.modules[__name__]
        spec.loader.exec_module(mod)
        arts.extend(mod.ARTS)
    return arts


def main():
    arts = load()
    errs = article_problems(arts, OUT, r"m\d{3}")
    gold = []
    for a in arts:
        aid, t = a["id"], a["text"]
        sents = sentences(t)
        for i, e in enumerate(a["events"]):
            tag = f"{aid} ev{i}"
            if e["location_text"] is None:
                errs.append(f"{tag}: location_text null")
            key = e["evidence"]
            hits = [s for s in sents if key in s]
            if len(hits) != 1:
                errs.append(f"{tag}: evidence key in {len(hits)} sentences: {key}")
                continue
            e["evidence"] = hits[0]
            errs += event_problems(e, a, COUNTRIES, tag)
            if (e["target"] is None) != (e["target_norm"] is None):
                errs.append(f"{tag}: target/target_norm null mismatch")
            if e["actor"] is None and not e["actor_norm"].startswith("Unidentified"):
                errs.append(f"{tag}: null actor needs Unidentified norm")
            gold.append(dict(article_id=aid, **e))
    if errs:
        print("\n".join(errs))
        print(f"FAILED: {len(errs)} errors")
        sys.exit(1)
    write_set(OUT, arts, gold)
    # summary
    from collections import Counter
    neg = [a["id"] for a in arts if not a["events"]]
    print(f"OK {len(arts)} articles, {len(gold)} events, {len(neg)} negatives ({100*len(neg)/len(arts):.0f}%)")
    print("types:", dict(Counter(g["action_type"] for g in gold).most_common()))
    print("countries:", dict(Counter(g["country"] for g in gold).most_common()))
    if "-v" in sys.argv:
        for a in arts:
            wd = datetime.date.fromisoformat(a["published"]).strftime("%a")
            print(a["id"], a["published"], wd, len(a["text"].split()), "w", len(a["events"]), "ev")


if __name__ == "__main__":
    main()

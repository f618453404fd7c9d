#!/usr/bin/env python3
"""Build the west2 blind gold set.
Articles live in b1.py, b2.py, ... (each defines ARTS: list of article dicts made with A() and E()).
Run: python3 build.py   -> writes ../articles.jsonl and ../gold_events.jsonl after validation.
Evidence is given as a unique key phrase; the builder expands it to the full sentence that contains it
(sentence = split on . ! ؟ or newline; a leading dateline "X – " is removed), and checks it."""
import json, os, re, sys, datetime, importlib.util, glob

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.dirname(HERE)
ACTIONS = {"armed_clash", "attack", "airstrike_shelling", "explosion_ied", "abduction", "arrest_raid",
           "security_operation", "protest", "riot", "statement", "meeting_negotiation", "agreement",
           "deployment_withdrawal", "other"}
COUNTRIES = {"MA", "DZ", "TN", "LY", "MR", "EG", "SD", "SS", "DJ", "KM", "EH", "TD", "ET", "IL", "PS", "QA",
             "US", "FR", "ML", "NE", "SA", "AE", "TR", "CF", "ER", "IT", "ES", "CH", "KE", "SO", "UG", "GB", "BE", "DE", "RU", "NG", "BF", "CM", "BH", "KW", "OM", "YE", "SN", "BJ", "TG", "CI", "GN"}
ORDER = ["article_id", "actor", "actor_norm", "action_type", "target", "target_norm", "location_text",
         "country", "admin1", "event_date", "date_precision", "fatalities", "evidence"]
DATELINE = re.compile(r"^[^\n–.]{1,60} – ")


def A(id, source_name, url, published, assigned, title, text, events):
    return dict(id=id, source_name=source_name, original_url=url, published=published,
                published_assigned=assigned, title=title, text=text.strip(), events=events)


def E(actor, actor_norm, action_type, target, target_norm, loc, country, admin1, date, prec, fat, evkey):
    return dict(actor=actor, actor_norm=actor_norm, action_type=action_type, target=target,
                target_norm=target_norm, location_text=loc, country=country, admin1=admin1,
                event_date=date, date_precision=prec, fatalities=fat, evidence=evkey)


def norm_url(u):
    from urllib.parse import unquote
    u = unquote((u or "").strip()).lower()
    u = re.sub(r"^[a-z]+://", "", u)
    u = re.sub(r"^www\.", "", u)
    return u.rstrip("/")


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
    errs = []
    ids = set()
    used = set()
    repo = os.path.abspath(os.path.join(OUT, "..", "..", "..", ".."))
    paths = ["/work/shared/eval/train/articles.jsonl", "/work/shared/eval/dev/articles.jsonl"]
    paths += glob.glob(os.path.join(repo, "tests/gold/*/articles.jsonl"))
    paths += [p for p in glob.glob(os.path.join(repo, "tests/gold/blind/*/articles.jsonl")) if "/west2/" not in p]
    for p in paths:
        if os.path.exists(p):
            for l in open(p, encoding="utf-8"):
                try:
                    used.add(norm_url(json.loads(l)["original_url"]))
                except Exception:
                    pass
    urls = set()
    gold = []
    for a in arts:
        aid = a["id"]
        t = a["text"]
        if aid in ids:
            errs.append(f"{aid}: duplicate id")
        ids.add(aid)
        if not re.fullmatch(r"w\d{3}", aid):
            errs.append(f"{aid}: bad id")
        try:
            pd = datetime.date.fromisoformat(a["published"])
        except Exception:
            errs.append(f"{aid}: bad published")
            continue
        if not isinstance(a["published_assigned"], bool):
            errs.append(f"{aid}: published_assigned not bool")
        if norm_url(a["original_url"]) in used:
            errs.append(f"{aid}: url already used in train/dev/gold sets")
        if norm_url(a["original_url"]) in urls:
            errs.append(f"{aid}: url reused inside this set")
        urls.add(norm_url(a["original_url"]))
        nw = len(t.split())
        if not (115 <= nw <= 260):
            errs.append(f"{aid}: word count {nw}")
        sents = sentences(t)
        for i, e in enumerate(a["events"]):
            tag = f"{aid} ev{i}"
            for k in ["actor", "target", "location_text"]:
                v = e.get(k)
                if v is not None and (not isinstance(v, str) or v not in t):
                    errs.append(f"{tag}: {k} not in text: {v}")
            if e["location_text"] is None:
                errs.append(f"{tag}: location_text null")
            key = e["evidence"]
            hits = [s for s in sents if key in s]
            if len(hits) != 1:
                errs.append(f"{tag}: evidence key in {len(hits)} sentences: {key}")
                continue
            e["evidence"] = hits[0]
            if hits[0] not in t:
                errs.append(f"{tag}: evidence not in text")
            if e["action_type"] not in ACTIONS:
                errs.append(f"{tag}: bad action {e['action_type']}")
            if e["country"] not in COUNTRIES:
                errs.append(f"{tag}: country? {e['country']}")
            if e["admin1"] is not None and not isinstance(e["admin1"], str):
                errs.append(f"{tag}: admin1 type")
            try:
                ed = datetime.date.fromisoformat(e["event_date"])
                if ed > pd:
                    errs.append(f"{tag}: event after published")
            except Exception:
                errs.append(f"{tag}: bad event_date")
            if e["date_precision"] not in ("day", "month", "year"):
                errs.append(f"{tag}: precision")
            f = e["fatalities"]
            if f is not None and (not isinstance(f, int) or isinstance(f, bool) or f < 0):
                errs.append(f"{tag}: fatalities type")
            if not isinstance(e["actor_norm"], str) or not e["actor_norm"]:
                errs.append(f"{tag}: actor_norm")
            if (e["target"] is None) != (e["target_norm"] is None):
                errs.append(f"{tag}: target/target_norm null mismatch")
            if e["actor"] is None and not e["actor_norm"].startswith("Unidentified"):
                errs.append(f"{tag}: null actor needs Unidentified norm")
            ev = dict(article_id=aid, **e)
            gold.append({k: ev[k] for k in ORDER})
    if errs:
        print("\n".join(errs))
        print(f"FAILED: {len(errs)} errors")
        sys.exit(1)
    with open(os.path.join(OUT, "articles.jsonl"), "w", encoding="utf-8") as f:
        for a in arts:
            f.write(json.dumps({k: a[k] for k in ["id", "source_name", "original_url", "published",
                                                    "published_assigned", "title", "text"]},
                               ensure_ascii=False) + "\n")
    with open(os.path.join(OUT, "gold_events.jsonl"), "w", encoding="utf-8") as f:
        for g in gold:
            f.write(json.dumps(g, ensure_ascii=False) + "\n")
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

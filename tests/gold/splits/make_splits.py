"""Split the blind-coded parts (tests/gold/blind/<part>/) into the frozen test split and a training split.

Deterministic: an article goes to ``test`` when crc32(id) % 3 != 0, else to ``train_blind``; parts listed in
TRAIN_ONLY go to training whole. Run once per new part (`python3 tests/gold/splits/make_splits.py`); an
article never moves between splits afterwards, since its id and the rule are fixed. Plain Python.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

GOLD = Path(__file__).resolve().parents[1]
TRAIN_ONLY = ("mixed", "east2", "west2", "thin3", "west3", "east4", "south4", "gulf5", "west5", "levant5", "nile6",
              "aden6", "tigris6", "gulfmag7", "thin7",
              "nile8", "multi8", "gulfmag9", "mixed9", "levsahel9", "thin9", "yemlib9",
              "maglev10", "gulfsah10", "levnile10", "thinmix10",
              "levmag11", "gulfsahel11", "thinmash11", "magsahel11",
              "maghreb12", "gulfyem12", "negmix12", "sahelnile12",
              "leviraq12", "thin12", "magulf12b", "sahel12b",
              "maghreb13", "gulfyem13", "leadbody13", "sahelhorn13",
              "levant13b", "iraqalg13b", "negthin13b", "nilehorn13b",
              "magsahel13c", "gulfiraq13c", "thinops13c", "levnile13c",
              "maghreb14", "gulfyem14", "thintypes14", "sahelnile14",
              "levirq14", "statabd14", "leadbody14", "negmix14",
              "magulf14b", "levant14b", "iraqlib14", "hornsud14", "sahelgulf14",
              "maghreb14b", "lebyem14c", "maghreb14c", "gulfsahel14c", "levant14c",
              "sahel15", "gulfjor15", "thintypes15", "hornmag15", "levneg15",
              "maghreb15b", "sahelhorn15b", "iraqyem15b", "leadbody15b", "levjor15b",
              "maghreb15c", "hornsud15c", "thintypes15c", "negmix15c", "gulfsyr15c",
              "maghreb16", "gulfiraq16", "sahelhorn16", "levthin16", "maggulf16b", "leadneg16b",
              "thinmix16c", "nilehorn16c", "iraqsyr16c", "sahel16d", "yemen16d", "maghneg16d", "levpal16d")
PARTS = ("maghreb", "sahel_gulf", "levant", *TRAIN_ONLY)


def split_of(part: str, article_id: str) -> str:
    if part in TRAIN_ONLY:
        return "train_blind"
    return "test" if zlib.crc32(article_id.encode("utf-8")) % 3 else "train_blind"


def read(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def main() -> None:
    out: dict[str, tuple[list[dict], list[dict]]] = {"test": ([], []), "train_blind": ([], [])}
    for part in PARTS:
        folder = GOLD / "blind" / part
        if not (folder / "articles.jsonl").is_file():
            print(f"{part}: not built yet, skipped")
            continue
        articles = read(folder / "articles.jsonl")
        gold = read(folder / "gold_events.jsonl")
        where = {a["id"]: split_of(part, a["id"]) for a in articles}
        for a in articles:
            out[where[a["id"]]][0].append(a)
        for g in gold:
            out[where[g["article_id"]]][1].append(g)
    for name, (articles, gold) in out.items():
        folder = GOLD / name
        folder.mkdir(exist_ok=True)
        for fname, rows in (("articles.jsonl", articles), ("gold_events.jsonl", gold)):
            text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
            (folder / fname).write_text(text, encoding="utf-8")
        negatives = len({a["id"] for a in articles} - {g["article_id"] for g in gold})
        print(f"{name}: {len(articles)} articles ({negatives} negatives), {len(gold)} events")


if __name__ == "__main__":
    main()

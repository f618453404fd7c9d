"""Convert the third-party CAMEO/PLOVER tables into data/lexicons/ (run once; output is committed).

``python -m pipeline.extract.build_lexicons SHARED_DATA_DIR`` writes ``cameo_plover.tsv`` (CAMEO code ->
PLOVER type, CC BY-SA 4.0) and ``cameo_triggers.tsv`` (Arabic verb lemmas of a few violent CAMEO codes from
UniversalPetrarch, MIT). Attribution is in data/lexicons/NOTICE.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from pipeline.extract.text import normalize_arabic

LEXICON_DIR = Path(__file__).resolve().parents[2] / "data" / "lexicons"
# CAMEO root code -> our action_type (only codes whose verbs are specific enough to trigger alone).
# The 2018 dictionary's codes are noisy for most roots; only these were checked by hand.
CAMEO_TO_ACTION: dict[str, str] = {
    "181": "abduction",
    "186": "attack",
    "173": "arrest_raid",
}
_BLOCK = re.compile(r"^(?:---\s+)?([^\s#+\-]\S*)\s+\[(\d+)\]")


def convert_plover(src: Path) -> list[tuple[str, str]]:
    rows = []
    for line in src.read_text(encoding="utf-8").splitlines():
        m = re.match(r"^(\d{2,4}):\s*([A-Z_]+)", line)
        if m:
            rows.append((m.group(1), m.group(2)))
    return rows


def convert_cameo(src: Path) -> list[tuple[str, str, str]]:
    rows = []
    for line in src.read_text(encoding="utf-8").splitlines():
        m = _BLOCK.match(line)
        if not m:
            continue
        lemma, code = m.group(1), m.group(2)
        action = CAMEO_TO_ACTION.get(code)
        row = (normalize_arabic(lemma), action or "", code)
        if action and "+" not in lemma and "_" not in lemma and row not in rows:
            rows.append(row)
    return rows


def main(argv: list[str]) -> int:
    shared = Path(argv[0]) if argv else Path("../shared/data")
    plover = convert_plover(shared / "plover" / "CAMEO2PLOVER-2021.txt")
    with (LEXICON_DIR / "cameo_plover.tsv").open("w", encoding="utf-8") as f:
        f.write("# cameo_code\tplover_type  (from PLOVER CAMEO2PLOVER-2021.txt, CC BY-SA 4.0; see NOTICE)\n")
        f.writelines(f"{c}\t{p}\n" for c, p in plover)
    cameo = convert_cameo(shared / "universalpetrarch-arabic" / "CAMEO.ar.0.5.txt")
    with (LEXICON_DIR / "cameo_triggers.tsv").open("w", encoding="utf-8") as f:
        f.write("# lemma\taction_type\tcameo_code  (from UniversalPetrarch CAMEO.ar.0.5.txt, MIT; see NOTICE)\n")
        f.writelines(f"{lemma}\t{a}\t{c}\n" for lemma, a, c in cameo)
    print(f"wrote {len(plover)} PLOVER rows, {len(cameo)} CAMEO trigger lemmas", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

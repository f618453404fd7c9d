"""Tests of the gazetteer builder (pipeline/extract/build_gazetteer.py): common-word filter, admin1 rows
(curated + pycountry + main city), curated towns, coverage of the region and a deterministic build."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.extract.build_gazetteer import (
    ARAB_LEAGUE,
    COUNTRIES,
    DEFAULT_OUT,
    SAHEL,
    admin1_regions,
    build,
    classify_name,
    coverage_gaps,
    curated_town_rows,
    in_western_sahara,
    load_cities,
)
from pipeline.extract.text import normalize_arabic

HEADER_ADMIN1 = "country\tadmin1_code\tname\tiso_3166_2\tenglish_names\tarabic_names\n"


@pytest.fixture(scope="module")
def cities() -> dict[str, dict]:
    return load_cities()


def _city(gid: int, name: str, cc: str, admin1: str, pop: int, alt: list[str]) -> dict:
    return {"geonameid": gid, "name": name, "countrycode": cc, "admin1code": admin1, "population": pop,
            "latitude": 10.0, "longitude": 20.0, "alternatenames": alt}


@pytest.mark.parametrize(
    ("word", "population", "country", "verdict"),
    [
        ("العيون", 196_000, "MA", "guard"),  # Laayoune = «the eyes»: large, kept behind the guard
        ("النعمة", 60_000, "MR", "guard"),  # Néma = «grace»
        ("سار", 138_000, "TD", "guard"),  # Sarh = «walked»
        ("أطار", 31_000, "MR", "drop"),  # Atar = «frame»: too small to keep behind a guard
        ("دوري", 46_000, "BF", "drop"),  # Dori = «league»: transliterated country, never guarded
        ("بنين", 1_782_000, "NG", "drop"),  # Benin City = «sons»
        ("المدينة", 1_000_000, "SA", "drop"),  # curated common word: always dropped
        ("الجمعة", 5_000, "LY", "drop"),
        ("مايدوغوري", 1_110_000, "NG", "keep"),
        ("تمبكتو", 35_000, "ML", "keep"),
    ],
)
def test_frequent_arabic_words_are_not_plain_place_names(word: str, population: int, country: str,
                                                         verdict: str) -> None:
    from pipeline.extract.build_gazetteer import FREQUENT_WORDS

    assert classify_name(normalize_arabic(word), population, country, set(FREQUENT_WORDS)) == verdict


def test_admin1_names_come_from_curation_pycountry_and_the_main_city(tmp_path: Path) -> None:
    curated = tmp_path / "admin1_curated.tsv"
    curated.write_text(HEADER_ADMIN1 + "ML\t03\tKayes\tML-1\t\t\n"
                       "ML\t04\tMopti\tML-5\tMopti Region\tإقليم موبتي\n", encoding="utf-8")
    cities = {"1": _city(1, "Kayes", "ML", "03", 120_000, ["Kayes", "كاي", "ولاية كاي"]),
              "2": _city(2, "Sévaré", "ML", "04", 60_000, ["سيفاري"]),
              "3": _city(3, "Mopti", "ML", "04", 40_000, ["موبتي"])}
    kept = {1: ["كاي", "ولايه كاي"], 2: ["سيفاري"], 3: ["موبتي"]}
    kayes, mopti = admin1_regions(curated, cities, kept)
    assert kayes.arabic_names == ("كاي",)  # from the city Kayes; «ولاية ...» forms are not carried over
    assert kayes.derived_from == "Kayes"
    assert "Kayes" not in kayes.english_names
    assert mopti.arabic_names == ("اقليم موبتي", "موبتي")  # curated first; Mopti, not the larger Sévaré
    assert set(mopti.english_names) >= {"Mopti Region"}


def test_exact_marker_keeps_the_main_citys_frequent_word_out(tmp_path: Path) -> None:
    curated = tmp_path / "admin1_curated.tsv"
    curated.write_text(HEADER_ADMIN1 + "DZ\t10\tSaida\tDZ-20\t\t=ولاية سعيدة\n", encoding="utf-8")
    cities = {"1": _city(1, "Saïda", "DZ", "10", 128_000, ["سعيدة"])}
    (saida,) = admin1_regions(curated, cities, {1: ["سعيده"]})
    assert saida.arabic_names == ("ولايه سعيده",) and saida.derived_from is None


def test_admin1_row_without_any_arabic_name_is_an_error(tmp_path: Path) -> None:
    curated = tmp_path / "admin1_curated.tsv"
    curated.write_text(HEADER_ADMIN1 + "BF\t10\tNord\tBF-10\t\t\n", encoding="utf-8")
    with pytest.raises(ValueError, match="BF.10 Nord has no Arabic name"):
        admin1_regions(curated, {}, {})


def test_admin1_row_with_a_wrong_iso_code_is_an_error(tmp_path: Path) -> None:
    curated = tmp_path / "admin1_curated.tsv"
    curated.write_text(HEADER_ADMIN1 + "LY\t72\tMisratah\tTN-11\t\tمصراتة\n", encoding="utf-8")
    with pytest.raises(ValueError, match="TN-11 is not an ISO 3166-2 subdivision of LY"):
        admin1_regions(curated, {}, {})


def test_pycountry_name_becomes_an_english_spelling(tmp_path: Path) -> None:
    curated = tmp_path / "admin1_curated.tsv"
    curated.write_text(HEADER_ADMIN1 + "MA\t11\tLaayoune-Sakia El Hamra\tMA-11\t\tجهة العيون الساقية الحمراء\n",
                       encoding="utf-8")
    (region,) = admin1_regions(curated, {}, {})
    assert "Laâyoune-Sakia El Hamra" in region.english_names  # «(EH-partial)» note dropped


def test_curated_town_takes_admin1_from_the_matching_place(tmp_path: Path) -> None:
    towns = tmp_path / "towns_curated.tsv"
    towns.write_text("country\tadmin1_code\tname\tarabic_names\n"
                     "NG\t\tBama\tباما\nNG\t27\tSambisa Forest\tغابة سامبيسا\nTD\t07\tBol\t!بول\n", encoding="utf-8")
    cities = {"1": _city(1, "Bama", "NG", "27", 118_000, []), "2": _city(2, "Bol", "TD", "07", 51_000, [])}
    bama, sambisa, bol = (r.split("\t") for r in curated_town_rows(towns, cities))
    assert bama[:4] == ["1", "Bama", "NG", "27"] and bama[6] == "118000"
    assert sambisa[:4] == ["", "Sambisa Forest", "NG", "27"]
    assert bol[7:9] == ["بول", "بول"]  # «!» marks a guarded name
    towns.write_text("country\tadmin1_code\tname\tarabic_names\nNG\t\tNowhere\tلا مكان\n", encoding="utf-8")
    with pytest.raises(ValueError, match="NG Nowhere"):
        curated_town_rows(towns, cities)


def test_western_sahara_places_are_eh_with_no_admin1(tmp_path: Path) -> None:
    """GeoNames' EH places and its MA places south of 27°40' N (Smara, Aousserd) are EH with no admin1 code; Tah,
    just north of the line, stays in Morocco; a curated EH town needs no admin1 code."""
    smara = dict(_city(2461874, "Smara", "MA", "11", 42_056, ["السمارة"]), latitude=26.73841)
    tah = dict(_city(13608358, "Tah", "MA", "00", 1_516, ["الطاح"]), latitude=27.67311)
    dakhla = dict(_city(2463447, "Dakhla", "EH", "CE", 106_277, ["الداخلة"]), latitude=23.68477)
    assert [in_western_sahara(c) for c in (smara, tah, dakhla)] == [True, False, True]
    towns = tmp_path / "towns_curated.tsv"
    towns.write_text("country\tadmin1_code\tname\tarabic_names\nEH\t\tSmara\tالسمارة\nEH\t\tMahbes\t!المحبس\n",
                     encoding="utf-8")
    smara_row, mahbes_row = (r.split("\t") for r in curated_town_rows(towns, {"1": smara}))
    assert smara_row[:4] == ["2461874", "Smara", "EH", ""] and mahbes_row[:4] == ["", "Mahbes", "EH", ""]


def test_every_division_of_the_arab_league_and_the_sahel_is_curated(cities: dict[str, dict]) -> None:
    regions = admin1_regions(DEFAULT_OUT / "admin1_curated.tsv", cities, {})
    gaps = coverage_gaps(regions, cities)
    assert not [g for g in gaps if g[:2] in ARAB_LEAGUE | SAHEL], gaps
    assert len(gaps) <= 3, gaps  # neighbours: only GeoNames codes that no longer exist (ET.28)
    assert {r.country for r in regions} == COUNTRIES
    assert len(regions) >= 600


def test_build_is_deterministic(tmp_path: Path, cities: dict[str, dict]) -> None:
    outs = []
    for name in ("a", "b"):
        out = tmp_path / name
        out.mkdir()
        for f in DEFAULT_OUT.glob("*_curated.tsv"):
            shutil.copy(f, out)
        counts = build(out, cities=cities)
        outs.append(out)
    assert counts["admin1"] >= 600 and counts["places"] > 4000
    for table in ("places.tsv", "admin1.tsv", "countries.tsv"):
        assert (outs[0] / table).read_bytes() == (outs[1] / table).read_bytes(), table
    # the shipped admin1 table has the same divisions as a fresh build (the corpus filter only touches towns)
    fresh = [line.split("\t")[:3] for line in (outs[0] / "admin1.tsv").read_text(encoding="utf-8").splitlines()]
    shipped = [line.split("\t")[:3] for line in (DEFAULT_OUT / "admin1.tsv").read_text(encoding="utf-8").splitlines()]
    assert fresh == shipped

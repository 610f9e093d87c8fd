"""Issue 4: the seed documents answer researchers' questions through the real endpoint.
Every expected answer below was checked by hand against the seed text (line numbers given)."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.live

PREFIXES = """PREFIX kk: <https://w3id.org/kuntakg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
ID = "https://w3id.org/kuntakg/id/"


def select(live, query: str) -> list[dict[str, str]]:
    result = live.select(PREFIXES + query)
    return [{k: v["value"] for k, v in b.items()} for b in result["results"]["bindings"]]


def local(iri: str) -> str:
    return iri.rsplit("/", 1)[-1]


LOHJA = "lohja-kehittamisohjelma-2018-2025"
# Column 5 ("LASTEN, NUORTEN JA PERHEIDEN PALVELUALUE") of KÄRKI 2 on lines 30, 32, 35, 38 and 41 of
# 002_cba6389f916aede3.txt: 7 + 13 + 9 + 11 + 13 items (each <p> and each list bullet one action;
# the two sentences of one <p> on line 35 two actions).
HYVINVOIVA_SERVICE_AREA = {
    30: ["lnp-2-1", "lnp-2-1-1", "lnp-2-2", "lnp-2-3", "lnp-2-4", "lnp-2-5", "lnp-2-6"],
    32: ["lnp-2-7", "lnp-2-7-1", "lnp-2-7-2", "lnp-2-8", "lnp-2-8-1", "lnp-2-8-2", "lnp-2-8-3", "lnp-2-8-4",
         "lnp-2-8-5", "lnp-2-8-6", "lnp-2-9", "lnp-2-9-1", "lnp-2-10"],
    35: ["lnp-2-11a", "lnp-2-11b", "lnp-2-12", "lnp-2-13", "lnp-2-13-1", "lnp-2-13-2", "lnp-2-13-3", "lnp-2-14",
         "lnp-2-15"],
    38: ["lnp-2-15-1", "lnp-2-15-2", "lnp-2-15-3", "lnp-2-16", "lnp-2-17", "lnp-2-18", "lnp-2-19", "lnp-2-20",
         "lnp-2-21", "lnp-2-22", "lnp-2-23"],
    41: ["lnp-2-24", "lnp-2-25", "lnp-2-25-1", "lnp-2-25-2", "lnp-2-25-3", "lnp-2-26", "lnp-2-26-1", "lnp-2-26-2",
         "lnp-2-26-3", "lnp-2-27", "lnp-2-27-1", "lnp-2-27-2", "lnp-2-27-3"],
}


def test_lohja_service_area_actions_serving_hyvinvoiva_lohja(seed_live):
    rows = select(seed_live, f"""SELECT DISTINCT ?a (MIN(?first) AS ?line) WHERE {{
        ?spearhead a kk:StrategicTheme ; skos:prefLabel "Hyvinvoiva Lohja"@fi .
        ?a a kk:Action ; kk:forOrganization <{ID}org/444/lasten-nuorten-ja-perheiden-palvelualue> ;
           (kk:contributesTo|kk:contributesToByContent|kk:contributesToByLayout)+ ?goal ;
           prov:wasDerivedFrom/kk:lineStart ?first .
        ?goal a kk:Goal ; kk:strategicTheme ?spearhead }} GROUP BY ?a""")
    got: dict[int, list[str]] = {}
    for r in rows:
        got.setdefault(int(r["line"]), []).append(local(r["a"]))
    assert {line: sorted(ids) for line, ids in got.items()} == \
        {line: sorted(ids) for line, ids in HYVINVOIVA_SERVICE_AREA.items()}


def test_lohja_cascade_has_four_columns(seed_live):
    """City goals <- city actions <- welfare-sector actions <- service-area actions, per spearhead. Issue 14:
    the document states only the bullet-under-heading links; the columns are linked by content or by layout
    (kk:contributesToByContent / kk:contributesToByLayout), so the chain follows all three."""
    rows = select(seed_live, f"""SELECT ?spearhead (COUNT(DISTINCT ?sa) AS ?n) WHERE {{
        ?sa kk:forOrganization <{ID}org/444/lasten-nuorten-ja-perheiden-palvelualue> ;
            (kk:contributesTo|kk:contributesToByContent|kk:contributesToByLayout)+ ?welfare .
        ?welfare kk:forOrganization <{ID}org/444/hyvinvointitoimiala> ;
            kk:contributesTo|kk:contributesToByContent|kk:contributesToByLayout ?city .
        ?city kk:forOrganization <{ID}municipality/444> ; a kk:Action ;
            kk:contributesTo|kk:contributesToByContent|kk:contributesToByLayout ?goal .
        ?goal kk:goalLevel <https://w3id.org/kuntakg/code/goal-level/strategic> ;
              kk:strategicTheme/skos:prefLabel ?spearhead . FILTER(LANG(?spearhead) = "fi") }} GROUP BY ?spearhead""")
    assert {r["spearhead"]: int(r["n"]) for r in rows} == {
        "Elinvoimainen Lohja": 5, "Hyvinvoiva Lohja": 53, "Asukkaiden Lohja": 9}


def test_lohja_numeric_city_goals(seed_live):
    """Line 30 of 002: population growth 1 %/year and annual margin 400 €/inhabitant."""
    rows = select(seed_live, f"""SELECT ?goal ?value ?unit WHERE {{
        ?g kk:inPlan <{ID}plan/{LOHJA}> ; kk:hasIndicator/kk:hasTarget ?t ; skos:prefLabel ?goal .
        ?t kk:targetValue ?value ; kk:unit/skos:notation ?unit . FILTER(LANG(?goal) = "fi") }}""")
    assert sorted((r["value"], r["unit"]) for r in rows) == [("1", "percent"), ("400", "euro-per-inhabitant")]


PORVOO = "porvoo-lape-2018"
# The 2025 column (fourth cell) of the roadmap rows, lines 94-102 of 004_a9b020201c760388.txt.
PORVOO_2025 = {
    "m-1-2025": "Toimintamalleja ja palveluprosesseja kehitetään yhdessä asiakkaiden kanssa.",
    "m-2-2025": "Joustavat asiakasosallisuuden toimintatavat käytössä",
    "m-3-2025": "Uusia digitaalisia palveluja ja sähköisiä toimintatapoja otetaan käyttöön",
    "m-4-2025": "Porvoo on lapsiystävällinen kunta",
    "m-5-2025": "Perhekeskuksen toimintamuotoja kehitetään aktiivisesti",
    "m-6-2025": "Yhteisöllisen hyvinvoinnin vahvistamista jatketaan",
    "m-7-2025": "Hyvä osaaminen neuropsykiatrisissa asioissa",
    "m-8-2025": "Jatketaan hyvää monialaista työtä ajankohtaiset muutostarpeet huomioiden",
    "m-9-2025": "Vava-ryhmäneuvola koulussa vanhemmuuden tukena",
}


def test_porvoo_roadmap_milestones_in_2025(seed_live):
    rows = select(seed_live, f"""SELECT ?m ?label WHERE {{
        ?m a kk:Milestone ; kk:inRoadmap/kk:inPlan <{ID}plan/{PORVOO}> ;
           kk:targetPeriod/kk:year "2025"^^xsd:gYear ; skos:prefLabel ?label FILTER(LANG(?label) = "fi") }}""")
    got = {local(r["m"]): r["label"] for r in rows}
    assert set(got) == set(PORVOO_2025)
    assert all(got[m].startswith(text) for m, text in PORVOO_2025.items()), got


def test_porvoo_roadmap_is_nine_themes_by_five_years(seed_live):
    rows = select(seed_live, f"""SELECT ?year (COUNT(?m) AS ?n) WHERE {{
        ?m kk:inRoadmap/kk:inPlan <{ID}plan/{PORVOO}> ; kk:targetPeriod/kk:year ?year }} GROUP BY ?year""")
    assert {r["year"]: int(r["n"]) for r in rows} == {y: 9 for y in ("2018", "2019", "2022", "2025", "2030")}


def test_porvoo_pilots_not_carried_out(seed_live):
    """Line 72: 'PEKEn juttukaveri' and 'Nuorten ääni kuuluu' 'jäi toteutumatta' (were not carried out); issue 14
    gave them the outcome not-carried-out (earlier 'ended', which says they ran), so no pilot has ended."""
    rows = select(seed_live, f"""SELECT ?p ?o WHERE {{ ?p a kk:Pilot ; kk:inPlan <{ID}plan/{PORVOO}> ;
        kk:pilotOutcome/skos:notation ?o . FILTER (?o IN ("not-carried-out", "ended")) }}""")
    assert sorted((local(r["p"]), r["o"]) for r in rows) == [("p-juttukaveri", "not-carried-out"),
                                                               ("p-nuorten-aani", "not-carried-out")]


def test_porvoo_regional_working_group_members(seed_live):
    """Line 66: the regional VARKO cooperation and who sat in it."""
    rows = select(seed_live, f"""SELECT ?name WHERE {{ ?ms a org:Membership ;
        org:organization <{ID}org/638/maakunnallinen-varko> ; org:member/foaf:name ?name }}""")
    assert sorted(r["name"] for r in rows) == sorted(
        ["Tuija Öberg", "Anna-Leena Terrihauta", "Jaana Häkkinen", "Eliisa Roine"])


def test_no_triple_is_in_two_graphs(kg):
    """Counts over the union default graph must not double: shared resources live in shared graphs."""
    rows = kg.select("""SELECT (COUNT(*) AS ?n) WHERE {
        { SELECT ?s ?p ?o (COUNT(DISTINCT ?g) AS ?c) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?s ?p ?o }
        FILTER(?c > 1) }""")
    assert rows == [{"n": "0"}]


LOV20, LOV21 = "loviisa-perusturva-2020", "loviisa-perusturva-2021"


def test_loviisa_2020_actions_postponed_because_of_covid(seed_live):
    """TOTEUMA 1-6 2020 texts on lines 6, 8 ('Koronavirus-epidemian vuoksi siirretty syksyyn 2020'),
    30 ('keskeytettynä koronavirus-pandemian takia' about the on-call and mental-health actions;
    '... tapaaminen siirtyy keväseen' about the provider meetings and family-care training) and 40
    ('koronavirusepidemian vuoksi ollut kevästä asti tauolla') of 000_5d4ac19d834220ce.txt.
    The family-care study of line 31 is not what the line-30 report speaks of."""
    rows = select(seed_live, f"""SELECT DISTINCT ?a WHERE {{
        ?s a kk:StatusAssessment ; kk:inReport/kk:reportsOn <{ID}plan/{LOV20}> ; kk:about ?a ;
           kk:status <https://w3id.org/kuntakg/code/status/postponed> ;
           kk:reason <https://w3id.org/kuntakg/code/reason/covid-19> .
        ?a a kk:Action }}""")
    assert sorted(local(r["a"]) for r in rows) == sorted([
        "act-vastaanottoaika", "act-perhevalmennus", "act-paivystys", "act-mielenterveystyo",
        "act-tapaamiset-perhehoitokoulutus", "act-palvelupolut"])


def test_loviisa_2021_postponed_because_of_covid(seed_live):
    """Delårsrapport 1-6 2021, lines 11, 13, 45 and 52 of 001_f4efc9c596c447ee.txt."""
    rows = select(seed_live, f"""SELECT ?s WHERE {{ ?s kk:inReport/kk:reportsOn <{ID}plan/{LOV21}> ;
        kk:status <https://w3id.org/kuntakg/code/status/postponed> ;
        kk:reason <https://w3id.org/kuntakg/code/reason/covid-19> }}""")
    assert sorted(local(r["s"]) for r in rows) == ["as-11", "as-13", "as-45", "as-52"]


def test_loviisa_goals_continue_from_2020_to_2021_with_their_status(seed_live):
    rows = select(seed_live, f"""SELECT ?new ?old ?s20 ?s21 WHERE {{
        ?new kk:continues ?old ; kk:inPlan <{ID}plan/{LOV21}> . ?old kk:inPlan <{ID}plan/{LOV20}> .
        OPTIONAL {{ ?a21 kk:about ?new ; kk:status/<http://www.w3.org/2004/02/skos/core#notation> ?s21 }}
        OPTIONAL {{ ?a20 kk:about ?old ; kk:status/<http://www.w3.org/2004/02/skos/core#notation> ?s20 }} }}""")
    pairs = {(local(r["new"]), local(r["old"])) for r in rows}
    assert pairs == {("kg-1", "kg-arki"), ("kg-2", "kg-syrjaytyminen"), ("kg-3", "kg-vaikutusarviointi"),
                     ("kg-5", "kg-osallistuminen"), ("kg-6", "kg-palvelurakenteet"), ("kg-9", "kg-henkilosto"),
                     ("ra-15", "ra-murrosikaisten-vanhemmat"), ("ra-23", "ra-neuvola-yhteys"),
                     ("ra-37", "ra-kehittamistyo"), ("ra-59", "ra-talousarvio"),
                     ("act-45", "act-lahisuhdevakivalta-koulutus"),
                     # issue 14 continuity review of every 2020 item (notes of the 2021 rows give the reading)
                     ("ra-12", "ra-joustavat-palvelut"), ("act-12", "act-vastaanottoaika"),
                     ("act-13", "act-perhevalmennus"), ("ra-22", "ra-lomakepohja"), ("act-22", "act-pilotointi"),
                     ("act-23", "act-klinik-pro"), ("act-24", "act-sahkoiset-palvelut"),
                     ("ra-25", "ra-teknologia-vanhuspalvelut"), ("act-26", "act-asukasraati-palautteet"),
                     ("act-37", "act-lappe"), ("act-39", "act-perhehoito-selvitys"),
                     ("ra-45", "ra-lahisuhdevakivalta"), ("ra-52", "ra-palveluseteli"),
                     ("ra-53", "ra-palvelutarpeen-arviointi"), ("kg-8", "kg-kustannustehokkuus"),
                     ("act-59", "act-talousseuranta"), ("ra-67", "ra-sosiaalityontekijat"),
                     ("ra-68", "ra-ammattitaito"), ("act-68", "act-henkilokunnan-koulutus"),
                     ("act-15", "act-vertaistukiryhma")}
    changes = {(local(r["new"]), r.get("s20"), r.get("s21")) for r in rows}
    # 2020 line 7 'Klinik Pro käytössä, käyttöä tulisi tehostaa' -> 2021 line 23 reports it done.
    assert ("ra-23", "in-progress", "done") in changes
    # The peer-support group for parents of teenagers: not done in 2020 (line 10), not yet in 2021 (line 15).
    assert ("ra-15", "not-started", "not-started") in changes


def test_loviisa_2021_rows_repeated_in_area_sections_are_one_resource(seed_live):
    """The economy rows (lines 59-60) recur in all four responsibility-area sections."""
    rows = select(seed_live, f"""SELECT ?g (COUNT(DISTINCT ?o) AS ?n) WHERE {{
        ?g a kk:Goal ; kk:inPlan <{ID}plan/{LOV21}> ; kk:forOrganization ?o }}
        GROUP BY ?g HAVING (COUNT(DISTINCT ?o) = 5)""")
    assert sorted(local(r["g"]) for r in rows) == ["kg-8", "ra-59", "ra-60"]


def test_every_assessment_records_how_its_status_was_decided(kg):
    rows = kg.select("""SELECT ?how (COUNT(?s) AS ?n) WHERE { ?s a kk:StatusAssessment ;
        kk:statusDerivation/skos:notation ?how } GROUP BY ?how""")
    counts = {r["how"]: int(r["n"]) for r in rows}
    # 64 report rows + as-perhehoito-selvitys-ei-raportoitu (000:31, issue 14: unreported actions are not-reported)
    assert set(counts) == {"rule", "override"} and sum(counts.values()) == 65


def test_all_five_seeds_are_imported_and_fully_covered(seed_build):
    from kuntakg import Project
    from kuntakg.audit import run
    from kuntakg.build import read_all

    project = Project()
    results = run(read_all(project), project.sources, project.audit_dir)
    assert sorted(r.file for r in results) == sorted(p.name for p in project.sources.glob("*.txt"))
    assert all(not r.missing for r in results), [r.missing for r in results]


def test_rows_whose_report_cell_is_empty_are_not_reported(kg):
    """Loviisa 2020 lines 35, 36, 37-38 and 50 have no TOTEUMA 1-6 2020 cell, and the report of line 30-31 says
    nothing about the family-care survey of line 31 (issue 14): status not-reported, no text."""
    rows = kg.select(f"""SELECT ?s ?how WHERE {{ ?s kk:inReport/kk:reportsOn <{ID}plan/{LOV20}> ;
        kk:status <https://w3id.org/kuntakg/code/status/not-reported> ; kk:statusDerivation/skos:notation ?how .
        FILTER NOT EXISTS {{ ?s kk:statusText ?t }} }}""")
    assert sorted((local(r["s"]), r["how"]) for r in rows) == [
        ("as-ammattitaito-ei-raportoitu", "rule"), ("as-paihdetietous-ei-raportoitu", "rule"),
        ("as-palveluasenne-ei-raportoitu", "rule"), ("as-perhehoito-selvitys-ei-raportoitu", "rule"),
        ("as-perheohjaus-ei-raportoitu", "rule")]

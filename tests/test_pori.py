"""The Pori service programme 2018 (seed 003) is in the graph completely: every operational goal,
action, metric, target and promise, named by its text as printed in the seed."""
from __future__ import annotations

import pytest

DOC = "https://w3id.org/kuntakg/id/plan/pori-perusturva-2018"

OPERATIONAL_GOALS = [
    "Kehitetään ja otetaan käyttöön uusia sähköisiä palveluja sekä etäpalveluja",
    "Asiakkaan osallisuuden lisääminen",
    "Perusturvan kaikkien palveluiden yhteisten sosiaali- ja terveyskeskusten (sote) toiminta aloitetaan "
    "Itäisellä alueella Asko-kylässä, Läntisellä alueella Länsi-Porissa ja Pohjoisella alueella Pohjois-Porissa Puuvillassa",
    "Asiakkaiden valinnanvapauden lisääminen",
    "Oikea-aikaiset palvelut",
    "Tarpeenmukaiset palvelut",
    "Ehkäisevät ja varhaisen tuen palvelut",
    "Yhteensovitetut palvelut",
    "Avosairaanhoidon ja terveydenhuollon ajanvarauksen sekä hoitoon pääsyn kehittäminen",
    "Asiakkaan hoitopolun kehittäminen suun terveydenhuollossa, avosairaanhoidossa ja neuvolapalveluissa",
    "Asiakkaan palvelutarpeen arvioinnin tehostaminen",
    "Toimiva toiminnan ohjausjärjestelmä",
    "Iäkkäiden eri asumismuotojen lisääminen",
    "Omaishoidon kehittäminen",
]
LONG_TERM_GOALS = [
    "Kehitetään ja otetaan käyttöön uusia sähköisiä palveluja sekä etäpalveluja",
    "Asiakkaan osallisuuden lisääminen",
    "Sosiaali- ja terveyskeskusmallin jalkauttaminen",
    "Lapsi- ja perhelähtöiset palvelut",
    "Kotiin annettavien palveluiden monipuolistaminen ja asiakaslähtöisyyden lisääminen",
    "Ikääntyvien asiakkaiden eri asumismuotojen kehittäminen",
    "Digitaalisten palveluiden hyödyntäminen",
    "Asiakkaille oikea-aikaiset palvelut",
    "Omaishoidon lisääminen",
]
ACTIONS = [
    "Sähköisen ajanvarauksen kehittäminen",
    "Sähköiset asiakasraadit",
    "Henkilökunta ja tilat mahdollistavat asiakkaan kokonaisvaltaisen palvelukokonaisuuden yhdessä sote-keskuksessa",
    "Yhteinen ilmoittautumispiste ja palveluohjaus",
    "Palvelusetelien käyttöönotto eri palveluissa",
    "Sähköinen palvelumuoto käyttöön – KasvatusChat",
    "Vahvistetaan lasten ja lapsiperheiden kanssa työskentelevien ammattihenkilöiden osaamista ja työvälineitä",
    "Palvelutarpeen arvioinnin toteuttaminen monitoimijuusperiaatteella",
    "Lapsilähtöisen työskentelyn lisääminen monialaisessa työyhteisössä",
    "Sähköisen ajanvarauksen aloittaminen opiskeluterveydenhuollossa ja aikuisneuvolan vastaanotolle",
    "Ohjeistaa asiakkaita käyttämään sähköistä ajanvarausta neuvola- ja sairaanhoitajavastaanotoille, naisten "
    "terveystarkastukseen ja ajanvarauksen ajanvaihtoon/peruutukseen",
    "Moniammatillisen toiminnan kehittäminen",
    "Sähköisen asiakasraadin kautta arvioidaan hoitoon pääsyä/ajanvarausta, hoidon tarpeen arviointia, hoidon "
    "kokonaislaatua ja palvelusetelien käyttöä",
    "Palveluohjaajien lisääminen kolmesta kuuteen työntekijään",
    "Henkilökunnan koulutus ja opastaminen",
    "Perhehoidon lisääminen",
    "Omaishoitajien jaksamisesta huolehtiminen mm. järjestämällä joustavia vaihtoehtoja omaishoitajien vapaille",
]
# Each metric as printed in the seed (the "Mittari" field), verbatim, with line number.
METRIC_SOURCES = {
    45: "Sähköisen ajanvarauksen käyttöasteen nostaminen vuoden 2017 keskiarvosta 20 % avoterveydenhuollon "
        "neuvolapalveluissa ja sairaanhoitajavastaanotoilla",
    51: "Sähköisiä asiakasraatien arviointeja vuoden 2018 aikana vähintään 9 k kpl",
    57: "Asiakastyytyväisyyskysely kerran vuodessa",
    95: "Myönnettyjen palvelusetelien määrän nousu 5%:lla vuodesta 2017.",
    103: "Toiminnan aloittaminen",
    111: "Vähintään yhden näyttöön perustuvan menetelmän säännöllinen käyttö asiakastyössä",
    117: "Perhetyön kotikäyntien määrän lisääntyminen 5 %:llä vuodesta 2017",
    123: "Ryhmätoiminnot jotka on toteutettu yhdessä eri palvelualueiden ja / hallintokuntien kanssa tai 3. sektorin kanssa",
    140: "Sähköisen ajanvarauksen käytön lisääminen 20 %:lla edellisen vuoden käytön keskiarvosta",
    148: "Toteutetaan kolme sähköistä asiakasraatia",
    170: "Toteutuneet arvioinnit",
    178: "Kotihoidon asiakastyön osuus kokonaistyöajasta",
    186: "perhehoidon hoitovuorokausien lukumäärä",
    194: "Omaishoitajien asiakastyytyväisyys",
}
PROMISES = ["Hyvä ja asiantunteva asiakaspalvelu", "Ulkoisen ja sisäisen viestinnän tehostaminen"]


def labels(kg, cls: str, level: str | None = None) -> list[str]:
    level_filter = f"; kk:goalLevel code:goal-level\\/{level}" if level else ""
    rows = kg.select(f"""SELECT ?label WHERE {{ ?x a {cls} {level_filter} ; kk:inPlan <{DOC}> ;
                                              skos:prefLabel ?label FILTER(LANG(?label) = "fi") }}""")
    return sorted(r["label"] for r in rows)


def test_operational_goals(kg):
    assert labels(kg, "kk:Goal", "operational") == sorted(OPERATIONAL_GOALS)


def test_long_term_goals(kg):
    assert labels(kg, "kk:Goal", "long-term") == sorted(LONG_TERM_GOALS + ["Kehitetään ja otetaan käyttöön uusia "
                                                        "sähköisiä palveluja sekä etäpalveluja", "Asiakkaan osallisuuden lisääminen"])


def test_actions(kg):
    assert labels(kg, "kk:Action") == sorted(ACTIONS)


def test_promises_with_their_responsible_post(kg):
    rows = kg.select(f"""SELECT ?label ?post ?name WHERE {{
        ?p a kk:ServicePromise ; kk:inPlan <{DOC}> ; skos:prefLabel ?label ;
           kk:responsible [ skos:prefLabel ?post ; org:heldBy [ foaf:name ?name ] ]
        FILTER(LANG(?label) = "fi") }}""")
    assert sorted((r["label"], r["post"], r["name"]) for r in rows) == sorted(
        (p, "perusturvajohtaja", "Terttu Nordman") for p in PROMISES)


@pytest.mark.parametrize("line,wording", sorted(METRIC_SOURCES.items()))
def test_every_metric_is_in_the_graph_with_its_source_line(kg, line, wording):
    rows = kg.select(f"""SELECT ?m ?text WHERE {{
        ?x kk:hasIndicator ?m ; kk:inPlan <{DOC}> .
        ?m prov:wasDerivedFrom [ kk:lineStart {line} ] ; kk:sourceText ?text }}""")
    assert rows and any(wording in r["text"] for r in rows), rows


def test_numeric_targets_are_parsed(kg):
    rows = kg.select(f"""SELECT ?metric ?value ?unit ?cmp ?base ?baseYear ?year WHERE {{
        ?x kk:inPlan <{DOC}> ; kk:hasIndicator ?m . ?m skos:prefLabel ?metric ; kk:hasTarget ?t .
        FILTER(LANG(?metric) = "fi")
        ?t kk:targetValue ?value ; kk:unit/skos:notation ?unit ; kk:comparison/skos:notation ?cmp .
        OPTIONAL {{ ?t kk:baselineValue ?base }}
        OPTIONAL {{ ?t kk:baselinePeriod/kk:year ?baseYear }}
        OPTIONAL {{ ?t kk:targetPeriod/kk:year ?year }} }}""")
    got = {(r["metric"], r["value"], r["unit"], r["cmp"], r["base"], r["baseYear"], r["year"]) for r in rows}
    assert got == {
        ("Sähköisen ajanvarauksen käyttöaste avoterveydenhuollon neuvolapalveluissa ja sairaanhoitajavastaanotoilla",
         "20", "percent", "increase-by", None, "2017", "2018"),
        ("Myönnettyjen palvelusetelien määrä", "5", "percent", "increase-by", None, "2017", "2018"),
        ("Näyttöön perustuvien menetelmien säännöllinen käyttö asiakastyössä", "1", "count", "at-least", None, None, "2018"),
        ("Perhetyön kotikäyntien määrä", "5", "percent", "increase-by", None, "2017", "2018"),
        ("Sähköisen ajanvarauksen käyttö", "20", "percent", "increase-by", None, "2017", "2018"),
        ("Toteutetut sähköiset asiakasraadit", "3", "count", "reach", None, None, "2018"),
        ("Palveluohjaajien määrä", "6", "persons", "increase-to", "3", None, "2018"),
    }


def test_ambiguous_target_keeps_its_wording_and_says_so(kg):
    rows = kg.select(f"""SELECT DISTINCT ?wording ?note WHERE {{
        ?x kk:inPlan <{DOC}> ; kk:hasIndicator/kk:hasTarget ?t .
        ?t kk:nonNumericTarget ?wording ; skos:editorialNote ?note . FILTER NOT EXISTS {{ ?t kk:targetValue ?v }}
        FILTER(CONTAINS(?wording, "9 k kpl")) }}""")
    assert len(rows) == 1 and "ambiguous" in rows[0]["note"].lower()


def test_every_responsible_person_is_a_person_and_posts_are_held(kg):
    rows = kg.select("""SELECT ?name (GROUP_CONCAT(DISTINCT ?title; separator="|") AS ?posts) WHERE {
        ?p a foaf:Person ; foaf:name ?name . FILTER(STRSTARTS(STR(?p), "https://w3id.org/kuntakg/id/person/609/"))
        OPTIONAL { ?post org:heldBy ?p ; skos:prefLabel ?title } } GROUP BY ?name""")
    assert {r["name"]: r["posts"] or "" for r in rows} == {
        "Anna-Liisa Koivisto": "terveys- ja sairaalapalveluiden johtaja",
        "Pirkko Levola": "hallintopäällikkö",
        "Mari Levonen": "",
        "Pirjo Mäkilä": "vs. vanhuspalveluiden johtaja",
        "Terttu Nordman": "perusturvajohtaja",
    }


def test_situation_text_and_template_instructions(kg):
    situation = kg.select(f"SELECT ?s WHERE {{ <{DOC}> kk:situation ?s }}")[0]["s"]
    assert situation.startswith("Perusturva on kunnallinen sosiaali- ja terveyspalveluiden toimija")
    assert "Satasoten hankkeiden tulot ja menot" in situation
    # The template's italic instructions are not content.
    assert not kg.ask('ASK { ?x ?p ?o FILTER(isLiteral(?o) && CONTAINS(STR(?o), "Korvatkaa ne omilla sisällöillä")) }')


def test_cascade_reaches_the_sector_long_term_goals(kg):
    """Unit goals cascade up to the sector's long-term goals through kk:contributesTo+."""
    rows = kg.select(f"""SELECT ?action WHERE {{
        ?a a kk:Action ; kk:inPlan <{DOC}> ; skos:prefLabel ?action ; kk:contributesTo+ ?top .
        FILTER(LANG(?action) = "fi")
        ?top kk:goalLevel code:goal-level\\/long-term ; skos:prefLabel "Kehitetään ja otetaan käyttöön uusia sähköisiä palveluja sekä etäpalveluja"@fi ;
             kk:forOrganization <https://w3id.org/kuntakg/id/org/609/perusturva> }}""")
    assert sorted(r["action"] for r in rows) == sorted([
        "Sähköisen ajanvarauksen kehittäminen",
        "Sähköisen ajanvarauksen aloittaminen opiskeluterveydenhuollossa ja aikuisneuvolan vastaanotolle",
        ACTIONS[10], "Moniammatillisen toiminnan kehittäminen"])


def test_reasoner_classified_the_goals(kg):
    rows = kg.select(f"""SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH <https://w3id.org/kuntakg/graph/inferred> {{
        ?g a kk:OperationalGoal }} ?g kk:inPlan <{DOC}> }}""")
    assert rows[0]["n"] == str(len(OPERATIONAL_GOALS))


ENDPOINT_QUERY = """
PREFIX kk: <https://w3id.org/kuntakg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
SELECT ?action ?metric ?value ?unit ?person WHERE {
  ?a a kk:Action ; kk:inPlan <https://w3id.org/kuntakg/id/plan/pori-perusturva-2018> ; skos:prefLabel ?action .
  FILTER(LANG(?action) = "fi")
  OPTIONAL { ?a kk:hasIndicator ?m . ?m skos:prefLabel ?metric .
             OPTIONAL { ?m kk:hasTarget ?t . ?t kk:targetValue ?value ; kk:unit/skos:notation ?unit } }
  OPTIONAL { ?a kk:responsible ?r . { ?r foaf:name ?person } UNION { ?r org:heldBy/foaf:name ?person } }
}"""


@pytest.mark.live
def test_done_when_query_through_the_endpoint(seed_live):
    """Each Pori action with its metric, numeric target, unit and responsible person, over real HTTP."""
    result = seed_live.select(ENDPOINT_QUERY)
    rows = [{k: v["value"] for k, v in b.items()} for b in result["results"]["bindings"]]
    assert {r["action"] for r in rows} == set(ACTIONS)
    assert all("person" in r for r in rows)
    e_booking = [r for r in rows if r["action"] == "Sähköisen ajanvarauksen kehittäminen"]
    assert e_booking == [{"action": "Sähköisen ajanvarauksen kehittäminen",
                          "metric": "Sähköisen ajanvarauksen käyttöaste avoterveydenhuollon "
                          "neuvolapalveluissa ja sairaanhoitajavastaanotoilla",
                          "value": "20", "unit": "percent", "person": "Anna-Liisa Koivisto"}]
    counsellors = {(r.get("metric"), r.get("value"), r.get("unit"), r["person"]) for r in rows
                   if r["action"] == "Palveluohjaajien lisääminen kolmesta kuuteen työntekijään"}
    assert ("Palveluohjaajien määrä", "6", "persons", "Pirjo Mäkilä") in counsellors


def test_translations_live_apart_from_source_text(kg):
    """Source labels are Finnish; sv/en labels exist only in the translation graph, marked as such."""
    graph = "https://w3id.org/kuntakg/graph/pori-perusturva-2018"
    translations = "https://w3id.org/kuntakg/graph/translations/pori-perusturva-2018"
    langs = kg.select(f"SELECT DISTINCT (LANG(?l) AS ?lang) WHERE {{ GRAPH <{graph}> {{ ?g a kk:Goal ; skos:prefLabel ?l }} }}")
    assert [r["lang"] for r in langs] == ["fi"]
    rows = kg.select(f"""SELECT ?en ?sv WHERE {{ GRAPH <{translations}> {{
        <https://w3id.org/kuntakg/id/goal/pori-perusturva-2018/lt-2> skos:prefLabel ?en , ?sv .
        FILTER(LANG(?en) = "en" && LANG(?sv) = "sv") }} }}""")
    assert rows == [{"en": "Increasing client participation", "sv": "Ökad klientdelaktighet"}]
    assert kg.ask(f"""ASK {{ GRAPH <https://w3id.org/kuntakg/graph/build> {{ <{translations}> a kk:TranslationGraph ;
        kk:translationsOf <https://w3id.org/kuntakg/id/doc/pori-perusturva-2018> ; dcterms:contributor ?who }} }}""")
    missing = kg.select(f"""SELECT ?g WHERE {{ GRAPH <{graph}> {{ ?g a kk:Goal }}
        FILTER NOT EXISTS {{ GRAPH <{translations}> {{ ?g skos:prefLabel ?en FILTER(LANG(?en) = "en") }} }} }}""")
    assert missing == []

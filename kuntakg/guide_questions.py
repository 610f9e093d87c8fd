"""The vocabulary guide's ten worked questions: a title in fi/sv/en, the idiom they show, and the query.

The queries are complete (their own PREFIX lines), so they can be pasted into ``/query`` or sent to
``/sparql`` as they are. ``tests/test_guide.py`` runs every one against a live server and checks its
answer against the same facts computed from the graph's triples without SPARQL; ``docs/guide.md`` and
the ``/guide`` page show them (``kuntakg guide-docs`` regenerates the questions part of docs/guide.md).
"""
from __future__ import annotations

from dataclasses import dataclass

from .namespaces import PREFIXES

# the questions' PREFIX lines, aligned for reading; the IRIs are the project's (kuntakg.namespaces)
PREFIX_LINES = "".join(f"PREFIX {name + ':':<8} <{PREFIXES[name]}>\n"
                       for name in ("kk", "skos", "dcterms", "prov", "org", "foaf", "time"))


@dataclass(frozen=True)
class Question:
    id: str
    title: dict[str, str]  # fi, sv, en
    idiom: dict[str, str]  # what the query shows, fi, sv, en
    body: str  # the query without the PREFIX lines

    @property
    def query(self) -> str:
        return PREFIX_LINES + self.body.strip() + "\n"


QUESTIONS: list[Question] = [
    Question(
        "towns",
        {"fi": "Mitkä kunnat ovat mukana ja montako asiakirjaa kustakin?",
         "sv": "Vilka kommuner finns med och hur många dokument har var och en?",
         "en": "Which towns are in the graph, and how many documents of each?"},
        {"fi": "Kunta tunnistetaan Tilastokeskuksen kuntanumerosta (kk:statisticalCode); nimet ovat "
               "kielikohtaisia skos:prefLabel-arvoja, joten kieli valitaan LANG()-suodattimella.",
         "sv": "En kommun identifieras av Statistikcentralens kommunnummer (kk:statisticalCode); namnen är "
               "skos:prefLabel per språk, så språket väljs med ett LANG()-filter.",
         "en": "A town is identified by Statistics Finland's code (kk:statisticalCode); its names are "
               "skos:prefLabel values per language, so choose the language with a LANG() filter."},
        """
SELECT ?code ?name_fi ?name_sv (COUNT(DISTINCT ?doc) AS ?documents) WHERE {
  ?doc a kk:PlanDocument ; kk:municipality ?town .
  ?town kk:statisticalCode ?code ; skos:prefLabel ?name_fi , ?name_sv .
  FILTER(LANG(?name_fi) = "fi" && LANG(?name_sv) = "sv")
} GROUP BY ?code ?name_fi ?name_sv ORDER BY ?code"""),
    Question(
        "goal-levels",
        {"fi": "Montako tavoitetta kussakin asiakirjassa on tasoittain?",
         "sv": "Hur många mål har varje dokument per målnivå?",
         "en": "How many goals does each document have, by goal level?"},
        {"fi": "Tavoitteen taso on koodiston käsite (kk:goalLevel); sen skos:notation on taulukoissa käytetty "
               "arvo. Asiakirjaan päästään suunnitelman kautta: kk:inPlan/kk:documentedIn.",
         "sv": "Målets nivå är ett kodbegrepp (kk:goalLevel); dess skos:notation är värdet i tabellerna. "
               "Dokumentet nås via planen: kk:inPlan/kk:documentedIn.",
         "en": "A goal's level is a code-list concept (kk:goalLevel) whose skos:notation is the value of the "
               "import tables. The document is reached through the plan: kk:inPlan/kk:documentedIn."},
        """
SELECT ?doc ?level (COUNT(DISTINCT ?goal) AS ?goals) WHERE {
  ?goal a kk:Goal ; kk:goalLevel/skos:notation ?level ; kk:inPlan/kk:documentedIn ?doc .
} GROUP BY ?doc ?level ORDER BY ?doc ?level"""),
    Question(
        "cascade",
        {"fi": "Mitkä tavoitteet ja toimenpiteet toteuttavat kutakin ylintä tavoitetta, kaikilta tasoilta, ja "
               "kuinka moni niistä asiakirjan itsensä ilmaisemin linkein?",
         "sv": "Vilka mål och åtgärder bidrar till varje översta mål, på alla nivåer, och hur många av dem "
               "genom länkar som dokumentet självt anger?",
         "en": "Which goals and actions serve each top goal, at any depth, and how many of them through links "
               "the document itself states?"},
        {"fi": "kk:contributesTo on asiakirjan ilmaisema linkki ylöspäin; kk:contributesToByContent ja "
               "kk:contributesToByLayout ovat tulkintoja (sisällön tai sivun asettelun perusteella). "
               "Vaihtoehtopolku (a|b|c)+ kulkee koko porrastuksen; DISTINCT, koska samaan tavoitteeseen voi "
               "johtaa monta polkua.",
         "sv": "kk:contributesTo är en länk uppåt som dokumentet anger; kk:contributesToByContent och "
               "kk:contributesToByLayout är tolkningar (av innehållet eller sidans layout). Stiguttrycket "
               "(a|b|c)+ går genom hela kaskaden; DISTINCT, eftersom flera stigar kan leda till samma mål.",
         "en": "kk:contributesTo is an upward link the document states; kk:contributesToByContent and "
               "kk:contributesToByLayout are interpretations (read from the content or from the page layout). "
               "The path (a|b|c)+ walks the whole cascade; DISTINCT, because several paths may lead to the same "
               "goal."},
        """
SELECT ?top (COUNT(DISTINCT ?item) AS ?below) (COUNT(DISTINCT ?stated) AS ?stated_below) WHERE {
  ?top a kk:Goal .
  FILTER NOT EXISTS { ?top kk:contributesTo|kk:contributesToByContent|kk:contributesToByLayout ?higher }
  ?item (kk:contributesTo|kk:contributesToByContent|kk:contributesToByLayout)+ ?top .
  OPTIONAL { ?item kk:contributesTo+ ?top . BIND(?item AS ?stated) }
} GROUP BY ?top ORDER BY DESC(?below) ?top"""),
    Question(
        "metrics-distinct",
        {"fi": "Mitkä mittarit seuraavat kutakin tavoitetta, suoraan tai sen toimenpiteiden kautta?",
         "sv": "Vilka mätare följer upp varje mål, direkt eller via dess åtgärder?",
         "en": "Which metrics follow each goal, directly or through its actions?"},
        {"fi": "Sama mittari voi olla sekä tavoitteella että sen toimenpiteellä: ilman DISTINCTiä sama "
               "(tavoite, mittari)-pari tulee kahdesti.",
         "sv": "Samma mätare kan sitta både på målet och på dess åtgärd: utan DISTINCT kommer samma par "
               "(mål, mätare) två gånger.",
         "en": "The same metric may hang on a goal and on its action: without DISTINCT the same (goal, metric) "
               "pair comes twice."},
        """
SELECT DISTINCT ?goal ?indicator WHERE {
  ?goal a kk:Goal .
  { ?goal kk:hasIndicator ?indicator }
  UNION
  { ?action a kk:Action ; kk:contributesTo ?goal ; kk:hasIndicator ?indicator }
} ORDER BY ?goal ?indicator"""),
    Question(
        "baseline-year",
        {"fi": "Mitkä numeeriset tavoitetasot on verrattu mihinkin vuoteen?",
         "sv": "Vilka numeriska målnivåer jämförs med vilket år?",
         "en": "Which numeric targets are measured against which baseline year?"},
        {"fi": "kk:baselinePeriod on aikavälin IRI (esim. …/id/period/2017), ei vuosiluku: vuosi saadaan "
               "alkuhetkestä time:hasBeginning/time:inXSDDate ja YEAR()-funktiolla.",
         "sv": "kk:baselinePeriod är ett intervalls IRI (t.ex. …/id/period/2017), inte ett årtal: året fås ur "
               "början, time:hasBeginning/time:inXSDDate, med YEAR().",
         "en": "kk:baselinePeriod is the IRI of an interval (e.g. …/id/period/2017), not a year: take the year "
               "from its beginning, time:hasBeginning/time:inXSDDate, with YEAR()."},
        """
SELECT ?target ?value ?unit ?baseline_year WHERE {
  ?target kk:targetValue ?value ; kk:baselinePeriod ?period .
  OPTIONAL { ?target kk:unit/skos:notation ?unit }
  ?period time:hasBeginning/time:inXSDDate ?start .
  BIND(YEAR(?start) AS ?baseline_year)
} ORDER BY ?baseline_year ?target"""),
    Question(
        "status-by-town",
        {"fi": "Miten seurantaraporttien arviot jakautuvat tiloihin kunnittain?",
         "sv": "Hur fördelar sig uppföljningens bedömningar på status per kommun?",
         "en": "How are the status assessments of the reports spread over statuses, per town?"},
        {"fi": "Arvio (kk:StatusAssessment) koskee suunnitelman osaa (kk:about); tila on koodiston käsite "
               "(kk:status), jonka notaatio on vakaa tunniste.",
         "sv": "En bedömning (kk:StatusAssessment) gäller en plandel (kk:about); statusen är ett kodbegrepp "
               "(kk:status) vars notation är en stabil nyckel.",
         "en": "An assessment (kk:StatusAssessment) is about a plan element (kk:about); the status is a "
               "code-list concept (kk:status) whose notation is a stable key."},
        """
SELECT ?code ?status (COUNT(DISTINCT ?assessment) AS ?assessments) WHERE {
  ?assessment a kk:StatusAssessment ; kk:status/skos:notation ?status ;
              kk:about/kk:inPlan/kk:documentedIn/kk:municipality/kk:statisticalCode ?code .
} GROUP BY ?code ?status ORDER BY ?code ?status"""),
    Question(
        "responsible-people",
        {"fi": "Kenet on nimetty vastuuhenkilöksi useimpiin kohtiin, suoraan tai viran kautta?",
         "sv": "Vem är ansvarig för flest punkter, direkt eller genom sin tjänst?",
         "en": "Who is responsible for the most items, named directly or through the post they hold?"},
        {"fi": "Vastuutaho (kk:responsible) voi olla henkilö, virka tai organisaatio; virasta henkilöön "
               "päästään org:heldBy-linkillä, joten tarvitaan UNION.",
         "sv": "Den ansvariga (kk:responsible) kan vara en person, en tjänst eller en organisation; från "
               "tjänsten till personen går org:heldBy, så det behövs en UNION.",
         "en": "The responsible party (kk:responsible) is a person, a post or an organisation; a post leads "
               "to its holder by org:heldBy, hence the UNION."},
        """
SELECT ?name (COUNT(DISTINCT ?item) AS ?items) WHERE {
  ?item kk:responsible ?party .
  { ?party a foaf:Person ; foaf:name ?name }
  UNION
  { ?party a org:Post ; org:heldBy/foaf:name ?name }
} GROUP BY ?name ORDER BY DESC(?items) ?name"""),
    Question(
        "measurable",
        {"fi": "Kuinka suuri osa kunkin asiakirjan tavoitteista on mitattavia?",
         "sv": "Hur stor del av varje dokuments mål är mätbara?",
         "en": "What share of each document's goals is measurable?"},
        {"fi": "kk:MeasurableElement on päätelty luokka (mittari, jolla on numeerinen tavoitetaso); "
               "OPTIONAL + BIND laskee mitattavat ja kaikki samalla kertaa.",
         "sv": "kk:MeasurableElement är en härledd klass (en mätare med numerisk målnivå); OPTIONAL + BIND "
               "räknar de mätbara och alla på en gång.",
         "en": "kk:MeasurableElement is an inferred class (an indicator with a numeric target); OPTIONAL + "
               "BIND counts the measurable ones and all of them in one go."},
        """
SELECT ?doc (COUNT(DISTINCT ?goal) AS ?goals) (COUNT(DISTINCT ?measurable) AS ?measurable_goals) WHERE {
  ?goal a kk:Goal ; kk:inPlan/kk:documentedIn ?doc .
  OPTIONAL { ?goal a kk:MeasurableElement . BIND(?goal AS ?measurable) }
} GROUP BY ?doc ORDER BY ?doc"""),
    Question(
        "shared-themes",
        {"fi": "Mitkä teemat ovat useamman kunnan asiakirjoissa?",
         "sv": "Vilka teman finns i flera kommuners dokument?",
         "en": "Which themes appear in the documents of more than one town?"},
        {"fi": "Teemat ovat Kunta-KG:n SKOS-käsitteitä (dcterms:subject); skos:inScheme rajaa pois muut "
               "aiheet, HAVING suodattaa ryhmät.",
         "sv": "Teman är Kunta-KG:s SKOS-begrepp (dcterms:subject); skos:inScheme utesluter andra ämnen, "
               "HAVING filtrerar grupperna.",
         "en": "Themes are Kunta-KG's SKOS concepts (dcterms:subject); skos:inScheme leaves other subjects out, "
               "HAVING filters the groups."},
        """
SELECT ?theme ?label (COUNT(DISTINCT ?town) AS ?towns) WHERE {
  ?item dcterms:subject ?theme ; kk:inPlan/kk:documentedIn/kk:municipality ?town .
  ?theme skos:inScheme <https://w3id.org/kuntakg/id/scheme/themes> ; skos:prefLabel ?label .
  FILTER(LANG(?label) = "en")
} GROUP BY ?theme ?label HAVING (COUNT(DISTINCT ?town) > 1) ORDER BY DESC(?towns) ?label"""),
    Question(
        "source-lines",
        {"fi": "Mistä lähdetekstin riveiltä Porin asiakirjan kohdat on kirjattu?",
         "sv": "Från vilka rader i källtexten är punkterna i Björneborgs dokument hämtade?",
         "en": "From which lines of the source text was each item of Pori's document transcribed?"},
        {"fi": "Jokainen kohta viittaa lähdekohtaan (prov:wasDerivedFrom → kk:SourceSpan), jolla on "
               "tiedosto ja rivit; näin vastauksen voi tarkistaa alkuperäisestä.",
         "sv": "Varje punkt pekar på ett källställe (prov:wasDerivedFrom → kk:SourceSpan) med fil och rader; "
               "så kan svaret kontrolleras mot originalet.",
         "en": "Every item points at a source span (prov:wasDerivedFrom → kk:SourceSpan) with its file and "
               "lines, so an answer can be checked against the original."},
        """
SELECT ?item ?file ?line_start ?line_end WHERE {
  ?item kk:inPlan/kk:documentedIn <https://w3id.org/kuntakg/id/doc/pori-perusturva-2018> ;
        prov:wasDerivedFrom ?span .
  ?span a kk:SourceSpan ; kk:sourceFile ?file ; kk:lineStart ?line_start ; kk:lineEnd ?line_end .
} ORDER BY ?item ?line_start"""),
]


def markdown(questions: list[Question] | None = None) -> str:
    """The questions as Markdown (English titles and notes, the queries as they run)."""
    out = []
    for number, q in enumerate(questions or QUESTIONS, start=1):
        out.append(f"### {number}. {q.title['en']}\n\n{q.idiom['en']}\n\n```sparql\n{q.query}```\n")
    return "\n".join(out)


BEGIN, END = "<!-- questions:begin (kuntakg guide-docs) -->", "<!-- questions:end -->"


def update_docs(text: str) -> str:
    """``text`` (docs/guide.md) with the part between the question markers regenerated."""
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"docs/guide.md needs the markers {BEGIN!r} and {END!r}")
    return text[:start + len(BEGIN)] + "\n\n" + markdown() + "\n" + text[end:]

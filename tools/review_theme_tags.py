"""One-off review of the cue-word proposals (issue 7, 2026-11-23): first the three finished documents,
then Loviisa 2021 and Loviisa 2020 when they landed.

Reads the proposals of `kuntakg themes propose` (stdin), applies the reviewer's decisions
below and appends the decided rows to data/reference/theme-tags.csv. The table is the record; this
script only documents how the first version of it was made. Re-running it is harmless: rows already
decided are not proposed again.
"""
from __future__ import annotations

import csv
import sys
from pathlib import Path

TAGS = Path(__file__).resolve().parent.parent / "data" / "reference" / "theme-tags.csv"
REVIEWER = "Kunta-KG project (issue 7 review)"
DOCS = {"pori-perusturva-2018", "lohja-kehittamisohjelma-2018-2025", "porvoo-lape-2018", "loviisa-perusturva-2021",
        "loviisa-perusturva-2020"}
L, P, V = "lohja-kehittamisohjelma-2018-2025", "pori-perusturva-2018", "porvoo-lape-2018"
S, F = "loviisa-perusturva-2021", "loviisa-perusturva-2020"

# Proposals the reviewer rejects: (doc, row, theme).
REJECT = {
    (P, "vp-lt-2", "customer-orientation"), (P, "vp-a-2", "education-and-pupil-welfare"),
    (P, "ts-a-4", "freedom-of-choice"), (P, "a-3", "service-network"),
    (L, "kt-2-3", "early-support"), (L, "ktp-2-5", "early-support"), (L, "ktp-2-6", "health-promotion"),
    (L, "ktp-2-7", "early-support"), (L, "lnp-2-11b", "early-support"), (L, "htp-3-2-1", "early-support"),
    (L, "lnp-2-15", "community-and-areas"), (L, "lnp-2-15-2", "community-and-areas"),
    (L, "lnp-2-17", "community-and-areas"), (L, "htp-1-2-2", "leisure"),
    (L, "htp-1-2-1", "education-and-pupil-welfare"), (L, "lnp-1-2", "education-and-pupil-welfare"),
    (L, "htp-3-2-2", "knowledge-and-management"), (L, "htp-2-13", "municipal-economy"),
    (V, "a-perhekeskus", "child-protection"), (V, "a-perhekeskus", "leisure"),
    (V, "a-perhekeskus", "reform-and-regional-cooperation"), (V, "a-perhekeskus", "community-and-areas"),
    (V, "p-jalkautuva-kysely", "staff"), (V, "p-jalkautuva-kysely", "community-and-areas"),
    (V, "p-lukumummi", "knowledge-and-management"), (V, "p-zemppari", "knowledge-and-management"),
    (V, "p-vankkuri", "access-to-services"), (V, "p-alku", "communication"),
    (V, "p-yhteistyocase", "knowledge-and-management"), (V, "p-lahiperhe", "client-participation"),
    (V, "p-lahiperhe", "education-and-pupil-welfare"), (V, "a-lape-ryhma-jatko", "health-promotion"),
    (V, "m-5-2030", "leisure"), (V, "m-5-2030", "electronic-services"), (V, "m-5-2025", "electronic-services"),
    (V, "m-3-2019", "customer-orientation"), (V, "m-3-2022", "customer-orientation"),
    (V, "m-3-2019", "integrated-services"), (V, "m-3-2022", "integrated-services"),
    (V, "p-juttukaveri", "knowledge-and-management"), (V, "p-nuorten-aani", "knowledge-and-management"),
    (V, "a-neuvottelumallit", "knowledge-and-management"), (V, "a-yhteiset-kaytanteet", "access-to-services"),
    (V, "a-yhteiset-kaytanteet", "community-and-areas"), (V, "a-yhteiset-kaytanteet", "health-promotion"),
    (V, "a-yhteiset-kaytanteet", "integrated-services"), (V, "a-yhteiset-kaytanteet", "mental-health"),
    (L, "lnp-2-11a", "client-participation"), (L, "lnp-2-11a", "community-and-areas"),
    (L, "lnp-2-11a", "knowledge-and-management"), (L, "lnp-2-11a", "leisure"),
    (L, "lnp-2-11a", "municipal-economy"), (L, "lnp-2-11a", "reform-and-regional-cooperation"),
    (L, "lnp-2-11a", "service-guidance"), (L, "lnp-2-11a", "service-network"), (L, "lnp-2-11a", "staff"),
    (L, "lnp-2-19", "communication"), (L, "lnp-2-19", "education-and-pupil-welfare"),
    (L, "lnp-2-19", "municipal-economy"), (L, "lnp-2-19", "service-network"),
    (L, "lnp-2-21", "communication"), (L, "lnp-2-21", "education-and-pupil-welfare"),
    (L, "lnp-2-21", "municipal-economy"), (L, "lnp-2-21", "service-network"),
    (L, "lnp-2-23", "communication"), (L, "lnp-2-23", "education-and-pupil-welfare"),
    (L, "lnp-2-23", "municipal-economy"), (L, "lnp-2-23", "staff"),
    (L, "ktp-3-2", "childrens-rights"), (L, "ktp-3-2", "customer-orientation"),
    (L, "ktp-3-3", "childrens-rights"), (L, "ktp-3-3", "customer-orientation"), (L, "ktp-3-3", "community-and-areas"),
    (L, "htp-2-13-4", "staff"),
    (S, "ra-11", "service-guidance"), (S, "ra-23", "service-guidance"), (S, "act-11", "service-guidance"),
    (S, "act-46", "service-guidance"), (S, "act-46", "communication"), (S, "ra-26", "community-and-areas"),
    (S, "ra-53", "health-promotion"), (S, "ra-67", "health-promotion"), (S, "act-71", "health-promotion"),
    (S, "act-23", "service-guidance"), (S, "act-11", "knowledge-and-management"),
    (F, "act-paivystys", "community-and-areas"), (F, "act-palvelupolut", "staff"),
    (F, "act-lahisuhdevakivalta-koulutus", "health-promotion"), (F, "act-luennot", "community-and-areas"),
    (F, "act-cscs-hanke", "leisure"), (F, "act-digiturvallisuus-hanke", "health-promotion"),
}
# Tags the reviewer adds: (doc, row, theme, reason).
ADD = [
    (P, "lt-3", "integrated-services", "introducing the social and health centre model (sote-keskusmalli): integrated services"),
    (P, "lt-3", "reform-and-regional-cooperation", "the sote centre model belongs to the health and social services reform"),
    (P, "op-3", "integrated-services", "joint social and health centres of all basic-security services"),
    (P, "op-3", "reform-and-regional-cooperation", "sote centres are part of the health and social services reform"),
    (P, "sp-lt-1", "customer-orientation", "child- and family-centred services (lapsi- ja perhelähtöiset palvelut)"),
    (P, "sp-lt-1", "family-centre", "family services of the social and family services unit; the goal heads the family-centre work"),
    (P, "vp-lt-2", "elderly-services", "housing for ageing clients (ikääntyvien asiakkaiden asumismuodot)"),
    (P, "a-3", "integrated-services", "one sote centre providing the whole service package"),
    (P, "ts-op-2", "access-to-services", "developing the client's care path (hoitopolku) in several services"),
    (L, "kt-2-1", "customer-orientation", "services that work from the residents' point of view (asukaslähtöisesti)"),
    (L, "kt-2-2", "urban-environment", "a good-quality operating environment (toimintaympäristö) of the town"),
    (L, "kt-2-2", "service-network", "the operating environment of services includes their premises"),
    (L, "ktp-2-6", "staff", "staff well-being (henkilöstön hyvinvointi)"),
    (L, "ktp-2-5", "service-network", "indoor-air problems of premises"),
    (L, "htp-1-2-1", "urban-environment", "school transport seats offered to others: transport"),
    (L, "lnp-2-15-2", "staff", "training plans for staff built by area"),
    (L, "htp-3-2-2", "resident-participation", "residents always take part in developing, planning and evaluating services"),
    (L, "htp-3-2-2", "client-participation", "residents as service users take part in developing services"),
    (L, "lnp-2-11a", "health-promotion", "the annual clock of key events for residents' health and well-being (htp-2-7)"),
    (L, "lnp-2-11a", "leisure", "the annual clock lists events (htp-2-7)"),
    (L, "lnp-2-19", "staff", "up-to-date risk analyses of work units: occupational safety"),
    (L, "lnp-2-21", "staff", "staff can develop their own work"),
    (L, "lnp-2-23", "service-network", "all functions joined to the premises booking (tilaus) system"),
    (L, "ktp-3-3", "communication", "more information for residents"),
    (L, "htp-2-13-4", "municipal-economy", "removing overlapping tasks: efficiency"),
    (V, "a-koulutus", "staff", "using the training given during the project (staff competence)"),
    (V, "a-koulutus", "knowledge-and-management", "embedding the results of the LAPE project"),
    (V, "m-1-2018", "knowledge-and-management", "roadmap row 'new ways of working' (rt-1): pilots and embedding"),
    (V, "m-1-2025", "client-participation", "models and processes developed together with clients"),
    (V, "m-1-2025", "knowledge-and-management", "roadmap row 'new ways of working' (rt-1)"),
    (V, "m-1-2030", "customer-orientation", "clients' changing needs define the services"),
    (V, "m-1-2030", "knowledge-and-management", "roadmap row 'new ways of working' (rt-1)"),
    (V, "m-2-2030", "client-participation", "roadmap row 'client participation' (rt-2): creative interaction in services"),
    (V, "p-juttukaveri", "mental-health", "PEKE's 'chat buddy' pilot: low-threshold psychosocial support for young people"),
    (V, "p-juttukaveri", "early-support", "low-threshold support before problems grow"),
    (V, "p-nuorten-aani", "childrens-rights", "'young people's voice is heard': participation of young people"),
    (V, "p-nuorten-aani", "client-participation", "young people take part in developing services"),
    (V, "a-neuvottelumallit", "parenting-support", "negotiation models and trial agreements that support the family in separation"),
    (V, "a-yhteiset-kaytanteet", "education-and-pupil-welfare", "shared practices in Finnish- and Swedish-language education services"),
    (V, "p-lahiperhe", "community-and-areas", "'neighbourhood family' project: volunteer families supporting families"),
    (V, "p-lahiperhe", "early-support", "low-threshold support for families from a volunteer family"),
    (V, "p-alku", "child-protection", "ALKU service of the specialised-level (erityis- ja vaativa taso) development area"),
    (V, "p-vankkuri", "mental-health", "Vankkuri: support service of the specialised level for young people and families"),
    (V, "p-yhteistyocase", "child-protection", "cooperation case of specialised and demanding services"),
    (V, "p-yhteistyocase", "integrated-services", "cooperation between service levels"),
    (V, "a-lape-ryhma-jatko", "knowledge-and-management", "agreeing on the continuation of Porvoo's LAPE group"),
    (V, "a-lape-ryhma-jatko", "integrated-services", "the LAPE group is a multi-sector working group"),
    (V, "a-perhekeskus", "early-support", "the family centre gathers maternity and child health clinics and family work"),
    (V, "p-lukumummi", "leisure", "reading grandparents (lukumummi/-vaari) in day care: volunteer activity"),
    (V, "p-jalkautuva-kysely", "client-participation", "a survey that goes out to young people to hear them"),
    (S, "kg-1", "access-to-services", "smooth, working services for young people and families with children"),
    (S, "kg-1", "customer-orientation", "services that make families' everyday life easier"),
    (S, "kg-2", "equality-and-inclusion", "preventing marginalisation (marginalisering) of young people and families"),
    (S, "kg-3", "child-impact-assessment", "a common form for impact assessments, including the effects on children"),
    (S, "kg-5", "resident-participation", "residents' and communities' chances to take part and influence"),
    (S, "ra-11", "family-centre", "rådgivningsbyrå = maternity and child health clinic (neuvola), part of family services"),
    (S, "ra-11", "customer-orientation", "improving the clients' experience (kundupplevelse)"),
    (S, "ra-12", "access-to-services", "contacting the services gets easier"),
    (S, "ra-13", "community-and-areas", "peer support (kamratstöd)"),
    (S, "ra-13", "parenting-support", "peer support for parents (Baby Club, act-13)"),
    (S, "ra-15", "parenting-support", "parents get support in bringing up their children"),
    (S, "ra-16", "mental-health", "support for under-age substance users: substance-abuse and mental health services (PTV P5.7)"),
    (S, "ra-22", "child-impact-assessment", "the form template for impact assessment (kg-3)"),
    (S, "ra-23", "access-to-services", "contacting the child health clinic gets easier"),
    (S, "ra-23", "family-centre", "rådgivningsbyrå = maternity and child health clinic"),
    (S, "ra-24", "access-to-services", "contacting the service points gets easier"),
    (S, "ra-26", "client-participation", "clients' and relatives' participation and influence"),
    (S, "ra-39", "home-care", "towards more open care (öppenvård) for seniors"),
    (S, "ra-53", "service-guidance", "need for services based on a systematic, comparable assessment"),
    (S, "act-11", "family-centre", "open child health clinic and multi-professional group counselling"),
    (S, "act-11", "integrated-services", "multi-professional group counselling (mångprofessionell grupprådgivning)"),
    (S, "act-13", "parenting-support", "Baby Club for mothers at the end of pregnancy"),
    (S, "act-13", "early-support", "support before the child is born"),
    (S, "act-15", "parenting-support", "targeted support for parents of children starting school"),
    (S, "act-15", "education-and-pupil-welfare", "children starting basic education"),
    (S, "act-16", "mental-health", "substance-abuse care (missbrukarvård) for minors and their parents"),
    (S, "act-16", "early-support", "support for under-age substance users"),
    (S, "act-22", "child-impact-assessment", "orienting the centre's preparers in the impact-assessment form"),
    (S, "act-23", "electronic-services", "Klinik Pro: an electronic contact and triage service"),
    (S, "act-23", "access-to-services", "Klinik Pro makes contacting easier (ra-23)"),
    (S, "act-24", "electronic-services", "Klinik Pro extended to social work and marketed to residents"),
    (S, "act-24", "access-to-services", "easier contact with service points (ra-24)"),
    (S, "act-26", "client-participation", "a client survey (kundenkät)"),
    (S, "act-26", "customer-orientation", "a client survey measures client satisfaction"),
    (S, "act-39", "elderly-services", "service housing and family care for seniors"),
    (S, "act-46", "health-promotion", "food course and healthy eating for families"),
    (S, "act-46", "family-centre", "child health clinic and school health care give guidance"),
    (S, "act-53", "service-guidance", "plan for the Rai instrument for assessing functional ability"),
    (S, "act-53", "elderly-services", "Rai assessment of functional ability in services for older people"),
    (S, "act-60", "municipal-economy", "savings measures of the balancing programme (kg-8)"),
    (S, "act-70", "knowledge-and-management", "reviewing and clarifying processes; uniform practice"),
    (F, "kg-arki", "access-to-services", "flexible, working services for young people and families with children"),
    (F, "kg-arki", "customer-orientation", "services that make families' everyday life easier"),
    (F, "ra-joustavat-palvelut", "access-to-services", "more flexible services (longer opening hours, act-vastaanottoaika)"),
    (F, "ra-neuvola-yhteys", "access-to-services", "families reach the child health clinic smoothly"),
    (F, "ra-neuvola-yhteys", "electronic-services", "self-care help on the net (itsehoitoapua netistä)"),
    (F, "ra-neuvola-yhteys", "family-centre", "neuvola = maternity and child health clinic"),
    (F, "ra-murrosikaisten-vanhemmat", "parenting-support", "supporting parents of teenagers in bringing them up"),
    (F, "act-vertaistukiryhma", "parenting-support", "peer-support group and parents' evening"),
    (F, "kg-palvelulupaus", "customer-orientation", "a service promise to clients"),
    (F, "act-palvelulupaus-verkkosivut", "communication", "publishing the service promise on the town's website"),
    (F, "kg-osallistuminen", "resident-participation", "residents' and communities' chances to take part and influence"),
    (F, "kg-osallistuminen", "community-and-areas", "communities (yhteisöt) taking part"),
    (F, "ra-viihtyvyys", "customer-orientation", "comfort and quality of care (viihtyvyys, hoidon laatu)"),
    (F, "ra-viihtyvyys", "elderly-services", "care units of the senior services (act-asukasraati-palautteet)"),
    (F, "kg-laatu", "customer-orientation", "improving the quality of services"),
    (F, "kg-laatu", "knowledge-and-management", "quality management"),
    (F, "ra-perheohjaus", "parenting-support", "family guidance (perheohjaus) of better quality"),
    (F, "act-perheohjaus-prosessit", "parenting-support", "processes of family guidance"),
    (F, "act-perheohjaus-prosessit", "integrated-services", "processes following Uusimaa's shared service descriptions"),
    (F, "ra-palveluasenne", "customer-orientation", "service attitude (palveluasenne)"),
    (F, "ra-palveluasenne", "communication", "raising the image (imago)"),
    (F, "ra-asiakasohjaus", "service-guidance", "guiding the client straight to the right services"),
    (F, "act-palvelupolut", "service-guidance", "good service paths (palvelupolut)"),
    (F, "act-palvelupolut", "integrated-services", "service paths made together with different actors"),
    (F, "ra-hoitosuhde", "customer-orientation", "a confidential, continuous client or care relationship"),
    (F, "act-hoitoprosessit", "customer-orientation", "working care processes"),
    (F, "kg-uudet-tavat", "knowledge-and-management", "following developments and taking new ways of producing services into use"),
    (F, "ra-omahoito", "health-promotion", "more self-care (omahoito)"),
    (F, "ra-omahoito", "electronic-services", "self-care supported by technology (act-teknologia-kuntalaisille)"),
    (F, "ra-lahisuhdevakivalta", "early-support", "recognising partner and domestic violence and helping the client"),
    (F, "act-lahisuhdevakivalta-koulutus", "staff", "staff training in small groups with THL's online course"),
    (F, "act-lahisuhdevakivalta-koulutus", "early-support", "training to recognise domestic violence"),
    (F, "act-paivystys", "reform-and-regional-cooperation", "developing emergency-duty processes regionally"),
    (F, "act-paivystys", "access-to-services", "emergency duty (päivystys)"),
    (F, "act-yhteiset-kokoukset", "integrated-services", "joint meetings; clients handled 'from one place'"),
    (F, "act-luennot", "health-promotion", "lectures on risks in the home environment for people turning 75"),
    (F, "act-luennot", "elderly-services", "for people turning 75 (ra-75-vuotiaat)"),
    (F, "act-cscs-hanke", "reform-and-regional-cooperation", "joint project of Porvoo, Loviisa, Sipoo and FSKC"),
    (F, "act-digiturvallisuus-hanke", "equality-and-inclusion", "children's digital safety project, reducing bullying (ra-digiturvallisuus)"),
    (F, "act-sahkoauto", "climate", "electric car in home care (ra-paastot: fewer emissions)"),
    (F, "act-annosjakelu", "electronic-services", "virtual care (virtuaalihoito) in home care"),
    (F, "act-pilotointi", "child-impact-assessment", "piloting the impact-assessment form"),
    (F, "act-paihdetietous", "early-support", "information on substance harms and mental health"),
]


def main() -> int:
    proposals = list(csv.DictReader(sys.stdin))
    with TAGS.open(encoding="utf-8", newline="") as fh:
        existing = {(r["doc_id"], r["row_id"], r["theme"]) for r in csv.DictReader(fh)}
    rows = []
    for p in proposals:
        key = (p["doc_id"], p["row_id"], p["theme"])
        if p["doc_id"] not in DOCS or not p["theme"] or key in REJECT or key in existing:
            continue
        rows.append({**p, "reason": p["reason"] + " (accepted)", "decided_by": REVIEWER})
    for doc, row, theme, reason in ADD:
        if (doc, row, theme) not in existing:
            rows.append({"doc_id": doc, "row_id": row, "theme": theme, "reason": reason, "decided_by": REVIEWER})
    rows.sort(key=lambda r: (r["doc_id"], r["row_id"], r["theme"]))
    with TAGS.open("a", encoding="utf-8", newline="") as fh:
        csv.DictWriter(fh, ["doc_id", "row_id", "theme", "reason", "decided_by"], lineterminator="\n").writerows(rows)
    print(f"{len(rows)} tags added", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

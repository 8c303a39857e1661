"""Demo organisations and people for ``manage.py seed_demo``: one realistic area, users for every role.

Every demo user shares one known password and has a known TOTP key (printed by ``make run`` and
``manage.py demo_credentials``). Idempotent: running it again changes nothing.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from django.db import transaction

from safeguarding.accounts.models import User
from safeguarding.accounts.services import totp_device_with_key
from safeguarding.organisations import services as org
from safeguarding.organisations.models import Agency, AgencyType, Area, MappaRole, Membership, Position, Team
from safeguarding.roles import Role

DEMO_PASSWORD = "Safeguarding-Demo-2026"
AREA_NAME = "Riverside Safeguarding Adults Board"


@dataclass(frozen=True)
class DemoAgency:
    key: str
    name: str
    agency_type: str
    teams: tuple[str, ...]
    mappa_role: str = MappaRole.NONE
    ods_code: str = ""


AGENCIES = (
    DemoAgency("sab", "Riverside SAB Business Unit", AgencyType.SAB_BUSINESS_UNIT, ("Business Unit",)),
    DemoAgency(
        "trust",
        "Riverside and Valley NHS Foundation Trust",
        AgencyType.NHS_MENTAL_HEALTH_TRUST,
        ("Community Mental Health Team North", "Crisis Resolution Team", "Inpatient Services"),
        MappaRole.DUTY_TO_COOPERATE,
        "RXT",
    ),
    DemoAgency(
        "council",
        "Riverside Council Adult Social Care",
        AgencyType.LOCAL_AUTHORITY_ASC,
        ("Adult Safeguarding Hub", "Locality Team East"),
        MappaRole.DUTY_TO_COOPERATE,
    ),
    DemoAgency(
        "police",
        "Northshire Police",
        AgencyType.POLICE,
        ("Public Protection Unit",),
        MappaRole.RESPONSIBLE_AUTHORITY,
    ),
    DemoAgency(
        "probation",
        "Northshire Probation Service",
        AgencyType.PROBATION,
        ("Riverside Probation Team",),
        MappaRole.RESPONSIBLE_AUTHORITY,
    ),
    DemoAgency(
        "housing",
        "Riverside Homes Housing Association",
        AgencyType.REGISTERED_SOCIAL_LANDLORD,
        ("Tenancy Support",),
        MappaRole.DUTY_TO_COOPERATE,
    ),
    DemoAgency("idva", "Riverside IDVA Service", AgencyType.IDVA_SERVICE, ("IDVA Team",)),
    DemoAgency(
        "icb",
        "Riverside and Valley Integrated Care Board",
        AgencyType.ICB,
        ("Safeguarding Assurance",),
        MappaRole.DUTY_TO_COOPERATE,
        "QRV",
    ),
)


@dataclass(frozen=True)
class DemoUser:
    email: str
    full_name: str
    agency: str
    team: str | None
    roles: tuple[str, ...]
    manager: str | None = None
    deputy: str | None = None
    job_title: str = ""


USERS = (
    # NHS mental health trust
    DemoUser(
        "priya.shah@trust.demo",
        "Priya Shah",
        "trust",
        "Community Mental Health Team North",
        (Role.PRACTITIONER,),
        "tom.reed@trust.demo",
        "omar.haddad@trust.demo",
        "Community psychiatric nurse",
    ),
    DemoUser(
        "tom.reed@trust.demo",
        "Tom Reed",
        "trust",
        "Community Mental Health Team North",
        (Role.TEAM_MANAGER, Role.PRACTITIONER),
        "asha.okafor@trust.demo",
        "grace.wu@trust.demo",
        "Team manager",
    ),
    DemoUser(
        "asha.okafor@trust.demo",
        "Asha Okafor",
        "trust",
        None,
        (Role.SAFEGUARDING_LEAD, Role.MEETING_CHAIR, Role.SAR_PANEL_MEMBER, Role.MARAC_REPRESENTATIVE),
        "daniel.kim@trust.demo",
        "grace.wu@trust.demo",
        "Named professional for adult safeguarding",
    ),
    DemoUser(
        "daniel.kim@trust.demo",
        "Daniel Kim",
        "trust",
        None,
        (Role.DIRECTOR, Role.EXECUTIVE_LEAD),
        None,
        "asha.okafor@trust.demo",
        "Director of nursing",
    ),
    DemoUser(
        "grace.wu@trust.demo",
        "Grace Wu",
        "trust",
        None,
        (Role.CALDICOTT_GUARDIAN, Role.SAFEGUARDING_LEAD),
        "daniel.kim@trust.demo",
        "asha.okafor@trust.demo",
        "Caldicott guardian",
    ),
    DemoUser(
        "omar.haddad@trust.demo",
        "Omar Haddad",
        "trust",
        "Crisis Resolution Team",
        (Role.OUT_OF_HOURS_PRACTITIONER, Role.PRACTITIONER),
        "tom.reed@trust.demo",
        None,
        "Crisis practitioner",
    ),
    DemoUser(
        "nina.patel@trust.demo",
        "Nina Patel",
        "trust",
        None,
        (Role.AGENCY_ADMIN,),
        None,
        None,
        "Systems administrator",
    ),
    DemoUser(
        "alex.morgan@trust.demo",
        "Alex Morgan",
        "trust",
        None,
        (Role.AUDITOR,),
        None,
        None,
        "Information governance auditor",
    ),
    # Local authority adult social care
    DemoUser(
        "sam.jones@council.demo",
        "Sam Jones",
        "council",
        "Adult Safeguarding Hub",
        (Role.PRACTITIONER, Role.ENQUIRY_OFFICER),
        "mark.evans@council.demo",
        None,
        "Social worker",
    ),
    DemoUser(
        "mark.evans@council.demo",
        "Mark Evans",
        "council",
        "Adult Safeguarding Hub",
        (Role.TEAM_MANAGER,),
        "lucy.brown@council.demo",
        None,
        "Team manager",
    ),
    DemoUser(
        "lucy.brown@council.demo",
        "Lucy Brown",
        "council",
        "Adult Safeguarding Hub",
        (Role.LA_SAFEGUARDING_MANAGER, Role.SAFEGUARDING_LEAD, Role.MEETING_CHAIR),
        "helen.clarke@council.demo",
        "mark.evans@council.demo",
        "Safeguarding adults manager",
    ),
    DemoUser(
        "helen.clarke@council.demo",
        "Helen Clarke",
        "council",
        None,
        (Role.DIRECTOR,),
        None,
        "lucy.brown@council.demo",
        "Director of adult social services",
    ),
    DemoUser(
        "ben.taylor@council.demo",
        "Ben Taylor",
        "council",
        "Adult Safeguarding Hub",
        (Role.MARAC_COORDINATOR,),
        "lucy.brown@council.demo",
        None,
        "MARAC coordinator",
    ),
    # Police and probation (MAPPA responsible authority)
    DemoUser(
        "dave.wilson@police.demo",
        "Dave Wilson",
        "police",
        "Public Protection Unit",
        (Role.PRACTITIONER, Role.MARAC_REPRESENTATIVE, Role.MAPPA_ATTENDEE),
        "sarah.lee@police.demo",
        None,
        "Detective constable",
    ),
    DemoUser(
        "sarah.lee@police.demo",
        "Sarah Lee",
        "police",
        "Public Protection Unit",
        (Role.SAFEGUARDING_LEAD, Role.MEETING_CHAIR, Role.DIRECTOR, Role.SAR_PANEL_MEMBER),
        None,
        None,
        "Detective inspector",
    ),
    DemoUser(
        "james.ward@probation.demo",
        "James Ward",
        "probation",
        "Riverside Probation Team",
        (Role.PRACTITIONER, Role.MAPPA_ATTENDEE, Role.SAFEGUARDING_LEAD),
        None,
        None,
        "Probation officer",
    ),
    # Housing and the IDVA service
    DemoUser(
        "fiona.green@housing.demo",
        "Fiona Green",
        "housing",
        "Tenancy Support",
        (Role.PRACTITIONER, Role.MARAC_REPRESENTATIVE, Role.SAFEGUARDING_LEAD),
        None,
        None,
        "Tenancy support officer",
    ),
    DemoUser(
        "rosa.martinez@idva.demo",
        "Rosa Martinez",
        "idva",
        "IDVA Team",
        (Role.IDVA, Role.MARAC_REPRESENTATIVE, Role.SAFEGUARDING_LEAD),
        None,
        None,
        "Senior IDVA",
    ),
    # SAB business unit and the ICB
    DemoUser(
        "kate.hughes@sab.demo",
        "Kate Hughes",
        "sab",
        "Business Unit",
        (Role.SAB_BUSINESS_MANAGER,),
        None,
        None,
        "SAB business manager",
    ),
    DemoUser(
        "margaret.ellis@sab.demo",
        "Margaret Ellis",
        "sab",
        None,
        (Role.SAB_CHAIR,),
        None,
        None,
        "Independent chair",
    ),
    DemoUser(
        "robin.fox@reviewer.demo",
        "Robin Fox",
        "sab",
        None,
        (Role.SAR_REVIEWER,),
        None,
        None,
        "Independent reviewer",
    ),
    DemoUser(
        "joanne.price@icb.demo",
        "Joanne Price",
        "icb",
        "Safeguarding Assurance",
        (Role.COMMISSIONER,),
        None,
        None,
        "Designated nurse, safeguarding adults",
    ),
)

DIRECTORY = (
    ("trust", Position.SAFEGUARDING_LEAD, "asha.okafor@trust.demo", "grace.wu@trust.demo"),
    ("trust", Position.DIRECTOR, "daniel.kim@trust.demo", "asha.okafor@trust.demo"),
    ("trust", Position.EXECUTIVE_LEAD, "daniel.kim@trust.demo", None),
    ("trust", Position.CALDICOTT_GUARDIAN, "grace.wu@trust.demo", None),
    ("council", Position.SAFEGUARDING_LEAD, "lucy.brown@council.demo", "mark.evans@council.demo"),
    ("council", Position.LA_SAFEGUARDING_MANAGER, "lucy.brown@council.demo", "mark.evans@council.demo"),
    ("council", Position.DIRECTOR, "helen.clarke@council.demo", "lucy.brown@council.demo"),
    ("police", Position.SAFEGUARDING_LEAD, "sarah.lee@police.demo", None),
    ("police", Position.DIRECTOR, "sarah.lee@police.demo", None),
    ("probation", Position.SAFEGUARDING_LEAD, "james.ward@probation.demo", None),
    ("housing", Position.SAFEGUARDING_LEAD, "fiona.green@housing.demo", None),
    ("idva", Position.SAFEGUARDING_LEAD, "rosa.martinez@idva.demo", None),
    (None, Position.SAB_CHAIR, "margaret.ellis@sab.demo", None),
    (None, Position.SAB_BUSINESS_MANAGER, "kate.hughes@sab.demo", None),
    (None, Position.MARAC_COORDINATOR, "ben.taylor@council.demo", None),
    (None, Position.MARAC_CHAIR, "sarah.lee@police.demo", None),
)


def demo_totp_key(email: str) -> str:
    """A stable base32 TOTP key per demo user (demo data only; real users enrol with a random key)."""
    return base64.b32encode(hashlib.sha256(f"demo-totp:{email}".encode()).digest()[:20]).decode()


def demo_agency(key: str) -> Agency:
    name = next(a.name for a in AGENCIES if a.key == key)
    return Agency.objects.get(name=name)


def demo_user(email: str) -> User:
    return User.objects.get(email=email)


def demo_area() -> Area:
    return Area.objects.get(name=AREA_NAME)


@transaction.atomic
def seed_organisations() -> None:
    agencies: dict[str, Agency] = {}
    for agency_spec in AGENCIES:
        agency = Agency.objects.filter(name=agency_spec.name).first()
        if agency is None:
            agency = org.agency_create(
                name=agency_spec.name,
                agency_type=agency_spec.agency_type,
                mappa_role=agency_spec.mappa_role,
                ods_code=agency_spec.ods_code,
            )
        agencies[agency_spec.key] = agency
        for team_name in agency_spec.teams:
            Team.objects.get_or_create(agency=agency, name=team_name)
    agencies["icb"].commissions.add(agencies["trust"])

    area = Area.objects.filter(name=AREA_NAME).first()
    if area is None:
        area = org.area_create(name=AREA_NAME, business_unit=agencies["sab"], agencies=agencies.values())

    users: dict[str, User] = {}
    for spec in USERS:
        user = User.objects.filter(email=spec.email).first()
        if user is None:
            agency = agencies[spec.agency]
            team = Team.objects.get(agency=agency, name=spec.team) if spec.team else None
            user = org.user_create(
                email=spec.email,
                full_name=spec.full_name,
                agency=agency,
                roles=spec.roles,
                team=team,
                password=DEMO_PASSWORD,
                job_title=spec.job_title,
            )
            totp_device_with_key(user=user, base32_key=demo_totp_key(spec.email))
        users[spec.email] = user
    for spec in USERS:
        Membership.objects.filter(user=users[spec.email]).update(
            line_manager=users.get(spec.manager) if spec.manager else None,
            deputy=users.get(spec.deputy) if spec.deputy else None,
        )
    for agency_key, position, holder, deputy in DIRECTORY:
        org.directory_set(
            area=area,
            position=position,
            holder=users[holder],
            deputy=users[deputy] if deputy else None,
            agency=agencies[agency_key] if agency_key else None,
        )


def credentials() -> list[tuple[str, str, str, str]]:
    """(email, roles, agency, TOTP key) for every demo user, for the console."""
    rows = []
    for spec in USERS:
        agency_name = next(a.name for a in AGENCIES if a.key == spec.agency)
        rows.append((spec.email, ", ".join(spec.roles), agency_name, demo_totp_key(spec.email)))
    return rows

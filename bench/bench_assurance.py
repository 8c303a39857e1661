"""Commissioner assurance under load: metrics for a quarter with 100,000 cases, and a full evidence pack end to end.

Builds its own database (``sg_bench_assurance``): the organisations through the services, then by SQL (history
triggers bypassed for the load only) one adult, one case and one concern per row, all raised by one trust in
2026-Q2, with LA decisions, enquiries (some caused to the trust, some concluded with MSP and risk outcomes), sharing
decisions, disagreements and training records. Then, in the same run:

- every metric for the quarter, exact (the provider's view) and suppressed (the commissioner's), beside a baseline
  ``SELECT count(*)`` over the same concerns; and the metrics page payload with four quarters of trends;
- the pack end to end: prepare (figures frozen) → narrative → two sign-offs → the render request through the API
  (202; the broker is in memory here) → the PDF rendered by ``pack_render`` in a separate process, as the ``pdf``
  worker does, whose peak memory (VmHWM) is reported → download.

Targets: metrics ≤ 1 s, pack ≤ 5 s, the render request ≤ 200 ms, PDF worker peak memory ≤ 500 MB.
Options: ``--cases 100000``, ``--keep`` to reuse a loaded database, ``--repeat 3``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
DB = "sg_bench_assurance"


def _url() -> str:
    base = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeguarding"))
    return urlunparse(base._replace(path=f"/{DB}", query=""))


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": _url(),
        "DJANGO_SETTINGS_MODULE": "safeguarding.settings",
        "DEBUG": "1",
        "LOG_LEVEL": "WARNING",
        "TESTING": "0",
        "CELERY_BROKER_URL": "memory://",  # the render request enqueues; the worker's job is timed separately
        "MEDIA_ROOT": str(ROOT / "var" / "bench-media"),
    }


def _python(code: str, *args: str) -> str:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=_env(), check=True, capture_output=True, text=True
    )
    return out.stdout


SETUP = """
import django, json; django.setup()
from safeguarding.organisations import services as org
from safeguarding.organisations.models import AgencyType, Agency, Team
from safeguarding.accounts.services import totp_device_with_key
from safeguarding.roles import Role
trust = Agency.objects.filter(name="Bench trust").first()
if trust is None:
    trust = org.agency_create(name="Bench trust", agency_type=AgencyType.NHS_MENTAL_HEALTH_TRUST)
    la = org.agency_create(name="Bench council", agency_type=AgencyType.LOCAL_AUTHORITY_ASC)
    icb = org.agency_create(name="Bench ICB", agency_type=AgencyType.ICB)
    icb.commissions.add(trust)
    area = org.area_create(name="Bench area", agencies=[trust, la, icb])
    teams = [Team.objects.create(agency=trust, name=f"Team {n}") for n in range(10)]
    def user(email, agency, roles, team=None):
        u = org.user_create(email=email, full_name=email.split("@")[0].title(), agency=agency, roles=roles,
                            team=team, password="bench-password-123456")
        totp_device_with_key(user=u, base32_key="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        return u
    user("lead@bench.test", trust, [Role.SAFEGUARDING_LEAD])
    user("exec@bench.test", trust, [Role.EXECUTIVE_LEAD])
    user("commissioner@bench.test", icb, [Role.COMMISSIONER])
    user("la@bench.test", la, [Role.LA_SAFEGUARDING_MANAGER])
    for n in range(60):
        user(f"staff{n}@bench.test", trust, [Role.PRACTITIONER], teams[n % 10])
from django.contrib.auth import get_user_model
U = get_user_model()
print(json.dumps({"trust": str(trust.pk), "la": str(Agency.objects.get(name="Bench council").pk),
                  "area": str(trust.areas.get().pk), "user": str(U.objects.get(email="staff0@bench.test").pk),
                  "la_user": str(U.objects.get(email="la@bench.test").pk),
                  "teams": [str(t) for t in Team.objects.filter(agency=trust).values_list("pk", flat=True)]}))
"""

LOAD_SQL = """
SET session_replication_role = replica;  -- bypass history triggers for the bulk load only
INSERT INTO cases_person (id, given_name, family_name, aliases, normalised_name, search_text, date_of_birth,
    identifier_system, nhs_number, nhs_number_status, address, postcode, gender, ethnicity, primary_support_reason,
    autism_or_learning_disability, asperger_or_high_functioning_autism, communication_needs, created_by_agency_id,
    created_at, version)
SELECT md5('person' || n)::uuid, 'Given' || n, 'Family' || n, '{{}}', 'given' || n, 'given' || n,
    DATE '1950-01-01' + (n % 20000), 'nhs_number', '', CASE WHEN n % 3 = 0 THEN '01' ELSE '' END, '', '',
    'not_known', 'undeclared_not_known', 'not_known', false, false, '', '{trust}', now(), 1
FROM generate_series(0, {cases} - 1) n;
INSERT INTO cases_case (id, reference, owning_agency_id, area_id, team_id, adult_id, status, closure_reason,
    closure_note, risk_level, current_risks, protective_factors, children_in_household, adults_at_risk_in_household,
    think_family_notes, mha_status, care_coordinator, crisis_plan, safety_plan, opened_at, updated_at,
    created_by_id, version)
SELECT md5('case' || n)::uuid, 'SG-B-' || lpad(n::text, 7, '0'), '{trust}', '{area}',
    (ARRAY{teams}::uuid[])[1 + n % 10], md5('person' || (n % ({cases} * 9 / 10)))::uuid,
    CASE WHEN n >= {cases} * 9 / 10 THEN 'closed' ELSE 'raised' END, '', '', 'medium',
    '', '', false, false, '', 'none', '', '', '', now(), now(), '{user}', 1
FROM generate_series(0, {cases} - 1) n;
INSERT INTO cases_concern (id, case_id, identified_at, raised_at, raising_agency_id, raising_user_id, what_happened,
    abuse_types, location_of_risk, source_of_risk, immediate_risk, immediate_actions, adult_aware,
    adult_aware_reason, consent_to_raise, consent_not_sought_reason, consent_not_sought_detail, adult_views,
    desired_outcomes, domestic_abuse_disclosed, received_by_la_at, criterion_care_support_needs,
    criterion_abuse_or_risk, criterion_unable_to_protect, decision, not_s42_reasons, alternative_responses,
    decision_rationale, decided_by_id, decided_at, created_at)
SELECT md5('concern' || n)::uuid, md5('case' || n)::uuid, r - interval '1 hour' * (n % 40), r, '{trust}', '{user}',
    'Bench concern text', ARRAY[(ARRAY['neglect_acts_of_omission','physical','financial_material','psychological',
    'domestic_abuse','self_neglect'])[1 + n % 6]], (ARRAY['own_home','care_home_nursing','hospital_mental_health',
    'in_community'])[1 + n % 4], (ARRAY['other_known','other_unknown','service_provider'])[1 + n % 3], false, '',
    true, '', CASE WHEN n % 10 = 0 THEN 'not_sought' ELSE 'given' END,
    CASE WHEN n % 20 = 0 THEN 'would_increase_risk' ELSE '' END, '', '', '[]', n % 6 = 4,
    CASE WHEN n % 3 = 0 THEN r + interval '2 hours' END, CASE WHEN n % 3 = 0 THEN 'yes' ELSE '' END,
    CASE WHEN n % 3 = 0 THEN 'yes' ELSE '' END, CASE WHEN n % 3 = 0 THEN 'yes' ELSE '' END,
    CASE WHEN n % 3 = 0 THEN (CASE WHEN n % 2 = 0 THEN 's42_enquiry' ELSE 'other_enquiry' END) ELSE '' END,
    '{{}}', '{{}}', '', CASE WHEN n % 3 = 0 THEN '{la_user}'::uuid END,
    CASE WHEN n % 3 = 0 THEN r + interval '1 day' * (n % 4) END, r
FROM (SELECT n, TIMESTAMPTZ '2026-04-01 08:00+01' + (n % 90) * interval '1 day' + (n % 8) * interval '1 hour' AS r
      FROM generate_series(0, {cases} - 1) n) s;
INSERT INTO cases_enquiry (id, case_id, concern_id, enquiry_type, lead_agency_id, caused_by_la, scope, status,
    started_at, concluded_at, mental_capacity, advocacy_support, msp_asked, msp_achieved, desired_outcomes,
    risk_assessment_outcome, risk_result, conclusion_notes, created_by_id, version)
SELECT md5('enquiry' || n)::uuid, md5('case' || n)::uuid, md5('concern' || n)::uuid, 's42',
    CASE WHEN n % 4 = 0 THEN '{trust}'::uuid ELSE '{la}'::uuid END, n % 4 = 0, '',
    CASE WHEN n % 2 = 0 THEN 'concluded' ELSE 'open' END, c.decided_at,
    CASE WHEN n % 2 = 0 THEN LEAST(c.decided_at + interval '1 day' * (n % 30), TIMESTAMPTZ '2026-06-30 12:00+01') END,
    (ARRAY['lacked_capacity','did_not_lack_capacity','dont_know'])[1 + n % 3],
    CASE WHEN n % 3 = 0 THEN n % 2 = 0 END,
    (ARRAY['asked_outcomes_expressed','asked_no_outcomes_expressed','not_asked'])[1 + n % 3],
    CASE WHEN n % 3 = 0 THEN (ARRAY['fully','partially','not_achieved'])[1 + n % 3] ELSE '' END, '[]',
    (ARRAY['risk_identified_action_taken','no_risk_no_action'])[1 + n % 2],
    CASE WHEN n % 2 = 0 THEN 'risk_reduced' ELSE '' END, '', '{la_user}', 1
FROM generate_series(0, {cases} - 1, 3) n JOIN cases_concern c ON c.id = md5('concern' || n)::uuid;
INSERT INTO safeguarding_sharingdecision (id, subject_type_id, subject_id, owner_agency_id, direction,
    recipient_agency_id, purpose, purpose_detail, scope, data_items, data_items_detail, special_category,
    lawful_basis_art6, condition_art9, dpa_sch1_condition, consent_status, override_reason, override_detail,
    common_law_justification, rationale, decided_by_id, decided_at, adult_informed, adult_not_informed_reason,
    revoked_reason, source, source_id, created_at)
SELECT md5('decision' || n)::uuid, {case_type}, md5('case' || n)::uuid, '{trust}',
    CASE WHEN n % 10 = 0 THEN 'refuse' ELSE 'disclose' END, '{la}', 's42_enquiry', '', 'full', ARRAY['identity'], '',
    '{{}}', (ARRAY['6_1_e_public_task','6_1_c_legal_obligation','6_1_d_vital_interests'])[1 + n % 3], '', '',
    CASE WHEN n % 5 = 0 THEN 'not_sought' ELSE 'given' END, CASE WHEN n % 10 = 5 THEN 'risk_of_serious_harm' ELSE ''
    END, '', '', 'Bench rationale', '{user}', TIMESTAMPTZ '2026-04-02 10:00+01' + (n % 88) * interval '1 day', true,
    '', '', 'bench', '', now()
FROM generate_series(0, {cases} / 5 - 1) n;
INSERT INTO escalation_disagreement (id, subject_type_id, subject_id, subject_label, case_id, category, disputed,
    resolution_sought, immediate_risk, adult_views, raised_by_id, raiser_agency_id, respondent_agency_id, area_id,
    stage, status, source_delay_reason, agreement, lessons_learned, opened_at, resolved_at)
SELECT md5('dis' || n)::uuid, {case_type}, md5('case' || n)::text, 'SG-B', md5('case' || n)::uuid,
    'case_management', 'x', 'y', false, '', '{user}', CASE WHEN n % 2 = 0 THEN '{trust}'::uuid ELSE '{la}'::uuid END,
    CASE WHEN n % 2 = 0 THEN '{la}'::uuid ELSE '{trust}'::uuid END, '{area}', 1 + n % 4,
    CASE WHEN n % 3 = 0 THEN 'resolved' ELSE 'open' END, '', '', '',
    TIMESTAMPTZ '2026-04-02 10:00+01' + (n % 80) * interval '1 day',
    CASE WHEN n % 3 = 0 THEN TIMESTAMPTZ '2026-04-05 10:00+01' + (n % 80) * interval '1 day' END
FROM generate_series(0, 999) n;
INSERT INTO assurance_trainingrecord (id, agency_id, staff_id, role, topic, required_level, course, completed_at,
    expires_at, recorded_by_id, created_at)
SELECT md5('training' || m.id || t)::uuid, '{trust}', m.user_id, '', t, 'L3', 'Course', DATE '2025-01-01',
    CASE WHEN (hashtext(m.id::text) % 10) < 8 THEN DATE '2028-01-01' ELSE DATE '2026-01-01' END, '{user}', now()
FROM safeguarding_membership m, unnest(ARRAY['safeguarding_adults','prevent']) t WHERE m.agency_id = '{trust}';
SET session_replication_role = DEFAULT;
ANALYZE;
"""

MEASURE = """
import django, json, statistics, sys, time; django.setup()
from django.db import connection
from assurance import figures as fig
from assurance.metrics.periods import parse_period
from assurance.metrics.registry import Context, compute_all
from assurance.metrics import present
repeat = int(sys.argv[1]); trust = sys.argv[2]
period = parse_period("2026-Q2")
ctx = Context(period=period, agency_ids=(trust,))
def timed(fn):
    out = []
    for _ in range(repeat):
        t = time.perf_counter(); fn(); out.append(time.perf_counter() - t)
    return statistics.median(out)
def baseline():
    with connection.cursor() as c:
        c.execute("SELECT count(*) FROM cases_concern WHERE raising_agency_id = %s"
                  " AND raised_at >= %s AND raised_at < %s", [trust, period.start_at, period.end_before])
compute_all(ctx)  # warm
result = {
    "baseline_count_s": timed(baseline),
    "metrics_exact_s": timed(lambda: [present.outcome(o, exact=True) for o in compute_all(ctx)]),
    "metrics_suppressed_s": timed(lambda: [present.outcome(o, exact=False) for o in compute_all(ctx)]),
    "metrics_page_payload_with_trends_s": timed(lambda: fig.metrics_payload(ctx, exact=True, trends=True)),
}
raised = next(o for o in compute_all(ctx) if o.metric.code == "M1").data.figures[0].value
result["concerns_in_quarter"] = raised
print(json.dumps(result))
"""

PACK = """
import django, json, time; django.setup()
from django.contrib.auth import get_user_model
from assurance import services
from assurance.metrics.periods import parse_period
from tests.helpers import api_client
U = get_user_model()
lead, exe = U.objects.get(email="lead@bench.test"), U.objects.get(email="exec@bench.test")
t0 = time.perf_counter()
pack = services.pack_create(by=lead, period=parse_period("2026-Q2"))
t_create = time.perf_counter() - t0
pack = services.pack_update_narrative(pack=pack, by=lead, assurance_statement="Bench statement.", risks="None.")
services.pack_sign(pack=pack, by=lead, capacity="safeguarding_lead")
services.pack_sign(pack=pack, by=exe, capacity="executive_lead")
client = api_client(lead)
client.get("/api/v1/evidence-packs/")  # warm the session and URL resolution
from safeguarding.celery import app
with app.producer_or_acquire():  # warm the broker connection pool, as in a long-running web worker
    pass
t = time.perf_counter()
response = client.post(f"/api/v1/evidence-packs/{pack.pk}/render/")
t_request = time.perf_counter() - t
assert response.status_code == 202, response.content
print(json.dumps({"pack": str(pack.pk), "prepare_s": t_create, "render_request_s": t_request,
                  "before_render_s": time.perf_counter() - t0}))
"""

RENDER = """
import django, json, resource, sys, time; django.setup()
from assurance import pdf, services  # imported once by a running worker, so not timed
from assurance.models import EvidencePack
t = time.perf_counter()
pack = services.pack_render(pack_id=sys.argv[1])
cold = time.perf_counter() - t
# A running worker has rendered before: render the same pack again (same frozen figures) to time a warm job.
EvidencePack.objects.filter(pk=sys.argv[1]).update(render_status="queued")
t = time.perf_counter()
pack = services.pack_render(pack_id=sys.argv[1])
warm = time.perf_counter() - t
peak_kib = max(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
print(json.dumps({"render_s": warm, "render_cold_s": cold, "pages": pack.manifest["pages"],
                  "pdf_bytes": pack.manifest["pdf_bytes"], "worker_peak_mb": peak_kib / 1024,
                  "status": pack.render_status}))
"""

DOWNLOAD = """
import django, json, sys, time; django.setup()
from django.contrib.auth import get_user_model
from tests.helpers import api_client
client = api_client(get_user_model().objects.get(email="commissioner@bench.test"))
t = time.perf_counter()
response = client.get(f"/api/v1/evidence-packs/{sys.argv[1]}/download/")
size = len(b"".join(response.streaming_content))
print(json.dumps({"download_s": time.perf_counter() - t, "status": response.status_code, "bytes": size}))
"""


def _last_json(text: str) -> dict[str, object]:
    return json.loads(text.strip().splitlines()[-1])  # type: ignore[no-any-return]


def prepare(args: argparse.Namespace) -> dict[str, object]:
    import psycopg

    maintenance = _url().rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(maintenance, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone()
        if exists and not args.keep:
            conn.execute(f"DROP DATABASE {DB} WITH (FORCE)")
            exists = None
        if not exists:
            conn.execute(f"CREATE DATABASE {DB}")
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=_env(), check=True)
    ids = _last_json(_python(SETUP))
    with psycopg.connect(_url(), autocommit=True) as conn:
        loaded = conn.execute("SELECT count(*) FROM cases_concern").fetchone()[0]  # type: ignore[index]
        if loaded < args.cases:
            case_type = conn.execute(
                "SELECT id FROM django_content_type WHERE app_label = 'cases' AND model = 'case'"
            ).fetchone()[0]  # type: ignore[index]
            started = time.monotonic()
            teams = "[" + ",".join(f"'{t}'" for t in ids["teams"]) + "]"  # type: ignore[attr-defined]
            conn.execute(
                LOAD_SQL.format(
                    cases=args.cases, case_type=case_type, teams=teams, **{k: ids[k] for k in ids if k != "teams"}
                )  # type: ignore[arg-type]
            )
            print(f"loaded {args.cases:,} cases in {time.monotonic() - started:.0f} s", flush=True)
    return ids


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench_assurance")
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="reuse an already loaded database")
    args = parser.parse_args(argv)
    ids = prepare(args)
    metrics = _last_json(_python(MEASURE, str(args.repeat), str(ids["trust"])))
    pack = _last_json(_python(PACK))
    render = _last_json(_python(RENDER, str(pack["pack"])))
    download = _last_json(_python(DOWNLOAD, str(pack["pack"])))
    end_to_end = float(pack["before_render_s"]) + float(render["render_s"]) + float(download["download_s"])  # type: ignore[arg-type]
    rows = [
        ("concerns in the quarter", f"{metrics['concerns_in_quarter']:,}", ""),
        ("baseline: count(*) of those concerns", f"{metrics['baseline_count_s']:.3f} s", ""),
        ("metrics M1–M24, exact (provider)", f"{metrics['metrics_exact_s']:.3f} s", "≤ 1 s"),
        ("metrics M1–M24, suppressed (commissioner)", f"{metrics['metrics_suppressed_s']:.3f} s", "≤ 1 s"),
        (
            "metrics page payload with 4 quarters of trends",
            f"{metrics['metrics_page_payload_with_trends_s']:.3f} s",
            "",
        ),
        ("pack: prepare (figures and trends frozen)", f"{pack['prepare_s']:.3f} s", ""),
        ("pack: render request (API, 202)", f"{float(pack['render_request_s']) * 1000:.0f} ms", "≤ 200 ms"),  # type: ignore[arg-type]
        ("pack: PDF render, first job of a fresh worker", f"{render['render_cold_s']:.2f} s", ""),
        ("pack: PDF render in a running worker", f"{render['render_s']:.2f} s ({render['pages']} pages)", ""),
        ("pack: PDF worker peak memory (VmHWM)", f"{render['worker_peak_mb']:.0f} MB", "≤ 500 MB"),
        ("pack: download (commissioner)", f"{float(download['download_s']) * 1000:.0f} ms", ""),  # type: ignore[arg-type]
        ("pack end to end", f"{end_to_end:.2f} s", "≤ 5 s"),
    ]
    width = max(len(r[0]) for r in rows)
    for label, value, target in rows:
        print(f"{label:<{width}}  {value:>22}  {target}")
    ok = (
        float(metrics["metrics_exact_s"]) <= 1  # type: ignore[arg-type]
        and end_to_end <= 5
        and float(pack["render_request_s"]) <= 0.2  # type: ignore[arg-type]
        and float(render["worker_peak_mb"]) <= 500  # type: ignore[arg-type]
    )
    print("targets met" if ok else "TARGETS MISSED", flush=True)
    return 0

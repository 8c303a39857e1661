"""The visibility filter under load: the case list and the audited detail for a dense- and a sparse-visibility user.

Builds its own database (``sg_bench_sharing``), bulk-loading by SQL (history triggers bypassed for the load only):
agencies (one owning nothing: the sparse user's), users, one person and one case per row, sharing decisions and their
derived group grants. Then it serves the app with gunicorn (one sync worker, ``ROOT_URLCONF=bench.urls``) and
measures, in the same run:

- the case list API (50 rows) for each user, beside the same endpoint with the visibility filter removed
  (``/bench/cases-unfiltered/``: same table, ordering, serializer, pagination and access logging);
- the audited case detail, beside a bare authenticated JSON view (``/bench/bare/``), latency and throughput;
- the web worker's peak memory (VmHWM).

Targets: filtered/unfiltered list p95 ≤ 2× for both users; audited detail throughput ≥ 25% of the bare view; peak
web-worker memory ≤ 300 MB. Options: ``--cases 1000000 --agencies 200 --users 20000 --decisions 500000``
(``--small`` = 100,000 cases, 20,000 decisions), ``--requests 200``, ``--keep`` to reuse a loaded database.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
DB = "sg_bench_sharing"
SECRET_KEY = secrets.token_urlsafe(50)  # one per run, for the DEBUG=0 settings check


def _url() -> str:
    base = urlparse(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/safeguarding"))
    return urlunparse(base._replace(path=f"/{DB}", query=""))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _env() -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": _url(),
        "DJANGO_SETTINGS_MODULE": "safeguarding.settings",
        # As in production (DEBUG=0: no per-query debug recording), but over plain HTTP on the loopback.
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "localhost",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(ROOT / "bench"),  # any existing directory: the API serves no static files
        "ROOT_URLCONF": "bench.urls",
        "LOG_LEVEL": "WARNING",
        "TESTING": "0",
    }


def _manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=_env(), check=True)


def prepare(args: argparse.Namespace) -> dict[str, str]:
    """Create and load the database (unless --keep and it is loaded); return the users' API keys."""
    import psycopg

    admin = urlunparse(urlparse(_url())._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone()
        if exists and not args.keep:
            conn.execute(f'DROP DATABASE "{DB}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{DB}"')
    started = time.monotonic()
    _manage("migrate", "--noinput", "-v", "0")
    print(f"migrated in {time.monotonic() - started:.0f} s", flush=True)
    with psycopg.connect(_url(), autocommit=True) as conn:
        loaded = conn.execute("SELECT count(*) FROM cases_case").fetchone()[0]
    if loaded < args.cases:
        started = time.monotonic()
        load(args)
        print(
            f"loaded {args.cases:,} cases and {args.decisions:,} decisions in {time.monotonic() - started:.0f} s",
            flush=True,
        )
    code = (
        "import json, django; django.setup();"
        "from knox.models import AuthToken; from safeguarding.accounts.models import User;"
        "keys = {};"
        "[keys.__setitem__(n, AuthToken.objects.create(user=User.objects.get(email=f'{n}@bench.test'))[1])"
        " for n in ('dense', 'sparse')];"
        "print(json.dumps(keys))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=_env(), check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


LOAD_SQL = """
SET session_replication_role = replica;  -- bypass history triggers for the bulk load only
INSERT INTO auth_group (name) SELECT 'bench-agency:' || n FROM generate_series(0, {agencies} - 1) n;
INSERT INTO safeguarding_agency (id, name, agency_type, ods_code, nation, mappa_role, restricted, active,
    business_hours_start, business_hours_end, group_id, created_at)
SELECT md5('agency' || n)::uuid, 'Bench agency ' || n, 'nhs_mental_health_trust', '', 'england-and-wales', 'none',
    false, true, '09:00', '17:00', g.id, now()
FROM generate_series(0, {agencies} - 1) n JOIN auth_group g ON g.name = 'bench-agency:' || n;
INSERT INTO safeguarding_area (id, name, nation, business_unit_id, observe_ad_hoc_holidays, created_at)
VALUES (md5('area')::uuid, 'Bench area', 'england-and-wales', NULL, true, now());
INSERT INTO safeguarding_area_agencies (area_id, agency_id)
SELECT md5('area')::uuid, md5('agency' || n)::uuid FROM generate_series(0, {agencies} - 1) n;
INSERT INTO safeguarding_user (password, is_superuser, id, email, full_name, is_active, is_staff, date_joined)
SELECT '!', false, md5('user' || n)::uuid, 'user' || n || '@bench.test', 'Bench user ' || n, true, false, now()
FROM generate_series(0, {users} - 1) n;
-- Users spread over every agency but the last (the sparse agency, which owns nothing).
INSERT INTO safeguarding_membership (id, user_id, agency_id, roles, job_title, created_at)
SELECT md5('membership' || n)::uuid, md5('user' || n)::uuid, md5('agency' || (n % ({agencies} - 1)))::uuid,
    ARRAY['practitioner'], '', now()
FROM generate_series(0, {users} - 1) n;
INSERT INTO cases_person (id, given_name, family_name, aliases, normalised_name, search_text, date_of_birth,
    identifier_system, nhs_number, nhs_number_status, address, postcode, gender, ethnicity, primary_support_reason,
    autism_or_learning_disability, asperger_or_high_functioning_autism, communication_needs, created_by_agency_id,
    created_at, version)
SELECT md5('person' || n)::uuid, 'Given' || n, 'Family' || n, '{{}}', 'given' || n || ' family' || n,
    'given' || n || ' family' || n, DATE '1950-01-01' + (n % 20000), 'nhs_number', '', '', '', '', 'not_known',
    'undeclared_not_known', 'not_known', false, false, '', md5('agency' || (n % ({agencies} - 1)))::uuid, now(), 1
FROM generate_series(0, {cases} - 1) n;
INSERT INTO cases_case (id, reference, owning_agency_id, area_id, adult_id, status, closure_reason, closure_note,
    risk_level, current_risks, protective_factors, children_in_household, adults_at_risk_in_household,
    think_family_notes, mha_status, care_coordinator, crisis_plan, safety_plan, opened_at, updated_at,
    created_by_id, version)
SELECT md5('case' || n)::uuid, 'SG-2026-' || lpad(n::text, 7, '0'), md5('agency' || (n % ({agencies} - 1)))::uuid,
    md5('area')::uuid, md5('person' || n)::uuid, CASE WHEN n % 7 = 0 THEN 'closed' ELSE 'raised' END, '', '',
    'medium', '', '', false, false, '', 'none', '', '', '', now() - (n % 700) * interval '1 day',
    now() - ((n::bigint * 7919) % 1000000) * interval '1 minute', md5('user' || (n % ({users}))::text)::uuid, 1
FROM generate_series(0, {cases} - 1) n;
SELECT setval('cases_case_reference_seq', {cases} + 1);
-- Decisions: case n shared with agency (n * 31 + 7) % (agencies - 1), skipping the owner; the last (sparse) agency
-- receives exactly 40 of them.
INSERT INTO safeguarding_sharingdecision (id, subject_type_id, subject_id, owner_agency_id, direction,
    recipient_agency_id, purpose, purpose_detail, scope, data_items, data_items_detail, special_category,
    lawful_basis_art6, condition_art9, dpa_sch1_condition, consent_status, override_reason, override_detail,
    common_law_justification, rationale, decided_by_id, decided_at, adult_informed, adult_not_informed_reason,
    expires_at, revoked_reason, source, source_id, created_at)
SELECT md5('decision' || n)::uuid, {case_type}, md5('case' || ((n::bigint * 104729) % {cases}))::uuid,
    md5('agency' || (((n::bigint * 104729) % {cases}) % ({agencies} - 1)))::uuid, 'disclose',
    CASE WHEN n < 40 THEN md5('agency' || ({agencies} - 1))::uuid
         ELSE md5('agency' || ((((n::bigint * 104729) % {cases}) % ({agencies} - 1) + 1 + n % ({agencies} - 2))
                               % ({agencies} - 1)))::uuid END,
    'individual_care', '', 'full', ARRAY['identity'], '', '{{}}', '6_1_e_public_task', '', '', 'given', '', '', '',
    'Bench sharing decision rationale text', md5('user0')::uuid, now(), true, '', now() + interval '180 days', '',
    'bench', '', now()
FROM generate_series(0, {decisions} - 1) n;
INSERT INTO cases_casegroupobjectpermission (permission_id, group_id, content_object_id, expires_at)
SELECT DISTINCT ON (d.subject_id, a.group_id) {perm}, a.group_id, d.subject_id, d.expires_at
FROM safeguarding_sharingdecision d JOIN safeguarding_agency a ON a.id = d.recipient_agency_id
ORDER BY d.subject_id, a.group_id
ON CONFLICT DO NOTHING;
INSERT INTO cases_casegroupobjectpermission (permission_id, group_id, content_object_id, expires_at)
SELECT DISTINCT ON (d.subject_id, a.group_id) {perm_summary}, a.group_id, d.subject_id, d.expires_at
FROM safeguarding_sharingdecision d JOIN safeguarding_agency a ON a.id = d.recipient_agency_id
ORDER BY d.subject_id, a.group_id
ON CONFLICT DO NOTHING;
-- The two users under test.
INSERT INTO safeguarding_user (password, is_superuser, id, email, full_name, is_active, is_staff, date_joined)
VALUES ('!', false, md5('dense')::uuid, 'dense@bench.test', 'Dense user', true, false, now()),
       ('!', false, md5('sparse')::uuid, 'sparse@bench.test', 'Sparse user', true, false, now());
INSERT INTO safeguarding_membership (id, user_id, agency_id, roles, job_title, created_at)
VALUES (md5('m-dense')::uuid, md5('dense')::uuid, md5('agency0')::uuid, ARRAY['practitioner'], '', now()),
       (md5('m-sparse')::uuid, md5('sparse')::uuid, md5('agency' || ({agencies} - 1))::uuid, ARRAY['practitioner'], '',
        now());
SET session_replication_role = DEFAULT;
-- What autovacuum does to a table after a bulk load: statistics, and the visibility map that lets index-only scans
-- (the case list's covering indexes) skip the table.
VACUUM (ANALYZE);
"""


def load(args: argparse.Namespace) -> None:
    import psycopg

    ids = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.contrib.contenttypes.models import ContentType;"
            "from django.contrib.auth.models import Permission; from cases.models import Case;"
            "ct = ContentType.objects.get_for_model(Case);"
            "print(ct.pk, Permission.objects.get(content_type=ct, codename='view_case').pk,"
            " Permission.objects.get(content_type=ct, codename='view_case_summary').pk)",
        ],
        cwd=ROOT,
        env=_env(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    sql = LOAD_SQL.format(
        agencies=args.agencies,
        users=args.users,
        cases=args.cases,
        decisions=args.decisions,
        case_type=ids[0],
        perm=ids[1],
        perm_summary=ids[2],
    )
    with psycopg.connect(_url(), autocommit=True) as conn:
        for statement in [s.strip() for s in sql.split(";\n") if s.strip()]:
            conn.execute(statement)


class Server:
    def __init__(self) -> None:
        self.port = _free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "safeguarding.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "1",
                "--worker-class",
                "sync",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=_env(),
            start_new_session=True,
        )
        for _ in range(200):
            try:
                self.get("/healthz", "")
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def get(self, path: str, key: str) -> tuple[int, float]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Authorization": f"Token {key}", "Host": "localhost"} if key else {"Host": "localhost"}
        started = time.perf_counter()
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        conn.close()
        return response.status, elapsed

    def worker_peak_mb(self) -> float:
        children = subprocess.run(["pgrep", "-P", str(self.process.pid)], capture_output=True, text=True).stdout.split()
        peak = 0.0
        for pid in children:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    peak = max(peak, int(line.split()[1]) / 1024)
        return peak

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=20)


def latencies(server: Server, path: str, key: str, n: int) -> list[float]:
    for _ in range(5):
        server.get(path, key)  # warm up
    times = []
    for _ in range(n):
        status, elapsed = server.get(path, key)
        assert status == 200, (path, status)
        times.append(elapsed * 1000)
    return times


def throughput(server: Server, path: str, key: str, seconds: float = 5.0, clients: int = 4) -> float:
    count = [0]
    stop = time.monotonic() + seconds

    def run() -> None:
        while time.monotonic() < stop:
            server.get(path, key)
            count[0] += 1

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return count[0] / seconds


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bench_sharing")
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=200)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--decisions", type=int, default=500_000)
    parser.add_argument("--small", action="store_true", help="100,000 cases and 50,000 decisions")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--keep", action="store_true", help="reuse the loaded database if it is there")
    args = parser.parse_args(argv)
    if args.small:
        args.cases, args.decisions, args.users = 100_000, 50_000, 5_000
    keys = prepare(args)
    server = Server()
    failures = []
    try:
        import psycopg

        with psycopg.connect(_url()) as conn:
            dense_case = conn.execute(
                "SELECT id FROM cases_case WHERE owning_agency_id = md5('agency0')::uuid LIMIT 1"
            ).fetchone()[0]
        print(f"\n{'endpoint':<44}{'p50 ms':>9}{'p95 ms':>9}")
        results: dict[str, list[float]] = {}
        for name, path, key in (
            ("list, unfiltered (baseline)", "/bench/cases-unfiltered/", keys["dense"]),
            ("list, dense-visibility user", "/api/v1/cases/", keys["dense"]),
            ("list, sparse-visibility user", "/api/v1/cases/", keys["sparse"]),
            ("bare JSON view (baseline)", "/bench/bare/", keys["dense"]),
            ("audited case detail", f"/api/v1/cases/{dense_case}/", keys["dense"]),
        ):
            results[name] = latencies(server, path, key, args.requests)
            print(f"{name:<44}{pct(results[name], 50):>9.1f}{pct(results[name], 95):>9.1f}", flush=True)
        base = pct(results["list, unfiltered (baseline)"], 95)
        for who in ("dense", "sparse"):
            ratio = pct(results[f"list, {who}-visibility user"], 95) / base
            print(f"filtered/unfiltered list p95, {who}: {ratio:.2f}x (target <= 2x)")
            if ratio > 2:
                failures.append(f"{who} list ratio {ratio:.2f}")
        bare = throughput(server, "/bench/bare/", keys["dense"])
        detail = throughput(server, f"/api/v1/cases/{dense_case}/", keys["dense"])
        print(
            f"throughput: bare {bare:.0f} req/s, audited detail {detail:.0f} req/s: "
            f"{detail / bare:.0%} of the bare view (target >= 25%)"
        )
        if detail / bare < 0.25:
            failures.append("detail throughput")
        peak = server.worker_peak_mb()
        print(f"web worker peak memory: {peak:.0f} MB (target <= 300 MB)")
        if peak > 300:
            failures.append("memory")
    finally:
        server.stop()
    print("targets missed: " + ", ".join(failures) if failures else "all targets met")
    return 0

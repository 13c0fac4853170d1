"""A case type defined entirely here, installed like any other, served by every engine service.

The throw-away "test permit" has a three-state table, one fact, one effect, one decision kind,
one notification rule and one register section.  Nothing outside this module knows it: it is
driven through the case list and page, the action form, the decision PDF, the inbox, a dossier
export and ``audit verify``.
"""
from __future__ import annotations

import io
import zipfile

import pytest
from jinja2 import ChoiceLoader, DictLoader
from pypdf import PdfReader

from supervision.cases import types
from supervision.cases.models import Case
from supervision.cases.queries import Listing
from supervision.cases.types import CaseType, RegisterSection
from supervision.decisions.kinds import DecisionKind
from supervision.decisions.models import Decision
from supervision.extensions import db
from supervision.jobs import runners
from supervision.notifications.models import InboxItem
from supervision.notifications.rules import Rule
from tests.cases.conftest import previewed, sign_in, then, version_of
from tests.dossiers.conftest import dossier_env  # noqa: F401  (fixture)
from tests.factories import CaseFactory
from workflows.base import APPROVAL, PROPOSAL, REASON, N_, State, Workflow, four_eyes, t
from tests.conftest import sealed_url

WORKFLOW = Workflow(
    name="test_permit", version=1, label=N_("Test permit"), initial="asked",
    states=(State("asked", N_("Asked")), State("proposed", N_("Proposed")),
            State("granted", N_("Granted"), final=True)),
    transitions=(
        t("propose", "asked", "proposed", ["officer"], N_("Propose the permit"), guards=["funded"],
          fields=[REASON], kind=PROPOSAL, proposes="grant"),
        t("grant", "proposed", "granted", ["approver"], N_("Grant the permit"), guards=["four_eyes"],
          kind=APPROVAL, tags=["decision"]),
    ),
    guards={"funded": lambda ctx: None if ctx.facts.get("funded") else N_("The budget is not funded."),
            "four_eyes": four_eyes},
)


def _facts(case, actor) -> dict:
    """The one fact: a permit is funded unless its title says otherwise."""
    return {"funded": "unfunded" not in case.title}


def _stamp_title(case, actor, firing) -> None:
    """The one effect: a granted permit's title says so."""
    case.title = f"{case.title} [granted]"


def _granted_listing(args, page: int) -> Listing:
    rows = db.session.execute(db.select(Case.number, Case.title).where(
        Case.case_type == "test_permit", Case.state == "granted").order_by(Case.id)).all()
    return Listing(rows=[{"number": n, "title": title} for n, title in rows], total=len(rows), page=1,
                   pages=1, page_size=50)


TEMPLATE = """{% extends "pdf/decision_base.html" %}
{% block body %}<p class="para">{{ t("准予测试许可：" ~ subject ~ "。", "Test permit granted: " ~ subject ~ ".") }}</p>
<p class="para">{{ t("理由：", "Reasons: ") }}{{ reason_lines|join(" ") }}</p>{% endblock %}"""

PERMIT = CaseType(
    workflow=WORKFLOW,
    number_prefix="TPM",
    facts=_facts,
    effects={"grant": (_stamp_title,)},
    decision_kinds=(DecisionKind(
        "test_permit_grant", "测试许可决定书", "Test Permit Decision", "{dept}测许", "test_permit/grant.html",
        False, issued_on=("grant", None), reason_from=("propose",),
        basis=("licensing:38.1",)),),
    notification_rules=(Rule("granted", "firm", N_("%(case)s: %(action)s"), N_("%(case)s: %(action)s"),
                             tags=frozenset({"decision"})),),
    register_sections=(RegisterSection("test_permits", N_("Test permits"), _granted_listing,
                                       columns=(("number", N_("Number")), ("title", N_("Title")))),),
    labels={"test_permit.noted": N_("Test permit noted")},
)


@pytest.fixture
def permit_installed(app):
    """Install the case type (and its decision template) for one test, then take it away."""
    before_types, before_loader = app.config["CASE_TYPES"], app.jinja_loader
    types.install(app, [*before_types, PERMIT])
    app.jinja_loader = ChoiceLoader([before_loader, DictLoader({"test_permit/grant.html": TEMPLATE})])
    app.jinja_env.loader = app.jinja_loader
    yield
    types.install(app, before_types)
    app.jinja_loader = before_loader
    app.jinja_env.loader = before_loader


@pytest.fixture
def decision_keys(app, tmp_path):
    before = app.config.get("DECISION_KEY_DIR")
    app.config["DECISION_KEY_DIR"] = str(tmp_path / "keys")
    yield
    app.config["DECISION_KEY_DIR"] = before


def _act(web, case_id: int, trigger: str, **fields):
    page = web.get(f"/cases/{case_id}").get_data(as_text=True)
    assert f'data-action="{trigger}"' in page
    return web.post(f"/cases/{case_id}/act",
                    {"trigger": trigger, "version": version_of(page), **previewed(page, trigger), **fields},
                    token_from=f"/cases/{case_id}")


def test_a_case_type_defined_here_works_through_every_engine_service(
        app, world, web, permit_installed, decision_keys, dossier_env, runner, tmp_path):
    case = CaseFactory(case_type="test_permit", title="Night patrol trial", firm=world.firm_a,
                       department=world.department, actor=world.applicant_a)
    unfunded = CaseFactory(case_type="test_permit", title="unfunded trial", firm=world.firm_a,
                           department=world.department, actor=world.applicant_a)
    db.session.commit()
    assert case.number.startswith("TPM-")

    # The officer's list offers the type; the page offers the action the table allows.
    sign_in(web, "officer@t.test")
    listing = web.get("/cases?case_type=test_permit").get_data(as_text=True)
    assert "Night patrol trial" in listing and "Test permit" in listing
    page = web.get(f"/cases/{unfunded.id}").get_data(as_text=True)
    assert "The budget is not funded." in page and 'data-trigger="propose"' not in page  # the guard, shown
    refused = then(web, _act(web, unfunded.id, "propose", reason="Budget approved."))  # and re-checked
    assert "The budget is not funded." in refused.get_data(as_text=True)
    missing = then(web, _act(web, case.id, "propose", reason=""))
    assert "Give the reasons for this action." in missing.get_data(as_text=True)
    done = then(web, _act(web, case.id, "propose", reason="Trial route checked on site."))
    assert "Done: Propose the permit." in done.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).state == "proposed"
    assert db.session.get(Case, case.id).assignee_id == world.officer.id  # acting claimed it

    # Four eyes from the table, the approval from another approver: effect and decision.
    web.client.post("/logout", data={"csrf_token": web.csrf("/cases")})
    sign_in(web, "approver@t.test")
    then(web, _act(web, case.id, "grant"))
    db.session.expire_all()
    granted = db.session.get(Case, case.id)
    assert (granted.state, granted.title) == ("granted", "Night patrol trial [granted]")
    decision = db.session.execute(db.select(Decision).where(Decision.case_id == case.id)).scalar_one()
    assert decision.kind == "test_permit_grant" and "测许" in decision.number
    pdf = web.get(sealed_url("document", decision.document_id))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "准予测试许可" in "".join(text.split()) and "Trialrouteon" not in text
    assert "Trial route checked on site." in text or "Trialroutecheckedonsite." in "".join(text.split())

    # The firm's inbox has the decision (the rule), in the reader's language.
    web.client.post("/logout", data={"csrf_token": web.csrf("/cases")})
    sign_in(web, "a@firm-a.test")
    inbox = web.get("/inbox").get_data(as_text=True)
    assert f"{case.number}: Grant the permit" in inbox
    assert db.session.execute(db.select(db.func.count()).select_from(InboxItem)
                              .where(InboxItem.user_id == world.applicant_a.id)).scalar_one() == 1

    # The public register's section, in JSON and HTML, without signing in.
    web.client.post("/logout", data={"csrf_token": web.csrf("/cases")})
    data = web.get("/register.json?section=test_permits").get_json()
    assert data["entries"] == [{"number": case.number, "title": "Night patrol trial [granted]"}]
    assert case.number in web.get("/register/test_permits").get_data(as_text=True)

    # A dossier of the case exports and verifies offline; the whole log verifies.
    sign_in(web, "auditor@t.test")
    start = web.post(f"/cases/{case.id}/dossiers", token_from=f"/cases/{case.id}/dossiers")
    assert start.status_code == 303
    assert runners.drain(app, 120)
    job_page = web.get(start.headers["Location"]).get_data(as_text=True)
    assert 'data-status="done"' in job_page
    from supervision.jobs.models import Job

    job = db.session.execute(db.select(Job).where(Job.case_id == case.id)).scalar_one()
    resp = web.get(sealed_url("dossier", job.id, "/download"))
    archive = resp.get_data()
    resp.close()
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        assert zf.read(f"data/decisions/{decision.pdf_sha256}.pdf") == pdf.data  # the signed decision
        assert decision.number in zf.read("data/decisions.json").decode()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output

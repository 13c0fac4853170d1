"""The documents benchmark's instance, built through the app's services.

One department (marked as a benchmark dataset, so ``bench.dataset._fresh_database`` may drop it
on the next run), its signing keys made by the code of ``flask decisions init-keys``, one firm,
officers, an approver, an auditor and an applicant, and registration cases opened with
``registry.services.create_model``.  ``case_with_events`` gives a case whose audit trail holds
an exact number of events, every one written by a service: the case's creation, submission,
acceptance (which issues the signed acceptance notice), claim and review, rounds of
clarification (request, the applicant's upload, the answer) each followed by several document
downloads, occasional reassignments, the proposal and approval of the grant (which issues the
signed grant decision) and downloads after registration up to the exact count.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from bench.dataset import MARKER_EN, PASSWORD, _credit_code

DEPARTMENT_ZH = "杭州市经济和信息化局"  # name_en carries the benchmark marker
UPLOAD_BYTES = (2_000, 20_000)  # small PDFs: the figures measure events, not copying files


@dataclass
class People:
    department: object
    firm: object
    applicant: object
    officers: list
    approver: object
    auditor: object
    regulators: list = field(default_factory=list)  # who reads the case's files


def setup(app) -> People:
    """Organisations, users and the department's signing keys (inside an app context)."""
    from supervision.accounts import services as accounts

    dept = accounts.create_organisation(kind="department", name_zh=DEPARTMENT_ZH, name_en=MARKER_EN,
                                        doc_prefix="杭经信")
    firm = accounts.create_organisation(kind="firm", name_zh="杭州基准测试机器人有限公司",
                                        name_en="Hangzhou Bench Robotics Co., Ltd.",
                                        credit_code=_credit_code(4711))

    def user(email: str, name: str, org, roles: list[str]):
        return accounts.create_user(email=email, name=name, password=PASSWORD, organisation=org,
                                    roles=roles)

    officers = [user(f"doc-officer{i}@bench.test", f"经办人{i}", dept, ["officer"]) for i in (1, 2, 3)]
    people = People(dept, firm, user("doc-applicant@bench.test", "申请人", firm, ["applicant"]), officers,
                    user("doc-approver@bench.test", "审批人", dept, ["approver"]),
                    user("doc-auditor@bench.test", "审计员", dept, ["auditor"]))
    people.regulators = [*officers, people.approver, people.auditor]
    from supervision.core import uow

    uow.commit()
    init_keys(app)
    return people


def init_keys(app) -> str:
    """Run ``flask decisions init-keys`` itself (the development CA and the department keys)."""
    result = app.test_cli_runner().invoke(args=["decisions", "init-keys"])
    if result.exit_code != 0:
        raise RuntimeError(f"decisions init-keys failed: {result.output}{result.exception!r}")
    return result.output.strip()


def unit(fn):
    """Each action of the bench is one unit of work, as it is one request in the app."""
    import functools

    @functools.wraps(fn)
    def run(*args, **kwargs):
        from supervision.core import uow

        with uow.unit_of_work():
            return fn(*args, **kwargs)

    return run


@unit
def new_case(people: People, title: str):
    """A draft registration case of a tier-1 model, opened by the applicant."""
    from supervision.registry import services as registry
    from supervision.registry.demo import SPECS

    return registry.create_model(firm=people.firm, actor=people.applicant, name=title,
                                 values=dict(SPECS[1], manufacturer=people.firm.name_zh)).case


def submitted_case(people: People, title: str):
    from supervision.cases import services as cases

    case = new_case(people, title)
    unit(cases.fire)(case, "submit", actor=people.applicant)
    return case


def _pdf(rng: random.Random, n: int) -> bytes:
    """A small PDF whose bytes (and so its hash) are its own."""
    body = rng.randbytes(rng.randrange(*UPLOAD_BYTES))
    return (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
            b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
            + f"4 0 obj<</Length {len(body)}>>stream\n".encode() + body
            + f"\nendstream endobj\n% bench upload {n}\ntrailer<</Root 1 0 R>>\n%%EOF\n".encode())


class CaseHistory:
    """Drives one case through the services and counts the events of its own trail."""

    def __init__(self, people: People, case, seed: int):
        self.people, self.case, self.rng = people, case, random.Random(seed)
        self.docs: list[int] = []  # ids of the case's uploads

    def count(self) -> int:
        from supervision.audit.models import AuditEvent
        from supervision.extensions import db

        return db.session.execute(db.select(db.func.count()).select_from(AuditEvent)
                                  .where(AuditEvent.case_id == self.case.id)).scalar_one()

    @unit
    def fire(self, trigger: str, actor, **inputs) -> None:
        from supervision.cases import services as cases

        cases.fire(self.case, trigger, actor=actor, **inputs)

    @unit
    def upload(self) -> None:
        from supervision.documents.services import add_case_document

        n = len(self.docs) + 1
        doc = add_case_document(self.case, data=_pdf(self.rng, n), filename=f"说明材料{n}.pdf",
                                classification=self.rng.choice(("internal", "confidential")),
                                actor=self.people.applicant)
        self.docs.append(doc.id)

    @unit
    def download(self) -> None:
        from supervision.documents.models import Document
        from supervision.documents.services import record_download
        from supervision.extensions import db

        doc = db.session.get(Document, self.rng.choice(self.docs))
        actor = self.rng.choice(self.people.regulators + [self.people.applicant])
        record_download(doc, actor=actor)

    @unit
    def reassign(self) -> None:
        from supervision.cases import services as cases

        others = [o for o in self.people.officers if o.id != self.case.assignee_id]
        cases.assign(self.case, actor=self.people.approver, assignee=self.rng.choice(others))

    def round(self, n: int) -> None:
        """One clarification round: request, upload, answer, then the case's files are read."""
        officer = next(o for o in self.people.officers if o.id == self.case.assignee_id)
        self.fire("request_clarification", officer, comment=f"请就第{n}项补充说明测试条件和依据。")
        self.upload()
        self.fire("answer_clarification", self.people.applicant, comment=f"第{n}项说明已上传，请查收。")
        for _ in range(self.rng.randint(5, 20)):
            self.download()
        if self.rng.random() < 0.12:
            self.reassign()


def case_with_events(people: People, events: int, *, seed: int = 2026, title: str = "巡检机器人 HZ-1000",
                     progress=lambda done, total: None):
    """A registration case whose audit trail holds exactly ``events`` events."""
    history = CaseHistory(people, new_case(people, title), seed)
    officer = people.officers[0]
    history.fire("submit", people.applicant)
    history.fire("accept", officer)              # + its claim and the signed acceptance notice
    history.fire("start_review", officer)
    history.upload()
    tail = 3 + 5   # propose_grant, approve and its decision; then at least a few reads
    if history.count() + tail > events:
        raise SystemExit(f"bench: a case needs at least {history.count() + tail} events here, "
                         f"not {events}")
    n = 0
    while history.count() + 30 + tail <= events:  # a round writes at most 25 events
        n += 1
        history.round(n)
        progress(history.count(), events)
    assignee = next(o for o in people.officers if o.id == history.case.assignee_id)
    history.fire("propose_grant", assignee)
    history.fire("approve", people.approver)   # registered; + the signed grant decision
    done = history.count()
    for _ in range(events - done):
        history.download()
    assert history.count() == events, (history.count(), events)
    progress(events, events)
    return history.case

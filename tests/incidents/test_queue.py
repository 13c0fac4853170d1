"""Incidents and prohibited-conduct cases in the regulators' queue: the search finds them by a
unit code or a model involved, the model column names the model, and the severity column costs
no statement per row."""
from __future__ import annotations

import re

from sqlalchemy import event

from supervision.conduct.models import ConductCase
from supervision.extensions import db
from supervision.registry.models import RobotModel
from tests.conduct.conftest import open_case
from tests.conftest import recorded_statements
from tests.incidents.conftest import report
from tests.sandbox.conftest import codes  # noqa: F401  (fixture)
from tests.workbench.conftest import ids, sign_in


def _row(html: str, case_id: int) -> str:
    row = html[html.index(f'data-case="{case_id}"'):]
    return row[:row.index("</tr>")]


def _cell(html: str, case_id: int, column: str) -> str:
    return re.search(rf'<td data-column="{column}"[^>]*>([^<]*)</td>', _row(html, case_id)).group(1)


def test_the_queue_finds_an_incident_by_a_unit_code_or_a_model_involved(world, web, codes):
    mine, theirs = codes[world.firm_a.id], codes[world.firm_b.id]
    by_unit = report(world, unit_codes=[mine[1]])
    patrol_b = db.session.execute(db.select(RobotModel).filter_by(name="Patrol B")).scalar_one()
    by_model = report(world, firm=world.firm_b, model_ids=[patrol_b.id])
    neither = report(world, severity=4)
    db.session.commit()
    sign_in(web, "officer@t.test")

    assert ids(web, f"/cases?case_type=incident&q={mine[1].lower()}") == [by_unit.case_id]
    assert ids(web, f"/cases?case_type=incident&q={theirs[0]}") == [by_model.case_id]   # a unit of that model
    assert ids(web, "/cases?case_type=incident&q=Patrol+A") == [by_unit.case_id]      # the model of its unit
    assert ids(web, "/cases?case_type=incident&q=patrol+b") == [by_model.case_id]
    html = web.get("/cases?case_type=incident").get_data(as_text=True)
    assert '">Patrol A</td>' in _row(html, by_unit.case_id)      # the model column
    assert '">Patrol B</td>' in _row(html, by_model.case_id)
    assert "Patrol" not in _row(html, neither.case_id)


def test_the_queue_finds_a_conduct_case_by_the_model_its_recall_order_is_about(world, web, codes):
    patrol_a = db.session.execute(db.select(RobotModel).filter_by(name="Patrol A")).scalar_one()
    recall = open_case(world)
    db.session.execute(db.update(ConductCase).where(ConductCase.case_id == recall.id)
                       .values(recall_model_id=patrol_a.id))
    other = open_case(world, category="competition")
    db.session.commit()
    sign_in(web, "officer@t.test")
    assert ids(web, "/cases?case_type=conduct&q=patrol+a") == [recall.id]
    assert ids(web, f"/cases?case_type=conduct&q={codes[world.firm_a.id][0]}") == [recall.id]
    assert other.id in ids(web, "/cases?case_type=conduct")


def _statements(web, path: str) -> tuple[int, str]:
    with recorded_statements() as seen:
        resp = web.get(path)
    assert resp.status_code == 200
    return len(seen), resp.get_data(as_text=True)


def test_the_severity_column_costs_no_statement_per_row(world, web):
    first = [report(world, severity=1 + i % 4) for i in range(2)]
    db.session.commit()
    sign_in(web, "officer@t.test")
    path = "/cases?case_type=incident"
    web.get(path)   # warm the caches (calendar, templates)
    # The queue's parts are kept per data version: a new report before each measure makes both
    # render everything anew.
    first.append(report(world, severity=3))
    db.session.commit()
    few, _html = _statements(web, path)
    more = [report(world, severity=1 + i % 4) for i in range(12)]
    many, html = _statements(web, path)
    assert many == few
    for incident in first + more:
        assert _cell(html, incident.case_id, "severity") == str(incident.severity)

"""The demo's Art. 47 cases: one in consultation with comments, one passed with its recommendation."""
from __future__ import annotations

from supervision.cases.models import Case
from supervision.decisions.models import Decision
from supervision.extensions import db


def test_the_demo_has_a_consultation_and_a_passed_measure(demo_data, web):
    rows = db.session.execute(db.select(Case).filter_by(case_type="assessment").order_by(Case.id)).scalars().all()
    assert [c.state for c in rows] == ["recommendation_issued", "public_consultation"]
    kinds = set(db.session.execute(db.select(Decision.kind).where(Decision.case_id == rows[0].id)).scalars())
    assert kinds == {"assessment_passed", "assessment_recommendation"}
    data = web.get("/register.json?section=measures").get_json()
    assert {e["status"] for e in data["entries"]} == {"passed", "consultation"}
    page = web.get(f"/register/measures/{rows[1].id}?lang=zh").get_data(as_text=True)
    assert "小微企业负担较重" in page          # published
    assert "按机器人质量分档" not in page      # awaiting moderation
    assert "优惠购买机器人" not in page        # rejected
    assert "zhou@example.org" not in page and "周先生" not in page

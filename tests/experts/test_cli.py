"""``flask experts replay-draw``: a recorded draw replays; a tampered one is reported."""
import json

from supervision.experts import services
from supervision.experts.models import ExpertDraw
from supervision.extensions import db
from tests.experts.conftest import review_case


def test_replay_draw_reports_match_and_mismatch(world, pool, runner):
    a = services.draw_experts(review_case(world), n=2, fields=["robotics_safety"], actor=world.officer)
    b = services.draw_experts(review_case(world), n=3, fields=["robotics_safety"], actor=world.officer)
    db.session.commit()
    out = runner.invoke(args=["experts", "replay-draw", str(a.id)])
    assert out.exit_code == 0 and f"draw {a.id}" in out.output and "match" in out.output
    out = runner.invoke(args=["experts", "replay-draw", "--all"])
    assert out.exit_code == 0 and "2 draws checked, 0 mismatched" in out.output

    row = db.session.get(ExpertDraw, b.id)
    spare = [i for i in row.eligible if i not in row.result][0]
    row.result_ids = json.dumps(row.result[:2] + [spare])
    db.session.commit()
    out = runner.invoke(args=["experts", "replay-draw", "--all"])
    assert out.exit_code == 1 and f"draw {b.id}" in out.output and "MISMATCH" in out.output
    assert "1 mismatched" in out.output
    assert runner.invoke(args=["experts", "replay-draw", str(a.id)]).exit_code == 0
    assert runner.invoke(args=["experts", "replay-draw", "999"]).exit_code == 2

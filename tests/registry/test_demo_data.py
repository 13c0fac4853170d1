"""Demo registrations read like real data (issue 10, pages): model names carry no state, and
each text is in one language (no "中文 / English" pairs in one field)."""
from __future__ import annotations

import re

from supervision.cases.models import Case
from supervision.extensions import db
from supervision.registry import demo
from supervision.registry.models import RobotModel
from workflows.registration import REGISTRATION

CJK = re.compile(r"[\u4e00-\u9fff]")
LATIN_WORDS = re.compile(r"[A-Za-z]{3,}\s+[A-Za-z]{3,}")


def _texts(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, (tuple, list)):
        for v in value:
            yield from _texts(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _texts(v)


def test_demo_texts_are_each_in_one_language():
    for _name, _tier, steps in demo.CASES:
        for text in _texts([inputs for _trigger, _who, inputs in steps]):
            assert not (CJK.search(text) and LATIN_WORDS.search(text)), text


def test_loaded_demo_model_names_carry_no_state(demo_data):
    from supervision.core.i18n import label  # noqa: F401  (labels are msgids here)

    names = db.session.execute(db.select(RobotModel.name)).scalars().all()
    assert "ZX-Arm A8" in names
    labels = {s.label for s in REGISTRATION.states.values()}
    for name in names:
        assert "(" not in name and not CJK.search(name), name
        assert not any(lbl in name for lbl in labels), name
    # The case in public notice has its objection answered.
    case = db.session.execute(db.select(Case).filter_by(title="ZX-Guide G4")).scalar_one()
    assert case.state == "public_notice"
    # Every case's title (registrations, sandbox tests, incidents, conduct …) is in one language.
    for title in db.session.execute(db.select(Case.title)).scalars():
        assert not (CJK.search(title or "") and LATIN_WORDS.search(title or "")), title

import pytest

from supervision.experts import services
from supervision.extensions import db
from tests.factories import UserFactory


def make_expert(world, fields=("robotics_safety",), *, organisation_id=None, email=None):
    user = UserFactory(organisation=world.department, roles=["expert"], **({"email": email} if email else {}))
    return services.create_expert(user, fields=fields, actor=world.admin, title="Prof.",
                                  affiliation="Zhejiang University", organisation_id=organisation_id)


@pytest.fixture
def pool(world):
    """Five robotics-safety experts besides ``world.expert`` (who gets a record too)."""
    experts = [services.create_expert(world.expert, fields=["robotics_safety", "law"], actor=world.admin)]
    experts += [make_expert(world) for _ in range(5)]
    db.session.commit()
    return experts


def review_case(world, firm=None, actor=None):
    """A registration case in expert review (submitted, accepted, reviewed, opinion sought)."""
    from supervision.cases import services as cases

    case = world.case(firm=firm, actor=actor) if firm else world.case()
    cases.fire(case, "submit", actor=actor or world.applicant_a)
    cases.fire(case, "accept", actor=world.officer)
    cases.fire(case, "start_review", actor=world.officer)
    cases.fire(case, "seek_expert_opinion", actor=world.officer, reason="Tier 3: a safety case to weigh.")
    db.session.commit()
    return case

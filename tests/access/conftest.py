"""A world with one case of firm A holding one document of firm A."""
from __future__ import annotations

import pytest

from supervision.documents.services import add_document

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def case_a(world):
    return world.case(title="Firm A's robot")


@pytest.fixture
def doc_a(world, case_a):
    return add_document(data=PDF, filename="plan.pdf", classification="confidential",
                        actor=world.applicant_a, case=case_a, firm_id=world.firm_a.id)


@pytest.fixture
def ids(world, case_a, doc_a):
    """Argument values for the URL map walk: real objects of firm A."""
    return {"case_id": case_a.id, "doc_id": doc_a.id, "document_id": doc_a.id,
            "user_id": world.applicant_b.id, "organisation_id": world.firm_b.id}

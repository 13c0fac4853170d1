"""Helpers of the certificates tests: certification bodies with a certifier each, a tier-2
registration under review, and pages in English."""
from __future__ import annotations

import pytest

from supervision.extensions import db
from tests.factories import CertificationBodyFactory, certifier
from tests.registry.conftest import TIER2, make_registration, to_review


class Bodies:
    def __init__(self):
        self.body = CertificationBodyFactory(name_zh="浙江认证中心", name_en="Zhejiang Cert Centre")
        self.other_body = CertificationBodyFactory(name_zh="上海认证中心", name_en="Shanghai Cert Centre")
        self.certifier = certifier(self.body, email="cert@body.test")
        self.other_certifier = certifier(self.other_body, email="cert@other.test")


@pytest.fixture
def bodies(world):
    out = Bodies()
    db.session.commit()
    return out


@pytest.fixture
def tier2(world):
    """A tier-2 registration under classification review."""
    reg = make_registration(world, TIER2, name="Guide G2")
    to_review(world, reg)
    db.session.commit()
    return reg


@pytest.fixture(autouse=True)
def english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client

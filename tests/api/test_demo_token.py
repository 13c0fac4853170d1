"""`flask api demo-token`: each run prints a fresh every-scope token and revokes the last."""
from __future__ import annotations

from supervision.api.models import ApiToken
from supervision.extensions import db
from tests.api.conftest import bearer
from tests.factories import FirmFactory, UserFactory


def test_each_run_issues_a_fresh_token_and_revokes_the_previous(runner, client):
    firm = FirmFactory(name_en="Demo firm A")
    UserFactory(email="applicant@example.com", organisation=firm, roles=["applicant"])
    db.session.commit()
    secrets = []
    for _ in range(2):
        result = runner.invoke(args=["api", "demo-token"])
        assert result.exit_code == 0, result.output
        lines = [line for line in result.output.splitlines() if line.startswith("API token (firm A): ")]
        assert len(lines) == 1
        secrets.append(lines[0].removeprefix("API token (firm A): "))
    old, new = secrets
    assert client.get("/api/v1/whoami", headers=bearer(old)).status_code == 401
    me = client.get("/api/v1/whoami", headers=bearer(new)).json
    assert me["firm"]["id"] == firm.id and len(me["token"]["scopes"]) == 4
    assert db.session.execute(db.select(db.func.count()).select_from(ApiToken)
                              .where(ApiToken.revoked_at.is_(None))).scalar() == 1

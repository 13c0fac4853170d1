"""The API's own endpoints (the units endpoints live beside the units services)."""
from __future__ import annotations

from supervision.api.framework import blueprint, current_firm, current_token, endpoint
from supervision.core.i18n import pick
from workflows.base import N_

bp = blueprint("api", __name__)

WHOAMI = {
    "type": "object",
    "required": ["firm", "token"],
    "properties": {
        "firm": {"type": "object", "properties": {"id": {"type": "integer"}, "name": {"type": "string"},
                                                  "credit_code": {"type": "string"}}},
        "token": {"type": "object", "properties": {"name": {"type": "string"}, "prefix": {"type": "string"},
                                                   "scopes": {"type": "array", "items": {"type": "string"}}}},
    },
}


@endpoint(bp, "/whoami", scope="units:read", tag="tokens",
          summary=N_("The firm and token the request is authenticated as"),
          responses={200: (N_("The token's firm and scopes."), WHOAMI)})
def whoami():
    firm, token = current_firm(), current_token()
    return {"firm": {"id": firm.id, "name": pick(firm.name_zh, firm.name_en), "credit_code": firm.credit_code},
            "token": {"name": token.name, "prefix": token.prefix, "scopes": token.scopes}}

"""The lifecycle of a product certificate (认证证书) recorded by a certification body (Art. 48).

A certificate is not a case: it has no department, deadlines or decisions, but its states and
who may change them are a table on the same machinery as the case workflows.

    state       trigger    ->  state       who         guard
    applied     issue      ->  issued      certifier               (recording the outcome)
    applied     refuse     ->  refused     certifier               (recording the outcome)
    issued      suspend    ->  suspended   certifier
    reinstated  suspend    ->  suspended   certifier
    suspended   reinstate  ->  reinstated  certifier   validity_not_over
    issued      withdraw   ->  withdrawn   certifier
    suspended   withdraw   ->  withdrawn   certifier
    reinstated  withdraw   ->  withdrawn   certifier
    issued      expire     ->  expired     system      validity_over  (the expiry timer)
    suspended   expire     ->  expired     system      validity_over
    reinstated  expire     ->  expired     system      validity_over

Every change carries a reason and the date it takes effect.  ``withdrawn``, ``expired`` and
``refused`` are final.  A certificate is valid (``in_force``) while it is issued or reinstated
and today lies within its validity dates.
"""
from __future__ import annotations

from workflows.base import REASON, Context, Field, N_, State, Workflow, t

CERTIFIER, SYSTEM = "certifier", "system"

IN_FORCE = "in_force"          # the certificate counts for a registration (within its dates)
PUBLIC = "public"              # listed on the public register (a refusal is not)
ENDED = "ended"                # the registrations that relied on it are flagged

EFFECTIVE_ON = Field("effective_on", "date", N_("Date it takes effect"))

STATES = (
    State("applied", N_("Application recorded")),
    State("issued", N_("Certificate issued"), tags=frozenset({IN_FORCE, PUBLIC})),
    State("suspended", N_("Certificate suspended"), tags=frozenset({PUBLIC})),
    State("reinstated", N_("Certificate reinstated"), tags=frozenset({IN_FORCE, PUBLIC})),
    State("withdrawn", N_("Certificate withdrawn"), final=True, tags=frozenset({PUBLIC, ENDED})),
    State("expired", N_("Certificate expired"), final=True, tags=frozenset({PUBLIC, ENDED})),
    State("refused", N_("Certification refused"), final=True),
)

LIVE = ("issued", "suspended", "reinstated")

TRANSITIONS = (
    t("issue", "applied", "issued", [CERTIFIER], N_("Issue"), fields=[REASON, EFFECTIVE_ON]),
    t("refuse", "applied", "refused", [CERTIFIER], N_("Refuse"), fields=[REASON, EFFECTIVE_ON], danger=True),
    t("suspend", ("issued", "reinstated"), "suspended", [CERTIFIER], N_("Suspend"),
      fields=[REASON, EFFECTIVE_ON], danger=True),
    t("reinstate", "suspended", "reinstated", [CERTIFIER], N_("Reinstate"),
      guards=["validity_not_over"], fields=[REASON, EFFECTIVE_ON]),
    t("withdraw", LIVE, "withdrawn", [CERTIFIER], N_("Withdraw"), fields=[REASON, EFFECTIVE_ON], danger=True),
    t("expire", LIVE, "expired", [SYSTEM], N_("Expire"), guards=["validity_over"],
      fields=[REASON, EFFECTIVE_ON]),
)


def _validity_over(ctx: Context) -> str | None:
    if not ctx.facts.get("validity_over"):
        return N_("The certificate is still within its validity dates.")
    return None


def _validity_not_over(ctx: Context) -> str | None:
    if ctx.facts.get("validity_over"):
        return N_("The certificate's validity has ended; it cannot be reinstated.")
    return None


CERTIFICATE = Workflow(
    name="certificate",
    version=1,
    label=N_("Certificate"),
    initial="applied",
    states=STATES,
    transitions=TRANSITIONS,
    guards={"validity_over": _validity_over, "validity_not_over": _validity_not_over},
)

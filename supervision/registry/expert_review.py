"""Registration's expert review (专家评审, 行政许可法 Art. 45): what the drawn experts choose from
and what they are given (``CaseType.expert_review``; the step itself is ``supervision.experts``).

The experts read the frozen model version under review, its classification and the case's
documents except the firm's confidential ones; the firm sees the opinions without the names."""
from __future__ import annotations

from supervision.cases.models import Case
from supervision.core.i18n import label, pick
from supervision.experts.step import ExpertReview, Material, shared_documents
from workflows.base import N_

RECOMMENDATIONS = (
    ("approve", N_("Approve")),
    ("approve_with_conditions", N_("Approve with conditions")),
    ("reject", N_("Reject")),
    ("abstain", N_("No recommendation")),
)


def _certificate(model_id: int) -> str:
    """The model's certificate as the certification body recorded it (number, body, state)."""
    from supervision.certificates.services import status_of_model

    status = status_of_model(model_id)
    cert = status.certificate
    if cert is None:
        return "—"
    return f"{cert.number} · {pick(cert.body.name_zh, cert.body.name_en) if cert.body else ''} · {status.status}"


def material(case: Case) -> Material:
    """The model version under review as the case page shows it (values in the reader's
    language), its tier and rationale, and the case's documents but the confidential ones."""
    from supervision.registry.models import FORM_FACTORS, SCENARIOS, TIER_LABELS
    from supervision.registry.services import registration_of

    reg = registration_of(case)
    if reg is None:
        return Material(documents=shared_documents(case))
    v = reg.version
    flags = [label(text) for on, text in ((v.public_space, N_("public space")),
                                          (v.vulnerable_contact, N_("vulnerable people")),
                                          (v.personal_data, N_("personal or biometric data")),
                                          (v.ota_learning, N_("OTA updates or field learning"))) if on]
    facts = [
        (N_("Robot model"), f"{reg.model.name} v{v.number}"),
        (N_("Manufacturer"), v.manufacturer or "—"),
        (N_("Form factor"), label(FORM_FACTORS[v.form_factor]) if v.form_factor in FORM_FACTORS else "—"),
        (N_("Intelligence level"), f"L{v.intelligence_level}" if v.intelligence_level else "—"),
        (N_("Application scenarios"), ", ".join(f"{SCENARIOS[s][0]} {label(SCENARIOS[s][1])}"
                                                 for s in v.scenarios if s in SCENARIOS) or "—"),
        (N_("Declared mass / max. speed"), f"{v.mass_kg if v.mass_kg is not None else '—'} kg · "
                                           f"{v.max_speed_mps if v.max_speed_mps is not None else '—'} m/s"),
        (N_("Other risk factors"), ", ".join(flags) or label(N_("none declared"))),
        (N_("Standards declared (Art. 42)"), v.standards or "—"),
        (N_("Software / model version"), v.software_version or "—"),
        (N_("Certificate"), _certificate(reg.model_id)),
    ]
    c = reg.classification
    if c is not None:
        facts += [(N_("Tier"), label(TIER_LABELS[c.tier])), (N_("Rationale"), pick(c.rationale_zh, c.rationale_en))]
    return Material(facts=facts, documents=shared_documents(case))


EXPERT_REVIEW = ExpertReview(
    recommendations=RECOMMENDATIONS,
    material=material,
    complete_trigger="end_expert_review",
    default_n=3,
    default_fields=("robotics_safety",),
    firm_sees_opinions=True,
    firm_sees_names=False,
)

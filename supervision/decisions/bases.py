"""A decision kind's legal basis: the provisions it cites now (an administrator's list, else the
kind's default for the current legal nature), whether it may be issued on them, and changing it."""
from __future__ import annotations

from supervision.audit.services import record
from supervision.decisions import kinds as kind_config
from supervision.extensions import db
from supervision.legal import services as legal
from supervision.legal.model import Provision, cite
from supervision.legal.models import KindBasis
from workflows.base import N_


def basis_keys(kind_key: str, nature: str | None = None) -> tuple[str, ...]:
    kind = kind_config.get(kind_key)
    nature = kind.nature() if nature is None else nature
    row = db.session.execute(db.select(KindBasis).filter_by(kind=kind_key, nature=nature)).scalar()
    if row is not None:
        return tuple(k for k in row.provisions.split() if k)
    return kind.default_basis(nature or None) if kind.nature_setting else kind.default_basis()


def basis_of(kind_key: str, nature: str | None = None) -> list[Provision]:
    """The provisions the kind is issued on (an unknown key raises ``legal.LegalError``)."""
    return legal.resolve(basis_keys(kind_key, nature))


def context_of(kind_key: str, nature: str | None = None) -> list[Provision]:
    kind = kind_config.get(kind_key)
    return legal.resolve(kind.context_keys(nature))


def refined(provisions: list[Provision], extra: list[str] | tuple[str, ...]) -> list[Provision]:
    """``provisions`` made precise for one case: each of ``extra`` (Art. 69 ¶2, Art. 70(1))
    takes the place of the bare article it refines, or follows the list when none is cited."""
    out = list(provisions)
    for p in legal.resolve(extra):
        at = next((i for i, q in enumerate(out) if q.instrument == p.instrument and q.article == p.article
                   and (q.paragraph is None or q.paragraph == p.paragraph) and q.item is None), None)
        if at is None:
            out.append(p)
        else:
            out[at] = p
    return out


def cited(kind_key: str, language: str, extra: list[str] | tuple[str, ...] = ()) -> tuple[str, str]:
    """(basis, context) as printed: "《…》第十条" and the provisions cited for what they say."""
    return cite(refined(basis_of(kind_key), extra), language), cite(context_of(kind_key), language)


def context_phrase(kind_key: str, language: str) -> str:
    """The provisions cited for what they say, as the opening of the operative sentence:
    "为落实《条例》第四十八条关于……的规定，" — never "依据" (they are not the power)."""
    provisions = context_of(kind_key)
    if not provisions:
        return ""
    if language == "en":
        return "To implement " + "; ".join(f"{p.cite('en')} ({p.text_en})" for p in provisions) + ", and "
    return "为落实" + "、".join(f"{p.cite('zh')}关于{p.text_zh}的规定" for p in provisions) + "，"


def is_sample(kind_key: str) -> bool:
    """A decision of this kind rests on an instrument that is not adopted (the sample mark)."""
    return bool(legal.not_adopted(basis_of(kind_key) + context_of(kind_key)))


def issuing_refusal(kind_key: str) -> tuple[str, dict] | None:
    """Why this kind may not be issued now (production, a basis not adopted), or None."""
    try:
        provisions = basis_of(kind_key)
    except legal.LegalError as err:
        return err.message, err.params
    return legal.issuing_refusal(provisions)


def set_basis(kind_key: str, keys: list[str], *, actor, nature: str | None = None) -> tuple[str, ...]:
    """Replace the provisions a kind cites (under ``nature``); later decisions cite them."""
    if kind_key not in kind_config.installed():
        raise legal.LegalError(N_("Unknown decision kind."))
    kind = kind_config.get(kind_key)
    nature = kind.nature() if nature is None else nature
    if nature not in kind.natures():
        raise legal.LegalError(N_("Unknown legal nature."))
    keys = [k.strip() for k in keys if k.strip()]
    if not keys:
        raise legal.LegalError(N_("Name at least one provision."))
    weak = [p for p in legal.resolve(keys) if not legal.may_empower(p)]
    if weak:
        raise legal.LegalError(N_("%(keys)s is cited for what it says, never as the power to decide or to "
                                  "penalise: choose the provision of a law or an adopted measure."),
                               keys="、".join(p.cite("zh") for p in weak))
    before = basis_keys(kind_key, nature)
    row = db.session.execute(db.select(KindBasis).filter_by(kind=kind_key, nature=nature)).scalar()
    if row is None:
        row = KindBasis(kind=kind_key, nature=nature, provisions="")
        db.session.add(row)
    row.provisions, row.updated_by_id = "\n".join(keys), getattr(actor, "id", None)
    db.session.flush()
    record("decision.legal_basis", actor=actor, object_type="decision_kind", object_id=kind_key,
           details={"nature": nature or None, "before": " ".join(before), "provisions": " ".join(keys)})
    return tuple(keys)

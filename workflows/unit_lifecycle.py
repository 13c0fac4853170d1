"""The lifecycle of one robot unit (Art. 46, DOMAIN §5): a table on the same machinery as the
case workflows.  Units are not cases: the table is fired by ``supervision.units.events`` for
each unit an event names, and the event (GS1 EPCIS 2.0) is the ledger row.

States::

    code_assigned      the code exists (a batch was issued); nothing physical yet
    manufactured       commissioned by its manufacturer
    in_distribution    in the supply chain (shipped, or back from a recall)
    sold               sold to a user
    in_service         in use
    under_maintenance  out of use for maintenance
    recalled           recalled by its manufacturer (until repaired, returned or scrapped)
    lost               lost (may be found again)
    scrapped           scrapped (final)

Transitions (trigger: from → to, who, CBV business step / disposition)::

    manufacture        code_assigned → manufactured                 manufacturer  commissioning / active
    ship               manufactured → in_distribution               holder        shipping / in_transit
    sell               manufactured, in_distribution → sold         holder        retail_selling / retail_sold
    put_in_service     sold → in_service                            holder        installing / active
    start_maintenance  in_service → under_maintenance               holder        repairing / in_progress
    end_maintenance    under_maintenance → in_service               holder        inspecting / active
    recall             manufactured, in_distribution, sold,
                       in_service, under_maintenance → recalled     manufacturer  holding / recalled
    repaired           recalled → in_service                        holder, manufacturer  repairing / conformant
    returned           recalled → in_distribution                   holder, manufacturer  receiving / returned
    lose               manufactured, in_distribution, sold,
                       in_service, under_maintenance → lost         holder        other / unknown
    found              lost → in_distribution (lost from stock), sold (lost after sale),
                              in_service (otherwise)                holder        inspecting / available
    scrap              every state but scrapped → scrapped          holder        destroying / destroyed

A transfer of ownership is not a state: ``transfer`` (holder, ``consigning / in_transit``,
naming the receiving firm) leaves the unit where it is with a pending transfer ("transfer
pending"); ``accept_transfer`` (the receiving firm, ``accepting / sellable_accessible``) makes
the receiver the holder; ``void_transfer`` (either side, ``void_shipping / inactive``) drops
it.  While a transfer is pending the holder records nothing else, except a recall by the
manufacturer.  A mistaken event is not a trigger: an error declaration (EPCIS
``errorDeclaration``) points at it and puts the unit back where it was before it.
"""
from __future__ import annotations

from workflows.base import Context, N_, State, Workflow, t

HOLDER, MANUFACTURER, RECEIVER = "holder", "manufacturer", "receiver"

# State groups: the recalled to-do, the states a lost unit was lost from stock, the live ones.
OWED = "owed"            # a holder must act (report repaired, returned or scrapped)
STOCK = "stock"          # still in the firms' hands, not with a user
AFTER_SALE = "after_sale"

STATES = (
    State("code_assigned", N_("Code assigned")),
    State("manufactured", N_("Manufactured"), tags=frozenset({STOCK})),
    State("in_distribution", N_("In distribution"), tags=frozenset({STOCK})),
    State("sold", N_("Sold"), tags=frozenset({AFTER_SALE})),
    State("in_service", N_("In service")),
    State("under_maintenance", N_("Under maintenance")),
    State("recalled", N_("Recalled"), tags=frozenset({OWED})),
    State("lost", N_("Lost")),
    State("scrapped", N_("Scrapped"), final=True),
)
LIVE = ("manufactured", "in_distribution", "sold", "in_service", "under_maintenance")
NOT_SCRAPPED = tuple(s.name for s in STATES if not s.final)
HOLDABLE = NOT_SCRAPPED

TRANSITIONS = (
    t("manufacture", "code_assigned", "manufactured", [MANUFACTURER], N_("Manufactured"),
      guards=["no_transfer_pending"]),
    t("ship", "manufactured", "in_distribution", [HOLDER], N_("Shipped into distribution"),
      guards=["no_transfer_pending"]),
    t("sell", ("manufactured", "in_distribution"), "sold", [HOLDER], N_("Sold"),
      guards=["no_transfer_pending"]),
    t("put_in_service", "sold", "in_service", [HOLDER], N_("Put into service"),
      guards=["no_transfer_pending"]),
    t("start_maintenance", "in_service", "under_maintenance", [HOLDER], N_("Maintenance started"),
      guards=["no_transfer_pending"]),
    t("end_maintenance", "under_maintenance", "in_service", [HOLDER], N_("Maintenance finished"),
      guards=["no_transfer_pending"]),
    t("recall", LIVE, "recalled", [MANUFACTURER], N_("Recalled"), danger=True),
    t("repaired", "recalled", "in_service", [HOLDER, MANUFACTURER], N_("Repaired after recall"),
      guards=["no_transfer_pending"]),
    t("returned", "recalled", "in_distribution", [HOLDER, MANUFACTURER], N_("Returned after recall"),
      guards=["no_transfer_pending"]),
    t("lose", LIVE, "lost", [HOLDER], N_("Lost"), guards=["no_transfer_pending"]),
    t("found", "lost", "in_distribution", [HOLDER], N_("Found"), when="lost_from_stock"),
    t("found", "lost", "sold", [HOLDER], N_("Found"), when="lost_after_sale"),
    t("found", "lost", "in_service", [HOLDER], N_("Found")),
    t("scrap", NOT_SCRAPPED, "scrapped", [HOLDER], N_("Scrapped"), danger=True,
      guards=["no_transfer_pending"]),
    *[t("transfer", s, s, [HOLDER], N_("Transfer to another firm"), guards=["no_transfer_pending"])
      for s in HOLDABLE],
    *[t("accept_transfer", s, s, [RECEIVER], N_("Transfer accepted"), guards=["transfer_pending"])
      for s in HOLDABLE],
    *[t("void_transfer", s, s, [HOLDER, RECEIVER], N_("Transfer cancelled or declined"),
        guards=["transfer_pending"]) for s in HOLDABLE],
)

# The fixed vocabulary of the "why": each trigger's CBV 2.0 business step and disposition (the
# names in the JSON) and its EPCIS action.  Each (business step, disposition) pair names one
# trigger, so an event from a firm's system is read by its CBV names alone.
CBV: dict[str, tuple[str, str, str]] = {
    "manufacture": ("commissioning", "active", "ADD"),
    "ship": ("shipping", "in_transit", "OBSERVE"),
    "sell": ("retail_selling", "retail_sold", "OBSERVE"),
    "put_in_service": ("installing", "active", "OBSERVE"),
    "start_maintenance": ("repairing", "in_progress", "OBSERVE"),
    "end_maintenance": ("inspecting", "active", "OBSERVE"),
    "recall": ("holding", "recalled", "OBSERVE"),
    "repaired": ("repairing", "conformant", "OBSERVE"),
    "returned": ("receiving", "returned", "OBSERVE"),
    "lose": ("other", "unknown", "OBSERVE"),
    "found": ("inspecting", "available", "OBSERVE"),
    "scrap": ("destroying", "destroyed", "DELETE"),
    "transfer": ("consigning", "in_transit", "OBSERVE"),
    "accept_transfer": ("accepting", "sellable_accessible", "OBSERVE"),
    "void_transfer": ("void_shipping", "inactive", "OBSERVE"),
}
TRIGGER_BY_CBV = {(step, disp): trig for trig, (step, disp, _a) in CBV.items()}
TRANSFER_TRIGGERS = frozenset({"transfer", "accept_transfer", "void_transfer"})


def _no_transfer_pending(ctx: Context) -> str | None:
    if ctx.facts.get("transfer_pending"):
        return N_("A transfer of this unit is pending: the receiving firm accepts or declines it first.")
    return None


def _transfer_pending(ctx: Context) -> str | None:
    if not ctx.facts.get("transfer_pending"):
        return N_("No transfer of this unit is pending.")
    return None


def _lost_from_stock(ctx: Context) -> str | None:
    return None if ctx.facts.get("state_before_lost") in ("manufactured", "in_distribution") else "no"


def _lost_after_sale(ctx: Context) -> str | None:
    return None if ctx.facts.get("state_before_lost") == "sold" else "no"


UNIT_LIFECYCLE = Workflow(
    name="unit_lifecycle",
    version=1,
    label=N_("Robot unit lifecycle"),
    initial="code_assigned",
    states=STATES,
    transitions=TRANSITIONS,
    guards={"no_transfer_pending": _no_transfer_pending, "transfer_pending": _transfer_pending},
    conditions={"lost_from_stock": _lost_from_stock, "lost_after_sale": _lost_after_sale},
)

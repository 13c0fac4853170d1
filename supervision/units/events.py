"""Recording lifecycle events: the one service behind the form, the CSV upload and the API.

``record`` checks a whole submission before anything is written (each event's own shape in
``validation``; then who holds each unit and the lifecycle table for every unit, event after
event) and then records all of it or, on any problem, nothing: ``EventsRejected`` lists every
problem as ``{"index", "field", "message"}`` with the message in the current locale.  A firm
records only for units it holds (the receiving firm answers a pending transfer; the
manufacturer may recall units others hold).  The submission is one audit event carrying the
SHA-256 of the canonical JSON (RFC 8785) of the events it recorded: ``ledger.verify`` re-checks
it.

``record_stream`` does the same for events read one at a time (a CSV file of up to 100,000 rows)
in chunks of ``CHUNK``, with memory that does not grow with the file: units are read as plain
rows, each chunk is written once it and all before it are found right, the hash runs over the
events as they are written, and any problem rolls back every chunk written.

A unit that another submission changed between this one reading and writing it (its version
moved) stops the submission with ``UnitsChanged`` (a ``core.errors.Conflict``), nothing written:
the form, the upload and the API answer it with a message and the units read afresh.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from itertools import islice
from types import SimpleNamespace
from typing import Any, Callable, Iterable, Iterator

from flask_babel import gettext
from sqlalchemy import bindparam, insert, text, update
from sqlalchemy.orm.util import identity_key

from supervision.accounts.models import Organisation
from supervision.audit.services import record as audit
from supervision.core.database import is_postgres, lock_for_writing
from supervision.core.errors import Conflict
from supervision.core.timeutil import utcnow
from supervision.extensions import db
from supervision.units import schema
from supervision.units.models import CHANNELS, Unit, UnitEvent, UnitEventLocation, UnitEventUnit, UnitSubmission
from supervision.units.validation import (M_ALREADY_DECLARED, M_IMPOSSIBLE, M_NOT_A_LIST, M_NOT_HELD,
                                          M_NOT_ISSUED, M_NOT_LATEST, M_TOO_MANY, M_TOO_MANY_CODES, Checked, Errors,
                                          canonical, canonical_strings, plain, check_event_ids, check_shape, chunks)
from workflows.base import Context, InvalidTrigger, TransitionRefused
from workflows.unit_lifecycle import CBV, HOLDER, MANUFACTURER, RECEIVER, TRANSFER_TRIGGERS, UNIT_LIFECYCLE

AUDIT_ACTION = "units.events_recorded"


class UnitsChanged(Conflict):
    """Another submission changed one of the units between this one reading and writing them
    (their version moved): nothing was recorded, and sending again reads the units afresh."""

    @property
    def user_message(self) -> str:
        return gettext("A unit was changed by someone else meanwhile: nothing was recorded. "
                       "Check its state and send again.")


class EventsRejected(Exception):
    """Nothing was recorded; ``errors`` says what to fix, event by event."""

    def __init__(self, errors: list[dict[str, Any]]):
        super().__init__(f"{len(errors)} problem(s) in the events")
        self.errors = errors


@dataclass
class _Sim:
    """What a submission would make of one unit, before it is written (plain values, no ORM)."""

    id: int
    code: str
    manufacturer_id: int
    version: int
    state: str
    holder_id: int
    transfer_to_id: int | None
    state_before_lost: str | None
    recall_id: int | None
    changed: bool = False
    loaded: tuple = ()  # the unit's values as read, to write only what changed

    def __post_init__(self) -> None:
        self.loaded = (self.state, self.holder_id, self.transfer_to_id, self.state_before_lost, self.recall_id)


@dataclass
class Recorded:
    count: int
    ids: list[int] | None  # None when the caller did not keep them


def record(*, firm: Organisation, actor, events: list[dict], channel: str,
           recall_id: int | None = None, limit: int = schema.MAX_EVENTS) -> list[int]:
    """Record ``events`` for ``firm`` (all or none); the ids of the recorded events, in order.
    ``limit``: at most this many events."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    errors = Errors()
    if not isinstance(events, list) or not events:
        errors.add(None, "events", M_NOT_A_LIST)
        raise EventsRejected(errors)
    if len(events) > limit:
        errors.add(None, "events", M_TOO_MANY, limit=limit)
        raise EventsRejected(errors)
    return record_stream(firm=firm, actor=actor, events=events, channel=channel, recall_id=recall_id,
                         limit=limit).ids


def record_stream(*, firm: Organisation, actor, events: Iterable[dict], channel: str,
                  recall_id: int | None = None, limit: int = schema.MAX_EVENTS, keep_ids: bool = True,
                  report_limit: int | None = None,
                  progress: Callable[[int, int], None] | None = None) -> Recorded:
    """Record the events an iterable yields (a CSV file read row by row), all or none, in chunks
    of ``CHUNK`` events: each chunk is checked against the units' states as the earlier chunks
    left them, and written (multi-row INSERTs, one UPDATE per changed unit) while no problem has
    been found; after the first problem nothing more is written, the rest is still checked
    against the states in memory, and what earlier chunks wrote is rolled back with the session's
    transaction before ``EventsRejected`` is raised.  A submission of one chunk (every form,
    recall and API request) is checked whole before anything is written.  ``report_limit``: keep
    at most this many problems (``EventsRejected.errors``; ``Errors.total`` counts them all).
    ``progress(checked, written)`` is called after each chunk with the events checked and
    written so far (written: not yet committed).  ``UnitsChanged``: a unit changed underneath."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown channel {channel!r}")
    run = _Run(firm, actor, channel, recall_id, keep_ids, report_limit)
    count = 0
    try:
        for part, last in _chunked(events, CHUNK):
            if count + len(part) > limit:
                run.errors.add(None, "events", M_TOO_MANY, limit=f"{limit:,}")
                break
            run.chunk([(count + k, raw) for k, raw in enumerate(part)], last=last)
            count += len(part)
            if progress is not None:
                progress(count, run.count)
            if run.stopped:
                break
    except BaseException:  # e.g. the file turned out unreadable halfway: nothing stays written
        if run.written:
            db.session.rollback()
        raise
    if not count and not run.errors:
        run.errors.add(None, "events", M_NOT_A_LIST)
    if run.errors:
        if run.written:
            db.session.rollback()
        run.errors.sort(key=lambda e: (e["index"] if e["index"] is not None else -1))
        raise EventsRejected(run.errors)
    run.finish()
    return Recorded(run.count, run.ids)


CHUNK = schema.MAX_EVENTS


def _chunked(items: Iterable, size: int) -> Iterator[tuple[list, bool]]:
    """Lists of ``size`` items, each with whether it is the last (one item read ahead)."""
    it = iter(items)
    part = list(islice(it, size))
    while part:
        after = list(islice(it, size))
        yield part, not after
        part = after


class _Run:
    """One submission under way: the problems so far, the units' states not yet written, the
    running SHA-256 of the canonical events written."""

    def __init__(self, firm, actor, channel, recall_id, keep_ids, report_limit):
        self.firm, self.actor, self.channel, self.recall_id = firm, actor, channel, recall_id
        self.actor_id = actor.id if getattr(actor, "is_authenticated", False) else None
        self.errors = Errors(limit=report_limit)
        self.sims: dict[int, _Sim] = {}
        self.declared_now: set[int] = set()
        self.seen_ids: set[str] = set()
        self.firms: dict[str, Organisation | None] = {}
        self.outcomes: dict[tuple, tuple] = {}
        self.codes = 0
        self.now = utcnow()
        self.submission_id: int | None = None
        self.sha = hashlib.sha256(b"[")
        self.count = 0
        self.written = False
        self.stopped = False  # a problem with the whole submission: no need to read further
        self.single = False  # the submission's row was written with its only chunk
        self.ids: list[int] | None = [] if keep_ids else None

    # -- checking one chunk --------------------------------------------------------------------

    def chunk(self, items: list[tuple[int, Any]], *, last: bool) -> None:
        errors = self.errors
        checked = [c for i, raw in items
                   if (c := check_shape(i, raw, self.firm, errors, firms=self.firms)) is not None]
        self.codes += sum(len(c.codes) for c in checked)
        if self.codes > schema.MAX_CODES_PER_SUBMISSION:
            errors.add(None, "events", M_TOO_MANY_CODES, limit=f"{schema.MAX_CODES_PER_SUBMISSION:,}")
            self.stopped = True
            return
        units = self._load({code for c in checked for code in c.codes})
        check_event_ids(checked, errors, self.seen_ids)
        plans = []
        for c in checked:
            plan = self._simulate(c, units)
            if plan is not None:
                plans.append((c, plan))
        if not errors:
            self._write(plans, last=last)

    def _write(self, plans: list, *, last: bool) -> None:
        _run_write(self, plans, last=last)

    def finish(self) -> None:
        _run_finish(self)

    def _load(self, unit_codes: set[str], ids: Iterable[int] = ()) -> dict[str, _Sim]:
        """The units named, by code, as the submission has left them so far."""
        found: dict[str, _Sim] = {}
        t = Unit.__table__.c
        cols = (t.id, t.code, t.manufacturer_id, t.version, t.state, t.holder_id, t.transfer_to_id,
                t.state_before_lost, t.recall_id)
        for key, values in ((t.code, unit_codes), (t.id, ids)):
            for part in chunks(sorted(values)):
                for row in db.session.execute(db.select(*cols).where(key.in_(part))):
                    sim = self.sims.get(row.id) or _Sim(*row)
                    found[sim.code] = sim
        return found

    def _sim(self, unit: _Sim) -> _Sim:
        return self.sims.setdefault(unit.id, unit)

    def _simulate(self, c: Checked, units: dict[str, _Sim]) -> list[tuple[_Sim, str, str]] | None:
        if c.declared is not None:
            return self._simulate_declaration(c)
        plan, ok = [], True
        errors, firm = self.errors, self.firm
        for j, code in enumerate(c.codes):
            unit = units.get(code)
            if unit is None:
                errors.add(c.index, f"epcList[{j}]", M_NOT_ISSUED)
                ok = False
                continue
            sim = self._sim(unit)
            roles = roles_for(firm.id, sim.holder_id, sim.transfer_to_id, sim.manufacturer_id)
            if not roles & {HOLDER, RECEIVER} and not (c.trigger == "recall" and MANUFACTURER in roles):
                errors.add(c.index, f"epcList[{j}]", M_NOT_HELD)
                ok = False
                continue
            before = sim.state
            outcome = self._fire(before, c.trigger, roles, sim.transfer_to_id is not None, sim.state_before_lost)
            if outcome[0] == "invalid":
                errors.add(c.index, f"epcList[{j}]", M_IMPOSSIBLE,
                           state=gettext(UNIT_LIFECYCLE.state_label(before)),
                           step=gettext(UNIT_LIFECYCLE.row_of(c.trigger).label))
                ok = False
                continue
            if outcome[0] == "refused":
                for reason in outcome[1]:
                    errors.add(c.index, f"epcList[{j}]", reason)
                ok = False
                continue
            sim.state = outcome[1]
            _side_effects(sim, c, before, firm)
            plan.append((sim, before, sim.state))
        return plan if ok else None

    def _fire(self, state: str, trigger: str, roles: frozenset, pending: bool, before_lost: str | None) -> tuple:
        """The lifecycle table's answer for a unit in this situation (the same for every unit in
        it: the guards read only the roles and these facts), worked out once per submission."""
        key = (state, trigger, roles, pending, before_lost)
        if key not in self.outcomes:
            probe = SimpleNamespace(state=state)
            ctx = Context(None, roles, {"transfer_pending": pending, "state_before_lost": before_lost})
            try:
                UNIT_LIFECYCLE.fire(probe, trigger, ctx)
                self.outcomes[key] = ("ok", probe.state)
            except InvalidTrigger:
                self.outcomes[key] = ("invalid",)
            except TransitionRefused as refused:
                self.outcomes[key] = ("refused", tuple(refused.reasons))
        return self.outcomes[key]

    def _simulate_declaration(self, c: Checked) -> list[tuple[_Sim, str, str]] | None:
        target, errors = c.declared, self.errors
        if target.id in self.declared_now:
            errors.add(c.index, "errorDeclaration.eventID", M_ALREADY_DECLARED)
            return None
        links = db.session.execute(db.select(UnitEventUnit.unit_id, UnitEventUnit.to_state)
                                   .filter_by(event_id=target.id).order_by(UnitEventUnit.id)).all()
        units = {u.id: u for u in self._load(set(), [unit_id for unit_id, _s in links]).values()}
        plan = []
        for unit_id, to_state in links:
            sim = self._sim(units[unit_id])
            latest = db.session.execute(
                db.select(UnitEventUnit.event_id).where(UnitEventUnit.unit_id == unit_id,
                                                        UnitEventUnit.from_state != UnitEventUnit.to_state)
                .order_by(UnitEventUnit.event_id.desc()).limit(1)).scalar()
            if sim.changed or latest != target.id or sim.state != to_state:
                errors.add(c.index, "errorDeclaration.eventID", M_NOT_LATEST, code=sim.code)
                return None
            plan.append((sim, unit_id))
        out = []
        from_states = dict(db.session.execute(db.select(UnitEventUnit.unit_id, UnitEventUnit.from_state)
                                              .filter_by(event_id=target.id)).all())
        for sim, unit_id in plan:
            before = sim.state
            sim.state, sim.changed = from_states[unit_id], True
            if target.trigger == "lose":
                sim.state_before_lost = None
            if target.trigger == "recall":
                sim.recall_id = None
            out.append((sim, before, sim.state))
        self.declared_now.add(target.id)
        c.codes = [sim.code for sim, _b, _a in out]
        return out

def roles_for(firm_id: int, holder_id: int, transfer_to_id: int | None, manufacturer_id: int) -> frozenset[str]:
    """The roles a firm holds on a unit in the lifecycle table."""
    roles = set()
    if firm_id == holder_id:
        roles.add(HOLDER)
    if firm_id == manufacturer_id:
        roles.add(MANUFACTURER)
    if transfer_to_id is not None and firm_id == transfer_to_id:
        roles.add(RECEIVER)
    return frozenset(roles)


def _side_effects(sim: _Sim, c: Checked, before: str, firm: Organisation) -> None:
    if c.trigger == "transfer":
        sim.transfer_to_id = c.destination.id
    elif c.trigger == "accept_transfer":
        sim.holder_id, sim.transfer_to_id = firm.id, None
    elif c.trigger == "void_transfer":
        sim.transfer_to_id = None
    elif c.trigger == "lose":
        sim.state_before_lost = before
    if c.trigger not in TRANSFER_TRIGGERS:
        sim.changed = True


# -- writing -------------------------------------------------------------------------------------

def _document(c: Checked, firm: Organisation, event_id: str, record_time: dt.datetime,
              where_digest: str | None) -> dict:
    doc: dict[str, Any] = {
        "type": "ObjectEvent",
        "eventID": event_id,
        "epcList": c.codes,
        "eventTime": c.event_time.isoformat(),
        "eventTimeZoneOffset": c.offset,
        "recordTime": record_time.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "reporter": firm.credit_code,
        "whereDigest": where_digest,
        "details": c.details,
    }
    if c.declared is not None:
        decl = c.raw["errorDeclaration"]
        doc["errorDeclaration"] = {"declarationTime": doc["recordTime"], "eventID": c.declared.event_id,
                                   "reason": decl["reason"], "explanation": decl.get("explanation", "")}
        doc["action"] = "OBSERVE"
    else:
        step, disp, action = CBV[c.trigger]
        doc.update(action=action, bizStep=step, disposition=disp)
        if c.destination is not None:
            doc["destinationList"] = [{"type": "owning_party", "destination": c.destination.credit_code}]
    return doc


def submission_digest(canonical_events: Iterable[str]) -> str:
    """SHA-256 of the canonical JSON array of the recorded events (each already canonical)."""
    return hashlib.sha256(("[" + ",".join(canonical_events) + "]").encode("utf-8")).hexdigest()


def where_digest(salt: str, document: str) -> str:
    return hashlib.sha256((salt + document).encode("utf-8")).hexdigest()


_SUBMISSION_FK = "fk_unit_events_submission_id_unit_submissions"
_LOCK_SUBMISSIONS = 0x554E5355  # SQLite: the write lock before the next submission id is read


def _next_submission_id() -> int:
    """Reserve the id of a submission whose row is written after its events (a file of several
    chunks: its SHA-256 is known once the last chunk is written).  The events' reference to it
    is checked at commit."""
    if is_postgres():
        db.session.execute(text(f"SET CONSTRAINTS {_SUBMISSION_FK} DEFERRED"))
        return db.session.execute(text("SELECT nextval(pg_get_serial_sequence('unit_submissions', 'id'))")).scalar()
    lock_for_writing(_LOCK_SUBMISSIONS)
    db.session.execute(text("PRAGMA defer_foreign_keys = ON"))
    return db.session.execute(db.select(db.func.coalesce(db.func.max(UnitSubmission.id), 0) + 1)).scalar()


# Each list of rows goes to the driver's executemany: SQLite runs the statement for each row in C,
# psycopg pipelines them.  (INSERTs or an UPDATE of many rows each measured slower on PostgreSQL:
# composing and splitting statements of thousands of parameters costs more than it saves.)
_units = Unit.__table__.c
_KEYS = ("b_id", "b_version", "b_state", "b_holder", "b_transfer", "b_lost", "b_recall")
_UPDATE_UNIT = (update(Unit.__table__)
                .where(_units.id == bindparam("b_id"), _units.version == bindparam("b_version"))
                .values(state=bindparam("b_state"), holder_id=bindparam("b_holder"),
                        transfer_to_id=bindparam("b_transfer"), state_before_lost=bindparam("b_lost"),
                        recall_id=bindparam("b_recall"), updated_at=bindparam("b_now"),
                        version=_units.version + 1))


def _run_write(run: _Run, plans: list, *, last: bool) -> None:
    """Write one checked chunk: its events, locations and event-unit rows as multi-row INSERTs
    (an ORM object per event would flush them one by one), and one UPDATE per changed unit whose
    version column guards against a concurrent change.  The submission's row comes first when
    the chunk is the whole submission, else after the last chunk (``finish``)."""
    firm, now = run.firm, run.now
    rows, canon, locations = [], [], {}
    for c, plan in plans:
        event_id = c.raw.get("eventID") or f"urn:uuid:{uuid.uuid4()}"
        digest = None
        if c.where:
            salt = secrets.token_hex(16)
            locations[c.index] = {"salt": salt, "document": canonical_strings(c.where), "created_at": now}
            digest = where_digest(salt, locations[c.index]["document"])
        doc = _document(c, firm, event_id, now, digest)
        # every value of a document is text the checks let through, but for the free details
        text_ = canonical_strings(doc) if plain(c.details) else canonical(doc)
        canon.append(text_)
        rows.append(({"event_id": event_id, "position": c.index, "trigger": c.trigger,
                      "biz_step": CBV[c.trigger][0] if c.trigger else None,
                      "disposition": CBV[c.trigger][1] if c.trigger else None,
                      "event_time": c.event_time.astimezone(dt.timezone.utc).replace(tzinfo=None),
                      "time_zone_offset": c.offset, "record_time": now, "reporter_id": firm.id,
                      "reported_by_id": run.actor_id, "counterparty_id": c.destination.id if c.destination else None,
                      "declares_error_of_id": c.declared.id if c.declared else None, "canonical": text_}, plan))
    for text_ in canon:
        run.sha.update(("," if run.count else "").encode() + text_.encode("utf-8"))
        run.count += 1
    if run.submission_id is None:
        if last:
            run.single = True
            run.submission_id = _add_submission(run, sha256=submission_digest(canon), count=len(canon))
        else:
            run.submission_id = _next_submission_id()
    run.written = True
    if rows:
        db.session.execute(insert(UnitEvent.__table__), [{**row, "submission_id": run.submission_id}
                                                        for row, _p in rows])
        ids = dict(db.session.execute(db.select(UnitEvent.position, UnitEvent.id).where(
            UnitEvent.submission_id == run.submission_id,
            UnitEvent.position.between(rows[0][0]["position"], rows[-1][0]["position"]))).all())
        if locations:
            db.session.execute(insert(UnitEventLocation.__table__),
                               [{**where, "event_id": ids[index]} for index, where in locations.items()])
        links = [{"event_id": ids[row["position"]], "unit_id": sim.id, "from_state": before, "to_state": after}
                 for row, plan in rows for sim, before, after in plan]
        if links:
            db.session.execute(insert(UnitEventUnit.__table__), links)
        if run.ids is not None:
            run.ids += [ids[row["position"]] for row, _p in rows]
    _update_units(run)


def _update_units(run: _Run) -> None:
    changes = []
    for sim in run.sims.values():
        recall = run.recall_id if sim.state == "recalled" and run.recall_id else sim.recall_id
        if (sim.state, sim.holder_id, sim.transfer_to_id, sim.state_before_lost, recall) != sim.loaded:
            changes.append((sim.id, sim.version, sim.state, sim.holder_id, sim.transfer_to_id,
                            sim.state_before_lost, recall))
    run.sims.clear()
    if not changes:
        return
    db.session.flush()
    updated = db.session.execute(_UPDATE_UNIT, [{**dict(zip(_KEYS, c, strict=True)), "b_now": run.now}
                                                for c in changes],
                                 execution_options={"synchronize_session": False}).rowcount
    if updated != len(changes):
        raise UnitsChanged("units changed while the events were being recorded")
    for change in changes:  # a Unit this session holds is read again when next used
        unit = db.session.identity_map.get(identity_key(Unit, change[0]))
        if unit is not None:
            db.session.expire(unit)


def _add_submission(run: _Run, *, sha256: str, count: int, id_: int | None = None) -> int:
    submission = UnitSubmission(id=id_, firm_id=run.firm.id, actor_id=run.actor_id, channel=run.channel,
                                count=count, sha256=sha256, created_at=run.now)
    db.session.add(submission)
    db.session.flush()
    audit(AUDIT_ACTION, actor=run.actor if run.actor_id else None, object_type="unit_submission",
          object_id=submission.id, details={"sha256": sha256, "count": count,
                                            "channel": run.channel, "firm_id": run.firm.id})
    return submission.id


def _run_finish(run: _Run) -> None:
    """After the last chunk of a submission of several: its row, with the SHA-256 of all its
    events, and its audit event."""
    if not run.single:
        run.sha.update(b"]")
        _add_submission(run, sha256=run.sha.hexdigest(), count=run.count, id_=run.submission_id)

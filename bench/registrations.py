"""The registry rows of the benchmark dataset, made as ``supervision.registry.services`` makes them.

One robot model per case (a firm's product line, with one or two versions), its registration
row, the classifications made on acceptance (and again when a clarification brings a new
version), the rare tier override, sandbox referrals, certificates, objections in public notice
and, for every case that was ever registered, a registration number 杭具身注〔YYYY〕N号 that is
gap-free per year in the order of registration.  Each registry step of a case's life writes the
audit event the service writes, through ``Builder.event``.
"""
from __future__ import annotations

import collections
import datetime as dt
import json
from typing import Any

from bench import robots
from supervision.core.timeutil import local_date
from supervision.registry.services import NUMBER_PREFIX
from supervision.registry.tiering import classify

CERTIFIERS = (("CQC", "中国质量认证中心"), ("ZJRC", "浙江省机器人产品认证中心"),
              ("NRC", "国家机器人检测与评定中心（杭州）"), ("CESI", "中国电子技术标准化研究院"))
CERTIFICATE_SCOPE = "产品型号及其随附软件版本的设计、生产与销售。"
CERTIFICATE_REASON = "认证审核合格，准予发证。"
REFERRAL_NOTES = ("第四级：建议先入沙盒测试。", "具身智能通用机器人，建议在沙盒内完成场景验证后再部署。",
                  "Tier 4: refer to the sandbox before any deployment.")
OBJECTORS = (("张先生", "138****2291"), ("李女士", None), ("西溪花园业主委员会", "xixi-yz@example.com"),
             (None, None), (None, None))


class Rows:
    """The registry's rows of the whole dataset, filled case by case."""

    def __init__(self, ruleset: dict[str, Any]):
        from bench.dataset import Spool

        self.ruleset = ruleset  # id, version, rules of the ruleset in force (v1, seeded by 0003)
        self.models, self.versions, self.registrations = Spool(), Spool(), Spool()
        self.classifications, self.referrals, self.objections = Spool(), Spool(), Spool()
        self.certificates, self.certificate_changes, self.reliances = Spool(), Spool(), Spool()
        self.registered_at: list[tuple[dt.datetime, int]] = []  # (first registered, case id)
        self.spare: dict[int, list] = {}  # drawn declarations by tier (``robots.declare``)
        self.two_versions = self.tier_overrides = 0

    def tables(self) -> list[tuple[Any, Any]]:
        """(table, rows) in foreign-key order, the certificates after the models."""
        from supervision.certificates.models import Certificate, CertificateChange, CertificateReliance
        from supervision.registry.models import (
            Classification, ModelVersion, Objection, Registration, RobotModel, SandboxReferral)

        return [(RobotModel.__table__, self.models), (ModelVersion.__table__, self.versions),
                (Registration.__table__, self.registrations),
                (Classification.__table__, self.classifications),
                (SandboxReferral.__table__, self.referrals), (Objection.__table__, self.objections),
                (Certificate.__table__, self.certificates),
                (CertificateChange.__table__, self.certificate_changes),
                (CertificateReliance.__table__, self.reliances)]

    def flush(self, writer) -> None:
        """Write the rows of the cases built since the last flush (each case is complete)."""
        for table, spool in self.tables():
            rows = spool.take()
            if spool is self.versions:
                self.two_versions += sum(1 for v in rows if v["number"] == 2)
            elif spool is self.classifications:
                self.tier_overrides += sum(1 for c in rows if c["override_reason"])
            writer.insert(table, rows)

    def number(self, writer) -> None:
        """Registration numbers as ``issue_number`` gives them: per year, gap-free, in order of
        registration; set on the registrations already written."""
        from sqlalchemy import bindparam, update

        from supervision.registry.models import Registration

        t = Registration.__table__
        serial: collections.Counter[int] = collections.Counter()
        rows = []
        for at, cid in sorted(self.registered_at):
            day = local_date(at)
            serial[day.year] += 1
            rows.append(dict(rid=cid, y=day.year, s=serial[day.year], on=day,
                             n=f"{NUMBER_PREFIX}〔{day.year}〕{serial[day.year]}号"))
        stmt = (update(t).where(t.c.id == bindparam("rid"))
                .values(reg_year=bindparam("y"), reg_serial=bindparam("s"),
                        registered_on=bindparam("on"), registration_number=bindparam("n")))
        for i in range(0, len(rows), 5000):
            writer.conn.execute(stmt, rows[i:i + 5000])
        writer.commit()

    def counts(self) -> dict[str, int]:
        return {
            "models": len(self.models), "versions": len(self.versions),
            "models_with_two_versions": self.two_versions,
            "registrations": len(self.registrations), "classifications": len(self.classifications),
            "tier_overrides": self.tier_overrides,
            "certificates": len(self.certificates),
            "numbered": len(self.registered_at),
            "sandbox_referrals": len(self.referrals), "objections": len(self.objections),
        }


class CaseRows:
    """One case's model, versions, registration, classifications, referral and objections."""

    def __init__(self, builder, cid: int, firm: dict, life):
        self.b, self.rows, self.cid, self.life = builder, builder.registry, cid, life
        self.name, values, _ = robots.declare(life.computed_tier, builder.rng, self.rows.ruleset["rules"],
                                              self.rows.spare)
        self.values = dict(values, manufacturer=firm["name_zh"])
        self.model = dict(id=cid, firm_id=firm["id"], name=self.name)
        self.certificate: dict | None = None
        self.reg = dict(id=cid, case_id=cid, model_id=cid, version_id=None, registration_number=None,
                        reg_year=None, reg_serial=None, registered_on=None, tier=None)
        self.version: dict | None = None       # the version the registration is on
        self.latest: dict | None = None        # the model's newest version
        self.classification: dict | None = None
        self.values_of: dict[int, dict] = {}
        self.rows.models.append(self.model)
        self.rows.registrations.append(self.reg)
        self.registered = False

    def _new_version(self, values: dict[str, Any], actor: dict, at: dt.datetime) -> dict:
        number = 1 + len(self.values_of)
        row = dict(id=len(self.rows.versions) + 1, model_id=self.model["id"], number=number,
                   scenarios_json=json.dumps(sorted(set(values["scenarios"]))),
                   created_by_id=actor["id"], created_at=at, frozen_at=None,
                   **{k: values[k] for k in ("manufacturer", "form_factor", "intelligence_level",
                                             "mass_kg", "max_speed_mps", "public_space",
                                             "vulnerable_contact", "personal_data", "ota_learning",
                                             "standards", "software_version")})
        self.rows.versions.append(row)
        self.values_of[row["id"]] = values
        self.latest = row
        return row

    def _freeze(self, at: dt.datetime) -> None:
        if self.version["frozen_at"] is None:
            self.version["frozen_at"] = at

    def step(self, step, actor: dict, docs: list[dict]) -> None:
        """A registry step of the case's life: its rows and the audit event its service writes."""
        at, cid, rows, event = step.at, self.cid, self.rows, self.b.event
        case = {"case_id": cid} if step.case_event else {}
        if step.action == "registry.model_create":  # services.create_model
            self.model.update(created_by_id=actor["id"], created_at=at)
            self.version = self._new_version(self.values, actor, at)
            self.reg["version_id"] = self.version["id"]
            event(step.action, at, actor, object_type="robot_model", object_id=self.model["id"],
                  details={"name": self.name, "version": 1})
        elif step.action == "registry.version_update":  # services.update_model on the draft
            event(step.action, at, actor, **case, object_type="model_version", object_id=self.version["id"],
                  details={"model_id": self.model["id"], "version": self.version["number"]})
        elif step.action == "registry.version_create":  # services.update_model on a frozen version
            values = robots.next_version(self.values_of[self.latest["id"]], self.b.rng)
            row = self._new_version(values, actor, at)
            if step.case_event:  # the open application waiting for the firm moves to it
                self.version = row
                self.reg["version_id"] = row["id"]
            event(step.action, at, actor, **case, object_type="model_version", object_id=row["id"],
                  details={"model_id": self.model["id"], "version": row["number"]})
        elif step.action == "registry.classify":  # services.classify (on acceptance or a new version)
            self._freeze(at)
            rs = rows.ruleset
            inputs = robots.inputs_of(self.values_of[self.version["id"]])
            result = classify(inputs, rs["rules"])
            assert result.tier == self.life.computed_tier, (cid, result.tier, self.life.computed_tier)
            c = dict(id=len(rows.classifications) + 1, registration_id=cid, version_id=self.version["id"],
                     ruleset_id=rs["id"], inputs_json=json.dumps(inputs.as_dict(), sort_keys=True),
                     score=result.score, computed_tier=result.tier, tier=result.tier,
                     rationale_zh=result.rationale_zh, rationale_en=result.rationale_en,
                     override_reason=None, overridden_by_id=None, created_by_id=actor["id"], created_at=at)
            rows.classifications.append(c)
            self.classification = c
            self.reg["tier"] = c["tier"]  # the newest classification is the one in force
            event(step.action, at, actor, **case, object_type="classification", object_id=c["id"],
                  reason=step.reason, details={"ruleset_version": rs["version"], "score": result.score,
                                               "tier": result.tier, "version_id": self.version["id"]})
        elif step.action == "registry.tier_override":  # services.override_tier
            c, before = self.classification, self.classification["tier"]
            c.update(tier=self.life.tier, override_reason=step.reason, overridden_by_id=actor["id"])
            self.reg["tier"] = c["tier"]
            event(step.action, at, actor, **case, object_type="classification", object_id=c["id"],
                  reason=step.reason, details={"from_tier": before, "to_tier": c["tier"],
                                               "computed_tier": c["computed_tier"]})
        elif step.action == "registry.sandbox_referral":  # services.refer_to_sandbox
            assert self.classification["tier"] == 4
            ref = dict(id=len(rows.referrals) + 1, case_id=cid, model_id=self.model["id"],
                       classification_id=self.classification["id"], note=self.b.rng.choice(REFERRAL_NOTES),
                       referred_by_id=actor["id"], created_at=at)
            rows.referrals.append(ref)
            event(step.action, at, actor, **case, object_type="sandbox_referral", object_id=ref["id"],
                  reason=ref["note"])
        elif step.action == "certificate.record":  # certificates.services.record_certificate
            body_id = actor["organisation_id"]
            prefix = self.b.certifier_prefix[body_id]
            start = local_date(at)
            cert = dict(id=len(rows.certificates) + 1, body_id=body_id, model_id=self.model["id"],
                        number=f"{prefix}-{at:%Y}-{cid:06d}", standards=self.version["standards"],
                        scope=CERTIFICATE_SCOPE, valid_from=start, valid_until=start + dt.timedelta(days=3 * 365),
                        state="issued", state_since=start, created_by_id=actor["id"], created_at=at)
            rows.certificates.append(cert)
            rows.certificate_changes.append(dict(
                id=len(rows.certificate_changes) + 1, certificate_id=cert["id"], trigger="issue",
                from_state="applied", to_state="issued", reason=CERTIFICATE_REASON, effective_on=start,
                actor_id=actor["id"], created_at=at))
            self.certificate = cert
            event(step.action, at, actor, object_type="certificate", object_id=cert["id"],
                  workflow="certificate", workflow_version=1, trigger="issue", from_state="applied",
                  to_state="issued", reason=CERTIFICATE_REASON,
                  details={"number": cert["number"], "body_id": body_id, "model_id": cert["model_id"],
                           "effective_on": start.isoformat(), "standards": cert["standards"],
                           "scope": cert["scope"], "valid_from": start.isoformat(),
                           "valid_until": cert["valid_until"].isoformat()})
        else:
            raise AssertionError(f"unknown registry step {step.action}")

    def transition(self, step, event: dict) -> None:
        """The registry effects of a transition (registry.facts), given its audit event."""
        if step.trigger in ("submit", "supplement", "answer_clarification"):
            self._freeze(step.at)
        elif step.trigger == "propose_grant" and self.certificate is not None:  # facts._rely_on_certificate
            self.rows.reliances.append(dict(id=len(self.rows.reliances) + 1, certificate_id=self.certificate["id"],
                                            case_id=self.cid, created_at=step.at))
        elif step.trigger == "object":  # services.file_objection / facts._objection_on_record
            public = bool(step.details and step.details.get("filed_publicly"))
            objector, contact = self.b.rng.choice(OBJECTORS) if public else (None, None)
            self.rows.objections.append(dict(
                id=len(self.rows.objections) + 1, case_id=self.cid, objector=objector, contact=contact,
                text=step.reason, client_address=event["client_address"] if public else None,
                created_at=step.at))
        if step.to_state == "registered" and not self.registered:  # issue_number keeps the first
            self.rows.registered_at.append((step.at, self.cid))
            self.registered = True

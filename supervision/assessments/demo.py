"""Demo data of the Art. 47 assessment: one measure in public consultation with comments (one
published, one awaiting moderation, one rejected) and one passed measure with its conclusion and
recommendation.  The assessment's own law expert is added to the pool (field "law") so the
expert demo's draws are not disturbed."""
from __future__ import annotations

from supervision.accounts import services as accounts
from supervision.assessments import services
from supervision.cases import services as cases
from supervision.experts import services as experts

TEXT_LOG = ("第一条 第三级及以上具身智能机器人的运营者应当完整保存运行日志，保存期限不少于十二个月。\n"
            "第二条 运行日志应当包括位置、速度、接管记录和异常事件。\n"
            "第三条 运营者应当在监管部门要求时五个工作日内提供运行日志。")
TEXT_INSURANCE = ("第一条 在公共场所运行的第二级具身智能机器人，运营者应当投保第三者责任保险。\n"
                  "第二条 保险金额不低于每台一百万元。")
NECESSITY = {"problem": "事件调查中缺少运行记录，无法还原经过。", "evidence": "2026年试点中三起事件因缺少日志无法查明原因。",
             "alternatives": [{"alternative": "发布运行日志留存指引（非强制）", "why_insufficient": "试点企业中仅四成自愿执行。"},
                              {"alternative": "仅在事件发生后要求报告", "why_insufficient": "事后无法补录已丢失的数据。"}]}
SAFETY = {"hazards": "事件原因不明导致同类风险反复发生。", "residual_risks": "日志被篡改的风险，需配合哈希校验。",
          "effect_on_users": "有利于查明责任、保护使用者和公众。"}
EFFECTIVENESS = {"outcomes": "所有第三级事件均可依据日志查明原因。", "indicators": "事件调查中可用日志的比例。",
                 "measurement": "每季度根据事件调查记录统计。", "cost_to_firms": "每台约增加存储成本200元/年。",
                 "competition_effect": "对所有企业同等适用，不设地域或所有制差别。", "review_date": "2028-12-31"}
FAIR = {"market_entry": "不设准入许可，不限制市场进入和退出。", "free_movement": "不限制外地产品进入本市。",
        "costs": "不涉及补贴或收费。", "conduct": "不影响企业定价和经营行为。", "conclusion": "经审查，符合公平竞争审查标准。"}


def load(*, users, bureau, **_others) -> None:
    from supervision.demo.data import PASSWORD

    officer, approver, admin = users["officer@example.com"], users["approver@example.com"], users["admin@example.com"]
    law = accounts.create_user(email="expert-law@example.com", name="韩法规 Han (law)", password=PASSWORD,
                               organisation=bureau, roles=["expert"])
    experts.create_expert(law, fields=["law"], actor=admin, affiliation="浙江工商大学法学院", title="教授")

    done = services.create_measure(
        actor=officer, department_id=bureau.id, title="第三级机器人运行日志留存措施", text=TEXT_LOG,
        problem=NECESSITY["problem"], scenario_classes=["S2", "S3"], tiers=["3", "4"], form_factors=[],
        ruleset_changes=["obligation:3:log_retention", "obligation:4:log_retention"])
    _assess(done, officer)
    experts.draw_experts(done, n=1, fields=["law"], actor=officer)
    experts.submit_opinion(done, actor=law, recommendation="supports", no_conflict=True,
                           reasons="措施必要且与风险相称，建议明确日志的完整性校验要求。")
    cases.fire(done, "skip_consultation", actor=officer, reason="措施仅涉及已有记录的保存，已征求行业协会意见。")
    cases.fire(done, "propose_conclusion", actor=officer, conclusion="passed",
               reason="必要性、安全性、有效性均已论证，公平竞争审查通过。")
    cases.fire(done, "approve_conclusion", actor=approver)
    cases.fire(done, "issue_recommendation", actor=approver)

    open_ = services.create_measure(
        actor=officer, department_id=bureau.id, title="公共场所第二级机器人第三者责任保险措施", text=TEXT_INSURANCE,
        problem="公共场所机器人致人损害时赔偿能力不足。", scenario_classes=["S3"], tiers=["2"], form_factors=["humanoid", "wheeled"],
        ruleset_changes=["obligation:2:insurance"])
    _assess(open_, officer)
    experts.draw_experts(open_, n=1, fields=["law"], actor=officer, reason="第二项措施另行抽取")
    experts.submit_opinion(open_, actor=law, recommendation="supports_with_changes", no_conflict=True,
                           reasons="建议对小微企业设置过渡期。", conditions="过渡期不少于六个月。")
    services.set_summary(open_, actor=officer, summary="拟要求在公共场所运行的第二级机器人投保第三者责任保险。"
                                                      "评估认为：风险真实存在，指引不足以保障赔偿，成本约每台每年800元。")
    cases.fire(open_, "open_consultation", actor=officer)
    for name, contact, theme, text, verdict in (
            ("周先生", "zhou@example.org", "cost", "小微企业负担较重，建议设置过渡期。", "publish"),
            ("杭州某商场", "0571-00000000", "effectiveness", "建议明确保险金额按机器人质量分档。", None),
            ("匿名", "spam@example.org", "other", "优惠购买机器人，欢迎咨询！", "advertising")):
        row = services.submit_comment(open_, name=name, contact=contact, theme=theme, text=text, client_address="demo")
        if verdict:
            services.moderate(row, actor=officer, publish=verdict == "publish",
                              category=None if verdict == "publish" else verdict)


def _assess(case, officer) -> None:
    cases.fire(case, "start_assessment", actor=officer)
    services.save_finding(case, "necessity", actor=officer, content=NECESSITY)
    cases.fire(case, "complete_necessity", actor=officer)
    services.save_finding(case, "safety", actor=officer, content=SAFETY)
    cases.fire(case, "complete_safety", actor=officer)
    services.save_finding(case, "effectiveness", actor=officer, content=EFFECTIVENESS)
    services.save_finding(case, "fair_competition", actor=officer, content=FAIR)
    cases.fire(case, "complete_effectiveness", actor=officer)

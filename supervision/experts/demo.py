"""The expert pool of the demo: nine experts in six fields, two with declared conflicts
against the demo firms; a registration case whose expert review is over (a draw, one decline
and its replacement, two opinions, back in classification review); one in expert review where
the demo expert (expert@example.com) has an open assignment.  Called by ``demo.data.load_demo`` after the case types' demo."""
from __future__ import annotations

import datetime as dt

from supervision.accounts import services as accounts
from supervision.cases import services as cases
from supervision.cases.models import Case
from supervision.experts import services

# email, name, fields, affiliation, title
EXPERTS = (
    ("expert-a@example.com", "钱安全 Qian (robotics safety)", ["robotics_safety"], "浙江大学", "教授"),
    ("expert-b@example.com", "吴机器 Wu (robotics safety)", ["robotics_safety", "industry_scenarios"], "之江实验室", "研究员"),
    ("expert-c@example.com", "郑安规 Zheng (robotics safety)", ["robotics_safety"], "浙江省特种设备科学研究院", "高级工程师"),
    ("expert-d@example.com", "冯控制 Feng (robotics safety)", ["robotics_safety", "ai_algorithms"], "浙江工业大学", "副教授"),
    ("expert-e@example.com", "陈算法 Chen (AI)", ["ai_algorithms"], "杭州电子科技大学", "教授"),
    ("expert-f@example.com", "褚数据 Chu (data and privacy)", ["data_privacy"], "浙江省数据局研究中心", "研究员"),
    ("expert-g@example.com", "卫法律 Wei (law)", ["law", "ethics"], "浙江大学光华法学院", "副教授"),
    ("expert-h@example.com", "蒋伦理 Jiang (ethics)", ["ethics"], "浙江省社会科学院", "研究员"),
)


def load(*, users, bureau, firm_a, firm_b, password: str) -> None:
    officer = users["officer@example.com"]
    admin = users["admin@example.com"]
    pool = {}
    sun = users["expert@example.com"]
    pool[sun.email] = services.create_expert(sun, fields=["industry_scenarios", "ai_algorithms"], actor=admin,
                                             affiliation="浙江大学机器人研究院", title="教授")
    for email, name, fields, affiliation, title in EXPERTS:
        user = accounts.create_user(email=email, name=name, password=password, organisation=bureau,
                                    roles=["expert"])
        pool[email] = services.create_expert(user, fields=fields, actor=admin, affiliation=affiliation, title=title)
    for email, firm, reason in (("expert-c@example.com", firm_a, "曾为该公司提供安全评估咨询服务"),
                                ("expert-e@example.com", firm_b, "近亲属在该公司任职")):
        services.declare_conflict(pool[email], organisation_id=firm.id, reason=reason,
                                  valid_from=dt.date(2025, 1, 1), valid_to=None, actor=pool[email].user)

    heard, waiting = _in_expert_review(users, firm_a, "ZX-Cargo C6", 3), \
        _in_expert_review(users, firm_a, "ZX-Care H6", 4)
    # A completed draw: two safety experts, one declines, a replacement, two opinions; the last
    # opinion ends the step (the system returns the case to classification review).
    first = services.draw_experts(heard, n=2, fields=["robotics_safety"], actor=officer)
    by_id = {e.user_id: e.user for e in pool.values()}
    decliner = by_id[first.result[0]]
    second = services.decline(heard, user=decliner, reason="评审期间出国参加学术会议", actor=decliner)
    for i, user_id in enumerate(first.result[1:] + second.result):
        services.submit_opinion(
            heard, actor=by_id[user_id], no_conflict=True,
            recommendation=("approve", "approve_with_conditions")[i],
            reasons="安全评估报告完整，风险控制措施与等级相符。",
            conditions="" if i == 0 else "正式投放前完成公共场所人机协作场景实地测试。")
    # An open assignment for the demo expert: the only one in the industry-scenarios field
    # besides Wu, drawn both (n=2), so expert@example.com certainly holds it.
    services.draw_experts(waiting, n=2, fields=["industry_scenarios"], actor=officer)


def _in_expert_review(users, firm, name: str, tier: int) -> Case:
    """A new registration of ``firm`` taken to expert review through the services."""
    from supervision.registry import services as registry
    from supervision.registry.demo import SPECS

    applicant, officer = users["applicant@example.com"], users["officer@example.com"]
    reg = registry.create_model(firm=firm, actor=applicant, name=name, values=SPECS[tier])
    cases.fire(reg.case, "submit", actor=applicant)
    cases.fire(reg.case, "accept", actor=officer)
    cases.fire(reg.case, "start_review", actor=officer)
    cases.fire(reg.case, "seek_expert_opinion", actor=officer,
               reason=f"第{tier}级：请机器人安全与行业应用专家评审。/ Tier {tier}: expert review of safety and use.")
    return reg.case

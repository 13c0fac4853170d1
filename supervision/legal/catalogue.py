"""The instruments every installation knows before an administrator touches anything.

National laws and the regulation are facts (adopted, with their issuing body, document number
and date).  The implementing measure and the law-level basis that registration as a licence or
a revocation penalty would need do not exist yet: they are here as clearly marked examples
(``draft_example``), so the demo can issue decisions that carry the sample mark while production
refuses them until an administrator records the adopted instrument (``services.save_instrument``).

A provision is cited by its key ``<instrument>:<article>[.<paragraph>[.<item>]]``.
"""
from __future__ import annotations

import datetime as dt

from supervision.legal.model import ADOPTED, DRAFT_EXAMPLE, Instrument, Provision

REGULATION, LICENSING, PENALTY = "regulation", "licensing", "penalty"
RECONSIDERATION, LITIGATION = "reconsideration", "litigation"
MEASURE, LAW_EXAMPLE = "measure", "law_example"
FAIR_COMPETITION, RULEMAKING = "fair_competition", "rulemaking"
STATE_COMPENSATION = "state_compensation"
# Cited only for what they say, never as the power to decide or to penalise: the regulation (it
# asks the city to explore mechanisms, Art. 48; its Art. 43 refers liability to other laws) and
# the list of kinds of penalty (行政处罚法 Art. 9).
NEVER_A_BASIS = frozenset({REGULATION, "penalty:9"})

INSTRUMENTS: tuple[Instrument, ...] = (
    Instrument(REGULATION, "杭州市促进具身智能机器人产业发展条例",
               "Hangzhou Regulation on Promoting the Embodied-Intelligence Robot Industry",
               "杭州市人民代表大会常务委员会", "Standing Committee of the Hangzhou Municipal People's Congress",
               "杭州市人民代表大会常务委员会公告第55号", dt.date(2025, 12, 29), ADOPTED, national=False),
    Instrument(LICENSING, "中华人民共和国行政许可法", "Administrative Licensing Law of the PRC",
               "全国人民代表大会常务委员会", "Standing Committee of the National People's Congress",
               "中华人民共和国主席令第二十九号", dt.date(2019, 4, 23), ADOPTED),
    Instrument(PENALTY, "中华人民共和国行政处罚法", "Administrative Penalty Law of the PRC",
               "全国人民代表大会常务委员会", "Standing Committee of the National People's Congress",
               "中华人民共和国主席令第七十号", dt.date(2021, 1, 22), ADOPTED),
    Instrument(RECONSIDERATION, "中华人民共和国行政复议法", "Administrative Reconsideration Law of the PRC",
               "全国人民代表大会常务委员会", "Standing Committee of the National People's Congress",
               "中华人民共和国主席令第九号", dt.date(2023, 9, 1), ADOPTED),
    Instrument(LITIGATION, "中华人民共和国行政诉讼法", "Administrative Litigation Law of the PRC",
               "全国人民代表大会常务委员会", "Standing Committee of the National People's Congress",
               "中华人民共和国主席令第七十一号", dt.date(2017, 6, 27), ADOPTED),
    Instrument(STATE_COMPENSATION, "中华人民共和国国家赔偿法", "State Compensation Law of the PRC",
               "全国人民代表大会常务委员会", "Standing Committee of the National People's Congress",
               "中华人民共和国主席令第六十八号", dt.date(2012, 10, 26), ADOPTED),
    Instrument(MEASURE, "杭州市具身智能机器人注册管理办法（示例）",
               "Hangzhou Measures for the Registration of Embodied-Intelligence Robots (example)",
               "杭州市人民政府", "Hangzhou Municipal People's Government",
               "", None, DRAFT_EXAMPLE, national=False),
    Instrument(LAW_EXAMPLE, "设定具身智能机器人注册许可和吊销处罚的法律、法规（示例）",
               "A law or regulation establishing the registration licence and its revocation (example)",
               "有权设定行政许可和行政处罚的立法机关（示例）",
               "A legislature empowered to establish licences and penalties (example)",
               "", None, DRAFT_EXAMPLE),
    # -- the sandbox (supervision.sandbox): its implementing measure does not exist yet either.
    Instrument("sandbox_measure", "杭州市具身智能机器人沙盒监管办法（示例）",
               "Hangzhou Measures for Sandbox Supervision of Embodied-Intelligence Robots (example)",
               "杭州市人民政府", "Hangzhou Municipal People's Government",
               "", None, DRAFT_EXAMPLE, national=False),
    # -- incidents (supervision.incidents): the incident-reporting measure does not exist yet.
    Instrument("incident_measure", "杭州市具身智能机器人安全事件报告和处置办法（示例）",
               "Hangzhou Measures for Reporting and Handling Embodied-Intelligence Robot Incidents (example)",
               "杭州市人民政府", "Hangzhou Municipal People's Government",
               "", None, DRAFT_EXAMPLE, national=False),
    # -- Art. 47 assessments (supervision.assessments): the fair-competition review and the
    #    request to make a rule that a department sends its government.
    Instrument(FAIR_COMPETITION, "公平竞争审查条例", "Regulations on Fair Competition Review",
               "国务院", "State Council", "中华人民共和国国务院令第783号", dt.date(2024, 6, 6), ADOPTED),
    # -- prohibited conduct (supervision.conduct): the investigation, the remediation order and
    #    the referral need an implementing measure; until one is adopted this is an example.
    Instrument("conduct_measure", "杭州市具身智能机器人违禁行为调查处置办法（示例）",
               "Hangzhou Measures for Investigating Prohibited Conduct in Embodied-Intelligence Robotics (example)",
               "杭州市人民政府", "Hangzhou Municipal People's Government",
               "", None, DRAFT_EXAMPLE, national=False),
    # -- recall orders (supervision.conduct): the administrative departments' power over defective goods.
    Instrument("consumer", "中华人民共和国消费者权益保护法",
               "Law of the PRC on the Protection of Consumer Rights and Interests",
               "全国人民代表大会常务委员会", "Standing Committee of the National People's Congress",
               "中华人民共和国主席令第七号", dt.date(2013, 10, 25), ADOPTED),
    Instrument(RULEMAKING, "规章制定程序条例", "Regulations on the Procedures for the Formulation of Rules",
               "国务院", "State Council", "中华人民共和国国务院令第695号", dt.date(2017, 12, 22), ADOPTED),
)


def _p(key: str, zh: str, en: str) -> Provision:
    return Provision.parse(key, zh, en)


PROVISIONS: tuple[Provision, ...] = (
    # The regulation: cited for what it says, never as the power to decide or to penalise.
    _p("regulation:43", "从事研发、生产、应用及服务活动不得有的行为", "acts prohibited in R&D, production, use and services"),
    _p("regulation:46", "探索编码管理，建立产品追溯系统", "exploring coding and a traceability system"),
    _p("regulation:48", "开展注册等机制研究、探索分级分类监管", "research into registration and other mechanisms; "
       "exploring graded and classified supervision"),
    _p("regulation:49", "市人民政府制定相关政策措施并组织实施", "the city government makes and implements measures"),
    # 行政许可法
    _p("licensing:32.1.2", "不属于本机关职权范围的，不予受理并告知向有关行政机关申请",
       "outside the authority's remit: not accepted, the applicant told which authority to apply to"),
    _p("licensing:32.1.4", "申请材料不齐全或者不符合法定形式的，一次告知需要补正的全部内容",
       "incomplete materials: everything to supplement notified at once"),
    _p("licensing:32.1.5", "材料齐全、符合法定形式的，应当受理", "complete materials in due form are accepted"),
    _p("licensing:38.1", "符合法定条件、标准的，依法作出准予行政许可的书面决定",
       "a written decision to grant when the legal conditions are met"),
    _p("licensing:38.2", "不予行政许可的，书面说明理由并告知救济权利",
       "a refusal gives reasons in writing and the right to seek a remedy"),
    _p("licensing:42.1", "二十日内作出决定；经负责人批准可延长十日并告知申请人",
       "decision within 20 days; 10 more days with the head's approval, notified to the applicant"),
    _p("licensing:45", "听证、检验、检测、鉴定和专家评审所需时间不计入期限，书面告知",
       "time for hearings, testing, appraisal and expert review not counted, notified in writing"),
    _p("licensing:49", "被许可人要求变更行政许可事项的，依法办理变更手续", "changes of a licence"),
    _p("licensing:50", "有效期届满三十日前申请延续", "renewal applied for 30 days before expiry"),
    _p("licensing:50.2", "在有效期届满前作出是否准予延续的决定；逾期未作决定的，视为准予延续",
       "renewal decided before expiry; not decided by then, it is deemed granted"),
    _p("licensing:69.1", "可以撤销行政许可的情形", "cases in which a licence may be rescinded"),
    _p("licensing:69.1.3", "违反法定程序准予行政许可的", "a licence granted in breach of the legal procedure"),
    _p("licensing:69.1.4", "对不具备申请资格或者不符合法定条件的申请人准予行政许可的",
       "a licence granted to an applicant not qualified or not meeting the legal conditions"),
    _p("licensing:69.2", "以欺骗、贿赂等不正当手段取得行政许可的，应当予以撤销",
       "a licence obtained by fraud, bribery or other improper means is rescinded"),
    _p("licensing:69.3", "撤销可能对公共利益造成重大损害的，不予撤销",
       "no rescission where it would seriously harm the public interest"),
    _p("licensing:69.4", "依照第一款撤销，被许可人合法权益受到损害的，依法给予赔偿",
       "compensation for rescission under paragraph 1"),
    # 国家赔偿法: the decision on a claim after a rescission (supervision.compensation).
    _p("state_compensation:4.0.4", "行政机关造成财产损害的其他违法行为，受害人有取得赔偿的权利",
       "the right to compensation for property damage caused by other unlawful acts of an administrative body"),
    _p("state_compensation:13", "自收到申请之日起两个月内作出是否赔偿的决定",
       "the decision whether to compensate within two months of receiving the claim"),
    _p("state_compensation:36.0.8", "对财产权造成其他损害的，按照直接损失给予赔偿",
       "other damage to property is compensated by the direct loss"),
    _p("licensing:70", "应当依法办理行政许可注销手续的情形", "cases in which a licence is deregistered"),
    _p("licensing:70.0.1", "行政许可有效期届满未延续的", "the licence expired and was not renewed"),
    _p("licensing:70.0.3", "法人或者其他组织依法终止的", "the legal person or organisation has ended"),
    _p("licensing:70.0.4", "行政许可依法被撤销、撤回，或者行政许可证件依法被吊销的",
       "the licence was rescinded or withdrawn, or its certificate revoked"),
    _p("licensing:70.0.5", "因不可抗力导致行政许可事项无法实施的", "force majeure makes the licensed activity impossible"),
    _p("licensing:70.0.6", "法律、法规规定的应当注销行政许可的其他情形", "other cases set by law"),
    # 行政处罚法
    _p("penalty:9", "行政处罚的种类", "the kinds of administrative penalty"),
    _p("penalty:27.1", "违法行为涉嫌犯罪的，行政机关应当及时将案件移送司法机关",
       "conduct suspected to be a crime is referred to the judicial authorities without delay"),
    _p("penalty:44", "作出行政处罚决定之前告知拟作出的处罚内容及事实、理由、依据和当事人的权利",
       "prior notice of the intended penalty, its facts, reasons, basis and the party's rights"),
    _p("penalty:45", "当事人有权进行陈述和申辩", "the party's right to state a defence"),
    _p("penalty:59", "行政处罚决定书应当载明的事项", "what a penalty decision states"),
    _p("penalty:63", "吊销许可证件等处罚前告知当事人有要求听证的权利", "the right to request a hearing"),
    _p("penalty:64", "听证程序", "the hearing procedure"),
    _p("penalty:73", "申请行政复议、提起行政诉讼的，行政处罚不停止执行",
       "a penalty is executed notwithstanding reconsideration or litigation"),
    # 行政复议法, 行政诉讼法
    _p("reconsideration:20", "自知道行政行为之日起六十日内提出行政复议申请",
       "reconsideration applied for within 60 days"),
    _p("reconsideration:42", "行政复议期间行政行为不停止执行", "the act is executed during reconsideration"),
    _p("litigation:46", "自知道作出行政行为之日起六个月内提起诉讼", "a lawsuit within six months"),
    _p("litigation:56", "诉讼期间，不停止行政行为的执行", "the act is executed during litigation"),
    # The example measure (draft): what an implementing measure under Art. 49 would provide.
    _p("measure:9", "申请材料不齐全的，一次性告知补正", "one notice of everything to supplement"),
    _p("measure:10", "材料齐全、符合规定形式的，予以受理", "complete applications are accepted"),
    _p("measure:11", "不属于本机关职责范围的，不予受理并告知有关机关", "applications outside the remit"),
    _p("measure:12", "需要专家评审的，所需时间不计入期限，书面告知申请人", "expert review time not counted, told in writing"),
    _p("measure:13", "需要听证、检验、检测或者鉴定的，所需时间不计入期限，书面告知申请人",
       "time for hearings, testing or appraisal not counted, told in writing"),
    _p("measure:14", "符合条件的，准予注册（备案）", "registration (filing) when the conditions are met"),
    _p("measure:15", "不符合条件的，不予注册并说明理由", "refusal with reasons"),
    _p("measure:16", "二级以上产品注册前公示", "public notice before registering tier 2 and above"),
    _p("measure:18", "注册（备案）事项发生变更的，企业应当申请变更；符合条件的，准予变更",
       "a change of the registered particulars is applied for and granted when the conditions are met"),
    _p("measure:19", "注册有效期届满需要延续的，应当在届满三十日前申请；在届满前作出是否准予延续的决定",
       "renewal applied for 30 days before expiry and decided before it"),
    _p("measure:20", "违反注册条件的，事先告知后暂停注册", "suspension after prior notice"),
    _p("measure:21", "暂停情形消除的，恢复注册", "lifting a suspension"),
    _p("measure:23", "以欺骗等不正当手段取得注册的，撤销注册", "rescission of an improperly obtained registration"),
    _p("measure:24", "注册期满未延续、企业申请等情形的，注销注册", "deregistration"),
    # The example law-level basis.
    _p("law_example:1", "设定具身智能机器人产品注册许可", "establishes the registration licence"),
    _p("law_example:2", "违反注册条件情节严重的，吊销注册", "revocation of a registration as a penalty"),
    _p("law_example:3", "违反注册条件的，暂停注册（限制开展生产经营活动）",
       "suspension of a registration as a penalty"),
    # -- the sandbox's example measure (draft).
    _p("sandbox_measure:11", "不符合准入条件的，事先告知后不予准入", "rejection after prior notice"),
    _p("sandbox_measure:12", "经专家评审符合条件的，准予进入沙盒测试并设定测试条件",
       "admission to a sandbox test with conditions after expert review"),
    _p("sandbox_measure:15", "经申请，可以延长测试期间或者变更测试条件", "extension or change of the conditions"),
    _p("sandbox_measure:18", "违反测试条件的，事先告知后暂停测试", "suspension after prior notice"),
    _p("sandbox_measure:19", "暂停情形消除的，恢复测试", "lifting a suspension"),
    _p("sandbox_measure:20", "严重违反测试条件的，事先告知后终止测试", "termination after prior notice"),
    _p("sandbox_measure:21", "测试期满，根据退出评估作出结业或者终止决定", "graduation or termination at exit"),
    # -- the incident measure's example (draft).
    _p("incident_measure:14", "发生安全事件的，监管部门可以责令企业限期整改并报送整改情况",
       "after an incident, the regulator may order the firm to remediate by a deadline and report on it"),
    # -- Art. 47 assessments (supervision.assessments).
    _p("regulation:47", "新增或者调整市场准入管理措施前开展必要性、安全性、有效性评估，评估通过后可以依照法定程序提出制定或者修改法律法规的建议",
       "a necessity, safety and effectiveness assessment before a market-access measure is added or changed; "
       "once passed, a proposal to make or amend law through legal procedure"),
    _p("fair_competition:2", "起草涉及经营者经济活动的政策措施，起草单位应当开展公平竞争审查",
       "a body drafting a measure that affects business activity conducts a fair-competition review"),
    _p("rulemaking:10.2", "设区的市人民政府所属工作部门认为需要制定地方政府规章的，向本级人民政府报请立项",
       "a department of a city government that sees the need for a local government rule asks its government to make one"),
    _p("consumer:33.2", "有关行政部门发现并认定经营者提供的商品或者服务存在缺陷，有危及人身、财产安全危险的，应当立即责令经营者采取停止销售、警示、召回、无害化处理、销毁、停止生产或者服务等措施",
       "an administrative department that finds goods or services defective and a danger to persons or property "
       "orders the business to stop selling, warn, recall, render harmless, destroy or stop production or service"),
    # -- prohibited conduct's example measure (draft).
    _p("conduct_measure:9", "发现涉嫌第四十三条规定行为的，可以要求有关单位说明情况、提供材料",
       "suspected conduct under Art. 43: the firm may be asked to explain and to provide materials"),
    _p("conduct_measure:12", "经调查认定存在违禁行为的，书面通知限期整改，并核查整改情况",
       "conduct found: remediation within a time limit ordered in writing, and its completion verified"),
    _p("conduct_measure:13", "依法应当由其他机关处理的，移送有权机关并告知当事人",
       "a matter for another authority by law: referred to it, and the party told"),
)

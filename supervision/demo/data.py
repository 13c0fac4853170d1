"""The demo installation: departments, two firms, one login per role, cases in many states.

Everything is made through the services, so the audit trail of the demo is real.  Loading
twice changes nothing: the first firm's credit code marks a loaded demo.  The loaders flush;
``flask demo load`` commits all of it once, or nothing when any part fails.
"""
from __future__ import annotations

from supervision.accounts import services as accounts
from supervision.accounts.models import Organisation
from supervision.cases import types
from supervision.dossiers import checkpoints
from supervision.certificates import demo as certificates_demo
from supervision.experts import demo as experts_demo
from supervision.extensions import db

PASSWORD = "demo-password-2026"  # the demo accounts, printed by make run  # noqa: S105  # nosec B105
FIRM_A_CODE = "91330100MA2H3K4L0G"
FIRM_B_CODE = "91330106MA2J7Q8R32"

LOGINS = (
    ("admin@example.com", "administrator"),
    ("officer@example.com", "officer, industry bureau"),
    ("approver@example.com", "approver, industry bureau"),
    ("legal@example.com", "legal reviewer of penalty cases, industry bureau"),
    ("auditor@example.com", "auditor"),
    ("expert@example.com", "expert"),
    ("applicant@example.com", "applicant, firm A"),
    ("applicant-b@example.com", "applicant, firm B"),
    ("certifier@example.com", "certifier, certification body"),
)

def load_demo() -> bool:
    """Create the demo data unless present; return whether anything was created."""
    if db.session.execute(db.select(Organisation.id).filter_by(credit_code=FIRM_A_CODE)).first():
        return False
    bureau = accounts.create_organisation(
        kind="department", name_zh="杭州市经济和信息化局",
        name_en="Hangzhou Bureau of Economy and Information Technology", doc_prefix="杭经信")
    market = accounts.create_organisation(
        kind="department", name_zh="杭州市市场监督管理局",
        name_en="Hangzhou Administration for Market Regulation", doc_prefix="杭市监")
    cert_body = accounts.create_organisation(
        kind="certification_body", name_zh="浙江省机器人产品认证中心",
        name_en="Zhejiang Robot Product Certification Centre")
    firm_a = accounts.create_organisation(
        kind="firm", name_zh="杭州智行机器人有限公司", name_en="Hangzhou Zhixing Robotics Co., Ltd.",
        credit_code=FIRM_A_CODE)
    firm_b = accounts.create_organisation(
        kind="firm", name_zh="杭州云臂科技有限公司", name_en="Hangzhou Yunbi Technology Co., Ltd.",
        credit_code=FIRM_B_CODE)
    # -- legal-docs: the firms' registered addresses, printed under the addressee of decisions --
    firm_a.address_zh, firm_a.address_en = "浙江省杭州市滨江区江南大道3588号", "3588 Jiangnan Avenue, Binjiang, Hangzhou"
    firm_b.address_zh, firm_b.address_en = "浙江省杭州市西湖区文三路90号", "90 Wensan Road, Xihu, Hangzhou"
    people = (
        ("admin@example.com", "系统管理员 Admin", bureau, ["admin"]),
        ("officer@example.com", "王经办 Wang (officer)", bureau, ["officer"]),
        ("approver@example.com", "李审批 Li (approver)", bureau, ["approver"]),
        ("officer2@example.com", "赵经办 Zhao (officer and approver)", bureau, ["officer", "approver"]),
        # The legal reviewer of penalty cases (法制审核, 行政处罚法 Art. 58): investigates none of them.
        ("legal@example.com", "钱法审 Qian (legal reviewer)", bureau, ["approver"]),
        ("market-officer@example.com", "陈经办 Chen (market officer)", market, ["officer"]),
        ("auditor@example.com", "周审计 Zhou (auditor)", bureau, ["auditor"]),
        ("expert@example.com", "孙专家 Sun (expert)", bureau, ["expert"]),
        ("applicant@example.com", "张申请 Zhang (firm A)", firm_a, ["applicant"]),
        ("applicant-b@example.com", "刘申请 Liu (firm B)", firm_b, ["applicant"]),
        ("certifier@example.com", "吴认证 Wu (certifier)", cert_body, ["certifier"]),  # certificates branch
    )
    users = {}
    for email, name, org, roles in people:
        users[email] = accounts.create_user(email=email, name=name, password=PASSWORD,
                                            organisation=org, roles=roles)
    for case_type in types.installed().values():
        if case_type.demo is not None:
            case_type.demo(users=users, bureau=bureau, market=market, firm_a=firm_a, firm_b=firm_b)
    experts_demo.load(users=users, bureau=bureau, firm_a=firm_a, firm_b=firm_b, password=PASSWORD)
    # -- units: coded robots with their histories (Art. 46) --
    __import__("supervision.units.demo").units.demo.load(users=users, firm_a=firm_a, firm_b=firm_b)
    certificates_demo.load(users=users, firm_b=firm_b)  # certificates branch: lifecycle examples
    # The demo ends with a signed checkpoint over everything it made (shown on /transparency).
    checkpoints.make_checkpoint()
    return True

"""Helpers of the case-engine tests: placing a case in a state, a stand-in Chinese catalog."""
from __future__ import annotations

import io
import re

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.support import Translations

from supervision.cases import clocks, types
from supervision.extensions import db


def put_in_state(case, state: str) -> None:
    """Test set-up: place the case in ``state`` with that state's clock (not a service path)."""
    case.state = state
    clocks.on_enter(case, types.workflow(case.case_type), state)
    db.session.commit()


def version_of(html: str) -> int:
    return int(re.search(r'name="version" value="(\d+)"', html).group(1))


def previewed(html: str, trigger: str = "approve") -> dict[str, str]:
    """The draft's facts hash the ``trigger`` form carries ({} when its form shows no draft)."""
    form = re.search(r'<form[^>]*data-trigger="%s".*?</form>' % re.escape(trigger), html, re.S)
    found = re.search(r'name="previewed_facts" value="([0-9a-f]{64})"', form.group(0)) if form else None
    return {"previewed_facts": found.group(1)} if found else {}


# What the later translation pass will put in the catalog, for the strings these tests read.
ZH = {
    "Case created": "案件已创建",
    "Send supplement notice": "发出补正通知",
    "Submit supplement": "提交补正材料",
    "Submitted": "已提交",
    "Supplement requested": "已通知补正",
    "Request clarification": "要求说明",
    "Answer clarification": "答复说明要求",
    "Classification review": "分级审查",
    "Clarification requested": "已要求说明",
    "Registration": "注册",
    "This case was changed by someone else. Reload the page and try again.":
        "此案件已被他人修改，请刷新页面后重试。",
}


def use_catalog(monkeypatch, messages: dict[str, str]) -> dict[str, str]:
    """Chinese pages translate with ``messages`` instead of the shipped catalog (for the test)."""
    import flask_babel

    catalog = Catalog(locale="zh")
    for msgid, msgstr in messages.items():
        catalog.add(msgid, msgstr)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    real = flask_babel.Domain.get_translations

    def get_translations(self):
        if str(flask_babel.get_locale() or "").startswith("zh"):
            buf.seek(0)
            return Translations(fp=buf)
        return real(self)

    monkeypatch.setattr(flask_babel.Domain, "get_translations", get_translations)
    return messages


@pytest.fixture
def zh_catalog(monkeypatch):
    """Chinese pages use ``ZH`` (the shipped catalog may not be translated yet)."""
    return use_catalog(monkeypatch, ZH)


def sign_in(web, email: str, lang: str = "en") -> None:
    """Sign in and choose the language the test reads (pages default to Chinese)."""
    assert web.login(email).status_code == 302
    resp = web.post("/language", {"lang": lang, "next": "/cases"}, token_from="/cases")
    assert resp.status_code == 302


def then(web, resp):
    """Follow a 303 after a POST (the page that shows the outcome and its flash messages)."""
    assert resp.status_code == 303, resp.status_code
    return web.get(resp.headers["Location"])

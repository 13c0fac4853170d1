"""The workflow diagram on the help page, drawn by Graphviz from the same table."""
from __future__ import annotations

from functools import lru_cache

import graphviz

from supervision.core.i18n import label, lang
from workflows.base import Workflow


def svg(wf: Workflow) -> str:
    """The workflow's diagram as inline SVG in the current language ("" without Graphviz)."""
    return _svg(wf.name, wf.version, lang())


@lru_cache(maxsize=16)
def _svg(name: str, version: int, language: str) -> str:
    from supervision.cases import types

    wf = types.workflow(name)
    g = graphviz.Digraph(name, graph_attr={"rankdir": "LR", "fontname": "Noto Sans CJK SC",
                                           "nodesep": "0.3", "ranksep": "0.45"},
                         node_attr={"shape": "box", "style": "rounded", "fontname": "Noto Sans CJK SC", "fontsize": "11"},
                         edge_attr={"fontname": "Noto Sans CJK SC", "fontsize": "9"})
    for state in wf.states.values():
        g.node(state.name, label(state.label), peripheries="2" if state.final else "1")
    seen = set()
    for tr in wf.transitions:
        for src in tr.source:
            key = (src, tr.dest, tr.trigger)
            if key in seen:
                continue
            seen.add(key)
            g.edge(src, tr.dest, label(tr.label))
    try:
        out = g.pipe(format="svg").decode("utf-8")
    except graphviz.ExecutableNotFound:  # the table below the diagram still says everything
        return ""
    # Inline in the page: drop the XML declaration and doctype that precede the <svg> element.
    return out[out.find("<svg"):]

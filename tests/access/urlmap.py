"""Walk the whole URL map with plausible arguments (ids of real objects where there are any)."""
from __future__ import annotations

from flask import Flask


def example_url(rule, ids: dict[str, int]) -> str:
    """A concrete URL for ``rule``: int (and sealed id) arguments get the id named in ``ids`` (else 1)."""
    values = {}
    for arg in rule.arguments:
        conv = rule._converters[arg]
        if type(conv).__name__.endswith(("IntConverter", "IntegerConverter", "SealedIdConverter")):
            values[arg] = ids.get(arg, 1)
        elif arg == "name":
            values[arg] = "registration"
        else:
            values[arg] = "x"
    return rule.build(values, append_unknown=False)[1]


def routes(app: Flask, method: str):
    """(endpoint, rule) for every rule answering ``method`` (static files left out)."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        if method in rule.methods:
            yield rule.endpoint, rule

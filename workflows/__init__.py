"""Workflows: pure-Python declarative state machines (no Flask, no database).

Each module defines one workflow as a table; ``REGISTRY`` maps names to workflows.
"""
from workflows.base import Workflow
from workflows.registration import REGISTRATION

REGISTRY: dict[str, Workflow] = {wf.name: wf for wf in (REGISTRATION,)}


def get(name: str) -> Workflow:
    return REGISTRY[name]

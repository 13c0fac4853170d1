"""Workflows: pure-Python declarative state machines (no Flask, no database).

Each module defines one workflow as a table (states, transitions, guards).  A case type
(``supervision.cases.types.CaseType``) carries its workflow into the application.
"""

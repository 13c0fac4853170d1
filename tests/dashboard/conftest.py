"""The dashboard's tests reuse the sandbox's world: coded units of registered models and a
sandbox test admitted and running (built through the services and tables)."""
from tests.cases.conftest import sign_in  # noqa: F401
from tests.sandbox.conftest import codes, decision_keys, running  # noqa: F401

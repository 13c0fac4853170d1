"""Registration with graded classification (DOMAIN §4, §6.1): robot models and their
versions, the tiering engine, the registration procedure's facts, effects and decisions, the
firm's pages, the officer's case panel and the public register.  ``case_type.py`` declares the
whole plug-in (``REGISTRATION``), which the configuration installs."""

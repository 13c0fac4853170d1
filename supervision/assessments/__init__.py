"""Market-access measure assessments (Art. 47; DOMAIN §6.4): a department carries a proposed
new or changed market-access measure through the necessity, safety and effectiveness
assessments (with a fair-competition review of its own), an expert review, an optional public
consultation and a four-eyes conclusion; a passed one ends in a recommendation to the city
government.  ``binding`` ties the tiering ruleset to it: a stricter ruleset version is
activated only on a passed assessment covering the change and an adopted instrument enacting it.

Modules: ``models`` (records), ``services`` (changes; the workflow's facts and effects),
``binding`` (rulesets), ``decision_kinds`` (conclusion, recommendation), ``register`` (the public
section ``measures``), ``views``/``forms``/``presenters`` (pages), ``demo``, ``case_type``.
"""

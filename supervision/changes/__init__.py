"""Change and renewal of a registration (issue 10, defect 12; 行政许可法 Arts. 49-50): a case type
plug-in (``case_type.REGISTRATION_CHANGE``) whose cases are linked to the registration case.

Files: ``models`` (the application row), ``services`` (apply, the grant's effect, facts, snapshot,
deemed renewal), ``decision_kinds`` (准予/不予变更, 准予/不予延续 and what they print), ``views``
(the firm's application pages and the panels), ``cli`` (``flask changes deem-renewals``), ``demo``.
"""

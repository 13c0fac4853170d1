"""Compensation claims after a rescinded registration (行政许可法 Art. 69 ¶4; 国家赔偿法 Arts.
12-14): the claim, the decision on it and its remedy.  The case type is ``case_type.COMPENSATION``."""

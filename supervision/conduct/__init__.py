"""Prohibited conduct (Art. 43): a regulator's case against a firm, investigated, remediated or
referred to the competent authority — never penalised by the platform (issue 14)."""

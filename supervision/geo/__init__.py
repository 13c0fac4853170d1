"""Geometry for electronic fences (电子围栏, Art. 48): GeoJSON validation into one
normalised MultiPolygon (``validate``), the containment checker over many areas and zones
(``fence``), and the prohibited zones regulators manage (``models``, ``services``, ``views``)."""

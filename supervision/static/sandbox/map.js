/* The fence map (sandbox pages).  Reads its configuration from the map element's data
   attributes: data-src (the layers as JSON), data-tiles (a tile URL; none: a plain background
   with a coordinate grid), data-tiles-crs, data-draw and data-target (the textarea that
   receives what is drawn, as GeoJSON).  No inline script: loaded as a static file. */
(function () {
  "use strict";
  var HANGZHOU = [30.27, 120.15];
  var STYLES = {
    area: { color: "#1b7f3b", weight: 2, fillOpacity: 0.25 },
    zone: { color: "#b3261e", weight: 2, fillOpacity: 0.25, dashArray: "6 4" },
    overlap: { color: "#e37400", weight: 2, fillOpacity: 0.6 }
  };

  function grid(map) {
    var layer = L.layerGroup().addTo(map);
    function step(span) {
      var steps = [10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005];
      for (var i = 0; i < steps.length; i++) { if (span / steps[i] >= 4) { return steps[i]; } }
      return 0.0002;
    }
    function draw() {
      layer.clearLayers();
      var b = map.getBounds(), s = step(Math.min(b.getEast() - b.getWest(), b.getNorth() - b.getSouth()));
      var digits = Math.max(0, Math.ceil(-Math.log10(s)));
      for (var x = Math.ceil(b.getWest() / s) * s; x <= b.getEast(); x += s) {
        L.polyline([[b.getSouth(), x], [b.getNorth(), x]], { color: "#c5ccd3", weight: 1, interactive: false }).addTo(layer);
        L.marker([b.getSouth(), x], { interactive: false, icon: L.divIcon({ className: "grid-label", html: x.toFixed(digits) + "°E", iconAnchor: [-2, 14] }) }).addTo(layer);
      }
      for (var y = Math.ceil(b.getSouth() / s) * s; y <= b.getNorth(); y += s) {
        L.polyline([[y, b.getWest()], [y, b.getEast()]], { color: "#c5ccd3", weight: 1, interactive: false }).addTo(layer);
        L.marker([y, b.getWest()], { interactive: false, icon: L.divIcon({ className: "grid-label", html: y.toFixed(digits) + "°N", iconAnchor: [-2, 12] }) }).addTo(layer);
      }
    }
    map.on("moveend zoomend", draw);
    draw();
  }

  function text(s) { var d = document.createElement("div"); d.textContent = s == null ? "" : String(s); return d.innerHTML; }

  function layers(map, el, data) {
    var bounds = L.latLngBounds([]);
    function add(features, kind) {
      (features || []).forEach(function (f) {
        var lyr = L.geoJSON(f, { style: STYLES[kind] }).addTo(map);
        lyr.bindTooltip(text(el.dataset["label" + kind.charAt(0).toUpperCase() + kind.slice(1)] + (f.properties && (f.properties.name || f.properties.zone) ? ": " + (f.properties.name || f.properties.zone) : "")));
        if (kind !== "zone" || !(data.areas || []).length) { bounds.extend(lyr.getBounds()); }
      });
    }
    add(data.zones, "zone");
    add(data.areas, "area");
    add(data.overlaps, "overlap");
    (data.positions || []).forEach(function (p) {
      L.circleMarker([p.lat, p.lon], { radius: 4, color: p.breach ? "#b3261e" : "#1a56db", fillOpacity: 0.8 })
        .bindTooltip(text(p.unit + " " + p.time + (p.breach ? " · " + p.breach : ""))).addTo(map);
    });
    (data.breaches || []).forEach(function (b) {
      L.circleMarker([b.lat, b.lon], { radius: 9, color: "#b3261e", weight: 3, fillOpacity: 0.2, className: "breach-marker" })
        .bindTooltip(text(el.dataset.labelBreach + " #" + b.episode + " · " + b.unit + " · " + b.kind + " ×" + b.count)).addTo(map);
    });
    if (bounds.isValid()) { el.fenceBounds = bounds.pad(0.3); fit(map, el); }
    el.setAttribute("data-loaded", "1");
  }

  // A map in a hidden tab has no size: fit it to its layers once it is shown.
  function fit(map, el) {
    if (el.fenceBounds && el.offsetWidth > 0 && !el.fenceFitted) { el.fenceFitted = true; map.fitBounds(el.fenceBounds); }
  }

  function drawing(map, el) {
    var target = document.getElementById(el.dataset.target || "");
    if (!target || !L.Control.Draw) { return; }
    var drawn = new L.FeatureGroup().addTo(map);
    map.addControl(new L.Control.Draw({
      edit: { featureGroup: drawn },
      draw: { polygon: { allowIntersection: false, showArea: false }, rectangle: true,
              polyline: false, circle: false, marker: false, circlemarker: false }
    }));
    function sync() {
      var fc = drawn.toGeoJSON();
      target.value = fc.features.length ? JSON.stringify(fc) : "";
    }
    map.on(L.Draw.Event.CREATED, function (e) { drawn.addLayer(e.layer); sync(); });
    map.on(L.Draw.Event.EDITED, sync);
    map.on(L.Draw.Event.DELETED, sync);
  }

  function init(el) {
    var map = L.map(el, { zoomControl: true, attributionControl: !!el.dataset.tiles }).setView(HANGZHOU, 11);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "", maxZoom: 19 }).addTo(map);
    } else {
      grid(map);
    }
    if (el.dataset.draw) { drawing(map, el); }
    if (el.dataset.src) {
      fetch(el.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : {}; })
        .then(function (data) { layers(map, el, data); });
    }
    if (window.ResizeObserver) {
      new ResizeObserver(function () { map.invalidateSize(); fit(map, el); }).observe(el);
    }
    el.fenceMap = map;
  }

  function start() { document.querySelectorAll(".fence-map").forEach(init); }
  // The form that receives a drawing may follow the map in the page: wait for the whole page.
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());

/* The incident's point on a map (the report form and the case page).  Reads its configuration
   from the map element's data attributes: data-lon-input / data-lat-input (the ids of the form's
   longitude and latitude fields: the map sets them and follows them), or data-lon / data-lat
   (a point shown read-only); data-tiles (a tile URL; none: a plain background with a coordinate
   grid) and data-attribution.  The number fields stay the accessible way to give the point.
   No inline script: loaded as a static file. */
(function () {
  "use strict";
  var HANGZHOU = [30.27, 120.15];
  var DIGITS = 6;

  function grid(map) {
    var layer = L.layerGroup().addTo(map);
    // At most one line per 150 px (at least 2), so that the labels never crowd on a phone.
    function step(span, px) {
      var want = Math.max(2, px / 150);
      var steps = [10, 5, 2, 1, 0.5, 0.2, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001, 0.0005];
      for (var i = 0; i < steps.length; i++) { if (span / steps[i] >= want) { return steps[i]; } }
      return 0.0002;
    }
    function draw() {
      layer.clearLayers();
      // Each axis its own step: a wide, low map would otherwise crowd its longitudes.
      var size = map.getSize(), b = map.getBounds();
      var sx = step(b.getEast() - b.getWest(), size.x), sy = step(b.getNorth() - b.getSouth(), size.y);
      var dx = Math.max(0, Math.ceil(-Math.log10(sx))), dy = Math.max(0, Math.ceil(-Math.log10(sy)));
      for (var x = Math.ceil(b.getWest() / sx) * sx; x <= b.getEast(); x += sx) {
        L.polyline([[b.getSouth(), x], [b.getNorth(), x]], { color: "#c5ccd3", weight: 1, interactive: false }).addTo(layer);
        L.marker([b.getSouth(), x], { interactive: false, keyboard: false, icon: L.divIcon({ className: "grid-label", html: x.toFixed(dx) + "°E", iconAnchor: [-2, 14] }) }).addTo(layer);
      }
      for (var y = Math.ceil(b.getSouth() / sy) * sy; y <= b.getNorth(); y += sy) {
        L.polyline([[y, b.getWest()], [y, b.getEast()]], { color: "#c5ccd3", weight: 1, interactive: false }).addTo(layer);
        L.marker([y, b.getWest()], { interactive: false, keyboard: false, icon: L.divIcon({ className: "grid-label", html: y.toFixed(dy) + "°N", iconAnchor: [-2, 12] }) }).addTo(layer);
      }
    }
    map.on("moveend zoomend resize", draw);
    draw();
  }

  // A circle marker needs no image files; the point is a draggable divIcon marker.
  function pin(draggable) {
    return { draggable: draggable, keyboard: false, icon: L.divIcon({ className: "incident-pin", iconSize: [18, 18], iconAnchor: [9, 9] }) };
  }

  function number(input, low, high) {
    if (!input || input.value.trim() === "") { return null; }
    var v = Number(input.value);
    return isFinite(v) && v >= low && v <= high ? v : null;
  }

  function init(el) {
    var lonInput = document.getElementById(el.dataset.lonInput || "");
    var latInput = document.getElementById(el.dataset.latInput || "");
    var editable = !!(lonInput && latInput);
    var marker = null;
    var lon = editable ? number(lonInput, -180, 180) : Number(el.dataset.lon);
    var lat = editable ? number(latInput, -90, 90) : Number(el.dataset.lat);
    var has = lon !== null && lat !== null && isFinite(lon) && isFinite(lat);
    var map = L.map(el, { zoomControl: true, attributionControl: !!el.dataset.tiles })
      .setView(has ? [lat, lon] : HANGZHOU, has ? 15 : 11);
    if (el.dataset.tiles) {
      L.tileLayer(el.dataset.tiles, { attribution: el.dataset.attribution || "", maxZoom: 19 }).addTo(map);
    } else {
      grid(map);
    }

    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); return; }
      marker = L.marker(latlng, pin(editable)).addTo(map);
      if (el.dataset.label) { marker.bindTooltip(el.dataset.label); }
      if (editable) { marker.on("dragend", function () { write(marker.getLatLng()); }); }
    }
    function write(latlng) {
      var p = latlng.wrap();
      lonInput.value = p.lng.toFixed(DIGITS);
      latInput.value = p.lat.toFixed(DIGITS);
      el.setAttribute("data-point", lonInput.value + "," + latInput.value);
    }
    if (has) { place([lat, lon]); }
    if (editable) {
      map.on("click", function (e) { place(e.latlng); write(e.latlng); });
      var follow = function () {
        var x = number(lonInput, -180, 180), y = number(latInput, -90, 90);
        if (x === null || y === null) { return; }
        place([y, x]);
        if (!map.getBounds().contains([y, x])) { map.panTo([y, x]); }
      };
      lonInput.addEventListener("change", follow);
      latInput.addEventListener("change", follow);
    }
    // A map in a hidden tab has no size until it is shown.
    if (window.ResizeObserver) {
      new ResizeObserver(function () {
        map.invalidateSize();
        if (marker) { map.panTo(marker.getLatLng()); }
      }).observe(el);
    }
    el.setAttribute("data-loaded", "1");
  }

  function start() { document.querySelectorAll(".point-map").forEach(init); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());

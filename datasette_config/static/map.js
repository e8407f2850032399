/* farmwatch map: Leaflet over the base kept with the project (no tiles). The page gives the
   addresses of its points (data-points) and of the base (data-basemap); nothing else is fetched. */
(function () {
  "use strict";
  var box = document.getElementById("fw-map");
  if (!box || typeof L === "undefined") { return; }
  var BAND_COLOURS = { strong: "#b00020", likely: "#e07000", possible: "#5a6b7b" };

  function getJSON(url) {
    return fetch(url, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { throw new Error(url + " answered " + r.status); }
      return r.json();
    });
  }

  function lines(list) {
    return list.map(function (line) { return line.map(function (p) { return [p[1], p[0]]; }); });
  }

  function townsLayer(towns, map) {
    var layer = L.layerGroup();
    function refresh() {
      layer.clearLayers();
      var zoom = map.getZoom();
      var least = zoom >= 10 ? 15000 : zoom >= 9 ? 30000 : zoom >= 8 ? 60000 : zoom >= 7 ? 150000 : 400000;
      var view = map.getBounds().pad(0.1);
      towns.forEach(function (t) {
        if (t[3] < least || !view.contains([t[1], t[2]])) { return; }
        L.marker([t[1], t[2]], {
          interactive: false, keyboard: false,
          icon: L.divIcon({ className: "fw-town", html: "", iconSize: [4, 4] })
        }).bindTooltip(text(t[0]), { permanent: true, direction: "right", className: "fw-town-label", offset: [2, 0] })
          .addTo(layer);
      });
    }
    map.on("zoomend moveend", refresh);
    refresh();
    return layer;
  }

  function forceLabels(forces, map) {
    var layer = L.layerGroup();
    Object.keys(forces).forEach(function (name) {
      L.marker(forces[name].label, {
        interactive: false, keyboard: false, icon: L.divIcon({ className: "fw-force-anchor", html: "", iconSize: [0, 0] })
      }).bindTooltip(text(name), { permanent: true, direction: "center", className: "fw-force-label" }).addTo(layer);
    });
    function toggle() {
      if (map.getZoom() >= 7) { layer.addTo(map); } else { map.removeLayer(layer); }
    }
    map.on("zoomend", toggle);
    toggle();
    return layer;
  }

  function text(value) {
    var span = document.createElement("span");
    span.textContent = value;
    return span;
  }

  function link(href, label) {
    var a = document.createElement("a");
    a.href = href;
    a.textContent = label;
    return a;
  }

  function draw(base, data) {
    var map = L.map(box, { zoomSnap: 0.25, minZoom: 5, maxZoom: 13, attributionControl: true, preferCanvas: false });
    map.fitBounds(data.fit, { padding: [10, 10] });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Natural Earth · ONS postcode directory · GeoNames");
    L.geoJSON(base.coast, { style: { color: "#6b8f71", weight: 1, fillColor: "#eef3e6", fillOpacity: 1 }, interactive: false }).addTo(map);
    L.polyline(lines(base.force_lines), { color: "#7d7d7d", weight: 1, opacity: 0.8, interactive: false, className: "fw-force-line" }).addTo(map);
    if (base.group_lines.length) {
      L.polyline(lines(base.group_lines), { color: "#2d2d6b", weight: 3, opacity: 0.8, interactive: false, className: "fw-group-line" }).addTo(map);
    }
    // The sea drawn over the boundary lines, so that a line never runs out to sea: the frame with
    // every piece of land as a hole (even-odd fill).
    var frame = [[45, -20], [45, 12], [65, 12], [65, -20]];
    var holes = base.coast.coordinates.map(function (polygon) {
      return polygon[0].map(function (p) { return [p[1], p[0]]; });
    });
    L.polygon([frame].concat(holes), { stroke: false, fillColor: "#cfe3ef", fillOpacity: 1, fillRule: "evenodd",
                                       interactive: false, className: "fw-sea" }).addTo(map);
    L.geoJSON(base.coast, { style: { color: "#6b8f71", weight: 1, fill: false }, interactive: false }).addTo(map);
    townsLayer(base.towns, map).addTo(map);
    forceLabels(base.forces, map);

    var cluster = L.markerClusterGroup({ showCoverageOnHover: false, spiderfyOnMaxZoom: true, maxClusterRadius: 30, zoomToBoundsOnClick: true });
    data.thefts.forEach(function (t) {
      var popup = document.createElement("div");
      popup.appendChild(link(t.href, t.label));
      cluster.addLayer(L.marker([t.lat, t.lon], {
        title: t.label, icon: L.divIcon({ className: "fw-marker fw-marker-theft", iconSize: [14, 14] })
      }).bindPopup(popup));
    });
    data.listings.forEach(function (l) {
      var popup = document.createElement("div");
      popup.appendChild(link(l.href, l.label));
      cluster.addLayer(L.marker([l.lat, l.lon], {
        title: l.label, icon: L.divIcon({ className: "fw-marker fw-marker-" + l.band, iconSize: [14, 14] })
      }).bindPopup(popup));
      if (l.theft_lat !== null && l.theft_lon !== null) {
        L.polyline([[l.lat, l.lon], [l.theft_lat, l.theft_lon]], {
          color: l.cross_border ? "#e0a000" : BAND_COLOURS[l.band] || "#888", weight: l.cross_border ? 2.5 : 1.5,
          dashArray: "4 4", opacity: 0.8, interactive: false, className: l.cross_border ? "fw-line-cross" : "fw-line"
        }).addTo(map);
      }
    });
    map.addLayer(cluster);
    var b = map.getBounds();
    box.setAttribute("data-bounds", JSON.stringify([b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]));
    box.setAttribute("data-ready", "1");
    box.setAttribute("data-markers", String(data.thefts.length + data.listings.length));
  }

  Promise.all([getJSON(box.getAttribute("data-basemap")), getJSON(box.getAttribute("data-points"))])
    .then(function (both) { draw(both[0], both[1]); })
    .catch(function (err) {
      box.appendChild(text("The map could not be drawn: " + err.message));
      box.setAttribute("data-ready", "error");
    });
})();

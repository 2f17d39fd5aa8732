// pcms analysis map: reports on the member states' regions, with Leaflet and no tile server.
//
// Markup: <div data-report-map data-map-data="…json" data-map-regions="…geojson"
//   data-map-countries="…geojson" data-map-atlas="world-atlas countries-110m.json"
//   data-map-labels="id of a json_script with labels"></div>
// Layers, bottom to top: neighbouring countries (world atlas), member-state regions coloured by
// the number of reports, member-state borders, and report markers grouped in clusters. A marker's
// popup links to the report. Needs Leaflet, leaflet.markercluster and topojson-client.
(function () {
  "use strict";
  const PALETTE = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
  const EMPTY = "#e9ecef";
  const CATEGORY_COLOURS = {
    terrorism: "#dc3545", terrorist_financing: "#6f42c1", arms_trafficking: "#fd7e14",
    drug_trafficking: "#198754", smuggling: "#0d6efd", kidnapping: "#d63384",
    cybercrime: "#20c997", border_incident: "#ffc107", other: "#6c757d",
  };

  function json(url) {
    return fetch(url, { credentials: "same-origin" }).then((response) => {
      if (!response.ok) throw new Error(`${url}: ${response.status}`);
      return response.json();
    });
  }

  function bands(max) {
    const step = Math.max(1, Math.ceil(max / PALETTE.length));
    return PALETTE.map((colour, index) => ({
      colour, low: index * step + 1, high: index === PALETTE.length - 1 ? max : (index + 1) * step,
    })).filter((band) => band.low <= Math.max(max, 1));
  }

  function colourFor(value, scale) {
    if (!value) return EMPTY;
    return (scale.find((band) => value <= band.high) || scale[scale.length - 1]).colour;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function popup(marker, labels) {
    const box = element("div", "map-popup");
    box.dir = "auto";
    box.append(element("div", "fw-semibold", marker.reference));
    box.append(element("div", "", marker.title));
    box.append(element("div", "small text-body-secondary",
      [marker.date, labels.categories[marker.category] || marker.category].filter(Boolean).join(" · ")));
    box.append(element("div", "small text-body-secondary", labels.placed[marker.precision] || ""));
    const link = element("a", "btn btn-sm btn-primary mt-1 text-white", labels.open);
    link.href = marker.url;
    link.dataset.reportLink = marker.id;
    box.append(link);
    return box;
  }

  function legend(map, scale, labels) {
    const control = L.control({ position: "bottomleft" });
    control.onAdd = () => {
      const box = element("div", "map-legend small");
      box.append(element("div", "fw-semibold", labels.reports));
      const format = new Intl.NumberFormat(document.documentElement.lang || undefined);
      for (const band of scale) {
        const item = element("div", "map-legend-item");
        const swatch = element("span", "map-legend-swatch");
        swatch.style.backgroundColor = band.colour;  // CSSOM, allowed by the CSP
        const range = element("span", "", band.low === band.high ? format.format(band.low)
          : `${format.format(band.low)}–${format.format(band.high)}`);
        range.dir = "ltr";
        item.append(swatch, range);
        box.append(item);
      }
      return box;
    };
    control.addTo(map);
  }

  async function draw(container) {
    const labels = JSON.parse(document.getElementById(container.dataset.mapLabels).textContent);
    const [data, regions, countries, atlas] = await Promise.all([
      json(container.dataset.mapData), json(container.dataset.mapRegions),
      json(container.dataset.mapCountries), json(container.dataset.mapAtlas),
    ]);
    const map = L.map(container, {
      attributionControl: false, minZoom: 4, maxZoom: 11, zoomSnap: 0.25,
      maxBounds: [[-5, -35], [40, 45]],
    });
    map.createPane("neighbours").style.zIndex = 350;
    L.geoJSON(topojson.feature(atlas, atlas.objects.countries), {
      pane: "neighbours", interactive: false,
      style: { color: "#adb5bd", weight: 0.8, fillColor: "#f8f9fa", fillOpacity: 1 },
    }).addTo(map);

    const values = {};
    for (const feature of regions.features) {
      const codes = feature.properties.codes.split(",");
      values[feature.properties.code] = codes.reduce((sum, code) => sum + (data.regions[code] || 0), 0);
    }
    const scale = bands(Math.max(0, ...Object.values(values)));
    const regionLayer = L.geoJSON(regions, {
      style: (feature) => ({
        color: "#ffffff", weight: 1, fillOpacity: 0.9,
        fillColor: colourFor(values[feature.properties.code], scale),
      }),
      onEachFeature: (feature, layer) => {
        const codes = feature.properties.codes.split(",");
        const name = codes.map((code) => labels.regions[code] || code).join(", ");
        layer.bindTooltip(`${name}: ${values[feature.properties.code] || 0} ${labels.reports}`,
          { sticky: true, direction: "top" });
      },
    }).addTo(map);
    L.geoJSON(countries, {
      interactive: false, style: { color: "#343a40", weight: 2, fill: false },
    }).addTo(map);
    map.fitBounds(regionLayer.getBounds(), { padding: [8, 8] });

    const clusters = L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 45 });
    for (const marker of data.markers) {
      const point = L.circleMarker([marker.lat, marker.lon], {
        radius: 7, weight: 1.5, color: "#ffffff", fillOpacity: 0.95,
        fillColor: CATEGORY_COLOURS[marker.category] || "#6c757d",
      });
      point.bindPopup(() => popup(marker, labels));
      clusters.addLayer(point);
    }
    map.addLayer(clusters);
    legend(map, scale, labels);

    const status = document.getElementById("map-status");
    if (status) {
      status.textContent = labels.shown.replace("%(shown)s", data.markers.length)
        .replace("%(total)s", data.total);
    }
    container.dataset.markers = String(data.markers.length);
    container.dataset.mapReady = "true";
    window.pcmsReportMap = { map, clusters };
  }

  function start() {
    document.querySelectorAll("[data-report-map]:not([data-map-ready])").forEach((container) => {
      container.dataset.mapReady = "loading";
      draw(container).catch((error) => {
        container.dataset.mapReady = "error";
        console.warn("report map:", error);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", start);
})();

// pcms country map: a choropleth of values per country, drawn as SVG from the vendored world atlas.
//
// Markup (no inline script: the values travel in a json_script element):
//   <figure class="country-map" data-country-map
//           data-map-atlas="{% static 'vendor/world-atlas/countries-110m.json' %}"
//           data-map-codes="{% static 'pcms/iso3166-numeric.json' %}"
//           data-map-values="values-id" data-map-names="names-id"
//           data-map-bounds="-20,-36,60,38" data-map-label="Officials trained"></figure>
//   {{ values|json_script:"values-id" }}   {"NE": 12, "ML": 4} or {"562": 12} (ISO alpha-2 or numeric)
//   {{ names|json_script:"names-id" }}     optional {"NE": "Niger"}: country names in the page language
// data-map-bounds (west,south,east,north in degrees) crops the map; the whole world otherwise.
// Needs topojson-client (window.topojson). Works right to left: the legend is ordinary HTML.
(function () {
  "use strict";
  const SVG = "http://www.w3.org/2000/svg";
  const PALETTE = ["#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c"];
  const EMPTY = "#e9ecef";
  const cache = {};

  function load(url) {
    if (!cache[url]) {
      cache[url] = fetch(url, { credentials: "same-origin" }).then((response) => {
        if (!response.ok) throw new Error(`${url}: ${response.status}`);
        return response.json();
      });
    }
    return cache[url];
  }

  function readJson(id) {
    const element = id && document.getElementById(id);
    return element ? JSON.parse(element.textContent) : {};
  }

  function project([lon, lat]) {
    return [lon, -lat];  // equirectangular: one degree, one unit
  }

  function pathData(geometry) {
    const polygons = geometry.type === "Polygon" ? [geometry.coordinates]
      : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
    let d = "";
    for (const polygon of polygons) {
      for (const ring of polygon) {
        ring.forEach((point, index) => {
          const [x, y] = project(point);
          d += `${index ? "L" : "M"}${x.toFixed(2)},${y.toFixed(2)}`;
        });
        d += "Z";
      }
    }
    return d;
  }

  function classes(max) {
    // Five equal steps from 1 to the largest value; zero and missing stay grey.
    const step = Math.max(1, Math.ceil(max / PALETTE.length));
    return PALETTE.map((colour, index) => ({
      colour, low: index * step + 1, high: index === PALETTE.length - 1 ? max : (index + 1) * step,
    })).filter((band) => band.low <= Math.max(max, 1));
  }

  function colourFor(value, bands) {
    if (!value) return EMPTY;
    return (bands.find((band) => value <= band.high) || bands[bands.length - 1]).colour;
  }

  function legend(figure, bands, label) {
    const caption = document.createElement("figcaption");
    caption.className = "country-map-legend small";
    if (label) {
      const title = document.createElement("span");
      title.className = "fw-semibold me-2";
      title.textContent = label;
      caption.append(title);
    }
    const format = new Intl.NumberFormat(document.documentElement.lang || undefined);
    for (const band of bands) {
      const item = document.createElement("span");
      item.className = "country-map-key me-2";
      const swatch = document.createElement("span");
      swatch.className = "country-map-swatch";
      swatch.style.backgroundColor = band.colour;  // CSSOM, allowed by the CSP
      item.append(swatch, band.low === band.high ? format.format(band.low)
        : `${format.format(band.low)}–${format.format(band.high)}`);
      caption.append(item);
    }
    figure.append(caption);
  }

  async function draw(figure) {
    const [atlas, codes] = await Promise.all([
      load(figure.dataset.mapAtlas), figure.dataset.mapCodes ? load(figure.dataset.mapCodes) : {},
    ]);
    const raw = readJson(figure.dataset.mapValues);
    const rawNames = readJson(figure.dataset.mapNames);
    const values = {};
    const names = {};
    for (const [code, value] of Object.entries(raw)) {
      const numeric = /^\d+$/.test(code) ? code.padStart(3, "0") : codes[code.toUpperCase()];
      if (numeric) {
        values[numeric] = (values[numeric] || 0) + Number(value);
        if (rawNames[code]) names[numeric] = rawNames[code];
      }
    }
    const max = Math.max(0, ...Object.values(values));
    const bands = classes(max);
    const [west, south, east, north] = (figure.dataset.mapBounds || "-180,-60,180,85").split(",").map(Number);
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", `${west} ${-north} ${east - west} ${north - south}`);
    svg.setAttribute("role", "img");
    svg.setAttribute("class", "country-map-svg");
    if (figure.dataset.mapLabel) svg.setAttribute("aria-label", figure.dataset.mapLabel);
    const countries = window.topojson.feature(atlas, atlas.objects.countries).features;
    const format = new Intl.NumberFormat(document.documentElement.lang || undefined);
    for (const country of countries) {
      if (!country.geometry) continue;
      const path = document.createElementNS(SVG, "path");
      const id = country.id;
      const value = id ? values[id] || 0 : 0;
      path.setAttribute("d", pathData(country.geometry));
      path.setAttribute("fill", colourFor(value, bands));
      path.setAttribute("stroke", "#fff");
      path.setAttribute("stroke-width", "0.15");
      if (id) path.dataset.country = id;
      if (value) path.dataset.value = value;
      const title = document.createElementNS(SVG, "title");
      title.textContent = `${names[id] || country.properties.name}${value ? ": " + format.format(value) : ""}`;
      path.append(title);
      svg.append(path);
    }
    figure.prepend(svg);
    legend(figure, bands, figure.dataset.mapLabel);
    figure.dataset.mapReady = "true";
  }

  function start() {
    document.querySelectorAll("[data-country-map]:not([data-map-ready])").forEach((figure) => {
      draw(figure).catch((error) => {
        figure.dataset.mapReady = "error";
        console.warn("country map:", error);
      });
    });
  }

  window.pcmsCountryMap = { draw, start };
  document.addEventListener("DOMContentLoaded", start);
  document.addEventListener("htmx:afterSettle", start);
})();

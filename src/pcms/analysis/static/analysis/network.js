// pcms network view: the entities and reports around one entity, drawn with cytoscape and fcose.
//
// Markup: <div data-network data-network-data="…/data/?depth=1" data-network-png="…/png/"
//   data-network-labels="id of a json_script" data-network-name="file name"></div>
// A click selects a node; "Add its neighbours" (or a double click) asks the server for the
// node's neighbours and adds those the user may read. PNG export draws the canvas; the FtM link
// (#export-ftm) is kept pointing at the nodes opened so far.
(function () {
  "use strict";
  const STYLE = {
    Person: ["#0d6efd", "ellipse"], Organization: ["#6f42c1", "round-hexagon"],
    Vehicle: ["#fd7e14", "round-rectangle"], Firearm: ["#dc3545", "round-triangle"],
    Phone: ["#20c997", "round-diamond"], Passport: ["#795548", "round-tag"],
    Identification: ["#795548", "round-tag"], Address: ["#6c757d", "round-pentagon"],
    Event: ["#d63384", "star"], Note: ["#adb5bd", "round-rectangle"],
    Report: ["#343a40", "round-rectangle"],
  };

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
    } catch (error) {
      return "";
    }
  }

  function json(url) {
    return fetch(url, { credentials: "same-origin" }).then((response) => {
      if (!response.ok) throw new Error(`${url}: ${response.status}`);
      return response.json();
    });
  }

  function elements(graph, labels) {
    const nodes = graph.nodes.map((node) => ({
      group: "nodes",
      data: { ...node, typeLabel: labels.schemata[node.schema] || node.schema,
        colour: (STYLE[node.schema] || ["#6c757d"])[0],
        shape: (STYLE[node.schema] || [null, "ellipse"])[1] },
      classes: node.root ? "root" : "",
    }));
    const edges = graph.edges.map((edge) => ({
      group: "edges",
      data: { ...edge, caption: edge.kind === "mention" ? (labels.roles[edge.label] || edge.label)
        : (labels.schemata[edge.label] || edge.label) },
      classes: edge.kind,
    }));
    return nodes.concat(edges);
  }

  function legend(labels) {
    const list = document.getElementById("network-legend");
    if (!list) return;
    for (const [schema, [colour]] of Object.entries(STYLE)) {
      if (!labels.schemata[schema] || schema === "Identification") continue;
      const item = document.createElement("li");
      const swatch = document.createElement("span");
      swatch.className = "network-swatch";
      swatch.style.backgroundColor = colour;  // CSSOM, allowed by the CSP
      item.append(swatch, labels.schemata[schema]);
      list.append(item);
    }
  }

  async function draw(container) {
    const labels = JSON.parse(document.getElementById(container.dataset.networkLabels).textContent);
    const dataUrl = new URL(container.dataset.networkData, window.location.href);
    const ftmLink = document.getElementById("export-ftm");
    const status = document.getElementById("network-status");
    const expanded = new Set();
    window.cytoscape.use(window.cytoscapeFcose);
    const font = getComputedStyle(document.body).fontFamily;
    const cy = window.cytoscape({
      container,
      elements: [],
      wheelSensitivity: 0.3,
      style: [
        { selector: "node", style: {
          "background-color": "data(colour)", shape: "data(shape)", label: "data(label)",
          "font-family": font, "font-size": 11, "text-valign": "bottom", "text-margin-y": 4,
          "text-wrap": "ellipsis", "text-max-width": 140, width: 26, height: 26,
          "border-width": 2, "border-color": "#fff" } },
        { selector: "node.root", style: { width: 40, height: 40, "border-color": "#ffc107",
          "border-width": 4, "font-weight": "bold" } },
        { selector: "node.expanded", style: { "border-color": "#212529" } },
        { selector: "node:selected", style: { "overlay-color": "#0d6efd", "overlay-opacity": 0.2 } },
        { selector: "edge", style: {
          width: 1.6, "line-color": "#adb5bd", "curve-style": "bezier", label: "data(caption)",
          "font-family": font, "font-size": 9, color: "#6c757d", "text-rotation": "autorotate",
          "text-background-color": "#fff", "text-background-opacity": 0.8 } },
        { selector: "edge.link", style: { "line-color": "#6c757d", width: 2.2,
          "target-arrow-shape": "triangle", "target-arrow-color": "#6c757d" } },
        { selector: "edge.mention", style: { "line-style": "dashed" } },
      ],
    });

    function layout(animate) {
      cy.layout({ name: "fcose", quality: "default", randomize: !animate, animate,
        animationDuration: 300, nodeRepulsion: 9000, idealEdgeLength: 90, fit: true,
        padding: 20 }).run();
    }

    function report(graph) {
      const text = labels.count.replace("%(nodes)s", cy.nodes().length)
        .replace("%(edges)s", cy.edges().length);
      if (status) status.textContent = graph.truncated ? `${text}. ${labels.truncated}` : text;
      container.dataset.nodes = String(cy.nodes().length);
      container.dataset.edges = String(cy.edges().length);
      if (ftmLink) {
        const url = new URL(ftmLink.href, window.location.href);
        url.searchParams.set("expanded", Array.from(expanded).join(","));
        ftmLink.href = url.pathname + url.search;
      }
    }

    async function expand(id) {
      if (expanded.has(id)) return;
      const url = new URL(dataUrl);
      url.searchParams.set("node", id);
      const graph = await json(url);
      expanded.add(id);
      cy.getElementById(id).addClass("expanded");
      const fresh = elements(graph, labels).filter((item) => cy.getElementById(item.data.id).empty());
      cy.add(fresh);
      layout(true);
      report(graph);
    }

    function select(node) {
      document.getElementById("selection-empty").hidden = true;
      document.getElementById("selection").hidden = false;
      document.getElementById("selection-label").textContent = node.data("kind") === "report"
        ? `${node.data("label")} — ${node.data("title")}` : node.data("label");
      document.getElementById("selection-type").textContent = node.data("typeLabel");
      document.getElementById("open-node").href = node.data("url");
      document.getElementById("expand-node").onclick = () => expand(node.id());
    }

    const graph = await json(dataUrl);
    cy.add(elements(graph, labels));
    const root = cy.nodes(".root");
    root.forEach((node) => expanded.add(node.id()));
    layout(false);
    report(graph);
    legend(labels);
    cy.on("tap", "node", (event) => select(event.target));
    cy.on("dbltap", "node", (event) => expand(event.target.id()));

    const png = document.getElementById("export-png");
    if (png) {
      png.addEventListener("click", async () => {
        await fetch(container.dataset.networkPng, { method: "POST", credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken() } });
        const link = document.createElement("a");
        link.href = cy.png({ full: true, scale: 2, bg: "#ffffff" });
        link.download = `${container.dataset.networkName || "network"}.png`;
        link.click();
      });
    }
    container.dataset.networkReady = "true";
    window.pcmsNetwork = { cy, expand };
  }

  function start() {
    document.querySelectorAll("[data-network]:not([data-network-ready])").forEach((container) => {
      container.dataset.networkReady = "loading";
      draw(container).catch((error) => {
        container.dataset.networkReady = "error";
        console.warn("network view:", error);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", start);
})();

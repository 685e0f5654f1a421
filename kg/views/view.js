// The kg graph page: reads the JSON block, draws it with vis-network (physics off, positions
// precomputed), and wires filters, search and the side panel. Data only ever reaches the DOM
// through textContent, attribute setters and DOM-built links, never through innerHTML.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("kg-data").textContent);
  window.kgData = data;

  var GLYPHS = { dot: "\u25cf", triangle: "\u25b2", square: "\u25a0", hexagon: "\u2b22",
    diamond: "\u25c6", star: "\u2605", triangleDown: "\u25bc" };
  var classStyle = new Map(data.classes.map(function (c) { return [c.name, c]; }));
  var familyColour = new Map(data.families.map(function (f) { return [f.name, f.colour]; }));
  var nodeById = new Map(data.nodes.map(function (n) { return [n.id, n]; }));
  var edgeById = new Map(data.edges.map(function (e) { return [e.id, e]; }));
  var big = data.nodes.length > 1000 || data.edges.length > 3000;

  var state = {
    families: new Set(data.families.map(function (f) { return f.name; })),
    classes: new Set(data.classes.map(function (c) { return c.name; })),
    minConfidence: 0,
  };

  // ------------------------------------------------------------ elements
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function safeUrl(url) {
    if (typeof url !== "string") return null;
    try {
      var parsed = new URL(url);
      return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
    } catch (err) {
      return null;
    }
  }
  function link(href, text) {
    var a = el("a", text);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  // ------------------------------------------------------------ vis data
  var pairCount = new Map();
  var adjacency = new Map();
  data.edges.forEach(function (e) {
    [e.source, e.target].forEach(function (id) {
      if (!adjacency.has(id)) adjacency.set(id, []);
      adjacency.get(id).push(e);
    });
  });
  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    var style = classStyle.get(n.cls);
    return {
      id: n.id, label: n.label, title: n.label + " (" + n.cls + ")", x: n.x, y: n.y,
      shape: style.shape, value: n.importance, cls: n.cls,
      color: { background: style.colour, border: "#555",
        highlight: { background: style.colour, border: "#000" },
        hover: { background: style.colour, border: "#000" } },
    };
  }));
  var edges = new vis.DataSet(data.edges.map(function (e) {
    var key = e.source < e.target ? e.source + " " + e.target : e.target + " " + e.source;
    var k = pairCount.get(key) || 0;
    pairCount.set(key, k + 1);
    var colour = familyColour.get(e.family);
    return {
      id: e.id, from: e.source, to: e.target, family: e.family, confidence: e.confidence,
      predicate: e.predicate, width: 1 + 2 * e.confidence,
      color: { color: colour, highlight: colour, hover: colour, opacity: 0.85 },
      arrows: { to: { enabled: !e.symmetric, scaleFactor: 0.6 } },
      smooth: k === 0 ? false
        : { enabled: true, type: k % 2 ? "curvedCW" : "curvedCCW", roundness: 0.2 * Math.ceil(k / 2) },
    };
  }));
  var nodeView = new vis.DataView(nodes, { filter: function (n) { return state.classes.has(n.cls); } });
  var edgeView = new vis.DataView(edges, {
    filter: function (e) {
      return state.families.has(e.family) && e.confidence >= state.minConfidence &&
        state.classes.has(nodeById.get(e.from).cls) && state.classes.has(nodeById.get(e.to).cls);
    },
  });

  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, {
    physics: { enabled: false },
    layout: { improvedLayout: false, randomSeed: 1 },
    interaction: { hover: true, tooltipDelay: 200, hideEdgesOnDrag: big, hideEdgesOnZoom: big },
    nodes: {
      borderWidth: 1, font: { size: 13, color: "#222" },
      scaling: { min: 8, max: 30, label: { enabled: true, min: 11, max: 20, drawThreshold: 6 } },
    },
    edges: { selectionWidth: 2, hoverWidth: 1, font: { size: 11, align: "middle", strokeWidth: 3 } },
  });
  window.kgNetwork = network;
  network.once("afterDrawing", function () { window.kgReady = true; });

  // edge labels (the predicate) only while hovered
  var hovered = null;
  function unhover() {
    if (hovered !== null && edges.get(hovered)) edges.update({ id: hovered, label: "" });
    hovered = null;
  }
  network.on("hoverEdge", function (p) {
    var e = edges.get(p.edge);
    if (!e) return;
    unhover();
    hovered = e.id;
    edges.update({ id: e.id, label: e.predicate });
  });
  network.on("blurEdge", unhover);
  container.addEventListener("mouseleave", unhover);

  // ------------------------------------------------------------ panel
  var panel = document.getElementById("kg-panel");

  function field(parent, name, value) {
    if (value === null || value === undefined || value === "") return;
    var p = el("p", null, "kg-meta");
    p.appendChild(el("strong", name + ": "));
    if (value instanceof Node) p.appendChild(value);
    else p.appendChild(document.createTextNode(String(value)));
    parent.appendChild(p);
  }

  function showNode(id) {
    var n = nodeById.get(id);
    if (!n) return;
    panel.replaceChildren();
    panel.dataset.kind = "node";
    panel.appendChild(el("h2", n.label));
    field(panel, "Class", n.cls);
    if (n.alt_labels.length) field(panel, "Also known as", n.alt_labels.join(", "));
    field(panel, "ISO code", n.iso3);
    if (n.wikidata && /^Q[0-9]+$/.test(n.wikidata)) {
      field(panel, "Wikidata", link("https://www.wikidata.org/wiki/" + n.wikidata, n.wikidata));
    }
    field(panel, "Relations", String(n.degree));
    var groups = new Map();
    (adjacency.get(id) || []).forEach(function (e) {
      if (!groups.has(e.predicate)) groups.set(e.predicate, []);
      groups.get(e.predicate).push(e);
    });
    Array.from(groups.keys()).sort().forEach(function (predicate) {
      panel.appendChild(el("h3", predicate));
      var ul = el("ul");
      groups.get(predicate).forEach(function (e) {
        var outgoing = e.source === id;
        var other = nodeById.get(outgoing ? e.target : e.source);
        var arrow = e.symmetric ? "\u2194 " : outgoing ? "\u2192 " : "\u2190 ";
        var li = el("li", arrow + other.label + " (" + e.confidence.toFixed(2) + ")", "kg-rel");
        li.addEventListener("click", function () {
          network.selectEdges([e.id]);
          showEdge(e.id);
        });
        ul.appendChild(li);
      });
      panel.appendChild(ul);
    });
  }

  function showEdge(id) {
    var e = edgeById.get(id);
    if (!e) return;
    var source = nodeById.get(e.source), target = nodeById.get(e.target);
    panel.replaceChildren();
    panel.dataset.kind = "edge";
    panel.appendChild(el("h2", source.label + " \u2014 " + e.predicate + " \u2192 " + target.label));
    field(panel, "Family", e.family);
    field(panel, "Confidence", e.confidence.toFixed(2));
    if (e.symmetric) field(panel, "Symmetric", "yes");
    panel.appendChild(el("h3", "Evidence (" + e.evidence.length + ")"));
    if (!e.evidence.length) {
      panel.appendChild(el("p", "No evidence recorded.", "kg-hint"));
      return;
    }
    var ol = el("ol", null, "kg-evidence");
    e.evidence.forEach(function (ev) {
      var li = el("li");
      li.appendChild(el("blockquote", ev.sentence, "kg-sentence"));
      var title = ev.doc_title || ev.doc_url || ev.doc_id || "unknown document";
      var href = safeUrl(ev.doc_url);
      field(li, "Document", href ? link(href, title) : el("span", title));
      field(li, "Date", ev.date);
      field(li, "Confidence", ev.confidence.toFixed(2));
      field(li, "Rule", ev.rule);
      field(li, "Event family", ev.family);
      field(li, "Role", ev.role);
      ol.appendChild(li);
    });
    panel.appendChild(ol);
  }

  function clearPanel() {
    panel.replaceChildren(el("p", "Click a node or an edge.", "kg-hint"));
    delete panel.dataset.kind;
  }

  network.on("click", function (p) {
    if (p.nodes.length) showNode(p.nodes[0]);
    else if (p.edges.length) showEdge(p.edges[0]);
    else clearPanel();
  });

  // ------------------------------------------------------------ filters and legend
  var counts = document.getElementById("kg-counts");
  function refresh() {
    nodeView.refresh();
    edgeView.refresh();
    counts.textContent = nodeView.length + " nodes, " + edgeView.length + " edges shown";
  }
  function checkbox(parent, id, set, name, swatch) {
    var label = el("label");
    var box = el("input");
    box.type = "checkbox";
    box.id = id;
    box.checked = true;
    box.addEventListener("change", function () {
      if (box.checked) set.add(name);
      else set.delete(name);
      refresh();
    });
    label.append(box, swatch, document.createTextNode(name));
    parent.appendChild(label);
    return box;
  }
  var families = document.getElementById("kg-families");
  data.families.forEach(function (f) {
    var line = el("span", null, "kg-line");
    line.style.background = f.colour;
    checkbox(families, "kg-family-" + f.name, state.families, f.name, line);
  });
  var classes = document.getElementById("kg-classes");
  var classBoxes = new Map();
  data.classes.forEach(function (c) {
    var glyph = el("span", GLYPHS[c.shape] || "\u25cf", "kg-glyph");
    glyph.style.color = c.colour;
    classBoxes.set(c.name, checkbox(classes, "kg-class-" + c.name, state.classes, c.name, glyph));
  });
  var slider = document.getElementById("kg-min-confidence");
  var sliderValue = document.getElementById("kg-min-confidence-value");
  slider.addEventListener("input", function () {
    state.minConfidence = Number(slider.value);
    sliderValue.textContent = state.minConfidence.toFixed(2);
    refresh();
  });

  // ------------------------------------------------------------ search
  var names = new Map();
  var list = document.getElementById("kg-search-list");
  data.nodes.forEach(function (n) {
    [n.label].concat(n.alt_labels).forEach(function (name, i) {
      var key = name.toLowerCase();
      if (names.has(key) && i > 0) return;
      if (!names.has(key)) {
        var option = el("option");
        option.value = name;
        if (i > 0) option.label = n.label;
        list.appendChild(option);
      }
      names.set(key, n.id);
    });
  });
  var search = document.getElementById("kg-search");
  var status = document.getElementById("kg-search-status");
  function find() {
    var id = names.get(search.value.trim().toLowerCase());
    if (!id) {
      status.textContent = search.value.trim() ? "no match" : "";
      return;
    }
    status.textContent = "";
    var n = nodeById.get(id);
    if (!state.classes.has(n.cls)) {
      classBoxes.get(n.cls).checked = true;
      state.classes.add(n.cls);
      refresh();
    }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), 1.2), animation: false });
    showNode(id);
  }
  search.addEventListener("change", find);
  search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") find(); });

  refresh();
})();

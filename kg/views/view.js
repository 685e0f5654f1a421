// The kg graph page: reads the JSON block, draws it with vis-network (physics off, positions
// precomputed), and wires filters (relation family, confidence, time range, entity class), the
// n-hop neighbourhood view, search and the side panel. Data only ever reaches the DOM through
// textContent, attribute setters and DOM-built links, never through innerHTML.
//
// Speed (5,000 nodes, 20,000 edges; see the timings in window.kgTimings, performance.now() marks
// of JSON.parse, the DataSets, new vis.Network and the first draw): vis builds one object per item
// and resolves its options and fonts afresh for each, so items carry as little as possible. Node
// colours and shapes come from one vis group per class, sizes are computed here once (vis's `value`
// scaling would resolve every label twice), edges share their colour and arrow objects and are
// straight unless they are a parallel pair, and edge labels only appear on hover. Big views also
// start without arrowheads, which are invisible when zoomed out but cost much of the first draw:
// they come for what is in sight once the view is zoomed in (see addDetail).
//
// The first view is fitted: every node and its label inside the canvas (see fitView). Labels keep
// one size on screen whatever the zoom, as a map's do, and only those that do not overlap a more
// important one are shown (see placeLabels): zooming in spreads the nodes and shows more of them.
// Entities without any relation are not drawn: the sidebar lists them (see lone).
(function () {
  "use strict";
  var timings = { start: performance.now() };
  window.kgTimings = timings;

  // The data block is JSON, or, for big views, gzipped JSON in base64 (a sixth of the size, and
  // the HTML parser is slow on megabytes of script text), unpacked with the DecompressionStream API.
  var block = document.getElementById("kg-data");
  if (block.type === "application/json") start(JSON.parse(block.textContent));
  else unpack(block.textContent).then(start, failed);

  function unpack(text) {
    if (typeof DecompressionStream === "undefined") {
      return Promise.reject(new Error("this browser cannot unpack it (no DecompressionStream)"));
    }
    var binary = atob(text);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(JSON.parse);
  }
  function failed(err) {
    var banner = document.getElementById("kg-banner");
    banner.textContent = "The graph could not be read: " + err.message;
    banner.hidden = false;
  }

  function start(data) {
    window.kgData = data;
    timings.parsed = performance.now();

    var GLYPHS = { dot: "\u25cf", triangle: "\u25b2", square: "\u25a0", hexagon: "\u2b22",
      diamond: "\u25c6", star: "\u2605", triangleDown: "\u25bc" };
    var SIZE = { min: 8, max: 30 };
    var FONT = { min: 11, max: 15 }; // label size on screen, in pixels, whatever the zoom
    var FONT_FACE = "arial"; // vis's default: the labels are measured in it
    var nodeById = new Map(data.nodes.map(function (n) { return [n.id, n]; }));
    var edgeById = new Map(data.edges.map(function (e) { return [e.id, e]; }));
    var big = data.nodes.length > 1000 || data.edges.length > 3000;

    var state = {
      families: new Set(data.families.map(function (f) { return f.name; })),
      classes: new Set(data.classes.map(function (c) { return c.name; })),
      minConfidence: 0,
      from: "", // ISO days from the date inputs; "" is open-ended
      to: "",
      hideUndated: false,
      ego: null, // {id, hops} while the neighbourhood of a node is shown
    };

    // ------------------------------------------------------------ elements
    function el(tag, text, cls) {
      var node = document.createElement(tag);
      if (text !== undefined && text !== null) node.textContent = String(text);
      if (cls) node.className = cls;
      return node;
    }
    var classNames = new Map(data.classes.map(function (c) { return [c.name, c.label || c.name]; }));
    function classLabel(name) { return classNames.get(name) || name; }
    function button(id, text, onClick) {
      var b = el("button", text);
      b.type = "button";
      b.id = id;
      b.addEventListener("click", onClick);
      return b;
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

    // ------------------------------------------------------------ what is shown
    var shownNodes = new Set();
    var shownEdges = new Set();

    function timeFiltered() {
      return state.from !== "" || state.to !== "" || state.hideUndated;
    }
    // e.dates: the days of its evidence and of the events at its ends, each an ISO day or a
    // "first/last" interval; ISO days compare as strings
    function inTime(e) {
      if (!e.dates.length) return !state.hideUndated;
      if (state.from === "" && state.to === "") return true;
      return e.dates.some(function (span) {
        return (state.to === "" || span.slice(0, 10) <= state.to) &&
          (state.from === "" || span.slice(-10) >= state.from);
      });
    }
    function edgePasses(e) {
      return state.families.has(e.family) && e.confidence >= state.minConfidence &&
        state.classes.has(nodeById.get(e.source).cls) && state.classes.has(nodeById.get(e.target).cls) &&
        inTime(e);
    }
    function neighbourhood(centre, hops, visible) {
      var adjacent = new Map();
      visible.forEach(function (e) {
        [[e.source, e.target], [e.target, e.source]].forEach(function (pair) {
          if (!adjacent.has(pair[0])) adjacent.set(pair[0], []);
          adjacent.get(pair[0]).push(pair[1]);
        });
      });
      var seen = new Set([centre]);
      var frontier = [centre];
      for (var depth = 0; depth < hops && frontier.length; depth++) {
        var next = [];
        frontier.forEach(function (id) {
          (adjacent.get(id) || []).forEach(function (other) {
            if (!seen.has(other)) {
              seen.add(other);
              next.push(other);
            }
          });
        });
        frontier = next;
      }
      return seen;
    }
    // Filters pick edges; the neighbourhood view keeps the edges within n hops of its centre over
    // those; while a time range is set, nodes left without edges go too.
    function computeShown() {
      var visible = data.edges.filter(edgePasses);
      var ego = state.ego ? neighbourhood(state.ego.id, state.ego.hops, visible) : null;
      if (ego) visible = visible.filter(function (e) { return ego.has(e.source) && ego.has(e.target); });
      var ends = new Set();
      shownEdges = new Set(visible.map(function (e) {
        ends.add(e.source);
        ends.add(e.target);
        return e.id;
      }));
      var lonelyGo = timeFiltered();
      shownNodes = new Set();
      data.nodes.forEach(function (n) {
        if (n.lone || !state.classes.has(n.cls)) return;
        if (ego && !ego.has(n.id)) return;
        if (lonelyGo && !ends.has(n.id) && !(state.ego && state.ego.id === n.id)) return;
        shownNodes.add(n.id);
      });
    }
    computeShown();

    // ------------------------------------------------------------ vis data
    var adjacency = new Map();
    data.edges.forEach(function (e) {
      [e.source, e.target].forEach(function (id) {
        if (!adjacency.has(id)) adjacency.set(id, []);
        adjacency.get(id).push(e);
      });
    });
    var groups = {};
    data.classes.forEach(function (c) {
      groups[c.name] = { shape: c.shape, color: { background: c.colour, border: "#555",
        highlight: { background: c.colour, border: "#000" }, hover: { background: c.colour, border: "#000" } } };
    });
    // vis's linear `value` scaling, done once: size and label grow with importance
    var low = Infinity, high = -Infinity;
    data.nodes.forEach(function (n) {
      low = Math.min(low, n.importance);
      high = Math.max(high, n.importance);
    });
    function scaled(value) { return high === low ? 0.5 : Math.max(0, (value - low) / (high - low)); }
    var drawn = data.nodes.filter(function (n) { return !n.lone; });
    var lone = data.nodes.filter(function (n) { return n.lone; });
    function sizeOf(n) { return SIZE.min + scaled(n.importance) * (SIZE.max - SIZE.min); }
    var nodes = new vis.DataSet(drawn.map(function (n) {
      return {
        id: n.id, title: n.label + " (" + classLabel(n.cls) + ")", x: n.x, y: n.y, group: n.cls,
        size: sizeOf(n),
      };
    }));
    var edgeColour = new Map(data.families.map(function (f) {
      return [f.name, { color: f.colour, highlight: f.colour, hover: f.colour, opacity: 0.85 }];
    }));
    var ARROW = { to: { enabled: true } }, NO_ARROW = { to: { enabled: false } };
    var pairCount = new Map();
    var edges = new vis.DataSet(data.edges.map(function (e) {
      var item = {
        id: e.id, from: e.source, to: e.target, predicate: e.predicate, width: 1 + 2 * e.confidence,
        color: edgeColour.get(e.family),
      };
      if (!big) item.arrows = e.symmetric ? NO_ARROW : ARROW; // big views: arrowheads come with zoom
      var key = e.source < e.target ? e.source + " " + e.target : e.target + " " + e.source;
      var k = pairCount.get(key) || 0;
      pairCount.set(key, k + 1);
      if (k > 0) item.smooth = { enabled: true, type: k % 2 ? "curvedCW" : "curvedCCW", roundness: 0.2 * Math.ceil(k / 2) };
      return item;
    }));
    var nodeView = new vis.DataView(nodes, { filter: function (n) { return shownNodes.has(n.id); } });
    var edgeView = new vis.DataView(edges, { filter: function (e) { return shownEdges.has(e.id); } });
    timings.datasets = performance.now();

    var container = document.getElementById("kg-network");
    var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, {
      physics: { enabled: false },
      layout: { improvedLayout: false, randomSeed: 1 },
      interaction: { hover: true, tooltipDelay: 200, hideEdgesOnDrag: big, hideEdgesOnZoom: big },
      groups: groups,
      nodes: {
        borderWidth: 1, font: { size: 13, color: "#222", face: FONT_FACE },
        scaling: { label: { drawThreshold: 1, maxVisible: 100 } },
      },
      edges: {
        selectionWidth: 2, hoverWidth: 1, smooth: false, shadow: false,
        arrows: { to: { enabled: false, scaleFactor: big ? 0.4 : 0.6 } },
        font: { size: 11, align: "middle", strokeWidth: 3 },
      },
    });
    window.kgNetwork = network;
    timings.network = performance.now();

    // ------------------------------------------------------------ fit and labels
    // Labels are FONT.min to FONT.max pixels high on screen at any zoom: their font size in canvas
    // units is that divided by the scale, set again whenever the zoom changes. A label's box is
    // known before vis draws it: its text measured once in vis's font, under the node's shape.
    // vis puts a label's box 4 canvas units and half a line under the shape, one line high; the
    // box here starts right under the shape, so it holds that box and the text drawn from its top
    var BELOW = 4; // canvas units
    var LINE = 1.5; // font sizes
    var PAD = 12; // pixels a fitted view keeps free along the canvas's edges
    var MAX_SCALE = 1.2; // a fitted view of a few nodes zooms in no further
    var measure = document.createElement("canvas").getContext("2d");
    measure.font = "100px " + FONT_FACE;
    var textWidth = new Map(); // node id -> width of its label per pixel of font size
    function labelPx(n) { return FONT.min + scaled(n.importance) * (FONT.max - FONT.min); }
    function labelBox(n, x, y, scale) {
      // the screen box of the label of node n drawn at screen point (x, y) at this scale
      var per = textWidth.get(n.id);
      if (per === undefined) {
        per = measure.measureText(n.label).width / 100;
        textWidth.set(n.id, per);
      }
      var px = labelPx(n), half = per * px / 2 + 1, top = y + (sizeOf(n) + BELOW) * scale;
      return { left: x - half, right: x + half, top: top, bottom: top + px * LINE };
    }
    function byImportance(a, b) {
      return b.importance - a.importance || b.degree - a.degree || order.get(a.id) - order.get(b.id);
    }
    var order = new Map(data.nodes.map(function (n, i) { return [n.id, i]; }));

    // The scale and centre at which the nodes `ids`, their shapes and their labels lie inside the
    // canvas, PAD pixels from its edges (vis's own fit reckons with positions only at first).
    function fitView(ids) {
      if (!ids.length) return;
      var positions = network.getPositions(ids);
      var list = ids.map(function (id) { return [nodeById.get(id), positions[id]]; });
      var width = container.clientWidth - 2 * PAD, height = container.clientHeight - 2 * PAD;
      function bounds(scale) {
        var b = { left: Infinity, right: -Infinity, top: Infinity, bottom: -Infinity };
        list.forEach(function (item) {
          var n = item[0], x = item[1].x * scale, y = item[1].y * scale, r = sizeOf(n) * scale;
          var label = labelBox(n, x, y, scale);
          b.left = Math.min(b.left, x - r, label.left);
          b.right = Math.max(b.right, x + r, label.right);
          b.top = Math.min(b.top, y - r);
          b.bottom = Math.max(b.bottom, label.bottom);
        });
        return b;
      }
      function fits(scale) {
        var b = bounds(scale);
        return b.right - b.left <= width && b.bottom - b.top <= height;
      }
      var low = 1e-4, high = MAX_SCALE;
      if (fits(high)) low = high;
      else {
        for (var i = 0; i < 40; i++) {
          var mid = Math.sqrt(low * high);
          if (fits(mid)) low = mid;
          else high = mid;
        }
      }
      var b = bounds(low);
      network.moveTo({
        position: { x: (b.left + b.right) / 2 / low, y: (b.top + b.bottom) / 2 / low },
        scale: low, animation: false,
      });
    }

    // Labels of the nodes in sight, most important first, each shown only if its box meets no box
    // shown before it (boxes are found through a grid of CELL pixels).
    var labelled = new Map(); // node id -> the font size (canvas units) of the label it has now
    var CELL = 64;
    function placeLabels() {
      var scale = network.getScale();
      var width = container.clientWidth, height = container.clientHeight;
      var ids = nodeView.getIds();
      var positions = network.getPositions(ids);
      var grid = new Map();
      function keys(box) {
        var found = [];
        for (var cx = Math.floor(box.left / CELL); cx <= Math.floor(box.right / CELL); cx++) {
          for (var cy = Math.floor(box.top / CELL); cy <= Math.floor(box.bottom / CELL); cy++) found.push(cx + " " + cy);
        }
        return found;
      }
      function free(box, cells) {
        return cells.every(function (key) {
          return !(grid.get(key) || []).some(function (o) {
            return o.left < box.right && box.left < o.right && o.top < box.bottom && box.top < o.bottom;
          });
        });
      }
      function take(box, cells) {
        cells.forEach(function (key) {
          if (!grid.has(key)) grid.set(key, []);
          grid.get(key).push(box);
        });
      }
      var keep = new Map();
      // most important first; a label meets neither the labels nor the shapes of the nodes before it
      ids.map(function (id) { return nodeById.get(id); }).sort(byImportance).forEach(function (n) {
        var p = network.canvasToDOM(positions[n.id]), r = sizeOf(n) * scale;
        var box = labelBox(n, p.x, p.y, scale);
        if (box.right < 0 || box.left > width || box.bottom < 0 || p.y - r > height) return; // out of sight
        var cells = keys(box);
        if (free(box, cells)) {
          take(box, cells);
          keep.set(n.id, labelPx(n) / scale);
        }
        var shape = { left: p.x - r, right: p.x + r, top: p.y - r, bottom: p.y + r };
        take(shape, keys(shape));
      });
      var updates = [];
      labelled.forEach(function (size, id) {
        if (!keep.has(id) && nodes.get(id)) updates.push({ id: id, label: "" });
      });
      keep.forEach(function (size, id) {
        if (labelled.get(id) !== size) updates.push({ id: id, label: nodeById.get(id).label, font: { size: size } });
      });
      labelled = keep;
      if (updates.length) nodes.update(updates);
      return updates.length;
    }

    fitView(nodeView.getIds());
    placeLabels();
    network.once("afterDrawing", function () {
      timings.drawn = performance.now();
      function ready() {
        window.kgReady = true;
        fillSearchList(); // thousands of <option>s: after the first draw (and before any other task)
      }
      if (placeLabels()) network.once("afterDrawing", ready); // the canvas moved as vis drew it
      else ready();
    });

    // Level of detail in big views: zoomed out, arrowheads are under a pixel, yet drawing them is
    // much of the first draw. So big views start without them, and once the view is zoomed in past
    // DETAIL_SCALE, the edges of the nodes in sight get them (and keep them).
    var DETAIL_SCALE = 0.35;
    var detailed = new Set(); // nodes whose edges have their arrowheads
    function addDetail() {
      if (network.getScale() < DETAIL_SCALE) return;
      var margin = 50;
      var a = network.DOMtoCanvas({ x: -margin, y: -margin });
      var b = network.DOMtoCanvas({ x: container.clientWidth + margin, y: container.clientHeight + margin });
      var ids = nodeView.getIds();
      var positions = network.getPositions(ids);
      var edgeUpdates = [];
      ids.forEach(function (id) {
        var p = positions[id];
        if (detailed.has(id) || !p || p.x < a.x || p.x > b.x || p.y < a.y || p.y > b.y) return;
        detailed.add(id);
        (adjacency.get(id) || []).forEach(function (e) {
          if (!e.symmetric && !detailed.has(e.source === id ? e.target : e.source)) {
            edgeUpdates.push({ id: e.id, arrows: ARROW });
          }
        });
      });
      if (edgeUpdates.length) edges.update(edgeUpdates);
    }
    // once the view settles after a zoom or a move: labels for what is in sight, at the new scale
    var lastView = "";
    var settleTimer = null;
    network.on("afterDrawing", function () {
      var scale = network.getScale(), centre = network.getViewPosition();
      var view = scale + " " + centre.x + " " + centre.y + " " + container.clientWidth + " " + container.clientHeight;
      if (view === lastView) return;
      lastView = view;
      clearTimeout(settleTimer);
      settleTimer = setTimeout(function () {
        placeLabels();
        if (big) addDetail();
      }, 100);
    });
    network.on("dragEnd", function (p) { if (p.nodes.length) placeLabels(); });

    // edge labels (the predicate) only while hovered
    var hovered = null;
    function unhover() {
      if (hovered !== null && edges.get(hovered)) edges.update({ id: hovered, label: "" });
      hovered = null;
    }
    network.on("hoverEdge", function (p) {
      var e = edgeById.get(p.edge);
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

    function egoControls(id) {
      var box = el("div", null, "kg-ego");
      box.id = "kg-ego-controls";
      var label = el("label", "Neighbourhood: ");
      var hops = el("select");
      hops.id = "kg-ego-hops";
      [1, 2, 3].forEach(function (h) {
        var option = el("option", h);
        option.value = String(h);
        hops.appendChild(option);
      });
      hops.value = state.ego && state.ego.id === id ? String(state.ego.hops) : "1";
      label.append(hops, document.createTextNode(" hops"));
      var all = button("kg-ego-all", "Show all", showAll);
      all.disabled = !state.ego;
      box.append(label, button("kg-ego-show", "Show neighbourhood", function () {
        showNeighbourhood(id, Number(hops.value));
      }), all);
      return box;
    }

    function showNode(id) {
      var n = nodeById.get(id);
      if (!n) return;
      panel.replaceChildren();
      panel.dataset.kind = "node";
      panel.dataset.id = id;
      panel.appendChild(el("h2", n.label));
      field(panel, "Class", classLabel(n.cls));
      if (n.alt_labels.length) field(panel, "Also known as", n.alt_labels.join(", "));
      field(panel, "ISO code", n.iso3);
      field(panel, "Date", n.date);
      if (n.wikidata && /^Q[0-9]+$/.test(n.wikidata)) {
        field(panel, "Wikidata", link("https://www.wikidata.org/wiki/" + n.wikidata, n.wikidata));
      }
      field(panel, "Relations", String(n.degree));
      if (n.lone) panel.appendChild(el("p", "No relations: not drawn, listed in the sidebar.", "kg-hint"));
      else panel.appendChild(egoControls(id));
      var byPredicate = new Map();
      (adjacency.get(id) || []).forEach(function (e) {
        if (!byPredicate.has(e.predicate)) byPredicate.set(e.predicate, []);
        byPredicate.get(e.predicate).push(e);
      });
      Array.from(byPredicate.keys()).sort().forEach(function (predicate) {
        panel.appendChild(el("h3", predicate));
        var ul = el("ul");
        byPredicate.get(predicate).forEach(function (e) {
          var outgoing = e.source === id;
          var other = nodeById.get(outgoing ? e.target : e.source);
          var arrow = e.symmetric ? "\u2194 " : outgoing ? "\u2192 " : "\u2190 ";
          var li = el("li", arrow + other.label + " (" + e.confidence.toFixed(2) + ")", "kg-rel");
          li.addEventListener("click", function () {
            if (shownEdges.has(e.id)) network.selectEdges([e.id]);
            else network.unselectAll();
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
      panel.dataset.id = id;
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
      delete panel.dataset.id;
    }

    network.on("click", function (p) {
      if (p.nodes.length) showNode(p.nodes[0]);
      else if (p.edges.length) showEdge(p.edges[0]);
      else clearPanel();
    });

    // ------------------------------------------------------------ filters, legend, neighbourhood
    var counts = document.getElementById("kg-counts");
    var egoStatus = document.getElementById("kg-ego-status");
    var egoText = document.getElementById("kg-ego-text");
    function refresh() {
      computeShown();
      nodeView.refresh();
      edgeView.refresh();
      showStatus();
      placeLabels();
    }
    function showStatus() {
      var listed = showLone();
      counts.textContent = nodeView.length + " nodes, " + edgeView.length + " edges shown" +
        (listed ? "; " + listed + " without relations, listed below" : "");
      egoStatus.hidden = !state.ego;
      if (state.ego) {
        var hops = state.ego.hops;
        egoText.textContent = "Neighbourhood of " + nodeById.get(state.ego.id).label + ", " + hops +
          (hops === 1 ? " hop" : " hops");
      }
      if (panel.dataset.kind === "node") {
        var all = document.getElementById("kg-ego-all");
        if (all) all.disabled = !state.ego;
      }
    }
    function showNeighbourhood(id, hops) {
      state.ego = { id: id, hops: hops };
      refresh();
      if (shownNodes.has(id)) {
        network.selectNodes([id]);
        fitView(Array.from(shownNodes));
        placeLabels();
      }
    }
    function showAll() {
      if (!state.ego) return;
      var id = state.ego.id;
      state.ego = null;
      refresh();
      if (shownNodes.has(id)) network.focus(id, { scale: network.getScale(), animation: false });
    }
    document.getElementById("kg-ego-reset").addEventListener("click", showAll);

    function checkbox(parent, id, set, name, swatch, text) {
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
      label.append(box, swatch, document.createTextNode(text || name));
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
      classBoxes.set(c.name, checkbox(classes, "kg-class-" + c.name, state.classes, c.name, glyph, c.label));
    });

    // entities without relations: listed (under the class filter), not drawn
    var loneBox = document.getElementById("kg-lone");
    var loneSummary = document.getElementById("kg-lone-summary");
    var loneList = document.getElementById("kg-lone-list");
    var loneItems = new Map();
    lone.slice().sort(function (a, b) { return a.label.localeCompare(b.label); }).forEach(function (n) {
      var c = data.classes.find(function (k) { return k.name === n.cls; });
      var glyph = el("span", GLYPHS[c.shape] || "\u25cf", "kg-glyph");
      glyph.style.color = c.colour;
      var item = el("li");
      item.dataset.id = n.id;
      item.title = classLabel(n.cls);
      item.append(glyph, document.createTextNode(n.label));
      item.addEventListener("click", function () {
        network.unselectAll();
        markLone(n.id);
        showNode(n.id);
      });
      loneItems.set(n.id, item);
      loneList.appendChild(item);
    });
    function markLone(id) {
      loneItems.forEach(function (item, key) { item.classList.toggle("kg-current", key === id); });
    }
    function showLone() {
      var listed = 0;
      var hide = state.ego !== null || timeFiltered();
      loneItems.forEach(function (item, id) {
        item.hidden = hide || !state.classes.has(nodeById.get(id).cls);
        if (!item.hidden) listed++;
      });
      loneBox.hidden = listed === 0;
      loneSummary.textContent = "Without relations (" + listed + ")";
      return listed;
    }

    var slider = document.getElementById("kg-min-confidence");
    var sliderValue = document.getElementById("kg-min-confidence-value");
    slider.addEventListener("input", function () {
      state.minConfidence = Number(slider.value);
      sliderValue.textContent = state.minConfidence.toFixed(2);
      refresh();
    });

    // time range: <input type=date> values are ISO days ("" when empty), compared as strings
    var dateFrom = document.getElementById("kg-date-from");
    var dateTo = document.getElementById("kg-date-to");
    var hideUndated = document.getElementById("kg-hide-undated");
    if (data.date_range) {
      [dateFrom, dateTo].forEach(function (input) {
        input.min = data.date_range[0];
        input.max = data.date_range[1];
      });
      var span = el("p", "Dates in the data: " + data.date_label, "kg-meta"); // "2025", not its days
      span.id = "kg-date-span";
      document.getElementById("kg-time").prepend(span);
    }
    function timeChanged() {
      state.from = dateFrom.value;
      state.to = dateTo.value;
      state.hideUndated = hideUndated.checked;
      refresh();
    }
    [dateFrom, dateTo, hideUndated].forEach(function (input) { input.addEventListener("change", timeChanged); });
    document.getElementById("kg-date-clear").addEventListener("click", function () {
      dateFrom.value = "";
      dateTo.value = "";
      hideUndated.checked = false;
      timeChanged();
    });

    // ------------------------------------------------------------ search
    var names = new Map();
    data.nodes.forEach(function (n) {
      [n.label].concat(n.alt_labels).forEach(function (name, i) {
        var key = name.toLowerCase();
        if (!names.has(key) || i === 0) names.set(key, n.id);
      });
    });
    function fillSearchList() {
      var list = document.getElementById("kg-search-list");
      var seen = new Set();
      var options = document.createDocumentFragment();
      data.nodes.forEach(function (n) {
        [n.label].concat(n.alt_labels).forEach(function (name, i) {
          var key = name.toLowerCase();
          if (seen.has(key)) return;
          seen.add(key);
          var option = el("option");
          option.value = name;
          if (i > 0) option.label = n.label;
          options.appendChild(option);
        });
      });
      list.replaceChildren(options);
    }
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
      if (!state.classes.has(n.cls) || (state.ego && !shownNodes.has(id))) {
        classBoxes.get(n.cls).checked = true;
        state.classes.add(n.cls);
        state.ego = null;
        refresh();
      }
      showNode(id);
      if (n.lone) {
        status.textContent = "no relations: listed in the sidebar";
        network.unselectAll();
        var item = loneItems.get(id);
        if (item && !item.hidden) {
          loneBox.open = true;
          markLone(id);
          item.scrollIntoView({ block: "nearest" });
        }
        return;
      }
      if (!shownNodes.has(id)) {
        status.textContent = "hidden by the time range";
        network.unselectAll();
        return;
      }
      network.selectNodes([id]);
      network.focus(id, { scale: Math.max(network.getScale(), 1.2), animation: false });
    }
    search.addEventListener("change", find);
    search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") find(); });

    showStatus(); // computeShown() ran before the DataViews were made
    timings.ready = performance.now();
  }
})();

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
// start without node labels and arrowheads, which are invisible when zoomed out but cost most of the
// first draw: they come for what is in sight once the view is zoomed in (see addDetail).
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
    var SIZE = { min: 8, max: 30 }, FONT = { min: 11, max: 20 };
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
        if (!state.classes.has(n.cls)) return;
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
    var nodes = new vis.DataSet(data.nodes.map(function (n) {
      var s = scaled(n.importance);
      var item = {
        id: n.id, title: n.label + " (" + n.cls + ")", x: n.x, y: n.y, group: n.cls,
        size: SIZE.min + s * (SIZE.max - SIZE.min),
      };
      return big ? item : Object.assign(item, labelOf(n)); // big views: labels come with zoom
    }));
    function labelOf(n) {
      return { label: n.label, font: { size: FONT.min + scaled(n.importance) * (FONT.max - FONT.min) } };
    }
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
        borderWidth: 1, font: { size: 13, color: "#222" },
        scaling: { label: { drawThreshold: 6 } },
      },
      edges: {
        selectionWidth: 2, hoverWidth: 1, smooth: false, shadow: false,
        arrows: { to: { enabled: false, scaleFactor: big ? 0.4 : 0.6 } },
        font: { size: 11, align: "middle", strokeWidth: 3 },
      },
    });
    window.kgNetwork = network;
    timings.network = performance.now();
    network.once("afterDrawing", function () {
      timings.drawn = performance.now();
      window.kgReady = true;
      fillSearchList(); // thousands of <option>s: after the first draw (and before any other task)
    });

    // Level of detail in big views: zoomed out, labels are below vis's drawThreshold and arrowheads
    // under a pixel, yet measuring and drawing them is most of the first draw. So big views start
    // without both, and once the view is zoomed in past DETAIL_SCALE, the nodes in sight get their
    // label and their edges their arrowheads (and keep them).
    var DETAIL_SCALE = 0.35;
    var detailed = new Set(); // nodes with their label and the arrowheads of their edges
    var lastView = "";
    var detailTimer = null;
    function addDetail() {
      detailTimer = null;
      if (network.getScale() < DETAIL_SCALE) return;
      var margin = 50;
      var a = network.DOMtoCanvas({ x: -margin, y: -margin });
      var b = network.DOMtoCanvas({ x: container.clientWidth + margin, y: container.clientHeight + margin });
      var ids = nodeView.getIds();
      var positions = network.getPositions(ids);
      var nodeUpdates = [], edgeUpdates = [];
      ids.forEach(function (id) {
        var p = positions[id];
        if (detailed.has(id) || !p || p.x < a.x || p.x > b.x || p.y < a.y || p.y > b.y) return;
        detailed.add(id);
        nodeUpdates.push(Object.assign({ id: id }, labelOf(nodeById.get(id))));
        (adjacency.get(id) || []).forEach(function (e) {
          if (!e.symmetric && !detailed.has(e.source === id ? e.target : e.source)) {
            edgeUpdates.push({ id: e.id, arrows: ARROW });
          }
        });
      });
      if (nodeUpdates.length) nodes.update(nodeUpdates);
      if (edgeUpdates.length) edges.update(edgeUpdates);
    }
    if (big) {
      network.on("afterDrawing", function () {
        var scale = network.getScale(), centre = network.getViewPosition();
        var view = scale + " " + centre.x + " " + centre.y;
        if (view === lastView) return;
        lastView = view;
        if (scale < DETAIL_SCALE) return;
        clearTimeout(detailTimer);
        detailTimer = setTimeout(addDetail, 100); // once the view settles
      });
    }

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
      field(panel, "Class", n.cls);
      if (n.alt_labels.length) field(panel, "Also known as", n.alt_labels.join(", "));
      field(panel, "ISO code", n.iso3);
      field(panel, "Date", n.date);
      if (n.wikidata && /^Q[0-9]+$/.test(n.wikidata)) {
        field(panel, "Wikidata", link("https://www.wikidata.org/wiki/" + n.wikidata, n.wikidata));
      }
      field(panel, "Relations", String(n.degree));
      panel.appendChild(egoControls(id));
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
    }
    function showStatus() {
      counts.textContent = nodeView.length + " nodes, " + edgeView.length + " edges shown";
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
        network.fit({ nodes: Array.from(shownNodes), animation: false });
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

    // time range: <input type=date> values are ISO days ("" when empty), compared as strings
    var dateFrom = document.getElementById("kg-date-from");
    var dateTo = document.getElementById("kg-date-to");
    var hideUndated = document.getElementById("kg-hide-undated");
    if (data.date_range) {
      [dateFrom, dateTo].forEach(function (input) {
        input.min = data.date_range[0];
        input.max = data.date_range[1];
      });
      var span = el("p", "Dates in the data: " + data.date_range[0] + " to " + data.date_range[1], "kg-meta");
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

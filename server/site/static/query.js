/* Kunta-KG query editor: YASGUI against our own /sparql, no outside hosts. */
(function () {
  "use strict";
  var examples = JSON.parse(document.getElementById("examples-data").textContent);
  // Read the fragment (/query#<name>, the home page's "Where to start" links) before YASGUI starts:
  // YASGUI rewrites the URL when it starts, and the fragment was gone by the time it was read (issue 16).
  var wanted = "";
  try { wanted = decodeURIComponent(window.location.hash.slice(1)); } catch (e) { wanted = ""; }
  function example(name) { return examples.filter(function (e) { return e.name === name; })[0]; }
  var prefixes = JSON.parse(document.getElementById("prefixes-data").textContent);
  var endpoint = new URL("/sparql", window.location.href).href;
  // Must be set before `new Yasgui`: the default autocompleters call LOV (and prefix.cc) on the internet.
  // "prefixes" uses the list bundled with @zazuko/yasgui; "variables" is local.
  Yasgui.Yasqe.defaults.autocompleters = ["variables", "prefixes"];
  // Result values are text, never HTML (issue 17). YASR's table escapes a literal for display, but for
  // DataTables' sort and filter forms it parses the raw value as HTML (DOMPurify), DataTables puts a
  // filter string holding "&" into innerHTML, and IRIs are pasted unescaped into a link's markup: a
  // literal "<img src=x onerror=...>" was parsed as markup (the CSP blocked its handler). Now every
  // form of a value is escaped text, and only http(s) IRIs become links.
  var escapeHtml = function (text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" }[c];
    });
  };
  var Table = Yasgui.Yasr.plugins.table;
  var getColumns = Table.prototype.getColumns;
  Table.prototype.getUriLinkFromBinding = function (binding, prefixes) {
    var iri = String(binding.value), shown = iri, prefixed = false;
    Object.keys(prefixes || {}).some(function (p) {
      if (prefixes[p] && iri.indexOf(prefixes[p]) === 0) {
        shown = p + ":" + iri.substring(prefixes[p].length);
        prefixed = true;
      }
      return prefixed;
    });
    var bare = prefixed || (this.persistentConfig && this.persistentConfig.compact);
    var text = escapeHtml(shown);
    if (/^https?:/i.test(iri)) {
      var newWindow = this.config.openIriInNewWindow;
      text = "<a class='iri' target='" + (newWindow ? "_blank" : "_self") + "'" +
        (newWindow ? " rel='noopener noreferrer'" : "") + " href='" + escapeHtml(iri) + "'>" + text + "</a>";
    }
    return bare ? text : "&lt;" + text + "&gt;";
  };
  Table.prototype.getColumns = function () {
    return getColumns.apply(this, arguments).map(function (column) {
      var render = column.render;
      if (typeof render !== "function") { return column; }
      return Object.assign({}, column, {
        render: function (data, type) {
          if (type === "display" || data === null || typeof data !== "object") { return render.apply(this, arguments); }
          return escapeHtml(data.value);
        }
      });
    });
  };
  var prefixBlock = Object.keys(prefixes).map(function (k) {
    return "PREFIX " + k + ": <" + prefixes[k] + ">";
  }).join("\n");
  var start = example(wanted) || examples[0];
  var first = start ? start.query : prefixBlock + "\nSELECT * WHERE { ?s ?p ?o } LIMIT 10\n";
  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: endpoint, method: "POST" },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    persistenceId: null,
    yasqe: { value: first }
  });
  window.yasgui = yasgui;
  function yasqe() { return yasgui.getTab().getYasqe(); }
  function load(name) {
    var q = example(name);
    if (q) { yasqe().setValue(q.query); }
    return !!q;
  }
  var select = document.getElementById("example");
  document.getElementById("load-example").addEventListener("click", function () {
    if (load(select.value)) { yasqe().focus(); }
  });
  document.getElementById("add-prefixes").addEventListener("click", function () { yasqe().addPrefixes(prefixes); });
  if (example(wanted)) {
    select.value = wanted;
    // put the fragment back, so the address still names the example (reload, bookmark, share)
    window.history.replaceState(null, "", window.location.pathname + window.location.search + "#" +
      encodeURIComponent(wanted));
  }
  window.addEventListener("hashchange", function () {
    var name = "";
    try { name = decodeURIComponent(window.location.hash.slice(1)); } catch (e) { return; }
    if (load(name)) { select.value = name; }
  });
})();

/* Kunta-KG query editor: YASGUI against our own /sparql, no outside hosts. */
(function () {
  "use strict";
  var examples = JSON.parse(document.getElementById("examples-data").textContent);
  var prefixes = JSON.parse(document.getElementById("prefixes-data").textContent);
  var endpoint = new URL("/sparql", window.location.href).href;
  // Must be set before `new Yasgui`: the default autocompleters call LOV (and prefix.cc) on the internet.
  // "prefixes" uses the list bundled with @zazuko/yasgui; "variables" is local.
  Yasgui.Yasqe.defaults.autocompleters = ["variables", "prefixes"];
  var prefixBlock = Object.keys(prefixes).map(function (k) {
    return "PREFIX " + k + ": <" + prefixes[k] + ">";
  }).join("\n");
  var first = examples.length ? examples[0].query : prefixBlock + "\nSELECT * WHERE { ?s ?p ?o } LIMIT 10\n";
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
    var q = examples.filter(function (e) { return e.name === name; })[0];
    if (q) { yasqe().setValue(q.query); }
    return !!q;
  }
  var select = document.getElementById("example");
  document.getElementById("load-example").addEventListener("click", function () {
    if (load(select.value)) { yasqe().focus(); }
  });
  document.getElementById("add-prefixes").addEventListener("click", function () { yasqe().addPrefixes(prefixes); });
  var hash = decodeURIComponent(window.location.hash.slice(1));
  if (hash && load(hash)) { select.value = hash; }
})();

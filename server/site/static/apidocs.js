// Kunta-KG API docs: renders /api/openapi.json as forms that call the API (no external code).
(function () {
  "use strict";
  var root = document.getElementById("api-docs");
  if (!root) return;
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function render(spec) {
    root.textContent = "";
    var toc = el("ul", {"class": "toc"});
    root.appendChild(toc);
    Object.keys(spec.paths).forEach(function (path) {
      var op = spec.paths[path].get, name = path.split("/").pop();
      var li = el("li"); li.appendChild(el("a", {href: "#" + name}, name + " – " + op.summary)); toc.appendChild(li);
      var sec = el("section", {id: name, "class": "operation"});
      sec.appendChild(el("h2", {}, "GET " + path));
      sec.appendChild(el("p", {}, op.summary));
      sec.appendChild(el("p", {"class": "muted"}, "Tags: " + (op.tags || []).join(", ") +
        (op["x-questions"] ? " · research questions " + op["x-questions"].join(", ") : "")));
      var form = el("form", {"data-path": path});
      (op.parameters || []).forEach(function (p) {
        var id = name + "-" + p.name, row = el("p");
        row.appendChild(el("label", {"for": id}, p.name + " (" + (p.schema.enum ? "one of a list" : p.schema.type) + ")"));
        var input;
        if (p.schema.enum) {
          input = el("select", {id: id, name: p.name});
          input.appendChild(el("option", {value: ""}, "(default)"));
          p.schema.enum.forEach(function (v) { input.appendChild(el("option", {value: v}, v)); });
        } else {
          input = el("input", {id: id, name: p.name, size: "60", placeholder: p.schema["default"] || ""});
        }
        row.appendChild(document.createTextNode(" ")); row.appendChild(input);
        row.appendChild(el("small", {}, " " + p.description));
        form.appendChild(row);
      });
      var fmt = el("select", {name: "__format", "aria-label": "format"});
      ["json", "csv", "html"].forEach(function (f) { fmt.appendChild(el("option", {value: f}, f)); });
      var button = el("button", {type: "submit"}, "Try it");
      var p = el("p"); p.appendChild(fmt); p.appendChild(document.createTextNode(" ")); p.appendChild(button);
      form.appendChild(p);
      var out = el("pre", {"class": "answer", "aria-live": "polite"});
      form.addEventListener("submit", function (ev) {
        ev.preventDefault();
        var params = new URLSearchParams();
        Array.prototype.forEach.call(form.elements, function (f) {
          if (f.name && f.name !== "__format" && f.value) params.append(f.name, f.value);
        });
        var url = path + "." + fmt.value + (params.toString() ? "?" + params.toString() : "");
        if (fmt.value === "html") { window.location.href = url; return; }
        out.textContent = "GET " + url + "\n…";
        fetch(url).then(function (r) {
          return r.text().then(function (t) { out.textContent = "GET " + url + "\n" + r.status + "\n\n" + t.slice(0, 20000); });
        });
      });
      sec.appendChild(form); sec.appendChild(out);
      var details = el("details"); details.appendChild(el("summary", {}, "Description and SPARQL"));
      details.appendChild(el("pre", {}, op.description)); sec.appendChild(details);
      root.appendChild(sec);
    });
  }
  fetch(root.getAttribute("data-spec")).then(function (r) { return r.json(); }).then(render, function () {
    root.textContent = "Could not load the API description.";
  });
})();

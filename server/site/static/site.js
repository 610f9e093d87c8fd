/* Progressive enhancement of the goal tree: expand/collapse all, arrow keys on a focused item. */
(function () {
  "use strict";
  var tree = document.getElementById("tree");
  if (!tree) { return; }
  var tools = document.querySelector(".tree-tools");
  if (tools) { tools.hidden = false; }
  function all(open) {
    tree.querySelectorAll("details").forEach(function (d) { d.open = open; });
  }
  var ex = document.getElementById("expand-all");
  var co = document.getElementById("collapse-all");
  if (ex) { ex.addEventListener("click", function () { all(true); }); }
  if (co) { co.addEventListener("click", function () { all(false); }); }
  tree.addEventListener("keydown", function (ev) {
    var summary = ev.target.closest && ev.target.closest("summary");
    if (!summary) { return; }
    var details = summary.parentElement;
    if (ev.key === "ArrowRight" && !details.open) { details.open = true; ev.preventDefault(); }
    else if (ev.key === "ArrowLeft" && details.open) { details.open = false; ev.preventDefault(); }
    else if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      var visible = Array.prototype.filter.call(tree.querySelectorAll("summary"), function (s) {
        return s.offsetParent !== null;
      });
      var i = visible.indexOf(summary) + (ev.key === "ArrowDown" ? 1 : -1);
      if (i >= 0 && i < visible.length) { visible[i].focus(); ev.preventDefault(); }
    }
  });
})();

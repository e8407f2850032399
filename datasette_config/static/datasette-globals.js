/* Page data for Datasette's own scripts, read from <script type="application/json" data-fw-global="NAME">
   elements (data, never executed) instead of inline assignments, so the Content-Security-Policy needs
   no inline script. Loaded first among the deferred scripts, so it runs before Datasette's. */
(function () {
  var allowed = ["datasetteVersion", "_datasetteTableData", "_datasetteDatabaseData", "_columnChooserData",
                 "_setColumnTypeData", "DATASETTE_ALLOW_FACET"];
  document.querySelectorAll('script[type="application/json"][data-fw-global]').forEach(function (el) {
    var name = el.getAttribute("data-fw-global");
    if (allowed.indexOf(name) !== -1) {
      window[name] = JSON.parse(el.textContent);
    }
  });
})();

/* table.html's "Choose columns" button on small screens had an inline onclick handler. */
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button.choose-columns-mobile").forEach(function (button) {
    button.addEventListener("click", function () {
      if (typeof window.openColumnChooser === "function") {
        window.openColumnChooser();
      }
    });
  });
});

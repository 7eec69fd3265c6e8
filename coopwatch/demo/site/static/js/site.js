/* Demo site script: font size switch and print button; no tracking. */
(function () {
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a.print");
    if (link) { event.preventDefault(); window.print(); }
  });
})();

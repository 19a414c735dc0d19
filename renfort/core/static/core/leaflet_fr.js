// Leaflet in French on every map of Renfort: zoom buttons (title and accessible name) and the
// attribution link. Loaded right after vendor/leaflet/leaflet.js, before any map is created.
// Also `renfortEscape(text)`: a text put in a popup's HTML, shown as it is written.
(function () {
  "use strict";
  window.renfortEscape = function (text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  };
  L.Control.Zoom.mergeOptions({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" });
  L.Control.Attribution.mergeOptions({
    prefix:
      '<a href="https://leafletjs.com" title="Bibliothèque JavaScript de cartes interactives" ' +
      'lang="en">Leaflet</a>',
  });
})();

// Leaflet in French on every map of Renfort: zoom buttons (title and accessible name), the
// popups' close button and the attribution link. Loaded right after vendor/leaflet/leaflet.js,
// before any map is created.
// Also `renfortEscape(text)`: a text put in a popup's HTML, shown as it is written.
(function () {
  "use strict";
  window.renfortEscape = function (text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  };
  L.Control.Zoom.mergeOptions({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" });
  // The popups' close button: Leaflet names it « Close popup », with no option to change it.
  L.Map.addInitHook(function () {
    this.on("popupopen", function (event) {
      var button = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (button) {
        button.setAttribute("aria-label", "Fermer");
        button.setAttribute("title", "Fermer");
      }
    });
  });
  L.Control.Attribution.mergeOptions({
    prefix:
      '<a href="https://leafletjs.com" title="Bibliothèque JavaScript de cartes interactives" ' +
      'lang="en">Leaflet</a>',
  });
})();

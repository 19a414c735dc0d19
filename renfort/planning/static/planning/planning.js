/* Planning screen: follow a background run until it ends, then reload; draw the map. */
(function () {
  "use strict";
  var box = document.getElementById("run-status");
  var url = box && box.getAttribute("data-status-url");
  if (url) {
    var message = document.getElementById("run-message");
    /* An error answer (expired session, run gone or refused) ends the polling: said in the
       status region, which screen readers announce. */
    var Stopped = function (status) { this.status = status; };
    var poll = function () {
      fetch(url, { credentials: "same-origin" })
        .then(function (r) {
          if (!r.ok) { throw new Stopped(r.status); }
          return r.json();
        })
        .then(function (data) {
          var bar = document.getElementById("run-progress");
          if (message) { message.textContent = data.status_label + " — " + data.message; }
          if (bar) { bar.value = data.progress; }
          if (data.finished) { window.location.reload(); } else { setTimeout(poll, 1000); }
        })
        .catch(function (error) {
          if (!(error instanceof Stopped)) { setTimeout(poll, 3000); return; } /* network */
          if (message) {
            message.textContent = error.status === 401
              ? "Votre session a expiré : reconnectez-vous."
              : "Le suivi du calcul s'est interrompu : rechargez la page.";
          }
        });
    };
    setTimeout(poll, 500);
  }
  var mapNode = document.getElementById("planning-map");
  var dataNode = document.getElementById("planning-map-data");
  if (mapNode && dataNode && window.L) {
    var data = JSON.parse(dataNode.textContent);
    var map = L.map(mapNode).setView([46.6, 2.4], 5);
    L.control.scale({ imperial: false }).addTo(map);
    /* No external tile server: the départements are the background. */
    fetch(mapNode.getAttribute("data-departements-url"))
      .then(function (r) { return r.json(); })
      .then(function (geo) {
        L.geoJSON(geo, { style: { color: "#888", weight: 1, fillOpacity: 0.03 } }).addTo(map)
          .bringToBack();
      });
    var layer = L.geoJSON(data, {
      pointToLayer: function (feature, latlng) {
        return L.circleMarker(latlng, {
          radius: 5 + 3 * Math.sqrt(feature.properties.jours), color: "#000091", weight: 1,
          fillColor: "#6a6af4", fillOpacity: 0.7
        });
      },
      onEachFeature: function (feature, marker) {
        var p = feature.properties;
        /* French: 0, ½ and 1 take the singular; decimal comma. */
        var days = String(p.jours).replace(".", ",") + (p.jours < 2 ? " jour" : " jours");
        marker.bindPopup("<strong>" + window.renfortEscape(p.nom) + "</strong><br>" +
          window.renfortEscape(p.commune) + " — " + days + " de mission");
      }
    }).addTo(map);
    if (data.features.length) { map.fitBounds(layer.getBounds().pad(0.2)); }
  }
})();

// Active host sites over département outlines; no external tile server.
(async function () {
  const el = document.getElementById("sites-map");
  if (!el) return;
  const status = document.getElementById("map-status");
  const map = L.map(el, { zoomSnap: 0.25 }).setView([46.6, 2.4], 5.5);
  map.attributionControl.addAttribution("Contours : IGN Admin Express 2018 simplifié (Licence Ouverte)");
  const [deps, sites] = await Promise.all([
    fetch(el.dataset.departementsUrl).then((r) => r.json()),
    fetch(el.dataset.sitesUrl).then((r) => r.json()),
  ]);
  L.geoJSON(deps, { style: { color: "#888", weight: 1, fillColor: "#f0f0f0", fillOpacity: 1 }, interactive: false }).addTo(map);
  const escape = window.renfortEscape;
  const layer = L.geoJSON(sites, {
    pointToLayer: (f, latlng) => L.circleMarker(latlng, {
      radius: 7, weight: 2, color: "#000091", fillColor: f.properties.besoin ? "#ce0500" : "#000091", fillOpacity: 0.8,
    }),
    onEachFeature: (f, l) => {
      const p = f.properties;
      l.bindPopup(`<strong>${escape(p.nom)}</strong><br>${escape(p.type)}<br>${escape(p.adresse)}<br>${p.besoin ? "Recherche des médecins volontaires" : "Pas de besoin signalé"}<br><a href="/lieux/${p.id}/">Voir le lieu</a>`);
    },
  }).addTo(map);
  // Fit mainland France when it has sites: overseas ones would shrink it to a dot.
  const mainland = sites.features.filter((f) => { const [lon, lat] = f.geometry.coordinates; return lat > 41 && lat < 52 && lon > -6 && lon < 10; });
  const shown = mainland.length ? L.geoJSON({ type: "FeatureCollection", features: mainland }) : layer;
  if (sites.features.length) map.fitBounds(shown.getBounds().pad(0.3), { maxZoom: 9 });
  el.dataset.siteCount = sites.features.length;
  const n = sites.features.length;
  status.textContent = n ? `${n} lieu${n > 1 ? "x" : ""} d'accueil affiché${n > 1 ? "s" : ""} (en rouge : recherche des volontaires).` : "Aucun lieu d'accueil actif à afficher.";
  window.renfortSitesMap = map;
})();

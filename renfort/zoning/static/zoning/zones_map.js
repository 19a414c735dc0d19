// Priority zones over département outlines; no external tile server.
(async function () {
  const el = document.getElementById("zones-map");
  if (!el) return;
  const status = document.getElementById("map-status");
  const map = L.map(el, { zoomSnap: 0.25, attributionControl: true }).setView([46.6, 2.4], 5.5);
  map.attributionControl.addAttribution("Contours : IGN Admin Express, INSEE COG 2026");
  const [deps, zones] = await Promise.all([
    fetch(el.dataset.departementsUrl).then((r) => r.json()),
    fetch(el.dataset.zonesUrl).then((r) => r.json()),
  ]);
  L.geoJSON(deps, { style: { color: "#888", weight: 1, fillColor: "#f0f0f0", fillOpacity: 1 }, interactive: false }).addTo(map);
  const layer = L.geoJSON(zones, {
    style: { color: "#ce0500", weight: 1.5, fillColor: "#ce0500", fillOpacity: 0.45 },
    onEachFeature: (f, l) => {
      const p = f.properties;
      l.bindPopup(`<strong>${p.nom}</strong><br>${p.region}<br>${p.population.toLocaleString("fr-FR")} habitants<br>${p.categorie} · ${p.fiabilite}<br><a href="/zones/${p.siren}/">Voir la zone</a>`);
    },
  }).addTo(map);
  el.dataset.zoneCount = zones.features.length;
  status.textContent = `${zones.features.length} zones prioritaires affichées.`;
  window.renfortZonesMap = map;
})();

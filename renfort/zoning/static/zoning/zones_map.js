// Priority zones over département outlines; no external tile server.
(async function () {
  const el = document.getElementById("zones-map");
  if (!el) return;
  const status = document.getElementById("map-status");
  const map = L.map(el, { zoomSnap: 0.25, attributionControl: true }).setView([46.6, 2.4], 5.5);
  map.attributionControl.addAttribution("Contours : IGN Admin Express COG 2018 simplifié (Licence Ouverte)");
  const escape = window.renfortEscape;
  const [deps, zones] = await Promise.all([
    fetch(el.dataset.departementsUrl).then((r) => r.json()),
    fetch(el.dataset.zonesUrl).then((r) => r.json()),
  ]);
  L.geoJSON(deps, { style: { color: "#888", weight: 1, fillColor: "#f0f0f0", fillOpacity: 1 }, interactive: false }).addTo(map);
  const layer = L.geoJSON(zones, {
    style: { color: "#ce0500", weight: 1.5, fillColor: "#ce0500", fillOpacity: 0.45 },
    onEachFeature: (f, l) => {
      const p = f.properties;
      l.bindPopup(`<strong>${escape(p.nom)}</strong><br>${escape(p.region)}<br>${p.population.toLocaleString("fr-FR")} habitants<br>${escape(p.categorie)} · ${escape(p.fiabilite)}<br><a href="/zones/${encodeURIComponent(p.siren)}/">Voir la zone</a>`);
    },
  }).addTo(map);
  el.dataset.zoneCount = zones.features.length;
  const inMainland = (c) => c.lat > 41 && c.lat < 52 && c.lng > -6 && c.lng < 10;
  const overseas = zones.features.filter((f) => !inMainland(L.geoJSON(f).getBounds().getCenter())).length;
  status.textContent = `${zones.features.length} zones prioritaires affichées` + (overseas ? `, dont ${overseas} outre-mer (déplacez la carte pour les voir ; la liste des zones les donne toutes).` : ".");
  window.renfortZonesMap = map;
})();

// "Autour de moi": fills the hidden lat/lon fields with the browser's position and submits.
// Without JavaScript (or without permission) the search works by commune or postcode.
(function () {
  const button = document.getElementById("search-around-me");
  if (!button || !("geolocation" in navigator)) return;
  button.hidden = false;
  const form = button.form;
  const status = document.getElementById("search-around-me-status");
  button.addEventListener("click", function () {
    status.textContent = "Recherche de votre position…";
    navigator.geolocation.getCurrentPosition(
      function (position) {
        form.querySelector("[name=lat]").value = position.coords.latitude.toFixed(5);
        form.querySelector("[name=lon]").value = position.coords.longitude.toFixed(5);
        form.querySelector("[name=q]").value = "";
        form.querySelector("[name=commune]").value = "";
        form.submit();
      },
      function () {
        status.textContent = "Position indisponible : indiquez votre commune ou votre code postal.";
      },
      { timeout: 10000, maximumAge: 600000 }
    );
  });
})();
(function () {
  const q = document.getElementById("id_q");
  if (!q) return;
  q.addEventListener("input", function () {
    q.form.querySelector("[name=lat]").value = "";
    q.form.querySelector("[name=lon]").value = "";
  });
})();

// Accessible autocomplete (combobox pattern) for <input data-autocomplete-url="...">.
// The JSON endpoint returns {"results": [{"value": "...", "label": "..."}]}.
// If the input has data-autocomplete-target="<id>", the chosen value goes into that field.
(function () {
  // The label's own words, without its hint (« Commune ou code postal », not « …postalPar
  // exemple : Lacaune ou 81230. »): the hint is a span inside the label, with no space; the
  // hidden « * » of a required field is not read either.
  function labelName(label) {
    const copy = label.cloneNode(true);
    copy.querySelectorAll(".fr-hint-text, [aria-hidden='true']").forEach(function (el) { el.remove(); });
    return copy.textContent.replace(/\s+/g, " ").trim();
  }

  function setup(input) {
    const url = input.dataset.autocompleteUrl;
    const target = input.dataset.autocompleteTarget ? document.getElementById(input.dataset.autocompleteTarget) : null;
    const wrapper = document.createElement("div");
    wrapper.className = "renfort-autocomplete";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    const list = document.createElement("ul");
    list.className = "renfort-autocomplete__list";
    list.id = input.id + "-listbox";
    list.setAttribute("role", "listbox");
    const label = input.labels && input.labels[0];
    list.setAttribute("aria-label", "Suggestions" + (label ? " : " + labelName(label) : ""));
    list.hidden = true;
    wrapper.appendChild(list);
    // Screen readers hear how many suggestions came (the list itself is not announced).
    const status = document.createElement("p");
    status.className = "fr-sr-only";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    wrapper.appendChild(status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", list.id);
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("autocomplete", "off");
    let items = [], active = -1, timer = null, seq = 0;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant"); // no option of a hidden list
      status.textContent = "";
      active = -1;
    }
    function choose(i) {
      const item = items[i];
      if (!item) return;
      input.value = item.label;
      if (target) target.value = item.value;
      close();
      input.dispatchEvent(new CustomEvent("autocomplete:selected", { detail: item, bubbles: true }));
    }
    function render() {
      list.innerHTML = "";
      items.forEach((item, i) => {
        const li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", i === active ? "true" : "false");
        li.textContent = item.label;
        li.addEventListener("mousedown", (e) => { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      list.hidden = items.length === 0;
      status.textContent = items.length === 0 ? "Aucune suggestion."
        : items.length + (items.length === 1 ? " suggestion" : " suggestions") + " : flèches haut et bas pour choisir, Entrée pour valider.";
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      if (active >= 0) {
        input.setAttribute("aria-activedescendant", list.id + "-" + active);
        list.children[active].scrollIntoView({ block: "nearest" }); // never choose out of sight
      } else input.removeAttribute("aria-activedescendant");
    }
    input.addEventListener("input", () => {
      if (target) target.value = "";
      clearTimeout(timer);
      const q = input.value.trim();
      if (q.length < 2) { items = []; render(); status.textContent = ""; return; }
      timer = setTimeout(async () => {
        const mine = ++seq;
        const response = await fetch(url + "?q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } });
        if (!response.ok || mine !== seq) return;
        items = (await response.json()).results || [];
        active = -1;
        render();
      }, 150);
    });
    input.addEventListener("keydown", (e) => {
      if (list.hidden) {
        // Arrow down opens again the suggestions of what is typed.
        if (e.key === "ArrowDown" && items.length) { active = 0; render(); e.preventDefault(); }
        return;
      }
      if (e.key === "ArrowDown") { active = Math.min(active + 1, items.length - 1); render(); e.preventDefault(); }
      else if (e.key === "ArrowUp") { active = Math.max(active - 1, 0); render(); e.preventDefault(); }
      else if (e.key === "Enter" && active >= 0) { choose(active); e.preventDefault(); }
      else if (e.key === "Escape") { close(); e.preventDefault(); } // keep what was typed
    });
    input.addEventListener("blur", () => setTimeout(close, 100));
  }
  document.querySelectorAll("input[data-autocomplete-url]").forEach(setup);
})();

// Small helpers on every page (RGAA).
(function () {
  "use strict";
  // A table or calendar that scrolls sideways (small screens) can be reached and scrolled with
  // the keyboard (WCAG 2.1.1): it takes the focus only while it actually scrolls.
  function scrollables() {
    document.querySelectorAll(".fr-table > table, .renfort-scroll").forEach(function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      if (scrolls && !box.hasAttribute("tabindex")) {
        box.setAttribute("tabindex", "0");
        box.dataset.renfortScroll = "1";
      } else if (!scrolls && box.dataset.renfortScroll) {
        box.removeAttribute("tabindex");
        delete box.dataset.renfortScroll;
      }
    });
  }
  scrollables();
  var pending = null;
  function later() {
    clearTimeout(pending);
    pending = setTimeout(scrollables, 150);
  }
  window.addEventListener("resize", later);
  // The width changes after this script too: web fonts, the DSFR's own table script, images.
  window.addEventListener("load", scrollables);
  if (window.ResizeObserver) {
    var observer = new ResizeObserver(later);
    document.querySelectorAll(".fr-table > table, .renfort-scroll").forEach(function (box) {
      observer.observe(box); // its own width, and its content's (what overflows it)
      if (box.firstElementChild) observer.observe(box.firstElementChild);
      if (box.tBodies && box.tBodies[0]) observer.observe(box.tBodies[0]);
    });
  }
  // The « Menu » skip link: on small screens the menu is closed (hidden), so the link goes to
  // the button that opens it.
  var skip = document.querySelector('.fr-skiplinks a[href="#menu-principal"]');
  if (skip) {
    skip.addEventListener("click", function (event) {
      var menu = document.getElementById("menu-principal");
      var button = document.getElementById("button-menu");
      // Small screens: the menu button is shown (the closed menu is only `visibility:
      // hidden`, so the button's own visibility tells the layout).
      if (menu && button && button.getClientRects().length > 0 &&
          window.getComputedStyle(button).display !== "none") {
        event.preventDefault();
        button.focus();
      }
    });
  }
})();

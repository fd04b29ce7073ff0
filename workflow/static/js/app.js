// Progressive enhancement only: every page works without JavaScript (static/css/app.css shows
// the menu of a narrow screen open, and the top bar's menus are <details>).
// Loaded with `defer`: it runs once the page is parsed.
document.documentElement.classList.add("js");

(() => {
  const toggler = document.querySelector("[data-nav-toggle]");
  const nav = document.getElementById("nav");
  if (toggler && nav) {
    toggler.addEventListener("click", () => {
      const open = nav.classList.toggle("show");
      toggler.setAttribute("aria-expanded", String(open));
    });
  }

  // One menu open at a time; Escape, a click elsewhere or leaving it by Tab closes it.
  const menus = [...document.querySelectorAll("details.nav-menu")];
  const closeOthers = (keep) => menus.forEach((menu) => {
    if (menu !== keep) menu.open = false;
  });
  menus.forEach((menu) => {
    menu.addEventListener("toggle", () => { if (menu.open) closeOthers(menu); });
    menu.addEventListener("focusout", (event) => {
      if (event.relatedTarget && !menu.contains(event.relatedTarget)) menu.open = false;
    });
  });
  document.addEventListener("click", (event) => {
    menus.forEach((menu) => { if (!menu.contains(event.target)) menu.open = false; });
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    const open = menus.find((menu) => menu.open);
    if (open) {
      open.open = false;
      open.querySelector("summary").focus();
    }
  });
})();

// A form's conditional fields (templates/application_forms/_fields.html): shown only while
// the field they depend on holds one of their values. The server keeps the same rule, so
// without JavaScript they stay visible and say when they apply.
(() => {
  const dependents = [...document.querySelectorAll("[data-show-if]")];
  if (!dependents.length) return;
  const update = () => dependents.forEach((box) => {
    const source = document.querySelector(`[name="${box.dataset.showIf}"]`);
    if (!source) return;
    const shown = box.dataset.showValues.split("|").includes(source.value);
    box.hidden = !shown;
  });
  document.addEventListener("change", update);
  update();
})();

// The form builder's field editor: only the settings of the kind chosen are shown (the
// server ignores the others); without JavaScript every group stays visible.
(() => {
  const kind = document.querySelector("select[name=kind]");
  const groups = [...document.querySelectorAll("[data-for-kinds]")];
  if (!kind || !groups.length) return;
  const update = () => groups.forEach((group) => {
    group.hidden = !group.dataset.forKinds.split(" ").includes(kind.value);
  });
  kind.addEventListener("change", update);
  update();
})();

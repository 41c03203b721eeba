// Type-ahead of Italian comuni for the anagrafica forms (no inline script: CSP).
// The form carries data-comuni-url; the list (name, province sigla) is fetched once.
// Choosing "Roma (RM)" fills Città with Roma and Provincia with RM. Abroad (Nazione
// not Italia) the fields are free text. The server checks everything again.
(function () {
  "use strict";
  var form = document.querySelector("form[data-comuni-url]");
  var list = document.getElementById("comuni-list");
  if (!form || !list) { return; }
  var city = form.querySelector("input[name=city]");
  var province = form.querySelector("input[name=province]");
  var nation = form.querySelector("select[name=nation]");
  if (!city || !province) { return; }
  var comuni = null;
  var loading = false;
  var MAX = 30;

  function italy() { return !nation || nation.value === "IT"; }

  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function load() {
    if (comuni || loading) { return; }
    loading = true;
    fetch(form.getAttribute("data-comuni-url"), { credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        comuni = data.comuni.map(function (c) { return { name: c[0], province: c[1], key: fold(c[0]) }; });
        suggest();
      })
      .catch(function () { loading = false; });
  }

  function suggest() {
    list.textContent = "";
    if (!comuni || !italy()) { return; }
    var typed = fold(city.value.trim());
    if (typed.length < 2) { return; }
    var shown = 0;
    for (var i = 0; i < comuni.length && shown < MAX; i++) {
      if (comuni[i].key.indexOf(typed) === 0) {
        var option = document.createElement("option");
        option.value = comuni[i].name + " (" + comuni[i].province + ")";
        list.appendChild(option);
        shown++;
      }
    }
  }

  function picked() {
    var match = /^(.+?)\s*\(([A-Za-z]{2})\)$/.exec(city.value.trim());
    if (match && italy()) {
      city.value = match[1];
      province.value = match[2].toUpperCase();
    }
  }

  function applyNation() {
    if (italy()) {
      city.setAttribute("list", "comuni-list");
      province.setAttribute("maxlength", "2");
    } else {
      city.removeAttribute("list");
      province.removeAttribute("maxlength");
      list.textContent = "";
    }
  }

  city.addEventListener("focus", function () { if (italy()) { load(); } });
  city.addEventListener("input", function () { picked(); suggest(); });
  city.addEventListener("change", picked);
  if (nation) { nation.addEventListener("change", applyNation); }
  applyNation();
}());

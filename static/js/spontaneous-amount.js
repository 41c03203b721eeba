// Inserimento spontaneo: show the amount as the payer fills the form. Only a preview:
// the server recomputes the amount on Salva and ignores anything the browser sends.
// Reads the rule from the form's data-amount-* attributes (no inline script: CSP).
(function () {
  "use strict";
  var form = document.getElementById("spontaneous-form");
  var output = document.getElementById("amount-preview");
  if (!form || !output) { return; }
  var data = form.dataset;
  var rule = data.amountRule;
  if (rule === "fixed") { return; }
  var field = form.elements.namedItem(data.amountField);
  if (!field) { return; }
  var euro = new Intl.NumberFormat("it-IT", { style: "currency", currency: "EUR" });
  var prices = data.amountPrices ? JSON.parse(data.amountPrices) : {};
  var unitCents = parseInt(data.amountUnitCents || "0", 10);

  function parseNumber(text) {
    text = String(text || "").trim().replace(/\s/g, "");
    if (text.indexOf(",") !== -1) { text = text.replace(/\./g, "").replace(",", "."); }
    if (!/^[0-9]+(\.[0-9]{1,2})?$/.test(text)) { return null; }
    return parseFloat(text);
  }

  function cents() {
    if (rule === "unit_price") {
      var quantity = parseNumber(field.value);
      if (quantity === null || (data.amountWhole === "1" && quantity % 1 !== 0)) { return null; }
      return Math.round(quantity * unitCents);
    }
    if (rule === "choice_price") {
      return Object.prototype.hasOwnProperty.call(prices, field.value) ? prices[field.value] : null;
    }
    var amount = parseNumber(field.value);  // range: the payer types the amount
    return amount === null ? null : Math.round(amount * 100);
  }

  function show() {
    var value = cents();
    output.textContent = value === null || value <= 0 ? "—" : euro.format(value / 100);
  }

  field.addEventListener("input", show);
  field.addEventListener("change", show);
  show();
})();

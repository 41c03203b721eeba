// Posts the SAML message forms on arrival (the button stays for browsers without script).
document.querySelectorAll("form[data-autosubmit]").forEach((form) => form.submit());

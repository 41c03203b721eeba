/* Starts Swagger UI on the API's schema (templates/api/docs.html): a static file, so the
   page needs no inline script under the portal's Content-Security-Policy. */
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({
    url: node.dataset.openapiUrl,
    domNode: node,
    // Off: with it each path is a link inside the operation's toggle button (nested controls).
    deepLinking: false,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    // No call to the public validator service: nothing leaves for third parties.
    validatorUrl: null,
  });
})();

// Starts Swagger UI on /api/docs. A file of its own, not an inline script, so the page's
// Content-Security-Policy can allow scripts from this origin only.
(function () {
  var root = document.getElementById('swagger-ui');
  window.ui = SwaggerUIBundle({
    url: root.getAttribute('data-spec-url'),
    domNode: root,
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    deepLinking: true,
    // Swagger UI would otherwise send the document to validator.swagger.io (and fail offline).
    validatorUrl: null,
    displayRequestDuration: true,
    filter: true,
  });
})();

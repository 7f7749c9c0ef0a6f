// Bootstrap for the GraphiQL playground. It lives in a file served from our
// own origin, not inline in the page, so the CSP can forbid inline scripts.
// The server writes the settings into <script type="application/json"
// id="playground-config">, which is data and never executed.
(function () {
  'use strict';

  var container = document.getElementById('graphiql');
  var config = JSON.parse(
    document.getElementById('playground-config').textContent,
  );

  var props = {
    fetcher: GraphiQL.createFetcher({ url: config.endpoint }),
  };
  // Leave GraphiQL's own welcome text when no default query is configured.
  if (config.defaultQuery) {
    props.defaultQuery = config.defaultQuery;
  }
  if (config.headers) {
    props.defaultHeaders = config.headers;
    // Open the headers tab so the preset headers are visible.
    props.defaultEditorToolsVisibility = 'headers';
  }

  ReactDOM.createRoot(container).render(React.createElement(GraphiQL, props));
})();

//! GraphiQL for admins, with its scripts served by the binary (no CDN).

use actix_web::{HttpResponse, web};

const INDEX: &str = r#"<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>cemr-api · GraphiQL</title>
  <link rel="stylesheet" href="/graphiql/assets/graphiql.min.css">
  <link rel="icon" href="/insights/icon.svg" type="image/svg+xml">
  <style>body { margin: 0; height: 100vh; } #graphiql { height: 100vh; }</style>
</head>
<body>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphiql/assets/react.production.min.js"></script>
  <script src="/graphiql/assets/react-dom.production.min.js"></script>
  <script src="/graphiql/assets/graphiql.min.js"></script>
  <script src="/graphiql/assets/graphql-ws.min.js"></script>
  <script src="/graphiql/assets/start.js"></script>
</body>
</html>
"#;

const START: &str = r#"const defaultQuery = `# Welcome to cemr-api, the register of the CEMR equality charter in Sweden.
#
# Authenticated calls: open "Headers" below and send
#   {"Authorization": "Bearer <your token>"}
# Reads of the public register need no token.

query FirstLook {
  counties {
    code
    name
    countyBoard { name }
    region { code name }
  }
  organisations(filter: { nameContains: "örebro" }, first: 5) {
    totalCount
    edges { node { code name kind county { name } } }
  }
  charterArticles { number title part }
  supportProgrammes { code name startYear endYear }
}
`;
// Subscriptions run over the graphql-transport-ws protocol on the same path.
const socketUrl = window.location.origin.replace(/^http/, 'ws') + '/graphql';
const fetcher = GraphiQL.createFetcher({
  url: window.location.origin + '/graphql',
  wsClient: graphqlWs.createClient({ url: socketUrl, lazy: true }),
});
ReactDOM.createRoot(document.getElementById('graphiql')).render(
  React.createElement(GraphiQL, {
    fetcher,
    defaultQuery,
    defaultEditorToolsVisibility: true,
    shouldPersistHeaders: false,
  }),
);
"#;

/// `GET /graphiql`.
pub async fn page() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(INDEX)
}

/// `GET /graphiql/assets/{file}`: the vendored scripts and stylesheet.
pub async fn asset(file: web::Path<String>) -> HttpResponse {
    let (body, content_type): (&'static [u8], &str) = match file.as_str() {
        "graphiql.min.js" => (
            include_bytes!("../../assets/vendor/graphiql/graphiql.min.js"),
            "text/javascript",
        ),
        "graphiql.min.css" => (
            include_bytes!("../../assets/vendor/graphiql/graphiql.min.css"),
            "text/css",
        ),
        "react.production.min.js" => (
            include_bytes!("../../assets/vendor/graphiql/react.production.min.js"),
            "text/javascript",
        ),
        "react-dom.production.min.js" => (
            include_bytes!("../../assets/vendor/graphiql/react-dom.production.min.js"),
            "text/javascript",
        ),
        "graphql-ws.min.js" => (
            include_bytes!("../../assets/vendor/graphiql/graphql-ws.min.js"),
            "text/javascript",
        ),
        "start.js" => (START.as_bytes(), "text/javascript"),
        _ => return crate::http::not_found::response("no such GraphiQL asset"),
    };
    HttpResponse::Ok()
        .content_type(format!("{content_type}; charset=utf-8"))
        .insert_header(("cache-control", "public, max-age=86400"))
        .body(body)
}

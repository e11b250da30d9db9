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
  <style>
    body { margin: 0; height: 100vh; display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
    #session { display: flex; gap: .5rem; align-items: center; padding: .4rem .8rem; border-bottom: 1px solid #ccc; font-size: .9rem; }
    #session form { display: flex; gap: .5rem; align-items: center; margin: 0; }
    #session [hidden] { display: none; }
    #graphiql { flex: 1; min-height: 0; }
  </style>
</head>
<body>
  <header id="session">
    <form id="sign-in" autocomplete="on">
      <label>Email <input name="email" type="email" autocomplete="username" required></label>
      <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
      <button type="submit">Sign in</button>
    </form>
    <span id="signed-in" hidden>Signed in as <strong id="who"></strong>
      <button type="button" id="sign-out">Sign out</button></span>
    <span id="session-message" role="status"></span>
  </header>
  <div id="graphiql">Loading GraphiQL…</div>
  <script src="/graphiql/assets/react.production.min.js"></script>
  <script src="/graphiql/assets/react-dom.production.min.js"></script>
  <script src="/graphiql/assets/graphiql.min.js"></script>
  <script src="/graphiql/assets/graphql-ws.min.js"></script>
  <script src="/graphiql/assets/start.js"></script>
</body>
</html>
"#;

/// The page's script: GraphiQL with a sign-in. The token lives in this page's memory
/// only (never in storage, so closing the tab signs out) and is renewed a minute before
/// it expires; signing in or out gives GraphiQL a new fetcher, so it reloads the schema
/// (an administrator may see it where introspection is off for the public).
const START: &str = r#"const defaultQuery = `# Welcome to cemr-api, the register of the CEMR equality charter in Sweden.
#
# Reads of the public register need no token; sign in above to write.

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
const endpoint = window.location.origin + '/graphql';
// Subscriptions run over the graphql-transport-ws protocol on the same path.
const socketUrl = window.location.origin.replace(/^http/, 'ws') + '/graphql';
const session = { token: null, timer: null, socket: null };
const root = ReactDOM.createRoot(document.getElementById('graphiql'));
const $ = (id) => document.getElementById(id);

function render() {
  // A new socket client per sign-in or sign-out: connection_init carries the token.
  if (session.socket) session.socket.dispose();
  session.socket = graphqlWs.createClient({
    url: socketUrl,
    lazy: true,
    // Read at each (re)connection, so a renewed token is the one sent.
    connectionParams: () => (session.token ? { Authorization: 'Bearer ' + session.token } : {}),
  });
  const fetcher = GraphiQL.createFetcher({
    url: endpoint,
    wsClient: session.socket,
    fetch: (input, init) => {
      const headers = Object.assign({}, init && init.headers);
      if (session.token) headers.Authorization = 'Bearer ' + session.token;
      return window.fetch(input, Object.assign({}, init, { headers }));
    },
  });
  root.render(React.createElement(GraphiQL, {
    fetcher,
    defaultQuery,
    defaultEditorToolsVisibility: true,
    shouldPersistHeaders: false,
  }));
}

async function call(query, variables) {
  const headers = { 'Content-Type': 'application/json' };
  if (session.token) headers.Authorization = 'Bearer ' + session.token;
  const response = await window.fetch(endpoint, {
    method: 'POST', headers, body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors && body.errors.length) throw new Error(body.errors[0].message);
  return body.data;
}

function keep(token, expiresAt) {
  session.token = token;
  clearTimeout(session.timer);
  const wait = Math.max(5, expiresAt - Date.now() / 1000 - 60) * 1000;
  session.timer = setTimeout(renew, wait);
}

async function renew() {
  try {
    const data = await call('mutation Renew { renewAccessToken { accessToken expiresAt } }');
    keep(data.renewAccessToken.accessToken, data.renewAccessToken.expiresAt);
  } catch (error) {
    signOut('Signed out: ' + error.message);
  }
}

function signOut(message) {
  clearTimeout(session.timer);
  session.token = null;
  $('sign-in').hidden = false;
  $('signed-in').hidden = true;
  $('session-message').textContent = message || '';
  render();
}

$('sign-in').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target;
  $('session-message').textContent = 'Signing in…';
  try {
    const data = await call(
      'mutation SignIn($email: String!, $password: String!) { login(email: $email, password: $password) { accessToken expiresAt account { email role organisation { code } } } }',
      { email: form.email.value, password: form.password.value },
    );
    const login = data.login;
    keep(login.accessToken, login.expiresAt);
    const account = login.account;
    $('who').textContent = account.email + ' (' + account.role
      + (account.organisation ? ', ' + account.organisation.code : '') + ')';
    form.password.value = '';
    $('sign-in').hidden = true;
    $('signed-in').hidden = false;
    $('session-message').textContent = '';
    render();
  } catch (error) {
    form.password.value = '';
    $('session-message').textContent = error.message;
  }
});
$('sign-out').addEventListener('click', () => signOut('Signed out.'));
render();
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

// Test only: a real OpenID Connect provider on loopback for Caja's SSO tests (caja/tests/oidc.py).
//
// panva's oidc-provider (OpenID Certified) with a small login form of our own, users and their claims
// read from a JSON file on every request (a test edits it: a user leaves a group), and one test knob:
// with {"rogue_jwks": true} in the mode file the JWKS endpoint publishes another key under the same
// kid, so ID tokens are signed with a key that is not in the provider's JWKS (a tampered ID token).
//
//   node server.mjs <port> <state dir> <client id> <client secret> <redirect uri>[,<redirect uri>...]
//
// <state dir>/users.json: {"<username>": {"password", "email", "email_verified", "groups", "name"}}
// <state dir>/mode.json: {"rogue_jwks": false}
import { readFileSync } from "node:fs";
import http from "node:http";
import path from "node:path";
import { exportJWK, generateKeyPair } from "jose";
import Provider from "oidc-provider";

const [port, stateDir, clientId, clientSecret, redirectUris] = process.argv.slice(2);
const issuer = `http://127.0.0.1:${port}`;

function readJson(name, fallback) {
  try {
    return JSON.parse(readFileSync(path.join(stateDir, name), "utf8"));
  } catch {
    return fallback;
  }
}

async function rsaJwk(kid) {
  const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
  return {
    private: { ...(await exportJWK(privateKey)), kid, alg: "RS256", use: "sig" },
    public: { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" },
  };
}

const signing = await rsaJwk("caja-test-op");
const rogue = await rsaJwk("caja-test-op");

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: clientId,
      client_secret: clientSecret,
      redirect_uris: redirectUris.split(","),
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
    },
  ],
  jwks: { keys: [signing.private] },
  pkce: { required: () => true },
  scopes: ["openid", "email", "profile", "groups"],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "preferred_username"],
    groups: ["groups"],
  },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: ["caja-test-op-cookie-key"] },
  async findAccount(_ctx, sub) {
    const user = readJson("users.json", {})[sub];
    if (!user) return undefined;
    return {
      accountId: sub,
      async claims() {
        return {
          sub,
          email: user.email,
          email_verified: user.email_verified,
          name: user.name,
          preferred_username: sub,
          groups: user.groups,
        };
      },
    };
  },
});
provider.on("server_error", (_ctx, error) => console.error("oidc-provider server_error", error));

const escapeHtml = (text) =>
  String(text).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c],
  );

function loginPage(res, uid, error) {
  res.writeHead(error ? 401 : 200, {
    "Content-Type": "text/html; charset=utf-8",
    "Cache-Control": "no-store",
  });
  res.end(`<!doctype html><html lang="en"><head><title>Test identity provider</title></head><body>
<main><h1>Test identity provider: sign in</h1>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/interaction/${escapeHtml(uid)}/login">
<label>Username <input name="username" autocomplete="username" required></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Sign in to the provider</button>
</form></main></body></html>`);
}

async function readForm(req) {
  let body = "";
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

// Consent is implied for this one first-party client: grant what was asked.
async function grantFor(accountId, params, grantId) {
  const grant = grantId
    ? await provider.Grant.find(grantId)
    : new provider.Grant({ accountId, clientId: params.client_id });
  grant.addOIDCScope(params.scope);
  return grant.save();
}

async function interaction(req, res, uid, action) {
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error("interaction mismatch");
  if (details.prompt.name === "consent") {
    const grantId = await grantFor(details.session.accountId, details.params, details.grantId);
    return provider.interactionFinished(
      req,
      res,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
  }
  if (action !== "login") return loginPage(res, uid);
  const form = await readForm(req);
  const username = form.get("username") || "";
  const user = readJson("users.json", {})[username];
  if (!user || user.password !== form.get("password"))
    return loginPage(res, uid, "Wrong username or password.");
  const grantId = await grantFor(username, details.params, details.grantId);
  return provider.interactionFinished(
    req,
    res,
    { login: { accountId: username }, consent: { grantId } },
    { mergeWithLastSubmission: false },
  );
}

const handle = provider.callback();
const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url, issuer);
    const match = url.pathname.match(/^\/interaction\/([^/]+)(?:\/(login))?$/);
    if (match) return await interaction(req, res, match[1], req.method === "POST" ? match[2] : undefined);
    if (url.pathname === "/jwks" && readJson("mode.json", {}).rogue_jwks) {
      res.writeHead(200, { "Content-Type": "application/jwk-set+json" });
      return res.end(JSON.stringify({ keys: [rogue.public] }));
    }
    return handle(req, res);
  } catch (error) {
    console.error(error);
    res.writeHead(500, { "Content-Type": "text/plain" });
    res.end(String(error));
  }
});
server.listen(Number(port), "127.0.0.1", () => console.log(`oidc-op ready ${issuer}`));

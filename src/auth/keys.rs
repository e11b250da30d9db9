//! Verifying and issuing JWTs with an explicit algorithm allow-list. Keys come only from
//! configuration (a secret, a PEM file, a JWKS file): a token's `kid`, `jku` or `x5u`
//! can never point anywhere else.

use crate::auth::Role;
use crate::config::{AuthSettings, Environment};
use anyhow::{Context, bail};
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode,
};
use serde::{Deserialize, Serialize};

/// The smallest HS256 secret accepted, in bytes.
pub const MIN_SECRET_BYTES: usize = 32;

/// The claims this service reads and writes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub sub: String,
    pub role: String,
    /// The organisation code; required for MEMBER.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub org: Option<String>,
    pub exp: i64,
    pub iat: i64,
    /// When the session began (the password was checked; OpenID Connect's claim):
    /// renewals keep it, so a session cannot be stretched past its maximum age.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_time: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aud: Option<String>,
}

/// A verified token's identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedClaims {
    pub sub: String,
    pub role: Role,
    pub org: Option<String>,
    /// When the session began: `auth_time`, or `iat` for a token without it.
    pub session_started: Option<i64>,
}

/// A public key of an identity provider.
struct PublicKey {
    kid: Option<String>,
    algorithm: Algorithm,
    key: DecodingKey,
}

/// The configured keys and rules.
pub struct Keys {
    secret: Option<(EncodingKey, DecodingKey)>,
    public: Vec<PublicKey>,
    algorithms: Vec<Algorithm>,
    issuer: Option<String>,
    audience: Option<String>,
    leeway: u64,
    ttl_secs: u64,
}

/// Why a token was refused. The message is safe to show; it never echoes the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRejected(pub String);

fn parse_algorithm(name: &str) -> anyhow::Result<Algorithm> {
    match name.trim().to_ascii_uppercase().as_str() {
        "HS256" => Ok(Algorithm::HS256),
        "RS256" => Ok(Algorithm::RS256),
        "ES256" => Ok(Algorithm::ES256),
        other => bail!("JWT_ALGORITHMS: {other} is not supported (HS256, RS256, ES256)"),
    }
}

impl Keys {
    /// Reads the configuration; refuses to start on a weak secret, and in production
    /// without any key.
    pub fn from_settings(settings: &AuthSettings) -> anyhow::Result<Self> {
        let secret = match (&settings.jwt_secret, settings.environment) {
            (Some(secret), _) if secret.len() < MIN_SECRET_BYTES => bail!(
                "JWT_SECRET is too weak: {} bytes, at least {MIN_SECRET_BYTES} random bytes are required \
                 (e.g. `openssl rand -base64 48`)",
                secret.len()
            ),
            (Some(secret), _) => Some(secret.as_bytes().to_vec()),
            (None, Environment::Development) => {
                let mut bytes = [0u8; 48];
                getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no randomness: {e}"))?;
                tracing::warn!(
                    "DEVELOPMENT MODE: no JWT_SECRET configured; generated a throw-away signing secret. \
                     Tokens stop working when this process stops and replicas cannot share them. \
                     Set JWT_SECRET and APP_ENV=production for a real installation."
                );
                Some(bytes.to_vec())
            }
            (None, Environment::Production) => None,
        };
        let mut public = Vec::new();
        if let Some(path) = &settings.jwt_public_key_file {
            let pem = std::fs::read(path)
                .with_context(|| format!("JWT_PUBLIC_KEY_FILE {}", path.display()))?;
            let key = DecodingKey::from_rsa_pem(&pem)
                .map(|k| (Algorithm::RS256, k))
                .or_else(|_| DecodingKey::from_ec_pem(&pem).map(|k| (Algorithm::ES256, k)))
                .with_context(|| {
                    format!(
                        "{} is neither an RSA nor an EC public key in PEM",
                        path.display()
                    )
                })?;
            public.push(PublicKey {
                kid: None,
                algorithm: key.0,
                key: key.1,
            });
        }
        if let Some(path) = &settings.jwt_jwks_file {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("JWT_JWKS_FILE {}", path.display()))?;
            let set: JwkSet = serde_json::from_str(&text)
                .with_context(|| format!("{} is not a JWKS", path.display()))?;
            for jwk in &set.keys {
                let key = DecodingKey::from_jwk(jwk).with_context(|| "unusable key in JWKS")?;
                let algorithm = match key.family() {
                    jsonwebtoken::AlgorithmFamily::Rsa => Algorithm::RS256,
                    jsonwebtoken::AlgorithmFamily::Ec => Algorithm::ES256,
                    _ => continue,
                };
                public.push(PublicKey {
                    kid: jwk.common.key_id.clone(),
                    algorithm,
                    key,
                });
            }
        }
        if secret.is_none() && public.is_empty() {
            bail!(
                "APP_ENV=production needs JWT_SECRET (at least {MIN_SECRET_BYTES} bytes) or an identity provider's \
                 key (JWT_PUBLIC_KEY_FILE or JWT_JWKS_FILE)"
            );
        }
        let algorithms = if settings.jwt_algorithms.is_empty() {
            let mut algorithms = Vec::new();
            if secret.is_some() {
                algorithms.push(Algorithm::HS256);
            }
            for key in &public {
                if !algorithms.contains(&key.algorithm) {
                    algorithms.push(key.algorithm);
                }
            }
            algorithms
        } else {
            settings
                .jwt_algorithms
                .iter()
                .map(|a| parse_algorithm(a))
                .collect::<anyhow::Result<_>>()?
        };
        Ok(Self {
            secret: secret.map(|s| (EncodingKey::from_secret(&s), DecodingKey::from_secret(&s))),
            public,
            algorithms,
            issuer: settings.jwt_issuer.clone(),
            audience: settings.jwt_audience.clone(),
            leeway: settings.jwt_leeway_secs,
            ttl_secs: settings.access_token_ttl_secs,
        })
    }

    /// How long issued access tokens live.
    pub fn ttl_secs(&self) -> u64 {
        self.ttl_secs
    }

    /// Issues an HS256 access token for a session that begins now.
    pub fn issue(&self, sub: &str, role: Role, org: Option<&str>) -> anyhow::Result<(String, i64)> {
        let now = chrono::Utc::now().timestamp();
        self.issue_within(sub, role, org, now, i64::MAX)
    }

    /// Issues an HS256 access token of a session that began at `session_started`,
    /// expiring after the usual lifetime but never after `not_after`.
    pub fn issue_within(
        &self,
        sub: &str,
        role: Role,
        org: Option<&str>,
        session_started: i64,
        not_after: i64,
    ) -> anyhow::Result<(String, i64)> {
        let (encoding, _) = self
            .secret
            .as_ref()
            .context("no signing secret is configured")?;
        let now = chrono::Utc::now().timestamp();
        let exp = (now + i64::try_from(self.ttl_secs).unwrap_or(900)).min(not_after);
        let claims = Claims {
            sub: sub.to_owned(),
            role: role.as_str().to_owned(),
            org: org.map(str::to_owned),
            exp,
            iat: now,
            auth_time: Some(session_started),
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
        };
        Ok((
            encode(&Header::new(Algorithm::HS256), &claims, encoding)?,
            exp,
        ))
    }

    /// Verifies a token: allowed algorithm, a configured key of that algorithm, valid
    /// signature, `exp` (required), `nbf`, and `iss`/`aud` when configured.
    pub fn verify(&self, token: &str) -> Result<VerifiedClaims, TokenRejected> {
        let reject = |why: &str| TokenRejected(why.to_owned());
        let header = decode_header(token).map_err(|_| reject("the token is malformed"))?;
        if !self.algorithms.contains(&header.alg) {
            return Err(reject("the token's algorithm is not accepted"));
        }
        let key = match header.alg {
            Algorithm::HS256 => self.secret.as_ref().map(|(_, decoding)| decoding),
            alg => {
                let candidates: Vec<&PublicKey> =
                    self.public.iter().filter(|k| k.algorithm == alg).collect();
                match &header.kid {
                    Some(kid) => candidates
                        .into_iter()
                        .find(|k| k.kid.as_deref() == Some(kid.as_str()))
                        .map(|k| &k.key),
                    None if candidates.len() == 1 => candidates.first().map(|k| &k.key),
                    None => None,
                }
            }
        }
        .ok_or_else(|| reject("no configured key matches the token"))?;
        let mut validation = Validation::new(header.alg);
        validation.leeway = self.leeway;
        validation.validate_nbf = true;
        let mut required = vec!["exp", "sub"];
        match &self.issuer {
            Some(issuer) => {
                validation.set_issuer(&[issuer]);
                required.push("iss");
            }
            None => validation.iss = None,
        }
        match &self.audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                required.push("aud");
            }
            None => validation.validate_aud = false,
        }
        validation.set_required_spec_claims(&required);
        #[derive(Deserialize)]
        struct Identity {
            sub: String,
            role: String,
            #[serde(default)]
            org: Option<String>,
            #[serde(default)]
            iat: Option<i64>,
            #[serde(default)]
            auth_time: Option<i64>,
        }
        let data = decode::<Identity>(token, key, &validation).map_err(|e| {
            use jsonwebtoken::errors::ErrorKind;
            match e.kind() {
                ErrorKind::ExpiredSignature => reject("the token has expired"),
                ErrorKind::ImmatureSignature => reject("the token is not valid yet"),
                ErrorKind::InvalidIssuer => reject("the token's issuer is not accepted"),
                ErrorKind::InvalidAudience => reject("the token's audience is not accepted"),
                ErrorKind::InvalidSignature => reject("the token's signature is invalid"),
                ErrorKind::MissingRequiredClaim(claim) => {
                    TokenRejected(format!("the token has no `{claim}`"))
                }
                _ => reject("the token is invalid"),
            }
        })?;
        let role = Role::from_stored(&data.claims.role)
            .ok_or_else(|| reject("the token's role is unknown"))?;
        if role == Role::Member && data.claims.org.as_deref().is_none_or(str::is_empty) {
            return Err(reject("a MEMBER token must name its organisation (`org`)"));
        }
        Ok(VerifiedClaims {
            sub: data.claims.sub,
            role,
            org: data.claims.org,
            session_started: data.claims.auth_time.or(data.claims.iat),
        })
    }
}

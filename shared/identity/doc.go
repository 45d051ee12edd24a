// Package identity is what the auth and authorizer functions share about who a caller is: access
// tokens (issuing and verifying JWTs), the principal a function reads from the gateway, scopes, and
// password hashing.
//
// # Tokens
//
// The auth function issues access tokens (RFC 9068 shape, typ at+jwt) signed with Ed25519 (EdDSA)
// by default or RSA (RS256): the algorithm follows the configured key. Claims: iss, aud, sub (the
// user id), exp (15 minutes by default, at most 60: a stolen token is short-lived, and there is no
// revocation list), nbf, iat, jti, scope (space-separated), client_id and customer_id when the
// account is linked to a customer. The header's kid is the key's RFC 7638 thumbprint, so the auth
// function and the authorizer derive the same kid from the same key and a rotated key gets a new kid
// without configuration.
//
// The authorizer verifies tokens from any TrustedIssuer: our own (keys from configuration or an OCI
// Vault secret) and external OpenID Connect issuers such as an OCI IAM Identity Domain (keys from
// their JWKS, cached, refetched on an unknown kid; see JWKS). Every token is checked for signature,
// algorithm (allow-list EdDSA and RS256, and the algorithm must fit the key's type, so "none", HS256
// signed with a public key and similar confusions fail), iss, aud, exp (required), nbf and iat with
// at most MaxClockSkew of leeway.
//
// Library: github.com/go-jose/go-jose/v4. It parses JWS only against an explicit algorithm
// allow-list (the API cannot be called without one), covers JWK and JWK Sets, RFC 7638 thumbprints,
// EdDSA and RS256 in one maintained module with no further dependencies, and was already in the
// shared module's dependency graph. golang-jwt/jwt/v5 was the alternative: equally sound for JWTs,
// but it has no JWK support, so the JWKS side would have been hand-written or a third module.
//
// # Scopes
//
// Scopes are levels: customer < staff < admin. A token carries its level and every level below it
// (an admin token has "customer staff admin"), so a route's declared scope is the minimum level and
// the gateway's any-of match works unchanged. "customer" therefore means "any signed-in account";
// functions serving customer routes act on the caller's own customer record only.
//
// # Principal
//
// Behind the gateway a function learns the caller from the headers the gateway sets and strips from
// client requests (web.PrincipalHeader, web.ScopesHeader); see FromRequest. Local accounts
// are "user:<id>", external subjects "oidc:<sub>", so an external subject can never be taken for a
// local account.
//
// # Passwords
//
// New hashes are argon2id in PHC string format; bcrypt hashes (the seed's) are verified too and
// reported as needing a rehash. See HashPassword.
package identity

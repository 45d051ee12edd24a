// Package security is what every function does about attacks: it detects them in requests, records
// security events, writes the audit log of staff and admin writes, and sets the security and CORS
// headers of every response. package boot wraps every function's router in Guard.Middleware.
//
// # Detection
//
// The Guard inspects the path (decoded, and as sent, for double encoding) and the query's names and
// values before the router runs, and the strings of a JSON body (values and object keys, nested at
// any depth) when the handler decodes it. Bodies are inspected through web.Decode's Inspector hook,
// not by a middleware reading the body ahead of the router: only the router knows the route's body
// limit (it applies http.MaxBytesReader), so the body is read once, within that limit, and what the
// decoder refuses (too large, malformed, unknown or wrongly typed fields) is recorded with the
// decoder's own verdict instead of a second parser's guess. A handler that reads a body without
// web.Decode is therefore not inspected; every handler decodes through it.
//
// A request carrying an attack is answered 400 invalid_request, before the handler sees it; a body
// over the limit is 413, and malformed or over-posted bodies are the decoder's 400. What matches is
// named by the first rule of detect.go: SQL injection, XSS, path traversal or command injection.
//
// # False positives
//
// A customer must never be refused for what they wrote. The defence against injection is structural
// (every statement binds its values, every answer is JSON with HTML escaped, no input names a file,
// no shell is ever run), so detection exists to see attacks and stop them early, and its rules are
// written to match code, never prose:
//
//   - No single character or word matches: not ', ", #, --, ;, <, & or %, and not select, drop,
//     union, script, cat or curl. "O'Brien", "drop-in replacement, select the 5 inch props", "Apt #4
//     -- ring twice" and "<3" pass.
//   - SQL needs its syntax: a quote closed then OR/AND and a comparison (' OR '1'='1), equal numbers
//     compared after OR/AND (OR 1=1), UNION SELECT, a statement after ';' with its own syntax
//     (; DROP TABLE, ; DELETE FROM t WHERE, ; UPDATE t SET c =), a quote followed by a comment at the
//     end, comments hiding keywords (UNION/**/SELECT), delay functions with a number (sleep(5),
//     benchmark(1000,...), WAITFOR DELAY '...'), or catalog names no prose contains.
//   - XSS needs a tag or a script URI: <script, an on...= attribute inside a tag, javascript: followed
//     by code, dangerous tags (<iframe, <svg, ...), DOM sinks (document.cookie).
//   - Traversal needs ../ at the start or after a separator, or twice, encoded dots, or well-known
//     system files (/etc/passwd).
//   - Command injection needs a separator (; && || | & newline) followed by a command with the
//     arguments that make it one (rm -rf, cat /, curl http://, nc host port, sh -c), or $(command),
//     `command`, ${IFS}.
//
// Each value is tried as sent, percent-decoded once, HTML-unescaped once and without SQL comments.
// The benign corpus in detect_test.go pins this policy; a new rule must keep it passing.
//
// # Events
//
// Attacks the Guard finds, and events functions Report (IDOR, brute force, invalid tokens), are
// recorded three ways: a row in security_events, a span event "security_event" on the request's span
// (attack type, category, severity, endpoint, client address, payload, product, session, MITRE
// technique and tactic, OWASP category, details), and the octo.security.events metric by category.
// The row holds attack_type, severity, endpoint, method, source_ip (identity.ClientIP: the gateway's
// X-Real-IP), user agent, a payload excerpt (at most MaxPayload characters, control characters
// escaped), product_id and session_id when the request names them, trace_id and details JSON
// (category, mitre_technique, mitre_tactic, owasp_category, rule, location, field, ...).
//
// Recording is bounded and never fails the request. Rows are aggregated per source address, attack
// type and minute (a MERGE increments event_count), so a flood updates one row a minute per source
// and type instead of filling the table; the write has its own timeout (Config.RecordTimeout),
// detached from the request's deadline; a failed write (a missing table, a database down) is
// logged and the request answered as if it had succeeded.
//
// Every kind is stored as itself: attack_type is the kind (migration 0015 widened the CHECK for mass
// assignment, malformed and oversized bodies and invalid tokens, which were stored as "other" before),
// so each kind aggregates into its own row per source and minute.
//
// Invalid or tampered tokens are seen by the authorizer only, which runs without a database (it is on
// the path of every protected request, and API Gateway calls it with the token alone, without the
// client's address). Its events go to its span, the metric and its log, not to security_events; the
// gateway's answer to the client is its 401.
//
// # Rate limits
//
// Rate limits are per client IP and route, declared as rate in func.yaml (every public write declares
// one; declarations_test.go checks it). The local gateway enforces them (429 with Retry-After) and
// logs each refusal as a rate_limit security event; it has no database, so none is stored. OCI API
// Gateway has no per-route limit: Terraform declares the deployment-wide per-client limit
// (var.rate_limit), and the gateway's access and execution logs show its 429s.
//
// # Audit
//
// Audit writes a row of audit_logs (who, action, resource, details, client address, user agent,
// trace id) in the transaction of the staff or admin write it describes. It is an API, not a
// middleware: only the handler knows the resource and what changed.
//
// # Headers
//
// Every response carries X-Content-Type-Options: nosniff, X-Frame-Options: DENY, a
// Content-Security-Policy of default-src 'none' and frame-ancestors 'none' (the API serves JSON, never
// a page), Referrer-Policy: no-referrer and Strict-Transport-Security; responses to authenticated
// requests and every error carry Cache-Control: no-store. No CORS header ever: CORS has one owner, the
// API deployment's policy on OCI (Terraform var.cors) and the local gateway locally (package gateway,
// OCTO_CORS_ORIGINS), since a browser refuses an answer with two Access-Control-Allow-Origin values.
package security

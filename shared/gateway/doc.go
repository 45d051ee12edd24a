// Package gateway is the local stand-in for OCI API Gateway in front of OCI Functions (the
// octo-gateway command, `make run`). It reads the bundle's function declarations (package manifest),
// runs every function binary as separate processes under the real OCI Functions http-stream protocol
// (FN_FORMAT=http-stream, FN_LISTENER=unix:<dir>/lsnr.sock) and forwards each HTTP request the way API
// Gateway does: POST /call on the process's socket with Fn-Call-Id, Fn-Deadline (now + the function's
// timeout), Fn-Intent: httprequest, Fn-Http-Method, Fn-Http-Request-Url (path and query as received)
// and the client's headers as Fn-Http-H-<Name>; status and headers come back from Fn-Http-Status and
// Fn-Http-H-*.
//
// Routing matches method and path template as the functions' own routers do (net/http ServeMux
// patterns); like them it tolerates an API deployment prefix (/v1/api/products routes as
// /api/products and is forwarded unchanged). Unknown paths get a JSON 404, a wrong method a JSON 405
// with Allow. Gateway-made errors use the functions' body, {"error":{"code","message","request_id"}},
// plus bad_gateway (502, the function failed or died mid-call) and timeout (504).
//
// # Identity
//
// A route whose scope is not public is first sent to the bundle's authorizer function (the one
// declaring authorizer: true) as API Gateway's custom authorizer invokes it: a plain invocation (no
// Fn-Intent) of {"type":"USER_DEFINED","data":{"token":"<Authorization header>"}}. A request without
// Authorization, or an answer with active=false, gets 401 (WWW-Authenticate from wwwAuthenticate);
// a scope list without the route's scope gets 403. Otherwise the request is forwarded with
//
//	X-Octo-Principal: the authorizer's principal (its context "sub" when principal is empty)
//	X-Octo-Scopes:    the returned scopes, space-separated (OAuth style), e.g. "staff admin"
//
// A public route declaring auth: optional is forwarded like any public route, its Authorization
// header included and the principal headers stripped: the function verifies the token itself
// (security.Optional), as it must on OCI, where API Gateway does not populate request.auth on an
// ANONYMOUS route. The gateway never calls the authorizer for it.
//
// The gateway removes any client-sent copy of both headers on every route, public ones included, so
// a function may trust them. In OCI the deployment does the same with header_transformations
// (set_headers, if_exists OVERWRITE, values ${request.auth[sub]} and ${request.auth[scope]}), which is
// why the authorizer must also return context.sub and context.scope (space-separated). Until the bundle
// declares an authorizer, every protected route answers 401.
//
// # Client address
//
// X-Real-IP is set to the connecting client's address (a client-sent copy is dropped) and the address
// is appended to X-Forwarded-For. Functions should trust X-Real-IP, or only the last X-Forwarded-For
// entry: the earlier entries are whatever the client sent.
//
// # Tracing and request ids
//
// A well-formed X-Request-Id is kept, otherwise one is generated; it is forwarded and echoed. A request
// without a valid W3C traceparent gets a fresh one, so the function's spans and the gateway's request
// log line share a trace id; the log takes the trace id from the response's traceparent or X-Trace-Id
// when the function sets one.
//
// # Rate limits
//
// A route declaring rate {per_second: N} gets a token bucket of N tokens refilled at N per second, per
// client IP (key CLIENT_IP, the default) or for all clients together (key TOTAL), as API Gateway's
// rate-limiting policy; an empty bucket answers 429 rate_limited with Retry-After and logs a
// "security event" line (attack_type rate_limit, source_ip, route): the gateway has no database, so
// the event is not stored. Routes without a rate are not limited locally.
//
// # CORS preflights
//
// CORS has one owner, the gateway (on OCI, the API deployment's CORS policy); functions add none. With
// Config.CORSOrigins (OCTO_CORS_ORIGINS) an OPTIONS request with Origin and
// Access-Control-Request-Method for a declared route (the path with the requested method) is answered
// by the gateway itself, 204 for an allowed origin and 403 otherwise, without the authorizer, the rate
// limit or the function, as API Gateway does; every other answer to an allowed origin carries
// Access-Control-Allow-Origin once. Any other OPTIONS is a 405.
//
// # Scale-out
//
// Each process serves one call at a time. When all of a function's processes are busy another is
// started (a logged cold start) up to Config.MaxInstances; further callers queue for at most
// Config.QueueTimeout and then get 503 unavailable. Processes idle for the function's idle_timeout
// (or Config.IdleTimeout) are stopped, keeping one. A process that exits is replaced; its in-flight
// call gets 502. A call that outlives its Fn-Deadline gets 504 and its process is stopped, as its
// state is unknown. Concurrent requests therefore run in separate processes on one database file.
//
// # Schedules
//
// With Config.Schedules (OCTO_SCHEDULES=1) every function declaring a schedule is invoked at its cron
// times in its time zone with a plain POST of its body, as OCI Resource Scheduler does.
package gateway

import "github.com/octo-drone-shop/serverless/shared/web"

// Headers the gateway sets for functions, defined in package web so that functions read them without
// linking the gateway. Client-sent copies never reach a function.
const (
	PrincipalHeader    = web.PrincipalHeader
	ScopesHeader       = web.ScopesHeader
	RealIPHeader       = web.RealIPHeader
	ForwardedForHeader = web.ForwardedForHeader
)

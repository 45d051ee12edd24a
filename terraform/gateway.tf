locals {
  # The headers a function trusts for the caller's identity. The gateway sets them from the
  # authorizer's context (request.auth[...]) with OVERWRITE on protected routes, and strips them
  # (BLOCK) on every public route, so a client can never forge them. The local gateway
  # (shared/gateway) does the same.
  principal_headers = {
    "X-Octo-Principal" = "request.auth[sub]"
    "X-Octo-Scopes"    = "request.auth[scope]"
  }

  # Routes declaring auth: optional (the assistant's) are public routes here: ANONYMOUS, with the
  # principal headers BLOCKed like every public route. Oracle documents that an ANONYMOUS route does
  # not populate request.auth, so the gateway cannot vouch for their callers; the function verifies
  # the bearer token itself (security.Optional) with the authorizer's public keys (main.tf
  # token_config). ARCHITECTURE.md "Optional authentication on public routes".

  # "METHOD PATH" of every route whose principal headers are set from request.auth (the others block
  # them); shared/tfcheck compares it with the declarations.
  principal_routes = [
    for r in local.routes : "${r.method} ${r.path}"
    if r.scope != "public"
  ]
}

resource "oci_apigateway_gateway" "this" {
  compartment_id = var.compartment_ocid
  display_name   = "${var.name_prefix}-gateway"
  endpoint_type  = "PUBLIC"
  subnet_id      = var.gateway_subnet_ocid
  freeform_tags  = local.tags
}

resource "oci_apigateway_deployment" "this" {
  compartment_id = var.compartment_ocid
  gateway_id     = oci_apigateway_gateway.this.id
  display_name   = "${var.name_prefix}-api"
  path_prefix    = var.api_path_prefix
  freeform_tags  = local.tags

  specification {
    logging_policies {
      access_log {
        is_enabled = true
      }
      execution_log {
        is_enabled = true
        log_level  = var.execution_log_level
      }
    }

    request_policies {
      # The authorizer function (authorizer: true in its func.yaml) as a multi-argument custom
      # authorizer: it receives {"type":"USER_DEFINED","data":{"token":"Bearer ..."}}. Routes with
      # ANONYMOUS authorization (every public route, auth: optional ones included) stay reachable
      # without a token.
      dynamic "authentication" {
        for_each = local.authorizer_names
        content {
          type                        = "CUSTOM_AUTHENTICATION"
          function_id                 = oci_functions_function.this[authentication.value].id
          parameters                  = { token = "request.headers[Authorization]" }
          cache_key                   = ["token"]
          is_anonymous_access_allowed = true
        }
      }

      dynamic "cors" {
        for_each = length(var.cors.allowed_origins) > 0 ? [var.cors] : []
        content {
          allowed_origins              = cors.value.allowed_origins
          allowed_methods              = distinct([for r in local.routes : r.method])
          allowed_headers              = cors.value.allowed_headers
          exposed_headers              = ["X-Request-Id", "Retry-After"]
          is_allow_credentials_enabled = cors.value.allow_credentials
          max_age_in_seconds           = cors.value.max_age_seconds
        }
      }

      # API Gateway limits per deployment only (the service has no per-route rate): this limit applies
      # per client to every route; the routes' declared rates are emulated by the local gateway only.
      rate_limiting {
        rate_in_requests_per_second = var.rate_limit.per_second
        rate_key                    = var.rate_limit.key
      }
    }

    dynamic "routes" {
      for_each = local.routes
      content {
        path    = routes.value.path
        methods = [routes.value.method]

        backend {
          type        = "ORACLE_FUNCTIONS_BACKEND"
          function_id = oci_functions_function.this[routes.value.function].id
        }

        request_policies {
          # Without an authorizer there is no authentication policy, and every route is public
          # (precondition below): the route then needs no authorization policy either.
          dynamic "authorization" {
            # The route's grant (manifest Route.Grant): its permission when it declares one, else its
            # scope; the authorizer returns a staff token's permissions among its scopes.
            for_each = length(local.authorizer_names) > 0 ? [routes.value.permission != "" ? routes.value.permission : routes.value.scope] : []
            content {
              type          = authorization.value == "public" ? "ANONYMOUS" : "ANY_OF"
              allowed_scope = authorization.value == "public" ? null : [authorization.value]
            }
          }

          header_transformations {
            dynamic "filter_headers" {
              for_each = contains(local.principal_routes, "${routes.value.method} ${routes.value.path}") ? [] : [1]
              content {
                type = "BLOCK"
                dynamic "items" {
                  for_each = keys(local.principal_headers)
                  content {
                    name = items.value
                  }
                }
              }
            }
            dynamic "set_headers" {
              for_each = contains(local.principal_routes, "${routes.value.method} ${routes.value.path}") ? [1] : []
              content {
                dynamic "items" {
                  for_each = local.principal_headers
                  content {
                    name      = items.key
                    values    = ["$${${items.value}}"]
                    if_exists = "OVERWRITE"
                  }
                }
              }
            }
          }
        }
      }
    }

    # The web clients' files from their bucket (web.tf): GET only, anonymous, with the security
    # headers the local gateway sets.
    dynamic "routes" {
      for_each = local.web_routes
      content {
        path    = routes.value.path
        methods = ["GET", "HEAD"]

        backend {
          type                       = "HTTP_BACKEND"
          url                        = routes.value.url
          connect_timeout_in_seconds = 10
          read_timeout_in_seconds    = 30
        }

        request_policies {
          dynamic "authorization" {
            for_each = length(local.authorizer_names) > 0 ? [1] : []
            content {
              type = "ANONYMOUS"
            }
          }
        }

        response_policies {
          header_transformations {
            set_headers {
              dynamic "items" {
                for_each = local.web_headers
                content {
                  name      = items.key
                  values    = [items.value]
                  if_exists = "OVERWRITE"
                }
              }
            }
          }
        }
      }
    }
  }

  lifecycle {
    precondition {
      condition     = length(local.authorizer_names) == 1 || alltrue([for r in local.routes : r.scope == "public"])
      error_message = "Routes with a customer, staff or admin scope need the authorizer function (authorizer: true in its func.yaml)."
    }
  }
}

resource "oci_logging_log" "gateway" {
  for_each = toset(["access", "execution"])

  display_name       = "${var.name_prefix}-api-${each.key}"
  log_group_id       = oci_logging_log_group.this.id
  log_type           = "SERVICE"
  is_enabled         = true
  retention_duration = var.log_retention_days
  freeform_tags      = local.tags

  configuration {
    compartment_id = var.compartment_ocid
    source {
      category    = each.key
      resource    = oci_apigateway_deployment.this.id
      service     = "apigateway"
      source_type = "OCISERVICE"
    }
  }
}

resource "oci_functions_application" "this" {
  compartment_id = var.compartment_ocid
  display_name   = "${var.name_prefix}-app"
  subnet_ids     = [var.functions_subnet_ocid]
  shape          = var.functions_shape
  freeform_tags  = local.tags

  # OCI Functions' own tracing goes to the same APM domain the functions export OTLP spans to.
  trace_config {
    domain_id  = local.apm_domain_id
    is_enabled = var.enable_function_tracing
  }

  lifecycle {
    precondition {
      condition     = length(setsubtract(keys(var.image_tags), keys(local.functions))) == 0
      error_message = "image_tags names a function that has no functions/<name>/func.yaml."
    }
    precondition {
      condition     = !local.needs_vault || (var.vault.vault_ocid != null && var.vault.key_ocid != null)
      error_message = "Secrets not given in existing_secrets are created in a vault: set vault.vault_ocid and vault.key_ocid."
    }
    precondition {
      condition     = length(local.authorizer_names) <= 1
      error_message = "At most one function may declare authorizer: true."
    }
    precondition {
      condition     = length(local.token_signer_names) <= 1
      error_message = "At most one function may declare token_signer: true."
    }
    precondition {
      condition     = length(local.authorizer_names) == 0 || var.token_public_keys_pem != null
      error_message = "The authorizer verifies tokens with token_public_keys_pem: set it (openssl pkey -pubout of the signing key)."
    }
  }
}

# One function per declaration. `make deploy FN=<name>` later moves a single function to a new image
# out of band; `image` is therefore the desired tag, and a plain apply re-converges every function.
resource "oci_functions_function" "this" {
  for_each = local.functions

  application_id     = oci_functions_application.this.id
  display_name       = each.key
  image              = "${var.ocir_repo}/${each.key}:${lookup(var.image_tags, each.key, var.image_tag)}"
  memory_in_mbs      = tostring(each.value.memory)
  timeout_in_seconds = each.value.timeout
  config = merge(
    each.value.config,
    local.function_wiring[each.key],
    # Every database function may mail through the outbox (email.tf); the authorizer and the migrator do not.
    contains(local.function_needs[each.key], "database") ? local.email_wiring : {},
    { for k in local.token_config[each.key] : k => local.token_values[k] },
    { OCTO_FUNCTION_VERSION = lookup(var.image_tags, each.key, var.image_tag) },
    var.extra_config,
  )
  freeform_tags = local.tags

  # A scheduled invocation may run detached (Resource Scheduler does not wait for the response).
  detached_mode_timeout_in_seconds = each.value.schedule != null ? var.detached_mode_timeout_seconds : null

  trace_config {
    is_enabled = var.enable_function_tracing
  }
}

resource "oci_logging_log_group" "this" {
  compartment_id = var.compartment_ocid
  display_name   = "${var.name_prefix}-logs"
  description    = "Function invocation logs and API Gateway access and execution logs of ${var.name_prefix}."
  freeform_tags  = local.tags
}

resource "oci_logging_log" "functions_invoke" {
  display_name       = "${var.name_prefix}-functions-invoke"
  log_group_id       = oci_logging_log_group.this.id
  log_type           = "SERVICE"
  is_enabled         = true
  retention_duration = var.log_retention_days
  freeform_tags      = local.tags

  configuration {
    compartment_id = var.compartment_ocid
    source {
      category    = "invoke"
      resource    = oci_functions_application.this.id
      service     = "functions"
      source_type = "OCISERVICE"
    }
  }
}

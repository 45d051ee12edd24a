# Who may do what. Dynamic groups live in the tenancy (needs tenancy admin rights; set create_iam =
# false and create the equivalent statements yourself otherwise). Names of the principal types:
# fnfunc (functions), ApiGateway (gateways), resourceschedule (Resource Scheduler schedules).
locals {
  compartment = "compartment id ${var.compartment_ocid}"
  # Every function reads the database password, the wallet and the APM data key; only the token signer
  # (its own dynamic group) reads the token signing key. No function calls OCI Generative AI yet, so
  # none may: the function that does should get the grant through its own dynamic group, as the
  # token signer does.
  secret_match = join(", ", [for k, id in local.secret_ids : "target.secret.id = '${id}'" if k != "token_key"])

  policy_statements = concat(
    [
      "Allow dynamic-group ${local.dg_functions} to read secret-bundles in tenancy where any {${local.secret_match}}",
      "Allow dynamic-group ${local.dg_gateway} to use functions-family in ${local.compartment}",
      "Allow dynamic-group ${local.dg_scheduler} to use functions-family in ${local.compartment}",
      "Allow service faas to use virtual-network-family in ${local.compartment}",
      "Allow service faas to read repos in tenancy",
      # The notification outbox's senders submit mail to Email Delivery (email.tf).
      "Allow dynamic-group ${local.dg_functions} to use email-family in ${local.compartment}",
    ],
    length(local.token_signer_names) > 0 ? [
      "Allow dynamic-group ${local.dg_token_signer} to read secret-bundles in tenancy where target.secret.id = '${local.secret_ids.token_key}'",
    ] : [],
    var.functions_read_database ? [
      "Allow dynamic-group ${local.dg_functions} to read autonomous-database-family in ${local.compartment}",
    ] : [],
  )

  dg_functions = "${var.name_prefix}-functions"
  dg_gateway   = "${var.name_prefix}-api-gateway"
  dg_scheduler = "${var.name_prefix}-schedules"

  dg_token_signer = "${var.name_prefix}-token-signer"
}

resource "oci_identity_dynamic_group" "functions" {
  count = var.create_iam ? 1 : 0

  compartment_id = var.tenancy_ocid
  name           = local.dg_functions
  description    = "Functions of ${var.name_prefix} (resource principals)."
  matching_rule  = "ALL {resource.type = 'fnfunc', resource.compartment.id = '${var.compartment_ocid}'}"
  freeform_tags  = local.tags
}

resource "oci_identity_dynamic_group" "gateway" {
  count = var.create_iam ? 1 : 0

  compartment_id = var.tenancy_ocid
  name           = local.dg_gateway
  description    = "API gateways of ${var.name_prefix}, which invoke the functions."
  matching_rule  = "ALL {resource.type = 'ApiGateway', resource.compartment.id = '${var.compartment_ocid}'}"
  freeform_tags  = local.tags
}

resource "oci_identity_dynamic_group" "scheduler" {
  count = var.create_iam ? 1 : 0

  compartment_id = var.tenancy_ocid
  name           = local.dg_scheduler
  description    = "Resource Scheduler schedules of ${var.name_prefix}, which invoke scheduled functions."
  matching_rule  = "ALL {resource.type = 'resourceschedule', resource.compartment.id = '${var.compartment_ocid}'}"
  freeform_tags  = local.tags
}

resource "oci_identity_dynamic_group" "token_signer" {
  count = var.create_iam && length(local.token_signer_names) > 0 ? 1 : 0

  compartment_id = var.tenancy_ocid
  name           = local.dg_token_signer
  description    = "The function of ${var.name_prefix} that signs access tokens, the only one that reads the signing key."
  matching_rule  = "ALL {resource.type = 'fnfunc', resource.id = '${oci_functions_function.this[local.token_signer_names[0]].id}'}"
  freeform_tags  = local.tags
}

resource "oci_identity_policy" "this" {
  count = var.create_iam ? 1 : 0

  compartment_id = var.tenancy_ocid
  name           = "${var.name_prefix}-policy"
  description    = "Secret and invocation rights of ${var.name_prefix}."
  statements     = local.policy_statements
  freeform_tags  = local.tags

  depends_on = [
    oci_identity_dynamic_group.functions,
    oci_identity_dynamic_group.gateway,
    oci_identity_dynamic_group.scheduler,
    oci_identity_dynamic_group.token_signer,
  ]
}

# Who may do what, by need. Dynamic groups live in the tenancy (needs tenancy admin rights; set
# create_iam = false and create the equivalent statements yourself otherwise). Principal types:
# fnfunc (functions), ApiGateway (gateways), resourceschedule (Resource Scheduler schedules).
#
# One dynamic group per need (main.tf, local.function_needs), matching its functions by OCID:
#   database     every function that connects (the wallet, the application user's password, the
#                APM data key);
#   token_signer the function that signs tokens (its key);
#   migrate      schema-migrate (the ADMIN, schema owner, application and monitoring passwords, the
#                APM data key; it generates the wallet from the database and writes the wallet
#                secret, which it never reads);
#   genai        the functions that call OCI Generative AI (assistant-chat): no secret, only the
#                Generative AI family in the GenAI compartment (genai.tf).
# The authorizer is in none: it reads no secret and calls no OCI API (public keys are configuration).
locals {
  compartment = "compartment id ${var.compartment_ocid}"

  # The secrets each need's dynamic group may read. shared/tfcheck fails when a function's groups can
  # read a secret its configuration (local.function_secret_config) does not name.
  dynamic_group_secrets = {
    database     = ["wallet", "db_app_password", "apm_data_key"]
    token_signer = ["token_key"]
    migrate      = ["db_admin_password", "db_schema_password", "db_app_password", "db_monitor_password", "apm_data_key"]
    genai        = []
  }

  need_members = {
    for need in keys(local.dynamic_group_secrets) : need => [
      for name, needs in local.function_needs : name if contains(needs, need)
    ]
  }
  dynamic_groups = { for need, members in local.need_members : need => "${var.name_prefix}-fn-${replace(need, "_", "-")}" if length(members) > 0 }

  secret_policy_statements = [
    for need, secrets in local.dynamic_group_secrets :
    "Allow dynamic-group ${local.dynamic_groups[need]} to read secret-bundles in tenancy where any {${join(", ", [for s in secrets : "target.secret.id = '${local.secret_ids[s]}'"])}}"
    if contains(keys(local.dynamic_groups), need) && length(secrets) > 0
  ]

  policy_statements = concat(
    local.secret_policy_statements,
    local.genai_policy_statements,
    # schema-migrate generates the wallet (GenerateAutonomousDatabaseWallet) and writes it as a new
    # version of the wallet secret, encrypted with the vault's key.
    contains(keys(local.dynamic_groups), "migrate") ? [
      "Allow dynamic-group ${local.dynamic_groups.migrate} to read autonomous-databases in ${local.compartment}",
      "Allow dynamic-group ${local.dynamic_groups.migrate} to use secrets in ${local.compartment} where target.secret.id = '${local.secret_ids.wallet}'",
    ] : [],
    contains(keys(local.dynamic_groups), "migrate") && var.vault.key_ocid != null ? [
      "Allow dynamic-group ${local.dynamic_groups.migrate} to use keys in ${local.compartment} where target.key.id = '${var.vault.key_ocid}'",
    ] : [],
    [
      "Allow dynamic-group ${local.dg_gateway} to use functions-family in ${local.compartment}",
      "Allow service faas to use virtual-network-family in ${local.compartment}",
      "Allow service faas to read repos in tenancy",
      # OCI Functions' own tracing (trace_config) writes into the APM domain.
      "Allow service faas to use apm-domains in ${local.compartment}",
    ],
    # The notification outbox's senders submit mail to Email Delivery (email.tf): the database
    # functions, which are the ones that write and drain the outbox. The group reads no secret for it.
    contains(keys(local.dynamic_groups), "database") ? [
      "Allow dynamic-group ${local.dynamic_groups.database} to use email-family in ${local.compartment}",
    ] : [],
    # Resource Scheduler invokes only the functions that declare a schedule.
    length(local.scheduled_functions) > 0 ? [
      "Allow dynamic-group ${local.dg_scheduler} to use functions-family in ${local.compartment} where any {${join(", ", [for name in keys(local.scheduled_functions) : "target.function.id = '${oci_functions_function.this[name].id}'"])}}",
    ] : [],
    # Database Management and Operations Insights (service dpd) read the monitoring user's password,
    # and nothing else.
    var.database_management.enabled || (var.operations_insights.enabled && var.operations_insights.advanced_features) ? [
      "Allow service dpd to read secret-family in ${local.compartment} where target.secret.id = '${local.secret_ids.db_monitor_password}'",
    ] : [],
    var.database_management.enabled && local.db_mtls_require && var.database_management.ssl_secret_ocid != null ? [
      "Allow service dpd to read secret-family in ${local.compartment} where target.secret.id = '${var.database_management.ssl_secret_ocid}'",
    ] : [],
  )

  dg_gateway   = "${var.name_prefix}-api-gateway"
  dg_scheduler = "${var.name_prefix}-schedules"
}

resource "oci_identity_dynamic_group" "need" {
  for_each = var.create_iam ? local.dynamic_groups : {}

  compartment_id = var.tenancy_ocid
  name           = each.value
  description    = "Functions of ${var.name_prefix} with the ${each.key} need (resource principals)."
  matching_rule  = "ANY {${join(", ", [for name in local.need_members[each.key] : "resource.id = '${oci_functions_function.this[name].id}'"])}}"
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

resource "oci_identity_policy" "this" {
  count = var.create_iam ? 1 : 0

  compartment_id = var.tenancy_ocid
  name           = "${var.name_prefix}-policy"
  description    = "Secret, database, invocation and service rights of ${var.name_prefix}."
  statements     = local.policy_statements
  freeform_tags  = local.tags

  depends_on = [
    oci_identity_dynamic_group.need,
    oci_identity_dynamic_group.gateway,
    oci_identity_dynamic_group.scheduler,
  ]
}

# The function declarations are the single source of truth: each functions/<name>/func.yaml, merged
# over the bundle defaults in the root func.yaml exactly as package shared/manifest merges them (a
# function's own keys win; config maps merge key by key). Every function, route and schedule below is
# generated from these locals, so adding a function is adding its directory: no Terraform edit.
# shared/tfcheck evaluates these locals in a Go test and compares them with manifest.Load.
locals {
  bundle_defaults = yamldecode(file("${path.module}/../func.yaml"))

  function_declarations = {
    for f in fileset("${path.module}/../functions", "*/func.yaml") :
    dirname(f) => yamldecode(file("${path.module}/../functions/${f}"))
  }

  functions = {
    for d in local.function_declarations : d.name => {
      memory       = try(d.memory, local.bundle_defaults.memory)
      timeout      = try(d.timeout, local.bundle_defaults.timeout)
      config       = merge(try(local.bundle_defaults.config, {}), try(d.config, {}))
      authorizer   = try(d.authorizer, false)
      token_signer = try(d.token_signer, false)
      schedule     = try(d.schedule, null)
      routes = [
        for r in try(d.routes, []) : {
          method = r.method
          path   = r.path
          scope  = r.scope
        }
      ]
    }
  }

  # Every route of the bundle with the function serving it: one API Gateway route each.
  routes = flatten([
    for name, f in local.functions : [
      for r in f.routes : merge(r, { function = name })
    ]
  ])

  scheduled_functions = { for name, f in local.functions : name => f.schedule if f.schedule != null }

  authorizer_names   = [for name, f in local.functions : name if f.authorizer]
  token_signer_names = [for name, f in local.functions : name if f.token_signer]
}

locals {
  tags = merge(var.freeform_tags, { "octo-bundle" = var.name_prefix })

  # Configuration every function receives on top of its declared config: where its secrets live (OCIDs,
  # never values), the database alias, the APM endpoint. Names are those read by shared/config,
  # shared/oracle and shared/boot; var.extra_config wins over everything for ad-hoc overrides. The token
  # keys are not here: see token_config.
  function_wiring = {
    OCTO_DB_DRIVER                = "oracle"
    OCTO_DB_DSN                   = "${lower(local.db_name)}_${var.database.service_level}"
    OCTO_DB_USER                  = var.database.user
    OCTO_DB_PASSWORD_SECRET_OCID  = local.secret_ids.db_password
    OCTO_DB_WALLET_SECRET_OCID    = local.secret_ids.wallet
    OCTO_OCI_REGION               = var.region
    OCTO_APM_ENDPOINT             = local.apm_endpoint
    OCTO_APM_DATA_KEY_SECRET_OCID = local.secret_ids.apm_data_key
    OCTO_CORS_ORIGINS             = join(",", var.cors.allowed_origins)
  }

  # Token keys go only where they are used. The token signer (token_signer: true, the auth function)
  # gets the signing key's secret OCID, and iam.tf lets only it read that secret. The authorizer gets
  # the public keys themselves: it verifies without Vault (no secret read on its cold start, which
  # every protected request can wait for) and never holds a key that could mint tokens. token_config
  # names the variables each function gets (evaluated offline by shared/tfcheck), token_values holds
  # them.
  token_config = {
    for name, f in local.functions : name => concat(
      f.token_signer ? ["OCTO_TOKEN_KEY_SECRET_OCID"] : [],
      f.authorizer ? ["OCTO_TOKEN_PUBLIC_KEYS"] : [],
    )
  }
  token_values = {
    OCTO_TOKEN_KEY_SECRET_OCID = local.secret_ids.token_key
    OCTO_TOKEN_PUBLIC_KEYS     = var.token_public_keys_pem
  }
}

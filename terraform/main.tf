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
      migrator     = try(d.migrator, false)
      schedule     = try(d.schedule, null)
      routes = [
        # permission: the staff permission the route needs on top of its scope (shared/manifest
        # Permission); "" when the scope alone decides.
        for r in try(d.routes, []) : {
          method     = r.method
          path       = r.path
          scope      = r.scope
          permission = try(r.permission, "")
          # auth: "optional" on a public route signed in when the caller sends a token; "" otherwise.
          auth = try(r.auth, "")
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
  migrator_names     = [for name, f in local.functions : name if f.migrator]
}

locals {
  tags = merge(var.freeform_tags, { "octo-bundle" = var.name_prefix })

  # What each function needs, from its declaration. The authorizer needs nothing from OCI: it gets the
  # public keys as configuration and no database, Vault or telemetry secret. The schema-migrate
  # function (migrator: true) creates the database users and runs the migrations. Every other
  # function is a database function; the token signer (auth) also signs tokens, and the functions
  # that declare a GenAI API format (genai.tf) call OCI Generative AI.
  function_needs = {
    for name, f in local.functions : name => (
      f.authorizer ? [] :
      f.migrator ? ["migrate"] :
      f.token_signer ? ["database", "token_signer"] :
      contains(local.genai_functions, name) ? ["database", "genai"] : ["database"]
    )
  }

  # The configuration variable that carries each secret's OCID, per need: what a function of that need
  # reads. A function gets the union over its needs (function_secret_config); iam.tf grants the
  # dynamic group of each need the secrets in dynamic_group_secrets, and shared/tfcheck fails when a
  # function's dynamic groups can read a secret its configuration does not name.
  need_secret_config = {
    database = {
      OCTO_DB_WALLET_SECRET_OCID    = "wallet"
      OCTO_DB_PASSWORD_SECRET_OCID  = "db_app_password"
      OCTO_APM_DATA_KEY_SECRET_OCID = "apm_data_key"
    }
    token_signer = {
      OCTO_TOKEN_KEY_SECRET_OCID = "token_key"
    }
    migrate = {
      OCTO_MIGRATE_WALLET_SECRET_OCID           = "wallet"
      OCTO_DB_PASSWORD_SECRET_OCID              = "db_schema_password"
      OCTO_MIGRATE_ADMIN_PASSWORD_SECRET_OCID   = "db_admin_password"
      OCTO_MIGRATE_APP_PASSWORD_SECRET_OCID     = "db_app_password"
      OCTO_MIGRATE_MONITOR_PASSWORD_SECRET_OCID = "db_monitor_password"
      OCTO_APM_DATA_KEY_SECRET_OCID             = "apm_data_key"
    }
    genai = {}
  }
  function_secret_config = {
    for name, needs in local.function_needs : name => merge({}, [for n in needs : local.need_secret_config[n]]...)
  }

  # Configuration a function that uses the database receives on top of its declared config: the
  # alias, schema and user, the APM endpoint. Names are those read by
  # shared/config, shared/oracle and shared/boot. The CORS policy is the API deployment's alone
  # (gateway.tf): functions get no OCTO_CORS_ORIGINS, so a browser never sees two
  # Access-Control-Allow-Origin values.
  database_wiring = {
    OCTO_DB_DRIVER    = "oracle"
    OCTO_DB_DSN       = "${lower(local.db_name)}_${var.database.service_level}"
    OCTO_DB_SCHEMA    = var.database.schema_owner
    OCTO_OCI_REGION   = var.region
    OCTO_APM_ENDPOINT = local.apm_endpoint
  }
  # schema-migrate generates the wallet from the database (OCTO_DB_OCID) and writes the three files
  # godror needs into the wallet secret (OCTO_MIGRATE_WALLET_SECRET_OCID) the others read.
  migrate_wiring = {
    OCTO_DB_OCID              = local.database_id
    OCTO_DB_USER              = var.database.schema_owner
    OCTO_MIGRATE_APP_USER     = var.database.app_user
    OCTO_MIGRATE_MONITOR_USER = var.database.monitor_user
  }
  function_wiring = {
    for name, needs in local.function_needs : name => merge(
      length(needs) > 0 ? local.database_wiring : {},
      contains(needs, "database") ? { OCTO_DB_USER = var.database.app_user } : {},
      contains(needs, "migrate") ? local.migrate_wiring : {},
      contains(needs, "genai") ? local.genai_wiring : {},
      { for k, s in local.function_secret_config[name] : k => local.secret_ids[s] },
    )
  }

  # The authorizer (and a function verifying tokens on its auth: optional routes) gets the public keys themselves: it verifies without Vault (no secret read on its
  # cold start, which every protected request can wait for) and never holds a key that could mint
  # tokens. The token signer's key comes as a secret OCID (need_secret_config). token_config names the
  # plain token variables each function gets (evaluated offline by shared/tfcheck), token_values
  # holds them.
  # A function with auth: optional routes verifies its callers' tokens itself (API Gateway does not
  # populate request.auth on an ANONYMOUS route; see security.Optional), so it gets the same public
  # keys as the authorizer.
  token_config = {
    for name, f in local.functions : name => (
      f.authorizer || length([for r in f.routes : r if r.auth == "optional"]) > 0 ? ["OCTO_TOKEN_PUBLIC_KEYS"] : []
    )
  }
  token_values = {
    OCTO_TOKEN_PUBLIC_KEYS = var.token_public_keys_pem
  }
}

variable "tenancy_ocid" {
  type        = string
  description = "OCID of the tenancy (dynamic groups, the tenancy-level policy and the Operations Insights warehouse live there)."
  validation {
    condition     = can(regex("^ocid1\\.tenancy\\.", var.tenancy_ocid))
    error_message = "tenancy_ocid must be a tenancy OCID (ocid1.tenancy....)."
  }
}

variable "compartment_ocid" {
  type        = string
  description = "OCID of the compartment every resource of the bundle is created in."
  validation {
    condition     = can(regex("^ocid1\\.(compartment|tenancy)\\.", var.compartment_ocid))
    error_message = "compartment_ocid must be a compartment OCID (ocid1.compartment....)."
  }
}

variable "region" {
  type        = string
  description = "OCI region identifier, e.g. us-ashburn-1."
  validation {
    condition     = can(regex("^[a-z]+-[a-z]+-[0-9]+$", var.region))
    error_message = "region must look like us-ashburn-1."
  }
}

variable "oci_config_profile" {
  type        = string
  description = "Profile of ~/.oci/config the provider authenticates with."
  default     = "DEFAULT"
  validation {
    condition     = length(var.oci_config_profile) > 0
    error_message = "oci_config_profile must not be empty."
  }
}

variable "name_prefix" {
  type        = string
  description = "Prefix of every display name, dynamic group and secret name."
  default     = "octo"
  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,20}$", var.name_prefix))
    error_message = "name_prefix must be 2-21 lower-case letters, digits or dashes, starting with a letter."
  }
}

variable "freeform_tags" {
  type        = map(string)
  description = "Free-form tags added to every resource."
  default     = {}
  validation {
    condition     = alltrue([for k in keys(var.freeform_tags) : length(k) <= 100])
    error_message = "Tag keys are at most 100 characters."
  }
}

variable "functions_subnet_ocid" {
  type        = string
  description = "OCID of the (private) subnet the Functions application runs in; it needs a route to the Oracle Services Network (service gateway) or a NAT gateway."
  validation {
    condition     = can(regex("^ocid1\\.subnet\\.", var.functions_subnet_ocid))
    error_message = "functions_subnet_ocid must be a subnet OCID."
  }
}

variable "gateway_subnet_ocid" {
  type        = string
  description = "OCID of the public subnet the API Gateway is placed in (ingress 443 allowed)."
  validation {
    condition     = can(regex("^ocid1\\.subnet\\.", var.gateway_subnet_ocid))
    error_message = "gateway_subnet_ocid must be a subnet OCID."
  }
}

variable "functions_shape" {
  type        = string
  description = "Processor architecture of the Functions application. The images are built for linux/amd64 only (make image sets --platform linux/amd64), so the only shape is GENERIC_X86; ARM needs multi-arch images first."
  default     = "GENERIC_X86"
  validation {
    condition     = var.functions_shape == "GENERIC_X86"
    error_message = "functions_shape must be GENERIC_X86: the function images are built for linux/amd64 only."
  }
}

variable "ocir_repo" {
  type        = string
  description = "OCIR repository prefix the images are pushed to: <region-key>.ocir.io/<namespace>/<prefix>; each function's image is <ocir_repo>/<name>:<tag>."
  validation {
    condition     = can(regex("^[a-z0-9.-]+\\.ocir\\.io/[a-z0-9_-]+(/[a-z0-9._-]+)*$", var.ocir_repo))
    error_message = "ocir_repo must look like iad.ocir.io/<namespace>/octo."
  }
}

variable "image_tag" {
  type        = string
  description = "Image tag every function is deployed with unless image_tags overrides it (make deploy passes the built tag)."
  validation {
    condition     = can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", var.image_tag))
    error_message = "image_tag must be a valid Docker tag."
  }
}

variable "image_tags" {
  type        = map(string)
  description = "Per-function image tag overrides, keyed by function name (the name in functions/<name>/func.yaml)."
  default     = {}
  validation {
    condition     = alltrue([for t in values(var.image_tags) : can(regex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$", t))])
    error_message = "Every image_tags value must be a valid Docker tag."
  }
}

variable "extra_config" {
  type        = map(string)
  description = "Configuration added to every function, winning over the declarations and the wiring (function plus application config is capped at 4 KB)."
  default     = {}
  validation {
    condition     = alltrue([for k in keys(var.extra_config) : can(regex("^[A-Z][A-Z0-9_]*$", k))])
    error_message = "extra_config keys must be upper-case environment variable names."
  }
}

variable "detached_mode_timeout_seconds" {
  type        = number
  description = "Timeout of detached (scheduled) invocations of functions that declare a schedule."
  default     = 900
  validation {
    condition     = var.detached_mode_timeout_seconds >= 5 && var.detached_mode_timeout_seconds <= 3600
    error_message = "detached_mode_timeout_seconds must be within 5..3600."
  }
}

variable "enable_function_tracing" {
  type        = bool
  description = "Turn on OCI Functions' own tracing into the APM domain (the functions also export OTLP spans themselves)."
  default     = true
}

variable "api_path_prefix" {
  type        = string
  description = "Path prefix of the API deployment; the functions tolerate it in front of /api/..."
  default     = "/v1"
  validation {
    condition     = can(regex("^/[A-Za-z0-9._~-]+(/[A-Za-z0-9._~-]+)*$", var.api_path_prefix))
    error_message = "api_path_prefix must start with / and contain no trailing slash, e.g. /v1."
  }
}

variable "cors" {
  type = object({
    allowed_origins   = list(string)
    allow_credentials = optional(bool, false)
    allowed_headers   = optional(list(string), ["Authorization", "Content-Type", "Idempotency-Key", "X-Order-Token", "X-Request-Id", "Traceparent", "Tracestate"])
    max_age_seconds   = optional(number, 600)
  })
  description = "CORS of the API deployment: exact origins (https://shop.example.com); an empty list disables CORS."
  default     = { allowed_origins = [] }
  validation {
    condition     = !(var.cors.allow_credentials && contains(var.cors.allowed_origins, "*"))
    error_message = "CORS with credentials must list exact origins, never \"*\"."
  }
  validation {
    condition     = alltrue([for o in var.cors.allowed_origins : o == "*" || can(regex("^https?://[^/*]+$", o))])
    error_message = "Each allowed origin must be scheme://host[:port] without a path (or \"*\" without credentials)."
  }
  validation {
    condition     = var.cors.max_age_seconds >= 0 && var.cors.max_age_seconds <= 86400
    error_message = "cors.max_age_seconds must be within 0..86400."
  }
}

variable "rate_limit" {
  type = object({
    per_second = optional(number, 50)
    key        = optional(string, "CLIENT_IP")
  })
  description = "API Gateway rate limit for the whole deployment (the service has no per-route limit; the routes' declared rates are emulated by the local gateway only)."
  default     = {}
  validation {
    condition     = var.rate_limit.per_second >= 1 && var.rate_limit.per_second <= 10000
    error_message = "rate_limit.per_second must be within 1..10000."
  }
  validation {
    condition     = contains(["CLIENT_IP", "TOTAL"], var.rate_limit.key)
    error_message = "rate_limit.key must be CLIENT_IP or TOTAL."
  }
}

variable "execution_log_level" {
  type        = string
  description = "Level of the API deployment's execution log."
  default     = "WARN"
  validation {
    condition     = contains(["INFO", "WARN", "ERROR"], var.execution_log_level)
    error_message = "execution_log_level must be INFO, WARN or ERROR."
  }
}

variable "log_retention_days" {
  type        = number
  description = "Retention of the service logs in days (30-day steps)."
  default     = 30
  validation {
    condition     = var.log_retention_days >= 30 && var.log_retention_days <= 180 && var.log_retention_days % 30 == 0
    error_message = "log_retention_days must be 30, 60, 90, 120, 150 or 180."
  }
}

variable "vault" {
  type = object({
    vault_ocid = optional(string)
    key_ocid   = optional(string)
  })
  description = "Existing OCI Vault and master encryption key the secrets are created in (needed unless every secret is in existing_secrets)."
  default     = {}
  validation {
    condition = (var.vault.vault_ocid == null || can(regex("^ocid1\\.vault\\.", var.vault.vault_ocid))) && (
    var.vault.key_ocid == null || can(regex("^ocid1\\.key\\.", var.vault.key_ocid)))
    error_message = "vault.vault_ocid must be a vault OCID and vault.key_ocid a key OCID."
  }
}

variable "existing_secrets" {
  type = object({
    db_admin_password   = optional(string)
    db_schema_password  = optional(string)
    db_app_password     = optional(string)
    db_monitor_password = optional(string)
    wallet              = optional(string)
    token_key           = optional(string)
    apm_data_key        = optional(string)
  })
  description = "OCIDs of existing Vault secrets to use instead of creating them (plain-text passwords, wallet a zip that schema-migrate overwrites with the files godror needs, token_key a PEM, apm_data_key plain text)."
  default     = {}
  validation {
    condition     = alltrue([for v in values(var.existing_secrets) : v == null || can(regex("^ocid1\\.vaultsecret\\.", v))])
    error_message = "existing_secrets values must be secret OCIDs (ocid1.vaultsecret....)."
  }
}

# Autonomous Database password rules: 12-30 characters, an upper-case letter, a lower-case letter and a
# digit, no double quote, and not containing the user name "admin" in any case. The same rules are
# applied to every database user's password below.
variable "db_password" {
  type        = string
  description = "ADMIN password of a new Autonomous Database. Only the schema-migrate function reads it (to create the schema owner, application and monitoring users); no application function does. Needed unless existing_secrets.db_admin_password is set."
  default     = null
  sensitive   = true
  validation {
    condition = var.db_password == null || try(
      length(var.db_password) >= 12 && length(var.db_password) <= 30 &&
      can(regex("[A-Z]", var.db_password)) && can(regex("[a-z]", var.db_password)) &&
      can(regex("[0-9]", var.db_password)) && !can(regex("\"", var.db_password)) &&
      !can(regex("(?i)admin", var.db_password)),
      false,
    )
    error_message = "db_password must be 12-30 characters with upper case, lower case and a digit, no double quote, and must not contain \"admin\" in any case (Autonomous Database rules)."
  }
}

variable "db_user_passwords" {
  type = object({
    schema_owner = optional(string)
    app          = optional(string)
    monitor      = optional(string)
  })
  description = "Passwords of the database users the schema-migrate function creates: the schema owner (runs the migrations), the application user the functions connect as, and the monitoring user of Database Management and Operations Insights. Each goes to its own Vault secret; each is needed unless its existing_secrets entry is set."
  default     = {}
  sensitive   = true
  validation {
    condition = alltrue([for p in values(var.db_user_passwords) : p == null || try(
      length(p) >= 12 && length(p) <= 30 &&
      can(regex("[A-Z]", p)) && can(regex("[a-z]", p)) && can(regex("[0-9]", p)) &&
      !can(regex("[\"]", p)) && !can(regex("(?i)admin", p)),
      false,
    )])
    error_message = "Every db_user_passwords value must be 12-30 characters with upper case, lower case and a digit, no double quote, and must not contain \"admin\" in any case."
  }
}

variable "token_signing_key_pem" {
  type        = string
  description = "PEM private key (Ed25519 or RSA) the auth function signs tokens with. Needed unless existing_secrets.token_key is set."
  default     = null
  sensitive   = true
  validation {
    condition     = var.token_signing_key_pem == null || can(regex("-----BEGIN [A-Z ]*PRIVATE KEY-----", var.token_signing_key_pem))
    error_message = "token_signing_key_pem must be a PEM private key."
  }
}

variable "token_public_keys_pem" {
  type        = string
  description = "PEM public keys the authorizer verifies tokens with: the public half of token_signing_key_pem (openssl pkey -pubout), followed during a key rotation by the previous key's. The authorizer gets no private key."
  default     = null
  validation {
    condition = var.token_public_keys_pem == null || try(
      can(regex("-----BEGIN PUBLIC KEY-----", var.token_public_keys_pem)) && !can(regex("PRIVATE KEY", var.token_public_keys_pem)),
    false)
    error_message = "token_public_keys_pem must hold PEM public keys (BEGIN PUBLIC KEY) and no private key."
  }
}

variable "database" {
  type = object({
    existing_ocid   = optional(string)
    db_name         = optional(string, "octo")
    is_free_tier    = optional(bool, false)
    ecpu_count      = optional(number, 2)
    storage_gb      = optional(number, 20)
    auto_scaling    = optional(bool, true)
    whitelisted_ips = optional(list(string), [])
    mtls_required   = optional(bool, false)
    schema_owner    = optional(string, "OCTO")
    app_user        = optional(string, "OCTO_APP")
    monitor_user    = optional(string, "OCTO_MONITOR")
    service_level   = optional(string, "tp")
  })
  description = "A new Autonomous Transaction Processing database, or an existing one by OCID. The functions connect as app_user (never ADMIN) to the <db_name>_<service_level> service with the wallet schema-migrate stores in Vault; schema_owner owns the tables. mtls_required = false lets Database Management and Operations Insights connect over one-way TLS (port 1521); it needs whitelisted_ips (the VCN), as Autonomous Database requires an access list for TLS."
  default     = {}
  validation {
    condition     = var.database.existing_ocid == null || can(regex("^ocid1\\.autonomousdatabase\\.", var.database.existing_ocid))
    error_message = "database.existing_ocid must be an Autonomous Database OCID."
  }
  validation {
    condition     = can(regex("^[A-Za-z][A-Za-z0-9]{0,29}$", var.database.db_name))
    error_message = "database.db_name must be 1-30 letters and digits, starting with a letter."
  }
  validation {
    condition     = contains(["tp", "tpurgent", "high", "medium", "low"], var.database.service_level)
    error_message = "database.service_level must be tp, tpurgent, high, medium or low."
  }
  validation {
    condition     = var.database.ecpu_count >= 2 && var.database.storage_gb >= 20
    error_message = "database needs at least 2 ECPUs and 20 GB."
  }
  validation {
    condition = alltrue([for u in [var.database.schema_owner, var.database.app_user, var.database.monitor_user] :
    can(regex("^[A-Z][A-Z0-9_]{0,29}$", u)) && upper(u) != "ADMIN"])
    error_message = "database.schema_owner, app_user and monitor_user must be upper-case Oracle user names (letter first, letters, digits, _; at most 30) and not ADMIN."
  }
  validation {
    condition     = length(distinct([var.database.schema_owner, var.database.app_user, var.database.monitor_user])) == 3
    error_message = "database.schema_owner, app_user and monitor_user must be three different users."
  }
  validation {
    condition     = var.database.mtls_required || var.database.existing_ocid != null || length(var.database.whitelisted_ips) > 0
    error_message = "Allowing TLS (database.mtls_required = false) on a new database needs database.whitelisted_ips (e.g. the VCN OCID): Autonomous Database refuses TLS without an access list."
  }
}

variable "database_management" {
  type = object({
    enabled               = optional(bool, true)
    ssl_secret_ocid       = optional(string)
    private_endpoint_ocid = optional(string)
  })
  description = "Database Management (Performance Hub by MODULE/ACTION and SQL_ID) for the database. It connects as database.monitor_user, whose password is in its own secret (the Database Management service, dpd, may read that secret alone). Over TLS (database.mtls_required = false) nothing else is needed; with mTLS required, ssl_secret_ocid is the secret holding the keystore and truststore Database Management needs (SSL_DETAILS credentials)."
  default     = {}
  validation {
    condition     = var.database_management.ssl_secret_ocid == null || can(regex("^ocid1\\.vaultsecret\\.", var.database_management.ssl_secret_ocid))
    error_message = "database_management.ssl_secret_ocid must be a secret OCID."
  }
}

variable "operations_insights" {
  type = object({
    enabled           = optional(bool, true)
    advanced_features = optional(bool, true)
    create_warehouse  = optional(bool, false)
    warehouse_cpu     = optional(number, 1)
  })
  description = "Operations Insights for the database. advanced_features (on by default) turns on the full feature set, which the SQL Warehouse (SQL statistics by SQL_ID) needs; it connects as database.monitor_user. Cost: advanced features of Autonomous Database insights are billed per ECPU (or OCPU) hour of the database; basic insights are free. create_warehouse adds the tenancy's Operations Insights warehouse (an Autonomous Data Warehouse billed per warehouse_cpu hour and storage)."
  default     = {}
  validation {
    condition     = var.operations_insights.warehouse_cpu >= 1
    error_message = "operations_insights.warehouse_cpu must be at least 1."
  }
}

variable "apm" {
  type = object({
    existing_domain_ocid = optional(string)
    is_free_tier         = optional(bool, true)
  })
  description = "A new APM domain, or an existing one by OCID."
  default     = {}
  validation {
    condition     = var.apm.existing_domain_ocid == null || can(regex("^ocid1\\.apmdomain\\.", var.apm.existing_domain_ocid))
    error_message = "apm.existing_domain_ocid must be an APM domain OCID."
  }
}

variable "create_iam" {
  type        = bool
  description = "Create the dynamic groups and the policy (needs rights in the tenancy)."
  default     = true
}

variable "email" {
  type = object({
    domain        = string
    sender        = string
    sender_name   = optional(string, "OCTO Drone Shop")
    dkim_selector = optional(string, "octo-1")
    public_url    = string
  })
  description = "Email Delivery: the domain mail is sent from (created with its DKIM key; publish the DKIM CNAME and an SPF record it outputs), the approved sender address in that domain, the display name, the DKIM selector (unique in the region) and the storefront URL the links in messages point to."
  validation {
    condition     = endswith(lower(var.email.sender), "@${lower(var.email.domain)}")
    error_message = "email.sender must be an address in email.domain."
  }
  validation {
    condition     = can(regex("^https://", var.email.public_url))
    error_message = "email.public_url must be an https:// URL."
  }
  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,62}$", var.email.dkim_selector))
    error_message = "email.dkim_selector must be 1-63 lower-case letters, digits or dashes."
  }
}

variable "genai" {
  type = object({
    model_id         = optional(string)
    compartment_ocid = optional(string)
    endpoint         = optional(string)
    api_format       = optional(string, "cohere")
    timeout_seconds  = optional(number, 20)
  })
  description = "OCI Generative AI for the assistant: the on-demand model id (e.g. cohere.command-r-plus-08-2024, or meta.llama-3.3-70b-instruct with api_format generic), the compartment billed (default: the bundle's), an inference endpoint override (default: the region's) and the call timeout in seconds (inside the function's 60 s). Without model_id the assistant answers from the catalog alone."
  default     = {}
  validation {
    condition     = contains(["cohere", "generic"], var.genai.api_format)
    error_message = "genai.api_format must be cohere or generic."
  }
  validation {
    condition     = var.genai.timeout_seconds >= 1 && var.genai.timeout_seconds <= 50 && floor(var.genai.timeout_seconds) == var.genai.timeout_seconds
    error_message = "genai.timeout_seconds must be whole seconds from 1 to 50."
  }
  validation {
    condition     = var.genai.model_id == null || try(length(var.genai.model_id) > 0, false)
    error_message = "genai.model_id must not be empty; leave it unset for the local answerer."
  }
  validation {
    condition     = var.genai.endpoint == null || can(regex("^https://", var.genai.endpoint))
    error_message = "genai.endpoint must be an https:// URL."
  }
}

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
  description = "Processor architecture of the Functions application; the images are built for it."
  default     = "GENERIC_X86"
  validation {
    condition     = contains(["GENERIC_X86", "GENERIC_ARM", "GENERIC_X86_ARM"], var.functions_shape)
    error_message = "functions_shape must be GENERIC_X86, GENERIC_ARM or GENERIC_X86_ARM."
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
    db_password  = optional(string)
    wallet       = optional(string)
    token_key    = optional(string)
    apm_data_key = optional(string)
  })
  description = "OCIDs of existing Vault secrets to use instead of creating them: db_password (plain text), wallet (base64 zip), token_key (PEM), apm_data_key (plain text)."
  default     = {}
  validation {
    condition     = alltrue([for v in values(var.existing_secrets) : v == null || can(regex("^ocid1\\.vaultsecret\\.", v))])
    error_message = "existing_secrets values must be secret OCIDs (ocid1.vaultsecret....)."
  }
}

variable "db_password" {
  type        = string
  description = "Password of the database user the functions use (the ADMIN password of a new database). Needed unless the database exists and existing_secrets.db_password is set."
  default     = null
  sensitive   = true
  validation {
    condition = var.db_password == null || try(
      length(var.db_password) >= 12 && length(var.db_password) <= 30 &&
      can(regex("[A-Z]", var.db_password)) && can(regex("[a-z]", var.db_password)) &&
      can(regex("[0-9]", var.db_password)) && !can(regex("\"", var.db_password)),
      false,
    )
    error_message = "db_password must be 12-30 characters with upper case, lower case and a digit, and no double quote (Autonomous Database rules)."
  }
}

variable "wallet_password" {
  type        = string
  description = "Password protecting the generated wallet's keystores (defaults to db_password)."
  default     = null
  sensitive   = true
  validation {
    condition     = var.wallet_password == null || try(length(var.wallet_password) >= 8, false)
    error_message = "wallet_password must be at least 8 characters."
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
    user            = optional(string, "ADMIN")
    service_level   = optional(string, "tp")
  })
  description = "A new Autonomous Transaction Processing database, or an existing one by OCID; the functions connect as `user` to the <db_name>_<service_level> service."
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
}

variable "functions_read_database" {
  type        = bool
  description = "Let the functions read the Autonomous Database (e.g. to generate the wallet at cold start instead of reading the wallet secret)."
  default     = false
}

variable "database_management" {
  type = object({
    enabled               = optional(bool, true)
    user                  = optional(string, "ADBSNMP")
    password_secret_ocid  = optional(string)
    private_endpoint_ocid = optional(string)
  })
  description = "Database Management (Performance Hub by MODULE/ACTION and SQL_ID) for the database; the monitoring user's password secret defaults to the db_password secret."
  default     = {}
  validation {
    condition     = var.database_management.password_secret_ocid == null || can(regex("^ocid1\\.vaultsecret\\.", var.database_management.password_secret_ocid))
    error_message = "database_management.password_secret_ocid must be a secret OCID."
  }
}

variable "operations_insights" {
  type = object({
    enabled          = optional(bool, true)
    create_warehouse = optional(bool, false)
    warehouse_cpu    = optional(number, 1)
  })
  description = "Operations Insights for the database (SQL Warehouse aggregates query patterns), and optionally the tenancy's Operations Insights warehouse."
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

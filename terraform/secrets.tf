# Secrets live in OCI Vault; functions receive only their OCIDs and read the bundles at cold start with
# their resource principal. Each secret is either created here (its value then passes through the
# Terraform state: protect the state) or referenced by an existing OCID in var.existing_secrets.
locals {
  secret_ids = {
    db_password  = coalesce(var.existing_secrets.db_password, one(oci_vault_secret.db_password[*].id))
    wallet       = coalesce(var.existing_secrets.wallet, one(oci_vault_secret.wallet[*].id))
    token_key    = coalesce(var.existing_secrets.token_key, one(oci_vault_secret.token_key[*].id))
    apm_data_key = coalesce(var.existing_secrets.apm_data_key, one(oci_vault_secret.apm_data_key[*].id))
  }
  needs_vault = anytrue([for k, v in var.existing_secrets : v == null])
}

resource "oci_vault_secret" "db_password" {
  count = var.existing_secrets.db_password == null ? 1 : 0

  compartment_id = var.compartment_ocid
  vault_id       = var.vault.vault_ocid
  key_id         = var.vault.key_ocid
  secret_name    = "${var.name_prefix}-db-password"
  description    = "Password of the database user the functions connect as."
  freeform_tags  = local.tags

  secret_content {
    content_type = "BASE64"
    content      = base64encode(var.db_password)
  }

  lifecycle {
    precondition {
      condition     = var.db_password != null && var.vault.vault_ocid != null && var.vault.key_ocid != null
      error_message = "Creating the database password secret needs db_password, vault.vault_ocid and vault.key_ocid (or set existing_secrets.db_password)."
    }
  }
}

# The wallet zip, generated from the database and stored base64-encoded (the secret bundle decodes to
# the zip bytes shared/oracle unpacks under /tmp).
resource "oci_database_autonomous_database_wallet" "this" {
  count = var.existing_secrets.wallet == null ? 1 : 0

  autonomous_database_id = local.database_id
  password               = coalesce(var.wallet_password, var.db_password)
  base64_encode_content  = true
  generate_type          = "SINGLE"

  lifecycle {
    precondition {
      condition     = var.wallet_password != null || var.db_password != null
      error_message = "Generating the wallet needs wallet_password or db_password (or set existing_secrets.wallet)."
    }
  }
}

resource "oci_vault_secret" "wallet" {
  count = var.existing_secrets.wallet == null ? 1 : 0

  compartment_id = var.compartment_ocid
  vault_id       = var.vault.vault_ocid
  key_id         = var.vault.key_ocid
  secret_name    = "${var.name_prefix}-db-wallet"
  description    = "Autonomous Database wallet zip (base64)."
  freeform_tags  = local.tags

  secret_content {
    content_type = "BASE64"
    content      = sensitive(one(oci_database_autonomous_database_wallet.this[*].content))
  }
}

resource "oci_vault_secret" "token_key" {
  count = var.existing_secrets.token_key == null ? 1 : 0

  compartment_id = var.compartment_ocid
  vault_id       = var.vault.vault_ocid
  key_id         = var.vault.key_ocid
  secret_name    = "${var.name_prefix}-token-signing-key"
  description    = "PEM private key the auth function signs access tokens with (the authorizer has only the public key)."
  freeform_tags  = local.tags

  secret_content {
    content_type = "BASE64"
    content      = base64encode(var.token_signing_key_pem)
  }

  lifecycle {
    precondition {
      condition     = var.token_signing_key_pem != null
      error_message = "Creating the token signing key secret needs token_signing_key_pem (or set existing_secrets.token_key)."
    }
  }
}

# The APM private data key is a credential: it goes to Vault like the others, and the functions get
# OCTO_APM_DATA_KEY_SECRET_OCID rather than the key.
resource "oci_vault_secret" "apm_data_key" {
  count = var.existing_secrets.apm_data_key == null ? 1 : 0

  compartment_id = var.compartment_ocid
  vault_id       = var.vault.vault_ocid
  key_id         = var.vault.key_ocid
  secret_name    = "${var.name_prefix}-apm-data-key"
  description    = "APM private data key for OTLP trace upload."
  freeform_tags  = local.tags

  secret_content {
    content_type = "BASE64"
    content      = base64encode(local.apm_private_data_key)
  }
}

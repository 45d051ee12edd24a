# Secrets live in OCI Vault; functions receive only their OCIDs and read the bundles at cold start with
# their resource principal. Each secret is either created here (its value then passes through the
# Terraform state: protect the state) or referenced by an existing OCID in var.existing_secrets.
#
# The wallet: a whole wallet zip base64-encoded can exceed Vault's 25 KB bundle limit, and godror
# needs only cwallet.sso, tnsnames.ora and sqlnet.ora. Terraform creates the wallet secret with a
# placeholder; the schema-migrate function (make deploy-migrate, right after apply) generates the wallet
# through the database API (GenerateAutonomousDatabaseWallet) and writes a new secret version with
# those three files (about 11 KB as base64). Later applies leave the content alone.
locals {
  secret_ids = {
    db_admin_password   = coalesce(var.existing_secrets.db_admin_password, try(oci_vault_secret.password["db_admin_password"].id, null))
    db_schema_password  = coalesce(var.existing_secrets.db_schema_password, try(oci_vault_secret.password["db_schema_password"].id, null))
    db_app_password     = coalesce(var.existing_secrets.db_app_password, try(oci_vault_secret.password["db_app_password"].id, null))
    db_monitor_password = coalesce(var.existing_secrets.db_monitor_password, try(oci_vault_secret.password["db_monitor_password"].id, null))
    wallet              = coalesce(var.existing_secrets.wallet, one(oci_vault_secret.wallet[*].id))
    token_key           = coalesce(var.existing_secrets.token_key, one(oci_vault_secret.token_key[*].id))
    apm_data_key        = coalesce(var.existing_secrets.apm_data_key, one(oci_vault_secret.apm_data_key[*].id))
  }
  needs_vault = anytrue([for k, v in var.existing_secrets : v == null])

  # The password secrets created here: one per database user, each read only by who uses it (iam.tf).
  passwords = {
    db_admin_password   = { value = var.db_password, about = "ADMIN password (read by the schema-migrate function alone, to create the users)" }
    db_schema_password  = { value = var.db_user_passwords.schema_owner, about = "password of the schema owner ${var.database.schema_owner} (the migrations run as it)" }
    db_app_password     = { value = var.db_user_passwords.app, about = "password of the application user ${var.database.app_user} the functions connect as" }
    db_monitor_password = { value = var.db_user_passwords.monitor, about = "password of the monitoring user ${var.database.monitor_user} (Database Management, Operations Insights)" }
  }
}

# Deleted secrets keep their names for the pending-deletion period (at least a day, 30 days by
# default): a suffix chosen once per state lets `make destroy` and a new apply with the same
# name_prefix create new secrets instead of failing on the old names.
resource "terraform_data" "secret_suffix" {
  input = substr(uuid(), 0, 8)

  lifecycle {
    ignore_changes = [input]
  }
}

locals {
  secret_suffix = terraform_data.secret_suffix.output
}

resource "oci_vault_secret" "password" {
  for_each = toset([for k in keys(local.passwords) : k if lookup(var.existing_secrets, k, null) == null])

  compartment_id = var.compartment_ocid
  vault_id       = var.vault.vault_ocid
  key_id         = var.vault.key_ocid
  secret_name    = "${var.name_prefix}-${replace(each.key, "_", "-")}-${local.secret_suffix}"
  description    = "The database's ${local.passwords[each.key].about}."
  freeform_tags  = local.tags

  secret_content {
    content_type = "BASE64"
    content      = base64encode(local.passwords[each.key].value)
  }

  lifecycle {
    precondition {
      condition     = local.passwords[each.key].value != null && var.vault.vault_ocid != null && var.vault.key_ocid != null
      error_message = "Creating the ${each.key} secret needs its password (db_password or db_user_passwords), vault.vault_ocid and vault.key_ocid; or set existing_secrets.${each.key}."
    }
  }
}

resource "oci_vault_secret" "wallet" {
  count = var.existing_secrets.wallet == null ? 1 : 0

  compartment_id = var.compartment_ocid
  vault_id       = var.vault.vault_ocid
  key_id         = var.vault.key_ocid
  secret_name    = "${var.name_prefix}-db-wallet-${local.secret_suffix}"
  description    = "Autonomous Database wallet (zip of cwallet.sso, tnsnames.ora, sqlnet.ora), written by the schema-migrate function."
  freeform_tags  = local.tags

  secret_content {
    content_type = "BASE64"
    content      = base64encode("wallet not generated yet: run make deploy-migrate")
  }

  lifecycle {
    ignore_changes = [secret_content]
  }
}

resource "oci_vault_secret" "token_key" {
  count = var.existing_secrets.token_key == null ? 1 : 0

  compartment_id = var.compartment_ocid
  vault_id       = var.vault.vault_ocid
  key_id         = var.vault.key_ocid
  secret_name    = "${var.name_prefix}-token-signing-key-${local.secret_suffix}"
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
# OCTO_APM_DATA_KEY_SECRET_OCID rather than the key. A function that cannot read it starts without
# export and logs why (shared/boot).
resource "oci_vault_secret" "apm_data_key" {
  count = var.existing_secrets.apm_data_key == null ? 1 : 0

  compartment_id = var.compartment_ocid
  vault_id       = var.vault.vault_ocid
  key_id         = var.vault.key_ocid
  secret_name    = "${var.name_prefix}-apm-data-key-${local.secret_suffix}"
  description    = "APM private data key for OTLP trace upload."
  freeform_tags  = local.tags

  secret_content {
    content_type = "BASE64"
    content      = base64encode(local.apm_private_data_key)
  }
}

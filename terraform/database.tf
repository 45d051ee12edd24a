# Either a new Autonomous Database (ATP) or an existing one by OCID, plus the two services the data
# model's observability relies on: Database Management (Performance Hub shows the functions' SQL by
# MODULE/ACTION and SQL_ID) and Operations Insights (SQL Warehouse aggregates the query patterns).
resource "oci_database_autonomous_database" "this" {
  count = var.database.existing_ocid == null ? 1 : 0

  compartment_id              = var.compartment_ocid
  db_name                     = var.database.db_name
  display_name                = "${var.name_prefix}-atp"
  db_workload                 = "OLTP"
  compute_model               = var.database.is_free_tier ? null : "ECPU"
  compute_count               = var.database.is_free_tier ? null : var.database.ecpu_count
  data_storage_size_in_gb     = var.database.is_free_tier ? null : var.database.storage_gb
  is_auto_scaling_enabled     = var.database.is_free_tier ? null : var.database.auto_scaling
  is_free_tier                = var.database.is_free_tier
  is_mtls_connection_required = var.database.mtls_required
  admin_password              = var.db_password
  whitelisted_ips             = length(var.database.whitelisted_ips) > 0 ? var.database.whitelisted_ips : null
  freeform_tags               = local.tags

  lifecycle {
    precondition {
      condition     = var.db_password != null
      error_message = "A new Autonomous Database needs db_password (its ADMIN password)."
    }
  }
}

data "oci_database_autonomous_database" "existing" {
  count = var.database.existing_ocid == null ? 0 : 1

  autonomous_database_id = var.database.existing_ocid
}

locals {
  database_id = coalesce(var.database.existing_ocid, one(oci_database_autonomous_database.this[*].id))
  db_name     = coalesce(one(data.oci_database_autonomous_database.existing[*].db_name), one(oci_database_autonomous_database.this[*].db_name))
  # "host:1522/<service>_low.adb.oraclecloud.com": Database Management wants the host and the
  # service name.
  db_low_connect = one(concat(
    [for db in data.oci_database_autonomous_database.existing : db.connection_strings[0].low],
    [for db in oci_database_autonomous_database.this : db.connection_strings[0].low],
  ))
  db_host        = element(split(":", local.db_low_connect), 0)
  db_low_service = element(split("/", local.db_low_connect), 1)
  # What the database requires: ours as configured, an existing one as it is.
  db_mtls_require = var.database.existing_ocid == null ? var.database.mtls_required : one(data.oci_database_autonomous_database.existing[*].is_mtls_connection_required)
  # One-way TLS is served on 1521, mutual TLS on 1522.
  db_monitor_port = local.db_mtls_require ? 1522 : 1521
}

# Database Management connects as the monitoring user (created with the Performance Hub privileges by
# the schema-migrate function, see functions/schema-migrate), whose password is in its own secret; the
# policy in iam.tf lets the service (dpd) read that secret alone. Over TLS the credentials are enough;
# when the database requires mTLS, SSL_DETAILS adds the keystore secret.
resource "oci_database_management_autonomous_database_autonomous_database_dbm_features_management" "this" {
  count = var.database_management.enabled ? 1 : 0

  autonomous_database_id                 = local.database_id
  enable_autonomous_database_dbm_feature = true

  feature_details {
    feature = "DIAGNOSTICS_AND_MANAGEMENT"

    connector_details {
      connector_type       = var.database_management.private_endpoint_ocid == null ? "DIRECT" : "PE"
      private_end_point_id = var.database_management.private_endpoint_ocid
    }

    database_connection_details {
      connection_credentials {
        credential_type    = local.db_mtls_require ? "SSL_DETAILS" : "DETAILS"
        user_name          = var.database.monitor_user
        password_secret_id = local.secret_ids.db_monitor_password
        ssl_secret_id      = local.db_mtls_require ? var.database_management.ssl_secret_ocid : null
        role               = "NORMAL"
      }
      connection_string {
        connection_type = "BASIC"
        port            = local.db_monitor_port
        protocol        = "TCPS"
        service         = local.db_low_service
      }
    }
  }

  lifecycle {
    precondition {
      condition     = !local.db_mtls_require || var.database_management.ssl_secret_ocid != null
      error_message = "The database requires mTLS: Database Management needs database_management.ssl_secret_ocid (or set database.mtls_required = false)."
    }
  }

  # The monitoring user's secret must be readable by the service before it connects.
  depends_on = [oci_identity_policy.this]
}

resource "oci_opsi_operations_insights_warehouse" "this" {
  count = var.operations_insights.create_warehouse ? 1 : 0

  compartment_id = var.tenancy_ocid
  display_name   = "${var.name_prefix}-opsi-warehouse"
  cpu_allocated  = var.operations_insights.warehouse_cpu
  freeform_tags  = local.tags
}

# Enabling Operations Insights while Database Management's enablement still holds the database in
# UPDATING answers 409: the insight waits for it (depends_on). Advanced features (the SQL Warehouse)
# connect as the monitoring user like Database Management.
resource "oci_opsi_database_insight" "this" {
  count = var.operations_insights.enabled ? 1 : 0

  compartment_id               = var.compartment_ocid
  entity_source                = "AUTONOMOUS_DATABASE"
  database_id                  = local.database_id
  database_resource_type       = "autonomousdatabase"
  status                       = "ENABLED"
  is_advanced_features_enabled = var.operations_insights.advanced_features
  freeform_tags                = local.tags

  dynamic "connection_details" {
    for_each = var.operations_insights.advanced_features ? [1] : []
    content {
      host_name    = local.db_host
      port         = local.db_monitor_port
      protocol     = "TCPS"
      service_name = local.db_low_service
    }
  }

  dynamic "credential_details" {
    for_each = var.operations_insights.advanced_features ? [1] : []
    content {
      credential_type        = "CREDENTIALS_BY_VAULT"
      credential_source_name = "${var.name_prefix}-opsi-monitor"
      user_name              = var.database.monitor_user
      password_secret_id     = local.secret_ids.db_monitor_password
      role                   = "NORMAL"
    }
  }

  depends_on = [
    oci_opsi_operations_insights_warehouse.this,
    oci_database_management_autonomous_database_autonomous_database_dbm_features_management.this,
    oci_identity_policy.this,
  ]
}

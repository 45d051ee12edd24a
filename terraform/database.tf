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
  is_mtls_connection_required = true
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
  # "host:1522/<service>_low.adb.oraclecloud.com": Database Management wants the service name.
  db_low_connect = one(concat(
    [for db in data.oci_database_autonomous_database.existing : db.connection_strings[0].low],
    [for db in oci_database_autonomous_database.this : db.connection_strings[0].low],
  ))
}

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
        credential_type    = "DETAILS"
        user_name          = var.database_management.user
        password_secret_id = coalesce(var.database_management.password_secret_ocid, local.secret_ids.db_password)
        role               = "NORMAL"
      }
      connection_string {
        connection_type = "BASIC"
        port            = 1522
        protocol        = "TCPS"
        service         = element(split("/", local.db_low_connect), 1)
      }
    }
  }
}

resource "oci_opsi_operations_insights_warehouse" "this" {
  count = var.operations_insights.create_warehouse ? 1 : 0

  compartment_id = var.tenancy_ocid
  display_name   = "${var.name_prefix}-opsi-warehouse"
  cpu_allocated  = var.operations_insights.warehouse_cpu
  freeform_tags  = local.tags
}

resource "oci_opsi_database_insight" "this" {
  count = var.operations_insights.enabled ? 1 : 0

  compartment_id               = var.compartment_ocid
  entity_source                = "AUTONOMOUS_DATABASE"
  database_id                  = local.database_id
  database_resource_type       = "autonomousdatabase"
  status                       = "ENABLED"
  is_advanced_features_enabled = false
  freeform_tags                = local.tags

  depends_on = [oci_opsi_operations_insights_warehouse.this]
}

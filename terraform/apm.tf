# Either a new APM domain or an existing one by OCID. Functions export OTLP traces to its data upload
# endpoint with the private data key (kept in Vault, see secrets.tf).
resource "oci_apm_apm_domain" "this" {
  count = var.apm.existing_domain_ocid == null ? 1 : 0

  compartment_id = var.compartment_ocid
  display_name   = "${var.name_prefix}-apm"
  description    = "Traces of the ${var.name_prefix} functions."
  is_free_tier   = var.apm.is_free_tier
  freeform_tags  = local.tags
}

data "oci_apm_apm_domain" "existing" {
  count = var.apm.existing_domain_ocid == null ? 0 : 1

  apm_domain_id = var.apm.existing_domain_ocid
}

data "oci_apm_data_keys" "private" {
  count = var.existing_secrets.apm_data_key == null ? 1 : 0

  apm_domain_id = local.apm_domain_id
  data_key_type = "PRIVATE"
}

locals {
  apm_domain_id        = coalesce(var.apm.existing_domain_ocid, one(oci_apm_apm_domain.this[*].id))
  apm_endpoint         = coalesce(one(data.oci_apm_apm_domain.existing[*].data_upload_endpoint), one(oci_apm_apm_domain.this[*].data_upload_endpoint))
  apm_private_data_key = sensitive(one(data.oci_apm_data_keys.private[*].data_keys[0].value))
}

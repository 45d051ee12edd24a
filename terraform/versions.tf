terraform {
  # OpenTofu >= 1.8 or Terraform >= 1.5: optional() defaults in object types and lifecycle preconditions.
  required_version = ">= 1.5.0"

  required_providers {
    oci = {
      source  = "oracle/oci"
      version = "~> 8.28.0"
    }
  }
}

# Credentials come from the usual OCI sources (~/.oci/config profile, or instance / resource principal
# via the OCI_* environment); nothing secret is configured here.
provider "oci" {
  region              = var.region
  config_file_profile = var.oci_config_profile
}

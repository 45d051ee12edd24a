output "api_url" {
  description = "Base URL of the API deployment (its path prefix included): append a declared route path."
  value       = oci_apigateway_deployment.this.endpoint
}

output "function_ids" {
  description = "OCID of every function, by name (make deploy FN=<name> reads it)."
  value       = { for name, f in oci_functions_function.this : name => f.id }
}

output "application_id" {
  description = "OCID of the Functions application."
  value       = oci_functions_application.this.id
}

output "apm_endpoint" {
  description = "APM data upload endpoint the functions export traces to."
  value       = local.apm_endpoint
}

output "database_id" {
  description = "OCID of the Autonomous Database."
  value       = local.database_id
}

output "routes" {
  description = "The deployed routes (method, path, scope, function), as declared in the func.yaml files."
  value       = local.routes
}

output "migrate_function_id" {
  description = "OCID of the schema-migrate function (migrator: true), which make deploy-migrate invokes after each apply; null when no function declares migrator: true."
  value       = one([for name in local.migrator_names : oci_functions_function.this[name].id])
}

output "email_dkim" {
  description = "The DNS record that activates DKIM for the email domain: a CNAME named dns_subdomain_name pointing to cname_record_value."
  value = {
    dns_subdomain_name = oci_email_dkim.this.dns_subdomain_name
    cname_record_value = oci_email_dkim.this.cname_record_value
  }
}

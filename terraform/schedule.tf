# One Resource Scheduler schedule per function that declares `schedule` in its func.yaml. The function
# receives the declared body as a plain POST (no Fn-Intent: httprequest), which the shared runtime
# routes to the function's scheduled handler.
resource "oci_resource_scheduler_schedule" "this" {
  for_each = local.scheduled_functions

  compartment_id     = var.compartment_ocid
  display_name       = "${var.name_prefix}-${each.key}"
  description        = "Invokes the ${each.key} function on its declared cron."
  action             = "START_RESOURCE"
  recurrence_type    = "CRON"
  recurrence_details = each.value.cron
  local_time_zone    = each.value.time_zone
  freeform_tags      = local.tags

  resources {
    id = oci_functions_function.this[each.key].id
    parameters {
      parameter_type = "BODY"
      value          = [jsonencode(try(each.value.body, {}))]
    }
  }
}

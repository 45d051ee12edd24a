# Alarms as code (issue 21): OCI Monitoring alarms on the functions' errors and throttles, the API
# gateway's 5xx responses and latency, and the database's CPU and storage, all to one Notifications
# topic (an email subscription when alarms.email is set; the address confirms it from the mail ONS
# sends). The function alarms iterate the declarations like every other per-function resource.

variable "alarms" {
  type = object({
    email                     = optional(string)
    function_errors_per_5m    = optional(number, 0)
    function_throttles_per_5m = optional(number, 0)
    gateway_5xx_per_5m        = optional(number, 5)
    gateway_p95_latency_ms    = optional(number, 3000)
    database_cpu_percent      = optional(number, 80)
    database_storage_percent  = optional(number, 85)
  })
  description = "Alarm notifications: the email address subscribed to the alarm topic (none when null) and the thresholds: function error and throttled responses per 5 minutes (alarm above), gateway 5xx responses per 5 minutes, gateway p95 latency, database CPU and storage utilisation in percent."
  default     = {}
  validation {
    condition     = var.alarms.email == null || can(regex("^[^@[:space:]]+@[^@[:space:]]+\\.[^@[:space:]]+$", var.alarms.email))
    error_message = "alarms.email must be an email address."
  }
  validation {
    condition     = alltrue([for v in [var.alarms.function_errors_per_5m, var.alarms.function_throttles_per_5m, var.alarms.gateway_5xx_per_5m] : v >= 0])
    error_message = "alarms counts must be 0 or more."
  }
  validation {
    condition     = var.alarms.gateway_p95_latency_ms > 0
    error_message = "alarms.gateway_p95_latency_ms must be positive."
  }
  validation {
    condition     = alltrue([for v in [var.alarms.database_cpu_percent, var.alarms.database_storage_percent] : v > 0 && v <= 100])
    error_message = "alarms percentages must be in (0, 100]."
  }
}

resource "oci_ons_notification_topic" "alarms" {
  compartment_id = var.compartment_ocid
  name           = "${var.name_prefix}-alarms"
  description    = "Monitoring alarms of the ${var.name_prefix} bundle."
  freeform_tags  = local.tags
}

resource "oci_ons_subscription" "alarms_email" {
  count = var.alarms.email == null ? 0 : 1

  compartment_id = var.compartment_ocid
  topic_id       = oci_ons_notification_topic.alarms.id
  protocol       = "EMAIL"
  endpoint       = var.alarms.email
  freeform_tags  = local.tags
}

locals {
  # Per function: error and throttled responses (oci_faas FunctionResponseCount by responseType).
  function_alarms = merge([
    for name in keys(local.functions) : {
      "${name}-errors" = {
        function  = name
        response  = "Error"
        threshold = var.alarms.function_errors_per_5m
        severity  = "CRITICAL"
      }
      "${name}-throttles" = {
        function  = name
        response  = "Throttled"
        threshold = var.alarms.function_throttles_per_5m
        severity  = "WARNING"
      }
    }
  ]...)

  # The gateway's and the database's alarms: namespace, query and severity.
  service_alarms = {
    gateway-5xx = {
      namespace = "oci_apigateway"
      query     = "HttpResponses[5m]{resourceId = \"${oci_apigateway_gateway.this.id}\", httpStatusCategory = \"5xx\"}.sum() > ${var.alarms.gateway_5xx_per_5m}"
      severity  = "CRITICAL"
      summary   = "The API gateway answered more than ${var.alarms.gateway_5xx_per_5m} 5xx responses in 5 minutes."
    }
    gateway-latency = {
      namespace = "oci_apigateway"
      query     = "Latency[5m]{resourceId = \"${oci_apigateway_gateway.this.id}\"}.percentile(0.95) > ${var.alarms.gateway_p95_latency_ms}"
      severity  = "WARNING"
      summary   = "The API gateway's p95 latency is above ${var.alarms.gateway_p95_latency_ms} ms."
    }
    database-cpu = {
      namespace = "oci_autonomous_database"
      query     = "CpuUtilization[5m]{resourceId = \"${local.database_id}\"}.mean() > ${var.alarms.database_cpu_percent}"
      severity  = "WARNING"
      summary   = "The database's CPU utilisation is above ${var.alarms.database_cpu_percent}%."
    }
    database-storage = {
      namespace = "oci_autonomous_database"
      query     = "StorageUtilization[1h]{resourceId = \"${local.database_id}\"}.max() > ${var.alarms.database_storage_percent}"
      severity  = "CRITICAL"
      summary   = "The database's storage utilisation is above ${var.alarms.database_storage_percent}%."
    }
  }
}

resource "oci_monitoring_alarm" "function" {
  for_each = local.function_alarms

  compartment_id        = var.compartment_ocid
  metric_compartment_id = var.compartment_ocid
  display_name          = "${var.name_prefix}-${each.key}"
  namespace             = "oci_faas"
  query                 = "FunctionResponseCount[5m]{resourceId = \"${oci_functions_function.this[each.value.function].id}\", responseType = \"${each.value.response}\"}.sum() > ${each.value.threshold}"
  severity              = each.value.severity
  alarm_summary         = "The ${each.value.function} function answered ${lower(each.value.response)} responses (more than ${each.value.threshold} in 5 minutes)."
  pending_duration      = "PT5M"
  destinations          = [oci_ons_notification_topic.alarms.id]
  is_enabled            = true
  message_format        = "ONS_OPTIMIZED"
  freeform_tags         = local.tags
}

resource "oci_monitoring_alarm" "service" {
  for_each = local.service_alarms

  compartment_id        = var.compartment_ocid
  metric_compartment_id = var.compartment_ocid
  display_name          = "${var.name_prefix}-${each.key}"
  namespace             = each.value.namespace
  query                 = each.value.query
  severity              = each.value.severity
  alarm_summary         = each.value.summary
  pending_duration      = "PT5M"
  destinations          = [oci_ons_notification_topic.alarms.id]
  is_enabled            = true
  message_format        = "ONS_OPTIMIZED"
  freeform_tags         = local.tags
}

output "alarm_topic_id" {
  description = "OCID of the Notifications topic the alarms publish to (subscribe more endpoints to it)."
  value       = oci_ons_notification_topic.alarms.id
}

# The KPIs as custom metrics: the analytics-rollup function posts the last completed hour's totals
# (orders, revenue, funnel, leads, security events) to the octo_analytics namespace with its resource
# principal (PostMetricData). The database functions' group may post to that namespace only.
resource "oci_identity_policy" "analytics_metrics" {
  count = var.create_iam && contains(keys(local.dynamic_groups), "database") ? 1 : 0

  compartment_id = var.tenancy_ocid
  name           = "${var.name_prefix}-analytics-metrics"
  description    = "Custom metrics of ${var.name_prefix}'s analytics rollup."
  statements = [
    "Allow dynamic-group ${local.dynamic_groups.database} to use metrics in ${local.compartment} where target.metrics.namespace = 'octo_analytics'",
  ]
  freeform_tags = local.tags

  depends_on = [oci_identity_dynamic_group.need]
}

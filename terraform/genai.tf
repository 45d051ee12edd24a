# OCI Generative AI for the functions whose declaration names its API format (config
# OCTO_GENAI_API_FORMAT in their func.yaml: assistant-chat). They have the genai need (main.tf): a
# dynamic group of their own that may use the Generative AI family in the GenAI compartment and
# nothing else, and the model's configuration. Without var.genai.model_id they answer with the local
# answerer only, and the policy is not created.
locals {
  genai_functions   = [for name, f in local.functions : name if contains(keys(f.config), "OCTO_GENAI_API_FORMAT")]
  genai_compartment = coalesce(var.genai.compartment_ocid, var.compartment_ocid)

  genai_wiring = var.genai.model_id == null ? {} : merge(
    {
      OCTO_GENAI_MODEL_ID         = var.genai.model_id
      OCTO_GENAI_COMPARTMENT_OCID = local.genai_compartment
      OCTO_GENAI_API_FORMAT       = var.genai.api_format
      OCTO_GENAI_TIMEOUT_SECONDS  = tostring(var.genai.timeout_seconds)
    },
    var.genai.endpoint == null ? {} : { OCTO_GENAI_ENDPOINT = var.genai.endpoint },
  )

  genai_policy_statements = var.genai.model_id != null && contains(keys(local.dynamic_groups), "genai") ? [
    "Allow dynamic-group ${local.dynamic_groups.genai} to use generative-ai-family in compartment id ${local.genai_compartment}",
  ] : []
}

# Email Delivery for the notification outbox (package shared/notify): the email domain, its DKIM key
# and the approved sender. The functions submit over the HTTPS API (OCTO_MAIL_SENDER=oci) with their
# resource principals, allowed by iam.tf's "use email-family": no SMTP credential exists. DNS stays
# yours: publish the DKIM CNAME (outputs email_dkim) and an SPF record including Oracle's
# (v=spf1 include:<region's spf domain> ~all), then the domain verifies and the DKIM key activates.
resource "oci_email_email_domain" "this" {
  compartment_id = var.compartment_ocid
  name           = lower(var.email.domain)
  description    = "Mail of ${var.name_prefix}: account verification, password reset, order confirmation."
  freeform_tags  = local.tags
}

resource "oci_email_dkim" "this" {
  email_domain_id = oci_email_email_domain.this.id
  name            = var.email.dkim_selector
  description     = "DKIM signing key of ${var.email.domain}."
  freeform_tags   = local.tags
}

resource "oci_email_sender" "this" {
  compartment_id = var.compartment_ocid
  email_address  = lower(var.email.sender)
  freeform_tags  = local.tags

  depends_on = [oci_email_email_domain.this]
}

locals {
  # What every function that mails gets (see shared/notify.ConfigFromEnv); merged into
  # function_wiring in main.tf.
  email_wiring = {
    OCTO_MAIL_SENDER            = "oci"
    OCTO_MAIL_FROM              = "${var.email.sender_name} <${oci_email_sender.this.email_address}>"
    OCTO_EMAIL_COMPARTMENT_OCID = var.compartment_ocid
    OCTO_PUBLIC_URL             = trimsuffix(var.email.public_url, "/")
  }
}

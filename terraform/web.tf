# The web clients (web/store, web/console) on OCI: every file under web/ (the browser tests under
# web/test excepted) is an object of one bucket, served through the API deployment's own routes, so
# the pages and the API share one origin (https://<gateway host>/<api_path_prefix>/...): the pages call
# ../api/ relative to themselves, and the deployment's CORS policy (var.cors) needs no entry for them.
#
# The bucket is public-read without listing (ObjectReadWithoutList) rather than reached through a
# pre-authenticated request: its objects are the public pages anyway, a PAR needs an expiry time (the
# site would stop when it passes, or every apply would replace it) and its URL is a bearer secret that
# would sit in the deployment specification and the state. Without listing, only the names the pages
# reference are reachable, and nothing else is ever written to this bucket.

data "oci_objectstorage_namespace" "this" {
  compartment_id = var.compartment_ocid
}

locals {
  web_dir = "${path.module}/../web"
  # Relative paths of the files the web clients are made of (path => path; the browser tests stay out).
  web_files = { for f in fileset(local.web_dir, "**") : f => f if split("/", f)[0] != "test" }
  web_content_types = {
    html = "text/html; charset=utf-8"
    js   = "text/javascript; charset=utf-8"
    css  = "text/css; charset=utf-8"
    json = "application/json"
    md   = "text/markdown; charset=utf-8"
    svg  = "image/svg+xml"
    png  = "image/png"
  }
  web_bucket_url = "https://objectstorage.${var.region}.oraclecloud.com/n/${data.oci_objectstorage_namespace.this.namespace}/b/${oci_objectstorage_bucket.web.name}/o"

  # The deployment's routes to the bucket (gateway.tf): exact pages first, then each top folder's
  # files by a wildcard, and the links the functions mail (verification, reset, an order's page, an
  # account's order or ticket) to link.html or link-deep.html (by depth), which opens the storefront's matching view.
  web_routes = concat(
    [
      { path = "/", url = "${local.web_bucket_url}/index.html" },
      { path = "/store/", url = "${local.web_bucket_url}/store/index.html" },
      { path = "/console/", url = "${local.web_bucket_url}/console/index.html" },
      { path = "/account/{link}", url = "${local.web_bucket_url}/link.html" },
      { path = "/orders/{link}", url = "${local.web_bucket_url}/link.html" },
      { path = "/account/orders/{link}", url = "${local.web_bucket_url}/link-deep.html" },
      { path = "/account/tickets/{link}", url = "${local.web_bucket_url}/link-deep.html" },
    ],
    [for d in distinct([for f in local.web_files : split("/", f)[0] if length(split("/", f)) > 1]) :
    { path = "/${d}/{object*}", url = "${local.web_bucket_url}/${d}/$${request.path[object]}" }],
  )

  # The security headers the local gateway sets on the same files (shared/gateway static.go).
  web_headers = {
    "X-Content-Type-Options"  = "nosniff"
    "X-Frame-Options"         = "DENY"
    "Referrer-Policy"         = "same-origin"
    "Content-Security-Policy" = "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
  }
}

resource "oci_objectstorage_bucket" "web" {
  compartment_id = var.compartment_ocid
  namespace      = data.oci_objectstorage_namespace.this.namespace
  name           = "${var.name_prefix}-web"
  access_type    = "ObjectReadWithoutList"
  versioning     = "Disabled"
  freeform_tags  = local.tags
}

resource "oci_objectstorage_object" "web" {
  for_each = local.web_files

  bucket    = oci_objectstorage_bucket.web.name
  namespace = data.oci_objectstorage_namespace.this.namespace
  object    = each.key
  content   = file("${local.web_dir}/${each.key}")
  # By extension, as the local gateway answers; vendored libraries carry their version in the path.
  content_type  = lookup(local.web_content_types, reverse(split(".", each.key))[0], "application/octet-stream")
  cache_control = split("/", each.key)[0] == "vendor" ? "public, max-age=86400" : "no-cache"
}

output "web_urls" {
  description = "The storefront and the staff console, on the API deployment's own origin."
  value = {
    store   = "${oci_apigateway_deployment.this.endpoint}/store/"
    console = "${oci_apigateway_deployment.this.endpoint}/console/"
  }
}

# Terraform, OpenTofu and function images. Included by the Makefile, which defines GO and FUNCTIONS
# (derived from functions/*/func.yaml).
#
#   make tofu                    build OpenTofu $(TOFU_VERSION) from the Go module proxy into .cache/bin
#   make tf-check                tofu fmt -check, the real `tofu validate` against the oracle/oci 8.28.0
#                                schema (offline, see below) and the checks in shared/tfcheck (provider
#                                schema, declarations vs Terraform, IAM, Dockerfile structure)
#   make tf-validate             only `tofu validate`, verbose (warnings printed)
#   make image FN=cart           docker build --build-arg FUNCTION=cart with the root Dockerfile
#   make deploy FN=cart          build, push, and move that one function to the new image
#   make deploy                  build and push every function, apply Terraform with TAG, then
#                                make deploy-migrate
#   make deploy-migrate          invoke the schema-migrate function (oci fn function invoke): it creates
#                                or updates the database users and runs the migrations inside OCI
#   make destroy                 tofu destroy (the Vault secrets are scheduled for deletion)
#
# Deploying needs OCIR (= the ocir_repo Terraform variable, e.g. iad.ocir.io/<namespace>/octo), a
# `docker login <region>.ocir.io` with an auth token, the oci CLI (single-function deploy) and
# terraform/terraform.tfvars.
#
# `tofu validate` offline: the oracle/oci provider binary cannot be downloaded here, so
# shared/cmd/oci-schema-provider (a plugin serving the provider's published schema,
# ../shared/terraform/oci-provider-schema.json or $OCTO_OCI_SCHEMA, over plugin protocol 5) stands in
# for it. TestTofuValidate in shared/tfcheck builds it, lays it out in a filesystem mirror as
# registry.opentofu.org/oracle/oci/8.28.0/<os>_<arch>/terraform-provider-oci_v8.28.0, names that
# mirror (and nothing else) in a generated TF_CLI_CONFIG_FILE, and runs `tofu init -backend=false` and
# `tofu validate -json` on a temporary copy of terraform/ (never writing .terraform into the repo);
# any error diagnostic fails. What this cannot run is the provider's own code-level validators.

TOFU_VERSION    ?= v1.12.6
TOFU            ?= $(CURDIR)/.cache/bin/tofu
TF              ?= $(TOFU)
TF_DIR          ?= terraform
TF_ARGS         ?=
DOCKER          ?= docker
DOCKER_PLATFORM ?= linux/amd64
OCI             ?= oci
OCIR            ?=
TAG             ?= $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo dev)

.PHONY: tofu tf-check tf-validate image push deploy deploy-migrate destroy

tofu: $(TOFU)

# OpenTofu's go.mod has replace directives, so `go install` refuses it: download the module and build
# inside its directory.
$(TOFU):
	@mkdir -p $(@D)
	dir=$$(cd $(@D) && GOWORK=off GOFLAGS=-mod=mod $(GO) mod download -json github.com/opentofu/opentofu@$(TOFU_VERSION) \
		| sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$$/\1/p') && test -n "$$dir" && \
	cd "$$dir" && GOWORK=off $(GO) build -o $@ ./cmd/tofu

tf-check: $(TOFU)
	$(TOFU) fmt -check -recursive -diff $(TF_DIR)
	OCTO_TOFU=$(TOFU) $(GO) test -count=1 ./shared/tfcheck/... ./shared/internal/schemaprovider/...

tf-validate: $(TOFU)
	OCTO_TOFU=$(TOFU) $(GO) test -count=1 -v -run 'TestTofuValidate$$/repository' ./shared/tfcheck/

define need-fn
$(if $(filter $(FN),$(FUNCTIONS)),,$(error FN=$(FN) is not a function; one of: $(FUNCTIONS)))
endef

define need-ocir
$(if $(OCIR),,$(error set OCIR=<region>.ocir.io/<namespace>/<prefix> (the ocir_repo Terraform variable)))
endef

image:
	$(need-fn)$(need-ocir)
	$(DOCKER) build --platform $(DOCKER_PLATFORM) --build-arg FUNCTION=$(FN) -t $(OCIR)/$(FN):$(TAG) .

push: image
	$(DOCKER) push $(OCIR)/$(FN):$(TAG)

ifeq ($(FN),)
# Every function at TAG: Terraform moves each function to <OCIR>/<name>:<TAG> and re-converges the
# rest of the stack.
deploy:
	$(need-ocir)
	@for fn in $(FUNCTIONS); do $(MAKE) --no-print-directory push FN=$$fn OCIR=$(OCIR) TAG=$(TAG) || exit 1; done
	$(TF) -chdir=$(TF_DIR) init -input=false
	$(TF) -chdir=$(TF_DIR) apply -input=false -var 'image_tag=$(TAG)' -var 'ocir_repo=$(OCIR)' $(TF_ARGS)
	$(MAKE) --no-print-directory deploy-migrate
else
# One function, out of band: its OCID comes from the Terraform state, the rest is untouched. The
# next `make deploy` (all) rolls every function to one TAG again; to keep a single function pinned
# through plain applies, set image_tags = { <name> = "<tag>" } in terraform.tfvars.
deploy: push
	id=$$($(TF) -chdir=$(TF_DIR) output -json function_ids | sed -n 's/.*"$(FN)": *"\([^"]*\)".*/\1/p'); \
	test -n "$$id" || { echo "no function $(FN) in the Terraform state: run make deploy first" >&2; exit 1; }; \
	$(OCI) fn function update --function-id "$$id" --image $(OCIR)/$(FN):$(TAG) --force
endif

# The schema load runs inside OCI: the schema-migrate function (migrator: true in its func.yaml)
# generates its wallet through the database API, creates or updates the schema owner, application and
# monitoring users as ADMIN, and runs the migrations as the schema owner. Its answer is printed; a
# failure is a non-zero exit. No database client or wallet is needed on this machine.
deploy-migrate:
	id=$$($(TF) -chdir=$(TF_DIR) output -raw migrate_function_id) && test -n "$$id" || \
		{ echo "no schema-migrate function in the Terraform state: run make deploy first" >&2; exit 1; }; \
	out=$$(mktemp) && $(OCI) --read-timeout 330 fn function invoke --function-id "$$id" --file "$$out" --body '{}' && \
	cat "$$out" && echo && grep -q '"status":"ok"' "$$out"; rc=$$?; rm -f "$$out"; exit $$rc

# Everything Terraform created goes. Vault secrets are only scheduled for deletion (their names stay
# taken for the pending period, hence the per-state suffix in secrets.tf); images stay in OCIR.
destroy:
	$(TF) -chdir=$(TF_DIR) destroy -input=false -var 'image_tag=$(TAG)' -var 'ocir_repo=$(or $(OCIR),iad.ocir.io/unused/octo)' $(TF_ARGS)

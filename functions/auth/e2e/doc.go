// Package e2e tests the accounts end to end: the real function binaries behind the local gateway
// (package stacktest, as `make run` sets them up), reading the mail each step sends from the file
// sink under $OCTO_DATA_DIR/mail/.
package e2e

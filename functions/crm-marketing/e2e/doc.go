// Package e2e runs the marketing walk-through through the local gateway and the real function
// binaries: marketing creates a campaign with a code, a lead captured with that code lands on it, is
// qualified and converted into a customer, and the funnel counts it; support is refused.
package e2e

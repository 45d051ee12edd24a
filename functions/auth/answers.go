package auth

// StatusAnswer is the answer of a request that has nothing but its outcome to say (reset_sent,
// password_reset, verification_sent), with a sentence for people when useful.
type StatusAnswer struct {
	Status  string `json:"status"`
	Message string `json:"message,omitempty"`
}

// ExternalPrincipal is GET /api/auth/me's answer for an Identity Domain principal, which has no
// account here: its principal and token scopes only.
type ExternalPrincipal struct {
	Principal string   `json:"principal"`
	Scope     []string `json:"scope"`
}

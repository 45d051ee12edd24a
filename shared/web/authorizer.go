package web

// AuthorizerInput is the body API Gateway sends a custom authorizer function for a USER_DEFINED
// authentication policy whose parameters map token = request.headers[Authorization].
type AuthorizerInput struct {
	Type string            `json:"type"` // "USER_DEFINED"
	Data map[string]string `json:"data"`
}

// AuthorizerOutput is the authorizer function's answer, as API Gateway reads it.
type AuthorizerOutput struct {
	Active          bool           `json:"active"`
	Principal       string         `json:"principal,omitempty"`
	Scope           []string       `json:"scope,omitempty"`
	ExpiresAt       string         `json:"expiresAt,omitempty"`
	Context         map[string]any `json:"context,omitempty"`
	ClientID        string         `json:"clientId,omitempty"`
	WWWAuthenticate string         `json:"wwwAuthenticate,omitempty"`
}

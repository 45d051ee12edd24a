package security

// Kind is what a security event is about. Its value is the event's category, in the span event and
// in details.category; the security_events.attack_type column holds Kind.AttackType.
type Kind string

// The kinds of security event.
const (
	SQLInjection     Kind = "sql_injection"
	XSS              Kind = "xss"
	PathTraversal    Kind = "path_traversal"
	CommandInjection Kind = "command_injection"
	IDOR             Kind = "idor"            // access to someone else's resource
	BruteForce       Kind = "brute_force"     // repeated failed logins
	RateLimit        Kind = "rate_limit"      // a rate limit was exceeded
	MassAssignment   Kind = "mass_assignment" // unknown or wrongly typed fields in a body
	MalformedBody    Kind = "malformed_body"  // a body that is not the JSON it claims to be
	OversizedBody    Kind = "oversized_body"  // a body over the route's limit
	InvalidToken     Kind = "invalid_token"   // an invalid, expired or tampered access token
)

// PromptInjection is an instruction or a data request aimed at a language model, refused by the
// assistant's guardrail.
const PromptInjection Kind = "prompt_injection"

// Kinds lists every kind of security event, each stored in security_events as itself.
func Kinds() []Kind {
	return []Kind{SQLInjection, XSS, PathTraversal, CommandInjection, IDOR, BruteForce, RateLimit, MassAssignment,
		MalformedBody, OversizedBody, InvalidToken, PromptInjection}
}

// classification is what every event of a kind carries.
type classification struct {
	attackType string // security_events.attack_type (the schema's CHECK list)
	severity   string
	technique  string // MITRE ATT&CK technique
	tactic     string // MITRE ATT&CK tactic
	owasp      string // OWASP Top 10 (2021) category
}

// classify returns the kind's classification. Every kind is stored as itself (the attack_type CHECK
// lists them all since migration 0015); an unknown kind is an "other" of medium severity.
func (k Kind) classify() classification {
	switch k {
	case SQLInjection:
		return classification{"sql_injection", "high", "T1190 Exploit Public-Facing Application", "TA0001 Initial Access", "A03:2021 Injection"}
	case XSS:
		return classification{"xss", "high", "T1059.007 Command and Scripting Interpreter: JavaScript", "TA0002 Execution", "A03:2021 Injection"}
	case PathTraversal:
		return classification{"path_traversal", "high", "T1083 File and Directory Discovery", "TA0007 Discovery", "A01:2021 Broken Access Control"}
	case CommandInjection:
		return classification{"command_injection", "critical", "T1059 Command and Scripting Interpreter", "TA0002 Execution", "A03:2021 Injection"}
	case IDOR:
		return classification{"idor", "high", "T1213 Data from Information Repositories", "TA0009 Collection", "A01:2021 Broken Access Control"}
	case BruteForce:
		return classification{"brute_force", "high", "T1110 Brute Force", "TA0006 Credential Access", "A07:2021 Identification and Authentication Failures"}
	case RateLimit:
		return classification{"rate_limit", "low", "T1499 Endpoint Denial of Service", "TA0040 Impact", "A04:2021 Insecure Design"}
	case MassAssignment:
		return classification{"mass_assignment", "medium", "T1190 Exploit Public-Facing Application", "TA0001 Initial Access", "A08:2021 Software and Data Integrity Failures"}
	case MalformedBody:
		return classification{"malformed_body", "low", "T1595.002 Active Scanning: Vulnerability Scanning", "TA0043 Reconnaissance", "A05:2021 Security Misconfiguration"}
	case OversizedBody:
		return classification{"oversized_body", "low", "T1499.003 Endpoint Denial of Service: Application Exhaustion Flood", "TA0040 Impact", "A04:2021 Insecure Design"}
	case InvalidToken:
		return classification{"invalid_token", "medium", "T1606 Forge Web Credentials", "TA0006 Credential Access", "A07:2021 Identification and Authentication Failures"}
	case PromptInjection:
		return classification{"prompt_injection", "medium", "AML.T0051 LLM Prompt Injection", "TA0001 Initial Access", "LLM01:2025 Prompt Injection"}
	}
	return classification{attackType: "other", severity: "medium"}
}

// AttackType is the security_events.attack_type value of the kind.
func (k Kind) AttackType() string { return k.classify().attackType }

// Severity is the kind's severity: info, low, medium, high or critical.
func (k Kind) Severity() string { return k.classify().severity }

package assistantchat

import (
	"regexp"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// RefusalReply is the one answer to a refused message: stable, so clients and tests can rely on it,
// and saying what the assistant is for.
const RefusalReply = "I can only help with OCTO's drones, payloads, batteries, controllers, parts and accessories, " +
	"and with choosing among them. I can't help with that request. Ask me, for example, which camera suits roof inspections."

// Refusal reasons, the refusal metric's reason attribute.
const (
	reasonInjection    = "prompt_injection"
	reasonExfiltration = "data_exfiltration"
	reasonOffTopic     = "off_topic"
)

// guardRule is a pattern a refused message matches. Every rule names the literals (needs), lower-case,
// one of which any message it matches holds once folded (foldASCII): its expression is compiled and run
// only on messages holding one, as the attack rules of package security are. An ordinary question
// ("which thermal camera do you have for roof inspection?") holds none, so a cold start's first chat
// compiles no expression: compiling all ten cost ~0.5 ms of it. TestGuardNeedsAreSound and
// FuzzGuardNeeds check each rule's needs against its expression.
type guardRule struct {
	reason string
	needs  []string
	re     func() *regexp.Regexp
}

// guard compiles expr, case-insensitive and with . matching newlines, on first use.
func guard(reason string, needs []string, expr string) guardRule {
	return guardRule{reason: reason, needs: needs, re: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?is)` + expr) })}
}

// guardRules catch instructions aimed at the model and requests for data the assistant must never
// give (secrets, its instructions, SQL, card numbers, other customers' data). Each expression needs a
// phrase, never a lone word, so on-topic questions ("which system...", "can I pay by card?", "ignore
// the wind rating...") pass: TestGuardrails holds both sides.
var guardRules = []guardRule{
	guard(reasonInjection, []string{"ignore", "disregard", "forget", "override", "bypass"},
		`\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(instructions?|rules|prompts?|guidelines|directives|system|above|previous|prior)\b`),
	guard(reasonInjection, []string{"prompt", "message", "instruction"},
		`\b(system|hidden|initial|original|developer)\s+(prompt|message|instructions?)\b`),
	guard(reasonInjection, []string{"prompt", "instruction", "rules", "configuration", "preamble"},
		`\b(reveal|print|show|repeat|output|leak|dump|tell me)\b.{0,30}\byour\s+(prompt|instructions?|rules|configuration|preamble)\b`),
	guard(reasonInjection, []string{"you are", "developer mode", "jailbreak", "do anything now", "dan", "act as"},
		`\byou are (now|no longer)\b|\bdeveloper mode\b|\bjailbreak|\bdo anything now\b|\bDAN\b|\bact as (an? )?(unrestricted|different|evil|root|admin)`),
	guard(reasonInjection, []string{"pretend", "play as", "new instructions", "new persona", "new rules"},
		`\bpretend (to be|you are)\b|\brole-?play as\b|\bnew (instructions|persona|rules)\b`),
	guard(reasonExfiltration, []string{"key", "password"},
		`\b(api|secret|access|private|signing)\s+keys?\b|\b(admin|database|db|root|system|user'?s?|customers?'?|other)\s+passwords?\b|\bpasswords? (of|for) (the )?(admin|users?|customers?|database)\b`),
	guard(reasonExfiltration, []string{"connection string", "wallet", "environment variable", "credential", "token", "ocid1."},
		`\bconnection string\b|\bwallet\b.{0,20}\b(password|file|zip)\b|\benvironment variables?\b|\bcredentials?\b|\btokens? (of|for) (other|another|all)\b|\bocid1\.`),
	guard(reasonExfiltration, []string{"select", "delete", "update", "insert", "drop", "truncate", "alter", "grant", ";"},
		`\b(select|delete|update|insert|drop|truncate|alter|grant)\b.{0,60}\b(from|into|table|set|where|to)\b.{0,60}\b(users|customers|orders|products|payments|assistant_\w+|dual|all_\w+|user_\w+|v\$\w+)\b|\bunion\s+select\b|;\s*--`),
	guard(reasonExfiltration, []string{"customer", "users", "account", "buyer", "shopper", "bought", "ordered", "purchased"},
		`\b(other|another|all|every|list( of)?|previous)\s+(customers?|users|accounts|buyers|shoppers)\b|\bcustomers?'?s? (names?|emails?|addresses|phone|orders|data|details|list)\b|\bwho (else )?(bought|ordered|purchased)\b`),
	guard(reasonExfiltration, []string{"card", "cvv", "cvc", "payment"},
		`\b(card|credit card|cvv|cvc)\s*(numbers?|details|data)\b.{0,40}\b(of|from|for|stored|saved|list|other|customers?)\b|\b(stored|saved) (card|credit card|payment)s?\b`),
}

// foldASCII lower-cases s and also maps the non-ASCII letters that case-insensitive matching equates
// with an ASCII one (the Kelvin sign with k, the long s with s), so a literal a (?i) expression
// matches is always found in it.
func foldASCII(s string) string {
	s = strings.ToLower(s)
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf {
			return r
		}
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < utf8.RuneSelf {
				return unicode.ToLower(f)
			}
		}
		return r
	}, s)
}

// matches reports whether the guard rule r matches message, whose foldASCII form is folded.
func (r guardRule) matches(message, folded string) bool {
	for _, n := range r.needs {
		if strings.Contains(folded, n) {
			return r.re().MatchString(message)
		}
	}
	return false
}

// shopWords are the shop's own topics besides its products: a question about them is on-topic even
// when it names no product term.
var shopWords = setOf(`drone drones uav uavs quadcopter multirotor copter fly flying flight pilot aerial order orders
ship shipping shipped deliver delivery return returns refund warranty guarantee price prices cost costs cheap
cheaper cheapest expensive budget buy buying purchase stock available availability discount coupon coupons
payment pay invoice compare comparison difference spec specs specification specifications recommendation
advice help catalog catalogue product products shop store kit accessory accessories part parts spare spares
upgrade repair replace replacement compatible compatibility fit fits work works beginner professional
enterprise industrial commercial licence license regulation regulations certification training`)

// classify decides whether a message is refused, and why ("" when it is answered). A message is
// refused when it matches a guard rule, or when it has content words none of which the catalog, the
// trade's synonyms or the shop's own topics know (off-topic). A message of stop words only
// ("hi!") is answered.
func classify(ix *Index, message string) string {
	folded := foldASCII(message)
	for _, r := range guardRules {
		if r.matches(message, folded) {
			return r.reason
		}
	}
	if hasCardNumber(message) {
		return reasonExfiltration
	}
	content := 0
	for _, w := range words(message) {
		t := term(w)
		if t == "" || strings.Trim(t, "0123456789") == "" { // numbers say nothing about the topic
			continue
		}
		if shopWords[w] || shopWords[t] || ix.Knows(t) {
			return ""
		}
		content++
	}
	if content == 0 {
		return ""
	}
	return reasonOffTopic
}

// hasCardNumber reports whether s holds 13 to 19 digits (spaces or dashes between them allowed) that
// pass the Luhn check: a payment card number, which is never stored or sent to a model.
func hasCardNumber(s string) bool {
	return cardNumber(s) >= 0
}

// cardNumber returns the byte offset of the first card number in s, or -1.
func cardNumber(s string) int {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) || (i > 0 && isDigit(s[i-1])) {
			continue
		}
		var digits []byte
		for j := i; j < len(s) && len(digits) < 19; j++ {
			c := s[j]
			switch {
			case isDigit(c):
				digits = append(digits, c)
				if len(digits) >= 13 && luhn(digits) && (j+1 == len(s) || !isDigit(s[j+1])) {
					return i
				}
			case c == ' ' || c == '-':
			default:
				j = len(s)
			}
		}
	}
	return -1
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func luhn(d []byte) bool {
	sum := 0
	for i := range d {
		n := int(d[len(d)-1-i] - '0')
		if i%2 == 1 {
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return sum%10 == 0
}

// redactCards replaces every card number in s, so none is stored.
func redactCards(s string) string {
	for {
		i := cardNumber(s)
		if i < 0 {
			return s
		}
		j := i
		digits := 0
		for j < len(s) && (isDigit(s[j]) || s[j] == ' ' || s[j] == '-') && digits < 19 {
			if isDigit(s[j]) {
				digits++
			}
			j++
		}
		s = s[:i] + "[card number removed]" + strings.TrimLeft(s[j:], " -")
	}
}

// unsafeReply reports whether a model's reply must not reach the customer: it quotes the system
// prompt, or carries SQL, a card number, an OCID or key material. The local answer replaces it.
func unsafeReply(reply string) bool {
	lower := strings.ToLower(reply)
	for _, marker := range []string{systemPromptMarker, "-----begin", "ocid1.", "select * from", "insert into ", "drop table"} {
		if strings.Contains(lower, strings.ToLower(marker)) {
			return true
		}
	}
	return hasCardNumber(reply)
}

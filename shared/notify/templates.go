package notify

import (
	"fmt"
	"html"
	"strings"
)

// Template names: the kinds of message the bundle sends.
const (
	VerifyEmail       = "verify_email"       // data: name, link
	PasswordReset     = "password_reset"     // data: link
	AccountExists     = "account_exists"     // data: link (a password reset link)
	OrderConfirmation = "order_confirmation" // data: name, order_id, total, link
	ShipmentStatus    = "shipment_status"    // data: order_id, status, tracking_number, link
	TicketReply       = "ticket_reply"       // data: ticket_id, subject, link
)

// template is one kind of message: a subject and a plain-text body with {key} placeholders; the HTML
// part is the text's paragraphs with the link made clickable.
type template struct {
	subject string
	text    string
}

// templates is every message the bundle sends, in one place.
var templates = map[string]template{
	VerifyEmail: {
		subject: "Confirm your email for OCTO Drone Shop",
		text: "Hello {name},\n\nConfirm that this address is yours to finish creating your OCTO Drone Shop account " +
			"and see your orders:\n\n{link}\n\nThe link works once, for 24 hours. If you did not create an account, ignore this message.",
	},
	PasswordReset: {
		subject: "Reset your OCTO Drone Shop password",
		text: "Someone asked to reset the password of the OCTO Drone Shop account with this address.\n\n" +
			"Choose a new password here:\n\n{link}\n\nThe link works once, for one hour, and signs you out everywhere. " +
			"If you did not ask, ignore this message: your password stays as it is.",
	},
	AccountExists: {
		subject: "Your OCTO Drone Shop account",
		text: "Someone tried to create an OCTO Drone Shop account with this address, which already has one.\n\n" +
			"If it was you, sign in, or reset your password here:\n\n{link}\n\nThe link works once, for one hour. " +
			"If it was not you, ignore this message: nothing was changed.",
	},
	OrderConfirmation: {
		subject: "Your OCTO Drone Shop order {order_id}",
		text: "Hello {name},\n\nThank you for your order {order_id} ({total} USD). Follow it here:\n\n{link}\n\n" +
			"Keep this link: it shows your order without signing in.",
	},
	ShipmentStatus: {
		subject: "Order {order_id}: {status}",
		text:    "Your order {order_id} is now {status} (tracking {tracking_number}).\n\n{link}",
	},
	TicketReply: {
		subject: "Re: {subject} [ticket {ticket_id}]",
		text:    "Our support team answered your ticket {ticket_id}, \"{subject}\":\n\n{link}",
	},
}

// replacePlaceholders replaces each {key} (key of a-z and _) in s by f(key).
func replacePlaceholders(s string, f func(key string) string) string {
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		j := strings.IndexByte(s[i:], '}')
		key := ""
		if j > 1 {
			key = s[i+1 : i+j]
		}
		if key == "" || strings.Trim(key, "abcdefghijklmnopqrstuvwxyz_") != "" {
			b.WriteString(s[:i+1])
			s = s[i+1:]
			continue
		}
		b.WriteString(s[:i])
		b.WriteString(f(key))
		s = s[i+j+1:]
	}
}

// rendered is a message's subject and two bodies.
type rendered struct {
	subject, text, html string
}

// render fills a template. Every placeholder must have a value and every value a placeholder, so a
// caller's typo fails at enqueue time rather than mailing "{link}".
func render(name string, data map[string]string) (rendered, error) {
	t, ok := templates[name]
	if !ok {
		return rendered{}, fmt.Errorf("notify: unknown template %q", name)
	}
	used := map[string]bool{}
	var missing []string
	fill := func(s string, escape func(string) string) string {
		return replacePlaceholders(s, func(key string) string {
			v, ok := data[key]
			if !ok {
				missing = append(missing, key)
				return "{" + key + "}"
			}
			used[key] = true
			return escape(v)
		})
	}
	plain := func(s string) string { return s }
	r := rendered{subject: fill(t.subject, plain), text: fill(t.text, plain)}
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html><body>\n")
	for _, para := range strings.Split(t.text, "\n\n") {
		if strings.TrimSpace(para) == "{link}" {
			link := html.EscapeString(data["link"])
			fmt.Fprintf(&b, "<p><a href=\"%s\">%s</a></p>\n", link, link)
			continue
		}
		b.WriteString("<p>" + strings.ReplaceAll(fill(para, html.EscapeString), "\n", "<br>\n") + "</p>\n")
	}
	b.WriteString("</body></html>\n")
	r.html = b.String()
	if len(missing) > 0 {
		return rendered{}, fmt.Errorf("notify: template %s: no value for %s", name, strings.Join(missing, ", "))
	}
	for k := range data {
		if !used[k] {
			return rendered{}, fmt.Errorf("notify: template %s has no placeholder {%s}", name, k)
		}
	}
	return r, nil
}

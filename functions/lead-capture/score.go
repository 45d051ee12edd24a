package leadcapture

// Signals are what a lead's score is computed from.
type Signals struct {
	CompanyEmail bool   // the email's domain is not a free-mail provider (see IsFreeMail)
	CompanyGiven bool   // a company name was given
	MessageChars int    // characters of the message, 0 without one
	CampaignType string // email | social | ppc | referral; "" without a campaign
	Repeat       bool   // the same email already asked through the same campaign within the window
}

// Score computes a lead's score, 0..100, by this rule (the points add up, capped at 100):
//
//	10  every lead (consent given, valid email)
//	25  company email domain (not a free-mail provider)
//	15  company name given
//	 5 / 12 / 20  message of 1..49 / 50..199 / 200+ characters
//	15 / 10 / 8 / 5  campaign type referral / email / ppc / social (0 without a campaign)
//	15  repeat interest: another submission for the same campaign and email within 30 days
//
// The weights favour what predicts a sale for a B2B drone shop: a work address and a company name
// (an organisation is buying), a message that describes a need, a referral (pre-qualified by
// someone who knows both sides), and coming back. A lead with everything scores 100; a bare
// free-mail sign-up scores 10.
func Score(s Signals) int {
	score := 10
	if s.CompanyEmail {
		score += 25
	}
	if s.CompanyGiven {
		score += 15
	}
	switch {
	case s.MessageChars >= 200:
		score += 20
	case s.MessageChars >= 50:
		score += 12
	case s.MessageChars >= 1:
		score += 5
	}
	switch s.CampaignType {
	case "referral":
		score += 15
	case "email":
		score += 10
	case "ppc":
		score += 8
	case "social":
		score += 5
	}
	if s.Repeat {
		score += 15
	}
	return min(max(score, 0), 100)
}

// IsFreeMail reports whether domain (lower case) belongs to a consumer mail provider, whose
// addresses say nothing about an employer. The list holds the large providers; an unlisted small
// one counts as a company domain, which only costs a few points of accuracy.
func IsFreeMail(domain string) bool {
	switch domain {
	case "gmail.com", "googlemail.com",
		"yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.de", "ymail.com", "rocketmail.com",
		"outlook.com", "hotmail.com", "hotmail.co.uk", "live.com", "msn.com",
		"aol.com", "icloud.com", "me.com", "mac.com",
		"proton.me", "protonmail.com", "pm.me", "tutanota.com", "fastmail.com", "hey.com",
		"gmx.com", "gmx.de", "gmx.net", "web.de", "mail.com", "zoho.com", "yandex.com", "yandex.ru", "mail.ru",
		"qq.com", "163.com", "126.com", "naver.com":
		return true
	}
	return false
}
